/**
 * The verifier: DBBench's judgement, with the differences bridle's failure mining groups by.
 * - A question: the final message against the label, as AgentBench compares them (answer.ts); the
 *   differences name the values missing from the answer and the values it has too many.
 * - A change: AgentBench's hash of the table after the agent's statements against the hash it recorded
 *   after the gold SQL; the differences name the rows that differ, column by column where a row was
 *   changed, or as a missing or extra row.
 * Both need the episode finished (AgentBench scores at commit_final_answer).
 */
import { check, verdict, type Episode, type StateDifference, type Verification } from '../../src/toolkit/index.ts';
import { compareAnswer } from './answer.ts';
import type { EpisodeDatabase, TableData } from './database.ts';
import { tableRows, tablesMd5, type ExpectedCache } from './expected.ts';
import type { ChangeTask, DbTask, QuestionTask } from './tasks.ts';

/** An episode's world: its database. */
export interface DbState {
  database: EpisodeDatabase;
}

/** The table name failure mining sees (one per task, so groups gather across tasks). */
const TABLE = 'table';
/** How many differing rows a verification lists at most. */
const MAX_DIFFERENCES = 12;

/** "Final Answer: [...]" was AgentBench's original answer format; the prefix is accepted. */
export function answerText(message: string): string {
  return message.replace(/^\s*final answer\s*:\s*/i, '');
}

export function verifyEpisode(episode: Episode<DbState, DbTask>, expected: ExpectedCache): Verification {
  const finished = check('finished', episode.finalMessage !== null, episode.finalMessage === null ? 'no final answer was committed' : 'the final answer was committed');
  return episode.task.mode === 'question' ? verifyAnswer(episode.task, episode.finalMessage, finished) : verifyChange(episode.task, episode.state.database, expected, finished);
}

const quoteList = (values: readonly string[]) => values.map((value) => JSON.stringify(value)).join(', ');

function verifyAnswer(task: QuestionTask, message: string | null, finished: ReturnType<typeof check>): Verification {
  if (message === null) {
    return verdict([check('output:answer', false, 'no answer was given'), finished], { differences: task.label.map((value) => ({ table: 'answer', key: value, field: 'missing' })) });
  }
  const comparison = compareAnswer(answerText(message), task.label);
  if (comparison.correct) return verdict([check('output:answer', true, 'the answer matches the label'), finished]);
  const parts = [
    `the answer has ${comparison.answer.length} value(s), the label ${comparison.expected.length}`,
    comparison.missing.length > 0 ? `missing ${quoteList(comparison.missing)}` : '',
    comparison.extra.length > 0 ? `not expected ${quoteList(comparison.extra)}` : '',
  ].filter(Boolean);
  const differences: StateDifference[] = [
    ...comparison.missing.map((value) => ({ table: 'answer', key: value, field: 'missing' })),
    ...comparison.extra.map((value) => ({ table: 'answer', key: value, field: 'extra' })),
  ];
  return verdict([check('output:answer', false, parts.join('; ')), finished], { differences: differences.slice(0, MAX_DIFFERENCES) });
}

function verifyChange(task: ChangeTask, database: EpisodeDatabase, expected: ExpectedCache, finished: ReturnType<typeof check>): Verification {
  const current = tableRows(database, task.tables);
  const hash = tablesMd5(current, task.tables);
  const matches = hash === task.answerMd5;
  if (matches) return verdict([check('database', true, 'the table hash matches the benchmark\'s'), finished]);
  const target = expected.tables(task).afterEach.at(-1) ?? expected.tables(task).initial;
  const found = task.tables.flatMap((table) => rowDifferences(table, current[table.name] ?? null, target[table.name] ?? null));
  const shown = found.slice(0, 4).map((item) => item.text);
  const detail = found.length === 0 ? "the table hash differs from the benchmark's" : `the table differs from the expected one: ${shown.join('; ')}${found.length > 4 ? '; …' : ''}`;
  return verdict([check('database', false, detail), finished], { differences: found.slice(0, MAX_DIFFERENCES).map((item) => item.difference) });
}

/** One differing row or cell: the difference failure mining groups by, and how to say it. */
export interface RowDifference {
  difference: StateDifference;
  text: string;
}

/** A row's short name: its first non-empty cell. */
const rowKey = (row: readonly (string | null)[]): string => row.find((cell) => cell !== null && cell !== '') ?? '(empty row)';

/**
 * Where a table's rows differ from the expected rows: rows that differ in a few cells are paired and
 * named by column; the rest are missing or extra rows.
 */
export function rowDifferences(table: TableData, actual: readonly (string | null)[][] | null, expected: readonly (string | null)[][] | null): RowDifference[] {
  if (actual === null) return [{ difference: { table: TABLE, key: '*' }, text: `${table.name} is gone or has lost columns` }];
  if (expected === null) return [];
  const unmatchedExpected = [...expected];
  const extra: (string | null)[][] = [];
  for (const row of actual) {
    const same = unmatchedExpected.findIndex((candidate) => candidate.every((cell, index) => cell === row[index]));
    if (same === -1) extra.push(row);
    else unmatchedExpected.splice(same, 1);
  }
  const differences: RowDifference[] = [];
  for (const row of extra) {
    // Pair with the missing row it shares most cells with (at least half of them): a changed row.
    let best = -1;
    let bestShared = Math.ceil(table.columns.length / 2) - 1;
    unmatchedExpected.forEach((candidate, index) => {
      const shared = candidate.filter((cell, column) => cell === row[column]).length;
      if (shared > bestShared) {
        best = index;
        bestShared = shared;
      }
    });
    if (best === -1) {
      differences.push({ difference: { table: TABLE, key: rowKey(row), field: 'extra row' }, text: `extra row ${JSON.stringify(row)}` });
      continue;
    }
    const wanted = unmatchedExpected.splice(best, 1)[0]!;
    table.columns.forEach((column, index) => {
      if (wanted[index] !== row[index]) {
        differences.push({
          difference: { table: TABLE, key: rowKey(wanted), field: column },
          text: `row ${JSON.stringify(rowKey(wanted))}: ${column} is ${JSON.stringify(row[index])}, expected ${JSON.stringify(wanted[index])}`,
        });
      }
    });
  }
  for (const row of unmatchedExpected) differences.push({ difference: { table: TABLE, key: rowKey(row), field: 'missing row' }, text: `missing row ${JSON.stringify(row)}` });
  return differences;
}

