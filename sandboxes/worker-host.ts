/**
 * The child-process side of the worker pool: `serveWorker(handler)` in a worker entry file answers the
 * pool's jobs one at a time. Jobs and results are JSON. When the pool goes away (the IPC channel closes)
 * the worker exits, so no worker outlives its pool.
 */
import { BridleError, type BridleErrorCode } from '../src/errors.ts';

/** Pool → worker. */
export interface JobMessage<Job = unknown> {
  type: 'job';
  id: number;
  job: Job;
}

/** Worker → pool. */
export type WorkerMessage<Result = unknown> =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; result: Result }
  | { type: 'result'; id: number; ok: false; error: { code: BridleErrorCode; message: string; retryable: boolean } };

function isJobMessage(message: unknown): message is JobMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'job' &&
    typeof (message as { id?: unknown }).id === 'number'
  );
}

/**
 * Serve the pool's jobs in this process. A thrown BridleError reaches the caller of `run` with its code;
 * any other error arrives as `INTERNAL`. Call once, from the worker entry module.
 */
export function serveWorker<Job, Result>(handler: (job: Job) => Promise<Result> | Result): void {
  const send = process.send?.bind(process);
  if (!send) throw new BridleError('INTERNAL', 'serveWorker must run in a worker process started by createWorkerPool (no IPC channel)');
  const reply = (message: WorkerMessage<Result>): void => {
    send(message, (error: Error | null) => {
      // The pool is gone or the message cannot be delivered: nothing more this worker can do.
      if (error) process.exit(1);
    });
  };
  process.on('message', (message: unknown) => {
    if (!isJobMessage(message)) return;
    const { id } = message;
    void (async () => {
      let answer: WorkerMessage<Result>;
      try {
        answer = { type: 'result', id, ok: true, result: await handler(message.job as Job) };
        JSON.stringify(answer);
      } catch (error) {
        answer = {
          type: 'result',
          id,
          ok: false,
          error: BridleError.isInstance(error)
            ? { code: error.code, message: error.message, retryable: error.retryable }
            : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), retryable: false },
        };
      }
      reply(answer);
    })();
  });
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'ready' });
}
