/**
 * The verifier: final database against the expected one, required outputs in the final message, and the
 * checkable parts of the policy (confirmation before writes, identification first, transfer only when due).
 */
import type { StateDifference, Verification, VerificationCheck } from '../../src/contracts/environment.ts';
import type { JsonObject } from '../../src/harness/api.ts';
import { canonicalEqual, hashOf } from '../../src/toolkit/canonical.ts';
import { TABLES, type RetailDatabase } from './data.ts';
import type { CallRecord, SessionLog } from './log.ts';
import { CONFIRMATION_TOOL, IDENTIFICATION_TOOLS, isWriteTool, TRANSFER_TOOL } from './schemas.ts';
import { replayPlan, type RetailTask } from './tasks.ts';
import { containsOutput } from './text-match.ts';

/** Everything the verifier looks at. */
export interface EpisodeState {
  task: RetailTask;
  /** The session's database now. */
  database: RetailDatabase;
  /** The fresh world the session started from (to rebuild the expected state for differences). */
  world: RetailDatabase;
  log: SessionLog;
}

/** Judge an episode as it stands. */
export function verifyEpisode(state: EpisodeState): Verification {
  const { task, database, log } = state;
  const databaseMatches = hashOf(database) === task.expectedHash;
  const differences = databaseMatches ? [] : compareDatabases(database, replayPlan(state.world, task, task.id));
  const checks: VerificationCheck[] = [
    {
      name: 'database',
      passed: databaseMatches,
      detail: databaseMatches ? 'final database equals the expected one' : `${differences.length} difference(s): ${differences.slice(0, 5).map(describeDifference).join('; ')}`,
    },
    ...outputChecks(task, log.finalMessage ?? ''),
    confirmationCheck(log.calls),
    identificationCheck(log.calls, task.userId),
    transferCheck(log.calls, task.expectsTransfer),
    { name: 'finished', passed: log.finalMessage !== null, detail: log.finalMessage !== null ? 'the episode ended with a final message' : 'no final message' },
  ];
  const success = checks.every((check) => check.passed);
  return { success, reward: success ? 1 : 0, checks, differences };
}

function describeDifference(difference: StateDifference): string {
  return [difference.table, difference.key, difference.field].filter((part) => part !== undefined).join('.');
}

function outputChecks(task: RetailTask, message: string): VerificationCheck[] {
  return task.requiredOutputs.map((required) => {
    const passed = containsOutput(message, required);
    return { name: 'output:required', passed, detail: `${passed ? 'final message states' : 'final message does not state'} '${required}'` };
  });
}

const successful = (calls: readonly CallRecord[]) => calls.filter((call) => call.result.ok);

/** Every successful write must follow a confirmation of exactly that write, with no write in between. */
function confirmationCheck(calls: readonly CallRecord[]): VerificationCheck {
  let confirmed: JsonObject | null = null;
  const problems: string[] = [];
  for (const call of successful(calls)) {
    if (call.tool === CONFIRMATION_TOOL) {
      confirmed = call.args;
    } else if (isWriteTool(call.tool)) {
      if (!confirmed) problems.push(`${call.tool} without a confirmation`);
      else if (confirmed.action !== call.tool || !canonicalEqual(confirmed.arguments, call.args)) problems.push(`${call.tool} differs from the confirmation before it`);
      confirmed = null;
    }
  }
  return {
    name: 'policy:confirmation',
    passed: problems.length === 0,
    detail: problems.length === 0 ? 'every write was confirmed right before it' : problems.join('; '),
  };
}

/** The customer must be identified with a find_user_id_* call before the first successful write. */
function identificationCheck(calls: readonly CallRecord[], userId: string): VerificationCheck {
  const done = successful(calls);
  const firstWrite = done.findIndex((call) => isWriteTool(call.tool));
  const identified = done.findIndex(
    (call) => (IDENTIFICATION_TOOLS as readonly string[]).includes(call.tool) && call.result.output.trim() === userId,
  );
  const passed = firstWrite === -1 || (identified !== -1 && identified < firstWrite);
  let detail = 'no write was made';
  if (firstWrite !== -1) detail = passed ? 'the customer was identified before the first write' : 'a write happened before the customer was identified';
  return { name: 'policy:identification', passed, detail };
}

/** A hand-off must happen exactly when the request needs a human. */
function transferCheck(calls: readonly CallRecord[], expected: boolean): VerificationCheck {
  const transferred = successful(calls).some((call) => call.tool === TRANSFER_TOOL);
  const passed = transferred === expected;
  const detail = expected
    ? transferred ? 'transferred to a human as required' : 'the request needed a transfer to a human'
    : transferred ? 'transferred to a human although the policy covers the request' : 'no transfer, as required';
  return { name: 'policy:transfer', passed, detail };
}

/** Table / key / top-level field differences between two databases. */
export function compareDatabases(actual: RetailDatabase, expected: RetailDatabase): StateDifference[] {
  const differences: StateDifference[] = [];
  for (const table of TABLES) {
    const actualTable = actual[table] as Record<string, object>;
    const expectedTable = expected[table] as Record<string, object>;
    for (const key of unionKeys(actualTable, expectedTable)) {
      const actualRecord = actualTable[key] as Record<string, unknown> | undefined;
      const expectedRecord = expectedTable[key] as Record<string, unknown> | undefined;
      if (!actualRecord || !expectedRecord) {
        differences.push({ table, key });
        continue;
      }
      for (const field of unionKeys(actualRecord, expectedRecord)) {
        if (!canonicalEqual(actualRecord[field], expectedRecord[field])) differences.push({ table, key, field });
      }
    }
  }
  return differences;
}

function unionKeys(left: object, right: object): string[] {
  return [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
}
