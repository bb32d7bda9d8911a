/** Shared helpers for the household tests: play oracle plans and arbitrary moves through sessions. */
import type { OracleStep } from '../../src/contracts/environment.ts';
import type { OracleSession } from '../../src/toolkit/index.ts';
import { createHousehold } from '../../environments/household/index.ts';

/** The default environment, built once per test file. */
export const household = createHousehold();

/** A fresh episode of a task. */
export function episode(taskId: string): OracleSession {
  return household.reset(taskId, 0);
}

/** Run a plan's calls (each must succeed) and its finish step. */
export function play(session: OracleSession, steps: readonly OracleStep[]): void {
  for (const step of steps) {
    if (step.action.kind === 'finish') {
      session.finish(step.action.message);
      continue;
    }
    const result = session.step(step.action.tool, step.action.arguments);
    if (!result.ok) throw new Error(`${step.action.tool}(${JSON.stringify(step.action.arguments)}) failed: ${result.output}`);
  }
}

/** Follow the oracle one step at a time, asking it again after every step (as a simulated agent does); returns the steps taken. */
export function followOracle(session: OracleSession, limit = 60): number {
  for (let taken = 1; taken <= limit; taken++) {
    const next = session.oracle()[0];
    if (!next) throw new Error('the oracle returned an empty plan');
    play(session, [next]);
    if (next.action.kind === 'finish') return taken;
  }
  throw new Error(`the oracle did not finish within ${limit} steps`);
}

/** The first task of a kind, optionally of a split. */
export function taskOfKind(kind: string, predicate: (id: string) => boolean = () => true): string {
  const found = household.tasks.find((task) => task.kind === kind && predicate(task.id));
  if (!found) throw new Error(`no ${kind} task`);
  return found.id;
}
