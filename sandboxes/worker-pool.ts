/**
 * A pool of worker child processes (DESIGN §3). isolated-vm's memory limit is a guideline and some
 * builtins ignore both its limits, so candidate evaluation runs in children: a child that dies or is
 * killed never takes the parent with it, the pool starts a replacement and goes on with the queue.
 *
 * A worker runs several jobs at once (up to each job's `capacity`: episodes of a real model spend their
 * time waiting on model calls), but only jobs of one `key` at a time (the harness: a hostile candidate
 * can never share a process with another harness's episodes, such as HEAD's paired episodes in the
 * gate). When a worker dies with several jobs in flight, only the job it was working for is charged:
 * - the job its watchdog named in a report line (the report pipe, fd 3) before killing it, or the job
 *   whose deadline ran out (the pool kills the worker): settled through `onCrash` with the report;
 * - every other job in flight is innocent and runs again, first in the queue;
 * - a death nobody explains (a native crash, an external kill) makes every job in flight a suspect:
 *   each runs again alone in a worker (`solo`: the worker traces it to the report pipe), and a solo job
 *   whose worker dies is charged, with the last trace line as its report.
 *
 * Deadlines are active time: `onRequest` handlers can pause a job's clock (while it waits on a model
 * call, which is the provider's time, not the harness's).
 *
 * Workers are entry files calling `serveWorker` (worker-host.ts), forked by `forkWorker` (the one place
 * that starts a worker process; `workerCommand` decides how: compiled JavaScript or TypeScript through
 * tsx). Jobs, results, events and requests are JSON.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { BridleError } from '../src/errors.ts';
import { REPORT_FD_VARIABLE, serveWorker, type ErrorData, type PoolMessage, type WorkerMessage } from './worker-host.ts';
import { readJsonLines } from './json-lines.ts';

export { serveWorker };

/** How a worker died under a job that is charged with it. */
export interface WorkerCrash {
  /** Exit code, when the worker exited. */
  code: number | null;
  /** Signal, when the worker was killed (SIGABRT after `process.abort()`, SIGKILL by the watchdog or a deadline). */
  signal: NodeJS.Signals | null;
  /** One line for the trajectory: "worker exited with code 3", "worker killed by SIGABRT", ... */
  message: string;
  /** Why this job is charged: its deadline ran out, the watchdog named it, or it died alone. */
  reason: 'deadline' | 'reported' | 'alone';
  /** The last report line about this job (the watchdog's verdict, or a solo job's trace), parsed. */
  report?: Record<string, unknown>;
}

/** Lets an `onRequest` handler act on the job that asked. */
export interface JobControl {
  /** Stop the job's deadline clock until the returned function is called (calls nest). */
  pauseDeadline(): () => void;
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
   * Settle a job charged with its worker's death (typically: a result recording the violation).
   * Without it, such a job rejects with a BridleError of code SANDBOX_WORKER_CRASH.
   */
  onCrash?: (job: Job, crash: WorkerCrash) => Result | Promise<Result>;
  /** Jobs of different keys never run in one worker at the same time (default: all one key). */
  keyOf?: (job: Job) => string;
  /** Most jobs its worker may run at once while it runs, itself included (default 1). */
  capacityOf?: (job: Job) => number;
  /** Active time a job may take before its worker is killed and the job charged, in ms (default: none). */
  deadlineOf?: (job: Job) => number | undefined;
  /** Answer a worker's request (`context.request` in the worker). */
  onRequest?: (job: Job, body: unknown, control: JobControl) => unknown;
  /** Environment of the worker processes (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** What happens to the workers' stdout and stderr (default: inherited from this process). */
  output?: 'inherit' | 'ignore';
}

/** Options of one `run`. */
export interface RunOptions {
  /** Told each event the worker emits for the job, in order, before the result (again from the start when the job is re-run). */
  onEvent?: (event: unknown) => void;
  /** Told when the job is run again after its worker died for another job's sake (its events start over). */
  onRestart?: () => void;
}

/** A pool of worker processes running jobs of one kind. */
export interface WorkerPool<Job, Result> {
  /** The most workers that run at once. */
  readonly size: number;
  /** Run a job on a worker with room for it. */
  run(job: Job, options?: RunOptions): Promise<Result>;
  /** Counts, for tests and progress: workers alive, jobs queued and running, jobs run again after a death. */
  stats(): { workers: number; queued: number; running: number; reruns: number; crashes: number };
  /** Stop the workers (queued and running jobs reject) and wait until every one has exited. */
  close(): Promise<void>;
}

/** Consecutive workers that die before they are ready before the pool gives up on the queue. */
const MAX_START_FAILURES = 3;
/** How long a closing worker gets to exit on its own (it does when its IPC channel closes) before SIGKILL. */
const KILL_GRACE_MS = 2000;
/** Times one job may be run again for other jobs' sake before it is charged itself. */
const MAX_INNOCENT_RERUNS = 5;
/** How far down the queue one pump looks for a job that fits a worker. */
const QUEUE_SCAN = 256;
/** The report pipe's descriptor in the worker. */
const REPORT_FD = 3;
/** How long after a worker's exit its report pipe may still be read. */
const REPORT_GRACE_MS = 250;

interface Task<Job, Result> {
  id: number;
  job: Job;
  key: string;
  capacity: number;
  deadlineMs: number | undefined;
  options: RunOptions;
  resolve(result: Result | Promise<Result>): void;
  reject(error: unknown): void;
  /** Runs alone, traced: a worker died under it unexplained. */
  solo: boolean;
  reruns: number;
  /** Deadline clock: active time spent before the current run of the clock, pauses in force, the timer. */
  activeMs: number;
  runningSince: number | undefined;
  pauses: number;
  timer: NodeJS.Timeout | undefined;
  worker: Worker<Job, Result> | undefined;
}

interface Worker<Job, Result> {
  child: ChildProcess;
  ready: boolean;
  dead: boolean;
  tasks: Map<number, Task<Job, Result>>;
  /** The job whose deadline ran out (the pool killed the worker for it). */
  expired: Task<Job, Result> | undefined;
  /** The last line read from the report pipe. */
  report: Record<string, unknown> | undefined;
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

/** Start one worker process: the only place that does. fd 3 is the report pipe. */
export function forkWorker(module: string, options: { env?: NodeJS.ProcessEnv; output?: 'inherit' | 'ignore' }): ChildProcess {
  const command = workerCommand(module);
  return fork(command.entry, [], {
    execArgv: command.execArgv,
    stdio: ['ignore', options.output ?? 'inherit', options.output ?? 'inherit', 'pipe', 'ipc'],
    serialization: 'json',
    env: { ...(options.env ?? process.env), [REPORT_FD_VARIABLE]: String(REPORT_FD) },
  });
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
  let reruns = 0;
  let crashes = 0;

  const closedError = () => new BridleError('INTERNAL', 'the worker pool is closed');

  function spawn(): void {
    const child = forkWorker(options.module, { ...(options.env ? { env: options.env } : {}), ...(options.output ? { output: options.output } : {}) });
    let markExited: () => void = () => {};
    const worker: Worker<Job, Result> = {
      child,
      ready: false,
      dead: false,
      tasks: new Map(),
      expired: undefined,
      report: undefined,
      exited: new Promise<void>((resolve) => (markExited = resolve)),
    };
    workers.add(worker);
    readJsonLines(child.stdio[REPORT_FD] as Readable | null, (line) => {
      worker.report = line;
    });
    child.on('message', (message: WorkerMessage<Result>) => onMessage(worker, message));
    // The report pipe must be read to its end before the death is judged; but 'close' may never come (a
    // grandchild such as tsx's esbuild service can inherit the pipe), so after 'exit' wait for the pipe's
    // end or a moment: a report is written before the process dies, so it is already in the pipe.
    child.once('exit', (code, signal) => {
      const reports = child.stdio[REPORT_FD] as Readable | null;
      let judged = false;
      const judge = (): void => {
        if (judged) return;
        judged = true;
        clearTimeout(timer);
        reports?.destroy();
        markExited();
        onDeath(worker, code, signal);
      };
      const timer = setTimeout(judge, REPORT_GRACE_MS);
      if (!reports || reports.readableEnded || reports.destroyed) judge();
      else {
        reports.once('end', judge);
        reports.once('close', judge);
      }
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

  function send(worker: Worker<Job, Result>, message: PoolMessage<Job>): void {
    if (worker.dead) return;
    worker.child.send(message, (error: Error | null) => {
      if (error && !worker.dead) worker.child.kill('SIGKILL');
    });
  }

  function onMessage(worker: Worker<Job, Result>, message: WorkerMessage<Result>): void {
    if (worker.dead || typeof message !== 'object' || message === null) return;
    switch (message.type) {
      case 'ready':
        worker.ready = true;
        startFailures = 0;
        pump();
        return;
      case 'event': {
        const task = worker.tasks.get(message.job);
        task?.options.onEvent?.(message.event);
        return;
      }
      case 'request': {
        const task = worker.tasks.get(message.job);
        void answer(worker, message.id, task, message.body);
        return;
      }
      case 'result': {
        const task = worker.tasks.get(message.id);
        if (!task) return;
        worker.tasks.delete(message.id);
        stopClock(task);
        task.worker = undefined;
        if (message.ok) task.resolve(message.result);
        else task.reject(new BridleError(message.error.code, message.error.message, { retryable: message.error.retryable }));
        pump();
        return;
      }
    }
  }

  async function answer(worker: Worker<Job, Result>, requestId: number, task: Task<Job, Result> | undefined, body: unknown): Promise<void> {
    let reply: PoolMessage<Job>;
    try {
      if (!task) throw new BridleError('INTERNAL', 'a request from a job the pool does not know');
      if (!options.onRequest) throw new BridleError('INTERNAL', 'this pool answers no requests');
      const control: JobControl = { pauseDeadline: () => pauseClock(task) };
      reply = { type: 'reply', id: requestId, ok: true, value: await options.onRequest(task.job, body, control) };
    } catch (error) {
      const data: ErrorData = BridleError.isInstance(error)
        ? { code: error.code, message: error.message, retryable: error.retryable }
        : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), retryable: false };
      reply = { type: 'reply', id: requestId, ok: false, error: data };
    }
    send(worker, reply);
  }

  function startClock(task: Task<Job, Result>): void {
    if (task.deadlineMs === undefined || task.pauses > 0 || task.runningSince !== undefined) return;
    task.runningSince = performance.now();
    task.timer = setTimeout(() => expire(task), Math.max(0, task.deadlineMs - task.activeMs));
  }

  function stopClock(task: Task<Job, Result>): void {
    clearTimeout(task.timer);
    task.timer = undefined;
    if (task.runningSince !== undefined) task.activeMs += performance.now() - task.runningSince;
    task.runningSince = undefined;
  }

  function pauseClock(task: Task<Job, Result>): () => void {
    task.pauses++;
    stopClock(task);
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      task.pauses--;
      if (task.worker && task.pauses === 0) startClock(task);
    };
  }

  function expire(task: Task<Job, Result>): void {
    const worker = task.worker;
    if (!worker || worker.dead || !worker.tasks.has(task.id)) return;
    worker.expired = task;
    worker.child.kill('SIGKILL');
  }

  function deathMessage(code: number | null, signal: NodeJS.Signals | null, reason?: string): string {
    return reason ?? (signal ? `worker killed by ${signal}` : `worker exited with code ${code}`);
  }

  function onDeath(worker: Worker<Job, Result>, code: number | null, signal: NodeJS.Signals | null, reason?: string): void {
    if (worker.dead) return;
    worker.dead = true;
    workers.delete(worker);
    const tasks = [...worker.tasks.values()];
    worker.tasks.clear();
    for (const task of tasks) {
      stopClock(task);
      task.worker = undefined;
    }
    if (closed) {
      for (const task of tasks) task.reject(closedError());
      return;
    }
    if (tasks.length === 0) {
      if (!worker.ready) {
        startFailures++;
        if (startFailures >= MAX_START_FAILURES) {
          startFailures = 0;
          const error = new BridleError(
            'SANDBOX_WORKER_CRASH',
            `worker ${options.module} died before it was ready ${MAX_START_FAILURES} times in a row (${deathMessage(code, signal, reason)})`,
          );
          for (const queued of queue.splice(0)) queued.reject(error);
        }
      }
      pump();
      return;
    }
    const report = worker.report;
    const reported = typeof report?.job === 'number' ? tasks.find((task) => task.id === report.job) : undefined;
    const culprit = worker.expired ?? (isVerdict(report) ? reported : undefined);
    const base = { code, signal };
    const again: Task<Job, Result>[] = [];
    for (const task of tasks) {
      if (culprit) {
        if (task === culprit) {
          const why: WorkerCrash['reason'] = task === worker.expired ? 'deadline' : 'reported';
          const message =
            why === 'deadline'
              ? `the episode did not finish within its deadline of ${task.deadlineMs} ms and its worker was killed`
              : deathMessage(code, signal, reason);
          settleCrash(task, { ...base, message, reason: why, ...(report && reported === task ? { report } : {}) });
        } else if (task.reruns >= MAX_INNOCENT_RERUNS) {
          settleCrash(task, { ...base, message: `${deathMessage(code, signal, reason)} (run again ${task.reruns} times for other jobs' sake)`, reason: 'alone' });
        } else {
          again.push(task);
        }
      } else if (task.solo) {
        settleCrash(task, { ...base, message: deathMessage(code, signal, reason), reason: 'alone', ...(report && reported === task ? { report } : {}) });
      } else {
        task.solo = true;
        again.push(task);
      }
    }
    for (const task of again.reverse()) {
      task.reruns++;
      reruns++;
      task.options.onRestart?.();
      queue.unshift(task);
    }
    pump();
  }

  function settleCrash(task: Task<Job, Result>, crash: WorkerCrash): void {
    crashes++;
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

  function assign(worker: Worker<Job, Result>, task: Task<Job, Result>): boolean {
    const message: PoolMessage<Job> = { type: 'job', id: task.id, job: task.job, ...(task.solo ? { solo: true } : {}) };
    try {
      JSON.stringify(message);
    } catch (error) {
      // The job is not JSON: the caller's mistake, not the worker's.
      task.reject(new BridleError('INVALID_ARGUMENT', `worker job cannot be sent: ${error instanceof Error ? error.message : String(error)}`));
      return false;
    }
    worker.tasks.set(task.id, task);
    task.worker = worker;
    send(worker, message);
    startClock(task);
    return true;
  }

  /** The worker that should take `task` now: one of its key with room (fewest jobs first), else an empty one. */
  function workerFor(task: Task<Job, Result>): Worker<Job, Result> | undefined {
    let best: Worker<Job, Result> | undefined;
    for (const worker of workers) {
      if (!worker.ready || worker.dead) continue;
      const running = worker.tasks.size;
      if (running > 0) {
        const first = worker.tasks.values().next().value as Task<Job, Result>;
        if (task.solo || first.solo || first.key !== task.key || running >= task.capacity) continue;
      }
      if (!best || running < best.tasks.size) best = worker;
    }
    return best;
  }

  function pump(): void {
    if (closed) return;
    let unplaced = 0;
    let scanned = 0;
    for (let index = 0; index < queue.length && scanned < QUEUE_SCAN; scanned++) {
      const task = queue[index]!;
      const worker = workerFor(task);
      if (!worker) {
        unplaced++;
        index++;
        continue;
      }
      queue.splice(index, 1);
      assign(worker, task);
    }
    if (unplaced === 0) return;
    // Start workers for what found no room, up to the pool's size.
    let starting = 0;
    for (const worker of workers) if (!worker.ready && !worker.dead) starting++;
    const head = queue[0];
    const perWorker = head && !head.solo ? head.capacity : 1;
    const wanted = Math.ceil(unplaced / Math.max(1, perWorker));
    while (starting < wanted && workers.size < size) {
      spawn();
      starting++;
    }
  }

  return {
    size,
    run(job: Job, runOptions: RunOptions = {}): Promise<Result> {
      if (closed) return Promise.reject(closedError());
      return new Promise<Result>((resolve, reject) => {
        queue.push({
          id: nextId++,
          job,
          key: options.keyOf?.(job) ?? '',
          capacity: Math.max(1, Math.floor(options.capacityOf?.(job) ?? 1)),
          deadlineMs: options.deadlineOf?.(job),
          options: runOptions,
          resolve,
          reject,
          solo: false,
          reruns: 0,
          activeMs: 0,
          runningSince: undefined,
          pauses: 0,
          timer: undefined,
          worker: undefined,
        });
        pump();
      });
    },
    stats() {
      let running = 0;
      for (const worker of workers) running += worker.tasks.size;
      return { workers: workers.size, queued: queue.length, running, reruns, crashes };
    },
    async close(): Promise<void> {
      closed = true;
      for (const task of queue.splice(0)) task.reject(closedError());
      const exits: Promise<void>[] = [];
      for (const worker of [...workers]) {
        for (const task of worker.tasks.values()) {
          stopClock(task);
          task.reject(closedError());
        }
        worker.tasks.clear();
        exits.push(worker.exited);
        if (worker.child.exitCode === null && worker.child.signalCode === null) {
          // Closing the channel lets a worker exit cleanly (serveWorker exits on 'disconnect'); a stuck one is killed.
          if (worker.child.connected) worker.child.disconnect();
          else worker.child.kill('SIGTERM');
          const force = setTimeout(() => worker.child.kill('SIGKILL'), KILL_GRACE_MS);
          void worker.exited.then(() => clearTimeout(force));
        }
      }
      await Promise.all(exits);
    },
  };
}

/** A report line that names a culprit (the watchdog's verdict), as opposed to a solo job's trace. */
function isVerdict(report: Record<string, unknown> | undefined): boolean {
  return report !== undefined && report.verdict === true;
}
