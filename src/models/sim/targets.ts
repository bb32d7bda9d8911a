/**
 * What a sim's per-episode habits can attach to, from the plan of the initial state: the structure both
 * the sims and `bridle calibrate` (which fits profiles to recorded runs) must agree on.
 */
import type { ToolSchema } from '../../harness/api.ts';
import type { OracleStep } from '../../contracts/environment.ts';
import { sameJson } from '../../util/canonical-json.ts';
import { applicableSlips, schemaOf } from './corrupt.ts';
import type { IntendedCall } from './render.ts';

export const FINISH = 'finish';

/** An oracle step as a call (`finish` included). */
export function toCall(step: OracleStep): IntendedCall {
  return step.action.kind === 'finish' ? { tool: FINISH, arguments: { message: step.action.message } } : { tool: step.action.tool, arguments: step.action.arguments };
}

/** True when two oracle steps are the same action. */
export function sameStep(left: OracleStep | undefined, right: OracleStep | undefined): boolean {
  if (!left || !right) return false;
  const a = toCall(left);
  const b = toCall(right);
  return a.tool === b.tool && sameJson(a.arguments, b.arguments);
}

/** The calls of a plan that are not the final finish. */
export function planCalls(plan: readonly OracleStep[]): IntendedCall[] {
  return plan.filter((step) => step.action.kind === 'call').map(toCall);
}

/**
 * Arguments an `arguments` habit can attach to: each parameter name of the plan's calls, with the slip
 * kinds that apply to it in every call that has it (a habit must bite every time).
 */
export function argumentHabitTargets(initialPlan: readonly OracleStep[], tools: readonly ToolSchema[]): Map<string, number[]> {
  const targets = new Map<string, number[]>();
  for (const call of planCalls(initialPlan)) {
    const schema = schemaOf(tools, call.tool);
    for (const [key, value] of Object.entries(call.arguments)) {
      const kinds = applicableSlips(key, value, schema?.parameters.properties[key]);
      const known = targets.get(key);
      targets.set(key, known === undefined ? kinds : known.filter((kind) => kinds.includes(kind)));
    }
  }
  for (const [key, kinds] of [...targets.entries()]) if (kinds.length === 0) targets.delete(key);
  return new Map([...targets.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Tools a `toolName` habit can attach to: the tools the plan calls. */
export function toolHabitTargets(initialPlan: readonly OracleStep[]): string[] {
  return [...new Set(planCalls(initialPlan).map((call) => call.tool))].sort();
}

/** The first write of a plan, and the confirmation right before it (if the plan has one). */
export function firstWrite(plan: readonly OracleStep[]): { write: OracleStep; confirm?: OracleStep } | undefined {
  const index = plan.findIndex((step) => step.purpose === 'write');
  if (index < 0) return undefined;
  const previous = plan[index - 1];
  return { write: plan[index]!, ...(previous?.purpose === 'confirm' ? { confirm: previous } : {}) };
}

/** The write a skipped identification or confirmation jumps to: the first write after the plan's first step. */
export function skipTarget(plan: readonly OracleStep[]): OracleStep | undefined {
  const next = plan[0];
  if (!next || (next.purpose !== 'confirm' && next.purpose !== 'identify')) return undefined;
  return plan.slice(1).find((step) => step.purpose === 'write');
}

/** True when the plan still has a write to do. */
export function writesRemain(plan: readonly OracleStep[]): boolean {
  return plan.some((step) => step.purpose === 'write');
}
