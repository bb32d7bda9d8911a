/**
 * `bridle show <commit>`: one accepted harness change as a reviewer reads it: the diff of the harness
 * folder, the held-out score table of its message, and one validation episode it fixed, before and
 * after. The episode comes from the run folder (`candidates/NNN/changed-pairs.jsonl`), found through
 * the commit's `Bridle-Run` and `Bridle-Candidate` trailers; it exists only where the run ran.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Trajectory } from '../agent/trajectory.ts';
import { BridleError } from '../errors.ts';
import { CHANGED_PAIRS_FILE, candidateDirectory, candidateLabel, readChangedPairs, type ChangedPair } from '../store/candidates.ts';
import { parseHarnessCommit, type HarnessCommitInfo } from '../store/git/commit-message.ts';
import { openRepository } from '../store/git/repository.ts';
import { runDirectory } from '../store/runs.ts';

/** A validation episode the change fixed, and how many the change flipped either way. */
export interface FixedEpisode {
  before: Trajectory;
  after: Trajectory;
  /** Episodes the change turned from fail to pass. */
  fixed: number;
  /** Episodes the change turned from pass to fail. */
  broken: number;
  /** The file the pair was read from, relative to the project root. */
  source: string;
}

/** Everything `bridle show` prints. */
export interface ShownCommit {
  sha: string;
  /** First parent, or undefined for a root commit. */
  parent: string | undefined;
  subject: string;
  /** Author date, ISO 8601. */
  date: string;
  author: string;
  info: HarnessCommitInfo;
  /** The held-out score table exactly as the commit message has it (heading, one row per backbone, mean). */
  table: string;
  /** `harnesses/<env>` relative to the top level: the folder the diff covers. */
  harnessPath: string;
  /** `git diff --stat` of the harness folder. */
  stat: string;
  /** The patch of the harness folder, parent → commit. */
  diff: string;
  /** One episode the change fixed, or undefined (then `unavailable` says why). */
  fixed: FixedEpisode | undefined;
  unavailable: string | undefined;
}

const FIELD = '\x1f';

/** The score table paragraph of a harness commit message: the one right before the trailers. */
function tableOf(message: string): string {
  const paragraphs = message.replace(/\r\n?/g, '\n').trim().split(/\n\s*\n/);
  return paragraphs[paragraphs.length - 2] ?? '';
}

/** Steps in which a module of this change answered: the pair that shows the change at work. */
function showsModule(trajectory: Trajectory, modules: readonly string[]): boolean {
  const names = new Set(modules.map((file) => file.replace(/\.ts$/, '')));
  return trajectory.steps.some((step) => step.fired.some((entry) => entry.modules.some((module) => names.has(module))));
}

/**
 * Pick the episode to show: a fixed one where the change's module visibly fired, shortest first (it
 * fits a screen), in file order on ties, so the same commit always shows the same episode.
 */
function pickFixed(root: string, info: HarnessCommitInfo): { fixed: FixedEpisode | undefined; unavailable: string | undefined } {
  const folder = runDirectory(root, info.runId);
  const label = candidateLabel(info.candidate);
  const path = join(candidateDirectory(folder, info.candidate), CHANGED_PAIRS_FILE);
  if (!existsSync(folder)) {
    return { fixed: undefined, unavailable: `the run folder .bridle/runs/${info.runId} is not on this machine (trajectories stay where the run ran)` };
  }
  if (!existsSync(path)) return { fixed: undefined, unavailable: `candidate ${label} of run ${info.runId} kept no changed episodes (${relative(root, path)} is missing)` };
  let pairs: ChangedPair[];
  try {
    pairs = readChangedPairs(folder, info.candidate);
  } catch (error) {
    return { fixed: undefined, unavailable: `${relative(root, path)} cannot be read (${error instanceof Error ? error.message : String(error)})` };
  }
  const fixedPairs = pairs.filter((pair) => pair.fixed);
  const broken = pairs.length - fixedPairs.length;
  if (fixedPairs.length === 0) {
    return { fixed: undefined, unavailable: `no validation episode went from fail to pass with this change (${broken} went the other way)` };
  }
  const length = (pair: (typeof pairs)[number]) => Math.max(pair.before.steps.length, pair.after.steps.length);
  const ranked = fixedPairs
    .map((pair, order) => ({ pair, order, fired: showsModule(pair.after, info.modules) }))
    .sort((left, right) => Number(right.fired) - Number(left.fired) || length(left.pair) - length(right.pair) || left.order - right.order);
  const chosen = ranked[0]!.pair;
  return {
    fixed: { before: chosen.before, after: chosen.after, fixed: fixedPairs.length, broken, source: relative(root, path) },
    unavailable: undefined,
  };
}

/**
 * Describe one harness commit. `rev` is anything git accepts (a sha prefix, `branch~2`, a tag).
 * BridleError UNKNOWN_COMMIT when it names no commit, INVALID_ARGUMENT when the commit is not a bridle
 * harness commit (no parsable message: use `git show`).
 */
export async function showCommit(rev: string, options: { root?: string } = {}): Promise<ShownCommit> {
  const repository = await openRepository(resolve(options.root ?? process.cwd()));
  const sha = await repository.resolveCommit(rev);
  const git = repository.git();
  const [, parents = '', date = '', author = '', ...rest] = (await git.raw(['log', '-1', `--format=%H${FIELD}%P${FIELD}%aI${FIELD}%an${FIELD}%B`, sha, '--'])).split(FIELD);
  const message = rest.join(FIELD).replace(/\n+$/, '');
  const info = parseHarnessCommit(message);
  if (!info) throw new BridleError('INVALID_ARGUMENT', `"${rev}" (${sha.slice(0, 10)}) is not a bridle harness commit: use "git show ${sha.slice(0, 10)}"`);
  const harnessPath = repository.harnessPath(info.environment);
  const show = (format: string[]) => git.raw(['show', '--no-color', '--no-ext-diff', '--format=', '-M', ...format, sha, '--', harnessPath]);
  const stat = (await show(['--stat=100'])).replace(/^\n+|\n+$/g, '');
  const diff = (await show(['--patch'])).replace(/^\n+|\n+$/g, '');
  return {
    sha,
    parent: parents.split(' ').find((parent) => parent !== ''),
    subject: message.split('\n')[0] ?? '',
    date,
    author,
    info,
    table: tableOf(message),
    harnessPath,
    stat,
    diff,
    ...pickFixed(repository.root, info),
  };
}
