/**
 * One episode: a private copy of the world, the log of the agent's calls, and the final message.
 */
import type { EnvironmentSession, OracleStep, TaskInfo, Verification } from '../../src/contracts/environment.ts';
import type { JsonObject, ToolResult } from '../../src/harness/api.ts';
import { cloneJson, hashOf } from './canonical.ts';
import type { RetailDatabase } from './data.ts';
import type { SessionLog } from './log.ts';
import { remainingPlan } from './oracle.ts';
import { TOOLS_BY_NAME } from './schemas.ts';
import type { RetailTask } from './tasks.ts';
import { runTool, unknownToolError } from './tools.ts';
import { verifyEpisode } from './verify.ts';

/** A retail episode; adds the state hash to the contract for tests and diagnostics. */
export interface RetailSession extends EnvironmentSession {
  /** sha256 of the canonical JSON of the session's database now. */
  stateHash(): string;
}

/** Start an episode of `task` on a private copy of `world`. */
export function createSession(task: RetailTask, world: RetailDatabase): RetailSession {
  const database = cloneJson(world);
  const log: SessionLog = { calls: [], finalMessage: null };
  const info: TaskInfo = { ...task.info };
  return {
    task: info,
    step(tool: string, args: JsonObject): ToolResult {
      if (log.finalMessage !== null) return { ok: false, output: 'Error: the episode is over (a final message was already sent)' };
      const result = runTool(database, tool, args);
      log.calls.push({ tool, args: cloneJson(args), result: { ...result } });
      return result;
    },
    peek(tool: string, args: JsonObject): ToolResult {
      const schema = TOOLS_BY_NAME.get(tool);
      if (!schema) return unknownToolError(tool);
      if (!schema.readOnly) return { ok: false, output: 'Error: peek only allows read-only tools' };
      return runTool(database, tool, args);
    },
    finish(message: string): void {
      // The first final message ends the episode; later ones cannot rewrite it.
      if (log.finalMessage === null) log.finalMessage = String(message);
    },
    verify(): Verification {
      return verifyEpisode({ task, database, world, log });
    },
    oracle(): OracleStep[] {
      return remainingPlan(task, log);
    },
    stateHash(): string {
      return hashOf(database);
    },
  };
}
