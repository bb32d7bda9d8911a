/**
 * `llamacpp/<path.gguf>`: a GGUF model embedded in the process through `node-llama-cpp`, an optional
 * dependency loaded lazily (a dynamic import on the first call), so bridle works without it.
 *
 * One model per file per process, shared by every episode and backbone that names the file; it has one
 * context sequence, so its calls run one at a time (a limiter of one per file). The chat template comes
 * from the file (node-llama-cpp's `resolveChatWrapper`), sampling parameters map one to one, and each
 * sample gets its own seed (derived from the backbone's seed and the sample index), so samples differ
 * and repeat across runs.
 *
 * Capability: JSON-schema-constrained output. Give a JSON schema (the factory's `jsonSchema`, or
 * `jsonSchema` on the request, see `LlamaCppCompletionRequest`) and the output is generated under a
 * grammar that only admits JSON matching it; `'action'` builds the schema of a text action (one of the
 * tools with its arguments) from the request's tools.
 */
import { startDeadline } from './shared/deadline.ts';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Json, JsonObject, ParameterSchema, RawOutput, RawToolCall, ToolSchema } from '../harness/api.ts';
import type { CompletionRequest, Message, ToolMode } from '../contracts/backbone.ts';
import { BridleError } from '../errors.ts';
import { seedOf } from '../util/random.ts';
import { createModelBackbone, type ModelBackbone } from './shared/backbone.ts';
import { createLimiter, type Limiter } from './shared/limit.ts';
import { abortedError, ModelCallError } from './shared/errors.ts';
import { flattenToolTurns, parseArguments } from './shared/messages.ts';
import { retryOptionsOf, type SharedBackboneOptions } from './shared/options.ts';
import type { ModelExchange, RawCallResult, RawCaller } from './shared/types.ts';

/** A JSON schema for constrained output, or `'action'`: one of the request's tools with its arguments. */
export type JsonSchemaOption = JsonObject | 'action';

/** A completion request that may ask an embedded model for JSON-schema-constrained output. */
export interface LlamaCppCompletionRequest extends CompletionRequest {
  /** Constrain every sample to JSON matching this schema (wins over the factory's `jsonSchema`). */
  jsonSchema?: JsonSchemaOption;
}

/** Settings of a `llamacpp/<path.gguf>` backbone. */
export interface LlamaCppBackboneOptions extends SharedBackboneOptions {
  /** The GGUF file: absolute, or relative to `cwd`. */
  modelPath: string;
  /** Folder a relative `modelPath` is resolved against. Default `process.cwd()`. */
  cwd?: string;
  /** The backbone id; default `llamacpp/<modelPath>`. */
  id?: string;
  /** Text actions (default: small local models rarely have a function-calling template) or native function calls. */
  toolMode?: ToolMode;
  /** Constrain every output to JSON matching this schema. */
  jsonSchema?: JsonSchemaOption;
  /** Context size in tokens. Default: the model's training context, at most 4096. */
  contextSize?: number;
  /** Compute backend: `'auto'` (default: the best GPU found, else the CPU), a GPU type, or `false` for CPU only. */
  gpu?: 'auto' | 'cuda' | 'vulkan' | 'metal' | false;
  /** Base seed of the samples. Default 0. */
  seed?: number;
  /**
   * CPU threads. Default: the cores Node sees (`os.availableParallelism()`). node-llama-cpp's own default
   * can exceed the cores of a small machine, and oversubscribed threads make generation many times slower.
   */
  threads?: number;
  /** Loads the `node-llama-cpp` module (injected by tests to simulate its absence). */
  importModule?: () => Promise<unknown>;
}

/**
 * The sampling temperature when neither the configuration nor the request sets one. node-llama-cpp's
 * own default is greedy decoding, which would make every resampled sample identical; 0.8 is the
 * llama.cpp server's default.
 */
export const LLAMACPP_DEFAULT_TEMPERATURE = 0.8;
/** Per-call timeout when none is configured (CPU generation is slow). */
export const LLAMACPP_DEFAULT_TIMEOUT_MS = 600_000;

// The parts of node-llama-cpp this file uses, typed here so type-checking does not need the optional package.
interface LlamaGrammarLike {
  parse(json: string): unknown;
}
interface LlamaTextLike {
  tokenize(tokenizer: unknown): unknown[];
}
interface ChatWrapperLike {
  readonly wrapperName?: string;
  generateContextState(options: { chatHistory: ChatHistoryItem[]; availableFunctions?: unknown }): { contextText: LlamaTextLike };
}
interface LlamaChatLike {
  readonly chatWrapper: ChatWrapperLike;
  generateResponse(history: ChatHistoryItem[], options: Record<string, unknown>): Promise<{
    response: string;
    functionCalls?: { functionName: string; params: unknown }[];
    metadata: { stopReason: string };
  }>;
}
interface LlamaModelLike {
  readonly trainContextSize: number;
  readonly tokenizer: unknown;
  createContext(options: { contextSize: number; sequences?: number }): Promise<{ getSequence(): unknown; dispose(): Promise<void> }>;
  dispose(): Promise<void>;
}
interface LlamaLike {
  loadModel(options: { modelPath: string }): Promise<LlamaModelLike>;
  createGrammarForJsonSchema(schema: unknown): Promise<LlamaGrammarLike>;
  dispose(): Promise<void>;
}
interface NodeLlamaCppModule {
  getLlama(options: Record<string, unknown>): Promise<LlamaLike>;
  LlamaChat: new (options: { contextSequence: unknown }) => LlamaChatLike;
}
type ChatHistoryItem =
  | { type: 'system'; text: string }
  | { type: 'user'; text: string }
  | { type: 'model'; response: Array<string | { type: 'functionCall'; name: string; params: unknown; result: unknown }> };

/** A loaded model, shared per file. */
interface LoadedModel {
  module: NodeLlamaCppModule;
  llama: LlamaLike;
  model: LlamaModelLike;
  chat: LlamaChatLike;
  dispose(): Promise<void>;
}

// A specifier in a variable: type-checking must not require the optional package to be installed.
const NODE_LLAMA_CPP = 'node-llama-cpp';
const loadedModels = new Map<string, Promise<LoadedModel>>();
const modelLimiters = new Map<string, Limiter>();

const INSTALL_HINT =
  'install the optional package: npm install node-llama-cpp (prebuilt binaries for Linux, macOS and Windows; no compiler needed)';

async function importNodeLlamaCpp(id: string, importModule: () => Promise<unknown>): Promise<NodeLlamaCppModule> {
  try {
    const module = (await importModule()) as Partial<NodeLlamaCppModule>;
    if (typeof module.getLlama !== 'function' || typeof module.LlamaChat !== 'function') {
      throw new Error('node-llama-cpp has no getLlama / LlamaChat export (version 3 is required)');
    }
    return module as NodeLlamaCppModule;
  } catch (error) {
    throw new BridleError('MISSING_DEPENDENCY', `${id} needs node-llama-cpp, which could not be loaded (${String((error as Error)?.message ?? error).split('\n')[0]}): ${INSTALL_HINT}`, {
      cause: error,
    });
  }
}

async function loadModel(id: string, path: string, options: LlamaCppBackboneOptions): Promise<LoadedModel> {
  const module = await importNodeLlamaCpp(id, options.importModule ?? (() => import(NODE_LLAMA_CPP)));
  // build: 'never' — use the prebuilt binaries only; building llama.cpp from source at run time would
  // need a compiler and a download, neither of which a user of bridle signed up for.
  const llama = await module.getLlama({
    gpu: options.gpu ?? 'auto',
    build: 'never',
    logLevel: 'error',
    progressLogs: false,
    maxThreads: options.threads ?? availableParallelism(),
  });
  const model = await llama.loadModel({ modelPath: path });
  const context = await model.createContext({ contextSize: options.contextSize ?? Math.min(model.trainContextSize, 4096) });
  const chat = new module.LlamaChat({ contextSequence: context.getSequence() });
  return {
    module,
    llama,
    model,
    chat,
    async dispose() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

/** The shared model for `path`, loaded on first use. A failed load is forgotten so the next call retries. */
function sharedModel(id: string, path: string, options: LlamaCppBackboneOptions): Promise<LoadedModel> {
  let loading = loadedModels.get(path);
  if (!loading) {
    loading = loadModel(id, path, options);
    loadedModels.set(path, loading);
    loading.catch(() => loadedModels.delete(path));
  }
  return loading;
}

/** Free every embedded model of this process (tests, and long-lived hosts switching models). */
export async function disposeLlamaCppModels(): Promise<void> {
  const models = [...loadedModels.values()];
  loadedModels.clear();
  for (const loading of models) {
    const loaded = await loading.catch(() => undefined);
    await loaded?.dispose();
  }
}

/** The JSON schema of a text action: `{ "tool": <name>, "arguments": {...} }` for one of `tools`. */
export function actionJsonSchema(tools: readonly ToolSchema[]): JsonObject {
  return {
    oneOf: tools.map((tool) => ({
      type: 'object',
      properties: { tool: { const: tool.name }, arguments: tool.parameters as unknown as Json },
      required: ['tool', 'arguments'],
    })),
  };
}

/** Keywords the grammar cannot enforce; dropped from the schema (the harness still checks them). */
const UNENFORCED_KEYWORDS = new Set(['pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'readOnly']);

/** A JSON schema in the subset node-llama-cpp turns into a grammar. */
export function toGrammarSchema(schema: Json, dropped: Set<string> = new Set()): Json {
  if (Array.isArray(schema)) return schema.map((item) => toGrammarSchema(item, dropped));
  if (schema === null || typeof schema !== 'object') return schema;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (UNENFORCED_KEYWORDS.has(key)) {
      dropped.add(key);
      continue;
    }
    if (key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      result.properties = Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, toGrammarSchema(inner, dropped)]));
    } else if (key === 'items' || key === 'oneOf' || key === 'anyOf' || key === 'additionalProperties') {
      result[key === 'anyOf' ? 'oneOf' : key] = toGrammarSchema(value, dropped);
    } else {
      result[key] = value;
    }
  }
  // Closed objects: a model should not invent fields the schema does not name.
  if (result.type === 'object' && result.additionalProperties === undefined) result.additionalProperties = false;
  return result;
}

/** The chat history node-llama-cpp renders, from provider-neutral messages. */
function toChatHistory(messages: readonly Message[], toolMode: ToolMode): ChatHistoryItem[] {
  const source = toolMode === 'native' ? messages : flattenToolTurns(messages);
  const results = new Map<string, string>();
  for (const message of source) if (message.role === 'tool') results.set(message.toolCallId, message.content);
  const history: ChatHistoryItem[] = [];
  for (const message of source) {
    if (message.role === 'system') history.push({ type: 'system', text: message.content });
    else if (message.role === 'user') history.push({ type: 'user', text: message.content });
    else if (message.role === 'assistant') {
      const response: Extract<ChatHistoryItem, { type: 'model' }>['response'] = message.content === '' ? [] : [message.content];
      for (const call of message.toolCalls ?? []) {
        response.push({ type: 'functionCall', name: call.name, params: parseArguments(call.argumentsText) ?? {}, result: results.get(call.id) ?? '' });
      }
      history.push({ type: 'model', response });
    }
    // Tool messages were folded into the function call they answer.
  }
  // The model's turn to speak. After tool results the model continues its own turn (node-llama-cpp
  // completes the last model response), otherwise it starts a new one.
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

function parameterSchemaToGrammar(parameters: ParameterSchema): Json {
  return toGrammarSchema(parameters as unknown as Json);
}

/** The resolved, absolute model path and its identity for the cache key; a missing file fails fast. */
export function resolveModelFile(id: string, modelPath: string, cwd: string = process.cwd()): { path: string; size: number; modifiedMs: number } {
  const path = isAbsolute(modelPath) ? modelPath : resolve(cwd, modelPath);
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new Error('not a file');
    return { path, size: stats.size, modifiedMs: Math.round(stats.mtimeMs) };
  } catch {
    throw new BridleError(
      'MISSING_FILE',
      `${id}: no model file at ${path}; put the GGUF file there, or name its path in the id (llamacpp/<path.gguf>, relative to the project root)`,
    );
  }
}

/** The raw caller of one embedded model. */
export function createLlamaCppCaller(options: LlamaCppBackboneOptions & { id: string; path: string }): RawCaller {
  const label = options.id;
  const timeoutMs = options.timeoutMs ?? LLAMACPP_DEFAULT_TIMEOUT_MS;
  return async (request): Promise<RawCallResult> => {
    const loaded = await sharedModel(label, options.path, options);
    const schemaOption = (request.options?.jsonSchema ?? undefined) as JsonSchemaOption | undefined;
    const warnings: string[] = [];
    let grammar: LlamaGrammarLike | undefined;
    let grammarSchema: Json | undefined;
    if (schemaOption !== undefined) {
      const dropped = new Set<string>();
      grammarSchema = toGrammarSchema(schemaOption === 'action' ? actionJsonSchema(request.tools) : schemaOption, dropped);
      if (dropped.size > 0) warnings.push(`${label}: the output grammar cannot enforce ${[...dropped].sort().join(', ')}; those constraints were dropped`);
      grammar = await loaded.llama.createGrammarForJsonSchema(grammarSchema);
    }
    const native = request.toolMode === 'native' && request.tools.length > 0 && grammar === undefined;
    if (request.toolMode === 'native' && grammar !== undefined) {
      warnings.push(`${label}: native tool calls and a JSON schema exclude each other; generated JSON text under the schema`);
    }
    const functions = native
      ? Object.fromEntries(request.tools.map((tool) => [tool.name, { description: tool.description, params: parameterSchemaToGrammar(tool.parameters) }]))
      : undefined;
    const history = toChatHistory(request.messages, native ? 'native' : 'text');
    let inputTokens: number;
    try {
      const state = loaded.chat.chatWrapper.generateContextState({ chatHistory: history, ...(functions ? { availableFunctions: functions } : {}) });
      inputTokens = state.contextText.tokenize(loaded.model.tokenizer).length;
    } catch {
      inputTokens = Math.ceil(JSON.stringify(history).length / 4);
    }

    const samples: RawOutput[] = [];
    const exchanges: ModelExchange[] = [];
    let outputTokens = 0;
    const { temperature, topP, maxTokens, stop } = request.sampling;
    for (const sampleIndex of request.sampleIndices) {
      const generation: Record<string, unknown> = {
        temperature: temperature ?? LLAMACPP_DEFAULT_TEMPERATURE,
        seed: seedOf(options.seed ?? 0, sampleIndex),
      };
      if (topP !== undefined) generation.topP = topP;
      if (maxTokens !== undefined) generation.maxTokens = maxTokens;
      if (stop !== undefined && stop.length > 0) generation.customStopTriggers = stop;
      const body = { history, ...generation, ...(grammarSchema !== undefined ? { jsonSchema: grammarSchema } : {}), ...(functions ? { functions } : {}) };
      const started = performance.now();
      const deadline = startDeadline(timeoutMs, request.signal);
      let tokens = 0;
      try {
        const response = await loaded.chat.generateResponse(history, {
          ...generation,
          ...(grammar ? { grammar } : {}),
          ...(functions ? { functions } : {}),
          signal: deadline.signal,
          onToken: (generated: unknown[]) => {
            tokens += generated.length;
          },
        });
        const toolCalls: RawToolCall[] = (response.functionCalls ?? []).map((call, callIndex) => ({
          id: `call_${sampleIndex}_${callIndex}`,
          name: call.functionName,
          argumentsText: JSON.stringify(call.params ?? {}),
        }));
        if (grammar) {
          try {
            grammar.parse(response.response);
          } catch (error) {
            warnings.push(`${label}: sample ${sampleIndex} does not validate against the schema (${String((error as Error).message ?? error)})`);
          }
        }
        outputTokens += tokens;
        samples.push({ text: response.response, toolCalls });
        exchanges.push({
          backbone: label,
          sampleIndices: [sampleIndex],
          request: { url: pathToFileURL(options.path).href, body },
          response: { body: { text: response.response, functionCalls: response.functionCalls ?? [], stopReason: response.metadata.stopReason } },
          durationMs: Math.round(performance.now() - started),
        });
      } catch (error) {
        if (request.signal?.aborted) throw abortedError(label, request.signal.reason);
        const exchange: ModelExchange = {
          backbone: label,
          sampleIndices: [sampleIndex],
          request: { url: pathToFileURL(options.path).href, body },
          durationMs: Math.round(performance.now() - started),
        };
        // Local generation is deterministic for its seed: a retry would only repeat the failure.
        const failure = deadline.timedOut()
          ? new ModelCallError('MODEL_TIMEOUT', `${label}: generation took longer than ${timeoutMs} ms`, { cause: error, exchanges: [...exchanges, exchange] })
          : new ModelCallError('MODEL_FAULT', `${label}: generation failed: ${String((error as Error)?.message ?? error)}`, {
              cause: error,
              exchanges: [...exchanges, exchange],
            });
        exchange.error = { code: failure.code, message: failure.message };
        throw failure;
      } finally {
        deadline.dispose();
      }
    }
    return {
      samples,
      usage: { inputTokens: inputTokens * request.sampleIndices.length, outputTokens },
      warnings,
      exchanges,
    };
  };
}

/** A `llamacpp/<path.gguf>` backbone. A missing file fails here; a missing package fails on the first call. */
export function createLlamaCppBackbone(options: LlamaCppBackboneOptions): ModelBackbone {
  const id = options.id ?? `llamacpp/${options.modelPath}`;
  const file = resolveModelFile(id, options.modelPath, options.cwd);
  let limiter = modelLimiters.get(file.path);
  if (!limiter) {
    limiter = createLimiter(1);
    modelLimiters.set(file.path, limiter);
  }
  const contextSize = options.contextSize ?? null;
  return createModelBackbone({
    id,
    toolMode: options.toolMode ?? 'text',
    call: createLlamaCppCaller({ ...options, id, path: file.path }),
    identity: { provider: 'llamacpp', file: file.path, size: file.size, modifiedMs: file.modifiedMs, seed: options.seed ?? 0, contextSize },
    // All samples in one call: they share the loaded model and the rendered prompt.
    maxSamplesPerCall: 64,
    optionsOf: (request) => {
      const jsonSchema = (request as LlamaCppCompletionRequest).jsonSchema ?? options.jsonSchema;
      return jsonSchema === undefined ? undefined : { jsonSchema };
    },
    limiter,
    retry: retryOptionsOf(options),
    sampling: options.sampling,
    // A local model has no per-token price; configure one to account for compute.
    price: options.price ?? { inputPerMTok: 0, outputPerMTok: 0 },
    cache: options.cache,
    budget: options.budget,
    onExchange: options.onExchange,
  });
}
