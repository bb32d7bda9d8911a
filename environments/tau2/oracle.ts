/**
 * The oracle: the correct remaining plan from any state, built from the task's gold actions.
 * - Reads in the gold plan stay in it until a successful call has made them (in any order), unless they
 *   would fail in the current state (a lookup by a zip code the agent has since changed).
 * - Writes (gold actions that change the databases) are planned from the state, not the call log:
 *   1. when the state equals the gold replay's state after its k-th write, the writes after the k-th remain;
 *   2. otherwise (the agent did something the gold plan does not) the plan is the shortest tail of the gold
 *      writes that, run from this state, reaches the goal: an effect the agent undid is redone, a wrong
 *      change is overwritten where a gold write covers it. The goal is the gold final state, or, for a task
 *      judged on its env_assertions and not its database, any state where the assertions hold;
 *   3. for a domain that can say how to undo a change (telecom's phone: toggle a setting back), its repairs
 *      toward the gold state after as many writes as possible, then the shortest tail of the later writes;
 *   4. when none of that reaches the goal (the task is lost), every gold write whose effect is not there
 *      yet, as a best effort: one that fails or changes nothing on a copy of the state is already done or
 *      impossible, one whose effect repeats (a second refund) counts as done once a matching call
 *      succeeded, and one already made more often than the gold plan makes it is not planned again.
 * - Reads the written policy requires and the gold actions leave out (telecom: identify the customer)
 *   come first, planned like the gold reads.
 * - A gold action that changes nothing and is not a read (a hand-off) stays until a call of it succeeded.
 * - In conversational form each write is preceded by a confirmation request to the user (`respond`), the
 *   step the policy requires, and the user's own actions become requests to the user.
 * - The plan ends with a final message that states every communicate_info string.
 */
import type { OraclePurpose, OracleStep } from '../../src/contracts/environment.ts';
import type { JsonObject } from '../../src/harness/api.ts';
import type { CallRecord, Episode } from '../../src/toolkit/define-environment.ts';
import { callStep, finishStep, respondStep, sameCall } from '../../src/toolkit/oracle.ts';
import { canonicalEqual } from '../../src/toolkit/canonical.ts';
import type { GoldAction } from './task-data.ts';
import { TRANSFER_MESSAGE } from './scenario.ts';
import { forkState, stateHash, type GoldReplay, type GoldStep, type Tau2Runners, type Tau2State, type Tau2Task } from './world.ts';

/** What the oracle needs besides the episode. */
export interface OracleContext<State extends Tau2State> {
  /** The gold replay of the task. */
  gold: GoldReplay<State>;
  runners: Tau2Runners<State>;
  /** The purpose of a gold action (identify, inspect or write). */
  purposeOf(action: GoldAction): Exclude<OraclePurpose, 'finish' | 'confirm'>;
  /** True for tools (of either side) that only read. */
  isReadOnly(tool: string): boolean;
  /** The tool that hands the customer to a human, if the domain has one. */
  transferTool?: string;
  /** True when a state meets what the reward checks of it (default: it equals the gold final state). */
  goalReached?(state: State): boolean;
  /** Calls that undo changes off the gold path, from a state toward a state of the gold replay (none: nothing to undo). */
  repairsOf?(state: State, target: State): GoldAction[];
  /** Reads the policy requires before the gold actions (identify the customer, ...), which the gold actions leave out. */
  leadingReads?: readonly GoldAction[];
}

type Purpose = Exclude<OraclePurpose, 'finish' | 'confirm'>;

const argumentsOf = (action: GoldAction) => action.arguments as JsonObject;
const matches = (action: GoldAction) => (call: CallRecord) => sameCall(call, callStep(action.name, argumentsOf(action), 'inspect'));

/** The remaining plan for an episode. */
export function oracleOf<State extends Tau2State>(episode: Episode<State, Tau2Task>, context: OracleContext<State>): OracleStep[] {
  const conversation = episode.form === 'conversation';
  const succeeded = episode.calls.filter((call) => call.result.ok);
  // In ticket form the agent makes the user's calls too (tau2's solo mode); in a conversation the user does.
  const callsOf = (action: GoldAction) => (conversation ? succeeded.filter((call) => (action.requestor === 'user' ? call.by === 'user' : call.by === undefined)) : succeeded);
  const writes = context.gold.steps.filter((step) => step.ok && step.changed);
  const todo = writesToDo(episode, context, writes);
  const remainingWrites = new Set(todo.writes);
  // Only the next write can already have its confirmation; every later one needs its own.
  let confirmed = conversation && confirmationPending(episode, context);
  const plan: OracleStep[] = [];
  const write = (action: GoldAction) => {
    if (conversation && action.requestor === 'assistant') {
      if (!confirmed) plan.push(respondStep(`Before I go ahead: ${describe(action)}. Do you confirm (yes/no)?`, 'confirm'));
      confirmed = false;
    }
    plan.push(stepFor(action, 'write', conversation));
  };
  const read = (action: GoldAction) => {
    if (!callsOf(action).some(matches(action)) && stillAnswers(episode.state, action, context)) plan.push(stepFor(action, context.purposeOf(action), conversation));
  };
  (context.leadingReads ?? []).forEach(read);
  let repaired = todo.repairs.length === 0;
  for (const step of context.gold.steps) {
    if (!step.ok) continue; // tau2 skips a failing gold action: it contributes nothing.
    const action = step.action;
    if (context.isReadOnly(action.name)) {
      read(action);
    } else if (!step.changed) {
      if (!callsOf(action).some((call) => call.tool === action.name)) plan.push(stepFor(action, context.purposeOf(action), conversation));
    } else if (remainingWrites.has(step)) {
      if (!repaired) todo.repairs.forEach(write);
      repaired = true;
      write(action);
    }
  }
  if (!repaired) todo.repairs.forEach(write);
  plan.push(finishStep(finalMessageOf(episode.task, context)));
  return plan;
}

/** The writes still to make: repairs of off-path changes, then gold writes in order (see the file comment). */
function writesToDo<State extends Tau2State>(episode: Episode<State, Tau2Task>, context: OracleContext<State>, writes: readonly GoldStep[]): { repairs: GoldAction[]; writes: GoldStep[] } {
  const now = stateHash(episode.state);
  const prefixHashes = [context.gold.initialHash, ...writes.map((step) => step.hashAfter)];
  const onPath = prefixHashes.lastIndexOf(now);
  if (onPath !== -1) return { repairs: [], writes: writes.slice(onPath) };
  const goal = prefixHashes.at(-1);
  const reached = context.goalReached ?? ((state: State) => stateHash(state) === goal);
  const tail = shortestTail(episode.state, writes, context, reached);
  if (tail) return { repairs: [], writes: tail };
  if (context.repairsOf) {
    // Rejoin the gold path as late as possible: undo what stands between this state and the gold state
    // after k writes, then the shortest tail of the writes after the k-th that reaches the goal.
    const after = writes.map((step) => context.gold.states[context.gold.steps.indexOf(step) + 1]!);
    const prefixes = [context.gold.states[0]!, ...after];
    for (let k = writes.length; k >= 0; k--) {
      const state = forkState(episode.state);
      const repairs = repairToward(state, prefixes[k]!, context);
      if (repairs.length === 0) continue;
      const repairedTail = shortestTail(state, writes.slice(k), context, reached);
      if (repairedTail) return { repairs, writes: repairedTail };
    }
  }
  return { repairs: [], writes: bestEffort(episode, context, writes) };
}

/** Run the domain's repairs toward `target` on `state` (a few rounds: a reboot once the settings are right); the ones that changed something. */
function repairToward<State extends Tau2State>(state: State, target: State, context: OracleContext<State>): GoldAction[] {
  const repairs: GoldAction[] = [];
  for (let round = 0; round < 3; round++) {
    const more = context.repairsOf!(state, target).filter((action) => {
      const before = stateHash(state);
      return context.runners.run(state, action.requestor, action.name, argumentsOf(action)).ok && stateHash(state) !== before;
    });
    if (more.length === 0) break;
    repairs.push(...more);
  }
  return repairs;
}

/** The shortest tail of the gold writes that, run from `from`, reaches the goal (the writes that change something), or null. */
function shortestTail<State extends Tau2State>(from: State, writes: readonly GoldStep[], context: OracleContext<State>, reached: (state: State) => boolean): GoldStep[] | null {
  for (let start = writes.length; start >= 0; start--) {
    const state = forkState(from);
    const needed: GoldStep[] = [];
    let failed = false;
    for (const step of writes.slice(start)) {
      const before = stateHash(state);
      if (!context.runners.run(state, step.action.requestor, step.action.name, argumentsOf(step.action)).ok) {
        failed = true;
        break;
      }
      if (stateHash(state) !== before) needed.push(step);
    }
    if (!failed && reached(state)) return needed;
  }
  return null;
}

/** Every gold write whose effect is not in the state yet (the task can no longer be solved exactly). */
function bestEffort<State extends Tau2State>(episode: Episode<State, Tau2Task>, context: OracleContext<State>, writes: readonly GoldStep[]): GoldStep[] {
  const used = new Set<CallRecord>();
  const needed: GoldStep[] = [];
  let state = forkState(episode.state);
  for (const step of writes) {
    const action = step.action;
    // No endless retries on a lost task: a write already made more often than the gold plan makes it is done.
    const made = episode.calls.filter((call) => call.result.ok && matches(action)(call)).length;
    if (made > writes.filter((other) => other.action.name === action.name && canonicalEqual(other.action.arguments, action.arguments)).length) continue;
    const attempt = forkState(state);
    if (!context.runners.run(attempt, action.requestor, action.name, argumentsOf(action)).ok || stateHash(attempt) === stateHash(state)) continue;
    const matched = episode.calls.find((call) => call.result.ok && !used.has(call) && matches(action)(call));
    if (matched) {
      used.add(matched);
      const again = forkState(attempt);
      const repeated = context.runners.run(again, action.requestor, action.name, argumentsOf(action));
      // An effect that repeats (a second refund) cannot be told from the state: trust the call log.
      if (!repeated.ok || stateHash(again) !== stateHash(attempt)) continue;
    }
    needed.push(step);
    state = attempt;
  }
  return needed;
}

/** True when a read would succeed on the current state. */
function stillAnswers<State extends Tau2State>(state: State, action: GoldAction, context: OracleContext<State>): boolean {
  return context.runners.run(forkState(state), action.requestor, action.name, argumentsOf(action)).ok;
}

/** A gold action as a plan step; in conversational form the user's own actions are requests to the user. */
function stepFor(action: GoldAction, purpose: Purpose, conversation: boolean): OracleStep {
  if (action.requestor === 'user') {
    return conversation ? respondStep(`Could you please do this on your side: ${describe(action)}?`, purpose) : callStep(action.name, argumentsOf(action), purpose);
  }
  return callStep(action.name, argumentsOf(action), purpose);
}

function describe(action: GoldAction): string {
  return `${action.name}(${Object.entries(action.arguments).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ')})`;
}

/** True when the agent's latest message to the user came after every successful change (of either side). */
function confirmationPending<State extends Tau2State>(episode: Episode<State, Tau2Task>, context: OracleContext<State>): boolean {
  const lastAgentMessage = [...episode.transcript].reverse().find((entry) => entry.from === 'agent');
  if (!lastAgentMessage) return false;
  return !episode.calls.slice(lastAgentMessage.afterCalls).some((call) => call.result.ok && !context.isReadOnly(call.tool));
}

/** The final message: every piece of information the customer must hear, and the hand-off line when due. */
export function finalMessageOf(task: Tau2Task, context: { gold: GoldReplay<Tau2State>; transferTool?: string }): string {
  const info = task.criteria?.communicate_info ?? [];
  const parts = [info.length > 0 ? `Here is what you asked for: ${info.join('; ')}.` : 'Your request has been handled as far as our policy allows.'];
  if (context.transferTool && context.gold.steps.some((step) => step.ok && step.action.name === context.transferTool)) parts.push(TRANSFER_MESSAGE);
  return parts.join(' ');
}
