import { describe, expect, it } from 'vitest';
import { withoutTimings } from '../../src/agent/trajectory.ts';
import { emptyHarness } from '../../src/store/harness-files.ts';
import { evaluateLocally, exampleHarness } from '../helpers/episodes.ts';

describe('isolate and in-process runners', () => {
  it('give identical trajectories for the same harness, tasks and seeds', async () => {
    const options = { backbones: ['sim/mixed', 'sim/drift'], harness: exampleHarness(), split: 'train' as const, trials: 1 };
    const isolate = await evaluateLocally({ ...options, runner: 'isolate' });
    const inProcess = await evaluateLocally({ ...options, runner: 'in-process' });
    expect(isolate.trajectories.length).toBe(72);
    expect(isolate.trajectories.every((trajectory) => trajectory.runner === 'isolate')).toBe(true);
    expect(isolate.trajectories.some((trajectory) => trajectory.steps.some((step) => step.fired.length > 0))).toBe(true);
    expect(isolate.trajectories.map(withoutTimings)).toEqual(inProcess.trajectories.map(withoutTimings));
  });

  it('the hand-written example harness raises test success by at least 15 points for two profiles, in the isolate', async () => {
    const backbones = ['sim/scatter', 'sim/rush'];
    const before = await evaluateLocally({ backbones, harness: emptyHarness('retail'), runner: 'in-process', trials: 3 });
    const after = await evaluateLocally({ backbones, harness: exampleHarness(), runner: 'isolate', trials: 3 });
    for (const backbone of backbones) {
      const gain = after.summaries.find((summary) => summary.backbone === backbone)!.successRate - before.summaries.find((summary) => summary.backbone === backbone)!.successRate;
      expect(gain, backbone).toBeGreaterThanOrEqual(0.15);
    }
    expect(after.trajectories.every((trajectory) => trajectory.violations.length === 0)).toBe(true);
  });
});
