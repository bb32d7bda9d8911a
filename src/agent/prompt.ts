/**
 * The base prompt every backbone gets before any harness shapes it: the environment's written policy,
 * its tools (described in text when actions are text), and the action format.
 */
import type { ToolSchema } from '../harness/api.ts';
import type { ToolMode } from '../contracts/backbone.ts';
import { FINISH_TOOL_NAME } from './finish-tool.ts';

function describeTool(tool: ToolSchema): string {
  return `- ${tool.name}: ${tool.description}\n  parameters: ${JSON.stringify(tool.parameters)}`;
}

export function buildSystemPrompt(input: { environment: string; rules: string; tools: readonly ToolSchema[]; toolMode: ToolMode }): string {
  const parts = [
    `You are an agent working in the "${input.environment}" environment. Follow the policy below exactly.`,
    `# Policy\n${input.rules.trim()}`,
  ];
  if (input.toolMode === 'text') {
    parts.push(`# Tools\n${input.tools.map(describeTool).join('\n')}`);
    parts.push(
      `# How to act\nEach turn, reply with exactly one JSON object and nothing else:\n{"tool": "<tool name>", "arguments": {...}}\n` +
        `You will receive the tool's result. When every request is handled, end with {"tool": "${FINISH_TOOL_NAME}", "arguments": {"message": "<your final reply to the customer>"}}.`,
    );
  } else {
    parts.push(`# How to act\nEach turn, call exactly one tool. When every request is handled, call ${FINISH_TOOL_NAME} with your final reply to the customer.`);
  }
  return parts.join('\n\n');
}
