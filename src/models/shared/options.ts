/**
 * The settings every real backbone factory accepts besides its provider's own, and how they become the
 * shared layer's pieces.
 */
import type { Sampling } from '../../contracts/backbone.ts';
import type { Budget } from './budget.ts';
import type { CallGate } from './gate.ts';
import type { ResponseCache } from './cache.ts';
import { createLimiter, type Limiter } from './limit.ts';
import type { RetryOptions } from './retry.ts';
import type { ModelExchange, Price } from './types.ts';

/** Shared settings of a real backbone. */
export interface SharedBackboneOptions {
  /** Sampling defaults; a request's own parameters win. */
  sampling?: Sampling;
  /** Per-attempt timeout in milliseconds. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** Backoff settings, the sleep function and the jitter source. */
  retry?: Omit<RetryOptions, 'maxRetries'>;
  /** The concurrency limit to share (backbones of one server should share one). Wins over `maxConcurrency`. */
  limiter?: Limiter;
  /** The run's call scheduler (limits, endpoints, budget); wins over `limiter` and `maxConcurrency`. */
  gate?: CallGate;
  /** Most calls in flight at once, when no `limiter` is given. */
  maxConcurrency?: number;
  /** Price per million tokens; absent means the cost is reported as unknown. */
  price?: Price;
  /** The response cache; absent means no caching. */
  cache?: ResponseCache;
  /** The run's spend ledger. */
  budget?: Budget;
  /** Told about every wire attempt, failed ones included. */
  onExchange?: (exchange: ModelExchange) => void;
}

/** The retry settings for a backbone. */
export function retryOptionsOf(options: SharedBackboneOptions): RetryOptions {
  const retry: RetryOptions = { ...options.retry };
  if (options.maxRetries !== undefined) retry.maxRetries = options.maxRetries;
  return retry;
}

/** The limiter for a backbone: the shared one, else a private one of `maxConcurrency` (or the default). */
export function limiterOf(options: SharedBackboneOptions, defaultMax: number): Limiter {
  return options.limiter ?? createLimiter(options.maxConcurrency ?? defaultMax);
}
