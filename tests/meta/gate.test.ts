import { describe, expect, it } from 'vitest';
import { judge } from '../../src/meta/gate.ts';
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

  it('refuses to compare episodes that do not pair up', () => {
    expect(() => judge(before, before.slice(1), { tolerance: 0.02 })).toThrow(/cannot pair/);
  });
});
