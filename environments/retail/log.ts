/** What a session remembers: every tool call the agent made, in order, and the final message. */
import type { JsonObject, ToolResult } from '../../src/harness/api.ts';

/** One tool call of the agent, with its result. */
export interface CallRecord {
  /** Tool name as called. */
  tool: string;
  /** Arguments as called. */
  args: JsonObject;
  /** What the environment answered. */
  result: ToolResult;
}

/** The log of one episode. */
export interface SessionLog {
  /** Every `step` call, oldest first (failed calls included). */
  calls: CallRecord[];
  /** The final message, once the agent finished. */
  finalMessage: string | null;
}
