/**
 * Hook latency of the isolate runner against the in-process runner on a small harness, over episodes
 * shaped like the loop's (five hooks per step, a growing trajectory). `measureOverhead` is used by the
 * overhead test; run this file directly (node --no-node-snapshot --import tsx) for the numbers.
 */
import type { HarnessRunner, HookInputs } from '../../sandboxes/index.ts';
import { createInProcessRunner, createIsolateRunner } from '../../sandboxes/index.ts';
import type { HookName, StepView } from '../../src/harness/api.ts';
import { call, open, raw, step, viewOf, wellBehaved } from './fixtures.ts';

export interface Latency {
  p50: number;
  p99: number;
  mean: number;
  calls: number;
}

function summarise(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { p50: at(0.5), p99: at(0.99), mean: samples.reduce((a, b) => a + b, 0) / samples.length, calls: samples.length };
}

export async function measure(runner: HarnessRunner, episodes: number, steps: number): Promise<Latency> {
  const samples: number[] = [];
  const rules = 'Policy: '.concat('Always confirm before any write. '.repeat(100));
  for (let episode = 0; episode < episodes; episode++) {
    const session = await open(runner, wellBehaved(), episode);
    const trajectory: StepView[] = [];
    const timed = async <K extends HookName>(hook: K, input: HookInputs[K]) => {
      const started = process.hrtime.bigint();
      const result = await session.call(hook, input, viewOf(trajectory, { rules }));
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (!result.ok) throw new Error(JSON.stringify(result.violation));
    };
    for (let index = 0; index < steps; index++) {
      await timed('prepare', { prompt: { system: 'You are a support agent. '.repeat(20), observation: 'Ticket: refund order O-1.' } });
      await timed('realize', { draft: { raw: raw(`Sure: {'tool': 'get_order', 'arguments': {'id': 'O-${index}'}}`), action: null, error: 'not JSON' }, allowResample: true });
      await timed('guard', { action: call });
      await timed('interpret', { outcome: { action: call, result: { ok: false, output: 'Error: order not found' }, text: 'Error: order not found' } });
      trajectory.push(step(index, call, 'Error: order not found'));
      await timed('regulate', {});
    }
    await session.close();
  }
  return summarise(samples);
}

export async function measureOverhead(episodes = 20, steps = 20): Promise<{ isolate: Latency; inProcess: Latency }> {
  const isolate = createIsolateRunner();
  const inProcess = createInProcessRunner();
  try {
    await measure(isolate, 2, steps); // warm up both (compiled scripts, JIT of the host side)
    await measure(inProcess, 2, steps);
    return { isolate: await measure(isolate, episodes, steps), inProcess: await measure(inProcess, episodes, steps) };
  } finally {
    await isolate.dispose();
    await inProcess.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { isolate, inProcess } = await measureOverhead(50, 30);
  const show = (latency: Latency) => `p50 ${(latency.p50 * 1000).toFixed(1)} µs, p99 ${(latency.p99 * 1000).toFixed(1)} µs, mean ${(latency.mean * 1000).toFixed(1)} µs over ${latency.calls} calls`;
  console.log(`isolate    ${show(isolate)}`);
  console.log(`in-process ${show(inProcess)}`);
}
