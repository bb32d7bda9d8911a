/**
 * `anthropic/<model>`: the Messages API through `@anthropic-ai/sdk`, against Anthropic or any server that
 * speaks the Messages API (`baseURL`).
 *
 * The SDK's own retries are off (`maxRetries: 0`): the shared layer retries, so that retry-after, the
 * budget and the recorded exchanges see every attempt. The response is read raw (`asResponse()`) and
 * validated here, so a malformed body is a MODEL_BAD_RESPONSE and the log holds exactly what came back.
 *
 * Sampling: SDK 1.x sends API version 2026-10-21, which rejects `temperature` and `top_p` (even at
 * their defaults). They are therefore not sent; a request that sets them gets a warning. `max_tokens` and
 * `stop_sequences` are honoured. Samples are drawn as parallel calls (the API has no `n`), each its own
 * cache entry.
 */
import { startDeadline } from './shared/deadline.ts';
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { RawOutput, RawToolCall } from '../harness/api.ts';
import type { Message, ToolMode } from '../contracts/backbone.ts';
import { BridleError } from '../errors.ts';
import { createModelBackbone, type ModelBackbone } from './shared/backbone.ts';
import { abortedError, badResponseError, connectionError, statusError, timeoutError, truncate } from './shared/errors.ts';
import type { FetchFunction } from './shared/http.ts';
import { errorDetail } from './shared/http.ts';
import { flattenToolTurns, parseArguments, toolParametersJsonSchema } from './shared/messages.ts';
import { limiterOf, retryOptionsOf, type SharedBackboneOptions } from './shared/options.ts';
import type { ModelExchange, RawCallRequest, RawCallResult, RawCaller } from './shared/types.ts';

/** Settings of an `anthropic/<model>` backbone. */
export interface AnthropicBackboneOptions extends SharedBackboneOptions {
  /** The model name, e.g. `claude-sonnet-4-5` (the part of the id after `anthropic/`). */
  model: string;
  /** The API key; default: the variable `apiKeyEnv` names, else ANTHROPIC_API_KEY. Missing: MISSING_API_KEY. */
  apiKey?: string;
  /** The environment variable holding the key. Default ANTHROPIC_API_KEY. */
  apiKeyEnv?: string;
  /** A server speaking the Messages API; default ANTHROPIC_BASE_URL, else Anthropic's. */
  baseURL?: string;
  /** Environment variables to read the key and base URL from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The `fetch` the SDK should use (default: the global one). */
  fetch?: FetchFunction;
  /** Native tool use, or text actions (no tools sent; the loop describes them in the prompt). Default 'native'. */
  toolMode?: ToolMode;
  /** `max_tokens` when the request sets none (the Messages API requires one). Default 4096. */
  defaultMaxTokens?: number;
  /** The backbone id; default `anthropic/<model>`. */
  id?: string;
}

/** Per-attempt timeout when none is configured. */
export const ANTHROPIC_DEFAULT_TIMEOUT_MS = 300_000;
/** Concurrency limit when none is configured. */
export const ANTHROPIC_DEFAULT_MAX_CONCURRENCY = 4;
/** The environment variable holding the key when the configuration names none. */
export const ANTHROPIC_API_KEY_ENV = 'ANTHROPIC_API_KEY';

/**
 * The API key for an Anthropic backbone: the configured key, else the configured variable, else
 * `ANTHROPIC_API_KEY`. A missing key fails fast with one line that names the variable.
 */
export function resolveAnthropicKey(
  id: string,
  settings: { apiKey?: string; apiKeyEnv?: string },
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (settings.apiKey) return settings.apiKey;
  const variable = settings.apiKeyEnv ?? ANTHROPIC_API_KEY_ENV;
  const key = env[variable];
  if (!key) {
    throw new BridleError(
      'MISSING_API_KEY',
      `${id} needs an API key: set ${variable} in the environment${settings.apiKeyEnv ? '' : ` (or name another variable in backbones["${id}"].apiKeyEnv)`}`,
    );
  }
  return key;
}

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string };

interface Turn {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

/**
 * Provider-neutral messages as a Messages API request's `system` and `messages`: system messages are
 * joined into `system`; assistant tool calls become `tool_use` blocks; tool messages become
 * `tool_result` blocks in a user turn; consecutive turns of one role are merged (tool results first, as
 * the API requires them to lead the turn that follows a tool use).
 */
export function toAnthropicMessages(messages: readonly Message[], toolMode: ToolMode): { system?: string; messages: Turn[]; warnings: string[] } {
  const source = toolMode === 'native' ? messages : flattenToolTurns(messages);
  const system: string[] = [];
  const turns: Turn[] = [];
  const warnings: string[] = [];
  const push = (role: Turn['role'], blocks: ContentBlock[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last && last.role === role) {
      const results = [...last.content, ...blocks].filter((block) => block.type === 'tool_result');
      const others = [...last.content, ...blocks].filter((block) => block.type !== 'tool_result');
      last.content = [...results, ...others];
    } else {
      turns.push({ role, content: blocks });
    }
  };
  for (const message of source) {
    switch (message.role) {
      case 'system':
        if (message.content !== '') system.push(message.content);
        break;
      case 'user':
        // The API refuses empty text blocks; an empty user turn still has to exist to keep turns paired.
        push('user', [{ type: 'text', text: message.content === '' ? '(empty)' : message.content }]);
        break;
      case 'assistant': {
        const blocks: ContentBlock[] = message.content === '' ? [] : [{ type: 'text', text: message.content }];
        for (const call of message.toolCalls ?? []) {
          let input = parseArguments(call.argumentsText);
          if (input === undefined) {
            warnings.push(`tool call ${call.id} (${call.name}) had arguments that are not a JSON object; sent as {}`);
            input = {};
          }
          blocks.push({ type: 'tool_use', id: call.id, name: call.name, input });
        }
        push('assistant', blocks.length > 0 ? blocks : [{ type: 'text', text: '(empty)' }]);
        break;
      }
      case 'tool':
        push('user', [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }]);
        break;
    }
  }
  const result: { system?: string; messages: Turn[]; warnings: string[] } = { messages: turns, warnings };
  if (system.length > 0) result.system = system.join('\n\n');
  return result;
}

const responseSchema = z.object({
  content: z.array(
    z.looseObject({
      type: z.string(),
      text: z.string().optional(),
      id: z.string().optional(),
      name: z.string().optional(),
      input: z.unknown().optional(),
    }),
  ),
  usage: z.object({
    input_tokens: z.number(),
    output_tokens: z.number(),
    cache_creation_input_tokens: z.number().nullish(),
    cache_read_input_tokens: z.number().nullish(),
  }),
  stop_reason: z.string().nullish(),
});

/** The Messages API request body for one call. */
export function anthropicRequestBody(
  model: string,
  request: RawCallRequest,
  defaultMaxTokens: number,
  label = `anthropic/${model}`,
): { body: Anthropic.Messages.MessageCreateParamsNonStreaming; warnings: string[] } {
  const converted = toAnthropicMessages(request.messages, request.toolMode);
  const body: Anthropic.Messages.MessageCreateParamsNonStreaming = {
    model,
    max_tokens: request.sampling.maxTokens ?? defaultMaxTokens,
    messages: converted.messages as Anthropic.Messages.MessageParam[],
  };
  if (converted.system !== undefined) body.system = converted.system;
  if (request.toolMode === 'native' && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: toolParametersJsonSchema(tool) as Anthropic.Messages.Tool.InputSchema,
    }));
  }
  const stop = request.sampling.stop;
  if (stop !== undefined && stop.length > 0) body.stop_sequences = stop;
  const warnings = [...converted.warnings];
  const ignored = (['temperature', 'topP'] as const).filter((name) => request.sampling[name] !== undefined);
  if (ignored.length > 0) {
    warnings.push(`${label}: ${ignored.join(' and ')} not sent (the Messages API version the SDK speaks, 2026-10-21, rejects sampling parameters)`);
  }
  return { body, warnings };
}

/** The raw caller for one Anthropic client. */
export function createAnthropicCaller(options: AnthropicBackboneOptions & { id: string; apiKey: string }): RawCaller {
  const timeoutMs = options.timeoutMs ?? ANTHROPIC_DEFAULT_TIMEOUT_MS;
  // One client per endpoint: the run's scheduler may spread calls over replicas (`baseURL: [...]`).
  const clients = new Map<string, Anthropic>();
  const clientFor = (baseURL: string | undefined): Anthropic => {
    const key = baseURL ?? '';
    let client = clients.get(key);
    if (!client) {
      client = new Anthropic({
        apiKey: options.apiKey,
        baseURL: baseURL ?? null,
        maxRetries: 0,
        timeout: timeoutMs,
        logLevel: 'off',
        ...(options.fetch ? { fetch: options.fetch as never } : {}),
      });
      clients.set(key, client);
    }
    return client;
  };
  const label = options.id;

  return async (request): Promise<RawCallResult> => {
    const { body, warnings } = anthropicRequestBody(options.model, request, options.defaultMaxTokens ?? 4096, label);
    const client = clientFor(request.baseURL ?? options.baseURL);
    const url = `${client.baseURL.replace(/\/+$/, '')}/v1/messages`;
    const started = performance.now();
    const exchange = (response?: ModelExchange['response']): ModelExchange => {
      const record: ModelExchange = {
        backbone: label,
        sampleIndices: request.sampleIndices,
        request: { url, body },
        durationMs: Math.round(performance.now() - started),
      };
      if (response) record.response = response;
      return record;
    };
    // Our own deadline as well as the SDK's: the SDK's covers the headers, ours the body too.
    const deadline = startDeadline(timeoutMs, request.signal);
    const fail = (error: BridleError & { exchanges: ModelExchange[] }): never => {
      const last = error.exchanges.at(-1);
      if (last) last.error = { code: error.code, message: error.message };
      throw error;
    };
    try {
      let text: string;
      let status: number;
      try {
        const response = await client.messages.create(body, { signal: deadline.signal, timeout: timeoutMs }).asResponse();
        status = response.status;
        text = await response.text();
      } catch (error) {
        if (request.signal?.aborted) throw abortedError(label, request.signal.reason);
        if (deadline.timedOut() || error instanceof APIConnectionTimeoutError) return fail(timeoutError(label, timeoutMs, exchange(), error));
        if (error instanceof APIUserAbortError) throw abortedError(label, error);
        if (error instanceof APIConnectionError) return fail(connectionError(label, error.cause ?? error, exchange()));
        if (error instanceof APIError && typeof error.status === 'number') {
          const errorBody: unknown = error.error ?? null;
          const record = exchange({ status: error.status, body: errorBody });
          const detail = errorBody === null ? error.message : errorDetail(errorBody);
          return fail(statusError(label, error.status, detail, error.headers ?? undefined, record));
        }
        // A read that failed half-way through the body is a broken connection.
        if (error instanceof TypeError || (error instanceof Error && error.name === 'AbortError')) {
          return fail(connectionError(label, error, exchange()));
        }
        throw error;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        return fail(badResponseError(label, `body is not JSON: ${JSON.stringify(truncate(text, 120))}`, exchange({ status, body: text }), error));
      }
      const record = exchange({ status, body: json });
      const parsed = responseSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail(badResponseError(label, `not a Messages API message (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`, record));
      }
      const texts: string[] = [];
      const toolCalls: RawToolCall[] = [];
      for (const block of parsed.data.content) {
        if (block.type === 'text' && block.text !== undefined) texts.push(block.text);
        if (block.type === 'tool_use' && block.id !== undefined && block.name !== undefined) {
          toolCalls.push({ id: block.id, name: block.name, argumentsText: JSON.stringify(block.input ?? {}) });
        }
      }
      const usage = parsed.data.usage;
      if (parsed.data.stop_reason === 'refusal') warnings.push(`${label}: the model refused (stop_reason "refusal")`);
      const sample: RawOutput = { text: texts.join(''), toolCalls };
      return {
        samples: [sample],
        usage: {
          // Prompt-cache reads and writes are input tokens too (priced differently; see the README).
          inputTokens: usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
          outputTokens: usage.output_tokens,
        },
        warnings,
        exchanges: [record],
      };
    } finally {
      deadline.dispose();
    }
  };
}

/** An `anthropic/<model>` backbone with retries, limit, budget and cache as configured. */
export function createAnthropicBackbone(options: AnthropicBackboneOptions): ModelBackbone {
  const id = options.id ?? `anthropic/${options.model}`;
  const env = options.env ?? process.env;
  const apiKey = resolveAnthropicKey(id, options, env);
  const baseURL = options.baseURL ?? env.ANTHROPIC_BASE_URL;
  return createModelBackbone({
    id,
    toolMode: options.toolMode ?? 'native',
    call: createAnthropicCaller({ ...options, id, apiKey, baseURL }),
    identity: { provider: 'anthropic', model: options.model, defaultMaxTokens: options.defaultMaxTokens ?? 4096 },
    maxSamplesPerCall: 1,
    ...(options.gate ? { gate: options.gate } : { limiter: limiterOf(options, ANTHROPIC_DEFAULT_MAX_CONCURRENCY) }),
    retry: retryOptionsOf(options),
    sampling: options.sampling,
    price: options.price,
    cache: options.cache,
    budget: options.budget,
    onExchange: options.onExchange,
  });
}
