/**
 * `bridle calibrate` round trip: trajectories of a known profile, calibrated, give back every rate of the
 * profile within its interval. The check covers 5 profiles × 18 rates at once, so the intervals are taken
 * at a family-wise 95% level (Bonferroni: each at 1 − 0.05/90); at the plain 95% level about one rate in
 * twenty would be expected outside its interval by chance alone.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { evaluatePlan } from '../../src/agent/evaluate.ts';
import { createLocalExecutor } from '../../src/agent/executor.ts';
import { calibrateTrajectories } from '../../src/calibrate/index.ts';
import { SIM_PROFILES, type SimProfile } from '../../src/models/sim/profiles.ts';
import { emptyHarness } from '../../src/store/harness-files.ts';
import { createRetail } from '../../environments/retail/index.ts';
import { exampleHarness } from '../helpers/episodes.ts';

const RATES = 18;
const CONFIDENCE = 1 - 0.05 / (SIM_PROFILES.length * RATES);
const executor = createLocalExecutor();
afterAll(() => executor.close());

/** The true value of a rate named like calibrate names it ("format.habit", "compliance"). */
function truth(profile: SimProfile, rate: string): number {
  const [mode, part] = rate.split('.') as [keyof SimProfile['modes'], 'habit' | 'noise' | undefined];
  return part ? profile.modes[mode][part] : (profile[rate as 'compliance'] as number);
}

describe('bridle calibrate', () => {
  it.each(SIM_PROFILES.map((profile) => [profile.name, profile] as const))('recovers every rate of sim/%s within its interval', async (_name, profile) => {
    const environment = createRetail();
    // The raw model, and a harness whose parser, guards and resampling show habits, feedback and samples
    // (on other episode seeds: the same seeds would repeat the same habits and count them twice).
    const runs = await Promise.all(
      [
        { seed: 0, harness: emptyHarness('retail') },
        { seed: 1, harness: exampleHarness() },
      ].flatMap(({ seed, harness }) =>
        (['train', 'validation', 'test'] as const).map((split) =>
          evaluatePlan({ runId: 'calibrate', environment, environmentRef: { name: 'retail' }, backbones: [`sim/${profile.name}`], tasks: { split }, trials: 1, seed, harness, runner: 'in-process' }, executor, { concurrency: 1 }),
        ),
      ),
    );
    const result = calibrateTrajectories(runs.flatMap((run) => run.trajectories), { name: 'twin', confidence: CONFIDENCE, environments: () => environment });
    expect(result.skipped).toBe(0);
    expect(result.rates).toHaveLength(RATES);
    expect(result.outputs.unexplained / result.outputs.total).toBeLessThan(0.01);
    const outside = result.rates.filter((rate) => rate.interval && !(truth(profile, rate.rate) >= rate.interval.low - 1e-9 && truth(profile, rate.rate) <= rate.interval.high + 1e-9));
    expect(outside.map((rate) => `${rate.rate}: true ${truth(profile, rate.rate)}, fitted ${rate.interval!.estimate.toFixed(4)} [${rate.interval!.low.toFixed(4)}, ${rate.interval!.high.toFixed(4)}]`)).toEqual([]);
    // Evidence for every habit and noise rate (the runs give each mode a chance to show).
    expect(result.rates.filter((rate) => /\.(habit|noise)$/.test(rate.rate) && rate.interval === null)).toEqual([]);
  }, 60_000);
});
