/**
 * Evolve before → after per environment: `evolve()` with the defaults `bridle evolve --env <env>` uses
 * (heuristic engineer, train sim/mixed, held out sim/scatter + sim/rush, 6 iterations, seed 0), run in a
 * scratch clone of the repository's HEAD so that no run branch lands in the user's repository. The
 * numbers are the ones evolve reports for its sealed test split; nothing is recomputed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evolve, type EvolveProgress, type TestComparison } from '../../src/meta/evolve/index.ts';
import { candidateLabel } from '../../src/store/candidates.ts';
import { parseHarnessCommit } from '../../src/store/git/commit-message.ts';
import { BUILTIN_ENVIRONMENTS } from '../../environments/index.ts';

/** One accepted commit of the run. */
export interface AcceptedCommit {
  sha: string;
  subject: string;
  /** Module names the commit adds or changes (or removes, when `pruned`), without `.ts`. */
  modules: string[];
  /** True for a pruning commit (modules removed because the harness does as well without them). */
  pruned: boolean;
}

/** One environment's meta-loop run, as evolve reported it. */
export interface EvolveMeasurement {
  environment: string;
  runId: string;
  stopReason: string;
  iterations: number;
  minutes: number;
  commits: AcceptedCommit[];
  /** Sealed test split, empty harness → final harness, per backbone (evolve's own final evaluation). */
  test: TestComparison[];
  /** Mean over the held-out rows of `test`, as `bridle evolve` prints it. */
  heldoutMean: { before: number; after: number };
}

export interface EvolveSettings {
  /** The repository whose HEAD is cloned. */
  repository: string;
  environment: string;
  /** The bench-data folder, for peer benchmarks. */
  data?: string;
  progress?: (line: string) => void;
}

function git(directory: string, args: string[]): string {
  return execFileSync('git', args, { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Run `body` in a fresh clone of `repository` at its HEAD commit (on a branch), then remove the clone. */
export async function withScratchClone<T>(repository: string, body: (clone: string) => Promise<T>): Promise<T> {
  const head = git(repository, ['rev-parse', 'HEAD']);
  const folder = mkdtempSync(join(tmpdir(), 'bridle-bench-envs-'));
  try {
    const clone = join(folder, 'repository');
    git(folder, ['clone', '--quiet', '--no-checkout', repository, clone]);
    git(clone, ['checkout', '--quiet', '-B', 'bench-envs', head]);
    return await body(clone);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The accepted commits, read back from the clone before it goes (module names come from the trailers). */
function describeCommits(clone: string, commits: readonly { sha: string; subject: string }[]): AcceptedCommit[] {
  return commits.map((commit) => {
    const info = parseHarnessCommit(git(clone, ['log', '-1', '--format=%B', commit.sha]));
    return {
      sha: commit.sha,
      subject: commit.subject,
      modules: (info?.modules ?? []).map((file) => file.replace(/\.ts$/, '')),
      pruned: info?.engineer === 'pruning',
    };
  });
}

/** Progress lines like `bridle evolve` prints when stderr is not a terminal (episode counts left out). */
function evolveProgress(environment: string, progress: (line: string) => void) {
  let last = '';
  return (event: EvolveProgress) => {
    let line: string | undefined;
    if (event.type === 'phase') line = `evolve ${environment}: iteration ${event.iteration} · ${event.phase}${event.candidate ? ` · candidate ${candidateLabel(event.candidate)}` : ''} · ${event.detail}`;
    else if (event.type === 'candidate-result') line = `evolve ${environment}:   candidate ${candidateLabel(event.candidate)}: ${event.accepted ? 'ACCEPTED' : `rejected at ${event.stage}`}: ${event.reason}`;
    else if (event.type === 'commit') line = `evolve ${environment}:   committed ${event.sha.slice(0, 10)} ${event.subject}`;
    if (line === undefined || line === last) return;
    last = line;
    progress(line);
  };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Run the meta-loop on one environment in a scratch clone and report what it reported. */
export async function measureEvolve(settings: EvolveSettings): Promise<EvolveMeasurement> {
  const progress = settings.progress ?? (() => {});
  const data = BUILTIN_ENVIRONMENTS[settings.environment]?.data === undefined ? undefined : settings.data;
  return withScratchClone(settings.repository, async (clone) => {
    progress(`evolve ${settings.environment}: scratch clone ${clone}`);
    const result = await evolve({
      root: clone,
      env: settings.environment,
      ...(data === undefined ? {} : { data }),
      onProgress: evolveProgress(settings.environment, progress),
    });
    const heldout = result.test.filter((row) => row.heldout);
    return {
      environment: settings.environment,
      runId: result.runId,
      stopReason: result.stopReason,
      iterations: result.iterations,
      minutes: result.minutes,
      commits: describeCommits(clone, result.commits),
      test: result.test,
      heldoutMean: { before: mean(heldout.map((row) => row.before)), after: mean(heldout.map((row) => row.after)) },
    };
  });
}
