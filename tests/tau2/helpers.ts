/** Shared helpers for the tau2 tests: play gold actions and oracle plans through sessions. */
import { expect } from 'vitest';
import type { JsonObject } from '../../src/harness/api.ts';
import type { OracleSession } from '../../src/toolkit/define-environment.ts';
import type { Tau2Environment } from '../../environments/tau2/domain.ts';
import type { Tables } from '../../environments/tau2/store.ts';

/** A fresh session with the task's gold actions played through the agent's tools (failing ones included). */
export function playGold<Db extends Tables>(environment: Tau2Environment<Db>, taskId: string, seed = 0): OracleSession {
  const session = environment.reset(taskId, seed);
  for (const action of environment.task(taskId).criteria?.actions ?? []) session.step(action.name, action.arguments as JsonObject);
  return session;
}

/** Finish with the oracle's final message (which carries every required piece of information). */
export function finishLikeTheOracle(session: OracleSession): void {
  const last = session.oracle().at(-1)!;
  if (last.action.kind !== 'finish') throw new Error('the oracle plan does not end with a finish step');
  session.finish(last.action.message);
}

/** Follow the oracle until it finishes; every call it plans must succeed. */
export function followOracle(session: OracleSession, limit = 60): void {
  for (let step = 0; step < limit; step++) {
    const next = session.oracle()[0]!;
    if (next.action.kind === 'finish') {
      session.finish(next.action.message);
      return;
    }
    const result = session.step(next.action.tool, next.action.arguments);
    expect(result.ok, `${session.task.id}: ${next.action.tool} ${result.output}`).toBe(true);
  }
  throw new Error(`${session.task.id}: the oracle did not finish within ${limit} steps`);
}
