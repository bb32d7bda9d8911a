import { describe, expect, it } from 'vitest';
import { judge } from '../../src/meta/gate.ts';
import type { Trajectory } from '../../src/agent/trajectory.ts';
import { runEpisode } from '../../src/agent/episode.ts';
import { episodeSeed } from '../../src/agent/evaluate.ts';
import { createSimBackbone, simProfileInputSchema, toSimProfile } from '../../src/models/sim/index.ts';
import { compileHarness, EMPTY_HARNESS } from '../../sandboxes/compile.ts';
import { createInProcessRunner } from '../../sandboxes/in-process-runner.ts';
import { createRetail } from '../../environments/retail/index.ts';
import { pairedBootstrap } from '../../src/meta/stats.ts';
import { trajectory } from '../helpers/trajectories.ts';

/** Episodes of one backbone: `successes[i]` for task i, over `trials` trials with the same outcome. */
function episodes(backbone: string, successes: boolean[], trials = 3) {
  return successes.flatMap((success, task) =>
    Array.from({ length: trials }, (_unused, trial) => trajectory({ taskId: `t${task}`, trial, seed: task * 10 + trial, success, backbone: { id: backbone, simulated: true } })),
  );
}
const pattern = (count: number, every: number) => Array.from({ length: 24 }, (_unused, index) => index % every < count);

describe('paired bootstrap', () => {
  it('is deterministic and brackets the mean', () => {
    const pairs = Array.from({ length: 48 }, (_unused, index) => ({ cluster: `t${index % 24}`, difference: index % 3 === 0 ? 1 : 0 }));
    const first = pairedBootstrap(pairs, { seed: 7 });
    expect(pairedBootstrap(pairs, { seed: 7 })).toEqual(first);
    expect(first.low).toBeLessThanOrEqual(first.mean);
    expect(first.high).toBeGreaterThanOrEqual(first.mean);
    expect(first.mean).toBeCloseTo(1 / 3, 5);
  });
});

describe('the held-out gate', () => {
  const before = [...episodes('sim/a', pattern(1, 3)), ...episodes('sim/b', pattern(1, 3))];

  it('accepts a clear paired gain on every held-out backbone', () => {
    const after = [...episodes('sim/a', pattern(2, 3)), ...episodes('sim/b', pattern(2, 3))];
    const verdict = judge(before, after, { tolerance: 0.02 });
    expect(verdict.accept).toBe(true);
    expect(verdict.interval[0]).toBeGreaterThan(0);
    expect(verdict.backbones.map((backbone) => [backbone.backbone, backbone.before, backbone.after])).toEqual([
      ['sim/a', 1 / 3, 2 / 3],
      ['sim/b', 1 / 3, 2 / 3],
    ]);
  });

  it('rejects a gain that is inside the noise', () => {
    const after = [...episodes('sim/a', pattern(1, 3).map((value, index) => value || index === 1)), ...episodes('sim/b', pattern(1, 3))];
    const verdict = judge(before, after, { tolerance: 0.02 });
    expect(verdict.accept).toBe(false);
    expect(verdict.reason).toMatch(/^gain within noise/);
  });

  it('rejects a candidate that helps one backbone a lot but hurts another beyond the tolerance', () => {
    const after = [...episodes('sim/a', pattern(3, 3)), ...episodes('sim/b', pattern(1, 3).map((value, index) => value && index !== 0))];
    const verdict = judge(before, after, { tolerance: 0.02 });
    expect(verdict.delta).toBeGreaterThan(0);
    expect(verdict.interval[0]).toBeGreaterThan(0);
    expect(verdict.accept).toBe(false);
    expect(verdict.reason).toBe('sim/b falls -4.2 points (tolerance 2.0)');
  });

  it('reports the paired change in mean tokens per episode beside the success change', () => {
    const costly = (trajectories: Trajectory[], factor: number) => trajectories.map((episode) => ({ ...episode, usage: { ...episode.usage, inputTokens: 1000 * factor, outputTokens: 0 } }));
    const after = [...episodes('sim/a', pattern(2, 3)), ...episodes('sim/b', pattern(2, 3))];
    const verdict = judge(costly(before, 1), costly(after, 1.2), { tolerance: 0.02 });
    expect(verdict.accept).toBe(true);
    expect(verdict.cost).toMatchObject({ before: 1000, after: 1200, limit: 0.5, estimated: true });
    expect(verdict.cost.change).toBeCloseTo(0.2, 10);
    expect(verdict.cost.interval).toEqual([200, 200]);
    expect(verdict.reason).toMatch(/; 1000 → 1200 tokens per episode \(\+20%, estimated\)$/);
    // The same gain for twice the tokens is over the default limit, and within a raised one.
    expect(judge(costly(before, 1), costly(after, 2), { tolerance: 0.02 }).reason).toMatch(/^cost: 1000 → 2000 tokens per episode \(\+100%, estimated\) rise above the \+50% limit/);
    expect(judge(costly(before, 1), costly(after, 2), { tolerance: 0.02, maxCostIncrease: 1.5 }).accept).toBe(true);
  });

  it('rejects a candidate that triples the samples for a small gain, with the cost reason', async () => {
    // A backbone whose only failure is format noise now and then, and whose retries give up or repeat themselves.
    const backbone = createSimBackbone(toSimProfile('noisy', simProfileInputSchema.parse({ modes: { format: { noise: 0.06 }, giveUp: { noise: 0.3 } }, perseveration: 0.6 })));
    const resampleEverything = compileHarness([
      {
        file: 'resample-everything.ts',
        source: `import { defineModule } from 'bridle/harness';
export default defineModule({
  name: 'resample-everything',
  why: 'draw three samples at every step and keep the first that realizes',
  regulate() { return { resample: 3 }; },
});`,
      },
    ]);
    const environment = createRetail();
    const tasks = environment.tasks.filter((task) => task.split === 'validation').map((task) => task.id);
    const runner = createInProcessRunner();
    const run = (harness: { label: string; compiled: typeof EMPTY_HARNESS }) =>
      Promise.all(
        tasks.flatMap((taskId) =>
          [0, 1].map((trial) => runEpisode({ runId: 'gate', environment, taskId, seed: episodeSeed(0, taskId, trial), trial, backbone, harness, runner: harness.compiled === EMPTY_HARNESS ? null : runner })),
        ),
      );
    const verdict = judge(await run({ label: 'none', compiled: EMPTY_HARNESS }), await run({ label: 'candidate', compiled: resampleEverything }), { tolerance: 0.02 });
    expect(verdict.delta).toBeGreaterThan(0); // resampling repairs the noise: a real gain
    expect(verdict.delta).toBeLessThan(0.2);
    expect(verdict.cost.change).toBeGreaterThan(1); // three samples a step, over shorter episodes
    expect(verdict.accept).toBe(false);
    expect(verdict.reason).toMatch(/^cost: \d+ → \d+ tokens per episode \(\+\d+%, estimated\) rise above the \+50% limit/);
  });

  it('refuses to compare episodes that do not pair up', () => {
    expect(() => judge(before, before.slice(1), { tolerance: 0.02 })).toThrow(/cannot pair/);
  });
});
