/**
 * Reading what runs left in git: run branches, a run's commits with their parsed messages, and harnesses
 * read from git objects (never from a working tree, so an edited or half-written file cannot pass for a
 * committed one).
 */
import { posix } from 'node:path';
import { BridleError } from '../../errors.ts';
import { HARNESS_MANIFEST, parseManifest, type HarnessManifest, type HarnessSource } from '../harness-files.ts';
import { TRAILERS, parseHarnessCommit, parseTrailers, type HarnessCommitInfo } from './commit-message.ts';
import { candidateLabel } from '../candidates.ts';
import { assertEnvironmentName, openRepository, type Repository } from './repository.ts';

const BRANCH_PREFIX = 'bridle/';

/** Run ids become branch and folder names; `createRunId` makes ids that pass. */
export function assertRunId(runId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId) || runId.includes('..') || runId.endsWith('.lock') || runId.endsWith('.')) {
    throw new BridleError('INVALID_ARGUMENT', `run id "${runId}" must be letters, digits, ".", "_" and "-"`);
  }
}

/** The branch a run commits to: `bridle/<environment>/<run-id>`. */
export function runBranchName(environment: string, runId: string): string {
  assertEnvironmentName(environment);
  assertRunId(runId);
  return `${BRANCH_PREFIX}${environment}/${runId}`;
}

/** A run branch. */
export interface RunBranch {
  /** Short branch name, `bridle/<environment>/<run-id>`. */
  branch: string;
  /** Environment the run evolved. */
  environment: string;
  /** The run's id. */
  runId: string;
  /** The commit the branch points at. */
  head: string;
}

/** The environment and run id of a run branch name, or undefined for any other name. */
export function parseRunBranch(branch: string): { environment: string; runId: string } | undefined {
  const match = /^(?:refs\/heads\/)?bridle\/([^/]+)\/([^/]+)$/.exec(branch);
  return match ? { environment: match[1]!, runId: match[2]! } : undefined;
}

/** One commit of a run. */
export interface RunCommit {
  /** Full sha. */
  sha: string;
  /** Author date, ISO 8601. */
  date: string;
  /** First line of the message. */
  subject: string;
  /** The whole message. */
  message: string;
  /** The parsed message; undefined when the commit is not a well-formed harness commit. */
  info: HarnessCommitInfo | undefined;
}

/** All run branches (`bridle/<env>/<run-id>`), sorted by name. */
export async function listRunBranches(root: string): Promise<RunBranch[]> {
  const repository = await openRepository(root);
  const output = await repository.git().raw(['for-each-ref', '--format=%(refname:short)%00%(objectname)', `refs/heads/${BRANCH_PREFIX}`]);
  const branches: RunBranch[] = [];
  for (const line of output.split('\n')) {
    const [branch, head] = line.split('\0');
    const parsed = branch === undefined ? undefined : parseRunBranch(branch);
    if (parsed && head) branches.push({ branch: branch!, head, ...parsed });
  }
  return branches.sort((left, right) => (left.branch < right.branch ? -1 : left.branch > right.branch ? 1 : 0));
}

/** Whether a message carries `Bridle-Run: <runId>`: what makes a commit part of a run. */
function belongsToRun(message: string, runId: string): boolean {
  return parseTrailers(message).get(TRAILERS.run) === runId;
}

const FIELD = '\x1f';
const RECORD = '\x1e';
const WALK_BATCH = 200;

/**
 * Walk a run branch back from `head` along first parents while commits carry the run's trailer. The run's
 * base is where the walk stops. Derived from git alone, so it survives a lost journal and a fresh clone.
 */
export async function walkRun(
  repository: Repository,
  head: string,
  runId: string,
): Promise<{ base: string; commits: RunCommit[] }> {
  const newestFirst: RunCommit[] = [];
  let rev = head;
  for (;;) {
    const output = await repository
      .git()
      .raw(['log', '--first-parent', `--max-count=${WALK_BATCH}`, `--format=%H${FIELD}%P${FIELD}%aI${FIELD}%B${RECORD}`, rev, '--']);
    const records = output.split(RECORD).map((record) => record.replace(/^\n/, '')).filter((record) => record !== '');
    let parent: string | undefined;
    for (const record of records) {
      const [sha = '', parents = '', date = '', ...rest] = record.split(FIELD);
      const message = rest.join(FIELD);
      if (!belongsToRun(message, runId)) return { base: sha, commits: newestFirst.reverse() };
      const body = message.replace(/\n+$/, '');
      newestFirst.push({ sha, date, subject: body.split('\n')[0] ?? '', message: body, info: parseHarnessCommit(body) });
      parent = parents.split(' ')[0];
    }
    if (!parent) throw new BridleError('INTERNAL', `run "${runId}" has no base commit: its first commit is a root commit`);
    rev = parent;
  }
}

async function resolveRunBranch(repository: Repository, branch: string): Promise<{ head: string; runId: string }> {
  const parsed = parseRunBranch(branch);
  if (!parsed) throw new BridleError('INVALID_ARGUMENT', `"${branch}" is not a run branch (bridle/<env>/<run-id>)`);
  const head = await repository.tryResolveCommit(`refs/heads/${BRANCH_PREFIX}${parsed.environment}/${parsed.runId}`);
  if (head === undefined) throw new BridleError('UNKNOWN_RUN', `no branch "${branch}" in ${repository.topLevel}`);
  return { head, runId: parsed.runId };
}

/** A run's commits from its base to its head, oldest first. BridleError UNKNOWN_RUN when the branch is missing. */
export async function listRunCommits(root: string, branch: string): Promise<RunCommit[]> {
  const repository = await openRepository(root);
  const { head, runId } = await resolveRunBranch(repository, branch);
  return (await walkRun(repository, head, runId)).commits;
}

/**
 * The commit a run made for one candidate, by its trailers, or undefined. Resume asks this to learn
 * whether a candidate's commit landed before a crash.
 */
export async function findCommitForCandidate(
  root: string,
  branch: string,
  runId: string,
  candidate: number,
): Promise<RunCommit | undefined> {
  const wanted = candidateLabel(candidate);
  return (await listRunCommits(root, branch)).find((commit) => {
    const trailers = parseTrailers(commit.message);
    return trailers.get(TRAILERS.run) === runId && trailers.get(TRAILERS.candidate) === wanted;
  });
}

/** One blob of a tree listing. */
interface TreeEntry {
  type: string;
  name: string;
}

async function listFolder(repository: Repository, commit: string, folder: string): Promise<TreeEntry[] | undefined> {
  const output = await repository.git().raw(['ls-tree', '-z', commit, '--', `${folder}/`]);
  if (output === '') return undefined;
  return output
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [meta = '', path = ''] = entry.split('\t');
      return { type: meta.split(' ')[1] ?? '', name: posix.basename(path) };
    });
}

/**
 * Read `harnesses/<environment>` from git objects at `rev`, with the same rules as `readHarnessDirectory`
 * (no manifest: the `.ts` files in name order).
 */
export async function readHarnessObjects(repository: Repository, rev: string, environment: string): Promise<HarnessSource> {
  const commit = await repository.resolveCommit(rev);
  const folder = repository.harnessPath(environment);
  const label = `${commit}:${folder}`;
  const entries = await listFolder(repository, commit, folder);
  if (entries === undefined) {
    throw new BridleError('HARNESS_INVALID', `there is no ${folder}/ at ${rev} (${commit.slice(0, 12)})`);
  }
  const blobs = new Set(entries.filter((entry) => entry.type === 'blob').map((entry) => entry.name));
  const show = (file: string) => repository.git().raw(['cat-file', 'blob', `${commit}:${folder}/${file}`]);
  const manifest: HarnessManifest = blobs.has(HARNESS_MANIFEST)
    ? parseManifest(await show(HARNESS_MANIFEST), `${label}/${HARNESS_MANIFEST}`)
    : { apiVersion: 1, environment, modules: [...blobs].filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts')).sort() };
  if (manifest.environment !== environment) {
    throw new BridleError('HARNESS_INVALID', `${label} is a harness for environment "${manifest.environment}", not "${environment}"`);
  }
  const files = [];
  for (const file of manifest.modules) {
    if (!blobs.has(file)) throw new BridleError('HARNESS_INVALID', `${label}/${HARNESS_MANIFEST} lists "${file}" but the file is missing`);
    files.push({ file, source: await show(file) });
  }
  return { label, manifest, files };
}

/**
 * The harness of `environment` as committed at `rev` (a sha, branch, tag or any revision git accepts).
 * BridleError UNKNOWN_COMMIT when `rev` names no commit, HARNESS_INVALID when the harness is absent or broken.
 */
export async function readHarnessAt(root: string, rev: string, environment: string): Promise<HarnessSource> {
  return readHarnessObjects(await openRepository(root), rev, environment);
}

/**
 * The git tree hash of `harnesses/<environment>` at `rev`: equal hashes mean byte-identical harness
 * folders, which is how two runs with the same seed are checked for determinism.
 */
export async function harnessTreeHash(root: string, rev: string, environment: string): Promise<string> {
  const repository = await openRepository(root);
  const commit = await repository.resolveCommit(rev);
  const folder = repository.harnessPath(environment);
  const tree = await repository
    .git()
    .raw(['rev-parse', '--verify', `${commit}:${folder}`])
    .then((output) => output.trim())
    .catch(() => '');
  if (tree === '') throw new BridleError('HARNESS_INVALID', `there is no ${folder}/ at ${rev} (${commit.slice(0, 12)})`);
  return tree;
}
