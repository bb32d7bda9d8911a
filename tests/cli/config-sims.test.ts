/**
 * A sim profile declared only in bridle.config.ts works wherever a built-in one does: eval, evolve (as
 * train and as held-out backbone, in worker processes) and calibrate.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { temporaryProject } from '../helpers/repos.ts';

const CONFIG = `export default {
  sims: {
    'my-sim': { summary: 'mostly fenced output', modes: { format: { habit: 0.5, noise: 0.02 }, giveUp: { noise: 0.1 } }, perseveration: 0.5, compliance: 0.5, sampleCorrelation: 0.5, residual: 0.1 },
    'my-other-sim': { modes: { policy: { habit: 0.4 }, arguments: { habit: 0.2, noise: 0.01 } }, perseveration: 0.4, compliance: 0.6, residual: 0.1 },
  },
};
`;

describe('sim profiles from bridle.config.ts', () => {
  it('work with eval, evolve (train and held out) and calibrate', () => {
    const { root, env } = temporaryProject();
    expect(runCli(['init'], root, env).code).toBe(0);
    writeFileSync(join(root, 'bridle.config.ts'), CONFIG);

    const evaluated = runCli(['eval', '--env', 'retail', '--backbone', 'sim/my-sim,sim/my-other-sim', '--split', 'train', '--trials', '1', '--harness', 'none', '--json'], root, env);
    expect(evaluated.stderr).toBe('');
    const evaluation = JSON.parse(evaluated.stdout);
    expect(evaluation.backbones.map((summary: { backbone: string; simulated: boolean }) => [summary.backbone, summary.simulated])).toEqual([
      ['sim/my-sim', true],
      ['sim/my-other-sim', true],
    ]);

    const calibrated = runCli(['calibrate', evaluation.runId, '--backbone', 'sim/my-sim', '--json'], root, env);
    expect(calibrated.stderr).toBe('');
    const calibration = JSON.parse(calibrated.stdout);
    expect(calibration.backbone).toBe('sim/my-sim');
    const format = calibration.rates.find((rate: { rate: string }) => rate.rate === 'format.habit');
    expect(format.interval.low).toBeLessThanOrEqual(0.5);
    expect(format.interval.high).toBeGreaterThanOrEqual(0.5);
    expect(calibration.config.modes.format.habit).toBeGreaterThan(0.2);

    const evolved = runCli(['evolve', '--env', 'retail', '--train', 'sim/my-sim', '--heldout', 'sim/my-other-sim', '--iterations', '1', '--trials', '1', '--train-trials', '1', '--no-pruning', '--json'], root, env);
    expect(evolved.stderr).toBe('');
    expect(evolved.code).toBe(0);
    const result = JSON.parse(evolved.stdout);
    expect(result.test.map((row: { backbone: string; heldout: boolean; simulated: boolean }) => [row.backbone, row.heldout, row.simulated])).toEqual([
      ['sim/my-sim', false, true],
      ['sim/my-other-sim', true, true],
    ]);
  }, 300_000);
});
