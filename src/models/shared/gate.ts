/**
 * The call gate: what a backbone asks before each model call (each attempt, retries included) and tells
 * after it. One scheduler per run answers for every backbone, in every process (workers ask the parent
 * over IPC): it holds the per-backbone limits (calls in flight, requests and tokens per minute, adapting
 * to 429s), the run's budget (checked when a call starts, so calls in flight cannot overshoot it by more
 * than the calls already granted) and the choice among a backbone's endpoints.
 */
import { BridleError } from '../../errors.ts';
import type { Usage } from '../../contracts/backbone.ts';
import { ModelCallError } from './errors.ts';

/** What a call asks for. */
export interface CallRequest {
  /** The backbone id (`openai/qwen2.5`). */
  backbone: string;
  /** Estimated tokens of the call (input plus the output allowance), for a tokens-per-minute limit. */
  tokens: number;
}

/** How a call went, as the scheduler needs to know it. */
export interface CallOutcome {
  /**
   * ok; rate-limited (429) or overloaded (529/503 "overloaded"): the backbone slows down; server-error,
   * connection or timeout: the endpoint may be failing; failed: the request was refused or the answer
   * malformed (nobody's capacity); aborted: the caller gave up.
   */
  kind: 'ok' | 'rate-limited' | 'overloaded' | 'server-error' | 'connection' | 'timeout' | 'failed' | 'aborted';
  /** Tokens the call used (absent when it failed). */
  usage?: Usage;
  /** Dollars, when the price is known. */
  costUsd?: number;
  /** How long the server asked us to wait. */
  retryAfterMs?: number;
}

/** Permission for one call. Call `release` exactly once when it is over. */
export interface CallTicket {
  /** The endpoint to call (absent: the backbone's own default). */
  baseURL?: string;
  release(outcome: CallOutcome): void;
}

/** Grants model calls. */
export interface CallGate {
  /**
   * Wait for a slot. Rejects with BUDGET_EXHAUSTED when the run's budget is spent, and with the
   * signal's reason when it aborts first.
   */
  acquire(request: CallRequest, signal?: AbortSignal): Promise<CallTicket>;
}

/** The outcome of a call that threw. */
export function outcomeOf(error: unknown): CallOutcome {
  if (!BridleError.isInstance(error)) return { kind: 'failed' };
  const status = ModelCallError.isModelCallError(error) ? error.status : undefined;
  const retryAfterMs = ModelCallError.isModelCallError(error) ? error.retryAfterMs : undefined;
  const wait = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (error.code === 'MODEL_RATE_LIMITED') return { kind: 'rate-limited', ...wait };
  if (status === 529 || (status === 503 && /overload/i.test(error.message))) return { kind: 'overloaded', ...wait };
  if (error.code === 'MODEL_TIMEOUT') return { kind: 'timeout' };
  if (/call aborted/.test(error.message) && !error.retryable) return { kind: 'aborted' };
  if (status !== undefined && status >= 500) return { kind: 'server-error', ...wait };
  if (error.code === 'MODEL_FAULT' && status === undefined && error.retryable) return { kind: 'connection' };
  return { kind: 'failed' };
}

/** Rough tokens of a text (4 characters a token), for the tokens-per-minute estimate only. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
