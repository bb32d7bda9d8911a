/**
 * Helper functions the parsing and tool-name templates emit into their modules (a module imports nothing
 * but the harness API, so each carries its own copy). Generic: they read the tool schemas in `view` and
 * the tables the templates learnt from the trajectories, nothing else.
 */
import type { HelperSpec } from '../codegen.ts';

/** "getOrderDetails", "Get-Order details" → "get_order_details". */
export const NAME_KEY: HelperSpec = {
  name: 'nameKey',
  parameters: [{ name: 'text', type: 'string' }],
  returnType: 'string',
  body: String.raw`return text.trim().replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[\s.-]+/g, '_').toLowerCase();`,
};

/**
 * The tool a name means: itself, a learnt alias (ALIASES), the same name in another case or with a
 * namespace, or the one tool whose parameters fit the arguments and that shares most words with it.
 */
export const RESOLVE_TOOL: HelperSpec = {
  name: 'resolveTool',
  parameters: [
    { name: 'name', type: 'string' },
    { name: 'args', type: 'JsonObject' },
    { name: 'view', type: 'View' },
  ],
  returnType: 'string | undefined',
  body: String.raw`if (view.tools.some((tool) => tool.name === name)) return name;
const alias = ALIASES[name];
if (alias !== undefined && view.tools.some((tool) => tool.name === alias)) return alias;
const last = name.split(/[.:/]/).pop() ?? name;
const plain = view.tools.find((tool) => nameKey(tool.name) === nameKey(name)) ?? view.tools.find((tool) => nameKey(tool.name) === nameKey(last));
if (plain) return plain.name;
const words = (text: string) => nameKey(text).split('_').filter((word) => word !== '');
const wanted = words(name);
const scored = view.tools
  .filter((tool) => {
    const properties = Object.keys(tool.parameters.properties);
    const keys = Object.keys(args).map((key) => properties.find((property) => nameKey(property) === nameKey(key)) ?? key);
    return keys.every((key) => properties.includes(key)) && tool.parameters.required.every((key) => keys.includes(key));
  })
  .map((tool) => ({ name: tool.name, shared: words(tool.name).filter((word) => wanted.includes(word)).length }))
  .sort((a, b) => b.shared - a.shared);
const best = scored[0];
const second = scored[1];
// A name that shares no word with any tool still means the one tool whose parameters its arguments fit.
if (best && second === undefined && Object.keys(args).length > 0) return best.name;
if (!best || best.shared === 0 || (second !== undefined && second.shared === best.shared)) return undefined;
return best.name;`,
};

export const IS_OBJECT: HelperSpec = {
  name: 'isObject',
  parameters: [{ name: 'value', type: 'unknown' }],
  returnType: 'value is JsonObject',
  body: `return typeof value === 'object' && value !== null && !Array.isArray(value);`,
};

/** JSON with trailing commas, single quotes, unquoted keys, or encoded once more as a string. */
export const LOOSE_JSON: HelperSpec = {
  name: 'looseJson',
  parameters: [{ name: 'text', type: 'string' }],
  returnType: 'unknown',
  body: String.raw`const noCommas = text.replace(/,\s*([}\]])/g, '$1');
// Single quotes become double quotes only where they open or close a string, not inside words.
const doubled = noCommas.replace(/(^|[{[,:]\s*)'|'(?=\s*[:,}\]]|\s*$)/g, (_match: string, before: string | undefined) => (before ?? '') + '"');
const attempts = [text, noCommas, doubled, noCommas.replace(/'/g, '"'), noCommas.replace(/([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:/g, '$1"$2":')];
for (const attempt of attempts) {
  try {
    const value: unknown = JSON.parse(attempt);
    if (typeof value === 'string' && /^\s*[[{]/.test(value)) return looseJson(value);
    return value;
  } catch {
    // try the next repair
  }
}
return undefined;`,
};

export const FIRST_BLOCK: HelperSpec = {
  name: 'firstBlock',
  parameters: [{ name: 'text', type: 'string' }],
  returnType: 'string | undefined',
  body: String.raw`const start = text.search(/[[{]/);
if (start < 0) return undefined;
let depth = 0;
let quote = '';
for (let index = start; index < text.length; index++) {
  const char = text[index];
  if (quote) {
    if (char === '\\') index++;
    else if (char === quote) quote = '';
  } else if (char === '"' || char === "'") quote = char;
  else if (char === '{' || char === '[') depth++;
  else if (char === '}' || char === ']') {
    depth--;
    if (depth === 0) return text.slice(start, index + 1);
  }
}
return undefined;`,
};
