/**
 * Issue #12, finding 1: a hook stuck inside one long builtin call (no interrupt checks, no heap limit)
 * must not hang a run. The worker's watchdog kills the worker and names the episode, hook and module;
 * the pool charges that episode, keeps its finished steps, and runs the others.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.ts';
import { createPoolExecutor } from '../../src/agent/executor.ts';
import { evaluatePlan } from '../../src/agent/evaluate.ts';
import { createRetail } from '../../environments/retail/index.ts';
import type { Trajectory } from '../../src/agent/trajectory.ts';

const HOSTILE = new URL('../fixtures/hostile/', import.meta.url).pathname;
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A harness folder holding one hostile module. */
function harnessOf(module: string): string {
  const folder = mkdtempSync(join(tmpdir(), `bridle-${module}-`));
  folders.push(folder);
  cpSync(join(HOSTILE, `${module}.ts`), join(folder, `${module}.ts`));
  return folder;
}

describe('the watchdog: builtins that ignore every limit', () => {
  it('issue #12 reproduction: `new Array(5e7).fill(0)` in a guard ends in a named violation per episode, the read-only episode passes, eval exits 0 in under 30 s', async () => {
    const project = mkdtempSync(join(tmpdir(), 'bridle-watchdog-'));
    folders.push(project);
    const started = performance.now();
    // The command with the oracle's correct actions, so that every episode reaches the guard
    // (today's simulated profiles may never get a write through the strict parser without a harness).
    const result = await runCliAsync(
      ['eval', '--env', 'retail', '--harness', harnessOf('builtin-fill'), '--tasks', 'retail-003,retail-009,retail-013', '--trials', '1', '--backbone', 'sim/oracle', '--workers', '1', '--json'],
      project,
    );
    const seconds = (performance.now() - started) / 1000;
    expect(result.code, result.stderr).toBe(0);
    expect(seconds).toBeLessThan(30);
    const [run] = readdirSync(join(project, '.bridle', 'runs'));
    const trajectories: Trajectory[] = readFileSync(join(project, '.bridle', 'runs', run!, 'trajectories.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const byTask = new Map(trajectories.map((trajectory) => [trajectory.taskId, trajectory]));
    for (const task of ['retail-003', 'retail-009']) {
      const trajectory = byTask.get(task)!;
      expect(trajectory.violations, task).toHaveLength(1);
      const violation = trajectory.violations[0]!;
      expect(violation, task).toMatchObject({ hook: 'guard', module: 'builtin-fill' });
      expect(['SANDBOX_TIMEOUT', 'SANDBOX_MEMORY']).toContain(violation.code);
      expect(violation.message).toMatch(/the worker was killed/);
      expect(trajectory.end.reason).toBe('sandbox-violation');
      // The steps before the write survived the worker's death (they were streamed).
      expect(trajectory.steps.length, task).toBeGreaterThan(0);
    }
    const benign = byTask.get('retail-013')!;
    expect(benign.violations).toEqual([]);
    expect(benign.success).toBe(true);
  }, 60_000);

  it('a JSON.parse of hundreds of MiB: SANDBOX_MEMORY (or the deadline), named, and the pool goes on', async () => {
    const executor = createPoolExecutor({ size: 1 });
    try {
      const { trajectories } = await evaluatePlan(
        {
          runId: 'watchdog',
          environment: createRetail(),
          environmentRef: { name: 'retail' },
          backbones: ['sim/oracle'],
          tasks: { ids: ['retail-009', 'retail-013'] },
          trials: 1,
          seed: 0,
          harness: { label: 'json', manifest: { apiVersion: 1, environment: 'retail', modules: ['builtin-json.ts'] }, files: [{ file: 'builtin-json.ts', source: readFileSync(join(HOSTILE, 'builtin-json.ts'), 'utf8') }] },
          runner: 'isolate',
        },
        executor,
        { concurrency: 2 },
      );
      const hostile = trajectories.find((trajectory) => trajectory.taskId === 'retail-009')!;
      expect(hostile.violations).toHaveLength(1);
      expect(hostile.violations[0]).toMatchObject({ hook: 'guard', module: 'builtin-json' });
      expect(['SANDBOX_MEMORY', 'SANDBOX_TIMEOUT']).toContain(hostile.violations[0]!.code);
      if (hostile.violations[0]!.code === 'SANDBOX_TIMEOUT') expect(hostile.violations[0]!.message).not.toMatch(/MiB/);
      const benign = trajectories.find((trajectory) => trajectory.taskId === 'retail-013')!;
      expect(benign.violations).toEqual([]);
    } finally {
      await executor.close();
    }
  }, 60_000);
});
