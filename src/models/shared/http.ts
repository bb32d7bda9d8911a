/**
 * One JSON POST over `fetch`, with a per-attempt timeout, the caller's abort signal, error classification
 * and the exchange recorded for the trajectory log. Used by providers that speak HTTP without an SDK.
 */
import { startDeadline } from './deadline.ts';
import { abortedError, badResponseError, connectionError, statusError, timeoutError, truncate } from './errors.ts';
import type { ModelExchange } from './types.ts';

/** The `fetch` signature providers accept (the global one, or a test's). */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** One POST. */
export interface PostJsonOptions {
  fetch: FetchFunction;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** Per-attempt timeout in milliseconds (covers reading the body too). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The backbone id, for messages and the exchange. */
  backbone: string;
  sampleIndices: number[];
  now?: () => number;
}

/** The parsed answer and its exchange. */
export interface PostJsonResult {
  status: number;
  body: unknown;
  exchange: ModelExchange;
}


/** Parse text as JSON, or return the text itself when it is not JSON (for error bodies and the log). */
function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A short description of an error body: the `error.message` most servers send, else the text. */
export function errorDetail(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object') {
    const error = (body as { error?: unknown }).error;
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
    if (typeof (body as { message?: unknown }).message === 'string') return (body as { message: string }).message;
  }
  return truncate(JSON.stringify(body) ?? '', 300);
}

export async function postJson(options: PostJsonOptions): Promise<PostJsonResult> {
  const now = options.now ?? performance.now.bind(performance);
  const started = now();
  const deadline = startDeadline(options.timeoutMs, options.signal);
  const exchange = (response?: ModelExchange['response']): ModelExchange => {
    const record: ModelExchange = {
      backbone: options.backbone,
      sampleIndices: options.sampleIndices,
      request: { url: options.url, body: options.body },
      durationMs: Math.round(now() - started),
    };
    if (response) record.response = response;
    return record;
  };
  const failure = (cause: unknown, response?: ModelExchange['response']): Error => {
    if (options.signal?.aborted) return abortedError(options.backbone, options.signal.reason);
    if (deadline.timedOut()) {
      const record = exchange(response);
      const error = timeoutError(options.backbone, options.timeoutMs, record, cause);
      record.error = { code: error.code, message: error.message };
      return error;
    }
    const record = exchange(response);
    const error = connectionError(options.backbone, cause, record);
    record.error = { code: error.code, message: error.message };
    return error;
  };
  try {
    let response: Response;
    try {
      response = await options.fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
        body: JSON.stringify(options.body),
        signal: deadline.signal,
      });
    } catch (error) {
      throw failure(error);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw failure(error, { status: response.status, body: null });
    }
    if (!response.ok) {
      const body = parseMaybeJson(text);
      const record = exchange({ status: response.status, body });
      const error = statusError(options.backbone, response.status, errorDetail(body), response.headers, record);
      record.error = { code: error.code, message: error.message };
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch (error) {
      const record = exchange({ status: response.status, body: text });
      const bad = badResponseError(options.backbone, `body is not JSON: ${JSON.stringify(truncate(text, 120))}`, record, error);
      record.error = { code: bad.code, message: bad.message };
      throw bad;
    }
    return { status: response.status, body, exchange: exchange({ status: response.status, body }) };
  } finally {
    deadline.dispose();
  }
}
