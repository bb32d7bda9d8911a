/**
 * The Environment contract: what every deterministic environment (retail, airline, SQL, puzzles, ...)
 * implements. Only types; imports nothing but the harness API types.
 */
import type { Action, JsonObject, ToolResult, ToolSchema } from '../harness/api.ts';

/** Task splits. The engineer sees train trajectories, the gate sees validation scores, test is sealed. */
export type Split = 'train' | 'validation' | 'test';

/** The public face of a task: what the agent is asked. Expected outcomes stay inside the environment. */
export interface TaskInfo {
  /** Stable id, unique within the environment. */
  id: string;
  /** Which split the task belongs to. */
  split: Split;
  /** The full request, as the agent receives it (solo form: everything the customer wants is here). */
  instruction: string;
  /**
   * The task's kind (e.g. "select", "pick-and-place"), when the environment has kinds: splits are
   * stratified by it and reports group by it. Public: it must say nothing the instruction does not.
   */
  kind?: string;
}

/** Why a task failed or passed, check by check. */
export interface VerificationCheck {
  /** Stable check name, e.g. "database", "output:refund-amount", "policy:confirmation". */
  name: string;
  passed: boolean;
  /** Human-readable detail, e.g. which field differs. */
  detail?: string;
}

/** A difference between the final and the expected state, for grouping failures. */
export interface StateDifference {
  /** Table / collection name. */
  table: string;
  /** Record key within the table. */
  key: string;
  /** Field path within the record, when one field differs. */
  field?: string;
}

/** The verifier's judgement of a finished episode. */
export interface Verification {
  success: boolean;
  /** Reward in [0, 1]; 1 exactly when success. */
  reward: number;
  checks: VerificationCheck[];
  /** Where the final state differs from the expected one (empty on success). */
  differences: StateDifference[];
}

/** Why an oracle step is taken; simulated backbones use it to imitate specific slips. */
export type OraclePurpose = 'identify' | 'inspect' | 'confirm' | 'write' | 'finish';

/** One step of the correct remaining plan. */
export interface OracleStep {
  action: Action;
  purpose: OraclePurpose;
}

/** One episode of an environment: the live world of one task under one seed. */
export interface EnvironmentSession {
  /** The task being solved. */
  readonly task: TaskInfo;
  /** Run a tool call. Environment errors are results with `ok: false`, never exceptions. */
  step(tool: string, args: JsonObject): ToolResult;
  /**
   * Run a read-only tool without side effects (for `view.peek`). Calls to tools that are not read-only
   * return `{ ok: false }`.
   */
  peek(tool: string, args: JsonObject): ToolResult;
  /** Record the agent's final message; the episode is over afterwards. */
  finish(message: string): void;
  /** Judge the episode as it stands. */
  verify(): Verification;
  /**
   * The correct remaining plan from the current state, first step first (ends with a finish step).
   * Only simulated backbones and the meta-loop's false-positive check use it. An environment without an
   * oracle runs with real backbones only: no simulated backbones, no false-positive replay.
   */
  oracle?(): OracleStep[];
}

/**
 * The loop's tool for messaging the user in conversational form: `respond({ message })`; its result is the
 * user's reply. Oracles put it in their plans (e.g. asking for a confirmation the rules require).
 */
export const RESPOND_TOOL_NAME = 'respond';

/** What a user simulator is told for one task (conversational form). */
export interface UserBrief {
  /** The user simulator's system prompt: who the user is and what they want, from the task's scenario. */
  instructions: string;
  /** What the agent says first; the user's answer to it is the agent's first observation. */
  greeting: string;
  /** When the user's message contains one of these, the conversation is over (tau2: "###STOP###", ...). */
  stopTokens: readonly string[];
}

/** An episode in conversational form: a session plus the user's side of the conversation. */
export interface ConversationSession extends EnvironmentSession {
  /** The user simulator's brief. */
  readonly user: UserBrief;
  /** Record a message the agent sent to the user (the verifier reads what the agent said). */
  say(message: string): void;
  /** Record the user's message to the agent; `stop` is the stop token when it ended the conversation. */
  hear(message: string, stop?: string): void;
  /** Run a tool call on the user's side (e.g. a setting on the user's phone). Errors are results. */
  userStep(tool: string, args: JsonObject): ToolResult;
}

/**
 * Optional: the environment's tasks can also be played as a conversation with a user simulator that is
 * itself a backbone (tau2-bench's own protocol). The agent then gets the loop's `respond` tool besides its
 * own; the user simulator gets the brief, and may call the user-side tools.
 */
export interface Conversation {
  /** The written policy the agent receives in conversational form. */
  readonly rules: string;
  /** The agent's tools in conversational form (without the loop's `respond` and `finish`). */
  readonly tools: readonly ToolSchema[];
  /** Tools on the user's side, which only the user simulator calls. */
  readonly userTools: readonly ToolSchema[];
  /** Start a conversational episode. The same task and seed always give the same world. */
  reset(taskId: string, seed: number): ConversationSession;
}

/** How the loop's built-in `finish` tool is described to the agent, when an environment words it its own way. */
export interface FinishWording {
  /** The tool's description. */
  description: string;
  /** The description of its `message` argument. */
  message: string;
}

/** An environment: tools, public rules, tasks, and sessions. */
export interface Environment {
  /** Short name used on the command line, e.g. "retail". */
  readonly name: string;
  /** A public description of the environment for the engineer (what it is, how it is judged). */
  readonly description: string;
  /** The written policy the agent receives. */
  readonly rules: string;
  /** The environment's tools (without the loop's built-in `finish`). */
  readonly tools: readonly ToolSchema[];
  /** All tasks with their splits. */
  readonly tasks: readonly TaskInfo[];
  /** Default step budget per episode. */
  readonly maxSteps: number;
  /** False when sessions have no `oracle()` (then only real backbones can run). Absent means true. */
  readonly hasOracle?: boolean;
  /** How the splits were made, when that is worth saying (e.g. "validation carved from the benchmark's train ids"). */
  readonly splitNote?: string;
  /** The `finish` tool's wording, when the default (a final reply to a customer) does not fit. */
  readonly finish?: FinishWording;
  /** Start an episode. The same task and seed always give the same world. */
  reset(taskId: string, seed: number): EnvironmentSession;
  /** Present when tasks can also be played in conversation with a user simulator (`--user <backbone>`). */
  readonly conversation?: Conversation;
}

/** What an environment factory is given. */
export interface EnvironmentOptions {
  /** Seed of the generated world (each environment has its own default). */
  seed?: number;
  /** Absolute path of the folder the environment reads third-party data from (peer benchmarks). */
  data?: string;
}

/** A factory that builds an environment from options (seed of the generated world, data folder). */
export type EnvironmentFactory = (options?: EnvironmentOptions) => Environment | Promise<Environment>;
