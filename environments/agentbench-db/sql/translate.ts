/**
 * The translation layer: a statement written for MySQL 8 (what DBBench's agents are told they talk to)
 * becomes a statement SQLite runs with the same meaning, or the error MySQL would have given.
 *
 * Each *bridge* is one named, token-level rewrite of a MySQL-ism SQLite lacks or reads differently; the
 * result lists the bridges that fired (the README counts tasks per bridge from that list). *Checks* are
 * the opposite direction: syntax SQLite would accept but MySQL refuses, answered with MySQL's error so
 * the environment is not more lenient than the benchmark.
 */
import type { BridgeName } from './bridge-names.ts';
import { BRIDGES } from './bridges.ts';
import { isTrivia, isWord, splitStatements, tokenize, type Token } from './lexer.ts';
import { EMPTY_QUERY, syntaxError, unknownTable } from './mysql-errors.ts';
import { Rewriter } from './rewriter.ts';

export { BRIDGE_DESCRIPTIONS, BRIDGE_NAMES, type BridgeName } from './bridge-names.ts';
export { mysqlNumberText } from './bridges.ts';

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
/** Cast types other databases accept that MySQL 8's CAST refuses (it wants SIGNED, CHAR, DECIMAL, …). */
const REFUSED_CAST_TYPES = new Set(['INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'TEXT', 'VARCHAR', 'STRING', 'BOOLEAN', 'BOOL', 'NUMBER']);

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
      if (type?.kind === 'word' && REFUSED_CAST_TYPES.has(type.value.toUpperCase())) return syntaxError(sql, type.start);
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

