/**
 * Retries with exponential backoff and full jitter. Only errors marked `retryable` where they were made
 * are retried (429, 5xx, timeouts, connection resets); a server's `retry-after` wins over the backoff.
 * Once the attempts are spent the call fails with MODEL_FAULT (not retryable), the last error as cause
 * and every attempt's exchange attached, so the trajectory records a model fault and the run goes on.
 */
import { BridleError } from '../../errors.ts';
import { ModelCallError, abortedError, exchangesOf } from './errors.ts';
import type { ModelExchange, RawCaller } from './types.ts';

/** Waits `milliseconds`; rejects when the signal aborts. Injected in tests so nothing really sleeps. */
export type Sleep = (milliseconds: number, signal?: AbortSignal) => Promise<void>;

/** Settings of the retry loop. */
export interface RetryOptions {
  /** Retries after the first attempt (so `maxRetries + 1` attempts in all). Default 4. */
  maxRetries?: number;
  /** Backoff before the first retry, doubled each retry. Default 1000 ms. */
  baseDelayMs?: number;
  /** Longest backoff between two attempts. Default 30 000 ms. */
  maxDelayMs?: number;
  /** Longest `retry-after` honoured; a server asking for more gets this much. Default 120 000 ms. */
  maxRetryAfterMs?: number;
  /** The sleep function (default: a real timer). */
  sleep?: Sleep;
  /** Random numbers in [0, 1) for the jitter (default `Math.random`; pass a seeded one for replayable delays). */
  random?: () => number;
  /** Told about each retry before its delay (for progress output). */
  onRetry?: (event: { attempt: number; delayMs: number; error: BridleError }) => void;
}

/** A real, abortable sleep. */
export const realSleep: Sleep = (milliseconds, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The delay before retry number `retry` (1-based): full jitter over an exponential ceiling. */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number): number {
  const base = options.baseDelayMs ?? 1000;
  const ceiling = Math.min(options.maxDelayMs ?? 30_000, base * 2 ** (retry - 1));
  // Half fixed, half random: never zero (a storm of instant retries helps nobody), still decorrelated.
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Wrap a caller with the retry loop. `label` names the backbone in the final error. */
export function withRetry(caller: RawCaller, label: string, options: RetryOptions = {}): RawCaller {
  const maxRetries = options.maxRetries ?? 4;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  return async (request) => {
    const failed: ModelExchange[] = [];
    for (let attempt = 1; ; attempt++) {
      if (request.signal?.aborted) throw abortedError(label, request.signal.reason);
      try {
        const result = await caller(request);
        return failed.length === 0 ? result : { ...result, exchanges: [...failed, ...result.exchanges] };
      } catch (error) {
        failed.push(...exchangesOf(error));
        if (request.signal?.aborted) throw abortedError(label, request.signal.reason);
        if (!BridleError.isInstance(error) || !error.retryable) {
          if (ModelCallError.isModelCallError(error)) {
            error.exchanges.splice(0, error.exchanges.length, ...failed);
          }
          throw error;
        }
        if (attempt > maxRetries) {
          throw new ModelCallError(
            'MODEL_FAULT',
            `${label}: gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}; last: ${error.message}`,
            { cause: error, retryable: false, exchanges: failed },
          );
        }
        const retryAfter = ModelCallError.isModelCallError(error) ? error.retryAfterMs : undefined;
        const delayMs =
          retryAfter !== undefined ? Math.min(retryAfter, options.maxRetryAfterMs ?? 120_000) : backoffDelay(attempt, options, random);
        options.onRetry?.({ attempt, delayMs, error });
        try {
          await sleep(delayMs, request.signal);
        } catch (reason) {
          throw abortedError(label, reason);
        }
      }
    }
  };
}
