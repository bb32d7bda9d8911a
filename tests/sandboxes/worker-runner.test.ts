/**
 * The worker runner (loadHarness({ isolation: 'worker' })): the same answers as the isolate in this
 * process, peeks answered by the caller synchronously, and a hook that no limit stops kills the worker,
 * not the caller.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createIsolateRunner, type HarnessRunner } from '../../sandboxes/index.ts';
import { createWorkerRunner } from '../../sandboxes/worker-runner.ts';
import type { CompiledHarness, HarnessSession, SessionBridge } from '../../sandboxes/types.ts';
import { bridge, hostile, viewOf, wellBehaved } from './fixtures.ts';

async function open(runner: HarnessRunner, harness: CompiledHarness, with_: SessionBridge): Promise<HarnessSession> {
  const opened = await runner.open(harness, with_);
  if (!opened.ok) throw new Error(`open failed: ${JSON.stringify(opened.violation)}`);
  return opened.session;
}

const runners: HarnessRunner[] = [];
afterAll(() => Promise.all(runners.map((runner) => runner.dispose())));

function both(): { local: HarnessRunner; worker: HarnessRunner } {
  const local = createIsolateRunner();
  const worker = createWorkerRunner({}, { output: 'ignore' });
  runners.push(local, worker);
  return { local, worker };
}

const calls = [
  ['prepare', { prompt: { system: 'S', observation: 'Hi, I am Ada.' } }],
  ['realize', { draft: { raw: { text: "Sure: {'tool': 'find_user', 'arguments': {'name': 'Ada'},}", toolCalls: [] }, action: null }, allowResample: true }],
  ['guard', { action: { kind: 'call', tool: 'delete_account', arguments: {} } }],
  ['interpret', { outcome: { action: { kind: 'call', tool: 'find_user', arguments: {} }, result: { ok: false, output: 'Error: user not found' }, text: 'Error: user not found' } }],
  ['regulate', {}],
] as const;

describe('worker runner', () => {
  it('answers every hook exactly as the isolate in this process does, peeks included', async () => {
    const { local, worker } = both();
    const localLog: string[] = [];
    const workerLog: string[] = [];
    const inProcess = await open(local, wellBehaved(), bridge(7, localLog));
    const inWorker = await open(worker, wellBehaved(), bridge(7, workerLog));
    expect(inWorker.modules).toEqual(inProcess.modules);
    for (const [hook, input] of calls) {
      for (const view of [viewOf([]), viewOf([{ index: 0, raw: { text: 'x', toolCalls: [] }, action: null, feedback: 'f' }])]) {
        expect(await inWorker.call(hook, input as never, view), hook).toEqual(await inProcess.call(hook, input as never, view));
      }
    }
    expect(workerLog.length).toBeGreaterThan(0);
    expect(workerLog).toEqual(localLog);
    await inProcess.close();
    await inWorker.close();
  });

  it('a hook stuck in a builtin kills the worker, not the caller: that call gets the named violation, another open session a crash, the next session a new worker', async () => {
    const { worker } = both();
    const bystander = await open(worker, wellBehaved(), bridge());
    const stuck = await open(worker, hostile('builtin-fill'), bridge());
    const view = viewOf([], { tools: [{ name: 'refund', description: 'a write', parameters: { type: 'object', properties: {}, required: [] }, readOnly: false }] });
    const started = performance.now();
    const result = await stuck.call('guard', { action: { kind: 'call', tool: 'refund', arguments: {} } }, view);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.violation).toMatchObject({ hook: 'guard', module: 'builtin-fill' });
    expect(['SANDBOX_TIMEOUT', 'SANDBOX_MEMORY']).toContain(result.violation.code);
    expect(await bystander.call('regulate', {}, viewOf([]))).toMatchObject({ ok: false, violation: { code: 'SANDBOX_WORKER_CRASH' } });
    await stuck.close();
    await bystander.close();
    const next = await open(worker, wellBehaved(), bridge());
    expect(await next.call('guard', { action: { kind: 'call', tool: 'delete_account', arguments: {} } }, viewOf([]))).toMatchObject({ ok: true });
    await next.close();
  }, 30_000);
});
