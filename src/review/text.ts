/** Small text pieces the review verbs print the same way everywhere. */
import type { EngineerSpend, HarnessCommitInfo } from '../store/git/commit-message.ts';

/** `2025-01-01 12:30` (UTC) from an ISO date; `—` when unknown. */
export function shortDate(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 16).replace('T', ' ');
}

/** A difference in points, always signed: `+20.8`, `-3.1`. */
export function signedPoints(points: number): string {
  const rounded = Math.round(points * 10) / 10;
  return `${rounded < 0 ? '-' : '+'}${Math.abs(rounded).toFixed(1)}`;
}

/** A rate as a percentage: `41.7%`. */
export function rate(value: number): string {
  return `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
}

/** `+20.8 [+10.4, +31.3]`: a commit's mean held-out delta with its 95% interval. */
export function deltaWithInterval(info: Pick<HarnessCommitInfo, 'delta' | 'interval'>): string {
  return `${signedPoints(info.delta)} [${signedPoints(info.interval[0])}, ${signedPoints(info.interval[1])}]`;
}

/** Backbone id with the simulated label every output carries for sims. */
export function backboneName(backbone: string, simulated: boolean): string {
  return simulated ? `${backbone} (simulated)` : backbone;
}


/** `~3120 → ~3270 (+4.8%)`: a commit's mean tokens per validation episode, before → after (`~` for estimates). */
export function costChange(cost: NonNullable<HarnessCommitInfo['cost']>): string {
  const mark = cost.estimated ? '~' : '';
  const change = cost.before === 0 ? 0 : (cost.after / cost.before - 1) * 100;
  return `${mark}${Math.round(cost.before)} → ${mark}${Math.round(cost.after)} (${change >= 0 ? '+' : '-'}${Math.abs(change).toFixed(Math.abs(change) < 10 ? 1 : 0)}%)`;
}

/** `12.3k` for token counts. */
function tokens(count: number): string {
  return count >= 1000 ? `${(Math.round(count / 100) / 10).toFixed(1)}k` : String(count);
}

/**
 * What an engineer spent on a commit: `agent claude-sonnet-4-5 · 61.2k+4.2k tok · $0.2469 · 9 calls · 14 tool calls · 2 experiments`;
 * `—` for commits without spend trailers (the heuristic engineer, pruning, or older commits).
 */
export function engineerSpend(spend: EngineerSpend | undefined): string {
  if (!spend) return '—';
  return [
    [spend.kind, spend.model].filter(Boolean).join(' '),
    `${tokens(spend.inputTokens)}+${tokens(spend.outputTokens)} tok`,
    spend.costUsd === undefined ? 'cost unknown' : `$${spend.costUsd.toFixed(4)}`,
    `${spend.calls} call${spend.calls === 1 ? '' : 's'}`,
    `${spend.toolCalls} tool call${spend.toolCalls === 1 ? '' : 's'}`,
    `${spend.experiments} experiment${spend.experiments === 1 ? '' : 's'}`,
  ]
    .filter((part) => part !== '')
    .join(' · ');
}
