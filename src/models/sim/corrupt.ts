/**
 * Generic corruptions of an intended call, driven only by the tool schemas and what the conversation
 * showed: nothing here knows any particular environment.
 */
import type { Json, JsonObject, ParameterSchema, ToolSchema } from '../../harness/api.ts';
import type { Message } from '../../contracts/backbone.ts';
import type { Random } from '../../util/random.ts';
import type { IntendedCall } from './render.ts';
import { toCamel } from './render.ts';

type Slip = (call: IntendedCall, schema: ToolSchema, random: Random) => IntendedCall | null;

function sortedKeys(object: JsonObject): string[] {
  return Object.keys(object).sort();
}

/** The literal characters a pattern requires at the start, e.g. "#W" for `^#W\d{7}$`. */
export function literalPrefix(pattern: string): string {
  const match = /^\^((?:\\.|[^\\[\](){}.*+?|^$])*)/.exec(pattern);
  if (!match?.[1]) return '';
  let prefix = '';
  for (let index = 0; index < match[1].length; index++) {
    const char = match[1][index]!;
    if (char === '\\') {
      const next = match[1][index + 1];
      if (next === undefined || /[dDwWsSbB]/.test(next)) break;
      prefix += next;
      index++;
    } else {
      prefix += char;
    }
  }
  return prefix;
}

/** Drop the literal prefix of an id ("#W1234567" → "W1234567" or "1234567"). */
const dropPrefix: Slip = (call, schema, random) => {
  const keys = sortedKeys(call.arguments).filter((key) => {
    const pattern = schema.parameters.properties[key]?.pattern;
    const value = call.arguments[key];
    return pattern && typeof value === 'string' && literalPrefix(pattern).length > 0 && value.startsWith(literalPrefix(pattern));
  });
  if (keys.length === 0) return null;
  const key = random.pick(keys);
  const value = call.arguments[key] as string;
  const prefix = literalPrefix(schema.parameters.properties[key]!.pattern!);
  const cut = random.int(1, prefix.length);
  return { tool: call.tool, arguments: { ...call.arguments, [key]: value.slice(cut) } };
};

/** Spell one argument name in camelCase ("order_id" → "orderId"). */
const camelKey: Slip = (call, _schema, random) => {
  const keys = sortedKeys(call.arguments).filter((key) => toCamel(key) !== key);
  if (keys.length === 0) return null;
  const key = random.pick(keys);
  const args: JsonObject = {};
  for (const name of Object.keys(call.arguments)) args[name === key ? toCamel(name) : name] = call.arguments[name]!;
  return { tool: call.tool, arguments: args };
};

/** Give a one-element list as a bare value (["123"] → "123"). */
const scalarForList: Slip = (call, schema, random) => {
  const keys = sortedKeys(call.arguments).filter((key) => {
    const value = call.arguments[key];
    return schema.parameters.properties[key]?.type === 'array' && Array.isArray(value) && value.length === 1;
  });
  if (keys.length === 0) return null;
  const key = random.pick(keys);
  return { tool: call.tool, arguments: { ...call.arguments, [key]: (call.arguments[key] as Json[])[0]! } };
};

/** Pad a string argument with spaces or change its case. */
const paddedText: Slip = (call, schema, random) => {
  const keys = sortedKeys(call.arguments).filter((key) => typeof call.arguments[key] === 'string' && !schema.parameters.properties[key]?.enum);
  if (keys.length === 0) return null;
  const key = random.pick(keys);
  const value = call.arguments[key] as string;
  const changed = random.chance(0.5) ? ` ${value} ` : value.toUpperCase() === value ? ` ${value}` : value.toUpperCase();
  return { tool: call.tool, arguments: { ...call.arguments, [key]: changed } };
};

/** Write a number as text. */
const numberAsText: Slip = (call, _schema, random) => {
  const keys = sortedKeys(call.arguments).filter((key) => typeof call.arguments[key] === 'number');
  if (keys.length === 0) return null;
  const key = random.pick(keys);
  return { tool: call.tool, arguments: { ...call.arguments, [key]: String(call.arguments[key]) } };
};

const SLIPS: readonly Slip[] = [dropPrefix, dropPrefix, camelKey, scalarForList, paddedText, numberAsText];

/** One argument format slip, or null when no slip applies to this call. */
export function slipArgument(call: IntendedCall, tools: readonly ToolSchema[], random: Random): IntendedCall | null {
  const schema = tools.find((tool) => tool.name === call.tool);
  if (!schema || Object.keys(call.arguments).length === 0) return null;
  for (const slip of random.shuffle(SLIPS)) {
    const slipped = slip(call, schema, random);
    if (slipped) return slipped;
  }
  return null;
}

const VERB_SYNONYMS: Record<string, readonly string[]> = {
  get: ['fetch', 'lookup', 'retrieve', 'read'],
  find: ['search', 'lookup', 'locate'],
  list: ['get_all', 'show'],
  cancel: ['void', 'abort'],
  modify: ['update', 'change', 'edit'],
  return: ['refund', 'process_return'],
  exchange: ['swap', 'replace'],
  transfer: ['escalate', 'handoff'],
  record: ['log', 'save'],
};

/** A plausible tool name that does not exist ("get_order_details" → "fetch_order_details"). */
export function hallucinateToolName(tool: string, tools: readonly ToolSchema[], random: Random): string {
  const names = new Set(tools.map((schema) => schema.name));
  const [verb, ...rest] = tool.split('_');
  const synonyms = VERB_SYNONYMS[verb ?? ''] ?? ['do', 'run'];
  const options = [
    ...synonyms.map((synonym) => [synonym, ...rest].join('_')),
    `${tool}_v2`,
    rest.length > 0 ? rest.join('_') : `${tool}_tool`,
  ].filter((name) => !names.has(name));
  return options.length > 0 ? random.pick(options) : `${tool}_v2`;
}

function patternBody(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern.replace(/^\^/, '').replace(/\$$/, ''), 'g');
  } catch {
    return null;
  }
}

/** Strings the conversation has shown so far (tool results and the instruction). */
function observedText(messages: readonly Message[]): string {
  return messages
    .filter((message) => message.role === 'user' || message.role === 'tool')
    .map((message) => message.content)
    .join('\n');
}

function collectStrings(value: Json, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) value.forEach((item) => collectStrings(item, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((item) => collectStrings(item, into));
}

/** A value substitution: every occurrence of `from` becomes `to`. */
export interface Substitution {
  from: Json;
  to: Json;
}

/**
 * A wrong-but-valid value for one argument of a write: another enum value, another id of the same shape
 * that the conversation showed, or a number off by one. Null when the call offers none.
 */
export function plausibleSubstitution(call: IntendedCall, tools: readonly ToolSchema[], messages: readonly Message[], random: Random): Substitution | null {
  const schema = tools.find((tool) => tool.name === call.tool);
  if (!schema) return null;
  const options: Substitution[] = [];
  const seen = observedText(messages);
  for (const key of sortedKeys(call.arguments)) {
    const value = call.arguments[key]!;
    const property: ParameterSchema | undefined = schema.parameters.properties[key];
    if (!property) continue;
    if (property.enum && property.enum.length > 1) {
      for (const other of property.enum) if (JSON.stringify(other) !== JSON.stringify(value)) options.push({ from: value, to: other });
      continue;
    }
    const pattern = property.pattern ?? property.items?.pattern;
    if (pattern) {
      const strings: string[] = [];
      collectStrings(value, strings);
      const body = patternBody(pattern);
      if (!body) continue;
      const candidates = [...new Set(seen.match(body) ?? [])].sort();
      for (const current of strings) {
        const alternatives = candidates.filter((candidate) => candidate !== current && !strings.includes(candidate));
        if (alternatives.length > 0) options.push({ from: current, to: random.pick(alternatives) });
      }
      continue;
    }
    if (typeof value === 'number') options.push({ from: value, to: value + 1 });
  }
  return options.length > 0 ? random.pick(options) : null;
}

/** Replace every occurrence of a value inside an arguments object (deep), e.g. in a write and in its confirmation. */
export function substitute(args: JsonObject, substitution: Substitution): JsonObject {
  const target = JSON.stringify(substitution.from);
  const walk = (value: Json): Json => {
    if (JSON.stringify(value) === target) return substitution.to;
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) out[key] = walk(item);
      return out;
    }
    return value;
  };
  return walk(args) as JsonObject;
}
