/**
 * Cutting a trajectory down for an engineer: one line per step, runs of identical steps collapsed, the
 * beginning, every failure and the end kept, within a token budget.
 */
import type { StepRecord, Trajectory } from '../agent/trajectory.ts';
import type { CompressedTrajectory } from './types.ts';

const LINE_LENGTH = 220;

function clip(text: string, length = LINE_LENGTH): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

function describeStep(step: StepRecord): string {
  const raw = step.samples[step.chosen];
  const output = raw ? clip(raw.text || JSON.stringify(raw.toolCalls), 140) : '';
  const action = step.action ? (step.action.kind === 'finish' ? `finish(${JSON.stringify(step.action.message)})` : `${step.action.tool}(${JSON.stringify(step.action.arguments)})`) : 'no action';
  const verdict =
    step.rejection !== undefined
      ? `REJECTED: ${step.rejection}`
      : step.blocked !== undefined
        ? `BLOCKED: ${step.blocked}`
        : step.result
          ? `${step.result.ok ? 'ok' : 'ERROR'}: ${step.result.output}`
          : step.action?.kind === 'finish'
            ? 'episode finished'
            : '';
  const samples = step.samples.length > 1 ? ` [${step.samples.length} samples]` : '';
  const violation = step.violation ? ` VIOLATION ${describeViolation(step.violation)}` : '';
  return clip(`model wrote ${JSON.stringify(output)}${samples} → ${action} → ${verdict}${violation}`);
}

/** A violation in one line, naming the module and the hook the engineer has to fix. */
function describeViolation(violation: Trajectory['violations'][number]): string {
  const where = violation.module ? ` in module "${violation.module}" (${violation.hook})` : ` in ${violation.hook} (module unknown)`;
  return `${violation.code}${where}: ${violation.message}`;
}

function isFailure(step: StepRecord): boolean {
  return step.rejection !== undefined || step.blocked !== undefined || step.result?.ok === false || step.violation !== undefined;
}

/** Compress one trajectory to at most `tokenBudget` tokens (roughly). */
export function compressTrajectory(trajectory: Trajectory, tokenBudget = 1200): CompressedTrajectory {
  const failedChecks = trajectory.verification.checks.filter((check) => !check.passed).map((check) => `${check.name}${check.detail ? ` (${clip(check.detail, 120)})` : ''}`);
  // A violation outside any recorded step (at load, or a worker that died for the episode) is only here.
  const unrecorded = trajectory.violations.filter((violation) => !trajectory.steps.some((step) => step.violation && JSON.stringify(step.violation) === JSON.stringify(violation)));
  const stopped = unrecorded.length ? `; stopped: ${unrecorded.map((violation) => clip(describeViolation(violation), 200)).join('; ')}` : '';
  const outcome = `${trajectory.success ? 'SUCCESS' : 'FAILURE'}; ended: ${trajectory.end.reason}${trajectory.end.detail ? ` (${clip(trajectory.end.detail, 100)})` : ''}${stopped}${failedChecks.length ? `; failed checks: ${failedChecks.join('; ')}` : ''}`;

  // Collapse runs of identical lines.
  const lines: { index: number; text: string; failure: boolean }[] = [];
  for (const step of trajectory.steps) {
    const text = describeStep(step);
    const previous = lines.at(-1);
    if (previous && previous.text.replace(/ \(×\d+\)$/, '') === text) {
      const count = Number(/ \(×(\d+)\)$/.exec(previous.text)?.[1] ?? '1') + 1;
      previous.text = `${text} (×${count})`;
      continue;
    }
    lines.push({ index: step.index, text, failure: isFailure(step) });
  }

  // Keep the first two, every failure and the last three; drop from the middle until within budget.
  const keep = new Set<number>();
  lines.forEach((line, position) => {
    if (position < 2 || position >= lines.length - 3 || line.failure) keep.add(position);
  });
  const header = tokensOf(trajectory.instruction) + tokensOf(outcome) + 20;
  const render = () => lines.filter((_line, position) => keep.has(position)).map((line) => `${line.index}. ${line.text}`);
  let kept = render();
  while (header + kept.reduce((sum, line) => sum + tokensOf(line), 0) > tokenBudget && keep.size > 3) {
    const middle = [...keep].sort((a, b) => a - b).slice(2, -2);
    const drop = middle[Math.floor(middle.length / 2)];
    if (drop === undefined) break;
    keep.delete(drop);
    kept = render();
  }
  const omitted = trajectory.steps.length - lines.filter((_line, position) => keep.has(position)).length;
  return {
    taskId: trajectory.taskId,
    backbone: `${trajectory.backbone.id}${trajectory.backbone.simulated ? ' (simulated)' : ''}`,
    instruction: trajectory.instruction,
    outcome,
    steps: kept,
    omitted: Math.max(0, omitted),
    tokens: header + kept.reduce((sum, line) => sum + tokensOf(line), 0),
  };
}
