/**
 * Oracle building blocks. An oracle returns the correct remaining plan from any state; each step carries a
 * purpose tag, which simulated backbones use to imitate specific slips (skipping an identification or a
 * confirmation, stopping right after a write) and which nothing else reads.
 */
import type { JsonObject } from '../harness/api.ts';
import { RESPOND_TOOL_NAME, type OraclePurpose, type OracleStep } from '../contracts/environment.ts';
import { canonicalEqual, cloneJson } from './canonical.ts';
import type { CallRecord } from './define-environment.ts';

/** A tool call step of a plan. */
export function callStep(tool: string, args: JsonObject, purpose: Exclude<OraclePurpose, 'finish'>): OracleStep {
  return { action: { kind: 'call', tool, arguments: cloneJson(args) }, purpose };
}

/** A message to the user in conversational form (the loop's `respond` tool), e.g. asking for a confirmation. */
export function respondStep(message: string, purpose: Exclude<OraclePurpose, 'finish'>): OracleStep {
  return { action: { kind: 'call', tool: RESPOND_TOOL_NAME, arguments: { message } }, purpose };
}

/** The final step of a plan: the message (or answer) that ends the episode. */
export function finishStep(message: string): OracleStep {
  return { action: { kind: 'finish', message }, purpose: 'finish' };
}

/** True when a logged call is exactly a plan step's call (same tool, canonically equal arguments). */
export function sameCall(call: Pick<CallRecord, 'tool' | 'args'>, step: OracleStep): boolean {
  return step.action.kind === 'call' && call.tool === step.action.tool && canonicalEqual(call.args, step.action.arguments);
}

/**
 * A gold plan minus what the log has already done. Reads ("identify", "inspect") count wherever they
 * succeeded; state-changing steps count in plan order (a write matched earlier cannot satisfy a later
 * one); the finish step always remains. For worlds where order is not the whole story (a write undone
 * later), compute the remaining plan from the state instead.
 */
export function remainingPlan(plan: readonly OracleStep[], calls: readonly CallRecord[], matches: (call: CallRecord, step: OracleStep) => boolean = sameCall): OracleStep[] {
  const done = calls.filter((call) => call.result.ok);
  const remaining: OracleStep[] = [];
  let cursor = 0;
  for (const step of plan) {
    if (step.action.kind !== 'call') {
      remaining.push(step);
      continue;
    }
    if (step.purpose === 'identify' || step.purpose === 'inspect') {
      if (!done.some((call) => matches(call, step))) remaining.push(step);
      continue;
    }
    const position = done.findIndex((call, index) => index >= cursor && matches(call, step));
    if (position === -1) remaining.push(step);
    else cursor = position + 1;
  }
  return cloneJson(remaining);
}
