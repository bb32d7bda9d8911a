/**
 * Evaluate a harness: tasks × backbones × trials, each episode on its own seed (the same seed for every
 * backbone and harness, so comparisons are paired), trajectories appended to the run log as they finish.
 */
import type { Environment, Split } from '../contracts/environment.ts';
import type { EnvironmentRef } from '../environment/reference.ts';
import { BridleError } from '../errors.ts';
import { seedOf } from '../util/random.ts';
import type { HarnessSource } from '../store/harness-files.ts';
import type { RunLog } from '../store/runs.ts';
import type { BackboneOptions } from '../models/registry.ts';
import type { SandboxLimits } from '../../sandboxes/types.ts';
import type { EpisodeExecutor, EpisodeJob } from './executor.ts';
import { summarize, type BackboneSummary, type EpisodeScore } from './metrics.ts';
import type { Trajectory } from './trajectory.ts';

export interface EvaluationPlan {
  runId: string;
  /** The loaded environment (for its tasks) and the reference workers load it from. */
  environment: Environment;
  environmentRef: EnvironmentRef;
  backbones: readonly string[];
  /** The tasks to run: a split, or explicit task ids. */
  tasks: { split: Split } | { ids: readonly string[] };
  trials: number;
  /** Base seed: episode seeds derive from it, the task and the trial. */
  seed: number;
  harness: HarnessSource;
  runner: 'isolate' | 'in-process';
  maxSteps?: number;
  backboneOptions?: BackboneOptions;
  limits?: Partial<SandboxLimits>;
  /** A backbone playing the user (conversational form); absent: ticket form. */
  user?: string;
}

export interface EvaluationProgress {
  done: number;
  total: number;
  trajectory: Trajectory;
}

export interface Evaluation {
  runId: string;
  trajectories: Trajectory[];
  summaries: BackboneSummary[];
}

/** The seed of one episode: shared across backbones and harnesses so their scores pair up. */
export function episodeSeed(baseSeed: number, taskId: string, trial: number): number {
  return seedOf(baseSeed, taskId, trial);
}

export function selectTasks(environment: Environment, tasks: EvaluationPlan['tasks']): string[] {
  if ('split' in tasks) {
    const ids = environment.tasks.filter((task) => task.split === tasks.split).map((task) => task.id);
    if (ids.length === 0) throw new BridleError('INVALID_ARGUMENT', `environment "${environment.name}" has no ${tasks.split} tasks`);
    return ids;
  }
  const known = new Set(environment.tasks.map((task) => task.id));
  const unknown = tasks.ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new BridleError('INVALID_ARGUMENT', `unknown task ids in "${environment.name}": ${unknown.join(', ')}`);
  return [...tasks.ids];
}

export function planJobs(plan: EvaluationPlan): EpisodeJob[] {
  const taskIds = selectTasks(plan.environment, plan.tasks);
  const jobs: EpisodeJob[] = [];
  for (const backbone of plan.backbones) {
    for (const taskId of taskIds) {
      for (let trial = 0; trial < plan.trials; trial++) {
        jobs.push({
          runId: plan.runId,
          environment: plan.environmentRef,
          taskId,
          seed: episodeSeed(plan.seed, taskId, trial),
          trial,
          backbone,
          harness: { label: plan.harness.label, files: plan.harness.files },
          runner: plan.runner,
          ...(plan.maxSteps === undefined ? {} : { maxSteps: plan.maxSteps }),
          ...(plan.backboneOptions === undefined ? {} : { backboneOptions: plan.backboneOptions }),
          ...(plan.limits === undefined ? {} : { limits: plan.limits }),
          ...(plan.user === undefined ? {} : { user: plan.user }),
        });
      }
    }
  }
  return jobs;
}

export function scoreOf(trajectory: Trajectory): EpisodeScore {
  return {
    backbone: trajectory.backbone.id,
    simulated: trajectory.backbone.simulated,
    taskId: trajectory.taskId,
    trial: trajectory.trial,
    seed: trajectory.seed,
    success: trajectory.success,
    reward: trajectory.verification.reward,
    steps: trajectory.steps.length,
    endReason: trajectory.end.reason,
    violations: trajectory.violations.length,
    tokens: trajectory.usage.inputTokens + trajectory.usage.outputTokens,
    tokensEstimated: trajectory.usage.estimated,
  };
}

/** Run every job, at most `concurrency` at a time (or as many as the executor finds worth it); results come back in job order. */
export async function runJobs(
  jobs: readonly EpisodeJob[],
  executor: EpisodeExecutor,
  options: { concurrency: number; log?: RunLog; onProgress?: (progress: EvaluationProgress) => void; stopReason?: (finished: readonly Trajectory[]) => string | undefined },
): Promise<Trajectory[]> {
  const results: Trajectory[] = new Array(jobs.length);
  const finished: Trajectory[] = [];
  let next = 0;
  let done = 0;
  async function lane(): Promise<void> {
    while (next < jobs.length) {
      // A spent budget stops new episodes; those in flight still land.
      if (options.stopReason?.(finished)) return;
      const index = next++;
      const trajectory = await executor.run(jobs[index]!);
      results[index] = trajectory;
      finished.push(trajectory);
      options.log?.appendTrajectory(trajectory);
      done += 1;
      options.onProgress?.({ done, total: jobs.length, trajectory });
    }
  }
  const concurrency = Math.max(options.concurrency, executor.lanes?.(jobs) ?? 0);
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, lane));
  return results.filter((trajectory) => trajectory !== undefined);
}

/** The run's spend so far, from its trajectories. */
export function spendOf(trajectories: readonly Trajectory[]): { tokens: number; costUsd: number; unknownCost: boolean } {
  return {
    tokens: trajectories.reduce((sum, trajectory) => sum + trajectory.usage.billedTokens, 0),
    costUsd: trajectories.reduce((sum, trajectory) => sum + (trajectory.usage.costUsd ?? 0), 0),
    unknownCost: trajectories.some((trajectory) => trajectory.usage.billedTokens > 0 && trajectory.usage.costUsd === undefined),
  };
}

/** A stop rule for `runJobs` from token and dollar limits. */
export function budgetStopReason(limits: { maxTokens?: number; maxCostUsd?: number }) {
  return (finished: readonly Trajectory[]): string | undefined => {
    const spend = spendOf(finished);
    if (limits.maxTokens !== undefined && spend.tokens >= limits.maxTokens) return `token budget spent (${spend.tokens} >= ${limits.maxTokens})`;
    if (limits.maxCostUsd !== undefined && spend.costUsd >= limits.maxCostUsd) return `cost budget spent ($${spend.costUsd.toFixed(2)} >= $${limits.maxCostUsd})`;
    return undefined;
  };
}

export async function evaluatePlan(
  plan: EvaluationPlan,
  executor: EpisodeExecutor,
  options: { concurrency: number; log?: RunLog; onProgress?: (progress: EvaluationProgress) => void; stopReason?: (finished: readonly Trajectory[]) => string | undefined },
): Promise<Evaluation> {
  const trajectories = await runJobs(planJobs(plan), executor, options);
  return { runId: plan.runId, trajectories, summaries: summarize(trajectories.map(scoreOf)) };
}
