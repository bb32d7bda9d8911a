/**
 * tau2-bench's reward, as its evaluator computes it (src/tau2/evaluator/: evaluator.py with
 * EvaluationType.ALL, evaluator_env.py, evaluator_communicate.py, evaluator_action.py):
 * - an episode that did not end by a stop of the agent or the user (step budget, 10 tool errors) scores 0;
 * - a task without evaluation criteria scores 1;
 * - the reward is the product of the components in the task's `reward_basis` (default DB and COMMUNICATE):
 *   DB: the final databases (agent's and user's) equal the gold replay's, compared by hash; a task with
 *     neither actions nor env_assertions passes it, a task with an empty action list must leave the
 *     database as it was;
 *   ENV_ASSERTION: every assertion function returns its assert_value on the final state (when one fails
 *     and DB does not count, the records that differ from the gold replay are reported, not scored);
 *   ACTION: every gold action matches some tool call of either side (name, and the arguments in
 *     compare_args, or every argument of the call when that is null);
 *   COMMUNICATE: each communicate_info string occurs in some agent message to the user, compared in lower
 *     case after removing the message's commas.
 * NL_ASSERTION needs an LLM judge; tau2's default evaluation (ALL) does not run it, so `nl_assertions` do
 * not count, and a task whose basis includes it is not loaded.
 * Each component becomes named checks, so failure mining can group by them; a DB mismatch names the
 * records that differ, a missing piece of information names the string.
 */
import type { StateDifference, Verification, VerificationCheck } from '../../src/contracts/environment.ts';
import type { JsonObject } from '../../src/harness/api.ts';
import { canonicalEqual } from '../../src/toolkit/canonical.ts';
import { check, describeDifference, verdict } from '../../src/toolkit/verify.ts';
import type { CallRecord } from '../../src/toolkit/define-environment.ts';
import type { EnvironmentAssertion, GoldAction, RewardType } from './task-data.ts';
import type { Tau2State, Tau2Task } from './world.ts';

/** tau2's orchestrator ends an episode at this many tool errors, and the episode then scores 0. */
export const MAX_TOOL_ERRORS = 10;

/** Everything the reward reads. */
export interface RewardInput<State extends Tau2State> {
  task: Tau2Task;
  /** The final state. */
  state: State;
  /** The gold replay's final state (computed on demand: only the DB component needs it). */
  gold: () => State;
  /** Every tool call of the episode, of both sides, failed ones included. */
  calls: readonly CallRecord[];
  /** Every message the agent sent the user (in ticket form: the final message). */
  agentMessages: readonly string[];
  /** True when the agent finished or the user ended the conversation. */
  stopped: boolean;
  /** Runs an assertion function on the final state (domains with env_assertions). */
  assert?: (state: State, assertion: EnvironmentAssertion) => boolean;
}

/** tau2's communicate check for one string. */
export function communicated(info: string, messages: readonly string[]): boolean {
  const wanted = info.toLowerCase();
  return messages.some((message) => message.trim() !== '' && message.toLowerCase().replaceAll(',', '').includes(wanted));
}

/** tau2's Action.compare_with_tool_call (the requestor is not compared). */
export function actionMatches(action: GoldAction, call: Pick<CallRecord, 'tool' | 'args'>): boolean {
  if (action.name !== call.tool) return false;
  const keys = action.compare_args ?? Object.keys(call.args);
  if (keys.length === 0) return true;
  const pick = (args: Record<string, unknown>) => Object.fromEntries(Object.entries(args).filter(([key]) => keys.includes(key)));
  return canonicalEqual(pick(call.args), pick(action.arguments as JsonObject));
}

/** Where a final state departs from the gold replay's, both sides (the user's tables as "user.<table>"). */
function databaseDifferences(state: Tau2State, gold: Tau2State): StateDifference[] {
  return [
    ...state.db.compare(gold.db),
    ...(state.userDb && gold.userDb ? state.userDb.compare(gold.userDb).map((difference) => ({ ...difference, table: `user.${difference.table}` })) : []),
  ];
}

/** Judge an episode the way tau2-bench does. */
export function rewardOf<State extends Tau2State>(input: RewardInput<State>): Verification {
  const { task, calls } = input;
  const errors = calls.filter((call) => !call.result.ok).length;
  const checks: VerificationCheck[] = [
    check('finished', input.stopped, input.stopped ? 'the episode ended with a stop of the agent or the user' : 'the episode did not end with a stop (tau2 scores such an episode 0)'),
    check('errors', errors < MAX_TOOL_ERRORS, `${errors} tool error(s); tau2 ends an episode at ${MAX_TOOL_ERRORS} with reward 0`),
  ];
  const criteria = task.criteria;
  if (criteria === null) return verdict(checks);
  const basis = new Set<RewardType>(criteria.reward_basis);
  let differences: StateDifference[] = [];

  if ((basis.has('DB') || basis.has('ENV_ASSERTION')) && (criteria.actions !== null || criteria.env_assertions !== null)) {
    if (basis.has('DB')) {
      differences = databaseDifferences(input.state, input.gold());
      const listed = differences.slice(0, 6).map(describeDifference).join('; ');
      checks.push(
        check(
          'database',
          differences.length === 0,
          differences.length === 0 ? 'the final database equals the gold replay' : `${differences.length} difference(s) from the gold replay: ${listed}${differences.length > 6 ? '; ...' : ''}`,
        ),
      );
    }
    if (basis.has('ENV_ASSERTION')) {
      let unmet = false;
      for (const assertion of criteria.env_assertions ?? []) {
        const met = input.assert ? input.assert(input.state, assertion) : false;
        unmet ||= !met;
        checks.push(check(`assertion:${assertion.func_name}`, met, `${assertion.func_name}(${JSON.stringify(assertion.arguments)}) should be ${assertion.assert_value}${met ? '' : ', and is not'}`));
      }
      // tau2 compares the databases for every task (RewardInfo.db_check) even where that does not count:
      // when an assertion fails, the records that depart from the gold replay say where it went wrong.
      if (unmet && !basis.has('DB')) differences = databaseDifferences(input.state, input.gold());
    }
  }
  if (basis.has('ACTION')) {
    for (const action of criteria.actions ?? []) {
      const found = calls.some((call) => actionMatches(action, call));
      checks.push(check(`action:${action.name}`, found, `${found ? 'made' : 'missing'}: ${action.name}(${JSON.stringify(action.arguments)})`));
    }
  }
  if (basis.has('COMMUNICATE')) {
    for (const info of criteria.communicate_info ?? []) {
      const found = communicated(info, input.agentMessages);
      checks.push(check('output:communicate', found, `${found ? 'the agent told the customer' : 'the agent never told the customer'} '${info}'`));
    }
  }
  return verdict(checks, { differences });
}
