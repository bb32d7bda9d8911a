/**
 * Model-call errors. Whether a failure is worth retrying is decided here, where the HTTP status or the
 * socket error is known, and carried on the error (`retryable`), never guessed by the retry loop.
 */
import { BridleError, type BridleErrorCode } from '../../errors.ts';
import type { ModelExchange } from './types.ts';

/** A failed model call: a BridleError with what the retry loop and the trajectory log need. */
export class ModelCallError extends BridleError {
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** How long the server asked us to wait before trying again (from `retry-after-ms` / `retry-after`). */
  readonly retryAfterMs: number | undefined;
  /** The wire attempts behind this failure, for the trajectory log. */
  readonly exchanges: ModelExchange[];

  constructor(
    code: BridleErrorCode,
    message: string,
    options: {
      cause?: unknown;
      retryable?: boolean;
      status?: number;
      retryAfterMs?: number;
      exchanges?: ModelExchange[];
    } = {},
  ) {
    super(code, message, { cause: options.cause, retryable: options.retryable ?? false });
    this.name = 'ModelCallError';
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.exchanges = options.exchanges ?? [];
  }

  /** True for a ModelCallError, even one made by another copy of this module. */
  static isModelCallError(error: unknown): error is ModelCallError {
    return BridleError.isInstance(error) && Array.isArray((error as { exchanges?: unknown }).exchanges);
  }
}

/** The exchanges an error carries (none for errors that are not model-call errors). */
export function exchangesOf(error: unknown): ModelExchange[] {
  return ModelCallError.isModelCallError(error) ? error.exchanges : [];
}

/**
 * How long a response asks the client to wait: `retry-after-ms` (milliseconds, sent by OpenAI and
 * Anthropic), else `retry-after` in seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: Headers | undefined, now: () => number = Date.now): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '') {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter === null || retryAfter.trim() === '') return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

/**
 * The error for an HTTP error status. 429 is a rate limit; 408, 409 and every 5xx are transient
 * (the server or a proxy hiccuped); any other 4xx is a request the server will refuse again.
 */
export function statusError(
  label: string,
  status: number,
  detail: string,
  headers: Headers | undefined,
  exchange?: ModelExchange,
): ModelCallError {
  const retryAfterMs = parseRetryAfter(headers);
  const exchanges = exchange ? [exchange] : [];
  const suffix = detail ? `: ${truncate(detail, 300)}` : '';
  if (status === 429) {
    return new ModelCallError('MODEL_RATE_LIMITED', `${label}: rate limited (HTTP 429)${suffix}`, {
      retryable: true,
      status,
      retryAfterMs,
      exchanges,
    });
  }
  const transient = status === 408 || status === 409 || status >= 500;
  const hint =
    status === 401 || status === 403 ? ' (check the API key the backbone uses)' : status === 404 ? ' (check the model name and base URL)' : '';
  return new ModelCallError('MODEL_FAULT', `${label}: HTTP ${status}${suffix}${hint}`, {
    retryable: transient,
    status,
    retryAfterMs,
    exchanges,
  });
}

/** The error for a request that timed out: retryable, the next attempt may be luckier. */
export function timeoutError(label: string, timeoutMs: number | undefined, exchange?: ModelExchange, cause?: unknown): ModelCallError {
  const after = timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`;
  return new ModelCallError('MODEL_TIMEOUT', `${label}: no answer${after}`, {
    retryable: true,
    cause,
    exchanges: exchange ? [exchange] : [],
  });
}

/** The error for a connection that failed or was reset before an answer arrived: retryable. */
export function connectionError(label: string, cause: unknown, exchange?: ModelExchange): ModelCallError {
  return new ModelCallError('MODEL_FAULT', `${label}: connection failed (${describeCause(cause)})`, {
    retryable: true,
    cause,
    exchanges: exchange ? [exchange] : [],
  });
}

/** The error for an answer that is not what the protocol promises: not retried (a server answers alike). */
export function badResponseError(label: string, detail: string, exchange?: ModelExchange, cause?: unknown): ModelCallError {
  return new ModelCallError('MODEL_BAD_RESPONSE', `${label}: malformed response: ${truncate(detail, 300)}`, {
    retryable: false,
    cause,
    exchanges: exchange ? [exchange] : [],
  });
}

/** The error for a call the caller aborted (episode timeout, run cancelled): never retried. */
export function abortedError(label: string, reason: unknown): ModelCallError {
  return new ModelCallError('MODEL_FAULT', `${label}: call aborted`, { retryable: false, cause: reason });
}

/** One line describing a socket or fetch failure, digging into `cause` where undici puts the code. */
export function describeCause(cause: unknown): string {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${code}` : current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return [...new Set(parts)].join(': ') || 'unknown error';
}

/** Shorten text for an error message. */
export function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}
