/**
 * `bridle adopt <run-id>`: bring a run's accepted commits onto the user's current branch, the way a
 * reviewer merges a pull request. A fast-forward when the branch has not moved since the run started
 * from it, else a merge commit "bridle: adopt <run-id>". It changes nothing but what `git merge` does,
 * and refuses (one line, with what to do) whenever the merge could lose or mix anything: uncommitted
 * changes, an unknown or empty run, or a harness folder that changed on the branch since the run's base
 * (the run's modules were validated on top of the old harness, not the new one).
 */
import { resolve } from 'node:path';
import { BridleError } from '../errors.ts';
import { assertRunId, walkRun } from '../store/git/history.ts';
import { openRepository, type Repository } from '../store/git/repository.ts';
import { assertClean, changedFiles, commitConfig, gitErrorLine, headCommit, isAncestor } from './git-state.ts';
import { locateRun } from './runs.ts';

/** What `adoptRun` did. */
export interface AdoptResult {
  runId: string;
  environment: string;
  branch: string;
  /** `fast-forward`, `merge`, or `already` when the run was adopted before (nothing changed). */
  kind: 'fast-forward' | 'merge' | 'already';
  /** HEAD before and after. */
  from: string;
  to: string;
  /** The run's commits, oldest first. */
  commits: string[];
  /** The current branch's short name, or undefined on a detached HEAD. */
  target: string | undefined;
}

/** Subject of the merge commit adopt makes when it cannot fast-forward. */
export function adoptMessage(runId: string): string {
  return `bridle: adopt ${runId}`;
}

async function currentBranch(repository: Repository): Promise<string | undefined> {
  const name = (await repository.git().raw(['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
  return name === 'HEAD' ? undefined : name;
}

/** Undo a merge that stopped half-way, so a refusal leaves the checkout as it was. */
async function abortMerge(repository: Repository): Promise<void> {
  if ((await repository.tryResolveCommit('MERGE_HEAD')) === undefined) return;
  await repository.git().raw(['merge', '--abort']).catch(() => undefined);
}

/** Adopt a run onto the current branch. See the top of this file for when it refuses. */
export async function adoptRun(runId: string, options: { root?: string } = {}): Promise<AdoptResult> {
  assertRunId(runId);
  const repository = await openRepository(resolve(options.root ?? process.cwd()));
  const run = await locateRun(repository, runId);
  if (run.head === undefined) {
    throw new BridleError('UNKNOWN_RUN', `run "${runId}" has no branch bridle/${run.environment}/${runId} any more: nothing to adopt`);
  }
  const { base, commits } = await walkRun(repository, run.head, runId);
  if (commits.length === 0) {
    throw new BridleError('INVALID_ARGUMENT', `run "${runId}" has no commits: every candidate was rejected, nothing to adopt ("bridle review ${runId}" shows why)`);
  }
  const head = await headCommit(repository);
  const target = await currentBranch(repository);
  const branch = run.branch ?? `bridle/${run.environment}/${runId}`;
  const result = { runId, environment: run.environment, branch, from: head, commits: commits.map((commit) => commit.sha), target };
  if (await isAncestor(repository, run.head, head)) return { ...result, kind: 'already', to: head };
  if (run.branch === undefined) {
    throw new BridleError('UNKNOWN_RUN', `run "${runId}" has no branch ${branch} any more: nothing to adopt`);
  }

  await assertClean(repository, 'adopt', `bridle adopt ${runId}`);
  const git = repository.git();
  // HEAD in the run's history (its base, or a commit of the run adopted earlier): nothing to merge.
  if (await isAncestor(repository, head, run.head)) {
    try {
      await git.raw(['merge', '--ff-only', branch]);
    } catch (error) {
      throw new BridleError('INVALID_ARGUMENT', `adopt: git merge --ff-only ${branch} failed: ${gitErrorLine(error)}`, { cause: error });
    }
    return { ...result, kind: 'fast-forward', to: await headCommit(repository) };
  }

  const harnessPath = repository.harnessPath(run.environment);
  const moved = await changedFiles(repository, base, head, harnessPath);
  if (moved.length > 0) {
    throw new BridleError(
      'STALE_BASE',
      `adopt: ${harnessPath}/ changed on ${target ?? 'HEAD'} since run "${runId}" started from ${base.slice(0, 10)} (${moved.slice(0, 3).join(', ')}${moved.length > 3 ? ', …' : ''}), ` +
        `so its modules were validated against another harness: re-run "bridle evolve --env ${run.environment} --base HEAD", or merge by hand with "git merge ${branch}"`,
    );
  }
  try {
    await git.raw([...(await commitConfig(repository)), 'merge', '--no-ff', '--no-edit', '--no-verify', '-m', adoptMessage(runId), branch]);
  } catch (error) {
    await abortMerge(repository);
    throw new BridleError('INVALID_ARGUMENT', `adopt: git merge ${branch} stopped and was undone: ${gitErrorLine(error)}`, { cause: error });
  }
  return { ...result, kind: 'merge', to: await headCommit(repository) };
}
