/**
 * `bridle review`: the runs of a project, or one run's accepted commits, as data. The CLI formats them;
 * `--json` prints them as they are.
 */
import { resolve } from 'node:path';
import { assertRunId } from '../store/git/history.ts';
import { openRepository } from '../store/git/repository.ts';
import { locateRun, locateRuns, summarizeRun, type RunSummary } from './runs.ts';

/** Where to look. */
export interface ReviewOptions {
  /** Project root (default: the current directory). */
  root?: string;
}

/** Every evolve run here (run branches and run folders), newest first. */
export async function reviewRuns(options: ReviewOptions = {}): Promise<RunSummary[]> {
  const repository = await openRepository(resolve(options.root ?? process.cwd()));
  const head = await repository.tryResolveCommit('HEAD');
  const runs = await Promise.all((await locateRuns(repository)).map((run) => summarizeRun(repository, run, head)));
  return runs.sort((left, right) => (right.date ?? '').localeCompare(left.date ?? '') || right.runId.localeCompare(left.runId));
}

/** One run with its accepted commits, oldest first. BridleError UNKNOWN_RUN for an unknown id. */
export async function reviewRun(runId: string, options: ReviewOptions = {}): Promise<RunSummary> {
  assertRunId(runId);
  const repository = await openRepository(resolve(options.root ?? process.cwd()));
  const run = await locateRun(repository, runId);
  return summarizeRun(repository, run, await repository.tryResolveCommit('HEAD'));
}
