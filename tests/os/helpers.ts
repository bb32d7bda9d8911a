/** Shared helpers for the os tests: one environment per test file, and running oracle plans. */
import type { OracleSession } from '../../src/toolkit/index.ts';

/** Follow the oracle until it says finish (at most `limit` calls); returns the calls that failed. */
export function solve(session: OracleSession, limit = 12): string[] {
  const failures: string[] = [];
  for (let count = 0; count <= limit; count++) {
    const next = session.oracle()[0];
    if (!next) throw new Error('the oracle returned an empty plan');
    if (next.action.kind === 'finish') {
      session.finish(next.action.message);
      return failures;
    }
    const result = session.step(next.action.tool, next.action.arguments);
    if (!result.ok) failures.push(`${next.action.tool} ${JSON.stringify(next.action.arguments)} → ${result.output}`);
  }
  throw new Error(`the oracle did not finish within ${limit} calls`);
}
