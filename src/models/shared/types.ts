/**
 * The types every real provider and the shared layer around it agree on. A provider is reduced to one
 * `RawCaller`: one request to the model (one HTTP request, or one local generation) that draws the
 * samples it is asked for. Retries, the concurrency limit, the budget and the cache are wrappers around
 * that function, so each provider file only speaks its wire protocol.
 */
import type { JsonObject, RawOutput, ToolSchema } from '../../harness/api.ts';
import type { Completion, Message, Sampling, ToolMode, Usage } from '../../contracts/backbone.ts';
import type { BridleErrorCode } from '../../errors.ts';

/** One provider call: the provider-neutral request, narrowed to the samples this call draws. */
export interface RawCallRequest {
  /** The conversation, system message first. */
  messages: Message[];
  /** The tools the model may call. */
  tools: readonly ToolSchema[];
  /** Native tool calls, or actions written as text (then no tools are sent to the provider). */
  toolMode: ToolMode;
  /** The effective sampling parameters: the backbone's defaults merged with the request's. */
  sampling: Sampling;
  /** The sample indices this call draws, ascending; one index unless the provider batches samples. */
  sampleIndices: number[];
  /** Provider-specific settings that change the output (e.g. a JSON schema the output must match). */
  options?: JsonObject;
  /** Aborts the call. */
  signal?: AbortSignal;
  /** The endpoint the run's scheduler chose for this attempt; absent: the provider's configured one. */
  baseURL?: string;
}

/** One attempt at the wire, recorded for the trajectory log. Headers are never recorded (they hold keys). */
export interface ModelExchange {
  /** The `provider/model` id of the backbone that made the call. */
  backbone: string;
  /** The sample indices the call drew. */
  sampleIndices: number[];
  /** What was sent: the endpoint (or the local model file) and the exact body. */
  request: { url: string; body: unknown };
  /** What came back: the HTTP status (absent for a local model) and the body, parsed when it was JSON. */
  response?: { status?: number; body: unknown };
  /** Why the attempt failed; absent when it succeeded. */
  error?: { code: BridleErrorCode; message: string };
  /** Wall time of the attempt in milliseconds. */
  durationMs: number;
}

/** What one provider call returns. */
export interface RawCallResult {
  /** One output per requested sample index, in the same order. May be shorter when a server ignored `n`. */
  samples: RawOutput[];
  /** Tokens the call used, as the provider counted them. */
  usage: Usage;
  /** Settings the provider could not honour, and similar notes. */
  warnings: string[];
  /** Every attempt behind this result, failed retries first, the successful attempt last. */
  exchanges: ModelExchange[];
  /** True when the result came from the response cache: nothing was sent and nothing was spent. */
  cached?: boolean;
}

/** One provider call, as a function. */
export type RawCaller = (request: RawCallRequest) => Promise<RawCallResult>;

/** A completion as the real backbones return it: the contract's `Completion` plus the raw exchanges. */
export interface ModelCompletion extends Completion {
  /**
   * Every wire attempt behind this completion, failed retries included, for the trajectory log. On a
   * cache hit these are the exchanges recorded when the answer was first fetched (and `cached` is true).
   */
  exchanges: ModelExchange[];
}

/** Price of a model in US dollars per million tokens. */
export interface Price {
  /** Dollars per million input (prompt) tokens. */
  inputPerMTok: number;
  /** Dollars per million output (completion) tokens. */
  outputPerMTok: number;
}
