/**
 * Measurements of agentbench-db on the data, for the README.
 *
 * Bridges: how many tasks each bridge of the translation layer affects. For every kept
 * task, the statements its gold replay runs (the gold SQL of a change, the oracle query of a question)
 * are translated and replayed once with every bridge and once without each bridge in turn.
 *   uses:   tasks whose replayed statements the bridge rewrites (or, for schema bridges, every task);
 *   needed: tasks whose replay no longer scores 1.0 without the bridge.
 * Native: MySQL syntax SQLite already reads the same way (counted, nothing translated).
 *
 * Timing: the host cost of an episode's parts (reset with its in-memory database, one statement, the
 * oracle, the verifier), per task, over every task.
 *
 * Run: node --import tsx environments/agentbench-db/report.ts <data folder>
 */
import { performance } from 'node:perf_hooks';
import { compareAnswer } from './answer.ts';
import { openDatabase, type AnyBridge } from './database.ts';
import { answerFromRows, tableRows, tablesMd5 } from './expected.ts';
import { createAgentbenchDb } from './index.ts';
import { isTrivia, tokenize } from './sql/lexer.ts';
import { BRIDGE_DESCRIPTIONS, BRIDGE_NAMES } from './sql/translate.ts';
import type { DbTask } from './tasks.ts';

/** One row of the report. */
export interface BridgeImpact {
  bridge: AnyBridge;
  description: string;
  /** Tasks whose replay uses the bridge. */
  uses: number;
  /** Tasks whose replay fails without it. */
  needed: number;
}

const SCHEMA_BRIDGES: Readonly<Record<string, string>> = {
  'case-insensitive-collation': "text columns compare and sort case-insensitively, as MySQL's default collation does (COLLATE NOCASE)",
};

/** Replay a task's gold statements with some bridges off: the bridges used, and whether it still scores 1.0. */
function replay(task: DbTask, disable: ReadonlySet<AnyBridge>): { used: Set<AnyBridge>; passes: boolean } {
  const database = openDatabase(task.tables, { disable });
  try {
    const used = new Set<AnyBridge>();
    if (task.mode === 'question') {
      const result = database.execute(task.oracleQuery);
      result.bridges.forEach((bridge) => used.add(bridge));
      return { used, passes: result.ok && compareAnswer(answerFromRows(result.rows ?? []), task.label).correct };
    }
    let ok = true;
    for (const statement of task.goldStatements) {
      const result = database.execute(statement);
      result.bridges.forEach((bridge) => used.add(bridge));
      ok &&= result.ok;
    }
    return { used, passes: ok && tablesMd5(tableRows(database, task.tables), task.tables) === task.answerMd5 };
  } finally {
    database.close();
  }
}

/** The report over the given tasks, one row per bridge. */
export function measureBridges(tasks: readonly DbTask[]): BridgeImpact[] {
  const all = [...BRIDGE_NAMES, ...(Object.keys(SCHEMA_BRIDGES) as AnyBridge[])];
  const baseline = tasks.map((task) => replay(task, new Set()));
  return all.map((bridge) => {
    const uses = bridge in SCHEMA_BRIDGES ? tasks.length : baseline.filter((result) => result.used.has(bridge)).length;
    const needed = tasks.filter((task, index) => baseline[index]!.passes && !replay(task, new Set([bridge])).passes).length;
    return { bridge, description: SCHEMA_BRIDGES[bridge] ?? BRIDGE_DESCRIPTIONS[bridge as keyof typeof BRIDGE_DESCRIPTIONS], uses, needed };
  });
}

/** MySQL syntax SQLite reads the same way: how many tasks' replayed statements use it. */
export function measureNative(tasks: readonly DbTask[]): { feature: string; uses: number }[] {
  const statements = (task: DbTask) => (task.mode === 'question' ? [task.oracleQuery] : task.goldStatements).map((statement) => tokenize(statement).filter((token) => !isTrivia(token)));
  const count = (test: (tokens: ReturnType<typeof tokenize>) => boolean) => tasks.filter((task) => statements(task).some(test)).length;
  return [
    { feature: 'backtick-quoted names (`Table Name`)', uses: count((tokens) => tokens.some((token) => token.kind === 'quoted-identifier')) },
    { feature: '`LIMIT offset, count`', uses: count((tokens) => tokens.some((token, index) => token.value.toUpperCase() === 'LIMIT' && tokens[index + 2]?.text === ',')) },
    { feature: '`LIMIT n`, `IF()`, `CONCAT()`, `IFNULL()`, `SUBSTRING()`, `REPLACE()`', uses: count((tokens) => tokens.some((token) => ['LIMIT', 'IF', 'CONCAT', 'IFNULL', 'SUBSTRING', 'REPLACE'].includes(token.value.toUpperCase()))) },
  ];
}

/** Mean host milliseconds of an episode's parts over every task. */
export function measureTiming(environment: ReturnType<typeof createAgentbenchDb>): { part: string; milliseconds: number }[] {
  const totals = { reset: 0, statement: 0, oracle: 0, verify: 0 };
  const ids = environment.tasks.map((task) => task.id);
  for (const id of ids) environment.reset(id, 0).oracle(); // warm the per-task caches, as the first episode does
  for (const id of ids) {
    let started = performance.now();
    const session = environment.reset(id, 0);
    totals.reset += performance.now() - started;
    started = performance.now();
    const plan = session.oracle();
    totals.oracle += performance.now() - started;
    const first = plan[0]!;
    started = performance.now();
    if (first.action.kind === 'call') session.step(first.action.tool, first.action.arguments);
    totals.statement += performance.now() - started;
    session.finish('["done"]');
    started = performance.now();
    session.verify();
    totals.verify += performance.now() - started;
  }
  return Object.entries(totals).map(([part, total]) => ({ part, milliseconds: total / ids.length }));
}

/** The bridge report as a Markdown table. */
export function formatBridgeReport(rows: readonly BridgeImpact[]): string {
  const lines = ['| bridge | what it does | tasks using it | tasks failing without it |', '|---|---|---|---|'];
  for (const row of rows) lines.push(`| \`${row.bridge}\` | ${row.description.replaceAll('|', '\\|')} | ${row.uses} | ${row.needed} |`);
  return lines.join('\n');
}

if (import.meta.main) {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: node --import tsx environments/agentbench-db/report.ts <data folder>');
    process.exit(2);
  }
  const environment = createAgentbenchDb({ data: folder });
  const tasks = environment.tasks.map((task) => environment.task(task.id));
  console.log(formatBridgeReport(measureBridges(tasks)));
  console.log('\n| native in SQLite (no bridge) | tasks using it |\n|---|---|');
  for (const row of measureNative(tasks)) console.log(`| ${row.feature} | ${row.uses} |`);
  console.log('\n| episode part (mean over all tasks) | host time |\n|---|---|');
  for (const row of measureTiming(environment)) console.log(`| ${row.part} | ${row.milliseconds.toFixed(3)} ms |`);
}
