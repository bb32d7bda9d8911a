/**
 * The household environment inside bridle's episode loop (in this process): the oracle backbone solves
 * every task of every split, and a noisy simulated backbone leaves the failures this world is about
 * visible on its trajectories ("Nothing happens." as failed steps, the step budget).
 */
import { describe, expect, it } from 'vitest';
import { createLocalExecutor } from '../../src/agent/executor.ts';
import { evaluatePlan } from '../../src/agent/evaluate.ts';
import { emptyHarness, readHarnessDirectory, type HarnessSource } from '../../src/store/harness-files.ts';
import { NOTHING_HAPPENS } from '../../environments/household/tools.ts';
import { household } from './helpers.ts';

const EXAMPLE_HARNESS = new URL('./example-harness/', import.meta.url).pathname;

async function evaluate(backbone: string, split: 'train' | 'validation' | 'test', harness: HarnessSource = emptyHarness('household')) {
  const executor = createLocalExecutor();
  try {
    return await evaluatePlan(
      {
        runId: 'test',
        environment: household,
        environmentRef: { name: 'household' },
        backbones: [backbone],
        tasks: { split },
        trials: 1,
        seed: 0,
        harness,
        runner: 'in-process',
      },
      executor,
      { concurrency: 4 },
    );
  } finally {
    await executor.close();
  }
}

describe('household episodes', () => {
  it('sim/oracle solves every task of every split through the episode loop', async () => {
    for (const split of ['train', 'validation', 'test'] as const) {
      const result = await evaluate('sim/oracle', split);
      expect(result.summaries[0]!.successRate, split).toBe(1);
      for (const trajectory of result.trajectories) expect(trajectory.end.reason, trajectory.taskId).toBe('finished');
    }
  });

  it('inadmissible actions show on trajectories as failed steps that say only "Nothing happens."', async () => {
    const result = await evaluate('sim/mixed', 'train');
    const failedMoves = result.trajectories.flatMap((trajectory) => trajectory.steps.filter((step) => step.result?.ok === false && step.result.output === NOTHING_HAPPENS));
    expect(failedMoves.length).toBeGreaterThan(0);
    expect(result.summaries[0]!.successRate).toBeLessThan(1);
  });

  it('the example harness (situation, goal-check) never stands in the way of correct episodes', async () => {
    for (const split of ['train', 'validation', 'test'] as const) {
      const result = await evaluate('sim/oracle', split, readHarnessDirectory(EXAMPLE_HARNESS, 'household'));
      expect(result.summaries[0]!.successRate, split).toBe(1);
      for (const trajectory of result.trajectories) expect(trajectory.steps.filter((step) => step.blocked !== undefined), trajectory.taskId).toEqual([]);
    }
  });

  it('the example harness explains "Nothing happens." and blocks finishes while the task does not hold', async () => {
    const result = await evaluate('sim/mixed', 'train', readHarnessDirectory(EXAMPLE_HARNESS, 'household'));
    const steps = result.trajectories.flatMap((trajectory) => trajectory.steps);
    const explained = steps.filter((step) => step.result?.output === NOTHING_HAPPENS && step.feedback !== NOTHING_HAPPENS);
    expect(explained.length).toBeGreaterThan(0);
    expect(explained[0]!.feedback).toMatch(/^Nothing happens\. You are at ([a-z]+ \d+|the middle of the room)\./);
    const blocked = steps.filter((step) => step.blocked?.startsWith('Not done yet'));
    expect(blocked.length).toBeGreaterThan(0);
  });
});
