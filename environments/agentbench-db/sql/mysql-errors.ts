/**
 * Errors as MySQL 8 words them (DBBench's agents read raw MySQL responses), from what the translator
 * finds itself or from SQLite's own messages. A message SQLite has no MySQL twin for is passed on as is.
 */
import type { Token } from './lexer.ts';

/** The schema name shown in MySQL messages (AgentBench creates one database per episode). */
export const DATABASE_NAME = 'dbbench';

/** MySQL shows at most this much of the statement after the point of a syntax error. */
const NEAR_LENGTH = 80;

/** `1064 (42000): You have an error in your SQL syntax; ... near '<rest>' at line <n>`. */
export function syntaxError(sql: string, offset: number): string {
  const clamped = Math.max(0, Math.min(offset, sql.length));
  const line = sql.slice(0, clamped).split('\n').length;
  const near = sql.slice(clamped, clamped + NEAR_LENGTH);
  return `1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${near}' at line ${line}`;
}

/** `1146 (42S02): Table 'dbbench.<name>' doesn't exist`. */
export function unknownTable(name: string): string {
  return `1146 (42S02): Table '${DATABASE_NAME}.${name}' doesn't exist`;
}

/** `1065 (42000): Query was empty`. */
export const EMPTY_QUERY = '1065 (42000): Query was empty';

/** MySQL names the clause an unknown column appeared in. */
function clauseOf(tokens: readonly Token[], offset: number): string {
  let clause = 'field list';
  for (const token of tokens) {
    if (token.start >= offset) break;
    if (token.kind !== 'word') continue;
    const word = token.value.toUpperCase();
    if (word === 'WHERE') clause = 'where clause';
    else if (word === 'ON') clause = 'on clause';
    else if (word === 'HAVING') clause = 'having clause';
    else if (word === 'ORDER') clause = 'order clause';
    else if (word === 'GROUP') clause = 'group statement';
    else if (word === 'SET' || word === 'SELECT') clause = 'field list';
  }
  return clause;
}

/** Where a name first appears in the statement as a word or quoted identifier (case-insensitive). */
function offsetOfName(tokens: readonly Token[], name: string): number {
  const wanted = name.toLowerCase();
  return tokens.find((token) => (token.kind === 'word' || token.kind === 'quoted-identifier') && token.value.toLowerCase() === wanted)?.start ?? -1;
}

/** The MySQL wording of an error SQLite raised for the translated statement. */
export function fromSqlite(message: string, original: string, tokens: readonly Token[]): string {
  let match: RegExpExecArray | null;
  if ((match = /^near "((?:[^"]|"")*)": syntax error/.exec(message))) {
    const near = match[1]!.replaceAll('""', '"');
    const token = tokens.find((candidate) => candidate.text === near || candidate.value === near || candidate.text.toLowerCase() === near.toLowerCase());
    return syntaxError(original, token?.start ?? original.indexOf(near));
  }
  if (/^incomplete input/.test(message) || /^unrecognized token/.test(message)) return syntaxError(original, original.trimEnd().length);
  if ((match = /^no such table: (?:main\.)?(.+)$/.exec(message))) return unknownTable(match[1]!);
  if ((match = /^no such column: (.+)$/.exec(message))) {
    const name = match[1]!.replace(/^"(.*)"(?: - should this be a string literal.*)?$/, '$1');
    return `1054 (42S22): Unknown column '${name}' in '${clauseOf(tokens, offsetOfName(tokens, name.split('.').at(-1)!))}'`;
  }
  if ((match = /^table (.+) has no column named (.+)$/.exec(message))) return `1054 (42S22): Unknown column '${match[2]}' in 'field list'`;
  if ((match = /^ambiguous column name: (.+)$/.exec(message))) return `1052 (23000): Column '${match[1]}' in field list is ambiguous`;
  if ((match = /^no such function: (.+)$/.exec(message))) return `1305 (42000): FUNCTION ${DATABASE_NAME}.${match[1]} does not exist`;
  if ((match = /^wrong number of arguments to function (\w+)\(\)/.exec(message))) {
    return `1582 (42000): Incorrect parameter count in the call to native function '${match[1]}'`;
  }
  if (/has \d+ columns but \d+ values were supplied|\d+ values for \d+ columns|all VALUES must have the same number of terms/.test(message)) {
    return "1136 (21S01): Column count doesn't match value count at row 1";
  }
  if ((match = /^table (.+) already exists$/.exec(message))) return `1050 (42S01): Table '${match[1]}' already exists`;
  if ((match = /^(?:a )?GROUP BY term out of range|^1st ORDER BY term out of range|^\d+\w* ORDER BY term out of range/.exec(message))) {
    return "1054 (42S22): Unknown column in 'order clause'";
  }
  if (/^misuse of aggregate/.test(message)) return '1111 (HY000): Invalid use of group function';
  if (/^sub-select returns \d+ columns - expected 1|^row value misused/.test(message)) return '1241 (21000): Operand should contain 1 column(s)';
  if (/^interrupted$/.test(message)) return '3024 (HY000): Query execution was interrupted, maximum statement execution time exceeded';
  return message;
}
