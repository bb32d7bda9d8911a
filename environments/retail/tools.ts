/**
 * The retail tools on the toolkit's dispatcher: each schema paired with its implementation. The
 * dispatcher checks the name and the arguments against the schema before the implementation runs, and
 * errors come back as `{ ok: false }` results with the environment's text, never as exceptions.
 */
import type { JsonObject, ToolResult } from '../../src/harness/api.ts';
import { createToolRunner, type ToolDefinition } from '../../src/toolkit/tools.ts';
import type { RetailDatabase } from './data.ts';
import { READ_TOOLS, type ToolImplementation } from './read-tools.ts';
import { CONFIRMATION_TOOL, RETAIL_TOOLS, TRANSFER_TOOL } from './schemas.ts';
import { recordConfirmation, TRANSFER_REPLY, WRITE_TOOLS } from './write-tools.ts';

const SPECIAL_TOOLS: Readonly<Record<string, ToolImplementation>> = {
  [CONFIRMATION_TOOL]: (_database, args) => ({ ok: true, output: recordConfirmation(args) }),
  [TRANSFER_TOOL]: () => ({ ok: true, output: TRANSFER_REPLY }),
};

/** Every retail tool: its schema and its implementation. */
export const RETAIL_TOOL_DEFINITIONS: readonly ToolDefinition<RetailDatabase>[] = RETAIL_TOOLS.map((schema) => {
  const implementation = SPECIAL_TOOLS[schema.name] ?? READ_TOOLS[schema.name] ?? WRITE_TOOLS[schema.name];
  if (!implementation) throw new Error(`retail tool ${schema.name} has no implementation`);
  return { schema, run: implementation };
});

const runner = createToolRunner(RETAIL_TOOL_DEFINITIONS);

/** Run one tool call against `database` (mutating it for writes). */
export function runTool(database: RetailDatabase, tool: string, args: JsonObject): ToolResult {
  return runner.run(database, tool, args);
}
