/**
 * `evaluate(options)`: the library function behind `bridle eval`. Resolves defaults, loads the harness,
 * runs the episodes in worker processes and records the run.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { assertOracleFor, openEnvironment } from '../environment/load.ts';
import { BridleError } from '../errors.ts';
import { DEFAULT_SIM_IDS, resolveBackbone, type BackboneOptions } from '../models/registry.ts';
import { emptyHarness, readHarnessDirectory, type HarnessSource } from '../store/harness-files.ts';
import { createRunId, openRunLog } from '../store/runs.ts';
import { createLocalExecutor, createPoolExecutor } from '../agent/executor.ts';
import { createRunScheduler } from '../models/scheduling.ts';
import type { LaneStats } from '../models/shared/scheduler.ts';
import { budgetStopReason, evaluatePlan, spendOf, type Evaluation, type EvaluationProgress } from '../agent/evaluate.ts';
import type { BackboneSummary } from '../agent/metrics.ts';
import type { Trajectory } from '../agent/trajectory.ts';
import { zodMessage } from './validation.ts';
import { assertConversational } from '../agent/user-simulator.ts';
import { loadConfig } from '../config/index.ts';

export const evaluateOptionsSchema = z
  .object({
    /** Environment name, e.g. "retail", or the path of an environment module (default: `eval.env` in bridle.config.ts). */
    env: z.string().min(1).optional(),
    /** The data folder of a peer benchmark (default: `data` in bridle.config.ts). */
    data: z.string().min(1).optional(),
    /** Backbone ids; default: every simulated profile. */
    backbones: z.array(z.string().min(1)).min(1).optional(),
    /** Task split; default "test". */
    split: z.enum(['train', 'validation', 'test']).optional(),
    /** Explicit task ids (instead of a split). */
    tasks: z.array(z.string()).min(1).optional(),
    /** Trials per task; default 3. */
    trials: z.number().int().min(1).max(100).optional(),
    /** Base seed; default 0. */
    seed: z.number().int().min(0).optional(),
    /** A harness folder, or "none"; default: `harnesses/<env>` when it exists, else none. */
    harness: z.string().min(1).optional(),
    /** Project root holding `.bridle/`; default: the current directory. */
    root: z.string().optional(),
    /** Worker processes; default: one per core. 0 runs in this process (trusted harnesses only). */
    workers: z.number().int().min(0).optional(),
    /** Where hooks run; default "isolate". */
    runner: z.enum(['isolate', 'in-process']).optional(),
    /** Step budget per episode; default: the environment's. */
    maxSteps: z.number().int().min(1).optional(),
    /** Write the run to `.bridle/runs/`; default true. */
    record: z.boolean().optional(),
    /**
     * A real backbone playing the user (default: `eval.user` in bridle.config.ts): the tasks run in the
     * environment's conversational form. Absent: ticket form.
     */
    user: z.string().min(1).optional(),
    /** Provider options for real backbones. */
    backboneOptions: z
      .object({ configRoot: z.string().optional(), noCache: z.boolean().optional(), baseURL: z.string().optional(), simLatencyMs: z.number().int().min(0).optional() })
      .strict()
      .optional(),
    onProgress: z.function().optional(),
  })
  .strict();

export type EvaluateOptions = Omit<z.input<typeof evaluateOptionsSchema>, 'onProgress'> & {
  onProgress?: (progress: EvaluationProgress) => void;
};

export interface EvaluateResult extends Evaluation {
  environment: string;
  split: string;
  trials: number;
  seed: number;
  harness: { label: string; modules: string[] };
  /** The backbone that played the user (conversational form), when one did. */
  user?: string;
  /** True when every backbone is simulated: the numbers are not LLM results. */
  simulated: boolean;
  summaries: BackboneSummary[];
  /** The run folder, when recorded. */
  directory?: string;
  /** What the run's model calls cost (cache hits are free; unknownCost when a price was missing). */
  spend: { tokens: number; costUsd: number; unknownCost: boolean };
  /** Set when a token or cost budget stopped the run before every episode ran. */
  budgetStop?: string;
  /**
   * Model calls per backbone that took a slot of the run's scheduler (real backbones): granted, most in
   * flight at once, 429s and "overloaded" answers (each was retried), endpoint failures, per endpoint.
   */
  calls: LaneStats[];
}

/** "<backbone>: " of the first episode the budget cut short (the scheduler's reasons name no backbone). */
function budgetOwner(trajectories: readonly Trajectory[]): string {
  const cut = trajectories.find((trajectory) => trajectory.end.reason === 'budget-exhausted');
  return cut ? `${cut.backbone.id}: ` : '';
}

/** Where a harness comes from: "none", a folder, or the project's `harnesses/<env>` by default. */
export function resolveHarness(spec: string | undefined, environment: string, root: string): HarnessSource {
  if (spec === 'none') return emptyHarness(environment);
  if (spec !== undefined) return readHarnessDirectory(resolve(root, spec), environment);
  const projectHarness = join(root, 'harnesses', environment);
  return existsSync(projectHarness) ? readHarnessDirectory(projectHarness, environment) : emptyHarness(environment);
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const parsed = evaluateOptionsSchema.safeParse(options);
  if (!parsed.success) throw new BridleError('INVALID_ARGUMENT', `evaluate: ${zodMessage(parsed.error)}`);
  const root = resolve(options.root ?? process.cwd());
  // A flag (option) wins over the config's `eval` section, which wins over the defaults.
  const config = await loadConfig(root);
  const settings = config.eval;
  const env = options.env ?? settings.env;
  if (!env) throw new BridleError('INVALID_ARGUMENT', 'eval: --env <name> is required (or eval.env in bridle.config.ts)');
  const { environment, ref } = await openEnvironment(env, { root, config, ...(options.data === undefined ? {} : { data: options.data }) });
  const backbones = options.backbones ?? settings.backbones ?? DEFAULT_SIM_IDS;
  const backboneOptions: BackboneOptions = { configRoot: root, ...options.backboneOptions };
  // Resolve every backbone up front: an unknown id or a missing key fails before any episode runs.
  const resolved = await Promise.all(backbones.map((id) => resolveBackbone(id, backboneOptions)));
  assertOracleFor(environment, resolved);
  const user = options.user ?? settings.user;
  if (user !== undefined) await assertConversational(environment, user, backboneOptions);
  const harness = resolveHarness(options.harness ?? settings.harness, environment.name, root);
  const split = options.split ?? settings.split ?? 'test';
  const trials = options.trials ?? settings.trials ?? 3;
  const seed = options.seed ?? settings.seed ?? 0;
  const maxSteps = options.maxSteps ?? settings.maxSteps;
  const record = options.record ?? true;
  const runId = createRunId(root, 'eval', environment.name, new Date());
  const log = record ? openRunLog(root, runId) : undefined;
  const workers = options.workers ?? settings.workers ?? availableParallelism();
  // One scheduler for the run: every worker's model calls take their slots here, and the budget holds on calls started.
  const scheduler = createRunScheduler(config, { ...(backboneOptions.baseURL ? { baseURL: backboneOptions.baseURL } : {}), budget: config.budgets });
  const executor = workers === 0 ? createLocalExecutor({ gate: scheduler }) : createPoolExecutor({ size: workers, scheduler });
  const trajectoryStop = budgetStopReason(config.budgets);
  const stopReason = (finished: readonly Trajectory[]) => scheduler.budgetStop() ?? trajectoryStop(finished);
  try {
    const evaluation = await evaluatePlan(
      {
        runId,
        environment,
        environmentRef: ref,
        backbones,
        tasks: options.tasks ? { ids: options.tasks } : { split },
        trials,
        seed,
        harness,
        runner: options.runner ?? 'isolate',
        ...(maxSteps === undefined ? {} : { maxSteps }),
        backboneOptions,
        ...(user === undefined ? {} : { user }),
      },
      executor,
      {
        concurrency: Math.max(1, workers) * 2,
        ...(log ? { log } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        stopReason,
      },
    );
    const planned = backbones.length * trials * (options.tasks?.length ?? environment.tasks.filter((task) => task.split === split).length);
    const cutShort = evaluation.trajectories.filter((trajectory) => trajectory.end.reason === 'budget-exhausted').length;
    const stopped = scheduler.budgetStop() ?? (evaluation.trajectories.length < planned ? trajectoryStop(evaluation.trajectories) : undefined);
    const budgetStop = stopped
      ? `${scheduler.budgetStop() ? budgetOwner(evaluation.trajectories) : ''}${stopped}: ran ${evaluation.trajectories.length - cutShort} of ${planned} episodes${cutShort > 0 ? ` (${cutShort} more stopped when the budget ran out)` : ''}`
      : undefined;
    const result: EvaluateResult = {
      ...evaluation,
      environment: environment.name,
      split: options.tasks ? 'tasks' : split,
      trials,
      seed,
      harness: { label: harness.label, modules: harness.files.map((file) => file.file) },
      ...(user === undefined ? {} : { user }),
      simulated: resolved.every((backbone) => backbone.simulated),
      spend: spendOf(evaluation.trajectories),
      calls: scheduler.stats(),
      ...(budgetStop ? { budgetStop } : {}),
      ...(log ? { directory: log.directory } : {}),
    };
    log?.writeSummary({
      kind: 'eval',
      runId,
      environment: result.environment,
      split: result.split,
      trials,
      seed,
      harness: result.harness,
      simulated: result.simulated,
      summaries: result.summaries,
    });
    return result;
  } finally {
    await executor.close();
  }
}
