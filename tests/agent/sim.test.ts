import { describe, expect, it } from 'vitest';
import { emptyHarness } from '../../src/store/harness-files.ts';
import { DEFAULT_SIM_IDS, resolveBackbone } from '../../src/models/registry.ts';
import { SIM_PROFILES } from '../../src/models/sim/index.ts';
import { evaluateLocally } from '../helpers/episodes.ts';

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

  it('land between 10% and 60% on the retail test split with no harness, each profile differently', async () => {
    const evaluation = await evaluateLocally({ backbones: DEFAULT_SIM_IDS, harness: emptyHarness('retail'), runner: 'in-process', trials: 3 });
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
});
