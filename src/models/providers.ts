/**
 * Real backbones from the configuration: `anthropic/<model>`, `openai/<model>`, `llamacpp/<path.gguf>`.
 * (The top-level registry also handles `sim/<profile>` and calls this for the rest.)
 *
 * With a run's scheduler (`gate`), every call of a backbone asks it for a slot and an endpoint
 * (scheduling.ts builds it from the same configuration). Without one (a backbone made directly),
 * backbones of one server share one concurrency limit in this process. Backbones with one cache folder
 * share one cache (so identical concurrent calls collapse across them).
 */
import { resolve } from 'node:path';
import type { BackboneSettings } from '../config/schema.ts';
import { BridleError } from '../errors.ts';
import { ANTHROPIC_DEFAULT_MAX_CONCURRENCY, createAnthropicBackbone } from './anthropic.ts';
import { createLlamaCppBackbone } from './llamacpp.ts';
import { OPENAI_DEFAULT_MAX_CONCURRENCY, createOpenAIBackbone } from './openai.ts';
import type { ModelBackbone } from './shared/backbone.ts';
import type { Budget } from './shared/budget.ts';
import type { CallGate } from './shared/gate.ts';
import { DEFAULT_CACHE_DIR, createResponseCache, type ResponseCache } from './shared/cache.ts';
import type { FetchFunction } from './shared/http.ts';
import { createLimiter, type Limiter } from './shared/limit.ts';
import type { RetryOptions } from './shared/retry.ts';
import type { ModelExchange } from './shared/types.ts';

/** Providers this module builds. */
export const REAL_PROVIDERS = ['anthropic', 'openai', 'llamacpp'] as const;
/** One of them. */
export type RealProvider = (typeof REAL_PROVIDERS)[number];

/** The part of the configuration providers read. */
export interface ProviderConfig {
  backbones?: Record<string, BackboneSettings>;
  cache?: { dir?: string; enabled?: boolean };
}

/** What the caller (CLI, library, tests) adds to the configuration. */
export interface ProviderBackboneOptions {
  /** The `fetch` for HTTP providers (tests point it anywhere; default the global one). */
  fetch?: FetchFunction;
  /** The project root: the cache folder and relative model paths resolve against it. Default `process.cwd()`. */
  cwd?: string;
  /** Cache folder, overriding the configuration's. */
  cacheDir?: string;
  /** Bypass the cache (the `--no-cache` flag). */
  noCache?: boolean;
  /** The run's spend ledger. */
  budget?: Budget;
  /** A base URL overriding the configuration's (the `--base-url` flag). */
  baseURL?: string;
  /** Environment variables (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Told about every wire attempt. */
  onExchange?: (exchange: ModelExchange) => void;
  /** Retry timing: the sleep function, the jitter source, the delays (tests make them instant). */
  retry?: Omit<RetryOptions, 'maxRetries'>;
  /** The run's call scheduler: slots, endpoints and the budget for every attempt. */
  gate?: CallGate;
}

/** The base URLs configured for a backbone, in order (a string or a list in the configuration). */
export function baseURLsOf(settings: Pick<BackboneSettings, 'baseURL'>): string[] {
  const configured = settings.baseURL;
  return configured === undefined ? [] : Array.isArray(configured) ? [...configured] : [configured];
}

/** Split `provider/model`; the model is everything after the first slash (model names may hold slashes). */
export function parseBackboneId(id: string): { provider: string; model: string } {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) {
    throw new BridleError('UNKNOWN_BACKBONE', `"${id}" is not a backbone id; write provider/model, e.g. anthropic/claude-sonnet-4-5 or openai/qwen2.5-7b-instruct`);
  }
  return { provider: id.slice(0, slash), model: id.slice(slash + 1) };
}

/** True for ids this module builds. */
export function isRealProviderId(id: string): boolean {
  const slash = id.indexOf('/');
  return slash > 0 && (REAL_PROVIDERS as readonly string[]).includes(id.slice(0, slash));
}

const limiters = new Map<string, Limiter>();
const caches = new Map<string, ResponseCache>();

function sharedLimiter(key: string, max: number): Limiter {
  const full = `${key}|${max}`;
  let limiter = limiters.get(full);
  if (!limiter) {
    limiter = createLimiter(max);
    limiters.set(full, limiter);
  }
  return limiter;
}

/** The cache for a folder, one instance per folder per process. */
export function sharedCache(dir: string): ResponseCache {
  let cache = caches.get(dir);
  if (!cache) {
    cache = createResponseCache(dir);
    caches.set(dir, cache);
  }
  return cache;
}

/** Build the backbone for a real provider id from the configuration. */
export function createProviderBackbone(id: string, config: ProviderConfig, options: ProviderBackboneOptions = {}): ModelBackbone {
  const { provider, model } = parseBackboneId(id);
  const settings: BackboneSettings = config.backbones?.[id] ?? {};
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const cacheEnabled = !options.noCache && config.cache?.enabled !== false;
  const cache = cacheEnabled ? sharedCache(resolve(cwd, options.cacheDir ?? config.cache?.dir ?? DEFAULT_CACHE_DIR)) : undefined;
  const shared = {
    sampling: settings.sampling,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    retry: options.retry,
    price: settings.price,
    cache,
    budget: options.budget,
    onExchange: options.onExchange,
    ...(options.gate ? { gate: options.gate } : {}),
  };

  switch (provider) {
    case 'anthropic': {
      const baseURL = options.baseURL ?? baseURLsOf(settings)[0] ?? env.ANTHROPIC_BASE_URL;
      return createAnthropicBackbone({
        ...shared,
        id,
        model,
        apiKey: settings.apiKey,
        apiKeyEnv: settings.apiKeyEnv,
        env,
        baseURL,
        fetch: options.fetch,
        toolMode: settings.toolMode,
        limiter: sharedLimiter(`anthropic|${baseURL ?? ''}`, settings.maxConcurrency ?? ANTHROPIC_DEFAULT_MAX_CONCURRENCY),
      });
    }
    case 'openai': {
      const baseURL = options.baseURL ?? baseURLsOf(settings)[0] ?? env.OPENAI_BASE_URL;
      if (!baseURL) {
        throw new BridleError(
          'CONFIG_INVALID',
          `${id} needs the server's base URL: set backbones["${id}"].baseURL in bridle.config.ts (e.g. "http://127.0.0.1:8000/v1"), or pass --base-url`,
        );
      }
      return createOpenAIBackbone({
        ...shared,
        id,
        model,
        baseURL,
        apiKey: resolveOpenAIKey(id, settings, baseURL, env),
        fetch: options.fetch,
        toolMode: settings.toolMode,
        samplesVia: settings.samplesVia,
        headers: settings.headers,
        limiter: sharedLimiter(`openai|${baseURL}`, settings.maxConcurrency ?? OPENAI_DEFAULT_MAX_CONCURRENCY),
      });
    }
    case 'llamacpp':
      return createLlamaCppBackbone({
        ...shared,
        id,
        modelPath: model,
        cwd,
        toolMode: settings.toolMode,
        contextSize: settings.contextSize,
        gpu: settings.gpu,
        seed: settings.seed,
        threads: settings.threads,
      });
    default:
      throw new BridleError('UNKNOWN_BACKBONE', `unknown provider "${provider}" in "${id}"; real providers: ${REAL_PROVIDERS.join(', ')} (and sim/ for simulated backbones)`);
  }
}

/**
 * The key for an OpenAI-compatible server: the configured key, else the configured variable (which must
 * then be set), else OPENAI_API_KEY only for OpenAI's own API. A local server gets no key unless one is
 * configured: a user's OpenAI key is never sent to another server by accident.
 */
export function resolveOpenAIKey(
  id: string,
  settings: Pick<BackboneSettings, 'apiKey' | 'apiKeyEnv'>,
  baseURL: string,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (settings.apiKey) return settings.apiKey;
  if (settings.apiKeyEnv) {
    const key = env[settings.apiKeyEnv];
    if (!key) throw new BridleError('MISSING_API_KEY', `${id} needs an API key: set ${settings.apiKeyEnv} in the environment`);
    return key;
  }
  let host = '';
  try {
    host = new URL(baseURL).hostname;
  } catch {
    throw new BridleError('CONFIG_INVALID', `${id}: base URL "${baseURL}" is not a URL`);
  }
  if (host === 'api.openai.com') {
    const key = env.OPENAI_API_KEY;
    if (!key) throw new BridleError('MISSING_API_KEY', `${id} needs an API key: set OPENAI_API_KEY in the environment`);
    return key;
  }
  return undefined;
}
