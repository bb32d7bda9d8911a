/** Shared helpers for the retail tests: run oracle plans through sessions. */
import type { OracleStep } from '../../src/contracts/environment.ts';
import type { RetailSession } from '../../environments/retail/index.ts';

/** Run the calls of `steps` through the session (expecting each to succeed) and finish when a finish step comes. */
export function play(session: RetailSession, steps: readonly OracleStep[], options: { finish?: boolean } = {}): void {
  for (const step of steps) {
    if (step.action.kind === 'call') {
      const result = session.step(step.action.tool, step.action.arguments);
      if (!result.ok) throw new Error(`${step.action.tool} failed: ${result.output}`);
    } else if (options.finish !== false) {
      session.finish(step.action.message);
    }
  }
}

/** The calls of a plan, without its finish step. */
export function callsOf(steps: readonly OracleStep[]): OracleStep[] {
  return steps.filter((step) => step.action.kind === 'call');
}

/** The finish message of a plan. */
export function finishMessageOf(steps: readonly OracleStep[]): string {
  const last = steps[steps.length - 1];
  if (last?.action.kind !== 'finish') throw new Error('plan does not end with a finish step');
  return last.action.message;
}
