/**
 * Repairs learnt from the environment's own error messages. Every call the environment refused in a
 * train episode is paired with what explains the refusal: the argument its error text names, and the next
 * call of the same tool in the same episode that succeeded. A repair is kept only when it explains the
 * difference in several episodes with several values, so one lucky episode cannot teach a rule.
 *
 * Today one kind of repair is derived: the error names a required argument the call lacked while the
 * model's own output held it, one level down, under a key the parser did not read (`input`, `args`, ...).
 * The pairs are exposed as well, for the repairs still to come (they need evidence this miner sees).
 */
import type { Json, JsonObject, ToolSchema } from '../../../harness/api.ts';
import type { Trajectory } from '../../../agent/trajectory.ts';
import { isJsonObject as isObject } from '../../../util/loose-json.ts';

/** A call the environment refused, the error it gave, and the next successful call of the same tool. */
export interface ErrorPair {
  tool: string;
  /** The arguments of the refused call, as realized. */
  arguments: JsonObject;
  /** The model's output the refused call was realized from. */
  raw: string;
  /** The environment's error text. */
  error: string;
  /** The arguments of the next successful call of the same tool in the episode, if any. */
  next?: JsonObject;
  /** Index of the episode among the trajectories mined. */
  episode: number;
}

/** "The arguments of `tool` were written under `key` in the model's output": read them from there. */
export interface WrappedArgumentsRepair {
  kind: 'wrapped-arguments';
  tool: string;
  key: string;
  /** Episodes whose refused calls it explains. */
  episodes: number;
  /** Distinct argument values it recovered. */
  values: number;
}

export type ArgumentRepair = WrappedArgumentsRepair;

/** Every refused call of a known tool in the trajectories, paired with the next success of that tool. */
export function mineErrorPairs(trajectories: readonly Trajectory[], tools: readonly ToolSchema[]): ErrorPair[] {
  const known = new Set(tools.map((tool) => tool.name));
  const pairs: ErrorPair[] = [];
  trajectories.forEach((trajectory, episode) => {
    const steps = trajectory.steps;
    steps.forEach((step, index) => {
      const action = step.action;
      if (action?.kind !== 'call' || step.result?.ok !== false || !known.has(action.tool)) return;
      const next = steps.slice(index + 1).find((later) => later.action?.kind === 'call' && later.action.tool === action.tool && later.result?.ok === true);
      const raw = step.samples[step.chosen];
      pairs.push({
        tool: action.tool,
        arguments: action.arguments,
        raw: raw ? raw.text + (raw.toolCalls.length > 0 ? `\n${raw.toolCalls.map((call) => call.argumentsText).join('\n')}` : '') : '',
        error: step.result.output,
        ...(next?.action?.kind === 'call' ? { next: next.action.arguments } : {}),
        episode,
      });
    });
  });
  return pairs;
}

/** The tool's required arguments that the error text names (quoted or not) and the call lacks. */
export function missingNamed(pair: ErrorPair, tool: ToolSchema): string[] {
  return tool.parameters.required.filter((name) => !(name in pair.arguments) && new RegExp(`(^|[^\\w])${escapeRegExp(name)}([^\\w]|$)`).test(pair.error));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every JSON object written in a text: the whole text, or each balanced `{...}` block in it. */
export function objectsIn(text: string): JsonObject[] {
  const found: JsonObject[] = [];
  const tryParse = (candidate: string) => {
    try {
      const value: unknown = JSON.parse(candidate);
      if (isObject(value)) found.push(value);
      else if (typeof value === 'string') found.push(...objectsIn(value));
    } catch {
      // not JSON: the caller tries the next block
    }
  };
  tryParse(text.trim());
  if (found.length > 0) return found;
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    const end = blockEnd(text, start);
    if (end < 0) continue;
    const before = found.length;
    tryParse(text.slice(start, end + 1));
    if (found.length > before) start = end;
  }
  return found;
}

function blockEnd(text: string, start: number): number {
  let depth = 0;
  let quote = '';
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = '';
    } else if (char === '"') quote = char;
    else if (char === '{') depth++;
    else if (char === '}') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

/** The keys (not a parameter of the tool) whose object value holds every one of `names`, anywhere in `value`. */
export function wrappingKeys(value: Json, names: readonly string[], parameters: readonly string[]): { key: string; found: JsonObject }[] {
  const out: { key: string; found: JsonObject }[] = [];
  const queue: Json[] = [value];
  for (let seen = 0; queue.length > 0 && seen < 200; seen++) {
    const item = queue.shift()!;
    if (Array.isArray(item)) {
      queue.push(...item);
      continue;
    }
    if (!isObject(item)) continue;
    for (const [key, inner] of Object.entries(item)) {
      if (isObject(inner) && !parameters.includes(key) && names.every((name) => name in inner)) out.push({ key, found: inner });
      queue.push(inner);
    }
  }
  return out;
}

/**
 * Repairs the refused calls support: for each tool, each wrapper key under which the model's output held
 * the arguments the error said were missing, in at least `minEpisodes` episodes with at least `minValues`
 * distinct values (a constant could be a coincidence of one task).
 */
/** Does a repair explain this refused call (the error named what it lacked, the output held it under the key)? */
export function explains(repair: ArgumentRepair, pair: ErrorPair, tools: readonly ToolSchema[]): boolean {
  const tool = tools.find((candidate) => candidate.name === pair.tool);
  if (!tool || repair.tool !== pair.tool) return false;
  const missing = missingNamed(pair, tool);
  const parameters = Object.keys(tool.parameters.properties);
  return missing.length > 0 && objectsIn(pair.raw).some((object) => wrappingKeys(object, missing, parameters).some(({ key }) => key === repair.key));
}

export function mineArgumentRepairs(
  trajectories: readonly Trajectory[],
  tools: readonly ToolSchema[],
  options: { minEpisodes?: number; minValues?: number } = {},
): ArgumentRepair[] {
  const minEpisodes = options.minEpisodes ?? 2;
  const minValues = options.minValues ?? 2;
  const support = new Map<string, { tool: string; key: string; episodes: Set<number>; values: Set<string> }>();
  for (const pair of mineErrorPairs(trajectories, tools)) {
    const tool = tools.find((candidate) => candidate.name === pair.tool);
    if (!tool) continue;
    const missing = missingNamed(pair, tool);
    if (missing.length === 0) continue;
    const parameters = Object.keys(tool.parameters.properties);
    for (const object of objectsIn(pair.raw)) {
      for (const { key, found } of wrappingKeys(object, missing, parameters)) {
        const id = `${pair.tool}\u0000${key}`;
        const entry = support.get(id) ?? { tool: pair.tool, key, episodes: new Set(), values: new Set() };
        entry.episodes.add(pair.episode);
        entry.values.add(JSON.stringify(missing.map((name) => found[name])));
        support.set(id, entry);
      }
    }
  }
  return [...support.values()]
    .filter((entry) => entry.episodes.size >= minEpisodes && entry.values.size >= minValues)
    .map((entry): ArgumentRepair => ({ kind: 'wrapped-arguments', tool: entry.tool, key: entry.key, episodes: entry.episodes.size, values: entry.values.size }))
    .sort((a, b) => a.tool.localeCompare(b.tool) || b.episodes - a.episodes || a.key.localeCompare(b.key));
}
