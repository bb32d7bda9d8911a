/**
 * A run's accepted commits as git has them: message (parsed) and the diff of `harnesses/<env>/` against
 * the parent. Git is the record of what was accepted; the journal only says which iteration and
 * candidate each sha came from. When the branch is gone (deleted after an adopt) the journal's shas are
 * looked up directly; when even git is unavailable, the commits are listed without diffs.
 */
import { BridleError } from '../errors.ts';
import { parseHarnessCommit } from '../store/git/commit-message.ts';
import { listRunCommits, type RunCommit } from '../store/git/history.ts';
import { openRepository, type Repository } from '../store/git/repository.ts';
import type { CommitMark, ReportCommit } from './model.ts';

/** Diff lines kept per commit: a generated module is a few hundred lines; this bounds a pathological one. */
export const DIFF_LINE_LIMIT = 1_500;

/** Git settings a user may have that would change what `git diff` prints. */
const PLAIN_DIFF = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--find-renames', '--src-prefix=a/', '--dst-prefix=b/'];

async function diffOf(repository: Repository, sha: string, environment: string): Promise<Pick<ReportCommit, 'diff' | 'diffOmittedLines' | 'diffMissing'>> {
  try {
    const text = await repository.git().raw([...PLAIN_DIFF, `${sha}^`, sha, '--', repository.harnessPath(environment)]);
    const lines = text.replace(/\n$/, '').split('\n');
    if (text.trim() === '') return { diffOmittedLines: 0, diffMissing: `the commit does not change ${repository.harnessPath(environment)}/` };
    return { diff: lines.slice(0, DIFF_LINE_LIMIT).join('\n'), diffOmittedLines: Math.max(0, lines.length - DIFF_LINE_LIMIT) };
  } catch (error) {
    return { diffOmittedLines: 0, diffMissing: `git diff failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}

/** Read one commit by sha, for runs whose branch no longer exists. */
async function readCommit(repository: Repository, sha: string): Promise<RunCommit | undefined> {
  const resolved = await repository.tryResolveCommit(sha);
  if (!resolved) return undefined;
  const output = await repository.git().raw(['log', '-1', '--format=%H%x1f%aI%x1f%B', resolved, '--']);
  const [full = resolved, date = '', ...rest] = output.split('\x1f');
  const message = rest.join('\x1f').replace(/\n+$/, '');
  return { sha: full, date, subject: message.split('\n')[0] ?? '', message, info: parseHarnessCommit(message) };
}

/**
 * The run's commits, oldest first, each with its diff. `marks` (from the journal) supply iteration and
 * candidate numbers and, when the branch is missing, the shas to look up. Problems become `notes`.
 */
export async function readReportCommits(input: { root: string; branch: string; environment: string; marks: readonly CommitMark[] }): Promise<{ commits: ReportCommit[]; notes: string[] }> {
  const notes: string[] = [];
  const bySha = new Map(input.marks.filter((mark) => mark.sha).map((mark) => [mark.sha!, mark]));
  let repository: Repository;
  try {
    repository = await openRepository(input.root);
  } catch (error) {
    if (!BridleError.isInstance(error) || error.code !== 'NOT_A_REPOSITORY') throw error;
    notes.push(`${input.root} is not a git repository, so the commits are listed from the journal without messages or diffs.`);
    return {
      commits: [...bySha.values()].map((mark) => ({ sha: mark.sha!, date: '', subject: `candidate ${mark.candidate}`, iteration: mark.iteration, candidate: mark.candidate, diffOmittedLines: 0, diffMissing: 'no git repository' })),
      notes,
    };
  }

  let found: RunCommit[];
  try {
    found = await listRunCommits(input.root, input.branch);
  } catch (error) {
    if (!BridleError.isInstance(error) || error.code !== 'UNKNOWN_RUN') throw error;
    notes.push(`The run branch ${input.branch} no longer exists; its commits are read by the shas in the journal.`);
    found = [];
    for (const sha of bySha.keys()) {
      const commit = await readCommit(repository, sha);
      if (commit) found.push(commit);
      else notes.push(`Commit ${sha.slice(0, 12)} from the journal is not in this repository.`);
    }
  }

  const commits: ReportCommit[] = [];
  for (const commit of found) {
    const mark = bySha.get(commit.sha);
    commits.push({
      sha: commit.sha,
      date: commit.date,
      subject: commit.subject,
      ...(commit.info ? { info: commit.info } : {}),
      ...(mark ? { iteration: mark.iteration, candidate: mark.candidate } : commit.info ? { candidate: commit.info.candidate } : {}),
      ...(await diffOf(repository, commit.sha, input.environment)),
    });
  }
  return { commits, notes };
}
