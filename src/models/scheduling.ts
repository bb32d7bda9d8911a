/**
 * The run's call scheduler, built from the configuration: one lane per backbone with its
 * `maxConcurrency` (else the provider's default), `requestsPerMinute`, `tokensPerMinute` and base URLs,
 * and the run's budget. The process that drives a run (eval, evolve) makes one and shares it with its
 * worker processes (they ask it over IPC) and with the LLM engineer's backbone.
 */
import type { BackboneSettings } from '../config/schema.ts';
import { ANTHROPIC_DEFAULT_MAX_CONCURRENCY } from './anthropic.ts';
import { OPENAI_DEFAULT_MAX_CONCURRENCY } from './openai.ts';
import { baseURLsOf } from './providers.ts';
import type { BudgetLimits } from './shared/budget.ts';
import { createCallScheduler, type CallScheduler, type LaneSettings } from './shared/scheduler.ts';

/** Calls in flight when the configuration does not say, per provider. */
const DEFAULT_MAX_CONCURRENCY: Record<string, number> = {
  anthropic: ANTHROPIC_DEFAULT_MAX_CONCURRENCY,
  openai: OPENAI_DEFAULT_MAX_CONCURRENCY,
  // One local model generates one answer at a time.
  llamacpp: 1,
  // Simulated backbones only come here with an artificial latency (the throughput bench).
  sim: 64,
};

/** The lane of one backbone from its settings; `baseURL` (the --base-url flag) replaces the configured ones. */
export function laneSettingsOf(id: string, settings: BackboneSettings | undefined, overrides: { baseURL?: string } = {}): LaneSettings {
  const provider = id.slice(0, id.indexOf('/'));
  const endpoints = overrides.baseURL !== undefined ? [overrides.baseURL] : baseURLsOf(settings ?? {});
  return {
    maxConcurrency: settings?.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY[provider] ?? 4,
    ...(settings?.requestsPerMinute === undefined ? {} : { requestsPerMinute: settings.requestsPerMinute }),
    ...(settings?.tokensPerMinute === undefined ? {} : { tokensPerMinute: settings.tokensPerMinute }),
    ...(endpoints.length > 0 ? { endpoints } : {}),
  };
}

/** A run's scheduler for the configured backbones. */
export function createRunScheduler(
  config: { backbones?: Record<string, BackboneSettings> },
  options: { baseURL?: string; budget?: BudgetLimits } = {},
): CallScheduler {
  return createCallScheduler({
    lane: (id) => laneSettingsOf(id, config.backbones?.[id], options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    ...(options.budget ? { budget: options.budget } : {}),
  });
}
