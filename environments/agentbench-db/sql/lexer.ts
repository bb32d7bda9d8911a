/**
 * A MySQL-flavoured SQL lexer. DBBench's agents talk to MySQL 8, so statements are read with MySQL's
 * lexical rules (double quotes delimit strings, backslash escapes inside strings, identifiers may start
 * with a digit, `#` and `-- ` comments) before they are translated for SQLite.
 */

/** What a token is. `word` covers keywords, function names and unquoted identifiers alike. */
export type TokenKind =
  | 'space'
  | 'comment'
  | 'word'
  | 'quoted-identifier'
  | 'bracket-identifier'
  | 'string'
  | 'number'
  | 'variable'
  | 'operator'
  | 'punctuation'
  | 'unknown';

/** One token: its kind, its source text, and for strings and quoted identifiers the decoded value. */
export interface Token {
  kind: TokenKind;
  /** The exact source text. */
  text: string;
  /** The decoded content of a string, quoted identifier or word (escapes resolved). */
  value: string;
  /** Offset of the token in the statement. */
  start: number;
  /** For strings: the quote character used (`'` or `"`). */
  quote?: "'" | '"';
  /** For strings and quoted identifiers: true when the closing quote is missing. */
  unterminated?: boolean;
}

const IDENTIFIER_CHAR = /[\p{L}\p{N}_$\u0080-\uffff]/u;
const NUMBER = /^(?:0x[0-9a-f]+|0b[01]+|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/i;
const OPERATORS = ['<=>', '->>', '<=', '>=', '<>', '!=', '||', '&&', ':=', '<<', '>>', '->', '=', '<', '>', '!', '+', '-', '*', '/', '%', '&', '|', '^', '~'];
const PUNCTUATION = new Set(['(', ')', ',', '.', ';']);

/** MySQL's backslash escapes inside string literals (`\%` and `\_` keep their backslash, for LIKE). */
const STRING_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  "'": "'",
  '"': '"',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  '\\': '\\',
  '%': '\\%',
  _: '\\_',
};

/** Split a statement into tokens; never throws (unknown characters become `unknown` tokens). */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  const push = (kind: TokenKind, end: number, value?: string, extra: Partial<Token> = {}) => {
    const text = sql.slice(position, end);
    tokens.push({ kind, text, value: value ?? text, start: position, ...extra });
    position = end;
  };
  while (position < sql.length) {
    const char = sql[position]!;
    const rest = sql.slice(position);
    if (/\s/.test(char)) {
      push('space', position + /^\s+/.exec(rest)![0].length);
    } else if (char === '#' || (rest.startsWith('--') && (rest.length === 2 || /[\s]/.test(rest[2]!)))) {
      const newline = sql.indexOf('\n', position);
      push('comment', newline === -1 ? sql.length : newline);
    } else if (rest.startsWith('/*')) {
      const close = sql.indexOf('*/', position + 2);
      push('comment', close === -1 ? sql.length : close + 2);
    } else if (char === "'" || char === '"') {
      const { end, value, terminated } = readQuoted(sql, position, char, true);
      push('string', end, value, { quote: char, ...(terminated ? {} : { unterminated: true }) });
    } else if (char === '`') {
      const { end, value, terminated } = readQuoted(sql, position, '`', false);
      push('quoted-identifier', end, value, terminated ? {} : { unterminated: true });
    } else if (char === '[') {
      const close = sql.indexOf(']', position);
      const end = close === -1 ? sql.length : close + 1;
      push('bracket-identifier', end, sql.slice(position + 1, close === -1 ? sql.length : close));
    } else if (char === '@') {
      push('variable', position + /^@@?[\w$.]*/.exec(rest)![0].length);
    } else if (/[0-9]/.test(char) || (char === '.' && /^\.[0-9]/.test(rest))) {
      const number = NUMBER.exec(rest)![0];
      const identifierRun = /^[\p{L}\p{N}_$\u0080-\uffff]+/u.exec(rest)?.[0] ?? '';
      // MySQL identifiers may begin with a digit (`1952_British_Grand_Prix_0`): a run of identifier
      // characters longer than the number is a word, not a number followed by a word.
      if (identifierRun.length > number.length && !number.includes('.')) push('word', position + identifierRun.length);
      else push('number', position + number.length);
    } else if (IDENTIFIER_CHAR.test(char)) {
      push('word', position + /^[\p{L}\p{N}_$\u0080-\uffff]+/u.exec(rest)![0].length);
    } else if (PUNCTUATION.has(char)) {
      push('punctuation', position + 1);
    } else {
      const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
      push(operator ? 'operator' : 'unknown', position + (operator?.length ?? 1));
    }
  }
  return tokens;
}

function readQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): { end: number; value: string; terminated: boolean } {
  let value = '';
  let index = start + 1;
  while (index < sql.length) {
    const char = sql[index]!;
    if (backslashEscapes && char === '\\' && index + 1 < sql.length) {
      const next = sql[index + 1]!;
      value += STRING_ESCAPES[next] ?? next;
      index += 2;
      continue;
    }
    if (char === quote) {
      if (sql[index + 1] === quote) {
        value += quote;
        index += 2;
        continue;
      }
      return { end: index + 1, value, terminated: true };
    }
    value += char;
    index += 1;
  }
  return { end: sql.length, value, terminated: false };
}

/** True for tokens that carry no meaning (spaces and comments). */
export function isTrivia(token: Token): boolean {
  return token.kind === 'space' || token.kind === 'comment';
}

/** True when the token is the word `keyword` (case-insensitive). */
export function isWord(token: Token | undefined, ...keywords: string[]): boolean {
  return token?.kind === 'word' && keywords.includes(token.value.toUpperCase());
}

/** A string literal as SQLite reads it: single quotes, quotes doubled, no backslash escapes. */
export function sqliteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** An identifier as both MySQL and SQLite read it: backticks, backticks doubled. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** The statements of a script: split at top-level semicolons, empty ones dropped. */
export function splitStatements(tokens: readonly Token[]): Token[][] {
  const statements: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokens) {
    if (token.kind === 'punctuation' && token.text === ';') {
      statements.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  statements.push(current);
  return statements.filter((statement) => statement.some((token) => !isTrivia(token)));
}
