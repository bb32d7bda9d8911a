/**
 * `npm run bench`: real work, measured (not part of `npm test`).
 *  1. Throughput: retail episodes per second with simulated backbones, in one process and in the worker pool.
 *  2. Sandbox overhead: the same harness, tasks and seeds through the in-process runner and the isolate
 *     runner, interleaved round by round in one process; hook latency p50/p99 and host time per episode.
 *  3. CLI startup: `bridle --help` from the built package (dist/, rebuilt first), median of 5; and, for
 *     `npx bridle --help`, npm's own share: npx running a no-op bin in an empty project.
 * Prints a table and writes JSON to .bridle/bench/latest.json. All results use SIMULATED backbones.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { loadEnvironment } from '../src/environment/load.ts';
import { createLocalExecutor, createPoolExecutor, type EpisodeExecutor } from '../src/agent/executor.ts';
import { evaluatePlan, type EvaluationPlan } from '../src/agent/evaluate.ts';
import type { Trajectory } from '../src/agent/trajectory.ts';
import { DEFAULT_SIM_IDS } from '../src/models/registry.ts';
import { emptyHarness, readHarnessDirectory } from '../src/store/harness-files.ts';
import { table } from '../src/cli/format.ts';

const ROUNDS = Number(process.env.BRIDLE_BENCH_ROUNDS ?? 4);
const environmentRef = { name: 'retail' };
const environment = await loadEnvironment(environmentRef);
const exampleHarness = readHarnessDirectory(new URL('../tests/fixtures/retail-example-harness/', import.meta.url).pathname, 'retail');

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

async function timed(plan: EvaluationPlan, executor: EpisodeExecutor, concurrency: number): Promise<{ ms: number; trajectories: Trajectory[] }> {
  const started = performance.now();
  const { trajectories } = await evaluatePlan(plan, executor, { concurrency });
  return { ms: performance.now() - started, trajectories };
}

function plan(harness: typeof exampleHarness, runner: 'isolate' | 'in-process', backbones: string[], split: 'test' | 'train', trials: number): EvaluationPlan {
  return { runId: 'bench', environment, environmentRef, backbones, tasks: { split }, trials, seed: 0, harness, runner };
}

async function throughput() {
  const baseline = plan(emptyHarness('retail'), 'in-process', DEFAULT_SIM_IDS, 'test', 3);
  const local = createLocalExecutor();
  await timed(baseline, local, 1); // warm-up
  const single = await timed(baseline, local, 1);
  const withHarness = await timed(plan(exampleHarness, 'isolate', DEFAULT_SIM_IDS, 'test', 3), local, 1);
  await local.close();
  const pool = createPoolExecutor();
  await timed(plan(exampleHarness, 'isolate', DEFAULT_SIM_IDS, 'test', 1), pool, availableParallelism() * 2); // start workers
  const pooled = await timed(plan(exampleHarness, 'isolate', DEFAULT_SIM_IDS, 'test', 3), pool, availableParallelism() * 2);
  await pool.close();
  return [
    { setting: 'no harness, 1 process', episodes: single.trajectories.length, seconds: single.ms / 1000 },
    { setting: 'example harness (isolate), 1 process', episodes: withHarness.trajectories.length, seconds: withHarness.ms / 1000 },
    { setting: `example harness (isolate), pool of ${availableParallelism()} workers`, episodes: pooled.trajectories.length, seconds: pooled.ms / 1000 },
  ].map((row) => ({ ...row, episodesPerSecond: row.episodes / row.seconds }));
}

async function overhead() {
  const executor = createLocalExecutor();
  const runs: Record<'isolate' | 'in-process', Trajectory[]> = { isolate: [], 'in-process': [] };
  const workload = (runner: 'isolate' | 'in-process') => plan(exampleHarness, runner, ['sim/mixed', 'sim/drift'], 'train', 2);
  await timed(workload('isolate'), executor, 1); // warm both runners up
  await timed(workload('in-process'), executor, 1);
  for (let round = 0; round < ROUNDS; round++) {
    const order: ('isolate' | 'in-process')[] = round % 2 === 0 ? ['isolate', 'in-process'] : ['in-process', 'isolate'];
    for (const runner of order) runs[runner].push(...(await timed(workload(runner), executor, 1)).trajectories);
  }
  await executor.close();
  const describe = (trajectories: Trajectory[]) => {
    const hookMs = trajectories.flatMap((trajectory) => trajectory.steps.flatMap((step) => step.timing.hooks.map((hook) => hook.ms)));
    return {
      episodes: trajectories.length,
      hookCalls: hookMs.length,
      hookP50Us: quantile(hookMs, 0.5) * 1000,
      hookP99Us: quantile(hookMs, 0.99) * 1000,
      hookMeanUs: (sum(hookMs) / Math.max(1, hookMs.length)) * 1000,
      episodeMeanMs: sum(trajectories.map((trajectory) => trajectory.timing.episodeMs)) / trajectories.length,
    };
  };
  const isolate = describe(runs.isolate);
  const inProcess = describe(runs['in-process']);
  return { isolate, inProcess, episodeTimeRatio: isolate.episodeMeanMs / inProcess.episodeMeanMs, hookMeanRatio: isolate.hookMeanUs / inProcess.hookMeanUs };
}

/** Wall time of `bridle --help` as a user starts it: the compiled CLI, no NODE_OPTIONS; median of 5. */
function cliStartup() {
  const root = new URL('..', import.meta.url).pathname;
  const built = spawnSync(process.execPath, ['scripts/build.ts'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('bench: npm run build failed');
  const env = { ...process.env, NODE_OPTIONS: '', BRIDLE_CLI: 'dist' };
  const median = (command: string, args: string[], cwd = root) => {
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      const result = spawnSync(command, args, { cwd, env, stdio: 'ignore' });
      if (result.status !== 0) throw new Error(`bench: ${command} ${args.join(' ')} exited ${result.status}`);
      times.push(performance.now() - started);
    }
    return quantile(times, 0.5);
  };
  // npx reads the project's whole dependency tree before it runs a bin (most of a second in this repository),
  // so its share is measured where it is smallest: an empty project.
  const empty = mkdtempSync(join(tmpdir(), 'bridle-bench-npx-'));
  try {
    mkdirSync(join(empty, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(empty, 'package.json'), '{ "name": "npx-overhead", "private": true }\n');
    writeFileSync(join(empty, 'node_modules', '.bin', 'noop'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    return {
      helpMs: median(process.execPath, ['bin/bridle.js', '--help']),
      npxOverheadMs: median('npx', ['--no-install', 'noop'], empty),
    };
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

const startedAt = new Date().toISOString();
process.stderr.write('bench: throughput...\n');
const throughputRows = await throughput();
process.stderr.write(`bench: sandbox overhead (${ROUNDS} interleaved rounds)...\n`);
const sandbox = await overhead();
process.stderr.write('bench: CLI startup (builds dist/ first)...\n');
const cli = cliStartup();

const lines = [
  `bridle bench: retail, SIMULATED backbones (not LLMs), ${cpus().length} cores, node ${process.version}`,
  '',
  table(
    ['throughput', 'episodes', 'seconds', 'episodes/s'],
    throughputRows.map((row) => [row.setting, String(row.episodes), row.seconds.toFixed(2), row.episodesPerSecond.toFixed(0)]),
  ),
  '',
  table(
    ['runner', 'episodes', 'hook calls', 'hook p50 µs', 'hook p99 µs', 'hook mean µs', 'episode host ms'],
    [
      ['in-process', sandbox.inProcess],
      ['isolate', sandbox.isolate],
    ].map(([name, row]) => {
      const value = row as typeof sandbox.isolate;
      return [name as string, String(value.episodes), String(value.hookCalls), value.hookP50Us.toFixed(1), value.hookP99Us.toFixed(1), value.hookMeanUs.toFixed(1), value.episodeMeanMs.toFixed(2)];
    }),
  ),
  '',
  `isolate / in-process: episode host time x${sandbox.episodeTimeRatio.toFixed(2)}, mean hook latency x${sandbox.hookMeanRatio.toFixed(2)}`,
  '',
  table(
    ['CLI startup (dist/, median of 5)', 'seconds'],
    [
      ['bridle --help', (cli.helpMs / 1000).toFixed(2)],
      ['npx overhead (a no-op bin, empty project)', (cli.npxOverheadMs / 1000).toFixed(2)],
    ],
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
const directory = join(process.cwd(), '.bridle', 'bench');
mkdirSync(directory, { recursive: true });
const output = join(directory, 'latest.json');
writeFileSync(output, `${JSON.stringify({ startedAt, simulated: true, cores: cpus().length, node: process.version, throughput: throughputRows, sandbox, cli }, null, 2)}\n`);
process.stdout.write(`written: ${output}\n`);
