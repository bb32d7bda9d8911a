/**
 * Finding a run folder and reading the versioned logs in it: the journal (evolve runs), trajectories
 * (eval runs, evaluations, changed pairs). `summary.json` has no versioned schema, so the report takes
 * only display extras from it (wall time per phase) and never a number it charts.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Trajectory } from '../agent/trajectory.ts';
import { BridleError } from '../errors.ts';
import { JOURNAL_FILE, readJournal, type JournalEvent } from '../meta/journal.ts';
import { candidateDirectory } from '../store/candidates.ts';
import { assertRunId } from '../store/git/history.ts';
import { SUMMARY_FILE, TRAJECTORIES_FILE, listRuns, readTrajectoriesFile, runDirectory, runsRoot } from '../store/runs.ts';

/** A run folder opened for reading. */
export type RunFolder =
  | { kind: 'evolve'; runId: string; directory: string; events: JournalEvent[] }
  | { kind: 'eval'; runId: string; directory: string };

/** How many run ids an UNKNOWN_RUN message lists. */
const LISTED_RUNS = 5;

/** The newest run ids (by folder time), for a message that must help the user find theirs. */
function latestRuns(root: string): string {
  const known = listRuns(root).map((id) => ({ id, time: statSync(runDirectory(root, id)).mtimeMs }));
  if (known.length === 0) return 'there are no runs yet (bridle eval or bridle evolve make them)';
  known.sort((left, right) => right.time - left.time || (left.id < right.id ? 1 : -1));
  return `latest runs: ${known.slice(0, LISTED_RUNS).map((run) => run.id).join(', ')}`;
}

/** Open `.bridle/runs/<runId>/`; BridleError UNKNOWN_RUN (naming the latest runs) when there is no such run. */
export function openRunFolder(root: string, runId: string): RunFolder {
  assertRunId(runId);
  const directory = runDirectory(root, runId);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    const hint = latestRuns(root);
    throw new BridleError('UNKNOWN_RUN', `no run "${runId}" under ${runsRoot(root)}; ${hint}`);
  }
  if (existsSync(join(directory, JOURNAL_FILE))) {
    try {
      return { kind: 'evolve', runId, directory, events: readJournal(directory) };
    } catch (error) {
      if (!(error instanceof z.ZodError)) throw error;
      throw new BridleError('INVALID_ARGUMENT', `the journal of run "${runId}" does not read as journal v1: ${error.issues[0]?.path.join('.') ?? ''} ${error.issues[0]?.message ?? ''}`.trimEnd(), { cause: error });
    }
  }
  if (existsSync(join(directory, TRAJECTORIES_FILE))) return { kind: 'eval', runId, directory };
  throw new BridleError('UNKNOWN_RUN', `${directory} holds neither a journal (evolve run) nor trajectories (eval run)`);
}

/** The extras the report shows from an evolve run's `summary.json`, when present and readable. */
const evolveSummaryExtrasSchema = z.object({
  minutes: z.number().optional(),
  phaseMs: z.record(z.string(), z.number()).optional(),
});

export type EvolveSummaryExtras = z.infer<typeof evolveSummaryExtrasSchema>;

export function readSummaryExtras(directory: string): EvolveSummaryExtras {
  const path = join(directory, SUMMARY_FILE);
  if (!existsSync(path)) return {};
  try {
    const parsed = evolveSummaryExtrasSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** An eval run's episodes (top-level `trajectories.jsonl`). */
export function readEvalTrajectories(directory: string): Trajectory[] {
  return readTrajectoriesFile(join(directory, TRAJECTORIES_FILE));
}

/** Labels of the evaluations an evolve run recorded (`evaluations/<label>/`), in name order. */
export function listEvaluations(directory: string): string[] {
  const folder = join(directory, 'evaluations');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((label) => existsSync(join(folder, label, TRAJECTORIES_FILE)))
    .sort(compareLabels);
}

/** `iteration-2-…` before `iteration-10-…`: numbers compare as numbers. */
function compareLabels(left: string, right: string): number {
  return left.localeCompare(right, 'en', { numeric: true });
}

export function readEvaluation(directory: string, label: string): Trajectory[] {
  return readTrajectoriesFile(join(directory, 'evaluations', label, TRAJECTORIES_FILE));
}

export { readChangedPairs, type ChangedPair } from '../store/candidates.ts';

/** The gate's verdict on a rejected candidate, kept in its `candidate.json`; undefined when it has none. */
export function readRejectedVerdict<T>(directory: string, candidate: number, schema: z.ZodType<T>): T | undefined {
  const path = join(candidateDirectory(directory, candidate), 'candidate.json');
  if (!existsSync(path)) return undefined;
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as { verdict?: unknown };
    const parsed = schema.safeParse(record.verdict);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
