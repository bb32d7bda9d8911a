/**
 * What an LLM engineer's answer spent, and how its calls ended: shared by the single-shot and the agentic
 * engineer so both count tokens, cost and faults the same way.
 */
import type { Completion } from '../../../contracts/backbone.ts';
import type { BridleErrorCode } from '../../../errors.ts';
import type { ModelExchange } from '../../../models/shared/types.ts';
import type { EngineerUsage } from '../../types.ts';

/** Errors that end an answer as a recorded failure (null), not an exception. */
export const MODEL_FAULT_CODES: ReadonlySet<BridleErrorCode> = new Set(['MODEL_FAULT', 'MODEL_TIMEOUT', 'MODEL_RATE_LIMITED', 'MODEL_BAD_RESPONSE']);

/** Stop reasons that mean the reply was cut off. */
export const TRUNCATED = new Set(['max_tokens', 'length', 'model_context_window_exceeded']);

/** Usage being summed over an answer's calls; `unknownCost` once any call had no price. */
export type RunningUsage = EngineerUsage & { unknownCost: boolean };

export function emptyUsage(): RunningUsage {
  return { inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0, unknownCost: false };
}

/** Add one completion's tokens and cost. */
export function addCompletion(usage: RunningUsage, completion: Completion): void {
  usage.inputTokens += completion.usage.inputTokens;
  usage.outputTokens += completion.usage.outputTokens;
  if (completion.costUsd === undefined) usage.unknownCost = true;
  else usage.costUsd = (usage.costUsd ?? 0) + completion.costUsd;
}

export function finalUsage(usage: RunningUsage): EngineerUsage {
  const result: EngineerUsage = { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, calls: usage.calls };
  // A cost is reported only when every call had a price: an unknown cost is never guessed.
  if (!usage.unknownCost && usage.calls > 0) result.costUsd = usage.costUsd ?? 0;
  if (usage.toolCalls !== undefined) result.toolCalls = usage.toolCalls;
  if (usage.experiments !== undefined) result.experiments = usage.experiments;
  return result;
}

/** Why the provider stopped, from the recorded response body (Messages API or chat completions). */
export function stopReasonOf(completion: Completion): string | undefined {
  const exchanges = (completion as { exchanges?: ModelExchange[] }).exchanges;
  const body = exchanges?.at(-1)?.response?.body;
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as { stop_reason?: unknown; choices?: { finish_reason?: unknown }[] };
  if (typeof record.stop_reason === 'string') return record.stop_reason;
  const finish = Array.isArray(record.choices) ? record.choices[0]?.finish_reason : undefined;
  return typeof finish === 'string' ? finish : undefined;
}
