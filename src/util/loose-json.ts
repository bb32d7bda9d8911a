/**
 * Host-side readers for JSON as backbones write it: one balanced block out of prose, and JSON with the
 * usual slips repaired. Calibration and the heuristic engineer read outputs with these; harness modules
 * carry their own copies (templates/runtime-helpers.ts), since nothing crosses into the isolate.
 */
import type { JsonObject } from '../harness/api.ts';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first balanced {...} or [...] block of a text, quotes respected. */
export function firstBlock(text: string): string | undefined {
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  let depth = 0;
  let quote = '';
  for (let index = start; index < text.length; index++) {
    const char = text[index]!;
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
  return undefined;
}

/** JSON with the usual slips repaired: trailing commas, single quotes, unquoted keys, a value encoded once more as a string. */
export function looseJson(text: string): unknown {
  const noCommas = text.replace(/,\s*([}\]])/g, '$1');
  // Single quotes become double quotes only where they open or close a string, not inside words ("I'm").
  const doubled = noCommas.replace(/(^|[{[,:]\s*)'|'(?=\s*[:,}\]]|\s*$)/g, (_match, before: string | undefined) => `${before ?? ''}"`);
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
  return undefined;
}
