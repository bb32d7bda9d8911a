/** Reading regular-expression patterns of tool schemas (public JSON Schema data, not any backbone's). */

/** The literal characters a pattern requires at its start, e.g. "#W" for `^#W\d{7}$`; "" when it has none. */
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
  // A quantifier right after the prefix applies to its last character, which is then not required.
  return /^[*?{]/.test(pattern.slice(1 + match[1].length)) ? prefix.slice(0, -1) : prefix;
}

/**
 * A pattern without its anchors, for finding values of its shape inside free text (bounded so that a
 * longer token does not count), or null when it is not a valid expression.
 */
export function unanchoredPattern(pattern: string, flags = 'g'): RegExp | null {
  try {
    const body = pattern.replace(/^\^/, '').replace(/\$$/, '');
    return new RegExp(`(?<![A-Za-z0-9_])(?:${body})(?![A-Za-z0-9_])`, flags);
  } catch {
    return null;
  }
}
