/**
 * `openai/<model>`: any server speaking the OpenAI chat-completions protocol (vLLM, Ollama, llama.cpp
 * server, SGLang, LM Studio, gateways, OpenAI itself), over plain `fetch`.
 *
 * No SDK: the protocol is one POST, the servers behind it differ in what they accept, and the shared
 * layer already does what the SDK would add (retries, timeouts). A plain body also keeps the recorded
 * exchange exactly what was sent.
 *
 * Samples: by default one request per sample (`samplesVia: 'parallel'`), because servers disagree on `n`
 * (vLLM, SGLang and OpenAI honour it; Ollama and several gateways ignore it or refuse it), and one request
 * per sample gives every sample its own cache entry and its own `seed` (the sample index), so resampling
 * is reproducible wherever the server honours seeds. `samplesVia: 'n'` sends `n` instead, which saves the
 * prompt's prefill on servers that support it; a server that ignores `n` and answers with fewer choices
 * gets the missing samples drawn one call each, with a warning.
 */
import { z } from 'zod';
import type { RawOutput, RawToolCall } from '../harness/api.ts';
import type { Message, ToolMode } from '../contracts/backbone.ts';
import { createModelBackbone, type ModelBackbone } from './shared/backbone.ts';
import { badResponseError } from './shared/errors.ts';
import { errorDetail, postJson, type FetchFunction } from './shared/http.ts';
import { flattenToolTurns, toolParametersJsonSchema } from './shared/messages.ts';
import { limiterOf, retryOptionsOf, type SharedBackboneOptions } from './shared/options.ts';
import type { RawCallRequest, RawCallResult, RawCaller } from './shared/types.ts';

/** Settings of an `openai/<model>` backbone. */
export interface OpenAIBackboneOptions extends SharedBackboneOptions {
  /** The model name the server knows (the part of the id after `openai/`). */
  model: string;
  /** The server's base URL including its version path, e.g. `http://127.0.0.1:8000/v1`. */
  baseURL: string;
  /** Sent as `Authorization: Bearer <key>`; local servers usually need none. */
  apiKey?: string;
  /** The `fetch` to use (default: the global one). */
  fetch?: FetchFunction;
  /** Native function calling (`tools`), or text actions (no tools sent). Default 'native'. */
  toolMode?: ToolMode;
  /** One request per sample (default), or the `n` parameter. */
  samplesVia?: 'parallel' | 'n';
  /** Extra request headers (e.g. a gateway's routing header). */
  headers?: Record<string, string>;
  /** The backbone id; default `openai/<model>`. */
  id?: string;
}

/** Per-attempt timeout when none is configured. */
export const OPENAI_DEFAULT_TIMEOUT_MS = 120_000;
/** Concurrency limit when none is configured. */
export const OPENAI_DEFAULT_MAX_CONCURRENCY = 4;

const toolCallSchema = z.object({
  id: z.string().nullish(),
  function: z.object({
    name: z.string(),
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  }),
});

const chatCompletionSchema = z.object({
  choices: z
    .array(
      z.object({
        index: z.number().int().nullish(),
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
      }),
    )
    .min(1),
  usage: z
    .object({
      prompt_tokens: z.number().nullish(),
      completion_tokens: z.number().nullish(),
    })
    .nullish(),
});

/** One chat-completions message. */
type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    }
  | { role: 'tool'; tool_call_id: string; content: string };

/** Provider-neutral messages as chat-completions messages. */
export function toChatMessages(messages: readonly Message[], toolMode: ToolMode): ChatMessage[] {
  const source = toolMode === 'native' ? messages : flattenToolTurns(messages);
  return source.map((message): ChatMessage => {
    switch (message.role) {
      case 'system':
      case 'user':
        return { role: message.role, content: message.content };
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        if (calls.length === 0) return { role: 'assistant', content: message.content };
        return {
          role: 'assistant',
          content: message.content === '' ? null : message.content,
          tool_calls: calls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.argumentsText },
          })),
        };
      }
      case 'tool':
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    }
  });
}

/** The chat-completions request body for one call. */
export function chatCompletionBody(model: string, request: RawCallRequest, samplesVia: 'parallel' | 'n'): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: toChatMessages(request.messages, request.toolMode) };
  if (request.toolMode === 'native' && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: toolParametersJsonSchema(tool) },
    }));
  }
  const { temperature, topP, maxTokens, stop } = request.sampling;
  if (temperature !== undefined) body.temperature = temperature;
  if (topP !== undefined) body.top_p = topP;
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  if (stop !== undefined && stop.length > 0) body.stop = stop;
  if (samplesVia === 'n' && request.sampleIndices.length > 1) body.n = request.sampleIndices.length;
  // The first sample index as the seed: samples differ from each other and repeat across runs.
  body.seed = request.sampleIndices[0] ?? 0;
  return body;
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The raw caller for one chat-completions server. */
export function createOpenAICaller(options: OpenAIBackboneOptions & { id: string }): RawCaller {
  const urlOf = (baseURL: string) => `${baseURL.replace(/\/+$/, '')}/chat/completions`;
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const samplesVia = options.samplesVia ?? 'parallel';
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  return async (request): Promise<RawCallResult> => {
    const body = chatCompletionBody(options.model, request, samplesVia);
    const posted = await postJson({
      fetch: fetchFunction,
      url: urlOf(request.baseURL ?? options.baseURL),
      headers,
      body,
      timeoutMs: options.timeoutMs ?? OPENAI_DEFAULT_TIMEOUT_MS,
      signal: request.signal,
      backbone: options.id,
      sampleIndices: request.sampleIndices,
    });
    const parsed = chatCompletionSchema.safeParse(posted.body);
    if (!parsed.success) {
      const hasError = posted.body !== null && typeof posted.body === 'object' && 'error' in posted.body;
      const detail = hasError
        ? `the server answered with an error: ${errorDetail(posted.body)}`
        : `not a chat completion (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message ?? 'invalid'})`;
      const error = badResponseError(options.id, detail, posted.exchange);
      posted.exchange.error = { code: error.code, message: error.message };
      throw error;
    }
    const choices = [...parsed.data.choices].sort((left, right) => (left.index ?? 0) - (right.index ?? 0));
    const samples: RawOutput[] = choices.slice(0, request.sampleIndices.length).map((choice, choiceIndex) => {
      const toolCalls: RawToolCall[] = (choice.message.tool_calls ?? []).map((call, callIndex) => ({
        id: call.id ?? `call_${request.sampleIndices[choiceIndex] ?? choiceIndex}_${callIndex}`,
        name: call.function.name,
        argumentsText:
          typeof call.function.arguments === 'string' ? call.function.arguments : JSON.stringify(call.function.arguments ?? {}),
      }));
      return { text: choice.message.content ?? '', toolCalls };
    });
    const warnings: string[] = [];
    const usage = parsed.data.usage;
    let inputTokens = usage?.prompt_tokens ?? undefined;
    let outputTokens = usage?.completion_tokens ?? undefined;
    let estimated = false;
    if (inputTokens === undefined || outputTokens === undefined) {
      estimated = true;
      warnings.push(`${options.id}: the server reported no token usage; tokens are estimated (4 characters a token)`);
      inputTokens ??= estimateTokens(JSON.stringify(body.messages));
      outputTokens ??= samples.reduce((sum, sample) => sum + estimateTokens(sample.text + JSON.stringify(sample.toolCalls)), 0);
    }
    return {
      samples,
      usage: estimated ? { inputTokens, outputTokens, estimated } : { inputTokens, outputTokens },
      warnings,
      exchanges: [posted.exchange],
    };
  };
}

/** An `openai/<model>` backbone with retries, limit, budget and cache as configured. */
export function createOpenAIBackbone(options: OpenAIBackboneOptions): ModelBackbone {
  const id = options.id ?? `openai/${options.model}`;
  const toolMode = options.toolMode ?? 'native';
  const samplesVia = options.samplesVia ?? 'parallel';
  return createModelBackbone({
    id,
    toolMode,
    call: createOpenAICaller({ ...options, id }),
    identity: { provider: 'openai', model: options.model, samplesVia },
    maxSamplesPerCall: samplesVia === 'n' ? 16 : 1,
    ...(options.gate ? { gate: options.gate } : { limiter: limiterOf(options, OPENAI_DEFAULT_MAX_CONCURRENCY) }),
    retry: retryOptionsOf(options),
    sampling: options.sampling,
    price: options.price,
    cache: options.cache,
    budget: options.budget,
    onExchange: options.onExchange,
  });
}
