/**
 * The strict default parser: what the raw model gets without any harness. It accepts exactly the action
 * format the prompt asks for and nothing else, so that tolerance is something a harness has to earn.
 */
import type { Action, Draft, JsonObject, RawOutput } from '../harness/api.ts';
import type { ToolMode } from '../contracts/backbone.ts';
import { isJsonObject as isObject } from '../util/loose-json.ts';
import { FINISH_TOOL_NAME } from './finish-tool.ts';

function toAction(tool: string, args: JsonObject): Action | string {
  if (tool !== FINISH_TOOL_NAME) return { kind: 'call', tool, arguments: args };
  const message = args.message;
  if (typeof message !== 'string') return `the ${FINISH_TOOL_NAME} tool needs a "message" string argument`;
  return { kind: 'finish', message };
}

function parseNative(raw: RawOutput): Draft {
  const call = raw.toolCalls[0];
  if (!call) return { raw, action: null, error: 'No tool call. Call exactly one tool per turn; call finish to end.' };
  let args: unknown;
  try {
    args = call.argumentsText.trim() === '' ? {} : JSON.parse(call.argumentsText);
  } catch {
    return { raw, action: null, error: `The arguments of ${call.name} are not valid JSON.` };
  }
  if (!isObject(args)) return { raw, action: null, error: `The arguments of ${call.name} must be a JSON object.` };
  const action = toAction(call.name, args);
  return typeof action === 'string' ? { raw, action: null, error: `Invalid action: ${action}.` } : { raw, action };
}

const TEXT_FORMAT = 'Reply with exactly one JSON object and nothing else: {"tool": "<tool name>", "arguments": {...}}.';

function parseText(raw: RawOutput): Draft {
  const text = raw.text.trim();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { raw, action: null, error: `Invalid action: the reply is not a single JSON object. ${TEXT_FORMAT}` };
  }
  if (!isObject(value)) return { raw, action: null, error: `Invalid action: the reply is not a JSON object. ${TEXT_FORMAT}` };
  const keys = Object.keys(value).sort().join(',');
  if (keys !== 'arguments,tool') {
    return { raw, action: null, error: `Invalid action: expected the keys "tool" and "arguments", got ${Object.keys(value).map((key) => `"${key}"`).join(', ') || 'none'}. ${TEXT_FORMAT}` };
  }
  if (typeof value.tool !== 'string') return { raw, action: null, error: `Invalid action: "tool" must be a string. ${TEXT_FORMAT}` };
  if (!isObject(value.arguments)) return { raw, action: null, error: `Invalid action: "arguments" must be a JSON object. ${TEXT_FORMAT}` };
  const action = toAction(value.tool, value.arguments);
  return typeof action === 'string' ? { raw, action: null, error: `Invalid action: ${action}.` } : { raw, action };
}

/** Parse one sample the strict way. Native mode reads the first tool call; text mode reads the text. */
export function parseAction(raw: RawOutput, toolMode: ToolMode): Draft {
  return toolMode === 'native' ? parseNative(raw) : parseText(raw);
}
