/**
 * Real backbones and the shared layer around them. (Simulated backbones live in `./sim/`; the registry
 * that resolves any `provider/model` id is `./registry.ts`.)
 */
export {
  createAnthropicBackbone,
  createAnthropicCaller,
  resolveAnthropicKey,
  toAnthropicMessages,
  type AnthropicBackboneOptions,
} from './anthropic.ts';
export { createOpenAIBackbone, createOpenAICaller, toChatMessages, type OpenAIBackboneOptions } from './openai.ts';
export {
  actionJsonSchema,
  createLlamaCppBackbone,
  disposeLlamaCppModels,
  type JsonSchemaOption,
  type LlamaCppBackboneOptions,
  type LlamaCppCompletionRequest,
} from './llamacpp.ts';
export {
  createProviderBackbone,
  isRealProviderId,
  parseBackboneId,
  REAL_PROVIDERS,
  type ProviderBackboneOptions,
  type ProviderConfig,
  type RealProvider,
} from './providers.ts';
export { createModelBackbone, type ModelBackbone, type ModelBackboneSpec } from './shared/backbone.ts';
export { createBudget, costOf, withBudget, type Budget, type BudgetLimits, type BudgetSpend } from './shared/budget.ts';
export { cacheKey, createResponseCache, DEFAULT_CACHE_DIR, withCache, type ResponseCache } from './shared/cache.ts';
export { ModelCallError } from './shared/errors.ts';
export { createLimiter, withConcurrencyLimit, type Limiter } from './shared/limit.ts';
export { realSleep, withRetry, type RetryOptions, type Sleep } from './shared/retry.ts';
export type { ModelCompletion, ModelExchange, Price, RawCallRequest, RawCallResult, RawCaller } from './shared/types.ts';
