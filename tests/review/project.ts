/**
 * One offline evolve run shared by the review tests, and cheap copies of its project so each test can
 * adopt, revert, pin and tamper on its own. Copies keep the run folder (`.bridle/runs`), which `show`
 * reads, and the run branch, which everything else reads.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';

/** The bridle checkout: scripts run from here so `--import tsx` resolves. */
export const BRIDLE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const made: string[] = [];

/** An empty HOME and no system config: the machine's git identity and settings cannot leak in. */
function isolatedEnvironment(): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'bridle-review-home-'));
  made.push(home);
  return { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1' };
}

/** The environment every CLI call and git call of these tests runs with. */
export const ENV = isolatedEnvironment();

/** The user's own commits in the tests have a name; bridle's fall back to its own identity. */
const USER = { GIT_AUTHOR_NAME: 'Ada User', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada User', GIT_COMMITTER_EMAIL: 'ada@example.com' };

/** Run git in `cwd` as the test's user and return trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...ENV, ...USER }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The real `bridle` command in `cwd`. */
export function bridle(cwd: string, ...args: string[]) {
  return runCli(args, cwd, ENV);
}

/** The evolve run every test starts from. */
export interface EvolvedProject {
  root: string;
  runId: string;
  branch: string;
  /** The run's commits, oldest first. */
  commits: string[];
  /** The commit the run started from (the init commit). */
  base: string;
}

/** `bridle init` and one short offline evolve (about 10 s). */
export function evolveProject(): EvolvedProject {
  const root = mkdtempSync(join(tmpdir(), 'bridle-review-'));
  made.push(root);
  const init = bridle(root, 'init', '--env', 'retail');
  if (init.code !== 0) throw new Error(`bridle init failed: ${init.stderr}`);
  const base = git(root, 'rev-parse', 'HEAD');
  // Three validation trials: the policy guard's gain is within noise on one (two commits are needed below).
  const evolve = bridle(root, 'evolve', '--env', 'retail', '--iterations', '2', '--trials', '3', '--train-trials', '3', '--no-pruning', '--json');
  if (evolve.code !== 0) throw new Error(`bridle evolve failed: ${evolve.stderr}`);
  const result = JSON.parse(evolve.stdout) as { runId: string; branch: string; commits: { sha: string }[] };
  return { root, runId: result.runId, branch: result.branch, commits: result.commits.map((commit) => commit.sha), base };
}

/** A copy of the project (repository, run branch and run folder) to change freely. */
export function copyProject(project: EvolvedProject): string {
  const copy = mkdtempSync(join(tmpdir(), 'bridle-review-copy-'));
  made.push(copy);
  cpSync(project.root, copy, { recursive: true });
  return copy;
}

/** Run a TypeScript script with tsx from the bridle checkout, with or without `--no-node-snapshot`. */
export function runScript(script: string, args: string[], options: { snapshotOff: boolean }) {
  const flags = options.snapshotOff ? ['--no-node-snapshot'] : [];
  const result = spawnSync(process.execPath, [...flags, '--import', 'tsx', script, ...args], {
    cwd: BRIDLE_ROOT,
    encoding: 'utf8',
    // NODE_OPTIONS cleared so only the flag passed here decides.
    env: { ...process.env, ...ENV, NODE_OPTIONS: '' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function removeProjects(): void {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
}
