/**
 * DBBench's task file from the user's data folder. The data is AgentBench's (THUDM/AgentBench,
 * Apache-2.0) and is never copied into this repository: it is read from `--data <dir>`, which may be the
 * shared layout (`<dir>/agentbench/dbbench/standard.jsonl`), an AgentBench checkout
 * (`<dir>/data/dbbench/standard.jsonl`), or the folder holding `standard.jsonl` itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BridleError } from '../../src/errors.ts';
import { floatRepr } from './python.ts';

/** Where `standard.jsonl` may sit under the data folder, in the order they are tried. */
export const DATA_LAYOUTS = ['agentbench/dbbench/standard.jsonl', 'data/dbbench/standard.jsonl', 'standard.jsonl'] as const;

/** The benchmark's task types: seven kinds of question and two kinds of change. */
export const TASK_TYPES = ['other', 'counting', 'comparison', 'ranking', 'aggregation-SUM', 'aggregation-MIN', 'aggregation-MAX', 'aggregation-AVG', 'INSERT', 'UPDATE', 'DELETE'] as const;

export type TaskType = (typeof TASK_TYPES)[number];

/** Tasks whose answer is a change to the table (compared by a hash of the table). */
export const WRITE_TYPES: ReadonlySet<TaskType> = new Set(['INSERT', 'UPDATE', 'DELETE']);

/**
 * A number as it was written in the file. AgentBench stores `str(value)` of every cell, and Python prints
 * `82562.0` for the float 82562.0, which JSON.parse alone would turn into the integer 82562.
 */
class JsonNumber {
  constructor(readonly source: string) {}
  /** Python's `str()` of the number. */
  toPythonText(): string {
    return /^-?\d+$/.test(this.source) ? BigInt(this.source).toString() : floatRepr(Number(this.source));
  }
}

/** A cell as AgentBench inserts it: the Python `str()` of the value (`None` for null, `True` for true). */
const cell = z
  .union([z.string(), z.instanceof(JsonNumber), z.boolean(), z.null()])
  .transform((value) => (value instanceof JsonNumber ? value.toPythonText() : value === null ? 'None' : typeof value === 'boolean' ? (value ? 'True' : 'False') : value));

const tableSchema = z.object({
  table_name: z.string().min(1),
  table_info: z.object({
    columns: z.array(z.object({ name: z.string().min(1), type: z.string() })).min(1),
    rows: z.array(z.array(cell)),
  }),
});

/** One line of standard.jsonl (only the fields bridle reads; others pass through unchecked). */
export const entrySchema = z
  .object({
    description: z.string().min(1),
    label: z.array(z.string()).min(1),
    table: z.union([tableSchema, z.array(tableSchema).min(1)]),
    type: z.tuple([z.enum(TASK_TYPES)]).rest(z.string()),
    add_description: z.string().optional(),
    evidence: z.string().optional(),
    sql: z.object({ query: z.string() }).loose().optional(),
    answer_md5: z.string().optional(),
  })
  .superRefine((entry, context) => {
    const tables = Array.isArray(entry.table) ? entry.table : [entry.table];
    for (const table of tables) {
      const width = table.table_info.columns.length;
      const bad = table.table_info.rows.findIndex((row) => row.length !== width);
      if (bad !== -1) context.addIssue({ code: 'custom', path: ['table', 'table_info', 'rows', bad], message: `row has ${table.table_info.rows[bad]!.length} cells for ${width} columns` });
    }
    if (WRITE_TYPES.has(entry.type[0]) && !/[0-9a-f]{32}/.test(entry.answer_md5 ?? '')) {
      context.addIssue({ code: 'custom', path: ['answer_md5'], message: 'a change task needs its answer_md5 (the table hash after the gold SQL)' });
    }
  });

/** A validated line of standard.jsonl, with its position (AgentBench's sample index). */
export type DbbenchEntry = z.infer<typeof entrySchema> & { index: number };

/** The task file under a data folder, or a one-line error naming what was looked for. */
export function locateTaskFile(folder: string): string {
  for (const layout of DATA_LAYOUTS) {
    const file = join(folder, layout);
    if (existsSync(file)) return file;
  }
  throw new BridleError(
    'MISSING_FILE',
    `agentbench-db: no DBBench task file under ${folder} (looked for ${DATA_LAYOUTS.join(', ')}); point --data at a folder with agentbench/dbbench/standard.jsonl (e.g. ../shared/bench-data) or at an AgentBench checkout`,
  );
}

/** Read and validate every line of standard.jsonl; a malformed line is one error naming line and field. */
export function readEntries(file: string): DbbenchEntry[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const entries: DbbenchEntry[] = [];
  lines.forEach((line, lineIndex) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line, (_key, value: unknown, context?: { source?: string }) =>
        typeof value === 'number' && context?.source !== undefined ? new JsonNumber(context.source) : value,
      );
    } catch (error) {
      throw new BridleError('INVALID_ARGUMENT', `agentbench-db: ${file} line ${lineIndex + 1} is not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const parsed = entrySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BridleError('INVALID_ARGUMENT', `agentbench-db: ${file} line ${lineIndex + 1}: ${issue.path.join('.') || 'entry'}: ${issue.message}`);
    }
    entries.push({ ...parsed.data, index: entries.length });
  });
  if (entries.length === 0) throw new BridleError('INVALID_ARGUMENT', `agentbench-db: ${file} has no tasks`);
  return entries;
}
