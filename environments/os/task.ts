/**
 * What an os task is: a request about a generated machine, and how it is judged. A question is judged by
 * the value of the final message; a change by the final file tree (compared with the expected one, time
 * stamps and /tmp aside); a script by running it on the starting machine with test arguments.
 */
import { callStep, type OracleStep, type TaskInfo } from '../../src/toolkit/index.ts';
import type { FileTable } from './machine.ts';
import type { ViewEntry } from './tree.ts';

/** The task families (public as the task kind: they name a subject, never an answer). */
export type Family = 'logs' | 'media' | 'project' | 'records' | 'admin' | 'accounts' | 'scripts';

export type Difficulty = 'easy' | 'medium' | 'hard';

/** An expected answer. `lines` is compared as a set of lines (order free), `list` in order. */
export type Answer =
  | { type: 'integer'; value: number }
  | { type: 'text'; value: string }
  | { type: 'lines'; values: string[] }
  | { type: 'list'; values: string[] };

/** One run of a script the task asks for, on the starting machine. */
export interface ScriptCase {
  /** Arguments, each passed as one word. */
  args: string[];
  /** The expected standard output (compared line by line, trailing spaces and blank lines ignored). */
  stdout: string;
  /** Files the run must leave behind, with their content. */
  files?: Record<string, string>;
}

/** How a task is judged. */
export type Goal =
  | { kind: 'answer'; answer: Answer }
  | { kind: 'state'; expected: Record<string, ViewEntry> }
  | { kind: 'script'; path: string; cases: ScriptCase[] };

/** A task before it gets its id and split. */
export interface TaskDraft {
  family: Family;
  difficulty: Difficulty;
  /** Which template made it (private: for tests and reports). */
  template: string;
  instruction: string;
  /** The starting tree. */
  world: FileTable;
  /** Reads the gold solution starts with. */
  inspects: OracleStep[];
  /** The gold changes in order (none for a question), each destructive one right after its dry run (a `confirm` step). */
  writes: OracleStep[];
  goal: Goal;
  /** The gold final message: the answer alone for a question, a short note otherwise. */
  finalMessage: string;
}

/** A task of the environment: the public part plus everything only the environment knows. */
export interface OsTask extends TaskInfo, Omit<TaskDraft, 'instruction' | 'family'> {
  kind: Family;
}

/**
 * A bash step of a gold plan. `confirm` marks the dry run the rules require right before a command that
 * deletes, moves or rewrites existing files: a read-only look that shows those files.
 */
export function bashStep(command: string, purpose: 'inspect' | 'confirm' | 'write', workdir?: string): OracleStep {
  return callStep('bash', workdir === undefined ? { command } : { command, workdir }, purpose);
}

/** The text an answer is given as in a final message. */
export function answerText(answer: Answer): string {
  switch (answer.type) {
    case 'integer':
      return String(answer.value);
    case 'text':
      return answer.value;
    case 'lines':
    case 'list':
      return answer.values.join('\n');
  }
}

/** Quote a word for bash (single quotes). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
