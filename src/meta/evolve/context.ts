/**
 * The pieces one evolve run works with, and the evaluations it runs (cached per harness content, and
 * recorded under the run folder so review, show and the report can read them later).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment, Split } from '../../contracts/environment.ts';
import type { EnvironmentRef } from '../../environment/reference.ts';
import type { EpisodeExecutor } from '../../agent/executor.ts';
import { evaluatePlan } from '../../agent/evaluate.ts';
import type { Trajectory } from '../../agent/trajectory.ts';
import { openRunLog } from '../../store/runs.ts';
import type { HarnessSource } from '../../store/harness-files.ts';
import { harnessContentHash } from '../../../sandboxes/compile.ts';
import type { Journal } from '../journal.ts';
import type { Engineer, EnvironmentBrief } from '../types.ts';
import type { EngineerFailure } from '../engineers/llm/index.ts';
import type { EvolvePhase, EvolveProgress, ResolvedEvolveOptions } from './options.ts';

/** Checks a candidate harness (type-check, lint, leak scan, compile). */
export interface Checker {
  check(files: HarnessSource['files']): import('../types.ts').CheckResult;
}

/** The run workspace: the run branch checked out in its own worktree. */
export interface Workspace {
  readonly branch: string;
  readonly base: string;
  head(): Promise<string>;
  readHarness(): HarnessSource;
  commitHarness(input: { files: HarnessSource['files']; manifest: HarnessSource['manifest']; message: string; date: Date }): Promise<string>;
  discardChanges(): Promise<void>;
  close(): Promise<void>;
}

export interface EvolveContext {
  options: ResolvedEvolveOptions;
  root: string;
  runId: string;
  directory: string;
  environment: Environment;
  /** The reference workers load the environment from. */
  environmentRef: EnvironmentRef;
  brief: EnvironmentBrief;
  journal: Journal;
  workspace: Workspace;
  executor: EpisodeExecutor;
  checker: Checker;
  engineer: Engineer;
  /** Wall clock, for budgets and timings only. */
  now: () => number;
  startedAt: number;
  progress: (event: EvolveProgress) => void;
  /** Date of the run's base commit: commit dates derive from it, so reruns make identical commits. */
  baseDate: Date;
  cache: Map<string, Trajectory[]>;
  /** Why the engineer's last answers were null (with what they spent), taken by the iteration. */
  engineerFailures: EngineerFailure[];
  /** The harness API source, as engineers read it. */
  apiTypes: string;
}

/** Evaluate a harness (cached by content, backbones, split and trials) and record the trajectories. */
export async function evaluateHarness(
  context: EvolveContext,
  input: { label: string; harness: HarnessSource; backbones: readonly string[]; split: Split; trials: number; iteration: number; phase: EvolvePhase; record?: boolean },
): Promise<Trajectory[]> {
  const key = [harnessContentHash(input.harness.files), input.backbones.join(','), input.split, input.trials].join('|');
  const cached = context.cache.get(key);
  if (cached) {
    if (input.record !== false) recordEvaluation(context, input.label, cached);
    return cached;
  }
  const { trajectories } = await evaluatePlan(
    {
      runId: context.runId,
      environment: context.environment,
      environmentRef: context.environmentRef,
      backbones: input.backbones,
      tasks: { split: input.split },
      trials: input.trials,
      seed: context.options.seed,
      harness: input.harness,
      runner: 'isolate',
      // Workers resolve backbones (sim profiles of bridle.config.ts included) against the run's project.
      backboneOptions: { configRoot: context.root },
      ...(context.options.user === undefined ? {} : { user: context.options.user }),
    },
    context.executor,
    {
      concurrency: Math.max(2, (context.options.workers ?? 2) * 2),
      onProgress: ({ done, total }) => context.progress({ type: 'episodes', iteration: input.iteration, phase: input.phase, done, total }),
    },
  );
  context.cache.set(key, trajectories);
  if (input.record !== false) recordEvaluation(context, input.label, trajectories);
  return trajectories;
}

/** Write an evaluation's trajectories under `evaluations/<label>/` (once per label). */
function recordEvaluation(context: EvolveContext, label: string, trajectories: readonly Trajectory[]): void {
  const directory = join(context.directory, 'evaluations', label);
  if (existsSync(directory)) return;
  mkdirSync(join(context.directory, 'evaluations'), { recursive: true });
  const log = openRunLog(context.root, join(context.runId, 'evaluations', label));
  for (const trajectory of trajectories) log.appendTrajectory(trajectory);
}

/** Success rate per backbone. */
export function scoresOf(trajectories: readonly Trajectory[]): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const backbone of [...new Set(trajectories.map((trajectory) => trajectory.backbone.id))]) {
    const own = trajectories.filter((trajectory) => trajectory.backbone.id === backbone);
    scores[backbone] = own.filter((trajectory) => trajectory.success).length / own.length;
  }
  return scores;
}

export function meanSuccess(trajectories: readonly Trajectory[]): number {
  return trajectories.length === 0 ? 0 : trajectories.filter((trajectory) => trajectory.success).length / trajectories.length;
}

export function elapsedMinutes(context: EvolveContext): number {
  return (context.now() - context.startedAt) / 60_000;
}
