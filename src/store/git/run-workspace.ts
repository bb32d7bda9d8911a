/**
 * A run's workspace: branch `bridle/<env>/<run-id>` checked out in its own worktree at
 * `<root>/.bridle/worktrees/<run-id>`. The meta-loop writes and commits candidates there, so the user's
 * checkout (its branch, index and files) is never touched, and a killed run can be reopened: the branch
 * is the durable state, the worktree is disposable and rebuilt from it.
 */
import { existsSync, mkdirSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BridleError } from '../../errors.ts';
import {
  HARNESS_MANIFEST,
  emptyHarness,
  harnessManifestSchema,
  readHarnessDirectory,
  type HarnessFile,
  type HarnessManifest,
  type HarnessSource,
} from '../harness-files.ts';
import { BRIDLE_DIR } from '../runs.ts';
import { runBranchName, walkRun } from './history.ts';
import { normalizeCommitMessage, openRepository, type Repository } from './repository.ts';

/** Where to open a run's workspace. */
export interface RunWorkspaceOptions {
  /** Project root (the user's checkout, or a folder inside it). */
  root: string;
  /** Environment whose harness the run evolves. */
  environment: string;
  /** The run's id; names the branch and the worktree folder. */
  runId: string;
  /**
   * Revision a new branch starts from; default: HEAD of the user's checkout. When the branch exists
   * already (resume), a given base must be an ancestor of it (else BridleError STALE_BASE).
   */
  base?: string;
}

/** One commit of a candidate harness. */
export interface CommitHarnessOptions {
  /** Every module file of the new harness (exactly the files `manifest.modules` lists). */
  files: readonly HarnessFile[];
  /** The new `harness.json`. */
  manifest: HarnessManifest;
  /** Full commit message, usually from `formatHarnessCommit`. */
  message: string;
  /** Author and committer date; pass a deterministic one so that re-runs give identical commits. */
  date: Date;
}

/** An open run workspace. */
export interface RunWorkspace {
  /** `bridle/<env>/<run-id>`. */
  readonly branch: string;
  /** The worktree folder. */
  readonly path: string;
  /** `<worktree>/harnesses/<env>`: where candidates are written. */
  readonly harnessDirectory: string;
  /** Full sha the run started from. */
  readonly base: string;
  /** Full sha the branch points at now. */
  head(): Promise<string>;
  /**
   * The harness at the branch head (the empty harness while its folder does not exist yet). Read from the
   * worktree, which always equals the head: opening resets a reused worktree, and `commitHarness` either
   * commits what it wrote or puts the head back. For a read from git objects, use `readHarnessAt`.
   */
  readHarness(): HarnessSource;
  /**
   * Write exactly `files` and `harness.json` (module files no longer listed are removed), stage only
   * `harnesses/<env>/` and commit. Returns the commit's sha. Committing what the head already holds with
   * the head's message returns the head (a replay after a crash right after the commit); committing no
   * change under another message is an error.
   */
  commitHarness(options: CommitHarnessOptions): Promise<string>;
  /** Reset the worktree to the branch head and remove untracked files of the harness folder (done on open too). */
  discardChanges(): Promise<void>;
  /** Remove the worktree; the branch and its commits stay. */
  close(): Promise<void>;
}

/** The worktree folder of a run. */
export function worktreeDirectory(root: string, runId: string): string {
  return join(root, BRIDLE_DIR, 'worktrees', runId);
}

/**
 * `.bridle/` ignores itself, so run worktrees and logs never show up in the user's `git status` even in a
 * repository where `bridle init` did not add `.bridle/` to `.gitignore`.
 */
function ignoreStateFolder(root: string): void {
  const file = join(root, BRIDLE_DIR, '.gitignore');
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '# bridle working state (run worktrees, logs): never part of the project\n*\n');
}

async function isHealthyWorktree(repository: Repository, path: string, ref: string): Promise<boolean> {
  try {
    const git = repository.git(path);
    // A folder whose `.git` link is gone resolves to the enclosing checkout: that is not our worktree.
    const top = (await git.raw(['rev-parse', '--show-toplevel'])).trim();
    if (top === '' || realpathSync(top) !== realpathSync(path)) return false;
    return (await git.raw(['symbolic-ref', '--quiet', 'HEAD'])).trim() === ref;
  } catch {
    return false;
  }
}

/**
 * Lock files a killed git process left behind would block every later command on the run. Only bridle
 * writes to a run's worktree and branch, and one process at a time, so a lock found on open is stale.
 */
async function removeStaleLocks(repository: Repository, path: string | undefined, ref: string): Promise<void> {
  // Relative to the top level when git prints it relative (older git has no --path-format).
  const common = resolve(repository.topLevel, (await repository.git().raw(['rev-parse', '--git-common-dir'])).trim());
  rmSync(join(common, `${ref}.lock`), { force: true });
  if (path === undefined) return;
  const gitDirectory = (await repository.git(path).raw(['rev-parse', '--absolute-git-dir'])).trim();
  rmSync(join(gitDirectory, 'index.lock'), { force: true });
}

/** The folder where `ref` is checked out by another worktree (the user's checkout included), if any. */
async function checkedOutElsewhere(repository: Repository, ref: string, path: string): Promise<string | undefined> {
  const listing = await repository.git().raw(['worktree', 'list', '--porcelain']);
  for (const block of listing.split('\n\n')) {
    const lines = block.split('\n');
    const folder = lines.find((line) => line.startsWith('worktree '))?.slice('worktree '.length);
    if (folder !== undefined && lines.includes(`branch ${ref}`) && folder !== path) return folder;
  }
  return undefined;
}

async function resolveNewBase(repository: Repository, base: string | undefined): Promise<string> {
  if (base !== undefined) return repository.resolveCommit(base);
  const head = await repository.tryResolveCommit('HEAD');
  if (head === undefined) {
    throw new BridleError('UNKNOWN_COMMIT', `${repository.topLevel} has no commits yet: run "bridle init" (it makes the first commit) or commit once`);
  }
  return head;
}

/**
 * Open (or, on resume, reopen) a run's workspace. Creates the branch from `base` when it does not exist,
 * reuses it when it does, and (re)creates the worktree at the branch head when its folder is missing or
 * broken. A reused worktree is reset to the branch head: whatever a crash left in it was never committed,
 * so it was never accepted.
 */
export async function openRunWorkspace(options: RunWorkspaceOptions): Promise<RunWorkspace> {
  const { environment, runId } = options;
  const repository = await openRepository(options.root);
  const branch = runBranchName(environment, runId);
  const ref = `refs/heads/${branch}`;
  const path = worktreeDirectory(repository.root, runId);
  const harnessPath = repository.harnessPath(environment);
  const top = repository.git();
  ignoreStateFolder(repository.root);

  const existing = await repository.tryResolveCommit(ref);
  let base: string;
  if (existing === undefined) {
    base = await resolveNewBase(repository, options.base);
  } else if (options.base !== undefined) {
    base = await repository.resolveCommit(options.base);
    if ((await top.raw(['merge-base', base, existing])).trim() !== base) {
      throw new BridleError('STALE_BASE', `branch ${branch} exists but does not start from ${options.base}: resume without a base, or start a new run`);
    }
  } else {
    base = (await walkRun(repository, existing, runId)).base;
  }

  await removeStaleLocks(repository, undefined, ref);
  // Made on use: simple-git refuses a folder that does not exist yet, and the worktree may be about to be made.
  const git = () => repository.git(path);
  async function discardChanges(): Promise<void> {
    await git().raw(['reset', '--hard', 'HEAD']);
    await git().raw(['clean', '-f', '-d', '--', harnessPath]);
  }

  if (existsSync(path) && (await isHealthyWorktree(repository, path, ref))) {
    await removeStaleLocks(repository, path, ref);
    await discardChanges();
  } else {
    rmSync(path, { recursive: true, force: true });
    // Forget the registration of a worktree whose folder is gone, so the branch can be checked out again.
    await top.raw(['worktree', 'prune', '--verbose']);
    const other = await checkedOutElsewhere(repository, ref, path);
    if (other !== undefined) {
      throw new BridleError('INVALID_ARGUMENT', `branch ${branch} is checked out in ${other}: switch that checkout to another branch, then retry`);
    }
    mkdirSync(dirname(path), { recursive: true });
    if (existing === undefined) await top.raw(['worktree', 'add', '--no-track', '-b', branch, path, base]);
    else await top.raw(['worktree', 'add', path, branch]);
  }

  const harnessDirectory = join(path, ...harnessPath.split('/'));

  async function commitHarness({ files, manifest, message, date }: CommitHarnessOptions): Promise<string> {
    const parsed = harnessManifestSchema.safeParse(manifest);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BridleError('HARNESS_INVALID', `manifest: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    const written = parsed.data;
    if (written.environment !== environment) {
      throw new BridleError('HARNESS_INVALID', `manifest is for environment "${written.environment}", not "${environment}"`);
    }
    const listed = new Set(written.modules);
    const given = new Set(files.map((file) => file.file));
    if (listed.size !== written.modules.length || given.size !== files.length) {
      throw new BridleError('HARNESS_INVALID', 'a module file is named twice');
    }
    if (listed.size !== given.size || [...given].some((file) => !listed.has(file))) {
      throw new BridleError('HARNESS_INVALID', `the files given (${[...given].join(', ')}) are not the modules the manifest lists (${written.modules.join(', ')})`);
    }

    try {
      mkdirSync(harnessDirectory, { recursive: true });
      for (const entry of readdirSync(harnessDirectory)) {
        const file = join(harnessDirectory, entry);
        if (entry.endsWith('.ts') && !listed.has(entry) && statSync(file).isFile()) rmSync(file);
      }
      for (const file of files) writeFileSync(join(harnessDirectory, file.file), file.source);
      // Written from the parsed value: the schema fixes the key order, so equal manifests give equal bytes.
      writeFileSync(join(harnessDirectory, HARNESS_MANIFEST), `${JSON.stringify(written, null, 2)}\n`);

      const changed = (await git().raw(['status', '--porcelain', '--untracked-files=all', '--', harnessPath])).trim();
      if (changed === '') {
        const headMessage = await git().raw(['log', '-1', '--format=%B', 'HEAD']);
        if (normalizeCommitMessage(headMessage) === normalizeCommitMessage(message)) return await repository.resolveCommit(ref);
        throw new BridleError('HARNESS_INVALID', `the candidate changes nothing in ${harnessPath}: nothing to commit`);
      }
      return await repository.commit({ directory: path, paths: [harnessPath], message, date });
    } catch (error) {
      // Keep the worktree equal to the head, which readHarness() relies on. Should that fail too, the
      // error worth reporting is still the first one; the next open resets the worktree anyway.
      await discardChanges().catch(() => undefined);
      throw error;
    }
  }

  return {
    branch,
    path,
    harnessDirectory,
    base,
    head: () => repository.resolveCommit(ref),
    readHarness: () =>
      existsSync(harnessDirectory) ? readHarnessDirectory(harnessDirectory, environment) : emptyHarness(environment),
    commitHarness,
    discardChanges,
    async close() {
      // Same as `worktree remove --force`, but prune --verbose prints (see the top of repository.ts).
      rmSync(path, { recursive: true, force: true });
      await top.raw(['worktree', 'prune', '--verbose']);
    },
  };
}
