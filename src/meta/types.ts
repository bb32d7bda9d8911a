/**
 * The meta-loop's internal contracts (DESIGN.md §5): failure groups, what an engineer is given and
 * returns, and what the checker answers. Types only.
 */
import type { ToolSchema } from '../harness/api.ts';
import type { Trajectory } from '../agent/trajectory.ts';
import type { HarnessFile } from '../store/harness-files.ts';
import type { CompiledHarness } from '../../sandboxes/types.ts';
import type { RunStore } from './store/run-store.ts';
import type { Message } from '../contracts/backbone.ts';

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
  /** The run store and the experiment tool, for engineers that browse and experiment (agents). */
  workbench?: EngineerWorkbench;
}

/** A draft harness change to try: like a proposal, without a summary. */
export interface ExperimentDraft {
  files: HarnessFile[];
  remove?: string[];
  order?: string[];
}

/** What one `try_candidate` call found: check diagnostics and train scores, never validation or test. */
export interface ExperimentReport {
  /** 1-based number of the experiment within the proposal. */
  experiment: number;
  /** How far it got: refused (budget), check, replay, screen, or done (passed all three). */
  stage: 'refused' | 'check' | 'replay' | 'screen' | 'done';
  /** True when it passed the check and the replay and beat HEAD on train. */
  ok: boolean;
  /** One line. */
  message: string;
  /** Check diagnostics or replay findings. */
  diagnostics: string[];
  /** Train success per train backbone: HEAD and the draft (same tasks, trials and seeds). */
  train?: { head: Record<string, number>; draft: Record<string, number>; headMean: number; draftMean: number };
  /** On how many of the failure group's train tasks the changed modules fired during the screen. */
  activation?: { groupTasks: number; firedOn: number };
  /** The store source holding the screen's train trajectories (`experiment-N`). */
  trajectories?: string;
  /** Experiments left for this proposal. */
  remaining: number;
}

/** The run store and the experiment tool, given to an engineer for one proposal. */
export interface EngineerWorkbench {
  store: RunStore;
  /** Check, replay and screen a draft on train (counted against `maxExperiments`). */
  tryCandidate(draft: ExperimentDraft): Promise<ExperimentReport>;
  /** Most experiments this proposal may run. */
  readonly maxExperiments: number;
  /** Experiments run so far for this proposal. */
  experiments(): number;
}

/** Token and call accounting of one engineer answer. */
export interface EngineerUsage {
  inputTokens: number;
  outputTokens: number;
  /** Model calls (turns). */
  calls: number;
  costUsd?: number;
  /** Tool calls the engineer made (agents: store reads, experiments, submit). */
  toolCalls?: number;
  /** `try_candidate` experiments it ran. */
  experiments?: number;
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
  /** The conversation that produced it (agents), kept beside the candidate for review; train data only. */
  transcript?: readonly Message[];
}

/** How an engineer works. */
export type EngineerKind = 'heuristic' | 'single' | 'agent' | 'coding-agent';

/** Writes harness modules from failures. */
export interface Engineer {
  /** "heuristic" or a backbone id such as "anthropic/claude-sonnet-4-5". */
  readonly id: string;
  /** How it works, for provenance: one answer per call (`single`), tools over the run store (`agent`), a coding agent in a scratch folder, or templates (`heuristic`). */
  readonly kind?: EngineerKind;
  /** The model behind it, when there is one (for commit trailers). */
  readonly model?: string;
  /** Propose a change for the request's failure group; null when it has nothing (more) to offer. */
  propose(request: EngineerRequest): Promise<Proposal | null>;
  /** Fix a proposal that failed the check, given its diagnostics; null when it cannot. */
  repair(request: EngineerRequest, proposal: Proposal, diagnostics: readonly string[]): Promise<Proposal | null>;
  /** Release what it holds (scratch folders); called once when the run ends. */
  close?(): Promise<void>;
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
