/**
 * Questions about the user's checkout that the review verbs ask before they change anything: is the
 * tree clean, is one commit in another's history, did the harness folder change between two commits,
 * and who a commit bridle makes on the user's branch is by.
 */
import { BridleError } from '../errors.ts';
import type { Repository } from '../store/git/repository.ts';

/** How many dirty files a refusal names before it says "and N more". */
const LISTED_FILES = 3;

/**
 * Tracked files with uncommitted changes (staged or not), relative to the top level. Untracked files
 * are left out: a merge or revert never loses them, and `.bridle/` state must not count.
 */
export async function dirtyFiles(repository: Repository): Promise<string[]> {
  const output = await repository.git().raw(['status', '--porcelain=v1', '-z', '--untracked-files=no']);
  const records = output.split('\0').filter((record) => record !== '');
  const files: string[] = [];
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    files.push(record.slice(3));
    // A rename or copy is followed by a record holding its source path.
    if (/^[RC]/.test(record)) index++;
  }
  return files;
}

/** Refuse with DIRTY_WORKTREE (naming up to three files) when tracked files have uncommitted changes. */
export async function assertClean(repository: Repository, verb: string, retry: string): Promise<void> {
  const files = await dirtyFiles(repository);
  if (files.length === 0) return;
  const named = files.slice(0, LISTED_FILES).join(', ');
  const more = files.length > LISTED_FILES ? ` and ${files.length - LISTED_FILES} more` : '';
  throw new BridleError(
    'DIRTY_WORKTREE',
    `${verb}: the working tree has uncommitted changes (${named}${more}): commit or stash them, then run "${retry}" again`,
  );
}

/** Whether `ancestor` is `descendant` or in its history. */
export async function isAncestor(repository: Repository, ancestor: string, descendant: string): Promise<boolean> {
  // Not `merge-base --is-ancestor`: it answers through its exit code alone, which simple-git does not
  // report when nothing is printed. The merge base of an ancestor and a descendant is the ancestor.
  const base = await repository.git().raw(['merge-base', ancestor, descendant]).catch(() => '');
  const [full, other] = await Promise.all([repository.tryResolveCommit(ancestor), Promise.resolve(base.trim())]);
  return full !== undefined && full === other;
}

/** Files under `path` that differ between two commits (empty: the folder is the same in both). */
export async function changedFiles(repository: Repository, from: string, to: string, path: string): Promise<string[]> {
  const output = await repository.git().raw(['diff', '--name-only', '--no-renames', from, to, '--', path]);
  return output.split('\n').filter((line) => line !== '');
}

/** The current HEAD commit; UNKNOWN_COMMIT when the repository has none yet. */
export async function headCommit(repository: Repository): Promise<string> {
  const head = await repository.tryResolveCommit('HEAD');
  if (head === undefined) throw new BridleError('UNKNOWN_COMMIT', `${repository.topLevel} has no commits yet: run "bridle init" first`);
  return head;
}

/**
 * `-c` settings for a git call that makes a commit or tag on the user's branch: the repository's own
 * identity (or bridle's fallback when it names nobody, where git would otherwise refuse), and no
 * signing, which would prompt or fail in an unattended call. Passed per call, never written to config.
 */
export async function commitConfig(repository: Repository): Promise<string[]> {
  const who = await repository.identity();
  return ['-c', `user.name=${who.name}`, '-c', `user.email=${who.email}`, '-c', 'tag.gpgSign=false'];
}

/** The first line of a git error, without simple-git's prefixes, for a one-line refusal. */
export function gitErrorLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text
    .split('\n')
    .map((part) => part.trim())
    .find((part) => part !== '' && !part.startsWith('hint:'));
  return (line ?? 'git failed').replace(/^(error|fatal): /, '');
}
