/**
 * Generic corruptions of an intended call, driven only by the tool schemas, the oracle's plan and the
 * environment's own results: nothing here knows any particular environment, and nothing reads the prompt.
 */
import type { Json, JsonObject, ParameterSchema, ToolSchema } from '../../harness/api.ts';
import { canonicalJson } from '../../util/canonical-json.ts';
import { literalPrefix, unanchoredPattern } from '../../util/pattern.ts';
import type { Random } from '../../util/random.ts';
import { toCamel, type IntendedCall } from './render.ts';

/** What the sim got wrong about an argument: its name (key) or its value. */
export type RepairKind = 'key' | 'value';

/** One kind of argument slip. */
interface SlipKind {
  name: string;
  /** Whether the slip can change this argument (so that the result differs and stays repairable). */
  applies(key: string, value: Json, schema: ParameterSchema): boolean;
  /** The changed key and value; `fixed` holds the slip's fixed choices (a habit keeps them). */
  apply(key: string, value: Json, schema: ParameterSchema, fixed: Random): { key: string; value: Json };
  repair: RepairKind;
}

function prefixOf(schema: ParameterSchema): string {
  return schema.pattern ? literalPrefix(schema.pattern) : '';
}

const SLIP_KINDS: readonly SlipKind[] = [
  {
    name: 'drop-prefix',
    applies: (_key, value, schema) => typeof value === 'string' && prefixOf(schema).length > 0 && value.startsWith(prefixOf(schema)) && value.length > prefixOf(schema).length,
    apply: (key, value, schema, fixed) => ({ key, value: (value as string).slice(fixed.int(1, prefixOf(schema).length)) }),
    repair: 'value',
  },
  {
    name: 'spaced-id',
    applies: (_key, value, schema) => typeof value === 'string' && prefixOf(schema).length > 0 && value.startsWith(prefixOf(schema)) && value.length > prefixOf(schema).length,
    apply: (key, value, schema) => ({ key, value: `${prefixOf(schema)} ${(value as string).slice(prefixOf(schema).length)}` }),
    repair: 'value',
  },
  {
    name: 'key-case',
    applies: (key) => /_[a-z0-9]/.test(key),
    apply: (key, value, _schema, fixed) => {
      const variants = [toCamel(key), toCamel(key).replace(/^./, (first) => first.toUpperCase()), key.replace(/_/g, '-')];
      return { key: fixed.pick(variants), value };
    },
    repair: 'key',
  },
  {
    name: 'scalar-for-list',
    applies: (_key, value, schema) => schema.type === 'array' && Array.isArray(value) && value.length === 1 && typeof value[0] !== 'object',
    apply: (key, value) => ({ key, value: (value as Json[])[0]! }),
    repair: 'value',
  },
  {
    name: 'list-as-text',
    applies: (_key, value, schema) => schema.type === 'array' && Array.isArray(value) && value.length > 0,
    apply: (key, value) => ({ key, value: JSON.stringify(value) }),
    repair: 'value',
  },
  {
    name: 'padded-text',
    applies: (_key, value, schema) => typeof value === 'string' && value.trim() === value && value !== '' && !schema.enum,
    apply: (key, value, _schema, fixed) => ({ key, value: fixed.pick([` ${value as string} `, `${value as string} `, `${value as string}\n`]) }),
    repair: 'value',
  },
  {
    name: 'upper-case',
    applies: (_key, value, schema) => typeof value === 'string' && schema.pattern !== undefined && value.toLowerCase() === value && value.toUpperCase() !== value,
    apply: (key, value) => ({ key, value: (value as string).toUpperCase() }),
    repair: 'value',
  },
  {
    name: 'number-as-text',
    applies: (_key, value) => typeof value === 'number',
    apply: (key, value) => ({ key, value: String(value) }),
    repair: 'value',
  },
];

/** The slip kinds (by index) that apply to one argument of a call. */
export function applicableSlips(key: string, value: Json, schema: ParameterSchema | undefined): number[] {
  if (!schema) return [];
  return SLIP_KINDS.flatMap((kind, index) => (kind.applies(key, value, schema) ? [index] : []));
}

/** What a slip changed: which argument, and whether its name or its value is now wrong. */
export interface ArgumentFault {
  parameter: string;
  repair: RepairKind;
}

/** Apply slip `kind` to argument `key` of a call; the key keeps its position. */
export function applySlip(call: IntendedCall, key: string, kind: number, schema: ParameterSchema, fixed: Random): { call: IntendedCall; fault: ArgumentFault; key: string } {
  const slip = SLIP_KINDS[kind]!;
  const changed = slip.apply(key, call.arguments[key]!, schema, fixed);
  const args: JsonObject = {};
  for (const [name, value] of Object.entries(call.arguments)) {
    if (name === key) args[changed.key] = changed.value;
    else args[name] = value;
  }
  return { call: { tool: call.tool, arguments: args }, fault: { parameter: key, repair: slip.repair }, key: changed.key };
}

export function schemaOf(tools: readonly ToolSchema[], name: string): ToolSchema | undefined {
  return tools.find((tool) => tool.name === name);
}

const VERB_SYNONYMS: Record<string, readonly string[]> = {
  get: ['fetch', 'lookup', 'retrieve', 'read', 'query'],
  find: ['search', 'lookup', 'locate', 'get'],
  list: ['get_all', 'show', 'fetch_all'],
  cancel: ['void', 'abort', 'delete'],
  modify: ['update', 'change', 'edit', 'set'],
  return: ['refund', 'process_return'],
  exchange: ['swap', 'replace'],
  transfer: ['escalate', 'handoff'],
  record: ['log', 'save', 'store'],
  calculate: ['compute', 'eval'],
};

const NAMESPACES = ['functions', 'tools', 'default_api'];

/** Plausible tool names that do not exist for a tool ("get_order_details" → "fetch_order_details", "functions.get_order_details", ...). */
export function wrongToolNames(tool: string, tools: readonly ToolSchema[]): string[] {
  const names = new Set(tools.map((schema) => schema.name));
  const [verb, ...rest] = tool.split('_');
  const synonyms = VERB_SYNONYMS[verb ?? ''] ?? ['do', 'run', 'perform'];
  const last = rest.at(-1);
  const inflected = last === undefined ? [] : [[verb, ...rest.slice(0, -1), last.endsWith('s') ? last.slice(0, -1) : `${last}s`].join('_')];
  const options = [
    ...synonyms.map((synonym) => [synonym, ...rest].join('_')),
    `${tool}_v2`,
    `${tool}_tool`,
    rest.length > 0 ? rest.join('_') : `${tool}_action`,
    ...NAMESPACES.map((namespace) => `${namespace}.${tool}`),
    ...inflected,
  ];
  return [...new Set(options)].filter((name) => !names.has(name) && name !== tool);
}

/** A value substitution: every occurrence of `from` becomes `to`. */
export interface Substitution {
  parameter: string;
  from: Json;
  to: Json;
}

function collectStrings(value: Json, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) value.forEach((item) => collectStrings(item, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((item) => collectStrings(item, into));
}

/** Strings of a pattern's shape in some texts, sorted. */
export function valuesOfShape(pattern: string, texts: readonly string[]): string[] {
  const found = new Set<string>();
  const expression = unanchoredPattern(pattern);
  if (!expression) return [];
  for (const text of texts) for (const match of text.matchAll(expression)) found.add(match[0]);
  return [...found].sort();
}

/** Every string argument value of a plan's calls (what the plan itself shows). */
export function planStrings(calls: readonly IntendedCall[]): string[] {
  const strings: string[] = [];
  for (const call of calls) collectStrings(call.arguments, strings);
  return strings;
}

/**
 * Wrong-but-valid values for the arguments of a call: another enum value, another value of the same
 * shape among `seen` (strings the plan or the environment's results showed), or a number off by one.
 */
export function substitutionOptions(call: IntendedCall, tools: readonly ToolSchema[], seen: readonly string[]): Substitution[] {
  const schema = schemaOf(tools, call.tool);
  if (!schema) return [];
  const options: Substitution[] = [];
  for (const key of Object.keys(call.arguments).sort()) {
    const value = call.arguments[key]!;
    const property = schema.parameters.properties[key];
    if (!property) continue;
    if (property.enum && property.enum.length > 1) {
      for (const other of property.enum) if (canonicalJson(other) !== canonicalJson(value)) options.push({ parameter: key, from: value, to: other });
      continue;
    }
    const pattern = property.pattern ?? property.items?.pattern;
    if (pattern) {
      const current: string[] = [];
      collectStrings(value, current);
      const alternatives = valuesOfShape(pattern, seen).filter((candidate) => !current.includes(candidate));
      for (const from of current) for (const to of alternatives) options.push({ parameter: key, from, to });
      continue;
    }
    if (typeof value === 'number') options.push({ parameter: key, from: value, to: value + 1 });
  }
  return options;
}

/** Replace every occurrence of a value inside an arguments object (deep), e.g. in a write and in its confirmation. */
export function substitute(args: JsonObject, substitution: Pick<Substitution, 'from' | 'to'>): JsonObject {
  const target = canonicalJson(substitution.from);
  const walk = (value: Json): Json => {
    if (canonicalJson(value) === target) return substitution.to;
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
