/**
 * The configuration schema: the one source of truth for `bridle.config.ts`. Strict everywhere: an
 * unknown key is an error (a typo must not silently fall back to a default). Other parts of bridle
 * extend `bridleConfigSchema` with their own keys (`bridleConfigSchema.extend({ ... })` keeps it strict).
 */
import { z } from 'zod';
import { DEFAULT_CACHE_DIR } from '../models/shared/cache.ts';
import { simsConfigSchema } from '../models/sim/profile-schema.ts';

/** Providers with real backbones, plus the simulated ones. */
export const KNOWN_PROVIDERS = ['anthropic', 'openai', 'llamacpp', 'sim'] as const;

/** Sampling defaults of a backbone; a request's own parameters win. */
export const samplingSchema = z.strictObject({
  /** Sampling temperature (not sent to the Anthropic Messages API, which rejects it). */
  temperature: z.number().min(0).max(2).optional(),
  /** Nucleus sampling mass (not sent to the Anthropic Messages API, which rejects it). */
  topP: z.number().gt(0).max(1).optional(),
  /** Most output tokens per sample. */
  maxTokens: z.int().positive().optional(),
  /** Stop sequences. */
  stop: z.array(z.string().min(1)).optional(),
});

/** Price of a model in US dollars per million tokens. */
export const priceSchema = z.strictObject({
  /** Dollars per million input tokens. */
  inputPerMTok: z.number().nonnegative(),
  /** Dollars per million output tokens. */
  outputPerMTok: z.number().nonnegative(),
});

const providerOnlyKeys: Record<string, (typeof KNOWN_PROVIDERS)[number]> = {
  samplesVia: 'openai',
  headers: 'openai',
  contextSize: 'llamacpp',
  gpu: 'llamacpp',
  seed: 'llamacpp',
  threads: 'llamacpp',
};

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as "http://127.0.0.1:8000/v1"' });

/** Settings of one backbone, keyed by its `provider/model` id. */
export const backboneSettingsSchema = z
  .strictObject({
    /**
     * Server base URL: a Messages API server for anthropic/, an OpenAI-compatible `/v1` URL for openai/;
     * or several (replicas of one model): each call goes to the healthy one with the fewest calls in flight.
     */
    baseURL: z.union([httpUrl, z.array(httpUrl).min(1, { error: 'give at least one base URL' })]).optional(),
    /** The environment variable holding the API key (default ANTHROPIC_API_KEY for anthropic/). */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name such as "MY_API_KEY"' })
      .optional(),
    /** The API key itself (prefer apiKeyEnv: a config file is easily committed). */
    apiKey: z.string().min(1).optional(),
    /** Native tool calls, or actions as JSON text. */
    toolMode: z.enum(['native', 'text']).optional(),
    /** Most calls in flight at once for this backbone, across all workers (lowered on its own after 429s). */
    maxConcurrency: z.int().positive().optional(),
    /** Most calls started per minute (the provider's published rate limit). */
    requestsPerMinute: z.int().positive().optional(),
    /** Most tokens (input plus output) per minute (the provider's published rate limit). */
    tokensPerMinute: z.int().positive().optional(),
    /** Per-attempt timeout in milliseconds. */
    timeoutMs: z.int().positive().optional(),
    /** Retries after the first attempt on rate limits, 5xx, timeouts and connection resets. */
    maxRetries: z.int().min(0).max(20).optional(),
    /** Price per million tokens; without it the cost is reported as unknown. */
    price: priceSchema.optional(),
    /** Sampling defaults. */
    sampling: samplingSchema.optional(),
    /** openai/ only: one request per sample ("parallel", default) or the `n` parameter ("n"). */
    samplesVia: z.enum(['parallel', 'n']).optional(),
    /** openai/ only: extra request headers. */
    headers: z.record(z.string(), z.string()).optional(),
    /** llamacpp/ only: context size in tokens. */
    contextSize: z.int().positive().optional(),
    /** llamacpp/ only: compute backend ("auto", a GPU type, or false for the CPU). */
    gpu: z.union([z.enum(['auto', 'cuda', 'vulkan', 'metal']), z.literal(false)]).optional(),
    /** llamacpp/ only: base seed of the samples. */
    seed: z.int().min(0).optional(),
    /** llamacpp/ only: CPU threads (default: the cores Node sees). */
    threads: z.int().positive().optional(),
  })
  .superRefine((settings, context) => {
    if (settings.apiKey !== undefined && settings.apiKeyEnv !== undefined) {
      context.addIssue({ code: 'custom', path: ['apiKey'], message: 'set either apiKey or apiKeyEnv, not both (prefer apiKeyEnv)' });
    }
  });

const backboneIdSchema = z
  .string()
  .regex(new RegExp(`^(${KNOWN_PROVIDERS.join('|')})/.+$`), {
    error: `a backbone id is "provider/model" with provider one of ${KNOWN_PROVIDERS.join(', ')} (e.g. "anthropic/claude-sonnet-4-5", "openai/qwen2.5-7b-instruct", "llamacpp/models/model.gguf")`,
  });

/** Per-run limits. */
export const budgetsSchema = z.strictObject({
  /** Most input plus output tokens the run may spend on model calls (cache hits are free). */
  maxTokens: z.int().positive().optional(),
  /** Most US dollars the run may spend (needs prices on the backbones). */
  maxCostUsd: z.number().positive().optional(),
  /** Most meta-loop iterations. */
  iterations: z.int().positive().optional(),
  /** Most minutes of wall time. */
  wallMinutes: z.number().positive().optional(),
  /** Stop after this many iterations without an accepted change. */
  patience: z.int().positive().optional(),
});

/** The response cache. */
export const cacheSchema = z.strictObject({
  /** Folder of the cache, relative to the project root. */
  dir: z.string().min(1).default(DEFAULT_CACHE_DIR),
  /** False turns the cache off (the `--no-cache` flag does the same for one run). */
  enabled: z.boolean().default(true),
});

/** Defaults for `bridle eval` (each key is the twin of a flag; a flag wins). */
export const evalSettingsSchema = z.strictObject({
  /** Environment name (`--env`). */
  env: z.string().min(1).optional(),
  /** Backbone ids (`--backbone`). */
  backbones: z.array(backboneIdSchema).min(1).optional(),
  /** Task split (`--split`). */
  split: z.enum(['train', 'validation', 'test']).optional(),
  /** Trials per task (`--trials`). */
  trials: z.int().positive().optional(),
  /** Base seed (`--seed`). */
  seed: z.int().min(0).optional(),
  /** Harness folder or "none" (`--harness`). */
  harness: z.string().min(1).optional(),
  /** Worker processes (`--workers`). */
  workers: z.int().positive().optional(),
  /** Step budget per episode (`--max-steps`). */
  maxSteps: z.int().positive().optional(),
  /** A real backbone playing the user: conversational form, for environments that have one (`--user`). */
  user: backboneIdSchema.optional(),
});

/** Defaults for `bridle evolve` (each key is the twin of a flag; a flag wins). Limits live in `budgets`. */
export const evolveSettingsSchema = z.strictObject({
  /** Environment name (`--env`). */
  env: z.string().min(1).optional(),
  /** Backbones whose train trajectories the engineer reads (`--train`). */
  train: z.array(backboneIdSchema).min(1).optional(),
  /** Backbones the gate validates on (`--heldout`). */
  heldout: z.array(backboneIdSchema).min(1).optional(),
  /** Trials per task on validation and test (`--trials`). */
  trials: z.int().positive().optional(),
  /** Trials per task on train (`--train-trials`). */
  trainTrials: z.int().positive().optional(),
  /** Base seed (`--seed`). */
  seed: z.int().min(0).optional(),
  /** Largest drop a held-out backbone may take, in points (`--tolerance`). */
  tolerancePoints: z.number().min(0).max(100).optional(),
  /** Largest rise of mean tokens per validation episode a candidate may bring, as a share (0.5 = +50%; `--max-cost-increase`). */
  maxCostIncrease: z.number().min(0).optional(),
  /** Repair turns for a candidate that fails the check. */
  maxRepairs: z.int().min(0).max(10).optional(),
  /** Candidates per iteration. */
  candidatesPerIteration: z.int().positive().optional(),
  /** Attempts per failure group. */
  attemptsPerGroup: z.int().positive().optional(),
  /** Try removing modules when an iteration accepts nothing (`--no-pruning` turns it off). */
  pruning: z.boolean().optional(),
  /** Worker processes (`--workers`). */
  workers: z.int().positive().optional(),
  /** A real backbone playing the user: conversational form, for environments that have one (`--user`). */
  user: backboneIdSchema.optional(),
  /** LLM engineer mode: "single", "agent", or "auto" (agent when the budget allows; `--engineer-mode`). */
  engineerMode: z.enum(['auto', 'single', 'agent']).optional(),
  /** Agent engineer: most model turns per proposal (`--engineer-turns`). */
  engineerTurns: z.int().min(2).max(200).optional(),
  /** Agent and coding-agent engineers: most try_candidate experiments per proposal (`--engineer-experiments`). */
  engineerExperiments: z.int().min(0).max(50).optional(),
  /** Agent and coding-agent engineers: most tokens per proposal (`--proposal-max-tokens`). */
  proposalMaxTokens: z.int().min(1000).optional(),
  /** Agent and coding-agent engineers: most US dollars per proposal (`--proposal-max-cost`). */
  proposalMaxCostUsd: z.number().positive().optional(),
});

/** An environment name as used on the command line. */
const environmentNameSchema = z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'an environment name is lower-case kebab-case, e.g. "my-env"' });

/** The whole configuration. */
export const bridleConfigSchema = z.strictObject({
  /**
   * The project's own environments: name → module path (relative to this file), e.g.
   * `{ 'my-env': './envs/my-env.ts' }`. The module's default export is an environment (`defineEnvironment`)
   * or a factory returning one.
   */
  environments: z.record(environmentNameSchema, z.string().min(1)).default({}),
  /** The folder peer benchmarks read their data from (the `--data` flag's twin), relative to this file. */
  data: z.string().min(1).optional(),
  /** Settings per backbone id. Backbones without an entry use the defaults. */
  backbones: z
    .record(backboneIdSchema, backboneSettingsSchema)
    .superRefine((backbones, context) => {
      for (const [id, settings] of Object.entries(backbones)) {
        const provider = id.slice(0, id.indexOf('/'));
        for (const [key, only] of Object.entries(providerOnlyKeys)) {
          if ((settings as Record<string, unknown>)[key] !== undefined && provider !== only) {
            context.addIssue({ code: 'custom', path: [id, key], message: `${key} only applies to ${only}/ backbones; remove it` });
          }
        }
      }
    })
    .default({}),
  /** The engineer: "heuristic", a backbone id such as "anthropic/claude-sonnet-4-5", or a coding agent ("claude-code/<model>", "codex/<model>"). */
  engineer: z.string().min(1).optional(),
  /** Run limits. */
  budgets: budgetsSchema.default({}),
  /** Response cache settings. */
  cache: cacheSchema.default({ dir: DEFAULT_CACHE_DIR, enabled: true }),
  /** Defaults for `bridle eval`. */
  eval: evalSettingsSchema.default({}),
  /** Defaults for `bridle evolve`. */
  evolve: evolveSettingsSchema.default({}),
  /** Simulated backbone profiles, by name (`sim/<name>`); the built-in ones need no entry and cannot be redefined. */
  sims: simsConfigSchema.optional(),
});

/** What a user writes in `bridle.config.ts`. */
export type BridleConfigInput = z.input<typeof bridleConfigSchema>;
/** The validated configuration, defaults filled in. */
export type BridleConfig = z.output<typeof bridleConfigSchema>;
/** The settings of one backbone. */
export type BackboneSettings = z.output<typeof backboneSettingsSchema>;

/** Declare the configuration in `bridle.config.ts`. An identity function that gives the object its type. */
export function defineConfig<const T extends BridleConfigInput>(config: T): T {
  return config;
}
