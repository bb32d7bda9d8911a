import { describe, expect, it } from 'vitest';
import { emptyHarness } from '../../src/store/harness-files.ts';
import { DEFAULT_SIM_IDS, resolveBackbone } from '../../src/models/registry.ts';
import { SIM_PROFILES } from '../../src/models/sim/index.ts';
import { evaluateLocally, exampleHarness } from '../helpers/episodes.ts';
import { BUILTIN_ENVIRONMENTS } from '../../environments/index.ts';

/** The built-in environments that need no data folder (peer benchmarks read third-party data). */
const OWN_ENVIRONMENTS = Object.keys(BUILTIN_ENVIRONMENTS).filter((name) => !BUILTIN_ENVIRONMENTS[name]!.data);
import { readHarnessDirectory } from '../../src/store/harness-files.ts';

describe('simulated backbones', () => {
  it('resolve by id, are labelled simulated, and reject unknown profiles with the known list', async () => {
    const backbone = await resolveBackbone('sim/scatter');
    expect(backbone.simulated).toBe(true);
    await expect(resolveBackbone('sim/nope')).rejects.toThrow(/known: sim\/scatter/);
    await expect(resolveBackbone('gpt4')).rejects.toThrow(/provider\/model/);
  });

  it('refuse to run outside the episode loop', async () => {
    const backbone = await resolveBackbone('sim/rush');
    await expect(backbone.complete({ messages: [], tools: [], toolMode: 'text', sampling: {}, samples: 1, sampleOffset: 0 })).rejects.toThrow(/only runs inside/);
  });

  // Every environment: habits sink an episode once whatever its horizon, so the band must hold for all of them.
  it.each(OWN_ENVIRONMENTS.map((name) => [name]))('land in the band from 10 to 60 percent on the %s test split with no harness, each profile differently', async (environment) => {
    const evaluation = await evaluateLocally({ environment, backbones: DEFAULT_SIM_IDS, harness: emptyHarness(environment), runner: 'in-process', trials: 3 });
    const rates = evaluation.summaries.map((summary) => summary.successRate);
    expect(evaluation.summaries.map((summary) => summary.backbone)).toEqual(SIM_PROFILES.map((profile) => `sim/${profile.name}`));
    for (const rate of rates) {
      expect(rate).toBeGreaterThanOrEqual(0.1);
      expect(rate).toBeLessThanOrEqual(0.6);
    }
    expect(new Set(rates).size).toBe(rates.length);
    // Each profile fails in its own way: the end reasons and step counts differ.
    expect(new Set(evaluation.summaries.map((summary) => summary.meanSteps.toFixed(2))).size).toBe(rates.length);
  });

  it('are not repaired by resampling alone: a loop breaker gets at most half the lift of parsing, coercion and guards, on every profile', async () => {
    const loopBreaker = readHarnessDirectory(new URL('../fixtures/retail-loop-breaker-harness/', import.meta.url).pathname, 'retail');
    const success = async (harness: ReturnType<typeof emptyHarness>) =>
      new Map((await evaluateLocally({ backbones: DEFAULT_SIM_IDS, harness, runner: 'in-process', trials: 1 })).summaries.map((summary) => [summary.backbone, summary.successRate]));
    const [none, resampling, repairing] = await Promise.all([success(emptyHarness('retail')), success(loopBreaker), success(exampleHarness())]);
    for (const backbone of DEFAULT_SIM_IDS) {
      const full = repairing.get(backbone)! - none.get(backbone)!;
      expect(full, backbone).toBeGreaterThan(0.15);
      expect(resampling.get(backbone)! - none.get(backbone)!, backbone).toBeLessThanOrEqual(full / 2);
    }
  }, 120_000);
});
