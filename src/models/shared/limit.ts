/**
 * A concurrency limit: at most `max` calls in flight, the rest wait in order. A small semaphore of our
 * own rather than p-limit: it needs abortable waiting (an episode that times out must leave the queue),
 * which p-limit does not offer, and it is twenty lines.
 */
import { abortedError } from './errors.ts';
import type { RawCaller } from './types.ts';

/** A counting semaphore. */
export interface Limiter {
  /** Most calls in flight at once. */
  readonly max: number;
  /** Calls in flight now. */
  readonly active: number;
  /** Calls waiting for a slot now. */
  readonly waiting: number;
  /** Run `task` once a slot is free; leave the queue when `signal` aborts first. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${max}`);
  let active = 0;
  const queue: Array<{ start: () => void; signal?: AbortSignal }> = [];

  const next = (): void => {
    while (active < max && queue.length > 0) {
      const entry = queue.shift();
      if (entry && !entry.signal?.aborted) {
        active++;
        entry.start();
      }
    }
  };

  return {
    max,
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const onAbort = (): void => {
          const index = queue.indexOf(entry);
          if (index >= 0) queue.splice(index, 1);
          reject(signal?.reason);
        };
        const entry = {
          signal,
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            task()
              .then(resolve, reject)
              .finally(() => {
                active--;
                next();
              });
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(entry);
        next();
      });
    },
  };
}

/** Wrap a caller so each attempt holds one slot of `limiter` (retry delays do not hold a slot). */
export function withConcurrencyLimit(caller: RawCaller, limiter: Limiter, label: string): RawCaller {
  return (request) =>
    limiter.run(() => caller(request), request.signal).catch((error: unknown) => {
      if (request.signal?.aborted && error === request.signal.reason) throw abortedError(label, error);
      throw error;
    });
}
