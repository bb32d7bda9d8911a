/**
 * agentbench-db on the real DBBench data: loading, the task list pin, every task solved by replaying its
 * gold SQL (oracle), the benchmark's own hashes reproduced, wrong runs failing with named differences,
 * and the oracle recovering from wrong writes.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareAnswer } from '../../environments/agentbench-db/answer.ts';
import { readEntries } from '../../environments/agentbench-db/data.ts';
import { openDatabase } from '../../environments/agentbench-db/database.ts';
import { answerFromRows } from '../../environments/agentbench-db/expected.ts';
import { createAgentbenchDb, EXCLUDED_TASKS, ORACLE_QUERIES } from '../../environments/agentbench-db/index.ts';
import type { ChangeTask, QuestionTask } from '../../environments/agentbench-db/tasks.ts';
import { hashOf, type OracleSession, type OracleStep } from '../../src/toolkit/index.ts';
import { expectBridleError } from '../helpers/errors.ts';
import { describeWithBenchData } from '../helpers/bench-data.ts';

const temporary: string[] = [];
afterAll(() => temporary.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** Run a plan's calls (each must succeed) and its finish step. */
function play(session: OracleSession, steps: readonly OracleStep[]): void {
  for (const step of steps) {
    if (step.action.kind === 'finish') {
      session.finish(step.action.message);
      continue;
    }
    const result = session.step(step.action.tool, step.action.arguments);
    if (!result.ok) throw new Error(`${session.task.id}: ${String(step.action.arguments.query)} → ${result.output}`);
  }
}

/** Follow the oracle step by step (re-planning after every step, as a simulated backbone does). */
function followOracle(session: OracleSession, limit = 10): void {
  for (let step = 0; step < limit; step++) {
    const next = session.oracle()[0]!;
    play(session, [next]);
    if (next.action.kind === 'finish') return;
  }
  throw new Error(`${session.task.id}: the oracle did not finish in ${limit} steps`);
}

const sql = (query: string) => ({ query });

describeWithBenchData('agentbench-db on the DBBench data', 'agentbench/dbbench', suite);

function suite(folder: string): void {
  const environment = createAgentbenchDb({ data: folder });
  const tasks = environment.tasks.map((task) => environment.task(task.id));
  const questions = tasks.filter((task): task is QuestionTask => task.mode === 'question');
  const changes = tasks.filter((task): task is ChangeTask => task.mode === 'change');
  const entries = readEntries(environment.taskFile);

  describe('data folder', () => {
    it('accepts the shared layout, an AgentBench checkout, and the folder holding standard.jsonl', () => {
      const checkout = mkdtempSync(join(tmpdir(), 'bridle-dbbench-'));
      const plain = mkdtempSync(join(tmpdir(), 'bridle-dbbench-'));
      temporary.push(checkout, plain);
      mkdirSync(join(checkout, 'data', 'dbbench'), { recursive: true });
      symlinkSync(environment.taskFile, join(checkout, 'data', 'dbbench', 'standard.jsonl'));
      symlinkSync(environment.taskFile, join(plain, 'standard.jsonl'));
      for (const layout of [checkout, plain]) expect(createAgentbenchDb({ data: layout }).tasks.length).toBe(environment.tasks.length);
    });

    it('says in one line what is missing or malformed', () => {
      const empty = mkdtempSync(join(tmpdir(), 'bridle-dbbench-'));
      temporary.push(empty);
      expectBridleError(() => createAgentbenchDb({ data: empty }), 'MISSING_FILE', /no DBBench task file under .*agentbench\/dbbench\/standard\.jsonl.*--data/);
      writeFileSync(join(empty, 'standard.jsonl'), '{"description": "q", "label": ["1"], "type": ["counting"], "table": {"table_name": "t", "table_info": {"columns": [{"name": "a", "type": "TEXT"}], "rows": [["1", "2"]]}}}\n');
      expectBridleError(() => createAgentbenchDb({ data: empty }), 'INVALID_ARGUMENT', /line 1: table\.table_info\.rows\.0: row has 2 cells for 1 columns/);
      writeFileSync(join(empty, 'standard.jsonl'), 'not json\n');
      expectBridleError(() => createAgentbenchDb({ data: empty }), 'INVALID_ARGUMENT', /line 1 is not JSON/);
      expectBridleError(() => createAgentbenchDb({}), 'INVALID_ARGUMENT', /--data <dir>/);
    });
  });

  describe('tasks', () => {
    it('keeps 280 of the 300 tasks, names every exclusion, and pins the list', () => {
      expect(entries.length).toBe(300);
      expect(environment.tasks.length).toBe(280);
      expect(environment.excluded.map((task) => task.id)).toEqual(Object.keys(EXCLUDED_TASKS).map((index) => `dbbench-${index.padStart(3, '0')}`));
      expect(environment.excluded.every((task) => task.reason.length > 20)).toBe(true);
      const counts = { train: 0, validation: 0, test: 0 };
      for (const task of environment.tasks) counts[task.split] += 1;
      expect(counts).toEqual({ train: 112, validation: 70, test: 98 });
      expect(counts.test / environment.tasks.length).toBeGreaterThanOrEqual(0.3);
      // Every task type in every split.
      for (const type of new Set(tasks.map((task) => task.type))) {
        for (const split of ['train', 'validation', 'test'] as const) expect(tasks.some((task) => task.type === type && task.split === split), `${type} in ${split}`).toBe(true);
      }
      expect(hashOf(environment.tasks)).toBe(TASK_LIST_HASH);
      expect(hashOf(tasks.map((task) => task.tables))).toBe(TABLES_HASH);
    });

    it('gives the same world for the same task and any seed', () => {
      const task = tasks[0]!;
      expect(environment.reset(task.id, 1).stateHash()).toBe(environment.reset(task.id, 2).stateHash());
    });
  });

  describe('gold replay', () => {
    it('the oracle (gold SQL, or its repair) solves every task of every split, and so does following it step by step', () => {
      for (const task of tasks) {
        const session = environment.reset(task.id, 0);
        play(session, session.oracle());
        expect(session.verify().success, `${task.id}: ${JSON.stringify(session.verify().checks)}`).toBe(true);
        const stepwise = environment.reset(task.id, 0);
        followOracle(stepwise);
        expect(stepwise.verify().success, task.id).toBe(true);
      }
    });

    it('plans a look at five rows first, then the query or the write, and does not look twice', () => {
      const question = environment.reset(questions[0]!.id, 0);
      expect(question.oracle().map((step) => step.purpose)).toEqual(['inspect', 'inspect', 'finish']);
      const look = question.oracle()[0]!;
      expect(look.action).toEqual({ kind: 'call', tool: 'execute_sql', arguments: { query: `SELECT * FROM \`${questions[0]!.tables[0]!.name}\` LIMIT 5` } });
      play(question, [look]);
      expect(question.oracle().map((step) => step.purpose)).toEqual(['inspect', 'finish']);
      const change = environment.reset(changes[0]!.id, 0);
      expect(change.oracle().map((step) => step.purpose)).toEqual(['inspect', 'write', 'finish']);
      play(change, change.oracle().slice(0, 1));
      expect(change.oracle().map((step) => step.purpose)).toEqual(['write', 'finish']);
    });

    it("reproduces the benchmark's recorded table hash with every change task's gold SQL", () => {
      for (const task of changes) {
        const session = environment.reset(task.id, 0);
        for (const statement of task.goldStatements) expect(session.step('execute_sql', sql(statement)).ok, task.id).toBe(true);
        session.finish('["done"]');
        expect(session.verify().success, task.id).toBe(true);
      }
    });

    it("answers every question with the label from its query's rows; repairs only where the benchmark's gold SQL cannot", () => {
      const byIndex = new Map(entries.map((entry) => [entry.index, entry]));
      for (const task of questions) {
        const database = openDatabase(task.tables);
        const oracle = database.execute(task.oracleQuery);
        expect(oracle.ok && compareAnswer(answerFromRows(oracle.rows ?? []), task.label).correct, `${task.id}: ${oracle.output}`).toBe(true);
        const gold = database.execute(byIndex.get(task.index)!.sql!.query);
        const goldAnswers = gold.ok && compareAnswer(answerFromRows(gold.rows ?? []), task.label).correct;
        expect(goldAnswers, `${task.id}: ${task.index in ORACLE_QUERIES ? 'repaired, but the gold SQL works' : `gold SQL fails: ${gold.output}`}`).toBe(!(task.index in ORACLE_QUERIES));
      }
      // Excluded questions: their gold SQL does not reproduce the label either.
      for (const index of Object.keys(EXCLUDED_TASKS).map(Number)) {
        const entry = byIndex.get(index)!;
        if (!entry.sql) continue;
        const table = Array.isArray(entry.table) ? entry.table[0]! : entry.table;
        const database = openDatabase([{ name: table.table_name, columns: table.table_info.columns.map((column) => column.name), rows: table.table_info.rows as string[][] }]);
        const gold = database.execute(entry.sql.query);
        expect(gold.ok && compareAnswer(answerFromRows(gold.rows ?? []), entry.label).correct, `excluded ${index}`).toBe(false);
      }
    });
  });

  describe('wrong runs', () => {
    const question = questions.find((task) => task.id === 'dbbench-000')!;
    const update = changes.find((task) => task.goldStatements[0]!.startsWith('UPDATE car_racing_schedule'))!;
    const insert = changes.find((task) => task.id === 'dbbench-100')!;

    it('a wrong answer scores 0 and names the missing and extra values', () => {
      const session = environment.reset(question.id, 0);
      session.step('execute_sql', sql("SELECT Notes FROM `Jiu-Jitsu Championships Results` WHERE Method LIKE 'Points%'"));
      session.finish('["Female Purple Belt Final"]');
      const verification = session.verify();
      expect(verification.success).toBe(false);
      expect(verification.reward).toBe(0);
      expect(verification.checks.find((check) => check.name === 'output:answer')?.detail).toBe('the answer has 1 value(s), the label 1; missing "Women +60kg Bronze"; not expected "Female Purple Belt Final"');
      expect(verification.differences).toEqual([
        { table: 'answer', key: 'Women +60kg Bronze', field: 'missing' },
        { table: 'answer', key: 'Female Purple Belt Final', field: 'extra' },
      ]);
    });

    it('an unfinished episode scores 0 even with the right state', () => {
      const session = environment.reset(update.id, 0);
      session.step('execute_sql', sql(update.goldStatements[0]!));
      expect(session.verify().checks.find((check) => check.name === 'finished')).toMatchObject({ passed: false });
    });

    it('a wrong write scores 0, names the row and column, and the oracle repairs it', () => {
      const session = environment.reset(update.id, 0);
      const wrong = update.goldStatements[0]!.replace("'Formula 1'", "'Formula One'");
      expect(session.step('execute_sql', sql(wrong)).ok).toBe(true);
      session.step('execute_sql', sql('SELECT 1'));
      const copy = environment.reset(update.id, 0);
      copy.step('execute_sql', sql(wrong));
      copy.finish('["done"]');
      const verification = copy.verify();
      expect(verification.success).toBe(false);
      // The gold UPDATE changes all four 'Grand Prix of Atlanta' rows; each is named, by the column that differs.
      expect(verification.differences).toEqual(Array.from({ length: 4 }, () => ({ table: 'table', key: 'Grand Prix of Atlanta', field: 'Class' })));
      expect(verification.checks.find((check) => check.name === 'database')?.detail).toMatch(
        /^the table differs from the expected one: row "Grand Prix of Atlanta": Class is "Formula One", expected "Formula 1"; /,
      );
      // From the wrong state the oracle deletes the wrong rows and inserts the right ones.
      const plan = session.oracle();
      expect(plan.map((step) => step.purpose)).toEqual([...plan.slice(0, -1).map(() => 'write'), 'finish']);
      expect(String(plan[0]!.action.kind === 'call' && plan[0]!.action.arguments.query)).toMatch(/^DELETE FROM `car_racing_schedule` WHERE BINARY `Race` = 'Grand Prix of Atlanta' AND /);
      followOracle(session);
      expect(session.verify().success).toBe(true);
    });

    it('recovers from a doubled insert, a wrong-case insert and a dropped table', () => {
      const gold = insert.goldStatements[0]!;
      const wrongCase = (session: OracleSession) => session.step('execute_sql', sql(gold.replace(/VALUES \((.*)\)/, (_, values: string) => `VALUES (${values.toUpperCase()})`)));
      const table = `\`${insert.tables[0]!.name}\``;
      const damages: ((session: OracleSession) => unknown)[] = [
        (session) => [session.step('execute_sql', sql(gold)), session.step('execute_sql', sql(gold))],
        wrongCase,
        (session) => session.step('execute_sql', sql(`DROP TABLE ${table}`)),
        (session) => session.step('execute_sql', sql(`ALTER TABLE ${table} DROP COLUMN Role`)),
      ];
      for (const damage of damages) {
        const session = environment.reset(insert.id, 0);
        damage(session);
        session.step('execute_sql', sql('SELECT 1'));
        expect(session.verify().checks.find((check) => check.name === 'database')?.passed).toBe(false);
        followOracle(session);
        expect(session.verify().success, damage.toString()).toBe(true);
      }
    });

    it('the SQL tool: a legal write changes the table, an illegal one is refused in MySQL words and changes nothing', () => {
      const session = environment.reset(insert.id, 0);
      const table = `\`${insert.tables[0]!.name}\``;
      const before = session.stateHash();
      const refused = session.step('execute_sql', sql(`INSERT INTO ${table} (Year, Title, Actor) VALUES ('2019', 'Aoharu Ride', 'Kou Mabuchi')`));
      expect(refused).toEqual({ ok: false, output: "1054 (42S22): Unknown column 'Actor' in 'field list'" });
      expect(session.stateHash()).toBe(before);
      expect(session.step('execute_sql', sql(insert.goldStatements[0]!))).toEqual({ ok: true, output: '[]' });
      expect(session.stateHash()).not.toBe(before);
      expect(session.step('execute_sql', sql(`SELECT COUNT(*) FROM ${table} WHERE Title = 'aoharu ride'`))).toEqual({ ok: true, output: '[(1,)]' });
    });
  });
}

/** sha256 of the public task list (ids, splits, instructions, kinds) for the default split seed. */
const TASK_LIST_HASH = '239593b762a75ad67428a32a45b4b1d2838903512fb7e3ae4d2e3d1bfb3fd1b6';
/** sha256 of every task's table as loaded. */
const TABLES_HASH = 'c9a07936b8de2e391331bc5bb8cd4750c58b7a55b38ce0bc732ce4dda512c7a5';
