/**
 * Temporary git repositories for the store tests. Assertions run plain `git` (not the code under test)
 * so they check what a user would see with `git log`, `git status` and `ls`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { HarnessCommitInfo } from '../../src/store/git/commit-message.ts';

const made: string[] = [];

/** A fresh folder under the OS temp dir, removed by {@link removeTemporaryFolders}. */
export function temporaryFolder(prefix = 'bridle-git-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  made.push(folder);
  return folder;
}

export function removeTemporaryFolders(): void {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/**
 * Point HOME at an empty folder so the machine's global git config (identity, hooks, signing) cannot leak
 * into the tests; vitest runs each test file in its own process, so this stays local to the file.
 */
export function isolateGitConfig(): void {
  const home = temporaryFolder('bridle-home-');
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = join(home, '.config');
}

/** The identity the tests' own "user" commits are made with. */
export const USER = { name: 'Ada User', email: 'ada@example.com' };

/** Run git as the test's user in `cwd` and return stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: USER.name,
      GIT_AUTHOR_EMAIL: USER.email,
      GIT_COMMITTER_NAME: USER.name,
      GIT_COMMITTER_EMAIL: USER.email,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function writeFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** A user's repository with one commit (README, src/app.ts) on `main`. */
export function userRepository(): string {
  const root = temporaryFolder();
  git(root, 'init', '--quiet');
  writeFile(join(root, 'README.md'), '# app\n');
  writeFile(join(root, 'src', 'app.ts'), 'export const app = 1;\n');
  git(root, 'add', '.');
  git(root, 'commit', '--quiet', '-m', 'first');
  return root;
}

/** Everything about the user's checkout that bridle must leave alone. */
export function checkoutState(root: string): { branch: string; head: string; index: string; status: string } {
  return {
    branch: git(root, 'symbolic-ref', 'HEAD').trim(),
    head: git(root, 'rev-parse', 'HEAD').trim(),
    index: git(root, 'ls-files', '--stage'),
    status: git(root, 'status', '--porcelain=v1', '--untracked-files=all'),
  };
}

/** A module file that is valid TypeScript for the harness API. */
export function moduleSource(name: string, why: string): string {
  return `import { defineModule } from 'bridle/harness';\n\nexport default defineModule({\n  name: '${name}',\n  why: '${why}',\n});\n`;
}

/** A complete commit description, as the meta-loop would fill it. */
export function commitInfo(overrides: Partial<HarnessCommitInfo> = {}): HarnessCommitInfo {
  return {
    environment: 'retail',
    module: 'normalize-order-ids.ts',
    group: { signature: 'env-error:get_order:not-found', title: 'get_order fails on order ids without their prefix' },
    summary: 'Adds a realize step that restores the "#W" prefix of order ids, driven by the tool schemas.',
    engineer: 'heuristic',
    runId: 'evolve-retail-20250101-000000',
    candidate: 3,
    heldout: [
      { backbone: 'sim/slip', simulated: true, before: 0.417, after: 0.625, low: 12.5, high: 29.2 },
      { backbone: 'sim/drift', simulated: true, before: 0.5, after: 0.583, low: 0, high: 16.7 },
    ],
    delta: 14.6,
    interval: [8.3, 20.8],
    validation: { tasks: 24, trials: 3 },
    modules: ['normalize-order-ids.ts'],
    ...overrides,
  };
}
