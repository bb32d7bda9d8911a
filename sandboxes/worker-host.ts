/**
 * The child-process side of the worker pool: `serveWorker(handler)` in a worker entry file answers the
 * pool's jobs, several at once when the pool sends several. Jobs, results, events and requests are JSON
 * over the IPC channel. Besides it, the report pipe (fd 3, written synchronously, so a line is in the
 * pool's hands even when the process dies the next instant) carries what the pool must know about a
 * death: the watchdog's verdict, or, for a job run alone under suspicion, where it was. When the pool
 * goes away (the IPC channel closes) the worker exits, so no worker outlives its pool.
 */
import { writeSync } from 'node:fs';
import { BridleError, type BridleErrorCode } from '../src/errors.ts';

/** A BridleError as it crosses the channel. */
export interface ErrorData {
  code: BridleErrorCode;
  message: string;
  retryable: boolean;
}

/** Pool → worker. */
export type PoolMessage<Job = unknown> =
  | {
      type: 'job';
      id: number;
      job: Job;
      /** The job runs alone in this worker because a worker died under it without saying why. */
      solo?: boolean;
    }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: ErrorData };

/** Worker → pool. */
export type WorkerMessage<Result = unknown> =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; result: Result }
  | { type: 'result'; id: number; ok: false; error: ErrorData }
  | { type: 'event'; job: number; event: unknown }
  | { type: 'request'; id: number; job: number; body: unknown };

/** What a job's handler can do besides returning its result. */
export interface JobContext {
  /** The pool's id of the job (also its tag in the hook probe). */
  readonly id: number;
  /** True when the job runs alone because a worker died under it unexplained: trace where it goes. */
  readonly solo: boolean;
  /** Send an event to the caller of `pool.run` (delivered in order, before the result). */
  emit(event: unknown): void;
  /** Ask the pool something (e.g. a model-call slot); answered by the pool's `onRequest`. */
  request(body: unknown): Promise<unknown>;
}

/** The environment variable naming the report pipe's file descriptor (set by the pool). */
export const REPORT_FD_VARIABLE = 'BRIDLE_REPORT_FD';

/**
 * Write one line to the pool's report pipe, synchronously: when this returns, the line is in the pipe
 * and survives the process. A no-op outside a pool worker.
 */
export function writeReport(line: unknown): void {
  const fd = Number(process.env[REPORT_FD_VARIABLE]);
  if (!Number.isInteger(fd) || fd < 3) return;
  try {
    writeSync(fd, `${JSON.stringify(line)}\n`);
  } catch {
    // The pool is gone: nobody to tell.
  }
}

/** The report pipe's descriptor in this worker, when there is one. */
export function reportFd(): number | undefined {
  const fd = Number(process.env[REPORT_FD_VARIABLE]);
  return Number.isInteger(fd) && fd >= 3 ? fd : undefined;
}

function errorData(error: unknown): ErrorData {
  return BridleError.isInstance(error)
    ? { code: error.code, message: error.message, retryable: error.retryable }
    : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), retryable: false };
}

/**
 * Serve the pool's jobs in this process. A thrown BridleError reaches the caller of `run` with its code;
 * any other error arrives as `INTERNAL`. Call once, from the worker entry module.
 */
export function serveWorker<Job, Result>(handler: (job: Job, context: JobContext) => Promise<Result> | Result): void {
  const send = process.send?.bind(process);
  if (!send) throw new BridleError('INTERNAL', 'serveWorker must run in a worker process started by createWorkerPool (no IPC channel)');
  const post = (message: WorkerMessage<Result>): void => {
    send(message, (error: Error | null) => {
      // The pool is gone or the message cannot be delivered: nothing more this worker can do.
      if (error) process.exit(1);
    });
  };
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  let nextRequest = 1;
  process.on('message', (message: PoolMessage<Job>) => {
    if (typeof message !== 'object' || message === null) return;
    if (message.type === 'reply') {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(new BridleError(message.error.code, message.error.message, { retryable: message.error.retryable }));
      return;
    }
    if (message.type !== 'job' || typeof message.id !== 'number') return;
    const { id } = message;
    const context: JobContext = {
      id,
      solo: message.solo === true,
      emit: (event) => post({ type: 'event', job: id, event }),
      request: (body) =>
        new Promise((resolve, reject) => {
          const requestId = nextRequest++;
          pending.set(requestId, { resolve, reject });
          post({ type: 'request', id: requestId, job: id, body });
        }),
    };
    void (async () => {
      let answer: WorkerMessage<Result>;
      try {
        answer = { type: 'result', id, ok: true, result: await handler(message.job, context) };
        JSON.stringify(answer);
      } catch (error) {
        answer = { type: 'result', id, ok: false, error: errorData(error) };
      }
      post(answer);
    })();
  });
  process.on('disconnect', () => process.exit(0));
  post({ type: 'ready' });
}
