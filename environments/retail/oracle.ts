/**
 * The oracle: the gold plan minus what the agent has already done. Reads count wherever they happened;
 * confirm + write pairs are matched in plan order; the final message always remains.
 */
import type { OracleStep } from '../../src/contracts/environment.ts';
import { canonicalEqual, cloneJson } from '../../src/toolkit/canonical.ts';
import type { CallRecord, SessionLog } from './log.ts';
import { CONFIRMATION_TOOL, IDENTIFICATION_TOOLS, isWriteTool, TRANSFER_TOOL } from './schemas.ts';
import type { RetailTask } from './tasks.ts';

type CallStep = OracleStep & { action: { kind: 'call' } };

function isCall(step: OracleStep | undefined): step is CallStep {
  return step?.action.kind === 'call';
}

function sameCall(call: CallRecord, step: CallStep): boolean {
  return call.tool === step.action.tool && canonicalEqual(call.args, step.action.arguments);
}

/** The steps of the task's gold plan the session's log has not yet satisfied, in order. */
export function remainingPlan(task: RetailTask, log: SessionLog): OracleStep[] {
  const done = log.calls.filter((call) => call.result.ok);
  const remaining: OracleStep[] = [];
  // Index into `done` just after the last matched write: later writes must come after it.
  let cursor = 0;
  for (let index = 0; index < task.plan.length; index++) {
    const step = task.plan[index] as OracleStep;
    if (!isCall(step)) {
      remaining.push(step);
      continue;
    }
    if (step.purpose === 'identify') {
      // Either lookup counts, as long as it found this customer.
      const identified = done.some((call) => (IDENTIFICATION_TOOLS as readonly string[]).includes(call.tool) && call.result.output.trim() === task.userId);
      if (!identified) remaining.push(step);
    } else if (step.purpose === 'inspect') {
      if (!done.some((call) => sameCall(call, step))) remaining.push(step);
    } else if (step.action.tool === TRANSFER_TOOL) {
      // The summary is free text: any hand-off satisfies it.
      if (!done.some((call) => call.tool === TRANSFER_TOOL)) remaining.push(step);
    } else if (step.purpose === 'confirm') {
      const write = task.plan[index + 1];
      if (!isCall(write)) continue;
      index++;
      const written = done.findIndex((call, position) => position >= cursor && sameCall(call, write));
      if (written !== -1) {
        cursor = written + 1;
        continue;
      }
      if (!pendingConfirmationMatches(done, cursor, step)) remaining.push(step);
      remaining.push(write);
    } else if (!done.some((call, position) => position >= cursor && sameCall(call, step))) {
      remaining.push(step);
    }
  }
  return cloneJson(remaining);
}

/** True when the newest confirmation after `cursor`, with no write after it, is exactly this one. */
function pendingConfirmationMatches(done: readonly CallRecord[], cursor: number, confirm: CallStep): boolean {
  for (let position = done.length - 1; position >= cursor; position--) {
    const call = done[position] as CallRecord;
    if (isWriteTool(call.tool)) return false;
    if (call.tool === CONFIRMATION_TOOL) return sameCall(call, confirm);
  }
  return false;
}
