/**
 * The meta-loop's internal contracts (DESIGN.md §5): failure groups, what an engineer is given and
 * returns, and what the checker answers. Types only.
 */
import type { ToolSchema } from '../harness/api.ts';
import type { Trajectory } from '../agent/trajectory.ts';
import type { HarnessFile } from '../store/harness-files.ts';
import type { CompiledHarness } from '../../sandboxes/types.ts';

/** The public face of an environment, as an engineer sees it. */
export interface EnvironmentBrief {
  name: string;
  description: string;
  rules: string;
  /** The agent's tools, the loop's `finish` included. */
  tools: readonly ToolSchema[];
}

/** What kind of failure a group collects. */
export type FailureKind =
  | 'parse'
  | 'unknown-tool'
  | 'environment-error'
  | 'guard-block'
  | 'sandbox'
  | 'loop'
  | 'give-up'
  | 'premature-stop'
  | 'policy'
  | 'state'
  | 'step-budget'
  | 'model-fault';

/** Failed episodes that share a signature. */
export interface FailureGroup {
  /** Stable signature, e.g. "environment-error:cancel_pending_order:invalid-format". */
  signature: string;
  kind: FailureKind;
  /** One line for people and engineers. */
  title: string;
  /** The tool involved, when there is one. */
  tool?: string;
  /** Distinct failed tasks that carry the signature (the ranking key: tasks sunk). */
  taskIds: string[];
  /** Failed episodes that carry the signature. */
  episodes: number;
  /** A few distinct pieces of evidence: error texts, rejected outputs, check details. */
  evidence: string[];
}

/** A trajectory cut down for an engineer: the decisive steps, repetition collapsed. */
export interface CompressedTrajectory {
  taskId: string;
  backbone: string;
  instruction: string;
  /** How it ended and why it failed (verifier checks). */
  outcome: string;
  /** One line per kept step. */
  steps: string[];
  /** Steps left out. */
  omitted: number;
  /** Rough token count of the whole text. */
  tokens: number;
}

/** A candidate that did not make it, and why; shown to the engineer on its next attempt at the group. */
export interface RejectedAttempt {
  attempt: number;
  files: HarnessFile[];
  reason: string;
  diagnostics?: string[];
  /** The HEAD (commit sha) it was judged against. */
  head?: string;
  /** True when HEAD has changed since: the same change might fare differently now. */
  stale?: boolean;
}

/** Everything an engineer gets for one proposal. */
export interface EngineerRequest {
  environment: EnvironmentBrief;
  /** The harness API source (`bridle/harness`), the only import a module may use. */
  apiTypes: string;
  /** The current harness (HEAD of the run branch), in fold order. */
  modules: readonly HarnessFile[];
  group: FailureGroup;
  examples: readonly CompressedTrajectory[];
  rejected: readonly RejectedAttempt[];
  /**
   * Every train trajectory of HEAD (failed and successful), for engineers that mine evidence directly.
   * Train only: engineers never see validation or test episodes.
   */
  train: readonly Trajectory[];
}

/** Token and call accounting of one engineer answer. */
export interface EngineerUsage {
  inputTokens: number;
  outputTokens: number;
  calls: number;
  costUsd?: number;
}

/** An engineer's answer: files to add or replace, files to delete. */
export interface Proposal {
  /** New or edited module files, full contents. */
  files: HarnessFile[];
  /** Module files to delete. */
  remove: string[];
  /** The full module order after the change; absent: new files go last, the rest keep their order. */
  order?: string[];
  /** One line: what the change does. */
  summary: string;
  usage: EngineerUsage;
}

/** Writes harness modules from failures. */
export interface Engineer {
  /** "heuristic" or a backbone id such as "anthropic/claude-sonnet-4-5". */
  readonly id: string;
  /** Propose a change for the request's failure group; null when it has nothing (more) to offer. */
  propose(request: EngineerRequest): Promise<Proposal | null>;
  /** Fix a proposal that failed the check, given its diagnostics; null when it cannot. */
  repair(request: EngineerRequest, proposal: Proposal, diagnostics: readonly string[]): Promise<Proposal | null>;
}

/** The result of checking a whole candidate harness (the proposal applied to HEAD). */
export type CheckResult =
  | { ok: true; compiled: CompiledHarness; ms: number }
  | { ok: false; stage: 'type' | 'lint' | 'leak' | 'compile'; diagnostics: string[]; ms: number };

/** Strings a harness must not contain: they would encode answers, not rules (DESIGN.md §5.6). */
export interface LeakCorpus {
  /** Every task instruction (all splits). */
  instructions: readonly string[];
  /** Values of the gold plans' arguments (ids, emails, names, ...) that are not public (not in rules or tool schemas). */
  values: readonly string[];
  /** The public text (rules, description, tool schemas): stretches found there are never leaks. */
  publicText?: string;
}
