/**
 * Run folders: `.bridle/runs/<run-id>/` holds the trajectories of a run as JSON lines (appended one
 * episode at a time, so a crash loses at most the episode in flight) and a summary written atomically.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { readJsonLines } from './json-lines.ts';
import { join } from 'node:path';
import { trajectorySchema, type Trajectory } from '../agent/trajectory.ts';
import { BridleError } from '../errors.ts';

export const BRIDLE_DIR = '.bridle';
export const TRAJECTORIES_FILE = 'trajectories.jsonl';
export const SUMMARY_FILE = 'summary.json';

export function runsRoot(root: string): string {
  return join(root, BRIDLE_DIR, 'runs');
}

export function runDirectory(root: string, runId: string): string {
  return join(runsRoot(root), runId);
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** A readable, sortable run id: `<kind>-<env>-YYYYMMDD-HHMMSS[-n]`, unique within the runs folder. */
export function createRunId(root: string, kind: string, environment: string, now: Date): string {
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  const base = `${kind}-${environment}-${stamp}`;
  let id = base;
  for (let suffix = 2; existsSync(runDirectory(root, id)); suffix++) id = `${base}-${suffix}`;
  return id;
}

/** Write a file so that readers see either the old or the new content, never half of it. */
export function writeFileAtomic(path: string, content: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

export interface RunLog {
  readonly directory: string;
  appendTrajectory(trajectory: Trajectory): void;
  writeSummary(summary: unknown): void;
}

export function openRunLog(root: string, runId: string): RunLog {
  const directory = runDirectory(root, runId);
  mkdirSync(directory, { recursive: true });
  const trajectoriesPath = join(directory, TRAJECTORIES_FILE);
  return {
    directory,
    appendTrajectory(trajectory) {
      appendFileSync(trajectoriesPath, `${JSON.stringify(trajectory)}\n`);
    },
    writeSummary(summary) {
      writeFileAtomic(join(directory, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
    },
  };
}

/** Read a trajectories file; a torn last line (a crash mid-write) is skipped, any other bad line is an error. */
export function readTrajectoriesFile(path: string): Trajectory[] {
  return readJsonLines(path, (value) => trajectorySchema.parse(value));
}

export function readRunTrajectories(root: string, runId: string): Trajectory[] {
  const directory = runDirectory(root, runId);
  if (!existsSync(directory)) throw new BridleError('UNKNOWN_RUN', `no run "${runId}" under ${runsRoot(root)}`);
  return readTrajectoriesFile(join(directory, TRAJECTORIES_FILE));
}

export function listRuns(root: string): string[] {
  const directory = runsRoot(root);
  return existsSync(directory) ? readdirSync(directory).sort() : [];
}
