/**
 * `bridle init`: make a folder ready for runs. It needs a git repository with at least one commit (runs
 * branch off HEAD), a `harnesses/<env>/harness.json` per environment and `.bridle/` ignored. It creates
 * what is missing, commits only what it created, and changes nothing on a second call.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import { BridleError } from '../../errors.ts';
import { HARNESS_MANIFEST, type HarnessManifest } from '../harness-files.ts';
import { BRIDLE_DIR } from '../runs.ts';
import { assertEnvironmentName, openRepository, type Repository } from './repository.ts';

/** The subject of the commit `bridle init` makes. */
export const INIT_COMMIT_MESSAGE = 'bridle: init';

/** What to initialise. */
export interface InitProjectOptions {
  /** The project folder; created when it does not exist. */
  root: string;
  /** Environments to create an (empty) harness for. */
  environments: readonly string[];
  /** Date of the init commit; default now. */
  date?: Date;
}

/** What `initProject` did, for the CLI to report. */
export interface InitProjectResult {
  /** True when `root` was not in a git repository and `git init` made one. */
  createdRepository: boolean;
  /** Files written or changed, relative to `root`. */
  written: string[];
  /** Files committed, relative to `root` (empty when nothing needed committing). */
  committed: string[];
  /** The sha of the init commit, when one was made. */
  commit: string | undefined;
  /** One line each: what was done or left for the user (e.g. an edited `.gitignore` left uncommitted). */
  notes: string[];
}

const IGNORE_LINE = `${BRIDLE_DIR}/`;

function ignoresStateFolder(text: string): boolean {
  const accepted = new Set([BRIDLE_DIR, IGNORE_LINE, `/${BRIDLE_DIR}`, `/${IGNORE_LINE}`]);
  return text.split(/\r?\n/).some((line) => accepted.has(line.trim()));
}

/** Whether git tracks `path` (relative to the top level), in the index or in HEAD. */
async function isTracked(repository: Repository, path: string): Promise<boolean> {
  return (await repository.git().raw(['ls-files', '--', path])).trim() !== '';
}

/** Whether `path` is tracked and its working copy and index equal HEAD: only then may bridle commit its edit. */
async function isCleanAtHead(repository: Repository, path: string): Promise<boolean> {
  if ((await repository.tryResolveCommit('HEAD')) === undefined) return false;
  if (!(await isTracked(repository, path))) return false;
  return (await repository.git().raw(['diff', '--name-only', 'HEAD', '--', path])).trim() === '';
}

/**
 * Prepare `root` for bridle: a git repository (made with `git init` when absent, and said so), an empty
 * `harnesses/<env>/harness.json` per environment, `.bridle/` in `.gitignore`, and one commit
 * "bridle: init" holding only those files when they are new. Nothing else of the user's is ever staged
 * or committed. Idempotent.
 */
export async function initProject(options: InitProjectOptions): Promise<InitProjectResult> {
  const root = resolve(options.root);
  for (const environment of options.environments) assertEnvironmentName(environment);
  mkdirSync(root, { recursive: true });
  const notes: string[] = [];

  let createdRepository = false;
  let repository: Repository;
  try {
    repository = await openRepository(root);
  } catch (error) {
    if (!BridleError.isInstance(error) || error.code !== 'NOT_A_REPOSITORY') throw error;
    await simpleGit({ baseDir: root }).init();
    createdRepository = true;
    notes.push(`created a git repository in ${root} (runs commit to branches of it)`);
    repository = await openRepository(root);
  }

  const written: string[] = [];
  const toCommit: string[] = [];

  for (const environment of options.environments) {
    const relative = `harnesses/${environment}/${HARNESS_MANIFEST}`;
    const file = join(root, 'harnesses', environment, HARNESS_MANIFEST);
    if (!existsSync(file)) {
      const manifest: HarnessManifest = { apiVersion: 1, environment, modules: [] };
      mkdirSync(join(root, 'harnesses', environment), { recursive: true });
      writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
      written.push(relative);
      notes.push(`created ${relative} (an empty harness: the baseline)`);
    }
    // A manifest left untracked (an interrupted init, or written by hand) is bridle's file: commit it too.
    if (!(await isTracked(repository, repository.prefix + relative))) toCommit.push(relative);
  }

  const ignoreFile = join(root, '.gitignore');
  const ignoreExisted = existsSync(ignoreFile);
  const ignoreText = ignoreExisted ? readFileSync(ignoreFile, 'utf8') : '';
  if (!ignoresStateFolder(ignoreText)) {
    // Decided before the edit: committing a .gitignore that already held the user's own uncommitted
    // changes would commit those changes too.
    const mayCommit = !ignoreExisted || (await isCleanAtHead(repository, `${repository.prefix}.gitignore`));
    const separator = ignoreText === '' || ignoreText.endsWith('\n') ? '' : '\n';
    writeFileSync(ignoreFile, `${ignoreText}${separator}# bridle working state (run worktrees, logs)\n${IGNORE_LINE}\n`);
    written.push('.gitignore');
    if (mayCommit) {
      toCommit.push('.gitignore');
      notes.push(`added ${IGNORE_LINE} to .gitignore`);
    } else {
      notes.push(`added ${IGNORE_LINE} to .gitignore and left it uncommitted: it holds uncommitted content of yours`);
    }
  }

  let commit: string | undefined;
  if (toCommit.length > 0) {
    commit = await repository.commit({
      paths: toCommit.map((path) => repository.prefix + path),
      message: INIT_COMMIT_MESSAGE,
      date: options.date ?? new Date(),
    });
    notes.push(`committed ${toCommit.join(', ')} as "${INIT_COMMIT_MESSAGE}" (${commit.slice(0, 12)})`);
  } else if ((await repository.tryResolveCommit('HEAD')) === undefined) {
    notes.push('the repository has no commits yet: commit once before "bridle evolve" (runs branch off HEAD)');
  }

  return { createdRepository, written, committed: toCommit, commit, notes };
}
