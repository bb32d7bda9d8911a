/** The bench's tables as markdown, ready to paste into the README. Every heading says SIMULATED. */
import { percent } from '../../src/agent/metrics.ts';
import type { BandsResult, EnvironmentBands } from './bands.ts';
import type { EvolveMeasurement } from './evolve.ts';

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

function simulatedLabel(backbone: string): string {
  return `${backbone} (simulated)`;
}

/** "46.4%", with ▲ above and ▼ below the 10–60% band. */
function bandCell(rate: number, outside: boolean): string {
  if (!outside) return percent(rate);
  return `${percent(rate)} ${rate > 0.5 ? '▲' : '▼'}`;
}

function cellOf(environment: EnvironmentBands, backbone: string, show: (profile: EnvironmentBands['profiles'][number]) => string): string {
  const profile = environment.profiles.find((candidate) => candidate.backbone === backbone);
  return profile === undefined ? '-' : show(profile);
}

/** Success per profile and environment, pass^k, wall time and mean steps, plus what was skipped. */
export function bandsMarkdown(result: BandsResult): string {
  const measured = result.environments;
  const headers = ['backbone (SIMULATED)', ...measured.map((environment) => environment.environment)];
  const rows = (show: (profile: EnvironmentBands['profiles'][number]) => string) =>
    result.backbones.map((backbone) => [simulatedLabel(backbone), ...measured.map((environment) => cellOf(environment, backbone, show))]);
  const setting = `no harness, ${result.split} split, ${result.trials} trials, seed ${result.seed}`;
  const outside = measured.flatMap((environment) => environment.profiles.filter((profile) => profile.outsideBand).map((profile) => `${profile.backbone} on ${environment.environment} (${percent(profile.successRate)})`));
  const lines = [
    `### Raw bands, SIMULATED backbones (not LLMs): success rate (${setting})`,
    '',
    markdownTable(headers, rows((profile) => bandCell(profile.successRate, profile.outsideBand))),
    '',
    `▲ above, ▼ below the 10–60% band. Outside the band: ${outside.length === 0 ? 'none' : outside.join(', ')}.`,
    '',
    `### Raw bands, SIMULATED backbones (not LLMs): pass^${result.trials} and wall time (${setting})`,
    '',
    markdownTable(headers, [
      ...rows((profile) => percent(profile.passHatK)),
      ['test tasks × trials', ...measured.map((environment) => `${environment.tasks} × ${environment.trials}`)],
      [`wall time, all ${result.backbones.length} profiles`, ...measured.map((environment) => `${environment.wallSeconds.toFixed(1)} s`)],
    ]),
    '',
    `### Raw bands, SIMULATED backbones (not LLMs): mean steps per episode (${setting})`,
    '',
    markdownTable(headers, rows((profile) => profile.meanSteps.toFixed(1))),
  ];
  if (result.skipped.length > 0) lines.push('', `Skipped: ${result.skipped.map((skip) => `${skip.environment} (${skip.reason})`).join('; ')}.`);
  return lines.join('\n');
}

function beforeAfter(before: number, after: number): string {
  return `${percent(before)} → ${percent(after)}`;
}

/** Per environment: accepted modules in order, and sealed-test success empty → final per backbone. */
export function evolveMarkdown(measurements: readonly EvolveMeasurement[]): string {
  const first = measurements[0];
  if (first === undefined) return '';
  const columns = first.test.map((row) => `${simulatedLabel(row.backbone)} ${row.heldout ? '[held out]' : '[train]'}`);
  const commitsOf = (measurement: EvolveMeasurement) =>
    measurement.commits.length === 0
      ? '(none)'
      : measurement.commits.map((commit) => (commit.pruned ? `pruned ${commit.modules.join(', ')}` : commit.modules.join(', '))).join('; ');
  const rows = measurements.map((measurement) => [
    measurement.environment,
    commitsOf(measurement),
    ...first.test.map((column) => {
      const row = measurement.test.find((candidate) => candidate.backbone === column.backbone);
      return row === undefined ? '-' : beforeAfter(row.before, row.after);
    }),
    beforeAfter(measurement.heldoutMean.before, measurement.heldoutMean.after),
  ]);
  return [
    '### Evolve, SIMULATED backbones (not LLMs): sealed test split, empty harness → final harness',
    '',
    'Defaults of `bridle evolve --env <env>`: heuristic engineer, train sim/mixed, held out sim/scatter + sim/rush, 6 iterations, 3 trials, seed 0.',
    '',
    markdownTable(['environment', 'accepted commits (in order)', ...columns, 'held-out mean'], rows),
    '',
    markdownTable(
      ['environment', 'stopped', 'iterations', 'minutes'],
      measurements.map((measurement) => [measurement.environment, measurement.stopReason, String(measurement.iterations), measurement.minutes.toFixed(1)]),
    ),
  ].join('\n');
}
