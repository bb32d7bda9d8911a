/** `bridle review [run-id]`: the evolve runs, or one run's accepted commits, as a table or JSON. */
import { Command } from 'commander';
import type { RunSummary } from '../review/runs.ts';
import { fit } from '../review/side-by-side.ts';
import { costChange, deltaWithInterval, engineerSpend, rate, shortDate } from '../review/text.ts';
import { table, backboneLabel, SIMULATED_NOTE } from './format.ts';

/** Failure group titles are long; the table keeps them to a readable width. */
const GROUP_WIDTH = 48;

function beforeAfter(scores: { before: number; after: number } | undefined): string {
  return scores ? `${rate(scores.before)} → ${rate(scores.after)}` : '—';
}

/** The run list: one row per run, newest first. */
export function formatRuns(runs: readonly RunSummary[]): string {
  if (runs.length === 0) return 'no evolve runs here yet: start one with "bridle evolve --env <name>"';
  const rows = runs.map((run) => [
    run.runId,
    run.environment,
    String(run.commits.length),
    beforeAfter(run.heldout),
    run.engineer ?? '—',
    shortDate(run.date),
    run.status,
  ]);
  return [
    table(['run', 'env', 'commits', 'held-out (validation)', 'engineer', 'date (UTC)', 'status'], rows),
    '',
    'held-out: mean success over the held-out backbones, before the run\'s first commit → after its last (from the commit messages)',
    ...(runs.some((run) => run.commits.some((commit) => commit.info?.heldout.some((row) => row.simulated))) ? [SIMULATED_NOTE] : []),
    'one run\'s commits: bridle review <run>    a commit: bridle show <commit>    take a run: bridle adopt <run>',
  ].join('\n');
}

/** One run: a heading with its scores and status, then its accepted commits oldest first. */
export function formatRun(run: RunSummary): string {
  const heldoutBackbones = run.commits.find((commit) => commit.info)?.info?.heldout.map((row) => backboneLabel(row)) ?? [];
  const lines = [
    `run ${run.runId} · ${run.environment} · ${run.branch ?? '(branch missing)'}${run.base ? ` · base ${run.base.slice(0, 10)}` : ''} · ${run.status}`,
    `held-out (validation${heldoutBackbones.length ? `, ${heldoutBackbones.join(', ')}` : ''}): ${beforeAfter(run.heldout)}` +
      (run.test ? `    sealed test split (held-out backbones, empty → final harness): ${beforeAfter(run.test)}` : ''),
    `engineer ${run.engineer ?? '—'} · started ${shortDate(run.date)} UTC · ${run.commits.length} accepted commit${run.commits.length === 1 ? '' : 's'}` +
      (run.rejected === undefined ? '' : ` · ${run.rejected} candidate${run.rejected === 1 ? '' : 's'} rejected`),
    '',
  ];
  if (run.commits.length === 0) {
    lines.push('no accepted commits: every candidate was rejected (the run folder keeps each one with its reason)');
    return lines.join('\n');
  }
  const rows = run.commits.map((commit) => [
    commit.sha.slice(0, 10),
    commit.info?.module ?? '?',
    fit(commit.info?.group.title ?? commit.subject, GROUP_WIDTH),
    commit.info ? deltaWithInterval(commit.info) : '?',
    commit.info?.cost ? costChange(commit.info.cost) : '—',
    commit.info?.engineer ?? '?',
    shortDate(commit.date),
    engineerSpend(commit.info?.engineerSpend),
  ]);
  // The spend comes last: the columns before it keep their places for anyone reading them by position.
  lines.push(table(['commit', 'module', 'failure group', 'held-out Δ points [95% interval]', 'tokens/episode', 'engineer', 'date (UTC)', 'engineer spend'], rows));
  if (run.commits.some((commit) => commit.info?.cost?.estimated)) lines.push('~ tokens per episode are estimated (simulated backbones)');
  lines.push('', `a commit: bridle show ${run.commits[0]!.sha.slice(0, 10)}    take the run: bridle adopt ${run.runId}`);
  return lines.join('\n');
}

/** The `review` verb, for src/cli/main.ts. */
export function reviewCommand(): Command {
  return new Command('review')
    .description('List the evolve runs (held-out before → after, adopted or not), or one run\'s accepted commits with their held-out deltas.')
    .argument('[run-id]', 'the run whose commits to list (default: list the runs)')
    .option('--json', 'print machine-readable JSON')
    .action(async (runId: string | undefined, flags: { json?: boolean }) => {
      const { reviewRun, reviewRuns } = await import('../review/review.ts');
      const result = runId === undefined ? await reviewRuns() : await reviewRun(runId);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${Array.isArray(result) ? formatRuns(result) : formatRun(result as RunSummary)}\n`);
    });
}
