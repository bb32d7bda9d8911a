/**
 * Two trajectories of the same episode (same task, backbone and seed; before and after a harness
 * change) side by side in plain text, one compact line per step, for `bridle show`. Lines never exceed
 * the width asked for, so the output survives terminals, pagers and pasted review comments.
 */
import type { Action, Json } from '../harness/api.ts';
import type { StepRecord, Trajectory } from '../agent/trajectory.ts';

/** Default total width: two columns and the separator fit in 160 characters. */
export const SIDE_BY_SIDE_WIDTH = 160;

const SEPARATOR = ' │ ';
/** Text longer than this inside one step (an argument, an output) is cut before the line is. */
const FIELD_LIMIT = 60;
/** An action is cut here when an outcome follows it, so the outcome stays in view. */
const ACTION_LIMIT = 44;

/** Whitespace runs (newlines included) as one space: a step stays on one line. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cut to `width` characters (code points), marking the cut with an ellipsis. */
export function fit(text: string, width: number): string {
  const characters = Array.from(text);
  if (characters.length <= width) return text;
  return `${characters.slice(0, Math.max(0, width - 1)).join('')}…`;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - Array.from(text).length));
}

function value(json: Json): string {
  return fit(JSON.stringify(json) ?? 'null', FIELD_LIMIT / 2);
}

/** An action as a call: `get_order_details(order_id="#W1")`, `finish("Your refund …")`. */
export function formatAction(action: Action): string {
  if (action.kind === 'finish') return `finish(${value(action.message)})`;
  const args = Object.entries(action.arguments).map(([key, argument]) => `${key}=${value(argument)}`);
  return `${action.tool}(${args.join(', ')})`;
}

/** Modules that answered in this step, in the order they fired. */
function firedModules(step: StepRecord): string[] {
  return [...new Set(step.fired.flatMap((entry) => entry.modules))];
}

/** One step in one line (not yet cut to a width): what the model did and what came of it. */
export function formatStep(step: StepRecord): string {
  const parts: string[] = [];
  const fired = firedModules(step);
  if (fired.length > 0) parts.push(`[${fired.join(', ')}]`);
  if (step.samples.length > 1) parts.push(`(${step.samples.length} samples)`);
  const raw = step.samples[step.chosen] ?? step.samples[0];
  if (step.violation) {
    parts.push(`sandbox violation ${step.violation.code}: ${step.violation.message}`);
  } else if (step.modelFault !== undefined) {
    parts.push(`model fault: ${step.modelFault}`);
  } else if (step.rejection !== undefined || step.action === null) {
    // What the model wrote is the evidence; the strict parser's complaint is nearly always the same.
    const said = raw ? raw.text || raw.toolCalls.map((call) => `${call.name}(${call.argumentsText})`).join(' ') : '';
    parts.push(`rejected: ${fit(flat(said), FIELD_LIMIT)} → ${flat(step.rejection ?? step.feedback)}`);
  } else if (step.blocked !== undefined) {
    // The guard's reason matters more here than the arguments, which the next steps usually repeat.
    const what = step.action.kind === 'call' ? step.action.tool : 'finish';
    parts.push(`blocked ${what} → ${fit(flat(step.blocked), FIELD_LIMIT * 2)}`);
  } else if (step.result) {
    parts.push(`${fit(formatAction(step.action), ACTION_LIMIT)} → ${step.result.ok ? 'ok' : 'error'}: ${fit(flat(step.result.output), FIELD_LIMIT)}`);
  } else {
    parts.push(formatAction(step.action));
  }
  if (step.regulate) {
    const verdict = 'stop' in step.regulate ? `stop: ${step.regulate.stop}` : 'inject' in step.regulate ? `inject: ${step.regulate.inject}` : `resample ${step.regulate.resample}`;
    parts.push(`· regulate ${fit(flat(verdict), FIELD_LIMIT / 2)}`);
  }
  return `${String(step.index).padStart(2)} ${flat(parts.join(' '))}`;
}

/** The last line of a trajectory: how it ended and how the verifier judged it. */
export function formatEnd(trajectory: Trajectory): string {
  const verdict = trajectory.success ? 'PASS' : 'FAIL';
  const failed = trajectory.verification.checks.filter((check) => !check.passed).map((check) => check.name);
  const detail = trajectory.end.detail ? ` (${flat(trajectory.end.detail)})` : '';
  return `   end: ${trajectory.end.reason}${detail} · ${verdict}${failed.length > 0 ? ` · failed: ${failed.join(', ')}` : ''}`;
}

function harnessLabel(trajectory: Trajectory): string {
  const modules = trajectory.harness.modules;
  return modules.length === 0 ? 'no modules' : modules.join(', ');
}

/** Two columns of lines joined row by row, each cut to its column. */
export function columns(left: readonly string[], right: readonly string[], width = SIDE_BY_SIDE_WIDTH): string[] {
  const column = Math.floor((width - SEPARATOR.length) / 2);
  const rows = Math.max(left.length, right.length);
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    const line = `${pad(fit(left[row] ?? '', column), column)}${SEPARATOR}${fit(right[row] ?? '', column)}`;
    lines.push(line.trimEnd());
  }
  return lines;
}

/**
 * One episode before and after a change, side by side: a heading with the task, backbone and seed,
 * the instruction, then one row per step index and a final row with each side's outcome.
 */
export function formatSideBySide(before: Trajectory, after: Trajectory, width = SIDE_BY_SIDE_WIDTH): string {
  const backbone = `${after.backbone.id}${after.backbone.simulated ? ' (simulated)' : ''}`;
  const heading = `task ${after.taskId} (${after.split}) · ${backbone} · trial ${after.trial} · seed ${after.seed}`;
  const left = [`BEFORE: ${harnessLabel(before)} · ${before.success ? 'PASS' : 'FAIL'}`, ...before.steps.map(formatStep), formatEnd(before)];
  const right = [`AFTER: ${harnessLabel(after)} · ${after.success ? 'PASS' : 'FAIL'}`, ...after.steps.map(formatStep), formatEnd(after)];
  // The outcome rows line up at the bottom, so a short side does not end mid-column.
  const rows = Math.max(left.length, right.length);
  const padded = (lines: string[]) => [...lines.slice(0, -1), ...Array<string>(rows - lines.length).fill(''), lines[lines.length - 1]!];
  const rule = '─'.repeat(width);
  return [fit(heading, width), fit(`instruction: ${flat(after.instruction)}`, width), rule, ...columns(padded(left), padded(right), width)].join('\n');
}
