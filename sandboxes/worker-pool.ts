/**
 * A pool of worker child processes (DESIGN §3). isolated-vm's memory limit is a guideline and an isolate
 * that runs out of memory can abort its whole process, so candidate evaluation runs in children: a child
 * that dies mid-job settles that job through `onCrash` (the caller records `SANDBOX_WORKER_CRASH`), the
 * pool starts a replacement and goes on with the queue, and the parent never goes down.
 *
 * Workers are entry files calling `serveWorker` (worker-host.ts), started with `--no-node-snapshot`
 * (isolated-vm); `workerCommand` decides how (compiled JavaScript or TypeScript through tsx). They start
 * lazily, up to `size`, and each runs one job at a time. Jobs and results are JSON.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BridleError } from '../src/errors.ts';
import type { JobMessage, WorkerMessage } from './worker-host.ts';

export { serveWorker } from './worker-host.ts';

/** How a worker died under a job. */
export interface WorkerCrash {
  /** Exit code, when the worker exited. */
  code: number | null;
  /** Signal, when the worker was killed (SIGABRT after `process.abort()`, SIGKILL after a job timeout). */
  signal: NodeJS.Signals | null;
  /** One line for the trajectory: "worker exited with code 3", "worker killed by SIGABRT", ... */
  message: string;
}

/** Options of `createWorkerPool`. */
export interface WorkerPoolOptions<Job, Result> {
  /**
   * Absolute path of the worker entry's TypeScript source (a .ts file that calls `serveWorker`); when
   * bridle runs compiled, the JavaScript beside it runs instead (see `workerCommand`).
   */
  module: string;
  /** Number of worker processes (default: `os.availableParallelism()`). */
  size?: number;
  /**
   * Settle a job whose worker died under it (typically: a result recording `SANDBOX_WORKER_CRASH`).
   * Without it, such a job rejects with a BridleError of that code.
   */
  onCrash?: (job: Job, crash: WorkerCrash) => Result | Promise<Result>;
  /** Kill a worker whose job takes longer than this (wall clock, ms); the job then counts as a crash. */
  jobTimeoutMs?: number;
  /** Environment of the worker processes (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** What happens to the workers' stdout and stderr (default: inherited from this process). */
  output?: 'inherit' | 'ignore';
}

/** A pool of worker processes running jobs of one kind. */
export interface WorkerPool<Job, Result> {
  /** The most workers that run at once. */
  readonly size: number;
  /** Run a job on the next free worker. */
  run(job: Job): Promise<Result>;
  /** Stop the workers (queued and running jobs reject) and wait until every one has exited. */
  close(): Promise<void>;
}

/** Consecutive workers that die before they are ready before the pool gives up on the queue. */
const MAX_START_FAILURES = 3;
/** How long a closing worker gets after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;

interface Task<Job, Result> {
  id: number;
  job: Job;
  resolve(result: Result | Promise<Result>): void;
  reject(error: unknown): void;
  timer?: NodeJS.Timeout;
}

interface Worker<Job, Result> {
  child: ChildProcess;
  ready: boolean;
  dead: boolean;
  timedOut: boolean;
  task: Task<Job, Result> | undefined;
  exited: Promise<void>;
}

let tsxImport: string | undefined;

/** tsx's loader as a file URL, so workers find it whatever their working directory. */
function tsxLoader(): string {
  tsxImport ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return tsxImport;
}

/** True when this file is the compiled JavaScript of the package's dist/, not the TypeScript source. */
const COMPILED = import.meta.url.endsWith('.js');

/**
 * How a worker entry starts, decided here only. From the package's dist/, the compiled entry beside the
 * named source runs on plain node (tsx is not installed with the package); from the sources (tests, a
 * checkout), the .ts runs through tsx, a devDependency, with the "bridle-source" export condition so
 * that a user module's import of 'bridle/toolkit' reaches the sources too. Always with the startup
 * snapshot off.
 */
export function workerCommand(module: string): { entry: string; execArgv: string[] } {
  if (COMPILED && module.endsWith('.ts')) return { entry: `${module.slice(0, -3)}.js`, execArgv: ['--no-node-snapshot'] };
  if (!module.endsWith('.ts')) return { entry: module, execArgv: ['--no-node-snapshot'] };
  return { entry: module, execArgv: ['--no-node-snapshot', '--conditions=bridle-source', '--import', tsxLoader()] };
}

/** Create a pool of worker processes. Nothing starts until the first job. */
export function createWorkerPool<Job, Result>(options: WorkerPoolOptions<Job, Result>): WorkerPool<Job, Result> {
  if (!isAbsolute(options.module)) throw new BridleError('INVALID_ARGUMENT', `worker module must be an absolute path, got ${options.module}`);
  const size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
  const workers = new Set<Worker<Job, Result>>();
  const queue: Task<Job, Result>[] = [];
  let closed = false;
  let nextId = 1;
  let startFailures = 0;

  const closedError = () => new BridleError('INTERNAL', 'the worker pool is closed');
  const command = workerCommand(options.module);

  function spawn(): void {
    const child = fork(command.entry, [], {
      execArgv: command.execArgv,
      stdio: ['ignore', options.output ?? 'inherit', options.output ?? 'inherit', 'ipc'],
      serialization: 'json',
      env: options.env ?? process.env,
    });
    let markExited: () => void = () => {};
    const worker: Worker<Job, Result> = {
      child,
      ready: false,
      dead: false,
      timedOut: false,
      task: undefined,
      exited: new Promise<void>((resolve) => (markExited = resolve)),
    };
    workers.add(worker);
    child.on('message', (message: WorkerMessage<Result>) => onMessage(worker, message));
    child.once('exit', (code, signal) => {
      markExited();
      onDeath(worker, code, signal);
    });
    child.on('error', (error) => {
      // A process that never started emits no 'exit'.
      if (child.pid === undefined) {
        markExited();
        onDeath(worker, null, null, `worker failed to start: ${error.message}`);
      } else {
        child.kill('SIGKILL');
      }
    });
  }

  function onMessage(worker: Worker<Job, Result>, message: WorkerMessage<Result>): void {
    if (worker.dead || typeof message !== 'object' || message === null) return;
    if (message.type === 'ready') {
      worker.ready = true;
      startFailures = 0;
      pump();
      return;
    }
    const task = worker.task;
    if (message.type !== 'result' || !task || message.id !== task.id) return;
    worker.task = undefined;
    clearTimeout(task.timer);
    if (message.ok) task.resolve(message.result);
    else task.reject(new BridleError(message.error.code, message.error.message, { retryable: message.error.retryable }));
    pump();
  }

  function onDeath(worker: Worker<Job, Result>, code: number | null, signal: NodeJS.Signals | null, reason?: string): void {
    if (worker.dead) return;
    worker.dead = true;
    workers.delete(worker);
    const task = worker.task;
    worker.task = undefined;
    if (task) {
      clearTimeout(task.timer);
      if (closed) task.reject(closedError());
      else {
        const message =
          reason ??
          (worker.timedOut
            ? `worker did not finish the job within ${options.jobTimeoutMs} ms and was killed`
            : signal
              ? `worker killed by ${signal}`
              : `worker exited with code ${code}`);
        settleCrash(task, { code, signal, message });
      }
    } else if (!worker.ready && !closed) {
      startFailures++;
      if (startFailures >= MAX_START_FAILURES) {
        startFailures = 0;
        const error = new BridleError(
          'SANDBOX_WORKER_CRASH',
          `worker ${options.module} died before it was ready ${MAX_START_FAILURES} times in a row (${reason ?? (signal ? `killed by ${signal}` : `exit code ${code}`)})`,
        );
        for (const queued of queue.splice(0)) queued.reject(error);
      }
    }
    pump();
  }

  function settleCrash(task: Task<Job, Result>, crash: WorkerCrash): void {
    if (!options.onCrash) {
      task.reject(new BridleError('SANDBOX_WORKER_CRASH', crash.message));
      return;
    }
    try {
      task.resolve(options.onCrash(task.job, crash));
    } catch (error) {
      task.reject(error);
    }
  }

  function assign(worker: Worker<Job, Result>, task: Task<Job, Result>): void {
    worker.task = task;
    const message: JobMessage<Job> = { type: 'job', id: task.id, job: task.job };
    try {
      worker.child.send(message, (error: Error | null) => {
        if (error && !worker.dead) worker.child.kill('SIGKILL');
      });
    } catch (error) {
      // The job is not JSON: the caller's mistake, not the worker's.
      worker.task = undefined;
      task.reject(new BridleError('INVALID_ARGUMENT', `worker job cannot be sent: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    if (options.jobTimeoutMs !== undefined) {
      task.timer = setTimeout(() => {
        if (worker.task !== task || worker.dead) return;
        worker.timedOut = true;
        worker.child.kill('SIGKILL');
      }, options.jobTimeoutMs);
    }
  }

  function pump(): void {
    if (closed) return;
    for (const worker of workers) {
      if (queue.length === 0) break;
      if (worker.ready && !worker.dead && !worker.task) assign(worker, queue.shift() as Task<Job, Result>);
    }
    let starting = 0;
    for (const worker of workers) if (!worker.ready && !worker.dead) starting++;
    while (queue.length > starting && workers.size < size) {
      spawn();
      starting++;
    }
  }

  return {
    size,
    run(job: Job): Promise<Result> {
      if (closed) return Promise.reject(closedError());
      return new Promise<Result>((resolve, reject) => {
        queue.push({ id: nextId++, job, resolve, reject });
        pump();
      });
    },
    async close(): Promise<void> {
      closed = true;
      for (const task of queue.splice(0)) task.reject(closedError());
      const exits: Promise<void>[] = [];
      for (const worker of [...workers]) {
        const task = worker.task;
        worker.task = undefined;
        if (task) {
          clearTimeout(task.timer);
          task.reject(closedError());
        }
        exits.push(worker.exited);
        if (worker.child.exitCode === null && worker.child.signalCode === null) {
          worker.child.kill('SIGTERM');
          const force = setTimeout(() => worker.child.kill('SIGKILL'), KILL_GRACE_MS);
          void worker.exited.then(() => clearTimeout(force));
        }
      }
      await Promise.all(exits);
    },
  };
}
