/**
 * Where episodes run. The local executor runs them in this process; the pool executor runs them in
 * worker child processes (DESIGN.md §3: an out-of-memory isolate can abort its process, and some
 * builtins ignore every limit, so evaluation never hosts untrusted isolates in the process that drives
 * it). Both give identical trajectories.
 *
 * In the pool, a worker runs several episodes of one harness at once (one per model call in flight is
 * what a real backbone needs; two for a simulated one, which never waits). Each episode streams its
 * steps as they finish, so when its worker dies the steps so far survive; the episode the worker died
 * for is recorded with a violation naming its hook and module, and the worker's other episodes run
 * again elsewhere (sandboxes/worker-pool.ts). Every episode has a deadline on its time outside model
 * calls (`episodeDeadlineMs`), after which its worker is killed.
 */
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import type { Environment } from '../contracts/environment.ts';
import type { Backbone } from '../contracts/backbone.ts';
import { DEFAULT_SANDBOX_LIMITS, type CompiledHarness, type HarnessRunner, type SandboxLimits, type SandboxViolation } from '../../sandboxes/types.ts';
import { compileHarness, harnessContentHash } from '../../sandboxes/compile.ts';
import { createIsolateRunner, type IsolateRunnerOptions } from '../../sandboxes/isolate-runner.ts';
import { createInProcessRunner } from '../../sandboxes/in-process-runner.ts';
import { createWorkerPool, type WorkerCrash } from '../../sandboxes/worker-pool.ts';
import { writeReport, type JobContext } from '../../sandboxes/worker-host.ts';
import { loadEnvironment } from '../environment/load.ts';
import { environmentKey, type EnvironmentRef } from '../environment/reference.ts';
import { resolveBackbone, type BackboneOptions } from '../models/registry.ts';
import type { CallGate, CallTicket } from '../models/shared/gate.ts';
import type { CallScheduler } from '../models/shared/scheduler.ts';
import { currentJob, type GateGrant, type GateRequest } from './remote-gate.ts';
import type { HarnessFile } from '../store/harness-files.ts';
import { BridleError } from '../errors.ts';
import { runEpisode } from './episode.ts';
import { TRAJECTORY_VERSION, type StepRecord, type Trajectory } from './trajectory.ts';

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
  /** How many episodes of these jobs are worth keeping in flight at once (default: the caller decides). */
  lanes?(jobs: readonly EpisodeJob[]): number;
  close(): Promise<void>;
}

/** What a worker sends back for one episode: the trajectory without its steps (they were streamed). */
export type EpisodeAnswer = { trajectory: Trajectory; steps: number } | { crash: WorkerCrash };

/** An event a worker streams while an episode runs. */
export type EpisodeEvent = { type: 'step'; step: StepRecord };

/** Steps an episode is assumed to take when the job does not say (for the deadline only). */
const ASSUMED_MAX_STEPS = 50;
/** Simulated episodes per worker at once: they never wait, so two keep a core busy. */
const SIM_EPISODES_PER_WORKER = 2;
/** Episodes in flight per call slot: a few more than the slots keep every slot busy while some episodes do host work. */
const EPISODES_PER_SLOT = 1.25;
/** Real-model episodes per worker at once, when the scheduler does not say. */
const DEFAULT_REAL_EPISODES_PER_WORKER = 8;

/**
 * An episode's deadline on its time outside model calls, in ms: the job's `limits.episodeDeadlineMs`,
 * else derived from the limits and the step budget: a start-up allowance, the episode's CPU budget at
 * ten times wall-clock (as a loaded machine may stretch it), and a second of host work per step.
 */
export function episodeDeadlineMs(limits: Partial<SandboxLimits> | undefined, maxSteps: number | undefined): number {
  if (limits?.episodeDeadlineMs !== undefined) return limits.episodeDeadlineMs;
  const cpu = limits?.episodeCpuMs ?? DEFAULT_SANDBOX_LIMITS.episodeCpuMs;
  return 15_000 + 10 * cpu + 1_000 * (maxSteps ?? ASSUMED_MAX_STEPS);
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

/** Options of the local executor (a worker process passes its probe, watchdog and channel to the pool). */
export interface LocalExecutorOptions {
  /** Options of the isolate runners it creates (the probe, the watchdog's session hooks, the catastrophe handler). */
  isolate?: IsolateRunnerOptions;
  /** The run's call scheduler (in a worker: the gate to the parent's). Without it, real backbones limit themselves per process. */
  gate?: CallGate;
}

/** A local executor: `run` takes the worker's job context when it runs inside a pool worker. */
export interface LocalExecutor extends EpisodeExecutor {
  run(job: EpisodeJob, context?: JobContext): Promise<Trajectory>;
}

/** Runs episodes in this process, reusing environments, backbones, compiled harnesses and runners. */
export function createLocalExecutor(options: LocalExecutorOptions = {}): LocalExecutor {
  const environmentFor = environmentCache();
  const backbones = new Map<string, Promise<Backbone>>();
  const compiled = new Map<string, CompiledHarness>();
  const runners = new Map<string, HarnessRunner>();

  function backboneFor(job: EpisodeJob, id = job.backbone): Promise<Backbone> {
    const key = `${id}\u0000${JSON.stringify(job.backboneOptions ?? {})}`;
    let backbone = backbones.get(key);
    if (!backbone) {
      backbone = resolveBackbone(id, job.backboneOptions, options.gate ? { gate: options.gate } : {});
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
      // One harness at a time is the norm (the pool's rule); keep a few for the tests that mix them.
      if (compiled.size > 8) compiled.delete(compiled.keys().next().value as string);
    }
    return harness;
  }

  function runnerFor(job: EpisodeJob): HarnessRunner {
    const key = `${job.runner}:${JSON.stringify(job.limits ?? {})}`;
    let runner = runners.get(key);
    if (!runner) {
      runner = job.runner === 'isolate' ? createIsolateRunner(job.limits, options.isolate) : createInProcessRunner();
      runners.set(key, runner);
    }
    return runner;
  }

  return {
    async run(job, context) {
      if (context) return currentJob.run(context, () => runJob(job, context));
      return runJob(job, undefined);
    },
    lanes(jobs) {
      // In this process: every episode of a real backbone may wait on a call, so as many as its slots allow.
      const settingsOf = (options.gate as Partial<CallScheduler> | undefined)?.settingsOf;
      let lanes = 2;
      for (const backbone of new Set(jobs.map((job) => job.backbone))) {
        if (!isSimulated(backbone) && settingsOf) lanes = Math.max(lanes, Math.ceil(settingsOf(backbone).maxConcurrency * EPISODES_PER_SLOT));
      }
      return lanes;
    },
    async close() {
      await Promise.all([...runners.values()].map((runner) => runner.dispose()));
      runners.clear();
    },
  };

  async function runJob(job: EpisodeJob, context: JobContext | undefined): Promise<Trajectory> {
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
        ...(context
          ? {
              onStep: (step: StepRecord) => context.emit({ type: 'step', step } satisfies EpisodeEvent),
              sandbox: {
                tag: context.id,
                // A job suspected of killing its worker leaves a trail the pool reads if it dies again.
                ...(context.solo ? { trace: (where: { hook: string; module?: string }) => writeReport({ job: context.id, trace: true, ...where }) } : {}),
              },
            }
          : {}),
      });
  }
}

const WORKER_MODULE = fileURLToPath(new URL('./episode-worker.ts', import.meta.url));

/** Options of the pool executor. */
export interface PoolExecutorOptions {
  /** Worker processes (default: one per core). */
  size?: number;
  /**
   * The run's call scheduler: the workers' model calls ask it for slots. It also sizes how many
   * episodes of a backbone run at once: a little more than its `maxConcurrency`, spread over the workers.
   */
  scheduler?: CallScheduler;
}


function isSimulated(backbone: string): boolean {
  return backbone.startsWith('sim/');
}

/** Runs episodes in a pool of worker processes; a worker's death becomes a recorded violation of the episode it died for. */
export function createPoolExecutor(options: PoolExecutorOptions = {}): EpisodeExecutor {
  const environmentOf = environmentCache();
  const size = options.size ?? availableParallelism();
  const harnessKeys = new WeakMap<object, string>();
  const keyOf = (job: EpisodeJob): string => {
    let key = harnessKeys.get(job.harness.files);
    if (key === undefined) {
      key = harnessContentHash(job.harness.files);
      harnessKeys.set(job.harness.files, key);
    }
    return key;
  };
  const scheduler = options.scheduler;
  const needsSlots = (job: EpisodeJob): boolean =>
    !isSimulated(job.backbone) || (job.user !== undefined && !isSimulated(job.user)) || (job.backboneOptions?.simLatencyMs ?? 0) > 0;
  const perWorker = (job: EpisodeJob): number => {
    if (!needsSlots(job)) return SIM_EPISODES_PER_WORKER;
    if (!scheduler) return DEFAULT_REAL_EPISODES_PER_WORKER;
    // The backbone whose calls take slots: the agent's, or a real user simulator's beside a simulated agent.
    const slotted = isSimulated(job.backbone) && job.user !== undefined && !isSimulated(job.user) ? job.user : job.backbone;
    return Math.max(1, Math.ceil((scheduler.settingsOf(slotted).maxConcurrency * EPISODES_PER_SLOT) / size) + 1);
  };
  // Tickets the workers hold, by episode: released when the episode ends however it ends (a dead worker releases nothing).
  const tickets = new Map<number, { ticket: CallTicket; resume: () => void; job: EpisodeJob }>();
  let nextTicket = 1;
  const releaseAll = (job: EpisodeJob): void => {
    for (const [id, held] of tickets) {
      if (held.job !== job) continue;
      tickets.delete(id);
      held.ticket.release({ kind: 'aborted' });
      held.resume();
    }
  };
  const pool = createWorkerPool<EpisodeJob, EpisodeAnswer>({
    module: WORKER_MODULE,
    size,
    keyOf,
    capacityOf: perWorker,
    deadlineOf: (job) => episodeDeadlineMs(job.limits, job.maxSteps),
    onCrash: (_job, crash) => ({ crash }),
    onRequest: async (job, body, control) => {
      const request = body as GateRequest;
      if (!scheduler) throw new BridleError('INTERNAL', 'this pool has no call scheduler');
      if (request.kind === 'acquire') {
        // The model's time is not the episode's: its deadline waits while it waits for a slot and the answer.
        const resume = control.pauseDeadline();
        try {
          const ticket = await scheduler.acquire(request.request);
          const id = nextTicket++;
          tickets.set(id, { ticket, resume, job });
          return { ticket: id, ...(ticket.baseURL === undefined ? {} : { baseURL: ticket.baseURL }) } satisfies GateGrant;
        } catch (error) {
          resume();
          throw error;
        }
      }
      const held = tickets.get(request.ticket);
      if (held) {
        tickets.delete(request.ticket);
        held.ticket.release(request.outcome);
        held.resume();
      }
      return null;
    },
  });
  return {
    async run(job) {
      const steps: StepRecord[] = [];
      let answer: EpisodeAnswer;
      try {
        answer = await pool.run(job, {
          onEvent: (event) => {
            if ((event as EpisodeEvent).type === 'step') steps.push((event as EpisodeEvent).step);
          },
          onRestart: () => {
            steps.length = 0;
            releaseAll(job);
          },
        });
      } finally {
        releaseAll(job);
      }
      if ('crash' in answer) return crashTrajectory(job, await environmentOf(job.environment), steps, answer.crash);
      if (answer.steps !== steps.length) {
        throw new Error(`episode ${job.taskId}: the worker reported ${answer.steps} steps and streamed ${steps.length}`);
      }
      return { ...answer.trajectory, steps };
    },
    lanes(jobs) {
      let lanes = 0;
      const seen = new Set<string>();
      for (const job of jobs) {
        if (seen.has(job.backbone)) continue;
        seen.add(job.backbone);
        lanes += perWorker(job) * size;
      }
      return Math.max(1, lanes);
    },
    close: () => pool.close(),
  };
}

/** The violation a worker's death records, from what the pool knows about it. */
export function crashViolation(crash: WorkerCrash): SandboxViolation {
  const report = crash.report ?? {};
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value.slice(0, 300) : undefined);
  const hook = text(report.hook);
  const module = text(report.module);
  const named = (violation: SandboxViolation): SandboxViolation => (module === undefined ? violation : { ...violation, module });
  if (crash.reason === 'reported' && (report.code === 'SANDBOX_TIMEOUT' || report.code === 'SANDBOX_MEMORY')) {
    return named({ code: report.code, hook: (hook ?? 'load') as SandboxViolation['hook'], message: text(report.message) ?? crash.message });
  }
  if (crash.reason === 'deadline') {
    const where = hook ? ` (last seen in ${hook}${module ? ` of ${module}` : ''})` : '';
    return named({ code: 'SANDBOX_TIMEOUT', hook: (hook ?? 'episode') as SandboxViolation['hook'], message: `${crash.message}${where}` });
  }
  const where = hook ? ` while in ${hook}${module ? ` of module "${module}"` : ''}` : '';
  return named({
    code: 'SANDBOX_WORKER_CRASH',
    hook: (hook ?? 'episode') as SandboxViolation['hook'],
    message: `the worker process running this episode died${where} (${crash.message}), and died again when the episode ran alone`,
  });
}

/**
 * The record of an episode whose worker died for it: a failed episode with the steps it finished (they
 * were streamed) and the violation. The environment's state died with the worker, so it is not verified.
 */
export function crashTrajectory(job: EpisodeJob, environment: Environment, steps: readonly StepRecord[], crash: WorkerCrash): Trajectory {
  const task = environment.tasks.find((candidate) => candidate.id === job.taskId);
  const violation = crashViolation(crash);
  const usage = { inputTokens: 0, outputTokens: 0, estimated: false };
  let samples = 0;
  let peeks = 0;
  for (const step of steps) {
    usage.inputTokens += step.usage.inputTokens;
    usage.outputTokens += step.usage.outputTokens;
    usage.estimated ||= step.usage.estimated;
    samples += step.samples.length;
    peeks += step.peeks;
  }
  return {
    version: TRAJECTORY_VERSION,
    runId: job.runId,
    environment: job.environment.name,
    taskId: job.taskId,
    split: task?.split ?? 'test',
    trial: job.trial,
    seed: job.seed,
    backbone: { id: job.backbone, simulated: isSimulated(job.backbone) },
    harness: { label: job.harness.label, contentHash: harnessContentHash(job.harness.files), modules: job.harness.files.map((file) => file.file) },
    runner: job.runner,
    instruction: task?.instruction ?? '',
    maxSteps: job.maxSteps ?? environment.maxSteps,
    steps: [...steps],
    end: { reason: 'sandbox-violation', detail: violation.message },
    verification: { success: false, reward: 0, checks: [{ name: 'episode', passed: false, detail: violation.message }], differences: [] },
    success: false,
    usage: { ...usage, modelCalls: samples, peeks, cachedCalls: 0, billedTokens: 0 },
    violations: [violation],
    timing: { episodeMs: 0, hookMs: 0, modelMs: 0, hookCalls: 0 },
  };
}
