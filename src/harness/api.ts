/**
 * The harness API, version 1: the only thing a harness module may import (as `bridle/harness`).
 *
 * Generated modules live for years in users' repositories, so this file never changes a released shape
 * in place: a new version goes beside it. Everything that crosses a hook boundary is plain JSON data;
 * the only functions a module ever receives are `view.peek` and `view.rng`.
 *
 * This file imports nothing.
 */

/** The version tag of this API. Modules are checked and run against exactly this version. */
export const HARNESS_API_VERSION = 1 as const;

/** Plain JSON data: the only kind of value that crosses the sandbox boundary. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** The JSON Schema subset bridle uses for tool parameters. */
export interface ParameterSchema {
  /** JSON type of the value. */
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  /** What the value means, as the model reads it. */
  description?: string;
  /** The only allowed values. */
  enum?: Json[];
  /** A regular expression a string value must match (ECMAScript syntax, anchored by the author). */
  pattern?: string;
  /** Schema of each element, for arrays. */
  items?: ParameterSchema;
  /** Schemas of the fields, for objects. */
  properties?: Record<string, ParameterSchema>;
  /** Fields that must be present, for objects. */
  required?: string[];
  /** Smallest allowed number. */
  minimum?: number;
  /** Largest allowed number. */
  maximum?: number;
}

/** A tool the agent can call, as the environment publishes it. */
export interface ToolSchema {
  /** The tool's name, exactly as an action must spell it. */
  name: string;
  /** What the tool does, as the model reads it. */
  description: string;
  /** The tool's arguments: always an object schema. */
  parameters: ParameterSchema & {
    type: 'object';
    properties: Record<string, ParameterSchema>;
    required: string[];
  };
  /** True when the tool only reads state; only such tools can be called through `view.peek`. */
  readOnly: boolean;
}

/** What the agent does in one step: call a tool, or finish the episode with a final message. */
export type Action =
  | {
      kind: 'call';
      /** Tool name. */
      tool: string;
      /** Tool arguments. */
      arguments: JsonObject;
    }
  | {
      kind: 'finish';
      /** The agent's final reply to the customer / final answer. */
      message: string;
    };

/** A native tool call as the backbone returned it, arguments still as text. */
export interface RawToolCall {
  /** Call id given by the provider (used to pair the result message). */
  id: string;
  /** Tool name as the model spelled it. */
  name: string;
  /** The arguments as the model wrote them (usually JSON text, not guaranteed to parse). */
  argumentsText: string;
}

/** One sample of model output, untouched. */
export interface RawOutput {
  /** The text the model wrote (may be empty when it only made tool calls). */
  text: string;
  /** Native tool calls, in order (empty in text-action mode). */
  toolCalls: RawToolCall[];
}

/** The result of running a tool in the environment. Errors are data, written as the environment's text. */
export interface ToolResult {
  /** False when the environment refused or failed the call. */
  ok: boolean;
  /** What the tool printed: the result (often JSON text) or the error message. */
  output: string;
}

/** What one finished step looked like, as harness code sees it. */
export interface StepView {
  /** 0-based step index. */
  index: number;
  /** The model output that was chosen for this step (after resampling and ranking). */
  raw: RawOutput;
  /** The realized action, or null when realization rejected the output. */
  action: Action | null;
  /** Why realization rejected the output (the default parser or a module). */
  rejection?: string;
  /** Why a guard blocked the action (the action did not run). */
  blocked?: string;
  /** The environment's result, when the action was a tool call that ran. */
  result?: ToolResult;
  /** What the model was told after the step (the interpreted feedback). */
  feedback: string;
}

/** The read-only snapshot every hook receives. */
export interface View {
  /** Always 1 for this API. */
  readonly apiVersion: typeof HARNESS_API_VERSION;
  /** Name of the environment ("retail", ...). */
  readonly environment: string;
  /** The task instruction, as the agent received it. */
  readonly instruction: string;
  /** The environment's tools (the built-in `finish` tool included). */
  readonly tools: readonly ToolSchema[];
  /** The environment's public rules (its written policy). */
  readonly rules: string;
  /** Index of the current step (0-based). */
  readonly step: number;
  /** The step budget of the episode. */
  readonly maxSteps: number;
  /** Every finished step so far, oldest first. */
  readonly trajectory: readonly StepView[];
  /**
   * Call one of the environment's read-only tools. Never mutates state; calls are counted and capped
   * per hook call. Peeking a tool that is not read-only, or past the cap, is a bridge denial: the hook
   * call ends in a `SANDBOX_BRIDGE_DENIED` violation.
   */
  peek(tool: string, args: JsonObject): ToolResult;
  /** A seeded random number in [0, 1): deterministic for the episode's seed. There is no `Math.random`. */
  rng(): number;
}

/** What the model is about to see this step. */
export interface Prompt {
  /** The system text: rules, tool contracts, skills. */
  system: string;
  /** The newest observation (the instruction on step 0, the interpreted feedback afterwards). */
  observation: string;
}

/** Realization state handed from module to module. */
export interface Draft {
  /** The model output being realized. */
  raw: RawOutput;
  /** The action realized so far (by the strict default parser or an earlier module), or null. */
  action: Action | null;
  /** Why the output does not (yet) realize, when `action` is null. */
  error?: string;
}

/** What a `realize` hook may return. Returning nothing leaves the draft as it is. */
export type RealizeVerdict =
  | { action: Action }
  | { reject: string }
  | { resample: number };

/** One of several samples drawn in the same step, after realize and guard. */
export interface Candidate {
  /** The sample's position in the step's sample list. */
  index: number;
  /** The sample. */
  raw: RawOutput;
  /** The realized action, or null. */
  action: Action | null;
  /** Why realization rejected it. */
  rejection?: string;
  /** Why a guard blocked it. */
  blocked?: string;
}

/** What a `guard` hook may return. Returning nothing allows the action. */
export type GuardVerdict = { block: string };

/** The environment's answer to an action, as `interpret` sees it. */
export interface Outcome {
  /** The action that ran (or was blocked / rejected: then `result` is absent). */
  action: Action | null;
  /** The environment's result, when the action ran. */
  result?: ToolResult;
  /** What the model will be told: the result text or the rejection/block feedback, as rewritten so far. */
  text: string;
}

/** What a `regulate` hook may return. Returning nothing lets the episode continue as it is. */
export type RegulateVerdict =
  | { inject: string }
  | { resample: number }
  | { stop: string };

/** A harness module: a name, the failure it addresses, and any of the hooks. */
export interface HarnessModule {
  /** Short kebab-case name, unique within a harness. */
  name: string;
  /** One line: the failure this module addresses. */
  why: string;
  /** Shape what the model sees this step. */
  prepare?(prompt: Prompt, view: View): Prompt | undefined | void;
  /** Turn model output into an action, reject it with feedback, or ask for k samples. */
  realize?(draft: Draft, view: View): RealizeVerdict | undefined | void;
  /** Pick one of k samples (return its `index`). */
  rank?(candidates: Candidate[], view: View): number | undefined | void;
  /** Check an action before it runs; block it with feedback. */
  guard?(action: Action, view: View): GuardVerdict | undefined | void;
  /** Rewrite what the model is told after an action. */
  interpret?(outcome: Outcome, view: View): string | undefined | void;
  /** After each step: continue, inject a message, resample next step, or stop. */
  regulate?(view: View): RegulateVerdict | undefined | void;
}

/** The names of the hooks, in the order the episode loop calls them within a step. */
export const HOOK_NAMES = ['prepare', 'realize', 'rank', 'guard', 'interpret', 'regulate'] as const;
/** One hook's name. */
export type HookName = (typeof HOOK_NAMES)[number];

/** Declare a harness module. An identity function that gives the object its type. */
export function defineModule<const T extends HarnessModule>(module: T): T {
  return module;
}
