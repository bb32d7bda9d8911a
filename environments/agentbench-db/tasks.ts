/**
 * DBBench entries as bridle tasks: the instruction AgentBench gives (the table's description and the
 * question), the task type as the public kind, the table, and what only the environment knows (the
 * label, the gold statements, the recorded table hash). Excluded tasks are dropped here, by name.
 */
import { dealSplits, type TaskInfo } from '../../src/toolkit/index.ts';
import type { DbbenchEntry, TaskType } from './data.ts';
import { WRITE_TYPES } from './data.ts';
import type { TableData } from './database.ts';
import { EXCLUDED_TASKS, ORACLE_QUERIES } from './gold-fixes.ts';

/** A question task: answered through the final message, judged against the label. */
export interface QuestionTask extends TaskInfo {
  mode: 'question';
  /** AgentBench's sample index (the line of standard.jsonl). */
  index: number;
  type: TaskType;
  tables: TableData[];
  /** The benchmark's answer. */
  label: string[];
  /** The query the oracle asks: the gold SQL, or its repair from gold-fixes.ts. */
  oracleQuery: string;
}

/** A change task: judged by the hash of the table after the agent's statements. */
export interface ChangeTask extends TaskInfo {
  mode: 'change';
  index: number;
  type: TaskType;
  tables: TableData[];
  /** The gold statements, in order. */
  goldStatements: string[];
  /** The table hash AgentBench recorded after the gold statements (32 hex digits). */
  answerMd5: string;
}

export type DbTask = QuestionTask | ChangeTask;

/** A task dropped because it cannot be run faithfully. */
export interface ExcludedTask {
  id: string;
  reason: string;
}

/** The task id of an AgentBench sample index. */
export const taskId = (index: number): string => `dbbench-${String(index).padStart(3, '0')}`;

/** The tables of an entry as stored: every column text, every cell as AgentBench stores it. */
function tablesOf(entry: DbbenchEntry): TableData[] {
  const tables = Array.isArray(entry.table) ? entry.table : [entry.table];
  return tables.map((table) => ({
    name: table.table_name,
    columns: table.table_info.columns.map((column) => column.name),
    rows: table.table_info.rows.map((row) => row.map((cell) => String(cell))),
  }));
}

/** The user message AgentBench sends (task.py, `start_sample`). */
function instructionOf(entry: DbbenchEntry): string {
  let text = '';
  if (entry.evidence) text += `Evidence about the question: ${entry.evidence}\n`;
  if (entry.add_description) text += `Additional table information about the question: ${entry.add_description}\n`;
  return `${text}Question: ${entry.description}`;
}

/** Tasks from entries: exclusions dropped, splits dealt per task type. */
export function buildTasks(entries: readonly DbbenchEntry[], seed: number): { tasks: DbTask[]; excluded: ExcludedTask[] } {
  const excluded: ExcludedTask[] = [];
  const drafts: (Omit<QuestionTask, 'split'> | Omit<ChangeTask, 'split'>)[] = [];
  for (const entry of entries) {
    const id = taskId(entry.index);
    const reason = EXCLUDED_TASKS[entry.index];
    if (reason !== undefined) {
      excluded.push({ id, reason });
      continue;
    }
    const type = entry.type[0];
    const base = { id, instruction: instructionOf(entry), kind: type, index: entry.index, type, tables: tablesOf(entry) };
    if (WRITE_TYPES.has(type)) {
      drafts.push({ ...base, mode: 'change' as const, goldStatements: [...entry.label], answerMd5: /[0-9a-f]{32}/.exec(entry.answer_md5!)![0] });
    } else {
      const oracleQuery = ORACLE_QUERIES[entry.index]?.sql ?? entry.sql?.query ?? '';
      drafts.push({ ...base, mode: 'question' as const, label: [...entry.label], oracleQuery });
    }
  }
  const splits = dealSplits(drafts, { seed, stratum: (draft) => draft.type });
  return { tasks: drafts.map((draft, position) => ({ ...draft, split: splits[position]! }) as DbTask), excluded };
}
