/**
 * agentbench-db: AgentBench's DBBench (THUDM/AgentBench, data/dbbench/standard.jsonl, Apache-2.0) on
 * node:sqlite. Each task is one table and one question or change; the agent has one SQL tool that
 * behaves like the MySQL 8 server AgentBench runs (translation layer in sql/), and answers through the
 * loop's finish tool. Judged as AgentBench judges: answers against the label (answer.ts), changes by the
 * table hash (database.ts, `mysqlTableHash`). The data is read from the user's data folder.
 */
import { BridleError } from '../../src/errors.ts';
import { defineEnvironment, defineTool, hashOf, param, type DefinedEnvironment, type OracleSession } from '../../src/toolkit/index.ts';
import { locateTaskFile, readEntries } from './data.ts';
import { openDatabase } from './database.ts';
import { createExpectedCache } from './expected.ts';
import { oraclePlan, SQL_TOOL } from './oracle.ts';
import { buildTasks, type DbTask, type ExcludedTask } from './tasks.ts';
import { verifyEpisode, type DbState } from './verify.ts';

export { EXCLUDED_TASKS, ORACLE_QUERIES } from './gold-fixes.ts';

/** The seed the splits are dealt with by default. */
export const DEFAULT_SPLIT_SEED = 0;
/** AgentBench's DBBench allows 15 rounds (configs/tasks/dbbench.yaml, `max_round: 15`). */
export const AGENTBENCH_DB_MAX_STEPS = 15;

const DESCRIPTION =
  "AgentBench's DBBench: one table per task (AgentBench's 300 tasks, read from the user's data folder), a question to answer or a change (INSERT, UPDATE) to make with SQL. One tool, execute_sql, runs one MySQL statement and returns the raw result as MySQL's Python connector prints it (or MySQL's error). Questions are judged by the final answer against the benchmark's label (as a set of values, numbers within 0.01, thousands separators and % ignored); changes by a hash of the table against the hash after the gold SQL.";

const RULES = [
  'You operate a MySQL 8 database with SQL to answer a question or to make a change.',
  'Run one SQL statement per execute_sql call, written on one line; you get the raw MySQL response: the rows as a list of tuples, e.g. [(\'Decision\', 12.0)], [] for statements without rows, or the error. Results longer than 800 characters are cut.',
  'Names with spaces or other special characters must be quoted with backticks, e.g. `Table Name`.`Column Name`; string values use single quotes.',
  'When you are sure, call finish with your final answer as a list of values, e.g. ["Women +60kg Bronze"] or ["12.0", "7"]: exactly the values asked for, nothing else. For a change (INSERT, UPDATE, DELETE) make the change first; the answer text is then not judged (e.g. ["done"]).',
].join('\n');

/** The environment, with what it excluded and the folder it read. */
export interface AgentbenchDbEnvironment extends DefinedEnvironment<DbState, DbTask, OracleSession> {
  /** The task file the tasks came from. */
  readonly taskFile: string;
  /** Tasks left out because they cannot be run faithfully, with the reason. */
  readonly excluded: readonly ExcludedTask[];
}

/** Build agentbench-db from a data folder (see data.ts for the layouts it accepts). */
export function createAgentbenchDb(options: { data?: string; seed?: number } = {}): AgentbenchDbEnvironment {
  if (options.data === undefined) {
    throw new BridleError('INVALID_ARGUMENT', 'agentbench-db reads its tasks from a data folder: pass --data <dir> (or data: in bridle.config.ts)');
  }
  const taskFile = locateTaskFile(options.data);
  const { tasks, excluded } = buildTasks(readEntries(taskFile), options.seed ?? DEFAULT_SPLIT_SEED);
  const expected = createExpectedCache();
  const tools = [
    defineTool<DbState>({
      name: SQL_TOOL,
      readOnly: false,
      description:
        "Run one SQL statement (MySQL 8) on the task's database and return MySQL's raw response: the rows as a list of tuples, e.g. [('Decision', 12.0)], [] when the statement returns no rows, or the error, e.g. 1054 (42S22): Unknown column 'x' in 'where clause'.",
      parameters: {
        query: param.string({ description: "One SQL statement on one line, e.g. \"SELECT Notes FROM `Jiu-Jitsu Championships Results` WHERE Method = 'Decision';\"" }),
      },
      run: (state, args) => {
        const result = state.database.execute(String(args.query));
        return { ok: result.ok, output: result.output };
      },
    }),
  ];
  const environment = defineEnvironment<DbState, DbTask>({
    name: 'agentbench-db',
    description: DESCRIPTION,
    rules: RULES,
    tools,
    tasks,
    maxSteps: AGENTBENCH_DB_MAX_STEPS,
    splitNote: `dealt per DBBench task type (train 40%, validation 25%, test 35%); ${excluded.length} of the benchmark's tasks excluded as not reproducible (README: agentbench-db)`,
    finish: {
      description: 'Commit your final answer and end the task. Call it once you are sure; for a change, after the change is made.',
      message: 'The final answer as a list of values, e.g. ["Women +60kg Bronze"] or ["12.0"]; for a change anything, e.g. ["done"].',
    },
    // The episode seed changes nothing: each task's table is the benchmark's.
    createState: (task) => ({ database: openDatabase(task.tables) }),
    hashState: (state) => hashOf(state.database.tables().map((name) => [name, state.database.snapshot(name, columnsOf(state, name))])),
    verify: (episode) => verifyEpisode(episode, expected),
    oracle: (episode) => oraclePlan(episode, expected),
  });
  return { ...environment, taskFile, excluded };
}

/** The columns of a table as the database has them now. */
function columnsOf(state: DbState, table: string): string[] {
  const result = state.database.execute(`DESCRIBE \`${table.replaceAll('`', '``')}\``);
  return (result.rows ?? []).map((row) => String(row[0]));
}

