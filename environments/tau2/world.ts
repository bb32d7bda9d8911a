/**
 * The world of a tau2 episode and the gold replay. The state holds the agent's database and, for domains
 * with a user side (telecom's phone), the user's; tools run on it through one dispatcher per side. The
 * gold replay is tau2's: the task's gold actions run on the initial state, each through the side that
 * requested it, and an action that fails is skipped (tau2 logs it and goes on).
 */
import type { JsonObject, ToolResult } from '../../src/harness/api.ts';
import type { TaskInfo } from '../../src/contracts/environment.ts';
import { createToolRunner, type ToolDefinition, type ToolRunner } from '../../src/toolkit/tools.ts';
import { hashOf } from '../../src/toolkit/canonical.ts';
import type { RecordStore, Tables } from './store.ts';
import type { EnvironmentCall, EvaluationCriteria, GoldAction, Tau2TaskData } from './task-data.ts';

/** One episode's world: the agent's database and the user's side, when the domain has one. */
export interface Tau2State<Db extends Tables = Tables, UserDb extends Tables = Tables> {
  /** The agent's database (users, orders, reservations, ...). */
  readonly db: RecordStore<Db>;
  /** The user's side (telecom's device), or null. */
  readonly userDb: RecordStore<UserDb> | null;
}

/** A tau2 task as bridle keeps it: the public face plus the benchmark's data. */
export interface Tau2Task extends TaskInfo {
  /** The task as tasks.json has it. */
  readonly data: Tau2TaskData;
  /** Its evaluation criteria (tau2's defaults filled in; null when the task has none). */
  readonly criteria: EvaluationCriteria | null;
}

/** What the gold replay found out about one gold action. */
export interface GoldStep {
  readonly action: GoldAction;
  /** The replay ran it without an error. */
  readonly ok: boolean;
  /** Its output (the error text when it failed). */
  readonly output: string;
  /** It changed the databases. */
  readonly changed: boolean;
  /** The hash of the state after it ran. */
  readonly hashAfter: string;
}

/** The gold replay of a task: the expected final state and what each gold action did. */
export interface GoldReplay<State> {
  readonly state: State;
  readonly steps: readonly GoldStep[];
  /** The hash of the initial state. */
  readonly initialHash: string;
  /** The initial state, then the state after each step (copies: never run tools on them). */
  readonly states: readonly State[];
}

/** The tool dispatchers of a domain's two sides. */
export interface Tau2Runners<State> {
  /** The agent's tools. */
  readonly agent: ToolRunner<State>;
  /** The user's tools (empty when the domain has no user side). */
  readonly user: ToolRunner<State>;
  /** Run a call on the side that requested it. */
  run(state: State, requestor: 'assistant' | 'user', tool: string, args: JsonObject): ToolResult;
}

/** Dispatchers for both sides. */
export function createRunners<State>(agentTools: readonly ToolDefinition<State>[], userTools: readonly ToolDefinition<State>[]): Tau2Runners<State> {
  const agent = createToolRunner(agentTools);
  const user = createToolRunner(userTools);
  return { agent, user, run: (state, requestor, tool, args) => (requestor === 'user' ? user : agent).run(state, tool, args) };
}

/** A tool that runs tau2's sync_tools after every call (also a refused one, as tau2's step does). */
export function withSync<State>(tool: ToolDefinition<State>, sync?: (state: State) => void): ToolDefinition<State> {
  if (!sync) return tool;
  return {
    ...tool,
    run(state, args) {
      try {
        return tool.run(state, args);
      } finally {
        sync(state);
      }
    },
  };
}

/** A hash of both sides of a state. */
export function stateHash(state: Tau2State): string {
  return hashOf([state.db.hash(), state.userDb?.hash() ?? null]);
}

/** An independent copy of a state (the frozen bases stay shared). */
export function forkState<State extends Tau2State>(state: State): State {
  return { ...state, db: state.db.fork(), userDb: state.userDb?.fork() ?? null };
}

/** Replay a task's gold actions on a fresh state. */
export function replayGold<State extends Tau2State>(fresh: State, actions: readonly GoldAction[], runners: Tau2Runners<State>): GoldReplay<State> {
  const steps: GoldStep[] = [];
  const initialHash = stateHash(fresh);
  const states = [forkState(fresh)];
  let before = initialHash;
  for (const action of actions) {
    const result = runners.run(fresh, action.requestor, action.name, action.arguments as JsonObject);
    const after = stateHash(fresh);
    steps.push({ action, ok: result.ok, output: result.output, changed: after !== before, hashAfter: after });
    states.push(forkState(fresh));
    before = after;
  }
  return { state: fresh, steps, initialHash, states };
}

/** Runs tau2's environment functions (initialization actions, assertions) for domains that have them. */
export type FunctionRunner<State> = (state: State, call: EnvironmentCall) => unknown;
