/**
 * `writeRunReport({ root, runId })`: the library function behind `bridle report`. One self-contained
 * HTML file per run (inline style, script and data; no network at view time), by default
 * `.bridle/runs/<run-id>/report.html`.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../store/runs.ts';
import { buildRunReport } from './build.ts';
import type { EpisodeLimits } from './episodes.ts';
import { renderReport } from './render.ts';
import { openRunFolder } from './run-folder.ts';

export { buildRunReport } from './build.ts';
export { DEFAULT_EPISODE_LIMITS, type EpisodeLimits } from './episodes.ts';
export { renderReport, DATA_ELEMENT_ID } from './render.ts';
export { openRunFolder, type RunFolder } from './run-folder.ts';
export type * from './model.ts';

/** The report file's name inside the run folder. */
export const REPORT_FILE = 'report.html';

/** What {@link writeRunReport} needs. */
export interface WriteRunReportOptions {
  /** Project root holding `.bridle/` (and, for evolve runs, inside the git repository). */
  root: string;
  /** The run, as named under `.bridle/runs/`. */
  runId: string;
  /** Where to write; relative paths are taken from the current directory. Default: the run folder's report.html. */
  out?: string;
  /** Bounds of the embedded trajectories (defaults keep the file within a few MB). */
  limits?: Partial<EpisodeLimits>;
}

/** What {@link writeRunReport} wrote. */
export interface WrittenReport {
  /** Absolute path of the HTML file. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  kind: 'evolve' | 'eval';
  /** Episodes embedded for the viewer. */
  episodes: number;
  /** What the page leaves out, as it says on the page. */
  omitted: string[];
}

/**
 * Write the report of a run. BridleError UNKNOWN_RUN when `.bridle/runs/<runId>/` does not exist (or holds
 * neither a journal nor trajectories), INVALID_ARGUMENT for a run id that is not a plain name.
 */
export async function writeRunReport(options: WriteRunReportOptions): Promise<WrittenReport> {
  const root = resolve(options.root);
  const folder = openRunFolder(root, options.runId);
  const report = await buildRunReport(root, folder, options.limits);
  const text = renderReport(report);
  const path = options.out === undefined ? join(folder.directory, REPORT_FILE) : resolve(options.out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, text);
  return { path, bytes: Buffer.byteLength(text), kind: report.header.kind, episodes: report.data.episodes.length, omitted: report.omitted };
}
