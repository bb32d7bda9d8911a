/** Plain-text tables and labels for terminal output. */
import type { BackboneSummary } from '../agent/metrics.ts';
import { percent } from '../agent/metrics.ts';

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export const SIMULATED_NOTE =
  'sim/* backbones are SIMULATED: deterministic policies built from the environment\'s oracle and a failure profile, not LLMs. Their scores exercise the pipeline; they are not evidence about real models.';

export const REAL_MODELS_HINT =
  'Real models: --backbone anthropic/<model> (ANTHROPIC_API_KEY) or openai/<model> --base-url http://host:port/v1; see "Use with real models" in README.md.';

export function backboneLabel(summary: Pick<BackboneSummary, 'backbone' | 'simulated'>): string {
  return summary.simulated ? `${summary.backbone} (simulated)` : summary.backbone;
}

/** Tokens as shown: `12.3k`, with `~` in front of estimates (simulated backbones). */
export function tokens(count: number | null, estimated: boolean): string {
  if (count === null) return '-';
  const text = count >= 10_000 ? `${(count / 1000).toFixed(1)}k` : String(Math.round(count));
  return estimated ? `~${text}` : text;
}

export function summaryTable(summaries: readonly BackboneSummary[]): string {
  const trials = summaries[0]?.trials ?? 1;
  // Mean reward says something only where the environment gives partial credit.
  const partial = summaries.some((summary) => Math.abs(summary.meanReward - summary.successRate) > 1e-9);
  const text = table(
    ['backbone', 'success', ...(partial ? ['mean reward'] : []), `pass^${trials}`, 'mean steps', 'tokens/episode', 'tokens/success', 'episodes', 'violations'],
    summaries.map((summary) => [
      backboneLabel(summary),
      percent(summary.successRate),
      ...(partial ? [summary.meanReward.toFixed(3)] : []),
      percent(summary.passHatK),
      summary.meanSteps.toFixed(1),
      tokens(summary.tokensPerEpisode, summary.tokensEstimated),
      tokens(summary.tokensPerSuccess, summary.tokensEstimated),
      String(summary.episodes),
      String(summary.violations),
    ]),
  );
  const note = summaries.some((summary) => summary.tokensEstimated)
    ? '\n~ tokens are estimated (simulated backbones: 4 characters a token, every sample paying its whole prompt)'
    : '';
  return text + note;
}

/** Print a verb's result: as JSON with --json, else through its text formatter. */
export function printResult<T>(result: T, json: boolean | undefined, format: (result: T) => string): void {
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${format(result)}\n`);
}
