/**
 * Finding, loading and validating `bridle.config.ts`. Problems throw CONFIG_INVALID with one line per
 * problem that names the key path and says how to fix it; the CLI prints it and exits.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BridleError } from '../errors.ts';
import { importDefaultExport } from '../util/import-user-module.ts';
import { bridleConfigSchema, type BridleConfig } from './schema.ts';

/** The file names looked for, in order. */
export const CONFIG_FILE_NAMES = ['bridle.config.ts', 'bridle.config.mts', 'bridle.config.js', 'bridle.config.mjs'] as const;

/** The configuration file in `cwd`, or undefined. */
export function findConfigFile(cwd: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(cwd, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** `backbones["openai/x"].timeoutMs` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  let previous: PropertyKey | undefined;
  for (const segment of path) {
    // Record keys (backbone ids) read best as ["..."], whatever they look like.
    const recordKey = previous === 'backbones' || previous === 'headers' || previous === 'sims';
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (!recordKey && typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
    previous = segment;
  }
  return text === '' ? '(top level)' : text;
}

interface SchemaDefinition {
  type?: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
}

function definitionOf(schema: z.ZodType): SchemaDefinition {
  return (schema as unknown as { _zod: { def: SchemaDefinition } })._zod.def;
}

/** The keys an object schema allows at `path` (for "did you mean"), or undefined. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let current: z.ZodType | undefined = schema;
  let index = 0;
  for (let guard = 0; current && guard < 64; guard++) {
    const definition = definitionOf(current);
    if (definition.innerType) current = definition.innerType;
    else if (definition.type === 'pipe' && definition.in) current = definition.in;
    else if (definition.type === 'object' && definition.shape) {
      if (index === path.length) return Object.keys(definition.shape);
      current = definition.shape[String(path[index++])];
    } else if (definition.type === 'record' && definition.valueType) {
      if (index === path.length) return undefined;
      index++;
      current = definition.valueType;
    } else if (definition.type === 'array' && definition.element) {
      if (index === path.length) return undefined;
      index++;
      current = definition.element;
    } else return undefined;
  }
  return undefined;
}

function editDistance(left: string, right: string): number {
  const previous = Array.from({ length: right.length + 1 }, (_unused, index) => index);
  for (let row = 1; row <= left.length; row++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = row;
    for (let column = 1; column <= right.length; column++) {
      const above = previous[column] ?? 0;
      const cost = left[row - 1]?.toLowerCase() === right[column - 1]?.toLowerCase() ? 0 : 1;
      previous[column] = Math.min(above + 1, (previous[column - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[right.length] ?? 0;
}

/** The known key closest to `key`, when it is close enough to be a typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(2, Math.floor(key.length / 3));
  const prefix = best !== undefined && (best.toLowerCase().startsWith(key.toLowerCase()) || key.toLowerCase().startsWith(best.toLowerCase()));
  return best !== undefined && (bestDistance <= limit || prefix) ? best : undefined;
}

function describeReceived(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'string') return `the string ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
  if (typeof input === 'object') return 'an object';
  return `${typeof input} ${String(input)}`;
}

/** One line per problem: the key path, what is wrong, how to fix it. */
export function formatConfigIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType = bridleConfigSchema, input?: unknown): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path) ?? [];
      for (const key of issue.keys) {
        const path = formatPath([...issue.path, key]);
        const suggestion = closestKey(key, known);
        const hint = suggestion ? `did you mean "${suggestion}"?` : known.length > 0 ? `remove it (known keys: ${known.join(', ')})` : 'remove it';
        lines.push(`${path}: unknown key; ${hint}`);
      }
      continue;
    }
    const path = formatPath(issue.path);
    if (issue.code === 'invalid_type') {
      const received = input === undefined ? undefined : valueAt(input, issue.path);
      const got = received === undefined ? (issue.message.match(/received (\w+)/)?.[1] ?? 'something else') : describeReceived(received);
      lines.push(`${path}: expected ${issue.expected}, got ${got}; write ${article(issue.expected)} ${issue.expected}`);
      continue;
    }
    if (issue.code === 'invalid_value') {
      lines.push(`${path}: must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`);
      continue;
    }
    if (issue.code === 'invalid_key') {
      lines.push(`${path}: ${issue.issues[0]?.message ?? issue.message}`);
      continue;
    }
    lines.push(`${path}: ${issue.message}`);
  }
  return lines;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/**
 * Validate a configuration object against `schema` (the base schema, or one extended by other parts).
 * `source` names where it came from in the error message.
 */
export function parseConfig<Schema extends z.ZodType = typeof bridleConfigSchema>(
  input: unknown,
  options: { schema?: Schema; source?: string } = {},
): z.output<Schema> {
  const schema = (options.schema ?? bridleConfigSchema) as Schema;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = formatConfigIssues(result.error.issues, schema, input);
  const source = options.source ?? 'the configuration';
  throw new BridleError('CONFIG_INVALID', `${source} is invalid: ${lines.join('; ')}`, { cause: result.error });
}

/**
 * Load the configuration of the project in `cwd`: `bridle.config.ts` (or .mts/.js/.mjs), run by Node
 * (through tsx only when Node cannot: see `importUserModule`), validated. Without a file, the defaults.
 */
export async function loadConfig<Schema extends z.ZodType = typeof bridleConfigSchema>(
  cwd: string,
  options: { schema?: Schema } = {},
): Promise<Schema extends typeof bridleConfigSchema ? BridleConfig : z.output<Schema>> {
  const file = findConfigFile(cwd);
  if (!file) return parseConfig({}, options) as never;
  const name = file.slice(file.lastIndexOf('/') + 1);
  let value = await importDefaultExport(file, 'CONFIG_INVALID', 'defineConfig({ ... })');
  if (typeof value === 'function') value = await (value as () => unknown)();
  else value = await value;
  return parseConfig(value, { ...options, source: name }) as never;
}
