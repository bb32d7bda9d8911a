/**
 * Raw score bands: per built-in environment, every simulated profile with no harness on the test split,
 * through `evaluate()` with the worker pool `bridle eval` uses by default, so that each cell equals
 * `bridle eval --env <env> --harness none --split test --trials 3 --seed 0`.
 */
import { evaluate } from '../../src/api/evaluate.ts';
import { DEFAULT_SIM_IDS } from '../../src/models/registry.ts';
import { BridleError } from '../../src/errors.ts';
import { BUILTIN_ENVIRONMENTS } from '../../environments/index.ts';

/** The band a raw simulated profile should land in on a useful environment (README, "simulated backbones"). */
export const BAND = { low: 0.1, high: 0.6 } as const;

/** What to measure. Everything but `root` and `environments` has the bench's default. */
export interface BandsSettings {
  /** Project root handed to `evaluate` (its bridle.config.ts, if any, applies as it does to the CLI). */
  root: string;
  /** Built-in environment names. */
  environments: readonly string[];
  /** The bench-data folder for peer benchmarks; those are skipped without it. */
  data?: string;
  /** Backbones (default: every default simulated profile). */
  backbones?: readonly string[];
  /** Trials per task (default 3). */
  trials?: number;
  /** Only the first N test tasks of each environment (tests; the bench runs the whole split). */
  tasksPerEnvironment?: number;
  /** Worker processes (default: evaluate's, one per core, as the CLI). 0 runs in this process. */
  workers?: number;
  /** Progress lines (stderr in the script). */
  progress?: (line: string) => void;
}

/** One simulated profile on one environment. */
export interface ProfileBand {
  backbone: string;
  /** Always true here: these are simulated backbones, not LLMs. */
  simulated: boolean;
  /** Share of successful episodes, in [0, 1]. */
  successRate: number;
  /** Share of tasks passed in every trial. */
  passHatK: number;
  /** Mean reward (above the success rate where the environment gives partial credit). */
  meanReward: number;
  meanSteps: number;
  episodes: number;
  /** True when the success rate is outside the 10–60% band. */
  outsideBand: boolean;
}

/** One environment's row of measurements. */
export interface EnvironmentBands {
  environment: string;
  tasks: number;
  trials: number;
  /** Wall time of the whole evaluation (every profile), worker start-up included. */
  wallSeconds: number;
  profiles: ProfileBand[];
}

/** An environment that was not measured, and why (one line). */
export interface SkippedEnvironment {
  environment: string;
  reason: string;
}

export interface BandsResult {
  split: 'test';
  trials: number;
  seed: number;
  harness: 'none';
  backbones: string[];
  environments: EnvironmentBands[];
  skipped: SkippedEnvironment[];
}

const SEED = 0;

export function outsideBand(rate: number): boolean {
  return rate < BAND.low || rate > BAND.high;
}

/** The first `limit` test task ids of an environment, for a quick run. */
async function firstTestTasks(environment: string, data: string | undefined, limit: number): Promise<string[]> {
  const built = await BUILTIN_ENVIRONMENTS[environment]!.create(data === undefined ? {} : { data });
  return built.tasks.filter((task) => task.split === 'test').slice(0, limit).map((task) => task.id);
}

/** Reports every quarter of the episodes, so a long environment shows it is alive without flooding stderr. */
function quarterly(environment: string, progress: (line: string) => void) {
  let reported = 0;
  return ({ done, total }: { done: number; total: number }) => {
    const quarter = Math.floor((done / total) * 4);
    if (quarter <= reported || done === total) return;
    reported = quarter;
    progress(`bands ${environment}: ${done}/${total} episodes`);
  };
}

async function measureEnvironment(environment: string, settings: BandsSettings, backbones: string[], trials: number): Promise<EnvironmentBands> {
  const needsData = BUILTIN_ENVIRONMENTS[environment]!.data !== undefined;
  const data = needsData ? settings.data : undefined;
  const tasks = settings.tasksPerEnvironment === undefined ? undefined : await firstTestTasks(environment, data, settings.tasksPerEnvironment);
  const progress = settings.progress ?? (() => {});
  const started = performance.now();
  const result = await evaluate({
    root: settings.root,
    env: environment,
    ...(data === undefined ? {} : { data }),
    backbones,
    harness: 'none',
    ...(tasks === undefined ? { split: 'test' as const } : { tasks }),
    trials,
    seed: SEED,
    record: false,
    ...(settings.workers === undefined ? {} : { workers: settings.workers }),
    onProgress: quarterly(environment, progress),
  });
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    environment,
    tasks: result.summaries[0]?.tasks ?? 0,
    trials,
    wallSeconds,
    profiles: result.summaries.map((summary) => ({
      backbone: summary.backbone,
      simulated: summary.simulated,
      successRate: summary.successRate,
      passHatK: summary.passHatK,
      meanReward: summary.meanReward,
      meanSteps: summary.meanSteps,
      episodes: summary.episodes,
      outsideBand: outsideBand(summary.successRate),
    })),
  };
}

/** Measure every environment in turn (one at a time: the machine is shared). */
export async function measureBands(settings: BandsSettings): Promise<BandsResult> {
  const backbones = [...(settings.backbones ?? DEFAULT_SIM_IDS)];
  const trials = settings.trials ?? 3;
  const progress = settings.progress ?? (() => {});
  const environments: EnvironmentBands[] = [];
  const skipped: SkippedEnvironment[] = [];
  for (const [index, environment] of settings.environments.entries()) {
    const needsData = BUILTIN_ENVIRONMENTS[environment]?.data !== undefined;
    if (needsData && settings.data === undefined) {
      skipped.push({ environment, reason: 'no data folder (no shared/bench-data above the repository; pass --data <dir>)' });
      continue;
    }
    progress(`bands ${environment} (${index + 1}/${settings.environments.length}): ${backbones.length} simulated profiles, no harness, test split, ${trials} trials`);
    try {
      const measured = await measureEnvironment(environment, settings, backbones, trials);
      progress(`bands ${environment}: done in ${measured.wallSeconds.toFixed(1)} s`);
      environments.push(measured);
    } catch (error) {
      // A data folder without this benchmark's part is a skip, said in one line; anything else is a bug.
      if (!needsData || !BridleError.isInstance(error)) throw error;
      skipped.push({ environment, reason: error.message });
    }
  }
  return { split: 'test', trials, seed: SEED, harness: 'none', backbones, environments, skipped };
}
