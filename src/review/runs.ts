/**
 * Evolve runs as a reviewer sees them: found on run branches (`bridle/<env>/<run-id>`, which survive a
 * clone) and in `.bridle/runs/<run-id>/` (journal, summary and candidates, which stay on the machine
 * that ran them). Git is the source of truth for what a run committed; the run folder adds the date,
 * the sealed test scores and the rejected candidates when it is there.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BridleError } from '../errors.ts';
import { JOURNAL_FILE } from '../meta/journal.ts';
import { listRunBranches, walkRun, type RunCommit } from '../store/git/history.ts';
import type { HarnessCommitInfo, HeldoutResult } from '../store/git/commit-message.ts';
import type { Repository } from '../store/git/repository.ts';
import { SUMMARY_FILE, listRuns, runDirectory } from '../store/runs.ts';
import { changedFiles, isAncestor } from './git-state.ts';

/** Where a run lives. */
export interface RunLocation {
  runId: string;
  environment: string;
  /** `bridle/<env>/<run-id>`, when the branch exists. */
  branch: string | undefined;
  /**
   * The run's newest commit: where its branch points, or, once the branch is deleted (after adopting,
   * as one deletes a merged pull request's branch), its newest commit found in HEAD's history.
   */
  head: string | undefined;
  /** `.bridle/runs/<run-id>`, when it exists on this machine. */
  folder: string | undefined;
}

/** Whether the run's commits are on the current branch, and whether they can get there. */
export type RunStatus = 'adopted' | 'not adopted' | 'stale base' | 'no commits' | 'branch missing';

/** One accepted commit of a run, as review lists it. */
export interface ReviewCommit {
  /** Full sha. */
  sha: string;
  /** Author date, ISO 8601. */
  date: string;
  /** First line of the message. */
  subject: string;
  /** The parsed message; undefined when the commit carries the run's trailer but is not well formed. */
  info: HarnessCommitInfo | undefined;
}

/** A run and what it achieved. */
export interface RunSummary {
  runId: string;
  environment: string;
  branch: string | undefined;
  /** The commit the run started from (from git, else from the journal). */
  base: string | undefined;
  head: string | undefined;
  commits: ReviewCommit[];
  /**
   * Mean held-out success on the validation split over the held-out backbones: before the run's first
   * commit and after its last, as their commit messages record it.
   */
  heldout: { before: number; after: number } | undefined;
  /** Mean held-out success on the sealed test split, empty harness → final harness (from summary.json). */
  test: { before: number; after: number } | undefined;
  engineer: string | undefined;
  /** When the run started (journal), else its first commit's date; ISO 8601. */
  date: string | undefined;
  status: RunStatus;
  /** Candidates the run rejected, when its folder is here. */
  rejected: number | undefined;
}

interface JournalStart {
  branch: string;
  base: string;
  environment: string;
  engineer: string | undefined;
  at: string | undefined;
}

/** The first journal line of a run folder: evolve runs start with `run-start`; eval runs have no journal. */
function readJournalStart(folder: string): JournalStart | undefined {
  const path = join(folder, JOURNAL_FILE);
  if (!existsSync(path)) return undefined;
  const first = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
  try {
    const event = JSON.parse(first) as { type?: unknown; branch?: unknown; base?: unknown; at?: unknown; options?: { env?: unknown; engineer?: unknown } };
    if (event.type !== 'run-start' || typeof event.branch !== 'string' || typeof event.base !== 'string') return undefined;
    return {
      branch: event.branch,
      base: event.base,
      environment: typeof event.options?.env === 'string' ? event.options.env : event.branch.split('/')[1] ?? '',
      engineer: typeof event.options?.engineer === 'string' ? event.options.engineer : undefined,
      at: typeof event.at === 'string' ? event.at : undefined,
    };
  } catch {
    return undefined;
  }
}

/** Every evolve run known here, by run id: run branches first, then run folders without a branch. */
export async function locateRuns(repository: Repository): Promise<RunLocation[]> {
  const found = new Map<string, RunLocation>();
  for (const branch of await listRunBranches(repository.root)) {
    const folder = runDirectory(repository.root, branch.runId);
    found.set(branch.runId, {
      runId: branch.runId,
      environment: branch.environment,
      branch: branch.branch,
      head: branch.head,
      folder: existsSync(folder) ? folder : undefined,
    });
  }
  for (const runId of listRuns(repository.root)) {
    if (found.has(runId)) continue;
    const folder = runDirectory(repository.root, runId);
    const start = readJournalStart(folder);
    if (start) found.set(runId, { runId, environment: start.environment, branch: undefined, head: await adoptedHead(repository, runId), folder });
  }
  return [...found.values()];
}

/** The newest commit in HEAD's history that carries `Bridle-Run: <runId>`, if any. */
async function adoptedHead(repository: Repository, runId: string): Promise<string | undefined> {
  if ((await repository.tryResolveCommit('HEAD')) === undefined) return undefined;
  const pattern = `^Bridle-Run: ${runId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  const sha = (await repository.git().raw(['log', '-1', '--format=%H', '--extended-regexp', `--grep=${pattern}`, 'HEAD', '--'])).trim();
  return sha === '' ? undefined : sha;
}

/** One run by id; BridleError UNKNOWN_RUN (pointing at `bridle review`) when neither branch nor folder exists. */
export async function locateRun(repository: Repository, runId: string): Promise<RunLocation> {
  const run = (await locateRuns(repository)).find((candidate) => candidate.runId === runId);
  if (!run) throw new BridleError('UNKNOWN_RUN', `no run "${runId}" (no branch bridle/<env>/${runId}, no .bridle/runs/${runId}): "bridle review" lists the runs`);
  return run;
}

function meanOf(rows: readonly HeldoutResult[], key: 'before' | 'after'): number | undefined {
  return rows.length === 0 ? undefined : rows.reduce((sum, row) => sum + row[key], 0) / rows.length;
}

/** First commit's "before" and last commit's "after", averaged over held-out backbones. */
function heldoutOf(commits: readonly ReviewCommit[]): RunSummary['heldout'] {
  const first = commits.find((commit) => commit.info)?.info;
  const last = [...commits].reverse().find((commit) => commit.info)?.info;
  const before = first ? meanOf(first.heldout, 'before') : undefined;
  const after = last ? meanOf(last.heldout, 'after') : undefined;
  return before === undefined || after === undefined ? undefined : { before, after };
}

/** Held-out rows of the sealed test split from `summary.json`, when the run finished here. */
function testOf(folder: string | undefined): { test: RunSummary['test']; engineer: string | undefined } {
  const path = folder === undefined ? undefined : join(folder, SUMMARY_FILE);
  if (path === undefined || !existsSync(path)) return { test: undefined, engineer: undefined };
  try {
    const summary = JSON.parse(readFileSync(path, 'utf8')) as { test?: { heldout?: boolean; before?: number; after?: number }[]; engineer?: { id?: string } };
    const rows = (summary.test ?? []).filter((row) => row.heldout && typeof row.before === 'number' && typeof row.after === 'number');
    const test = rows.length === 0 ? undefined : {
      before: rows.reduce((sum, row) => sum + row.before!, 0) / rows.length,
      after: rows.reduce((sum, row) => sum + row.after!, 0) / rows.length,
    };
    return { test, engineer: summary.engineer?.id };
  } catch {
    return { test: undefined, engineer: undefined };
  }
}

/** Candidates whose `candidate.json` records a stage other than "accepted". */
function rejectedCount(folder: string | undefined): number | undefined {
  const candidates = folder === undefined ? undefined : join(folder, 'candidates');
  if (candidates === undefined || !existsSync(candidates)) return undefined;
  let rejected = 0;
  for (const name of readdirSync(candidates)) {
    try {
      const record = JSON.parse(readFileSync(join(candidates, name, 'candidate.json'), 'utf8')) as { stage?: unknown };
      if (record.stage !== 'accepted') rejected++;
    } catch {
      // A candidate killed before its record was written: nothing to count.
    }
  }
  return rejected;
}

function toReviewCommit(commit: RunCommit): ReviewCommit {
  return { sha: commit.sha, date: commit.date, subject: commit.subject, info: commit.info };
}

/** Everything review shows about one run. `head` is the user's current HEAD, for the adopted status. */
export async function summarizeRun(repository: Repository, run: RunLocation, head: string | undefined): Promise<RunSummary> {
  const start = run.folder === undefined ? undefined : readJournalStart(run.folder);
  const fromFolder = testOf(run.folder);
  let base = start?.base;
  let commits: ReviewCommit[] = [];
  if (run.head !== undefined) {
    const walked = await walkRun(repository, run.head, run.runId);
    base = walked.base;
    commits = walked.commits.map(toReviewCommit);
  }
  let status: RunStatus;
  if (run.head === undefined) status = 'branch missing';
  else if (commits.length === 0) status = 'no commits';
  else if (head !== undefined && (await isAncestor(repository, run.head, head))) status = 'adopted';
  else if (
    head !== undefined &&
    base !== undefined &&
    !(await isAncestor(repository, head, run.head)) &&
    (await changedFiles(repository, base, head, repository.harnessPath(run.environment))).length > 0
  ) {
    status = 'stale base';
  } else status = 'not adopted';
  return {
    runId: run.runId,
    environment: run.environment,
    branch: run.branch,
    base,
    head: run.head,
    commits,
    heldout: heldoutOf(commits),
    test: fromFolder.test,
    // The run's engineer; a commit may name "pruning" instead, for a module the run removed.
    engineer: start?.engineer ?? fromFolder.engineer ?? commits.find((commit) => commit.info)?.info?.engineer,
    date: start?.at ?? commits[0]?.date,
    status,
    rejected: rejectedCount(run.folder),
  };
}
