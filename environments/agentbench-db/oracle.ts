/**
 * The oracle: the correct remaining plan from any state. It starts as a careful agent does, with a look at
 * a few rows (DBBench's tables write values in many ways: '1,174', '—', '12.0'), unless it had that look.
 * - A question: run the oracle's query (the gold SQL or its repair) unless it already ran, then answer
 *   with the values it returns. The answer does not depend on the table (AgentBench judges it against
 *   the label), so a damaged table does not change the plan.
 * - A change: from the state of the table. Already as expected → finish. As the initial table, or as
 *   after the first k gold statements → the remaining gold statements. Anything else (a wrong write)
 *   → repair it: delete the rows that should not be there and insert the ones that are missing, exactly
 *   (BINARY comparisons, `LIMIT` where identical rows must stay); a dropped or altered table is
 *   recreated with the expected rows. Every state is recoverable, so the plan always ends in success
 *   when followed.
 */
import { callStep, finishStep, remainingPlan, type Episode, type OracleStep } from '../../src/toolkit/index.ts';
import type { TableData } from './database.ts';
import { sameRows, tableRows, type ExpectedCache } from './expected.ts';
import { quoteIdentifier } from './sql/lexer.ts';
import type { ChangeTask, DbTask } from './tasks.ts';
import type { DbState } from './verify.ts';

/** The tool every step uses. */
export const SQL_TOOL = 'execute_sql';
/** The final message of a change task (AgentBench: "your answer field can be anything"). */
export const CHANGE_DONE_MESSAGE = '["done"]';

/** How many rows the first look reads. */
const LOOK_ROWS = 5;

/** The first look at the task's (first) table. */
export function firstLook(task: DbTask): OracleStep {
  return callStep(SQL_TOOL, { query: `SELECT * FROM ${quoteIdentifier(task.tables[0]!.name)} LIMIT ${LOOK_ROWS}` }, 'inspect');
}

export function oraclePlan(episode: Episode<DbState, DbTask>, expected: ExpectedCache): OracleStep[] {
  const task = episode.task;
  if (task.mode === 'question') {
    const plan = [firstLook(task), callStep(SQL_TOOL, { query: task.oracleQuery }, 'inspect'), finishStep(expected.answer(task).message)];
    return remainingPlan(plan, episode.calls);
  }
  return changePlan(task, episode, expected);
}

function changePlan(task: ChangeTask, episode: Episode<DbState, DbTask>, expected: ExpectedCache): OracleStep[] {
  const state = episode.state;
  const outcome = expected.tables(task);
  const current = tableRows(state.database, task.tables);
  const target = outcome.afterEach.at(-1) ?? outcome.initial;
  const done = finishStep(CHANGE_DONE_MESSAGE);
  if (sameRows(current, target)) return [done];
  // The initial table or a prefix of the gold statements: the rest of them.
  const states = [outcome.initial, ...outcome.afterEach];
  for (let applied = states.length - 2; applied >= 0; applied--) {
    if (sameRows(current, states[applied]!)) {
      const writes = task.goldStatements.slice(applied).map((statement) => callStep(SQL_TOOL, { query: statement }, 'write'));
      // The look comes before the first write only, and only until it has been had.
      const look = firstLook(task);
      const looked = applied > 0 || remainingPlan([look], episode.calls).length === 0;
      return [...(looked ? [] : [look]), ...writes, done];
    }
  }
  const existing = state.database.tables();
  const repairs = task.tables.flatMap((table) => repairStatements(table, current[table.name] ?? null, target[table.name] ?? null, existing.includes(table.name)));
  return [...repairs.map((statement) => callStep(SQL_TOOL, { query: statement }, 'write')), done];
}

/** A MySQL string literal for a cell. */
export function mysqlString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** A WHERE clause that matches exactly this row (case and accents included). */
function exactMatch(table: TableData, row: readonly (string | null)[]): string {
  return table.columns.map((column, index) => (row[index] === null ? `${quoteIdentifier(column)} IS NULL` : `BINARY ${quoteIdentifier(column)} = ${mysqlString(row[index]!)}`)).join(' AND ');
}

function insertRows(table: TableData, rows: readonly (readonly (string | null)[])[]): string {
  const values = rows.map((row) => `(${row.map((cell) => (cell === null ? 'NULL' : mysqlString(cell))).join(', ')})`).join(', ');
  return `INSERT INTO ${quoteIdentifier(table.name)} (${table.columns.map(quoteIdentifier).join(', ')}) VALUES ${values}`;
}

/**
 * The statements that turn a table's rows into the expected rows. `exists` tells a table that lost
 * columns (drop it first) from one that is gone (create it).
 */
export function repairStatements(table: TableData, actual: readonly (string | null)[][] | null, expected: readonly (string | null)[][] | null, exists = true): string[] {
  if (expected === null) return [];
  if (actual === null) {
    // Dropped or altered: rebuild it (every column TEXT, as AgentBench creates it).
    const create = `CREATE TABLE ${quoteIdentifier(table.name)} (${table.columns.map((column) => `${quoteIdentifier(column)} TEXT`).join(', ')})`;
    return [...(exists ? [`DROP TABLE ${quoteIdentifier(table.name)}`] : []), create, ...(expected.length > 0 ? [insertRows(table, expected)] : [])];
  }
  const key = (row: readonly (string | null)[]) => JSON.stringify(row);
  const counts = new Map<string, { row: readonly (string | null)[]; actual: number; expected: number }>();
  for (const row of actual) counts.set(key(row), { row, actual: (counts.get(key(row))?.actual ?? 0) + 1, expected: counts.get(key(row))?.expected ?? 0 });
  for (const row of expected) counts.set(key(row), { row, actual: counts.get(key(row))?.actual ?? 0, expected: (counts.get(key(row))?.expected ?? 0) + 1 });
  const statements: string[] = [];
  const missing: (readonly (string | null)[])[] = [];
  for (const { row, actual: have, expected: want } of counts.values()) {
    if (have > want) {
      const limit = want > 0 ? ` LIMIT ${have - want}` : '';
      statements.push(`DELETE FROM ${quoteIdentifier(table.name)} WHERE ${exactMatch(table, row)}${limit}`);
    }
    for (let copy = have; copy < want; copy++) missing.push(row);
  }
  if (missing.length > 0) statements.push(insertRows(table, missing));
  return statements;
}
