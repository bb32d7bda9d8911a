/**
 * One episode's database: an in-memory SQLite database holding the task's table, created the way
 * AgentBench creates it in MySQL (every column TEXT, every cell the Python `str` of the value), a
 * statement runner that goes through the translation layer and answers as the MySQL connector would
 * (`str()` of the rows, errors in MySQL's words, 800 characters at most), and table snapshots and hashes
 * for the verifier.
 */
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { pythonRepr, type PythonValue } from './python.ts';
import { registerFunctions } from './sql/functions.ts';
import { quoteIdentifier, tokenize } from './sql/lexer.ts';
import { DATABASE_NAME, fromSqlite, unknownTable } from './sql/mysql-errors.ts';
import { translate, type BridgeName, type MetaCommand } from './sql/translate.ts';

/** A table as the benchmark embeds it. */
export interface TableData {
  /** The table's name, exactly as the benchmark spells it. */
  name: string;
  /** Column names in order. */
  columns: string[];
  /** Rows of cells as stored (text; null for NULL). */
  rows: (string | null)[][];
}

/** Bridges applied when a database is created rather than per statement. */
export type SchemaBridge = 'case-insensitive-collation';

/** What every bridge can be switched off by (to measure which tasks need which bridge). */
export type AnyBridge = BridgeName | SchemaBridge;

/** The result of one statement, as the agent reads it and as the oracle and the tests use it. */
export interface StatementResult {
  /** False when the statement failed (the output is then MySQL's error message). */
  ok: boolean;
  /** What the agent reads: `str()` of the rows, truncated at 800 characters, or the error. */
  output: string;
  /** The rows (all of them, before truncation), when the statement returned rows. */
  rows?: PythonValue[][];
  /** True when the statement can change the database. */
  writes: boolean;
  /** The bridges the translation used. */
  bridges: AnyBridge[];
}

/** AgentBench truncates what the agent reads to this many characters and appends "[TRUNCATED]". */
export const OUTPUT_LIMIT = 800;
/** Rows read from one result at most (far more than 800 characters show). */
export const ROW_LIMIT = 10_000;

/** An episode's database with its statement runner. */
export interface EpisodeDatabase {
  /** Run one statement as the agent's `execute_sql` does. */
  execute(sql: string): StatementResult;
  /** The rows of a table over the given columns, or null when the table or a column is gone. */
  snapshot(table: string, columns: readonly string[]): (string | null)[][] | null;
  /** The names of the tables that exist. */
  tables(): string[];
  /** Release the database. */
  close(): void;
}

/** Create a task's database. `disable` leaves bridges out (for measuring what depends on them). */
export function openDatabase(tables: readonly TableData[], options: { disable?: ReadonlySet<AnyBridge> } = {}): EpisodeDatabase {
  const disable = options.disable ?? new Set<AnyBridge>();
  const database = new DatabaseSync(':memory:');
  registerFunctions(database, { mysql: !disable.has('mysql-functions') });
  // MySQL's default collation compares text case-insensitively (ORDER BY, GROUP BY, DISTINCT, MIN,
  // MAX, = between columns); NOCASE is SQLite's closest; accents are handled per comparison.
  const collation = disable.has('case-insensitive-collation') ? '' : ' COLLATE NOCASE';
  for (const table of tables) {
    database.exec(`CREATE TABLE ${quoteIdentifier(table.name)} (${table.columns.map((column) => `${quoteIdentifier(column)} TEXT${collation}`).join(', ')})`);
    const insert = database.prepare(`INSERT INTO ${quoteIdentifier(table.name)} VALUES (${table.columns.map(() => '?').join(', ')})`);
    for (const row of table.rows) insert.run(...row);
  }
  const tableNames = () =>
    (database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all() as { name: string }[]).map((row) => row.name);

  return {
    execute(sql) {
      const translation = translate(sql, { tables: tableNames(), disable: disable as ReadonlySet<BridgeName> });
      if (translation.kind === 'error') return { ok: false, output: translation.message, writes: false, bridges: [] };
      const bridges: AnyBridge[] = [...translation.bridges];
      if (translation.kind === 'meta') return { ...answerMeta(database, translation.command, tableNames()), bridges };
      try {
        const statement = database.prepare(translation.sql);
        statement.setReadBigInts(true);
        statement.setReturnArrays(true);
        // Rows are read lazily and at most ROW_LIMIT of them: what the agent reads is cut at 800
        // characters anyway, and a runaway join should not fill the memory.
        const rows: PythonValue[][] = [];
        for (const row of statement.iterate() as Iterable<unknown[]>) {
          if (rows.length >= ROW_LIMIT) break;
          rows.push(row.map(toPython));
        }
        return { ok: true, output: formatRows(rows), rows, writes: translation.writes, bridges };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, output: fromSqlite(message, sql, tokenize(sql)), writes: translation.writes, bridges };
      }
    },
    snapshot(table, columns) {
      if (!tableNames().includes(table)) return null;
      try {
        const statement = database.prepare(`SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)}`);
        statement.setReturnArrays(true);
        return (statement.all() as unknown as unknown[][]).map((row) => row.map((cell) => (cell === null ? null : cellText(cell))));
      } catch {
        return null;
      }
    },
    tables: tableNames,
    close: () => database.close(),
  };
}

/** A cell as MySQL's TEXT column holds it. */
function cellText(cell: unknown): string {
  if (cell instanceof Uint8Array) return Buffer.from(cell).toString('utf8');
  return String(cell);
}

/** A SQLite value as the MySQL connector hands it to Python. */
function toPython(cell: unknown): PythonValue {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'bigint') return { int: cell };
  if (typeof cell === 'number') return cell;
  if (cell instanceof Uint8Array) return Buffer.from(cell).toString('utf8');
  return String(cell);
}

/** `str()` of a list of row tuples, cut at {@link OUTPUT_LIMIT} characters as AgentBench does. */
export function formatRows(rows: readonly PythonValue[][]): string {
  let text = '[';
  for (let index = 0; index < rows.length; index++) {
    if (index > 0) text += ', ';
    text += pythonRepr({ tuple: rows[index]! });
    if (text.length > OUTPUT_LIMIT) break;
  }
  text += ']';
  return text.length > OUTPUT_LIMIT ? `${text.slice(0, OUTPUT_LIMIT)}[TRUNCATED]` : text;
}

function answerMeta(database: DatabaseSync, command: MetaCommand, tables: readonly string[]): Omit<StatementResult, 'bridges'> {
  const rows = (values: PythonValue[][]) => ({ ok: true, output: formatRows(values), rows: values, writes: false });
  switch (command.kind) {
    case 'show-tables':
      return rows(tables.map((name) => [name]));
    case 'show-databases':
      return rows([[DATABASE_NAME], ['information_schema'], ['mysql'], ['performance_schema'], ['sys']]);
    case 'use':
      return command.database === DATABASE_NAME
        ? rows([])
        : { ok: false, output: `1049 (42000): Unknown database '${command.database}'`, writes: false };
    case 'describe':
    case 'show-create': {
      if (!tables.includes(command.table)) return { ok: false, output: unknownTable(command.table), writes: false };
      const columns = database.prepare(`SELECT name, type, "notnull" AS required, dflt_value AS fallback, pk FROM pragma_table_info(?)`).all(command.table) as {
        name: string;
        type: string;
        required: number;
        fallback: string | null;
        pk: number;
      }[];
      if (command.kind === 'describe') {
        return rows(columns.map((column) => [column.name, column.type.toLowerCase() || 'text', column.required ? 'NO' : 'YES', column.pk ? 'PRI' : '', column.fallback, '']));
      }
      const body = columns.map((column) => `  ${quoteIdentifier(column.name)} ${column.type.toLowerCase() || 'text'}${column.required ? ' NOT NULL' : ''}`).join(',\n');
      return rows([[command.table, `CREATE TABLE ${quoteIdentifier(command.table)} (\n${body}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci`]]);
    }
  }
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** MySQL's `group_concat_max_len` default: longer concatenations are cut. */
const GROUP_CONCAT_MAX_LEN = 1024;

/**
 * AgentBench's table hash (result_processor.py, `_get_table_hash_async`):
 * `md5(group_concat(substring(md5(concat_ws(',', cols…)), 1, 5) order by rowhash))`, computed as MySQL
 * computes it (CONCAT_WS skips NULLs; GROUP_CONCAT stops at 1024 characters; an empty table has no hash).
 */
export function mysqlTableHash(rows: readonly (readonly (string | null)[])[]): string | null {
  if (rows.length === 0) return null;
  const hashes = rows.map((row) => md5(row.filter((cell) => cell !== null).join(',')).slice(0, 5)).sort();
  return md5(hashes.join(',').slice(0, GROUP_CONCAT_MAX_LEN));
}
