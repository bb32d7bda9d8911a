/**
 * HTML that is safe by construction: every value interpolated into the {@link html} template is escaped
 * unless it is itself a fragment made by the template (or, for our own CSS and JS, {@link trustedHtml}).
 * Run data is untrusted (trajectory text comes from a model, module code from an engineer), so nothing
 * reaches the page as markup by accident.
 */
import { createHash } from 'node:crypto';

const SAFE = Symbol('bridle.safe-html');

/** A fragment of markup that is already escaped. */
export interface SafeHtml {
  readonly [SAFE]: true;
  /** The markup. */
  readonly text: string;
}

/** What may be interpolated: fragments as they are, text and numbers escaped, nothing for null/undefined/false. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as it may appear in an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character]!);
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && (value as { [SAFE]?: boolean })[SAFE] === true;
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (isSafe(value)) return value.text;
  if (Array.isArray(value)) return value.map((item: HtmlValue) => render(item)).join('');
  return escapeHtml(String(value));
}

/** Mark markup we wrote ourselves (stylesheet, script, numbers formatted for SVG) as safe. Never for run data. */
export function trustedHtml(text: string): SafeHtml {
  return { [SAFE]: true, text };
}

/** Tagged template: `html\`<td>${untrusted}</td>\`` escapes `untrusted`; nested fragments pass through. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let text = strings[0]!;
  values.forEach((value, index) => {
    text += render(value) + strings[index + 1]!;
  });
  return trustedHtml(text);
}

/**
 * JSON for a `<script type="application/json">` block. The browser ends a script element at the first
 * `</script`, whatever the type, so every `<` (and `>`, `&`, which some parsers treat specially) is
 * written as a JSON escape; JSON.parse reads them back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The CSP source for an inline script: the page allows exactly our script and nothing else. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}
