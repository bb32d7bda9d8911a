/**
 * The translation layer: a statement written for MySQL 8 (what DBBench's agents are told they talk to)
 * becomes a statement SQLite runs with the same meaning, or the error MySQL would have given.
 *
 * Each *bridge* is one named, token-level rewrite of a MySQL-ism SQLite lacks or reads differently; the
 * result lists the bridges that fired (the README counts tasks per bridge from that list). *Checks* are
 * the opposite direction: syntax SQLite would accept but MySQL refuses, answered with MySQL's error so
 * the environment is not more lenient than the benchmark.
 */
import { isTrivia, isWord, quoteIdentifier, splitStatements, sqliteString, tokenize, type Token } from './lexer.ts';
import { EMPTY_QUERY, syntaxError, unknownTable } from './mysql-errors.ts';
import { MYSQL_FUNCTION_NAMES } from './functions.ts';

/** The bridges, by name. Each is a rewrite of one MySQL-ism; `BRIDGE_DESCRIPTIONS` says what it does. */
export const BRIDGE_NAMES = [
  'double-quoted-strings',
  'backslash-escapes',
  'binary-operator',
  'digit-leading-identifiers',
  'numeric-comparison',
  'accent-insensitive-comparison',
  'like-backslash-escape',
  'decimal-division',
  'logical-operators',
  'cast-types',
  'group-concat-separator',
  'rlike',
  'limit-in-update-delete',
  'numbers-stored-as-text',
  'insert-ignore',
  'truncate-table',
  'create-table-options',
  'mysql-functions',
  'show-describe',
] as const;

export type BridgeName = (typeof BRIDGE_NAMES)[number];

/** One line per bridge, for the README and for people reading a translation. */
export const BRIDGE_DESCRIPTIONS: Readonly<Record<BridgeName, string>> = {
  'double-quoted-strings': '`"text"` is a string in MySQL (an identifier in SQLite): emitted as `\'text\'`',
  'backslash-escapes': "MySQL reads `\\'`, `\\n`, `\\\\` … inside strings; SQLite does not: escapes are resolved",
  'binary-operator': '`BINARY x` (compare case- and accent-sensitively) → `x COLLATE BINARY`',
  'digit-leading-identifiers': 'MySQL allows unquoted names that start with a digit (`1952_British_Grand_Prix_0`): quoted with backticks',
  'numeric-comparison': 'a text column against a number compares as numbers in MySQL, as text in SQLite: the column is cast to REAL',
  'accent-insensitive-comparison': "MySQL's default collation (utf8mb4_0900_ai_ci) ignores accents and case in `=`, `LIKE`, `IN`: both sides folded",
  'like-backslash-escape': "backslash is LIKE's default escape in MySQL: `ESCAPE '\\'` added",
  'decimal-division': '`/` always gives a decimal in MySQL, integer division in SQLite: `a * 1.0 / b`',
  'logical-operators': '`||` and `&&` are OR and AND in MySQL (not concatenation), `!` is NOT, `<=>` is IS',
  'cast-types': 'MySQL cast types (`SIGNED`, `UNSIGNED`, `DECIMAL(p,s)`, `CHAR`, `DATE`) mapped to SQLite, `DECIMAL(p,s)` rounded to s places; `CONVERT(x, type)` as CAST',
  'group-concat-separator': '`GROUP_CONCAT(x SEPARATOR s)` → `group_concat(x, s)`',
  rlike: '`RLIKE` → `REGEXP` (case-insensitive, like MySQL with a _ci collation)',
  'limit-in-update-delete': '`UPDATE/DELETE … LIMIT n` (not compiled into this SQLite) → `WHERE rowid IN (SELECT rowid … LIMIT n)`',
  'numbers-stored-as-text': 'a number inserted into a text column keeps its MySQL text (`12.50` stays `12.50`, SQLite would store `12.5`)',
  'insert-ignore': '`INSERT IGNORE` → `INSERT OR IGNORE`',
  'truncate-table': '`TRUNCATE [TABLE] t` → `DELETE FROM t`',
  'create-table-options': '`AUTO_INCREMENT`, `ENGINE=`, `CHARSET=`, `COLLATE=`, `COMMENT` in CREATE TABLE dropped',
  'mysql-functions': 'MySQL functions SQLite lacks (LEFT, RIGHT, LOCATE, SUBSTRING_INDEX, GREATEST, DATE_FORMAT, …) provided as SQLite functions',
  'show-describe': '`SHOW TABLES`, `DESCRIBE t`, `SHOW COLUMNS FROM t`, `SHOW CREATE TABLE t` answered from the schema as MySQL would',
};

/** A statement SQLite cannot express that the tool answers itself. */
export type MetaCommand =
  | { kind: 'show-tables' }
  | { kind: 'show-databases' }
  | { kind: 'describe'; table: string }
  | { kind: 'show-create'; table: string }
  | { kind: 'use'; database: string };

/** The outcome of translating one statement. */
export type Translation =
  | { kind: 'sql'; sql: string; bridges: BridgeName[]; writes: boolean }
  | { kind: 'meta'; command: MetaCommand; bridges: BridgeName[] }
  | { kind: 'error'; message: string };

/** What the translator needs to know about the database. */
export interface TranslationContext {
  /** The tables that exist, by their exact names (MySQL on Linux compares table names case-sensitively). */
  tables: readonly string[];
  /** Bridges to leave out (to measure which tasks depend on which bridge). */
  disable?: ReadonlySet<BridgeName>;
}

const WRITE_VERBS = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'CREATE', 'DROP', 'ALTER', 'TRUNCATE', 'RENAME']);
const COMPARISONS = new Set(['=', '<', '>', '<=', '>=', '<>', '!=', '<=>']);
const EQUALITIES = new Set(['=', '<>', '!=', '<=>']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '.']);
/** Words that end an operand but are not column names. */
const NOT_COLUMNS = new Set([
  'SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'NULL', 'IS', 'IN', 'LIKE', 'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END',
  'AS', 'ON', 'JOIN', 'GROUP', 'BY', 'ORDER', 'HAVING', 'LIMIT', 'OFFSET', 'ASC', 'DESC', 'DISTINCT', 'ALL', 'UNION', 'EXISTS',
  'TRUE', 'FALSE', 'INTERVAL', 'BINARY', 'COLLATE', 'ESCAPE', 'REGEXP', 'RLIKE', 'DIV', 'MOD', 'XOR', 'SET', 'VALUES', 'ANY', 'SOME',
  'UNKNOWN', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP',
]);
/** MySQL cast types SQLite has no direct twin for. */
const MYSQL_ONLY_CAST_TYPES = new Set(['INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'TEXT', 'VARCHAR', 'STRING', 'BOOLEAN', 'BOOL', 'NUMBER']);

/** Translate one statement (a trailing semicolon is fine; two statements are refused, as MySQL does). */
export function translate(sql: string, context: TranslationContext): Translation {
  const all = tokenize(sql);
  const broken = all.find((token) => token.unterminated);
  if (broken) return { kind: 'error', message: syntaxError(sql, broken.start) };
  const statements = splitStatements(all);
  if (statements.length === 0) return { kind: 'error', message: EMPTY_QUERY };
  if (statements.length > 1) return { kind: 'error', message: syntaxError(sql, statements[1]!.find((token) => !isTrivia(token))!.start) };
  const tokens = statements[0]!;
  const refusal = mysqlRefusal(sql, tokens, context);
  if (refusal) return { kind: 'error', message: refusal };
  const meta = metaCommand(tokens);
  if (meta && !context.disable?.has('show-describe')) return { kind: 'meta', command: meta, bridges: ['show-describe'] };
  const rewriter = new Rewriter(tokens, context.disable ?? new Set());
  for (const bridge of BRIDGES) bridge(rewriter);
  const first = tokens.find((token) => !isTrivia(token));
  return { kind: 'sql', sql: rewriter.render(), bridges: rewriter.firedBridges(), writes: first?.kind === 'word' && WRITE_VERBS.has(first.value.toUpperCase()) };
}

// ---------------------------------------------------------------------------------------------------
// Checks: what SQLite accepts and MySQL refuses.

function mysqlRefusal(sql: string, tokens: readonly Token[], context: TranslationContext): string | null {
  const significant = tokens.filter((token) => !isTrivia(token));
  for (let index = 0; index < significant.length; index++) {
    const token = significant[index]!;
    // `[name]` is SQL Server and SQLite syntax; `?` placeholders cannot be bound here.
    if (token.kind === 'bracket-identifier' || token.kind === 'unknown') return syntaxError(sql, token.start);
    const previous = significant[index - 1];
    if (isWord(previous, 'FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE', 'DESCRIBE') && token.kind === 'string') {
      // SQLite reads a string in a table position as a table name; MySQL does not.
      return syntaxError(sql, token.start);
    }
    if (isWord(previous, 'FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE') && (token.kind === 'word' || token.kind === 'quoted-identifier')) {
      if (significant[index + 1]?.text === '(' || significant[index + 1]?.text === '.') continue;
      const name = token.value;
      if (!context.tables.includes(name) && context.tables.some((table) => table.toLowerCase() === name.toLowerCase())) return unknownTable(name);
    }
    if (isWord(token, 'AS') && isCastType(significant, index)) {
      const type = significant[index + 1];
      if (type?.kind === 'word' && MYSQL_ONLY_CAST_TYPES.has(type.value.toUpperCase())) return syntaxError(sql, type.start);
    }
  }
  return null;
}

/** True when the `AS` at `index` is the one inside CAST(... AS type). */
function isCastType(significant: readonly Token[], index: number): boolean {
  let depth = 0;
  for (let back = index - 1; back >= 0; back--) {
    const token = significant[back]!;
    if (token.text === ')') depth++;
    else if (token.text === '(') {
      if (depth === 0) return isWord(significant[back - 1], 'CAST');
      depth--;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// SHOW / DESCRIBE: answered by the tool from the schema.

function metaCommand(tokens: readonly Token[]): MetaCommand | null {
  const words = tokens.filter((token) => !isTrivia(token));
  const name = (token: Token | undefined) => (token && (token.kind === 'word' || token.kind === 'quoted-identifier') ? token.value : null);
  const [first, second, third] = words;
  if (isWord(first, 'SHOW')) {
    if (isWord(second, 'TABLES') || (isWord(second, 'FULL') && isWord(third, 'TABLES'))) return { kind: 'show-tables' };
    if (isWord(second, 'DATABASES', 'SCHEMAS')) return { kind: 'show-databases' };
    const offset = isWord(second, 'FULL') ? 1 : 0;
    if (isWord(words[1 + offset], 'COLUMNS', 'FIELDS') && isWord(words[2 + offset], 'FROM', 'IN')) {
      const table = name(words[3 + offset]);
      if (table !== null) return { kind: 'describe', table };
    }
    if (isWord(second, 'CREATE') && isWord(third, 'TABLE')) {
      const table = name(words[3]);
      if (table !== null) return { kind: 'show-create', table };
    }
    return null;
  }
  if (isWord(first, 'DESCRIBE', 'DESC', 'EXPLAIN') && !isWord(second, 'SELECT', 'UPDATE', 'DELETE', 'INSERT', 'REPLACE', 'WITH', 'FORMAT', 'ANALYZE')) {
    const table = name(second);
    if (table !== null) return { kind: 'describe', table };
  }
  if (isWord(first, 'USE')) {
    const database = name(second);
    if (database !== null) return { kind: 'use', database };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// The rewriter: tokens keep their positions; bridges replace a token's text or add text around it.

class Rewriter {
  readonly tokens: readonly Token[];
  /** The `=` tokens that are assignments of a SET list (not comparisons). */
  readonly assignments: ReadonlySet<number>;
  /** Indices of the tokens that are not spaces or comments. */
  readonly significant: number[];
  private readonly out: string[];
  private readonly before: string[];
  private readonly after: string[];
  private readonly fired = new Set<BridgeName>();
  private readonly disabled: ReadonlySet<BridgeName>;

  constructor(tokens: readonly Token[], disabled: ReadonlySet<BridgeName>) {
    this.tokens = tokens;
    this.disabled = disabled;
    this.significant = tokens.flatMap((token, index) => (isTrivia(token) ? [] : [index]));
    this.out = tokens.map((token) => (token.kind === 'comment' ? ' ' : token.text));
    this.before = tokens.map(() => '');
    this.after = tokens.map(() => '');
    this.assignments = new Set(
      assignmentSegments(this).flatMap(([first, last]) => this.significant.filter((index) => index >= first && index <= last && tokens[index]!.text === '=').slice(0, 1)),
    );
  }

  /** Run a bridge's edit unless the bridge is disabled; record that it fired. */
  apply(bridge: BridgeName, edit: () => void): boolean {
    if (this.disabled.has(bridge)) return false;
    edit();
    this.fired.add(bridge);
    return true;
  }

  enabled(bridge: BridgeName): boolean {
    return !this.disabled.has(bridge);
  }

  replace(index: number, text: string): void {
    this.out[index] = text;
  }

  text(index: number): string {
    return this.out[index]!;
  }

  /** Wrap tokens `start..end` (inclusive) in `prefix` and `suffix`. */
  wrap(start: number, end: number, prefix: string, suffix: string): void {
    this.before[start] = prefix + this.before[start]!;
    this.after[end] = this.after[end]! + suffix;
  }

  /** The rendered text of tokens `start..end` (inclusive), as emitted so far. */
  slice(start: number, end: number): string {
    let text = '';
    for (let index = start; index <= end; index++) text += this.before[index]! + this.out[index]! + this.after[index]!;
    return text;
  }

  /** The next significant token index after `index` (or -1). */
  next(index: number): number {
    return this.significant.find((candidate) => candidate > index) ?? -1;
  }

  /** The previous significant token index before `index` (or -1). */
  previous(index: number): number {
    for (let position = this.significant.length - 1; position >= 0; position--) if (this.significant[position]! < index) return this.significant[position]!;
    return -1;
  }

  /** The index of the `)` that closes the `(` at `open` (or -1). */
  closing(open: number): number {
    let depth = 0;
    for (let index = open; index < this.tokens.length; index++) {
      const text = this.tokens[index]!.kind === 'punctuation' ? this.tokens[index]!.text : '';
      if (text === '(') depth++;
      else if (text === ')' && --depth === 0) return index;
    }
    return -1;
  }

  /** Paren depth of every token (the depth inside which it sits). */
  depths(): number[] {
    let depth = 0;
    return this.tokens.map((token) => {
      if (token.kind === 'punctuation' && token.text === ')') depth = Math.max(0, depth - 1);
      const at = depth;
      if (token.kind === 'punctuation' && token.text === '(') depth++;
      return at;
    });
  }

  token(index: number): Token | undefined {
    return index < 0 ? undefined : this.tokens[index];
  }

  render(): string {
    return this.slice(0, this.tokens.length - 1);
  }

  firedBridges(): BridgeName[] {
    return BRIDGE_NAMES.filter((name) => this.fired.has(name));
  }
}

type Bridge = (rewriter: Rewriter) => void;

/**
 * The `column = value` segments of a top-level SET list (UPDATE … SET, INSERT … SET, ON DUPLICATE KEY
 * UPDATE), as [first, last] significant token indices.
 */
function assignmentSegments(rewriter: Pick<Rewriter, 'tokens' | 'significant' | 'depths'>): [number, number][] {
  const depths = rewriter.depths();
  const segments: [number, number][] = [];
  const { tokens, significant } = rewriter;
  for (let position = 0; position < significant.length; position++) {
    const index = significant[position]!;
    const isSet = depths[index] === 0 && (isWord(tokens[index], 'SET') || (isWord(tokens[index], 'UPDATE') && isWord(tokens[significant[position - 1] ?? -1], 'KEY')));
    if (!isSet) continue;
    let first = -1;
    let last = -1;
    for (let cursor = position + 1; cursor < significant.length; cursor++) {
      const current = significant[cursor]!;
      const token = tokens[current]!;
      if (depths[current] === 0 && isWord(token, 'WHERE', 'ORDER', 'LIMIT', 'ON')) break;
      if (depths[current] === 0 && token.kind === 'punctuation' && token.text === ',') {
        if (first !== -1) segments.push([first, last]);
        first = -1;
        continue;
      }
      if (first === -1) first = current;
      last = current;
    }
    if (first !== -1) segments.push([first, last]);
  }
  return segments;
}

const isName = (token: Token | undefined): boolean =>
  token !== undefined && (token.kind === 'quoted-identifier' || (token.kind === 'word' && !NOT_COLUMNS.has(token.value.toUpperCase())));

/** The first token of a column reference (`col`, `t.col`, `` `t`.`col` ``) that ends at `end`, or -1. */
function columnEndingAt(rewriter: Rewriter, end: number): number {
  if (!isName(rewriter.token(end))) return -1;
  let start = end;
  let dot = rewriter.previous(start);
  while (rewriter.token(dot)?.text === '.' && isName(rewriter.token(rewriter.previous(dot)))) {
    start = rewriter.previous(dot);
    dot = rewriter.previous(start);
  }
  const before = rewriter.token(rewriter.previous(start));
  // Inside arithmetic, or a name that is really a collation, the operand is not the bare column.
  if (before && ((before.kind === 'operator' && ARITHMETIC.has(before.text)) || isWord(before, 'COLLATE'))) return -1;
  return start;
}

/** The last token of a column reference starting at `start`, or -1. */
function columnStartingAt(rewriter: Rewriter, start: number): number {
  if (!isName(rewriter.token(start))) return -1;
  let end = start;
  let dot = rewriter.next(end);
  while (rewriter.token(dot)?.text === '.' && isName(rewriter.token(rewriter.next(dot)))) {
    end = rewriter.next(dot);
    dot = rewriter.next(end);
  }
  const after = rewriter.token(rewriter.next(end));
  if (after && (after.text === '(' || (after.kind === 'operator' && ARITHMETIC.has(after.text)) || isWord(after, 'COLLATE'))) return -1;
  return end;
}

/** The last token of a (signed) number literal starting at `start` that is a whole operand, or -1. */
function numberAt(rewriter: Rewriter, start: number): number {
  let index = start;
  const token = rewriter.token(index);
  if (token?.kind === 'operator' && (token.text === '-' || token.text === '+')) index = rewriter.next(index);
  return rewriter.token(index)?.kind === 'number' ? index : -1;
}

/** True when the string literal at `index` is a whole operand (not the start of an expression). */
function stringOperandAt(rewriter: Rewriter, index: number): boolean {
  if (rewriter.token(index)?.kind !== 'string') return false;
  const after = rewriter.token(rewriter.next(index));
  return !(after && ((after.kind === 'operator' && ARITHMETIC.has(after.text)) || isWord(after, 'COLLATE')));
}

const FOLD = 'dbbench_fold';

const stringLiterals: Bridge = (rewriter) => {
  rewriter.tokens.forEach((token, index) => {
    if (token.kind !== 'string') return;
    const plain = sqliteString(token.value);
    if (plain === token.text) return;
    const escaped = token.text.slice(1, -1).includes('\\');
    if (token.quote === '"') rewriter.apply('double-quoted-strings', () => rewriter.replace(index, plain));
    if (escaped && (token.quote === "'" || rewriter.enabled('double-quoted-strings'))) rewriter.apply('backslash-escapes', () => rewriter.replace(index, plain));
  });
};

const digitLeadingIdentifiers: Bridge = (rewriter) => {
  rewriter.tokens.forEach((token, index) => {
    if (token.kind === 'word' && /^[0-9]/.test(token.value)) rewriter.apply('digit-leading-identifiers', () => rewriter.replace(index, quoteIdentifier(token.value)));
  });
};

const comparisons: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    const isComparison = token.kind === 'operator' && COMPARISONS.has(token.text);
    const isLike = isWord(token, 'LIKE');
    const isIn = isWord(token, 'IN');
    const isBetween = isWord(token, 'BETWEEN');
    if (!isComparison && !isLike && !isIn && !isBetween) continue;
    // `col = value` in a SET list is an assignment, not a comparison.
    if (rewriter.assignments.has(index)) continue;
    // The left operand ends before the operator (skipping NOT in `x NOT LIKE`, `x NOT IN`, `x NOT BETWEEN`).
    let leftEnd = rewriter.previous(index);
    if (!isComparison && isWord(rewriter.token(leftEnd), 'NOT')) leftEnd = rewriter.previous(leftEnd);
    const leftStart = columnEndingAt(rewriter, leftEnd);
    const rightStart = rewriter.next(index);
    // `BINARY col = 'x'` asks for an exact comparison: no folding.
    const exact = leftStart !== -1 && isWord(rewriter.token(rewriter.previous(leftStart)), 'BINARY');

    if (isIn) {
      if (leftStart === -1 || rewriter.token(rightStart)?.text !== '(') continue;
      const close = rewriter.closing(rightStart);
      const items = listItems(rewriter, rightStart, close);
      if (items.length === 0) continue;
      if (items.every(([start, end]) => numberAt(rewriter, start) === end)) {
        rewriter.apply('numeric-comparison', () => rewriter.wrap(leftStart, leftEnd, 'CAST(', ' AS REAL)'));
      } else if (!exact && items.every(([start, end]) => start === end && rewriter.token(start)?.kind === 'string')) {
        rewriter.apply('accent-insensitive-comparison', () => {
          rewriter.wrap(leftStart, leftEnd, `${FOLD}(`, ')');
          for (const [start] of items) rewriter.wrap(start, start, `${FOLD}(`, ')');
        });
      }
      continue;
    }
    if (isBetween) {
      const lowEnd = numberAt(rewriter, rightStart);
      const and = rewriter.next(lowEnd);
      if (leftStart !== -1 && lowEnd !== -1 && isWord(rewriter.token(and), 'AND') && numberAt(rewriter, rewriter.next(and)) !== -1) {
        rewriter.apply('numeric-comparison', () => rewriter.wrap(leftStart, leftEnd, 'CAST(', ' AS REAL)'));
      }
      continue;
    }
    // column <op> number, number <op> column: compared as numbers, as MySQL does.
    if (isComparison && leftStart !== -1 && numberAt(rewriter, rightStart) !== -1) {
      rewriter.apply('numeric-comparison', () => rewriter.wrap(leftStart, leftEnd, 'CAST(', ' AS REAL)'));
      continue;
    }
    if (isComparison && rewriter.token(leftEnd)?.kind === 'number') {
      const columnEnd = columnStartingAt(rewriter, rightStart);
      if (columnEnd !== -1) rewriter.apply('numeric-comparison', () => rewriter.wrap(rightStart, columnEnd, 'CAST(', ' AS REAL)'));
      continue;
    }
    // column = 'text', column LIKE 'pattern' (and the mirror image): accents and case ignored.
    const equalityLike = isLike || (isComparison && EQUALITIES.has(token.text));
    if (!equalityLike || exact) continue;
    if (leftStart !== -1 && stringOperandAt(rewriter, rightStart)) {
      rewriter.apply('accent-insensitive-comparison', () => {
        rewriter.wrap(leftStart, leftEnd, `${FOLD}(`, ')');
        rewriter.wrap(rightStart, rightStart, `${FOLD}(`, ')');
      });
      if (isLike) likeEscape(rewriter, rightStart);
      continue;
    }
    if (!isLike && rewriter.token(leftEnd)?.kind === 'string' && rewriter.token(rewriter.previous(leftEnd))?.kind !== 'operator') {
      const columnEnd = columnStartingAt(rewriter, rightStart);
      if (columnEnd !== -1) {
        rewriter.apply('accent-insensitive-comparison', () => {
          rewriter.wrap(leftEnd, leftEnd, `${FOLD}(`, ')');
          rewriter.wrap(rightStart, columnEnd, `${FOLD}(`, ')');
        });
      }
      continue;
    }
    if (isLike && rewriter.token(rightStart)?.kind === 'string') likeEscape(rewriter, rightStart);
  }
};

/** MySQL's LIKE treats backslash as the escape character by default; SQLite has no default. */
function likeEscape(rewriter: Rewriter, pattern: number): void {
  const token = rewriter.token(pattern)!;
  if (!token.value.includes('\\') || isWord(rewriter.token(rewriter.next(pattern)), 'ESCAPE')) return;
  rewriter.apply('like-backslash-escape', () => rewriter.wrap(pattern, pattern, '', " ESCAPE '\\'"));
}

/** The items of a parenthesised list `( a, b, c )` as [first, last] significant token indices. */
function listItems(rewriter: Rewriter, open: number, close: number): [number, number][] {
  if (close === -1) return [];
  const items: [number, number][] = [];
  let start = -1;
  let last = -1;
  let depth = 0;
  for (const index of rewriter.significant) {
    if (index <= open || index >= close) continue;
    const text = rewriter.tokens[index]!.text;
    if (text === '(') depth++;
    if (text === ')') depth--;
    if (depth === 0 && text === ',' && rewriter.tokens[index]!.kind === 'punctuation') {
      if (start !== -1) items.push([start, last]);
      start = -1;
      continue;
    }
    if (start === -1) start = index;
    last = index;
  }
  if (start !== -1) items.push([start, last]);
  return items;
}

const binaryOperator: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    if (!isWord(rewriter.tokens[index], 'BINARY')) continue;
    // Not the type in CAST(x AS BINARY) or CONVERT(x, BINARY).
    const before = rewriter.token(rewriter.previous(index));
    if (isWord(before, 'AS') || before?.text === ',') continue;
    const start = rewriter.next(index);
    const end = rewriter.token(start)?.kind === 'string' ? start : columnStartingAt(rewriter, start);
    if (end === -1) continue;
    rewriter.apply('binary-operator', () => {
      rewriter.replace(index, '');
      rewriter.wrap(start, end, '', ' COLLATE BINARY');
    });
  }
};

const division: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    if (token.kind === 'operator' && token.text === '/') rewriter.apply('decimal-division', () => rewriter.replace(index, '* 1.0 /'));
  }
};

const logicalOperators: Bridge = (rewriter) => {
  const replacements: Record<string, string> = { '||': ' OR ', '&&': ' AND ', '!': ' NOT ', '<=>': ' IS ' };
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    const replacement = token.kind === 'operator' ? replacements[token.text] : undefined;
    if (replacement) rewriter.apply('logical-operators', () => rewriter.replace(index, replacement));
  }
};

const castTypes: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    if (!isWord(token, 'CAST', 'CONVERT')) continue;
    const open = rewriter.next(index);
    if (rewriter.token(open)?.text !== '(') continue;
    const close = rewriter.closing(open);
    if (close === -1) continue;
    // The type: after the top-level AS (CAST) or the top-level comma (CONVERT).
    const separator = topLevel(rewriter, open, close, (candidate) => (isWord(token, 'CAST') ? isWord(candidate, 'AS') : candidate.text === ','));
    if (separator === -1) {
      // CONVERT(x USING charset): the value itself.
      const using = topLevel(rewriter, open, close, (candidate) => isWord(candidate, 'USING'));
      if (using !== -1) {
        rewriter.apply('cast-types', () => {
          rewriter.replace(index, '');
          for (let drop = using; drop < close; drop++) rewriter.replace(drop, '');
        });
      }
      continue;
    }
    const typeStart = rewriter.next(separator);
    const typeWord = rewriter.token(typeStart);
    if (typeWord?.kind !== 'word') continue;
    const type = typeWord.value.toUpperCase();
    const mapped = mapCastType(rewriter, typeStart, close, type);
    if (!mapped) continue;
    rewriter.apply('cast-types', () => {
      rewriter.replace(index, 'CAST');
      rewriter.replace(separator, ' AS ');
      for (let drop = typeStart; drop < close; drop++) rewriter.replace(drop, '');
      rewriter.replace(typeStart, mapped.type);
      if (mapped.scale !== undefined) rewriter.wrap(index, close, 'ROUND(', `, ${mapped.scale})`);
    });
  }
};

/** A MySQL cast type as SQLite's, and the scale to round to for DECIMAL. */
function mapCastType(rewriter: Rewriter, typeStart: number, close: number, type: string): { type: string; scale?: number } | null {
  switch (type) {
    case 'SIGNED':
    case 'UNSIGNED':
      return { type: 'INTEGER' };
    case 'DECIMAL':
    case 'DEC':
    case 'NUMERIC':
    case 'FIXED': {
      const numbers = rewriter.tokens.slice(typeStart, close).filter((token) => token.kind === 'number');
      return { type: 'REAL', scale: numbers.length >= 2 ? Number(numbers[1]!.text) : 0 };
    }
    // SQLite gives these NUMERIC affinity ('2008-01-01' would become 2008); MySQL keeps the text.
    case 'BINARY':
    case 'JSON':
    case 'DATE':
    case 'DATETIME':
    case 'TIME':
    case 'YEAR':
      return { type: 'TEXT' };
    // CHAR, NCHAR, DOUBLE, FLOAT and REAL already mean the same in SQLite.
    default:
      return null;
  }
}

/** The first significant token between `open` and `close` at their depth that satisfies `test`, or -1. */
function topLevel(rewriter: Rewriter, open: number, close: number, test: (token: Token) => boolean): number {
  let depth = 0;
  for (const index of rewriter.significant) {
    if (index <= open || index >= close) continue;
    const token = rewriter.tokens[index]!;
    if (token.text === '(') depth++;
    else if (token.text === ')') depth--;
    else if (depth === 0 && test(token)) return index;
  }
  return -1;
}

const groupConcatSeparator: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    if (!isWord(rewriter.tokens[index], 'GROUP_CONCAT')) continue;
    const open = rewriter.next(index);
    if (rewriter.token(open)?.text !== '(') continue;
    const close = rewriter.closing(open);
    const separator = topLevel(rewriter, open, close, (token) => isWord(token, 'SEPARATOR'));
    if (separator !== -1) rewriter.apply('group-concat-separator', () => rewriter.replace(separator, ','));
  }
};

const rlike: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    if (isWord(rewriter.tokens[index], 'RLIKE')) rewriter.apply('rlike', () => rewriter.replace(index, 'REGEXP'));
  }
};

const limitInUpdateDelete: Bridge = (rewriter) => {
  const first = rewriter.significant[0];
  const verb = rewriter.token(first ?? -1);
  if (!isWord(verb, 'UPDATE', 'DELETE')) return;
  const depths = rewriter.depths();
  const limit = rewriter.significant.find((index) => depths[index] === 0 && isWord(rewriter.tokens[index], 'LIMIT'));
  if (limit === undefined) return;
  const tableStart = isWord(verb, 'DELETE') ? rewriter.next(rewriter.significant.find((index) => isWord(rewriter.tokens[index], 'FROM')) ?? -1) : rewriter.next(first!);
  const tableEnd = columnStartingAt(rewriter, tableStart);
  if (tableStart === -1 || tableEnd === -1) return;
  const last = rewriter.significant.at(-1)!;
  const tail =
    rewriter.significant.find((index) => index > tableEnd && depths[index] === 0 && isWord(rewriter.tokens[index], 'WHERE', 'ORDER', 'LIMIT')) ?? limit;
  rewriter.apply('limit-in-update-delete', () => {
    const table = rewriter.slice(tableStart, tableEnd);
    rewriter.wrap(tail, last, ` WHERE rowid IN (SELECT rowid FROM ${table} `, ')');
  });
};

const numbersStoredAsText: Bridge = (rewriter) => {
  const words = rewriter.significant;
  const verb = rewriter.token(words[0] ?? -1);
  const depths = rewriter.depths();
  const values: [number, number][] = [];
  if (isWord(verb, 'INSERT', 'REPLACE')) {
    const keyword = words.find((index) => isWord(rewriter.tokens[index], 'VALUES', 'VALUE'));
    if (keyword === undefined) return;
    let open = rewriter.next(keyword);
    while (rewriter.token(open)?.text === '(') {
      const close = rewriter.closing(open);
      values.push(...listItems(rewriter, open, close));
      const comma = rewriter.next(close);
      if (rewriter.token(comma)?.text !== ',') break;
      open = rewriter.next(comma);
    }
  } else if (isWord(verb, 'UPDATE')) {
    for (const [first, last] of assignmentSegments(rewriter)) {
      const equals = rewriter.significant.find((index) => index >= first && index <= last && rewriter.tokens[index]!.text === '=');
      if (equals !== undefined && equals < last) values.push([rewriter.next(equals), last]);
    }
  } else {
    return;
  }
  for (const [start, end] of values) {
    if (numberAt(rewriter, start) !== end) continue;
    const literal = rewriter.slice(start, end).replace(/\s+/g, '');
    const text = mysqlNumberText(literal);
    if (text === null) continue;
    rewriter.apply('numbers-stored-as-text', () => {
      for (let index = start; index <= end; index++) rewriter.replace(index, '');
      rewriter.replace(start, sqliteString(text));
    });
  }
};

/** The text MySQL stores when a numeric literal goes into a text column; null for hex and binary. */
export function mysqlNumberText(literal: string): string | null {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(e[+-]?\d+)?$/i.exec(literal);
  if (!match) return null;
  const [, sign = '', whole = '', fraction, exponent] = match;
  if (exponent !== undefined) {
    const value = Number(literal);
    return Number.isFinite(value) ? String(value) : null;
  }
  const integer = (whole.replace(/^0+(?=\d)/, '') || '0');
  const text = fraction === undefined || fraction === '' ? integer : `${integer}.${fraction}`;
  const negative = sign === '-' && /[1-9]/.test(text);
  return negative ? `-${text}` : text;
}

const insertIgnore: Bridge = (rewriter) => {
  const [first, second] = rewriter.significant;
  if (isWord(rewriter.token(first ?? -1), 'INSERT') && isWord(rewriter.token(second ?? -1), 'IGNORE')) {
    rewriter.apply('insert-ignore', () => rewriter.replace(second!, 'OR IGNORE'));
  }
};

const truncateTable: Bridge = (rewriter) => {
  const [first, second] = rewriter.significant;
  if (!isWord(rewriter.token(first ?? -1), 'TRUNCATE')) return;
  rewriter.apply('truncate-table', () => {
    rewriter.replace(first!, 'DELETE FROM');
    if (isWord(rewriter.token(second ?? -1), 'TABLE')) rewriter.replace(second!, '');
  });
};

const TABLE_OPTIONS = new Set(['ENGINE', 'CHARSET', 'COLLATE', 'AUTO_INCREMENT', 'COMMENT', 'ROW_FORMAT']);

const createTableOptions: Bridge = (rewriter) => {
  const [first, second] = rewriter.significant;
  if (!isWord(rewriter.token(first ?? -1), 'CREATE') || !isWord(rewriter.token(second ?? -1), 'TABLE', 'TEMPORARY')) return;
  const open = rewriter.significant.find((index) => rewriter.tokens[index]!.text === '(');
  if (open === undefined) return;
  const close = rewriter.closing(open);
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    if (index < close && isWord(token, 'AUTO_INCREMENT')) {
      rewriter.apply('create-table-options', () => rewriter.replace(index, ''));
    } else if (index < close && isWord(token, 'COMMENT') && rewriter.token(rewriter.next(index))?.kind === 'string') {
      rewriter.apply('create-table-options', () => {
        rewriter.replace(index, '');
        rewriter.replace(rewriter.next(index), '');
      });
    } else if (index > close && close !== -1) {
      // Everything after the column list is table options MySQL-only: ENGINE=InnoDB DEFAULT CHARSET=...
      if (rewriter.significant.slice(rewriter.significant.indexOf(index)).some((option) => TABLE_OPTIONS.has(rewriter.tokens[option]!.value.toUpperCase()))) {
        rewriter.apply('create-table-options', () => {
          for (let drop = index; drop < rewriter.tokens.length; drop++) rewriter.replace(drop, '');
        });
      }
      break;
    }
  }
};

const mysqlFunctions: Bridge = (rewriter) => {
  for (const index of rewriter.significant) {
    const token = rewriter.tokens[index]!;
    if (token.kind === 'word' && MYSQL_FUNCTION_NAMES.has(token.value.toUpperCase()) && rewriter.token(rewriter.next(index))?.text === '(') {
      rewriter.apply('mysql-functions', () => undefined);
    }
  }
};

const BRIDGES: readonly Bridge[] = [
  stringLiterals,
  digitLeadingIdentifiers,
  comparisons,
  binaryOperator,
  division,
  logicalOperators,
  castTypes,
  groupConcatSeparator,
  rlike,
  limitInUpdateDelete,
  numbersStoredAsText,
  insertIgnore,
  truncateTable,
  createTableOptions,
  mysqlFunctions,
];
