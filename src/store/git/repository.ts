/**
 * The git repository bridle works in. Every git call of `src/store/git/` goes through here, so the rules
 * for touching a user's repository live in one place: bridle's commits get their identity and dates from
 * the child process environment (never from a config write), skip the user's commit hooks and signing,
 * and name exactly the paths they commit.
 *
 * simple-git waits 50 ms after any command that wrote nothing to stdout or stderr, so the calls in this
 * folder prefer forms that say something (`--verbose`, no `--quiet`): correctness never depends on it,
 * the speed of a run's many small git calls does.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { BridleError } from '../../errors.ts';

/** Who bridle commits as when the repository (local, global or system config) names nobody. */
export const FALLBACK_IDENTITY: GitIdentity = { name: 'bridle', email: 'bridle@localhost' };

/** A commit author or committer. */
export interface GitIdentity {
  /** `user.name`. */
  name: string;
  /** `user.email`. */
  email: string;
}

/** The variables bridle sets for its own commits; simple-git 4 refuses `GIT_*` variables it was not told about. */
const COMMIT_VARIABLES = [
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
] as const;

/**
 * Variables simple-git guards besides every `GIT_*` one. An explicitly passed guarded variable makes it
 * reject the call, so they are dropped from the copy of the environment a commit runs with (simple-git
 * strips the same ones from the ambient environment anyway).
 */
const GUARDED_VARIABLES = new Set(['editor', 'pager', 'prefix', 'ssh_askpass', 'visual']);

/** Plain `-c` settings for every call: a user's `commit.gpgsign` would make unattended commits prompt or fail. */
const CALL_CONFIG = ['commit.gpgsign=false'];

/** A simple-git instance for one folder; `variables` are added to a sanitised copy of the environment. */
function createGit(directory: string, variables?: Record<string, string>): SimpleGit {
  const git = simpleGit({ baseDir: directory, config: CALL_CONFIG, allowEnvironment: COMMIT_VARIABLES });
  if (variables === undefined) return git;
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (value === undefined || lower.startsWith('git_') || GUARDED_VARIABLES.has(lower)) continue;
    environment[key] = value;
  }
  return git.env({ ...environment, ...variables });
}

/** Git's internal date format, so the commit records exactly this instant in UTC whatever the machine's zone. */
function gitDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  if (!Number.isFinite(seconds) || seconds < 0) throw new BridleError('INVALID_ARGUMENT', `commit date ${String(date)} is not a date from 1970 on`);
  // The "@" keeps git from reading a small number as a year or a day of the month.
  return `@${seconds} +0000`;
}

/**
 * The message as git stores it after `--cleanup=whitespace`: trailing spaces cut, runs of blank lines
 * collapsed, blank lines at both ends dropped. Used to compare a message with one already committed.
 */
export function normalizeCommitMessage(message: string): string {
  const lines = message.replace(/\r\n?/g, '\n').split('\n').map((line) => line.trimEnd());
  const kept: string[] = [];
  for (const line of lines) {
    if (line === '' && (kept.length === 0 || kept[kept.length - 1] === '')) continue;
    kept.push(line);
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  return kept.join('\n');
}

/** What {@link Repository.commit} needs. */
export interface CommitOptions {
  /** The work tree to commit in: the repository's top level (default) or a run worktree's folder. */
  directory?: string;
  /** Paths relative to `directory` (top-level relative, so include {@link Repository.prefix}); nothing else is committed. */
  paths: readonly string[];
  /** The full commit message. */
  message: string;
  /** Author and committer date, so the same inputs give the same commit. */
  date: Date;
}

/** An opened repository: where it is and the few operations the rest of `src/store/git/` builds on. */
export interface Repository {
  /** The project root bridle was pointed at, absolute. `.bridle/` lives here. */
  readonly root: string;
  /** The top level of the work tree that contains `root`. */
  readonly topLevel: string;
  /** `root` relative to `topLevel` with a trailing slash, or '' when they are the same folder. */
  readonly prefix: string;
  /** simple-git for the top level, or for another work tree of the same repository (a run worktree). */
  git(directory?: string): SimpleGit;
  /** The path of `harnesses/<environment>` relative to the top level: how git objects and pathspecs name it. */
  harnessPath(environment: string): string;
  /** Full sha of the commit `rev` names, or undefined. */
  tryResolveCommit(rev: string): Promise<string | undefined>;
  /** Full sha of the commit `rev` names; BridleError UNKNOWN_COMMIT when it names none. */
  resolveCommit(rev: string): Promise<string>;
  /** Committer date of a commit: a run derives its deterministic commit dates from its base's. UNKNOWN_COMMIT when missing. */
  commitDate(rev: string): Promise<Date>;
  /** First line of a commit's message, or undefined when `rev` names no commit. */
  commitSubject(rev: string): Promise<string | undefined>;
  /** The repository's configured identity, or {@link FALLBACK_IDENTITY} when name or email is missing. */
  identity(): Promise<GitIdentity>;
  /**
   * Stage and commit exactly `paths` (`git commit --only` semantics: whatever else is staged stays staged
   * and out of the commit), without running the user's hooks. Returns the new commit's sha.
   */
  commit(options: CommitOptions): Promise<string>;
}

/** Environment names become folder and branch names: keep them to one plain path segment. */
export function assertEnvironmentName(environment: string): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(environment)) {
    throw new BridleError('INVALID_ARGUMENT', `environment name "${environment}" must be lower-case letters, digits and dashes`);
  }
}

/**
 * Open the git repository that contains `root`. Throws BridleError NOT_A_REPOSITORY (with the fix) when
 * `root` is not inside a git work tree.
 */
export async function openRepository(root: string): Promise<Repository> {
  const absolute = resolve(root);
  const fix = `run "git init" there, or "bridle init" (which creates the repository)`;
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    throw new BridleError('NOT_A_REPOSITORY', `"${absolute}" is not a folder: ${fix}`);
  }
  const probe = createGit(absolute);
  let inside = '';
  try {
    inside = (await probe.raw(['rev-parse', '--is-inside-work-tree'])).trim();
  } catch (error) {
    throw new BridleError('NOT_A_REPOSITORY', `"${absolute}" is not inside a git repository: ${fix}`, { cause: error });
  }
  if (inside !== 'true') throw new BridleError('NOT_A_REPOSITORY', `"${absolute}" is not inside a git work tree: ${fix}`);
  const topLevel = (await probe.raw(['rev-parse', '--show-toplevel'])).trim();
  const prefix = (await probe.raw(['rev-parse', '--show-prefix'])).trim();
  const top = createGit(topLevel);

  let identity: Promise<GitIdentity> | undefined;
  async function readIdentity(): Promise<GitIdentity> {
    // --default makes an unset key print an empty line instead of nothing (see the top of this file).
    const name = (await top.raw(['config', '--default', '', '--get', 'user.name'])).trim();
    const email = (await top.raw(['config', '--default', '', '--get', 'user.email'])).trim();
    return name !== '' && email !== '' ? { name, email } : FALLBACK_IDENTITY;
  }

  async function tryResolveCommit(rev: string): Promise<string | undefined> {
    if (rev.startsWith('-')) return undefined;
    try {
      // Not --quiet: a silent failure would cost simple-git's 50 ms wait (see the top of this file).
      const sha = (await top.raw(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])).trim();
      return sha === '' ? undefined : sha;
    } catch {
      return undefined;
    }
  }

  const repository: Repository = {
    root: absolute,
    topLevel,
    prefix,
    git: (directory) => (directory === undefined ? top : createGit(directory)),
    harnessPath(environment) {
      assertEnvironmentName(environment);
      return `${prefix}harnesses/${environment}`;
    },
    tryResolveCommit,
    async resolveCommit(rev) {
      const sha = await tryResolveCommit(rev);
      if (sha === undefined) throw new BridleError('UNKNOWN_COMMIT', `"${rev}" names no commit in ${topLevel}`);
      return sha;
    },
    async commitDate(rev) {
      const sha = await repository.resolveCommit(rev);
      return new Date(Number((await top.raw(['log', '-1', '--format=%ct', sha, '--'])).trim()) * 1000);
    },
    async commitSubject(rev) {
      const sha = await tryResolveCommit(rev);
      return sha === undefined ? undefined : (await top.raw(['log', '-1', '--format=%s', sha, '--'])).trim();
    },
    identity() {
      identity ??= readIdentity();
      return identity;
    },
    async commit({ directory = topLevel, paths, message, date }) {
      if (paths.length === 0) throw new BridleError('INTERNAL', 'a bridle commit must name the paths it commits');
      const who = await repository.identity();
      const when = gitDate(date);
      const git = createGit(directory, {
        GIT_AUTHOR_NAME: who.name,
        GIT_AUTHOR_EMAIL: who.email,
        GIT_AUTHOR_DATE: when,
        GIT_COMMITTER_NAME: who.name,
        GIT_COMMITTER_EMAIL: who.email,
        GIT_COMMITTER_DATE: when,
      });
      await git.raw(['add', '--all', '--verbose', '--', ...paths]);
      // --cleanup is explicit because a user's commit.cleanup=strip would eat lines of the message.
      await git.raw(['commit', '--no-verify', '--cleanup=whitespace', '-m', message, '--', ...paths]);
      return (await git.raw(['rev-parse', 'HEAD'])).trim();
    },
  };
  return repository;
}
