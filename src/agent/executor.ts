/**
 * Where episodes run. The local executor runs them in this process; the pool executor runs them in
 * worker child processes (DESIGN.md §3: an out-of-memory isolate can abort its process, so evaluation
 * never hosts untrusted isolates in the process that drives it). Both give identical trajectories.
 */
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import type { Environment } from '../contracts/environment.ts';
import type { Backbone } from '../contracts/backbone.ts';
import type { CompiledHarness, HarnessRunner, SandboxLimits } from '../../sandboxes/types.ts';
import { compileHarness, harnessContentHash } from '../../sandboxes/compile.ts';
import { createIsolateRunner } from '../../sandboxes/isolate-runner.ts';
import { createInProcessRunner } from '../../sandboxes/in-process-runner.ts';
import { createWorkerPool } from '../../sandboxes/worker-pool.ts';
import { loadEnvironment } from '../environment/load.ts';
import { environmentKey, type EnvironmentRef } from '../environment/reference.ts';
import { resolveBackbone, type BackboneOptions } from '../models/registry.ts';
import type { HarnessFile } from '../store/harness-files.ts';
import { runEpisode } from './episode.ts';
import { TRAJECTORY_VERSION, type Trajectory } from './trajectory.ts';

/** One episode to run, as plain JSON (it crosses into worker processes). */
export interface EpisodeJob {
  runId: string;
  /** The environment, as a reference a worker process can load. */
  environment: EnvironmentRef;
  taskId: string;
  seed: number;
  trial: number;
  backbone: string;
  harness: { label: string; files: HarnessFile[] };
  runner: 'isolate' | 'in-process';
  maxSteps?: number;
  backboneOptions?: BackboneOptions;
  limits?: Partial<SandboxLimits>;
  /** A backbone playing the user: the episode runs in the environment's conversational form. */
  user?: string;
}

export interface EpisodeExecutor {
  run(job: EpisodeJob): Promise<Trajectory>;
  close(): Promise<void>;
}

/** Environments by reference, each loaded once. */
function environmentCache(): (ref: EnvironmentRef) => Promise<Environment> {
  const environments = new Map<string, Promise<Environment>>();
  return (ref) => {
    const key = environmentKey(ref);
    let environment = environments.get(key);
    if (!environment) {
      environment = loadEnvironment(ref);
      environments.set(key, environment);
    }
    return environment;
  };
}

/** Runs episodes in this process, reusing environments, backbones, compiled harnesses and runners. */
export function createLocalExecutor(): EpisodeExecutor {
  const environmentFor = environmentCache();
  const backbones = new Map<string, Promise<Backbone>>();
  const compiled = new Map<string, CompiledHarness>();
  const runners = new Map<string, HarnessRunner>();


  function backboneFor(job: EpisodeJob, id = job.backbone): Promise<Backbone> {
    const key = `${id}\u0000${JSON.stringify(job.backboneOptions ?? {})}`;
    let backbone = backbones.get(key);
    if (!backbone) {
      backbone = resolveBackbone(id, job.backboneOptions);
      backbones.set(key, backbone);
    }
    return backbone;
  }

  function harnessFor(job: EpisodeJob): CompiledHarness {
    const key = JSON.stringify(job.harness.files);
    let harness = compiled.get(key);
    if (!harness) {
      harness = compileHarness(job.harness.files);
      compiled.set(key, harness);
    }
    return harness;
  }

  function runnerFor(job: EpisodeJob): HarnessRunner {
    const key = `${job.runner}:${JSON.stringify(job.limits ?? {})}`;
    let runner = runners.get(key);
    if (!runner) {
      runner = job.runner === 'isolate' ? createIsolateRunner(job.limits) : createInProcessRunner();
      runners.set(key, runner);
    }
    return runner;
  }

  return {
    async run(job) {
      const harness = harnessFor(job);
      return runEpisode({
        runId: job.runId,
        environment: await environmentFor(job.environment),
        taskId: job.taskId,
        seed: job.seed,
        trial: job.trial,
        backbone: await backboneFor(job),
        harness: { label: job.harness.label, compiled: harness },
        runner: harness.modules.length === 0 ? null : runnerFor(job),
        ...(job.maxSteps === undefined ? {} : { maxSteps: job.maxSteps }),
        ...(job.user === undefined ? {} : { user: await backboneFor(job, job.user) }),
      });
    },
    async close() {
      await Promise.all([...runners.values()].map((runner) => runner.dispose()));
      runners.clear();
    },
  };
}

const WORKER_MODULE = fileURLToPath(new URL('./episode-worker.ts', import.meta.url));

/** Runs episodes in a pool of worker processes; a crashed worker becomes a recorded violation. */
export function createPoolExecutor(options: { size?: number } = {}): EpisodeExecutor {
  const environmentOf = environmentCache();
  const pool = createWorkerPool<EpisodeJob, Trajectory>({
    module: WORKER_MODULE,
    size: options.size ?? availableParallelism(),
    onCrash: async (job) => crashTrajectory(job, await environmentOf(job.environment)),
  });
  return {
    run: (job) => pool.run(job),
    close: () => pool.close(),
  };
}

/** The record of an episode whose worker process died: a failed episode with a worker-crash violation. */
export function crashTrajectory(job: EpisodeJob, environment: Environment): Trajectory {
  const task = environment.tasks.find((candidate) => candidate.id === job.taskId);
  const message = 'the worker process running this episode died (likely the isolate ran out of memory)';
  return {
    version: TRAJECTORY_VERSION,
    runId: job.runId,
    environment: job.environment.name,
    taskId: job.taskId,
    split: task?.split ?? 'test',
    trial: job.trial,
    seed: job.seed,
    backbone: { id: job.backbone, simulated: job.backbone.startsWith('sim/') },
    harness: { label: job.harness.label, contentHash: harnessContentHash(job.harness.files), modules: job.harness.files.map((file) => file.file) },
    runner: job.runner,
    instruction: task?.instruction ?? '',
    maxSteps: job.maxSteps ?? environment.maxSteps,
    steps: [],
    end: { reason: 'sandbox-violation', detail: message },
    verification: { success: false, reward: 0, checks: [{ name: 'episode', passed: false, detail: message }], differences: [] },
    success: false,
    usage: { inputTokens: 0, outputTokens: 0, estimated: false, modelCalls: 0, peeks: 0, cachedCalls: 0, billedTokens: 0 },
    violations: [{ code: 'SANDBOX_WORKER_CRASH', hook: 'load', message }],
    timing: { episodeMs: 0, hookMs: 0, modelMs: 0, hookCalls: 0 },
  };
}
