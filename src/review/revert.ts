/**
 * `bridle revert <commit>`: take one accepted module change back out of the current branch with
 * `git revert`. Every harness commit also rewrites `harness.json` (module order and scores), so reverting
 * anything but the newest one collides there; that one file is resolved here: the module list of HEAD
 * without the reverted change, and no scores, because that set of modules was never validated
 * together. A collision in a module file is left to the user: nothing is changed and the line says so.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BridleError } from '../errors.ts';
import { parseHarnessCommit } from '../store/git/commit-message.ts';
import { openRepository, type Repository } from '../store/git/repository.ts';
import { HARNESS_MANIFEST, harnessManifestSchema, parseManifest, type HarnessManifest } from '../store/harness-files.ts';
import { assertClean, commitConfig, gitErrorLine, headCommit, isAncestor } from './git-state.ts';

/** What `revertCommit` did. */
export interface RevertResult {
  /** The reverted commit. */
  reverted: string;
  /** The new commit on the current branch. */
  commit: string;
  environment: string;
  /** The module files of the harness after the revert, in order. */
  modules: string[];
  /** True when harness.json had to be merged: its scores were dropped as unvalidated. */
  scoresDropped: boolean;
}

async function readManifestAt(repository: Repository, rev: string, path: string): Promise<HarnessManifest | undefined> {
  const text = await repository.git().raw(['cat-file', 'blob', `${rev}:${path}`]).catch(() => undefined);
  return text === undefined ? undefined : parseManifest(text, `${rev.slice(0, 10)}:${path}`);
}

/**
 * HEAD's manifest with the reverted commit's module-list change undone: the modules it added are gone,
 * the ones it removed come back after the module they followed. Scores and `measured` are dropped.
 */
export function revertManifest(head: HarnessManifest, parent: HarnessManifest | undefined, commit: HarnessManifest): HarnessManifest {
  const before = parent?.modules ?? [];
  const added = new Set(commit.modules.filter((file) => !before.includes(file)));
  const modules = head.modules.filter((file) => !added.has(file));
  for (const file of before) {
    if (commit.modules.includes(file) || modules.includes(file)) continue;
    const previous = before.slice(0, before.indexOf(file)).reverse().find((candidate) => modules.includes(candidate));
    modules.splice(previous === undefined ? 0 : modules.indexOf(previous) + 1, 0, file);
  }
  const { scores: _scores, measured: _measured, ...rest } = head;
  return harnessManifestSchema.parse({ ...rest, modules });
}

/** Put the checkout back as it was after a revert that could not be finished. */
async function undo(repository: Repository): Promise<void> {
  const git = repository.git();
  await git.raw(['revert', '--abort']).catch(() => git.raw(['reset', '--merge']).catch(() => undefined));
}

/**
 * Revert one bridle harness commit on the current branch. Refuses (one line) when the tree is dirty, the
 * commit is not a harness commit or not on the current branch, or the revert collides in a module file.
 */
export async function revertCommit(rev: string, options: { root?: string } = {}): Promise<RevertResult> {
  const repository = await openRepository(resolve(options.root ?? process.cwd()));
  const sha = await repository.resolveCommit(rev);
  const short = sha.slice(0, 10);
  const git = repository.git();
  const message = (await git.raw(['log', '-1', '--format=%B', sha, '--'])).replace(/\n+$/, '');
  const info = parseHarnessCommit(message);
  if (!info) throw new BridleError('INVALID_ARGUMENT', `"${rev}" (${short}) is not a bridle harness commit: use "git revert ${short}"`);
  const head = await headCommit(repository);
  if (!(await isAncestor(repository, sha, head))) {
    throw new BridleError('INVALID_ARGUMENT', `"${rev}" (${short}) is not on the current branch: adopt its run first ("bridle adopt ${info.runId}")`);
  }
  await assertClean(repository, 'revert', `bridle revert ${rev}`);

  const harnessPath = repository.harnessPath(info.environment);
  const manifestPath = `${harnessPath}/${HARNESS_MANIFEST}`;
  try {
    await git.raw(['revert', '--no-commit', sha]);
  } catch (error) {
    const conflicted = (await git.raw(['diff', '--name-only', '--diff-filter=U'])).split('\n').filter((line) => line !== '');
    const others = conflicted.filter((file) => file !== manifestPath);
    if (conflicted.length === 0 || others.length > 0) {
      await undo(repository);
      const files = others.length > 0 ? others.slice(0, 3).join(', ') : gitErrorLine(error);
      throw new BridleError(
        'INVALID_ARGUMENT',
        `revert: reverting ${short} conflicts with later changes (${files}); nothing was changed: revert by hand with "git revert ${short}" and resolve the conflicts`,
        { cause: error },
      );
    }
  }

  let scoresDropped = false;
  const conflictedManifest = (await git.raw(['diff', '--name-only', '--diff-filter=U'])).split('\n').includes(manifestPath);
  if (conflictedManifest) {
    const [headManifest, parentManifest, commitManifest] = await Promise.all([
      readManifestAt(repository, 'HEAD', manifestPath),
      readManifestAt(repository, `${sha}^`, manifestPath),
      readManifestAt(repository, sha, manifestPath),
    ]);
    if (!headManifest || !commitManifest) {
      await undo(repository);
      throw new BridleError('HARNESS_INVALID', `revert: ${manifestPath} is missing at HEAD or at ${short}: revert by hand with "git revert ${short}"`);
    }
    const manifest = revertManifest(headManifest, parentManifest, commitManifest);
    writeFileSync(resolve(repository.topLevel, manifestPath), `${JSON.stringify(manifest, null, 2)}\n`);
    await git.raw(['add', '--verbose', '--', manifestPath]);
    scoresDropped = true;
  }

  const paragraphs = [`Revert "${message.split('\n')[0]}"`, `This reverts commit ${sha}.`];
  if (scoresDropped) {
    paragraphs.push(`${HARNESS_MANIFEST}: module list merged by bridle revert; scores and "measured" dropped, because the remaining modules were never validated together.`);
  }
  try {
    await git.raw([...(await commitConfig(repository)), 'commit', '--no-verify', '--cleanup=whitespace', '-m', paragraphs.join('\n\n')]);
  } catch (error) {
    await undo(repository);
    throw new BridleError('INVALID_ARGUMENT', `revert: committing the revert of ${short} failed, nothing was changed: ${gitErrorLine(error)}`, { cause: error });
  }
  const commit = await headCommit(repository);
  const after = await readManifestAt(repository, commit, manifestPath);
  return { reverted: sha, commit, environment: info.environment, modules: after?.modules ?? [], scoresDropped };
}
