/**
 * `npm run bench:isolation` (also run by `npm run bench`): what a hook call costs with the isolate in
 * this process (`loadHarness` default) and in a worker process (`loadHarness({ isolation: 'worker' })`).
 * The same episodes (retail train tasks, the example harness, sim/mixed and sim/drift, SIMULATED) run
 * through bridle's loop with each runner, interleaved round by round; the loop times every hook call.
 * Also the raw price of the two ways to call into an isolate, which decided how hook calls are made:
 * a synchronous `applySync` (the host thread runs the isolate; bridle's choice, with a watchdog thread
 * for calls no limit stops) against an asynchronous `apply` (the isolate runs on isolated-vm's thread
 * pool, leaving the host thread free). Writes JSON to .bridle/bench/isolation.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createRetail } from '../environments/retail/index.ts';
import { runEpisode } from '../src/agent/episode.ts';
import type { Trajectory } from '../src/agent/trajectory.ts';
import { episodeSeed } from '../src/agent/evaluate.ts';
import { resolveBackbone } from '../src/models/registry.ts';
import { readHarnessDirectory } from '../src/store/harness-files.ts';
import { table } from '../src/cli/format.ts';
import { compileHarness } from '../sandboxes/compile.ts';
import { createIsolateRunner } from '../sandboxes/isolate-runner.ts';
import { createWorkerRunner } from '../sandboxes/worker-runner.ts';
import ivm from 'isolated-vm';
import type { HarnessRunner } from '../sandboxes/types.ts';

const ROUNDS = Number(process.env.BRIDLE_BENCH_ROUNDS ?? 3);
const environment = createRetail();
const harness = compileHarness(readHarnessDirectory(new URL('../tests/fixtures/retail-example-harness/', import.meta.url).pathname, 'retail').files);
const backbones = await Promise.all(['sim/mixed', 'sim/drift'].map((id) => resolveBackbone(id)));
const tasks = environment.tasks.filter((task) => task.split === 'train').slice(0, 12);

async function episodes(runner: HarnessRunner): Promise<Trajectory[]> {
  const out: Trajectory[] = [];
  for (const backbone of backbones) {
    for (const task of tasks) {
      out.push(
        await runEpisode({
          runId: 'bench-isolation',
          environment,
          taskId: task.id,
          seed: episodeSeed(0, task.id, 0),
          trial: 0,
          backbone,
          harness: { label: 'example', compiled: harness },
          runner,
        }),
      );
    }
  }
  return out;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const runners: Record<'in-process' | 'worker', HarnessRunner> = { 'in-process': createIsolateRunner(), worker: createWorkerRunner() };
const runs: Record<'in-process' | 'worker', Trajectory[]> = { 'in-process': [], worker: [] };
process.stderr.write(`bench: hook cost, isolate in this process vs in a worker process (${ROUNDS} interleaved rounds)...\n`);
await episodes(runners['in-process']);
await episodes(runners.worker);
for (let round = 0; round < ROUNDS; round++) {
  const order: ('in-process' | 'worker')[] = round % 2 === 0 ? ['in-process', 'worker'] : ['worker', 'in-process'];
  for (const mode of order) runs[mode].push(...(await episodes(runners[mode])));
}
await Promise.all(Object.values(runners).map((runner) => runner.dispose()));

/** Mean µs of one call into an isolate, synchronous and asynchronous (a trivial function, JSON text in and out). */
async function callCost(): Promise<{ syncUs: number; asyncUs: number }> {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const context = isolate.createContextSync();
  const echo = context.evalSync('(function (operation, payload) { return payload; })', { reference: true }) as ivm.Reference<(operation: string, payload: string) => string>;
  const payload = JSON.stringify({ hook: 'guard', input: { action: { kind: 'call', tool: 'get_order', arguments: { id: 'W1' } } } });
  const calls = 20_000;
  for (let index = 0; index < 1000; index++) echo.applySync(undefined, ['call', payload], { timeout: 50 });
  let started = performance.now();
  for (let index = 0; index < calls; index++) echo.applySync(undefined, ['call', payload], { timeout: 50 });
  const syncUs = ((performance.now() - started) * 1000) / calls;
  started = performance.now();
  for (let index = 0; index < calls / 4; index++) await echo.apply(undefined, ['call', payload], { timeout: 50 });
  const asyncUs = ((performance.now() - started) * 1000) / (calls / 4);
  isolate.dispose();
  return { syncUs, asyncUs };
}
const call = await callCost();

const rows = (['in-process', 'worker'] as const).map((mode) => {
  const trajectories = runs[mode];
  const hookMs = trajectories.flatMap((trajectory) => trajectory.steps.flatMap((step) => step.timing.hooks.map((hook) => hook.ms)));
  return {
    isolation: mode,
    episodes: trajectories.length,
    hookCalls: hookMs.length,
    hookP50Us: quantile(hookMs, 0.5) * 1000,
    hookP99Us: quantile(hookMs, 0.99) * 1000,
    hookMeanUs: (hookMs.reduce((sum, ms) => sum + ms, 0) / Math.max(1, hookMs.length)) * 1000,
    episodeMeanMs: trajectories.reduce((sum, trajectory) => sum + trajectory.timing.episodeMs, 0) / trajectories.length,
  };
});
const sameResults = JSON.stringify(runs['in-process'].map((trajectory) => trajectory.success)) === JSON.stringify(runs.worker.map((trajectory) => trajectory.success));

const lines = [
  `bridle bench: hook cost by isolation, retail, example harness, SIMULATED backbones, ${cpus().length} cores, node ${process.version}`,
  '',
  table(
    ['loadHarness isolation', 'episodes', 'hook calls', 'hook p50 µs', 'hook p99 µs', 'hook mean µs', 'episode ms'],
    rows.map((row) => [row.isolation, String(row.episodes), String(row.hookCalls), row.hookP50Us.toFixed(1), row.hookP99Us.toFixed(1), row.hookMeanUs.toFixed(1), row.episodeMeanMs.toFixed(2)]),
  ),
  '',
  `worker / in-process: hook p50 x${(rows[1]!.hookP50Us / rows[0]!.hookP50Us).toFixed(1)}; same episode outcomes: ${sameResults}`,
  `one call into an isolate: applySync ${call.syncUs.toFixed(1)} µs, apply (async) ${call.asyncUs.toFixed(1)} µs`,
];
process.stdout.write(`${lines.join('\n')}\n`);
const directory = join(process.cwd(), '.bridle', 'bench');
mkdirSync(directory, { recursive: true });
const output = join(directory, 'isolation.json');
writeFileSync(output, `${JSON.stringify({ startedAt: new Date().toISOString(), cores: cpus().length, node: process.version, rows, sameResults, call }, null, 2)}\n`);
process.stdout.write(`written: ${output}\n`);
