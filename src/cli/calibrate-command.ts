/** `bridle calibrate <run...>`: fit a sim profile to a run's trajectories and print (or write) it. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { CalibrationResult } from '../calibrate/index.ts';
import { printResult, table } from './format.ts';

interface CalibrateFlags {
  backbone?: string;
  name?: string;
  write?: string;
  confidence?: number;
  json?: boolean;
}

function confidenceOption(value: string): number {
  const number = Number(value);
  if (!/^0?\.\d+$/.test(value) || !(number > 0 && number < 1)) throw new InvalidArgumentError(`--confidence must be a number between 0 and 1, e.g. 0.95, got "${value}"`);
  return number;
}

function share(value: number): string {
  return value < 0.00005 ? '0' : value.toFixed(value < 0.01 ? 4 : 3);
}

export function formatCalibration(result: CalibrationResult, written?: string): string {
  const level = `${Math.round(result.confidence * 1000) / 10}%`;
  const rows = result.rates.map((rate) => [
    rate.rate,
    rate.interval ? share(rate.interval.estimate) : '—',
    rate.interval ? `[${share(rate.interval.low)}, ${share(rate.interval.high)}]` : '—',
    share(rate.value),
    rate.evidence,
  ]);
  const unexplained = result.outputs.total === 0 ? 0 : result.outputs.unexplained / result.outputs.total;
  const lines = [
    `bridle calibrate: ${result.backbone}${result.simulated ? ' (simulated)' : ''} on ${result.environments.join(', ')}: ${result.episodes} episodes${result.skipped ? ` (${result.skipped} left out: their replay did not reproduce the recording)` : ''}`,
    '',
    table(['rate', 'estimate', `${level} interval`, 'in profile', 'evidence'], rows),
    '',
    `outputs read: ${result.outputs.total}; no call found in ${result.outputs.unreadable}; ${result.outputs.unexplained} (${(unexplained * 100).toFixed(1)}%) fit no failure mode (another tool, other arguments): the twin will not reproduce those.`,
    'Habit: the share of episodes with a consistent failure; noise: the chance of a one-off slip where it can happen. Rates without evidence keep the value shown.',
    '',
    'Profile for bridle.config.ts:',
    `  sims: { ${JSON.stringify(result.profile.name)}: ${JSON.stringify(result.config)} }`,
  ];
  if (written) lines.push('', `written to ${written}; in bridle.config.ts: import twin from './${written.split('/').pop()}' with { type: 'json' }; then sims: { '${result.profile.name}': twin }`);
  lines.push(`Rehearse offline: bridle evolve --env ${result.environments[0] ?? '<env>'} --train sim/${result.profile.name}`);
  return lines.join('\n');
}

export function calibrateCommand(): Command {
  return new Command('calibrate')
    .description('Fit a simulated backbone profile to the trajectories of a run (any backbone): habit and noise rates, compliance, perseveration, with intervals.')
    .argument('<runs...>', 'run ids under .bridle/runs (from bridle eval), or folders holding trajectories.jsonl')
    .option('--backbone <id>', 'whose trajectories to fit (required when the runs hold several backbones)')
    .option('--name <name>', 'name of the profile (default: twin-of-<model>)')
    .option('--write <file>', 'write the profile as JSON to this file (import it into bridle.config.ts under sims)')
    .option('--confidence <level>', 'confidence level of the intervals (default 0.95)', confidenceOption)
    .option('--json', 'print machine-readable JSON')
    .action(async (runs: string[], flags: CalibrateFlags) => {
      // Loaded when the verb runs, so that the command line starts without it.
      const { calibrate } = await import('../calibrate/index.ts');
      const result = await calibrate({
        runs,
        ...(flags.backbone ? { backbone: flags.backbone } : {}),
        ...(flags.name ? { name: flags.name } : {}),
        ...(flags.confidence ? { confidence: flags.confidence } : {}),
      });
      if (flags.write) writeFileSync(resolve(flags.write), `${JSON.stringify({ ...result.config }, null, 2)}\n`);
      printResult(result, flags.json, (value) => formatCalibration(value, flags.write));
    });
}
