/**
 * Turns a provider's `RawCaller` into a `Backbone`: the wrappers compose, outermost first, as
 * cache → (fill missing samples) → budget → retry → gate (or a local concurrency limit) → provider. So a
 * cache hit takes no slot and spends nothing, a retry delay holds no slot, and each attempt asks the
 * run's scheduler (the gate) for a slot, an endpoint and the budget's leave before it starts.
 */
import type { JsonObject, RawOutput } from '../../harness/api.ts';
import type { Backbone, CompletionRequest, Sampling, ToolMode, Usage } from '../../contracts/backbone.ts';
import { BridleError } from '../../errors.ts';
import { costOf, withBudget, type Budget } from './budget.ts';
import { withCache, type ResponseCache } from './cache.ts';
import { estimateTokens, outcomeOf, type CallGate, type CallOutcome } from './gate.ts';
import { abortedError } from './errors.ts';
import { withConcurrencyLimit, type Limiter } from './limit.ts';
import { withRetry, type RetryOptions } from './retry.ts';
import type { ModelCompletion, ModelExchange, Price, RawCallRequest, RawCaller } from './types.ts';

/** A real backbone: `complete` also returns the raw exchanges. */
export interface ModelBackbone extends Backbone {
  complete(request: CompletionRequest): Promise<ModelCompletion>;
}

/** Everything the shared layer needs to know about one provider model. */
export interface ModelBackboneSpec {
  /** The `provider/model` id. */
  id: string;
  /** How the loop should express actions with this backbone. */
  toolMode: ToolMode;
  /** One call to the provider. */
  call: RawCaller;
  /** Identity of the model for the cache key (provider, model, and anything else that changes outputs). */
  identity: JsonObject;
  /** Most samples one provider call can draw (1: one call per sample). */
  maxSamplesPerCall?: number;
  /** Sampling defaults; the request's parameters win. */
  sampling?: Sampling;
  /** Provider options that change the output, read from the request (e.g. a JSON schema). */
  optionsOf?: (request: CompletionRequest) => JsonObject | undefined;
  /** Price per million tokens; absent means the cost is unknown. */
  price?: Price;
  /** The response cache; absent means no caching. */
  cache?: ResponseCache;
  /** The run's spend ledger. */
  budget?: Budget;
  /** The provider's concurrency limit (when there is no gate). */
  limiter?: Limiter;
  /** The run's call scheduler: limits, endpoints and budget for every attempt (wins over `limiter`). */
  gate?: CallGate;
  /** Retry settings. */
  retry?: RetryOptions;
  /** Told about every wire attempt as it completes, failed ones included (cache hits send nothing). */
  onExchange?: (exchange: ModelExchange) => void;
}

/** Sampling with `undefined` fields removed, so defaults and overrides merge and hash the same way. */
export function mergeSampling(defaults: Sampling | undefined, overrides: Sampling): Sampling {
  const merged: Sampling = {};
  for (const source of [defaults ?? {}, overrides]) {
    if (source.temperature !== undefined) merged.temperature = source.temperature;
    if (source.topP !== undefined) merged.topP = source.topP;
    if (source.maxTokens !== undefined) merged.maxTokens = source.maxTokens;
    if (source.stop !== undefined) merged.stop = [...source.stop];
  }
  return merged;
}

/** Output tokens assumed per sample when the request sets no maximum (for the tokens-per-minute estimate only). */
const ASSUMED_OUTPUT_TOKENS = 512;

/** Wrap a caller so each attempt holds a slot of the run's scheduler, on the endpoint it chose. */
export function withGate(caller: RawCaller, gate: CallGate, label: string, price: Price | undefined): RawCaller {
  return async (request) => {
    const tokens =
      estimateTokens(JSON.stringify(request.messages)) + request.sampleIndices.length * (request.sampling.maxTokens ?? ASSUMED_OUTPUT_TOKENS);
    let ticket;
    try {
      ticket = await gate.acquire({ backbone: label, tokens }, request.signal);
    } catch (error) {
      if (request.signal?.aborted && error === request.signal.reason) throw abortedError(label, error);
      throw error;
    }
    let outcome: CallOutcome = { kind: 'aborted' };
    try {
      const result = await caller(ticket.baseURL === undefined ? request : { ...request, baseURL: ticket.baseURL });
      const costUsd = costOf(result.usage, price);
      outcome = { kind: 'ok', usage: result.usage, ...(costUsd === undefined ? {} : { costUsd }) };
      return result;
    } catch (error) {
      outcome = outcomeOf(error);
      throw error;
    } finally {
      ticket.release(outcome);
    }
  };
}

function addUsage(total: Usage, usage: Usage): Usage {
  const sum: Usage = {
    inputTokens: total.inputTokens + usage.inputTokens,
    outputTokens: total.outputTokens + usage.outputTokens,
  };
  if (total.estimated || usage.estimated) sum.estimated = true;
  return sum;
}

export function createModelBackbone(spec: ModelBackboneSpec): ModelBackbone {
  const label = spec.id;
  const maxSamplesPerCall = Math.max(1, spec.maxSamplesPerCall ?? 1);
  const reportExchanges = (exchanges: ModelExchange[]): void => {
    if (spec.onExchange) for (const exchange of exchanges) spec.onExchange(exchange);
  };

  // The provider call with its per-attempt reporting, under the limit and the retry loop.
  let attempt: RawCaller = async (request) => {
    try {
      const result = await spec.call(request);
      reportExchanges(result.exchanges);
      return result;
    } catch (error) {
      if (BridleError.isInstance(error)) reportExchanges((error as { exchanges?: ModelExchange[] }).exchanges ?? []);
      throw error;
    }
  };
  if (spec.gate) attempt = withGate(attempt, spec.gate, label, spec.price);
  else if (spec.limiter) attempt = withConcurrencyLimit(attempt, spec.limiter, label);
  let reliable = withRetry(attempt, label, spec.retry);
  if (spec.budget) reliable = withBudget(reliable, spec.budget, spec.price, label);

  // A server may ignore `n` and answer with fewer samples: draw the missing ones one by one.
  const filled: RawCaller = async (request) => {
    const first = await reliable(request);
    if (first.samples.length >= request.sampleIndices.length) return first;
    const missing = request.sampleIndices.slice(first.samples.length);
    const rest = await Promise.all(missing.map((index) => reliable({ ...request, sampleIndices: [index] })));
    return {
      samples: [...first.samples, ...rest.map((result) => result.samples[0] ?? { text: '', toolCalls: [] })],
      usage: rest.reduce((total, result) => addUsage(total, result.usage), first.usage),
      warnings: [
        ...first.warnings,
        `${label}: the server returned ${first.samples.length} of ${request.sampleIndices.length} samples (it ignores "n"); drew the rest one call each`,
        ...rest.flatMap((result) => result.warnings),
      ],
      exchanges: [...first.exchanges, ...rest.flatMap((result) => result.exchanges)],
    };
  };
  const call = spec.cache ? withCache(filled, spec.cache, spec.identity, label) : filled;

  return {
    id: spec.id,
    simulated: false,
    toolMode: spec.toolMode,
    async complete(request) {
      if (!Number.isInteger(request.samples) || request.samples < 1) {
        throw new BridleError('INVALID_ARGUMENT', `${label}: samples must be a positive integer, got ${request.samples}`);
      }
      if (!Number.isInteger(request.sampleOffset) || request.sampleOffset < 0) {
        throw new BridleError('INVALID_ARGUMENT', `${label}: sampleOffset must be a non-negative integer, got ${request.sampleOffset}`);
      }
      const sampling = mergeSampling(spec.sampling, request.sampling);
      const options = spec.optionsOf?.(request);
      const indices = Array.from({ length: request.samples }, (_unused, offset) => request.sampleOffset + offset);
      const groups: number[][] = [];
      for (let start = 0; start < indices.length; start += maxSamplesPerCall) groups.push(indices.slice(start, start + maxSamplesPerCall));

      const results = await Promise.all(
        groups.map((sampleIndices) => {
          const raw: RawCallRequest = {
            messages: request.messages,
            tools: request.tools,
            toolMode: request.toolMode,
            sampling,
            sampleIndices,
          };
          if (options !== undefined) raw.options = options;
          if (request.signal !== undefined) raw.signal = request.signal;
          return call(raw);
        }),
      );

      const samples: RawOutput[] = results.flatMap((result) => result.samples);
      const usage = results.reduce<Usage>((total, result) => addUsage(total, result.usage), { inputTokens: 0, outputTokens: 0 });
      const warnings = [...new Set(results.flatMap((result) => result.warnings))];
      const cached = results.every((result) => result.cached === true);
      const freshUsage = results
        .filter((result) => !result.cached)
        .reduce<Usage>((total, result) => addUsage(total, result.usage), { inputTokens: 0, outputTokens: 0 });
      const fresh = results.some((result) => !result.cached);
      const costUsd = fresh ? costOf(freshUsage, spec.price) : 0;
      if (costUsd === undefined) {
        warnings.push(`${label}: no price configured (backbones["${label}"].price in bridle.config.ts): cost unknown`);
      }
      const completion: ModelCompletion = {
        samples,
        usage,
        warnings,
        exchanges: results.flatMap((result) => result.exchanges),
      };
      if (costUsd !== undefined) completion.costUsd = costUsd;
      if (cached) completion.cached = true;
      return completion;
    },
  };
}
