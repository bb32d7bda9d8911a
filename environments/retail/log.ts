/** What a session remembers: every tool call the agent made, in order, and the final message. */
import type { CallRecord } from '../../src/toolkit/define-environment.ts';

export type { CallRecord } from '../../src/toolkit/define-environment.ts';

/** The log of one episode. */
export interface SessionLog {
  /** Every `step` call, oldest first (failed calls included). */
  calls: readonly CallRecord[];
  /** The final message, once the agent finished. */
  finalMessage: string | null;
}
