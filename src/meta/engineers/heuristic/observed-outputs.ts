/**
 * What the heuristic engineer learns from the outputs a backbone actually wrote: which keys held the tool
 * name and which the arguments when an output was rejected, and which tool an unknown name meant. Only
 * trajectories and tool schemas go in; the one piece of outside knowledge is the documented action shape
 * (`tool` / `arguments`) and the public OpenAI function-call shape (`name` / `arguments`, arguments
 * possibly as a JSON string).
 */
import type { Json, JsonObject, ToolSchema } from '../../../harness/api.ts';
import type { Trajectory } from '../../../agent/trajectory.ts';
import { canonicalJson } from '../../../util/canonical-json.ts';
import { firstBlock, isJsonObject as isObject, looseJson } from '../../../util/loose-json.ts';

/** The documented action keys and the OpenAI function-call shape: known without looking at any output. */
export const BASE_TOOL_KEYS = ['tool', 'name'];
export const BASE_ARGUMENT_KEYS = ['arguments'];

/** A loose reading of an output: the JSON value inside it (fences, tags and prose around it ignored). */
export function looseValue(text: string): unknown {
  const trimmed = text.trim();
  const whole = looseJson(trimmed);
  if (whole !== undefined) return whole;
  const block = firstBlock(trimmed);
  return block === undefined ? undefined : looseJson(block);
}

/** "getOrderDetails", "Get-Order details", "GET_ORDER_DETAILS" → "get_order_details". */
export function nameKey(text: string): string {
  return text.trim().replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[\s.-]+/g, '_').toLowerCase();
}

/** The tool a spelling means, by case and separators only (and without a dotted namespace). */
export function plainTool(name: string, tools: readonly ToolSchema[]): string | undefined {
  const last = name.split(/[.:/]/).pop() ?? name;
  return tools.find((tool) => nameKey(tool.name) === nameKey(name))?.name ?? tools.find((tool) => nameKey(tool.name) === nameKey(last))?.name;
}

/** Objects of a value, outermost first (breadth first). */
function objectsOf(value: unknown): JsonObject[] {
  const queue: unknown[] = [value];
  const out: JsonObject[] = [];
  while (queue.length > 0 && out.length < 50) {
    const item = queue.shift();
    if (Array.isArray(item)) queue.push(...item);
    else if (isObject(item)) {
      out.push(item);
      queue.push(...Object.values(item));
    }
  }
  return out;
}

/** Keys seen holding a tool name, and keys seen beside them holding the arguments (an object, or an object encoded as a string). */
export function observedKeys(texts: readonly string[], tools: readonly ToolSchema[]): { tool: string[]; arguments: string[] } {
  const toolKeys = new Set<string>();
  const argumentKeys = new Set<string>();
  for (const text of texts) {
    const value = looseValue(text);
    for (const object of objectsOf(value)) {
      const toolKey = Object.keys(object).find((key) => typeof object[key] === 'string' && /^[A-Za-z_][\w-]{0,30}$/.test(key) && plainTool(object[key] as string, tools) !== undefined);
      if (!toolKey) continue;
      toolKeys.add(toolKey);
      for (const [key, item] of Object.entries(object)) {
        if (key === toolKey || !/^[A-Za-z_][\w-]{0,30}$/.test(key)) continue;
        if (isObject(item) || (typeof item === 'string' && isObject(looseJson(item)))) argumentKeys.add(key);
      }
      break; // the outermost call only: its arguments may themselves name tools
    }
  }
  return { tool: [...toolKeys].sort(), arguments: [...argumentKeys].sort() };
}

/** Words of a tool name, for matching a misspelt one. */
function words(name: string): Set<string> {
  return new Set(nameKey(name).split('_').filter(Boolean));
}

/** Tools whose parameters fit these argument names (each a parameter, every required one there). */
function toolsFitting(argumentNames: readonly string[], tools: readonly ToolSchema[]): ToolSchema[] {
  return tools.filter((tool) => {
    const properties = Object.keys(tool.parameters.properties);
    const names = argumentNames.map((key) => properties.find((property) => nameKey(property) === nameKey(key)) ?? key);
    return names.every((name) => properties.includes(name)) && tool.parameters.required.every((name) => names.includes(name));
  });
}

/**
 * The tool an unknown name means: by case and separators; else, among the tools whose parameters fit
 * the call's arguments, the one sharing the most words with the name (when it is the only such one).
 */
export function resolveToolName(name: string, argumentNames: readonly string[], tools: readonly ToolSchema[]): string | undefined {
  const plain = plainTool(name, tools);
  if (plain) return plain;
  const wanted = words(name);
  const scored = toolsFitting(argumentNames, tools)
    .map((tool) => ({ name: tool.name, shared: [...words(tool.name)].filter((word) => wanted.has(word)).length }))
    .sort((a, b) => b.shared - a.shared);
  const [best, second] = scored;
  if (!best || best.shared === 0 || (second && second.shared === best.shared)) return undefined;
  return best.name;
}

/**
 * Unknown tool names the failures used, each with the tool it meant: the call made next in the same
 * episode with the same arguments when there is one, else {@link resolveToolName}.
 */
export function observedToolAliases(trajectories: readonly Trajectory[], tools: readonly ToolSchema[]): Record<string, string> {
  const known = new Set(tools.map((tool) => tool.name));
  const aliases: Record<string, string> = {};
  for (const trajectory of trajectories) {
    const calls = trajectory.steps.flatMap((step) => {
      const fromAction = step.action?.kind === 'call' ? [{ tool: step.action.tool, arguments: step.action.arguments, ok: step.result?.ok === true }] : [];
      const parsed = step.action === null ? callsInText(step.samples[step.chosen]?.text ?? '', tools) : [];
      return [...fromAction, ...parsed.map((call) => ({ ...call, ok: false }))];
    });
    calls.forEach((call, index) => {
      if (known.has(call.tool) || aliases[call.tool] !== undefined) return;
      const later = calls.slice(index + 1).find((other) => other.ok && known.has(other.tool) && canonicalJson(other.arguments) === canonicalJson(call.arguments));
      const meant = later?.tool ?? resolveToolName(call.tool, Object.keys(call.arguments), tools);
      if (meant) aliases[call.tool] = meant;
    });
  }
  return Object.fromEntries(Object.entries(aliases).sort(([a], [b]) => a.localeCompare(b)));
}

/** Calls written in a rejected text whose tool key holds a name that is not a tool. */
function callsInText(text: string, tools: readonly ToolSchema[]): { tool: string; arguments: JsonObject }[] {
  const value = looseValue(text);
  for (const object of objectsOf(value)) {
    const entries = Object.entries(object);
    const name = entries.find(([key, item]) => BASE_TOOL_KEYS.includes(key) && typeof item === 'string')?.[1] as string | undefined;
    if (!name) continue;
    const args = entries.find(([key, item]) => key !== 'name' && key !== 'tool' && (isObject(item) || (typeof item === 'string' && isObject(looseJson(item)))))?.[1];
    const parsed: Json | undefined = typeof args === 'string' ? (looseJson(args) as Json) : args;
    return [{ tool: name, arguments: isObject(parsed) ? parsed : {} }];
  }
  return [];
}
