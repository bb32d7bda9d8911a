/**
 * The one place a sim reads text. After a failed step it looks in what it was told for exactly two
 * things: the name of the correct next tool, and the correct name or value of an argument it got wrong.
 * What counts is whether the fix is named and among how many candidates of the same kind: feedback that
 * lists every tool names the right one, but only as one of sixteen, and is followed that much less.
 */
import type { Json, ParameterSchema, ToolSchema } from '../../harness/api.ts';
import { unanchoredPattern } from '../../util/pattern.ts';

/** Whether a fix is named, and among how many candidates (at least 1). */
export interface Mention {
  named: boolean;
  candidates: number;
}

const NONE: Mention = { named: false, candidates: 1 };

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when `token` occurs in `text` as a whole token (not inside a longer name or number). */
export function mentions(text: string, token: string): boolean {
  if (token === '') return false;
  return new RegExp(`(?<![A-Za-z0-9_])${escape(token)}(?![A-Za-z0-9_])`).test(text);
}

/** The tools (by name) a text names. */
export function toolsNamed(text: string, tools: readonly ToolSchema[]): string[] {
  return tools.map((tool) => tool.name).filter((name) => mentions(text, name));
}

/** Does the text name `tool`, and among how many tool names? */
export function toolMention(text: string, tool: string, tools: readonly ToolSchema[]): Mention {
  const named = toolsNamed(text, tools);
  return named.includes(tool) ? { named: true, candidates: named.length } : NONE;
}

/** Does the text name the argument `parameter` of `schema`, and among how many of the tool's argument names? */
export function keyMention(text: string, parameter: string, schema: ToolSchema | undefined): Mention {
  if (!schema || !mentions(text, parameter)) return NONE;
  const named = Object.keys(schema.parameters.properties).filter((name) => mentions(text, name));
  return { named: true, candidates: Math.max(1, named.length) };
}

function scalars(value: Json): string[] | null {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' || typeof item === 'number')) return value.map(String);
  return null;
}

/**
 * Does the text name the correct `value` of an argument, and among how many values of its shape (the
 * schema's pattern, or its enum)? Values without a shape count as one candidate.
 */
export function valueMention(text: string, value: Json, schema: ParameterSchema | undefined): Mention {
  const needed = scalars(value);
  if (!needed || !needed.every((item) => mentions(text, item))) return NONE;
  const pattern = schema?.pattern ?? schema?.items?.pattern;
  if (pattern) {
    const expression = unanchoredPattern(pattern);
    const found = expression ? new Set([...text.matchAll(expression)].map((match) => match[0])) : new Set<string>();
    return { named: true, candidates: Math.max(1, Math.floor(found.size / needed.length)) };
  }
  const choices = schema?.enum ?? schema?.items?.enum;
  if (choices) {
    const named = choices.filter((choice) => (typeof choice === 'string' || typeof choice === 'number') && mentions(text, String(choice)));
    return { named: true, candidates: Math.max(1, Math.floor(named.length / needed.length)) };
  }
  return { named: true, candidates: 1 };
}

/** The probability of following a named fix: compliance, diluted by the candidates named beside it. */
export function followProbability(compliance: number, mention: Mention): number {
  return mention.named ? compliance / Math.max(1, mention.candidates) : 0;
}
