/**
 * The false-positive check (DESIGN.md §5.5): replay the oracle's correct actions of the train tasks
 * through a candidate harness. A module that rejects or alters a correct action, blocks it even when the
 * agent repeats it, stops a correct episode, or makes it fail, is rejected outright: over-triggering is
 * the most common way a harness fix breaks other tasks. A block that a correct agent gets past by
 * repeating itself costs a step; it is counted as friction and left to the held-out gate to weigh.
 */
import type { Trajectory } from '../agent/trajectory.ts';
import { parseAction } from '../agent/parse-action.ts';

export interface ReplayFinding {
  taskId: string;
  problem: string;
}

export interface ReplayResult {
  ok: boolean;
  /** Correct actions blocked once (the episode went on when the action was repeated). */
  friction: number;
  findings: ReplayFinding[];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Judge the oracle's episodes under the candidate harness. */
export function analyzeReplay(trajectories: readonly Trajectory[]): ReplayResult {
  const findings: ReplayFinding[] = [];
  let friction = 0;
  for (const trajectory of trajectories) {
    const problems: string[] = [];
    trajectory.steps.forEach((step, index) => {
      const raw = step.samples[step.chosen];
      const intended = raw ? parseAction(raw, 'text').action : null;
      if (step.rejection !== undefined) problems.push(`step ${index}: rejected a correct action: ${step.rejection}`);
      else if (intended && step.action && !same(intended, step.action)) {
        problems.push(`step ${index}: altered a correct action ${JSON.stringify(intended)} into ${JSON.stringify(step.action)}`);
      }
      if (step.blocked !== undefined) {
        const previous = trajectory.steps[index - 1];
        if (previous?.blocked !== undefined && same(previous.action, step.action)) {
          problems.push(`step ${index}: blocks a correct action even when it is repeated: ${step.blocked}`);
        } else {
          friction += 1;
        }
      }
    });
    for (const violation of trajectory.violations) problems.push(`${violation.code} in ${violation.hook}: ${violation.message}`);
    if (trajectory.end.reason === 'harness-stop') problems.push(`stopped a correct episode: ${trajectory.end.detail ?? ''}`);
    if (!trajectory.success && problems.length === 0) {
      problems.push(`the correct plan failed under the harness (ended: ${trajectory.end.reason})`);
    }
    findings.push(...problems.map((problem) => ({ taskId: trajectory.taskId, problem })));
  }
  return { ok: findings.length === 0, friction, findings };
}
