/**
 * One entry point for every tool call: name check, argument validation against the schema, then the
 * implementation. Errors come back as `{ ok: false }` results with the environment's text, never throws.
 */
import type { JsonObject, ToolResult } from '../../src/harness/api.ts';
import type { RetailDatabase } from './data.ts';
import { READ_TOOLS } from './read-tools.ts';
import { CONFIRMATION_TOOL, RETAIL_TOOLS, TOOLS_BY_NAME, TRANSFER_TOOL } from './schemas.ts';
import { validateArguments } from './validate.ts';
import { recordConfirmation, TRANSFER_REPLY, WRITE_TOOLS } from './write-tools.ts';

/** The error for a tool name the environment does not have. */
export function unknownToolError(tool: string): ToolResult {
  return { ok: false, output: `Error: unknown tool '${tool}'. Available tools: ${RETAIL_TOOLS.map((schema) => schema.name).join(', ')}` };
}

/** Run one tool call against `database` (mutating it for writes). */
export function runTool(database: RetailDatabase, tool: string, args: JsonObject): ToolResult {
  const schema = TOOLS_BY_NAME.get(tool);
  if (!schema) return unknownToolError(tool);
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return { ok: false, output: 'Error: arguments must be a JSON object' };
  const problem = validateArguments(schema, args);
  if (problem) return { ok: false, output: problem };
  if (tool === CONFIRMATION_TOOL) return { ok: true, output: recordConfirmation(args) };
  if (tool === TRANSFER_TOOL) return { ok: true, output: TRANSFER_REPLY };
  const implementation = READ_TOOLS[tool] ?? WRITE_TOOLS[tool];
  if (!implementation) return unknownToolError(tool);
  return implementation(database, args);
}
