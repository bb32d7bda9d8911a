/**
 * Reading what a backbone wrote, whatever the format: the strict parser's verdict, and the call a
 * liberal reader finds inside (prose, fences, tags, loose JSON, other keys, wrappers, arguments as a
 * JSON string, call syntax, native tool calls). Calibration compares that call with what the oracle
 * intended; it must read real models' outputs as well as the sims'.
 */
import type { Json, JsonObject, RawOutput, ToolSchema } from '../harness/api.ts';
import type { ToolMode } from '../contracts/backbone.ts';
import { parseAction } from '../agent/parse-action.ts';
import { firstBlock, isJsonObject as isObject, looseJson } from '../util/loose-json.ts';

/** A call as written: the tool name as spelt, the arguments as given. */
export interface WrittenCall {
  tool: string;
  arguments: JsonObject;
}

/** What an output says, read two ways. */
export interface ReadOutput {
  /** True when the strict default parser reads it as an action (whatever tool it names). */
  parsed: boolean;
  /** True when that action also names a tool exactly as the schemas spell it (or finishes). */
  strict: boolean;
  /** The call found inside, or null when none could be found. */
  call: WrittenCall | null;
  /** The known tool the call's name means by case and separators alone (undefined when it names none). */
  tool: string | undefined;
}

/** "getOrderDetails", "Get-Order details", "GET_ORDER_DETAILS" → "get_order_details". */
export function nameKey(text: string): string {
  return text.trim().replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[\s-]+/g, '_').toLowerCase();
}

/** The known tool a spelling means by case and separators alone. */
export function toolBySpelling(name: string, tools: readonly ToolSchema[]): string | undefined {
  return tools.find((tool) => tool.name === name)?.name ?? tools.find((tool) => nameKey(tool.name) === nameKey(name))?.name;
}

const COMMON_TOOL_KEYS = ['tool', 'name', 'function', 'action', 'tool_name', 'command', 'verb'];

function argumentsOf(object: JsonObject, toolKey: string): JsonObject | undefined {
  const others = Object.entries(object).filter(([key]) => key !== toolKey);
  for (const [, value] of others) {
    if (isObject(value)) return value;
    if (typeof value === 'string') {
      const parsed = looseJson(value);
      if (isObject(parsed)) return parsed;
    }
  }
  return others.length === 0 || others.every(([, value]) => typeof value !== 'object') ? {} : undefined;
}

/** The outermost object that is a call: first one naming a known tool, else one with a common tool key. */
function callIn(value: unknown, tools: readonly ToolSchema[]): WrittenCall | null {
  const objects: JsonObject[] = [];
  const queue: unknown[] = [value];
  while (queue.length > 0 && objects.length < 50) {
    const item = queue.shift();
    if (Array.isArray(item)) queue.push(...item);
    else if (isObject(item)) {
      objects.push(item);
      queue.push(...Object.values(item));
    }
  }
  for (const object of objects) {
    for (const [key, item] of Object.entries(object)) {
      if (typeof item !== 'string' || !toolBySpelling(item, tools)) continue;
      const args = argumentsOf(object, key);
      if (args) return { tool: item, arguments: args };
    }
  }
  for (const object of objects) {
    const key = COMMON_TOOL_KEYS.find((candidate) => typeof object[candidate] === 'string' && /^[A-Za-z_][\w.:-]*$/.test(object[candidate] as string));
    if (!key) continue;
    const args = argumentsOf(object, key);
    if (args) return { tool: object[key] as string, arguments: args };
  }
  return null;
}

function fromCallSyntax(text: string): WrittenCall | null {
  const match = /([A-Za-z_][\w.-]*)\s*\(([\s\S]*)\)\s*$/.exec(text.trim());
  if (!match) return null;
  const body = (match[2] ?? '').trim();
  const args = body === '' ? {} : looseJson(`{${body.replace(/(^|,\s*)([A-Za-z_]\w*)\s*=/g, '$1"$2":')}}`);
  return isObject(args) ? { tool: match[1]!, arguments: args } : null;
}

/** Read one output: strictly, and liberally for the call inside it. */
export function readOutput(raw: RawOutput, toolMode: ToolMode, tools: readonly ToolSchema[]): ReadOutput {
  const strictAction = parseAction(raw, toolMode).action;
  const strict = strictAction !== null && (strictAction.kind === 'finish' || tools.some((tool) => tool.name === strictAction.tool));
  let call: WrittenCall | null = null;
  if (strictAction) {
    call = strictAction.kind === 'finish' ? { tool: 'finish', arguments: { message: strictAction.message } } : { tool: strictAction.tool, arguments: strictAction.arguments };
  } else if (toolMode === 'native' && raw.toolCalls[0]) {
    const args = looseJson(raw.toolCalls[0].argumentsText || '{}');
    call = isObject(args) ? { tool: raw.toolCalls[0].name, arguments: args } : null;
  } else {
    const text = raw.text.replace(/```[a-z]*\n?/gi, '').replace(/<\/?[a-z_]+>/gi, '').trim();
    const whole = looseJson(text);
    const block = whole === undefined ? firstBlock(text) : undefined;
    call = callIn(whole ?? (block === undefined ? undefined : looseJson(block)), tools) ?? fromCallSyntax(text);
  }
  return { parsed: strictAction !== null, strict, call, tool: call ? (call.tool === 'finish' ? 'finish' : toolBySpelling(call.tool, tools)) : undefined };
}

/** A JSON value of a call's arguments by a parameter name written in any case or separator style. */
export function argumentByName(args: JsonObject, parameter: string): { key: string; value: Json } | undefined {
  if (parameter in args) return { key: parameter, value: args[parameter]! };
  const key = Object.keys(args).find((name) => nameKey(name) === nameKey(parameter));
  return key === undefined ? undefined : { key, value: args[key]! };
}
