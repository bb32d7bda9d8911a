/**
 * The Backbone contract: every model provider (simulated, Anthropic, OpenAI-compatible, embedded GGUF)
 * implements it. Only types; imports nothing but the harness API and environment contract types.
 */
import type { Action, RawOutput, RawToolCall, ToolResult, ToolSchema } from '../harness/api.ts';
import type { OracleStep } from './environment.ts';

/** One message of the conversation, provider-neutral. */
export type Message =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: RawToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

/** Sampling parameters. Providers that cannot honour one say so in `warnings`. */
export interface Sampling {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
}

/** How actions are expressed: native tool calls, or JSON in the text. */
export type ToolMode = 'native' | 'text';

/**
 * What a simulated backbone may look at. Real providers ignore it. A sim acts from the environment's
 * oracle and its own failure profile; of the conversation it reads nothing but, after a failed step, the
 * feedback it was told (see `HistoryEntry.feedback`), so that rewriting the prompt cannot change its draws.
 */
export interface EpisodeContext {
  /** Environment name. */
  environment: string;
  taskId: string;
  seed: number;
  /** Index of the step being decided. */
  step: number;
  /** The tools the agent can call (the built-in `finish` included). */
  tools: readonly ToolSchema[];
  /** The correct remaining plan from the current state. */
  oracle(): OracleStep[];
  /** The correct plan from the episode's initial state (the same at every step: per-episode draws read it). */
  initialPlan(): OracleStep[];
  /** The steps so far, oldest first. */
  history: readonly HistoryEntry[];
}

/** One earlier step, as a sim sees it. */
export interface HistoryEntry {
  raw: RawOutput;
  /** True when the step's output was rejected, blocked, or the environment returned an error. */
  failed: boolean;
  /** True when the step's action ran and changed the world (a successful call of a tool that is not read-only). */
  wrote: boolean;
  /** The action the step realized (after the harness's realize), or null when the output was rejected. */
  action: Action | null;
  /** The environment's own result, when the action was a tool call that ran (before any `interpret`). */
  result?: ToolResult;
  /**
   * What the model was told after the step: the rejection, block or environment result as `interpret`
   * rewrote it, followed by any message `regulate` injected. `prepare` rewrites of the next prompt are
   * not part of it.
   */
  feedback: string;
}

/** One model call. */
export interface CompletionRequest {
  /** The conversation, system message first. */
  messages: Message[];
  /** The tools the model may call. */
  tools: readonly ToolSchema[];
  toolMode: ToolMode;
  sampling: Sampling;
  /** How many samples to draw. */
  samples: number;
  /** Index of the first sample: resampling asks for samples it has not drawn yet (cache keys differ). */
  sampleOffset: number;
  /** Episode context for simulated backbones. */
  episode?: EpisodeContext;
  /** Aborts the call (episode timeout or run cancelled). */
  signal?: AbortSignal;
}

/** Token usage of one call. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** True when the numbers are estimates (simulated backbones), not a provider's count. */
  estimated?: boolean;
}

/** The answer to one model call. */
export interface Completion {
  /** One output per requested sample, in sample order. */
  samples: RawOutput[];
  usage: Usage;
  /** Cost in US dollars, when the model's price is known. */
  costUsd?: number;
  /** True when the answer came from the response cache. */
  cached?: boolean;
  /** Settings the provider could not honour, and similar notes. */
  warnings: string[];
}

/** A model behind one `provider/model` id. */
export interface Backbone {
  /** The `provider/model` id, e.g. "sim/scatter" or "anthropic/claude-sonnet-4-5". */
  readonly id: string;
  /** True for simulated backbones: every output that shows their results must say so. */
  readonly simulated: boolean;
  /** Whether actions go as native tool calls or as text. */
  readonly toolMode: ToolMode;
  complete(request: CompletionRequest): Promise<Completion>;
}
