/**
 * What each task expects, computed once per task and cached: the oracle's answer to a question (its
 * query run on a fresh database, read the way an agent reads the result), and for a change the table
 * after every gold statement. The environment holds one cache; nothing here is global.
 */
import { hashOf } from '../../src/toolkit/index.ts';
import { compareAnswer } from './answer.ts';
import { mysqlTableHash, openDatabase, type EpisodeDatabase, type TableData } from './database.ts';
import { pythonStr } from './python.ts';
import type { ChangeTask, QuestionTask } from './tasks.ts';

/** Rows of every table of a task, by table name (null: the table or one of its columns is gone). */
export type TableRows = Record<string, (string | null)[][] | null>;

/** A question's expected outcome. */
export interface ExpectedAnswer {
  /** The final message the oracle sends: the values its query returned, as a list. */
  message: string;
  /** True when that message matches the label (false only if the data differs from what was checked). */
  reproducesLabel: boolean;
}

/** A change's expected outcome. */
export interface ExpectedTables {
  /** The tables before any statement. */
  initial: TableRows;
  /** The tables after each gold statement (the last is the expected final state). */
  afterEach: TableRows[];
  /** AgentBench's hash of the tables after the gold statements, as this environment computes it. */
  replayedMd5: string | null;
}

/** The rows of every table of the task in a database. */
export function tableRows(database: EpisodeDatabase, tables: readonly TableData[]): TableRows {
  return Object.fromEntries(tables.map((table) => [table.name, database.snapshot(table.name, table.columns)]));
}

/**
 * AgentBench's combined hash of a task's tables (result_processor.py, `calculate_tables_hash_async`):
 * each table's hash, sorted, joined by "_". Null when a table is gone or empty.
 */
export function tablesMd5(rows: TableRows, tables: readonly TableData[]): string | null {
  const hashes: string[] = [];
  for (const table of tables) {
    const current = rows[table.name];
    if (!current) return null;
    const hash = mysqlTableHash(current);
    if (hash === null) return null;
    hashes.push(hash);
  }
  return hashes.sort().join('_');
}

/** The final message an agent would send after reading these rows: every value, as a list of strings. */
export function answerFromRows(rows: readonly (readonly Parameters<typeof pythonStr>[0][])[]): string {
  const values = rows.flat().map((value) => pythonStr(value));
  // An empty result is answered "None", which AgentBench reads as "0", like its "none" labels.
  return JSON.stringify(values.length > 0 ? values : ['None']);
}

/** The per-environment cache of expected outcomes. */
export interface ExpectedCache {
  answer(task: QuestionTask): ExpectedAnswer;
  tables(task: ChangeTask): ExpectedTables;
}

export function createExpectedCache(): ExpectedCache {
  const answers = new Map<string, ExpectedAnswer>();
  const tables = new Map<string, ExpectedTables>();
  return {
    answer(task) {
      let expected = answers.get(task.id);
      if (!expected) {
        const database = openDatabase(task.tables);
        try {
          const result = database.execute(task.oracleQuery);
          const message = result.ok ? answerFromRows(result.rows ?? []) : JSON.stringify(task.label);
          const reproducesLabel = result.ok && compareAnswer(message, task.label).correct;
          // Should the data differ from the release the oracle queries were checked on, answer the label.
          expected = { message: reproducesLabel ? message : JSON.stringify(task.label), reproducesLabel };
        } finally {
          database.close();
        }
        answers.set(task.id, expected);
      }
      return expected;
    },
    tables(task) {
      let expected = tables.get(task.id);
      if (!expected) {
        const database = openDatabase(task.tables);
        try {
          const initial = tableRows(database, task.tables);
          const afterEach = task.goldStatements.map((statement) => {
            database.execute(statement);
            return tableRows(database, task.tables);
          });
          expected = { initial, afterEach, replayedMd5: tablesMd5(afterEach.at(-1) ?? initial, task.tables) };
        } finally {
          database.close();
        }
        tables.set(task.id, expected);
      }
      return expected;
    },
  };
}

/** True when two table states hold the same rows (order ignored, as AgentBench's hash ignores it). */
export function sameRows(left: TableRows, right: TableRows): boolean {
  const canonical = (rows: TableRows) => hashOf(Object.fromEntries(Object.entries(rows).map(([name, table]) => [name, table ? [...table].map((row) => JSON.stringify(row)).sort() : null])));
  return canonical(left) === canonical(right);
}

