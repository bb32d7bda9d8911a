/**
 * Gather a {@link RunReport} from a run folder (and git, for evolve runs). Evolve runs are read from
 * their journal; eval runs from their trajectories. Nothing here writes.
 */
import { candidateLabel } from '../store/candidates.ts';
import { z } from 'zod';
import { summarize } from '../agent/metrics.ts';
import { scoreOf } from '../agent/evaluate.ts';
import type { Trajectory } from '../agent/trajectory.ts';
import { BridleError } from '../errors.ts';
import type { JournalEvent } from '../meta/journal.ts';
import { DIFF_LINE_LIMIT, readReportCommits } from './commits.ts';
import { DEFAULT_EPISODE_LIMITS, balancedEpisodes, embedEpisodes, pairItems, type EpisodeLimits, type EpisodePool } from './episodes.ts';
import {
  backboneLabels,
  candidateRows,
  commitMarks,
  gateCandidates,
  lastIteration,
  progressSeries,
  runEnd,
  runStart,
  testTable,
  verdictBackbonesSchema,
  type RunOptions,
  type VerdictBackbones,
} from './journal-view.ts';
import type { ReportCandidate, RunReport } from './model.ts';
import {
  listEvaluations,
  readChangedPairs,
  readEvalTrajectories,
  readEvaluation,
  readRejectedVerdict,
  readSummaryExtras,
  type RunFolder,
} from './run-folder.ts';

/** One sentence for a log file that does not read as its versioned schema. */
function readProblem(error: unknown): string {
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    return `${issue ? `${issue.path.join('.')}: ${issue.message}` : 'schema mismatch'}${error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : ''}`;
  }
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/**
 * Read one optional part of an evolve run; a part that does not parse (written by another version of
 * bridle, or damaged) is left out with a note instead of failing the whole report.
 */
function readOrNote<T>(notes: string[], what: string, read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof z.ZodError) && !BridleError.isInstance(error)) throw error;
    notes.push(`Left out ${what}: it does not read as the current log format (${readProblem(error)}).`);
    return undefined;
  }
}

/** Episodes per pool before the shared budget is topped up: changed pairs first, they tell the story. */
const QUOTAS = { pairsPerCommit: 3, testFinal: 12, testEmpty: 6, other: 4 } as const;

/** Whether a backbone is simulated, from what the run recorded about it; `sim/*` ids otherwise. */
function simulatedLookup(known: Iterable<{ id: string; simulated: boolean }>): (backbone: string) => boolean {
  const map = new Map<string, boolean>();
  for (const entry of known) map.set(entry.id, entry.simulated);
  return (backbone) => map.get(backbone) ?? backbone.startsWith('sim/');
}

function minutes(ms: number): string {
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`;
}

function evolveFacts(folder: Extract<RunFolder, { kind: 'evolve' }>, start: { branch: string; base: string; options: RunOptions }, candidates: readonly ReportCandidate[]): [string, string][] {
  const { options } = start;
  const end = runEnd(folder.events);
  const extras = readSummaryExtras(folder.directory);
  const tokens = candidates.reduce((sum, row) => sum + row.tokens, 0);
  const facts: [string, string][] = [
    ['engineer', `${options.engineer} (${tokens.toLocaleString('en')} tokens over ${candidates.length} candidates)`],
    ['branch', start.branch],
    ['base', start.base.slice(0, 12)],
    ['iterations', `${lastIteration(folder.events)} of ${options.iterations}`],
    ['stopped', end ? end.reason : 'not yet (no run-end in the journal)'],
    ['trials', `validation and test ${options.trials} per task, train ${options.trainTrials} per task`],
    ['seed', String(options.seed)],
    ['tolerance', `a held-out backbone may fall at most ${options.tolerancePoints} points`],
  ];
  if (extras.minutes !== undefined) facts.push(['wall time', minutes(extras.minutes * 60_000)]);
  if (extras.phaseMs) facts.push(['time per phase', Object.entries(extras.phaseMs).map(([phase, ms]) => `${phase} ${minutes(ms)}`).join(', ')]);
  return facts;
}

/** The earliest gate verdict: its `before` is HEAD's held-out score at the start of the run. */
function firstVerdict(folder: RunFolder, events: readonly JournalEvent[]): VerdictBackbones | undefined {
  for (const judged of gateCandidates(events)) {
    // Rejections journal no verdict; the candidate's folder keeps it (a duplicate has none: try the next).
    const verdict = judged.verdict ?? readRejectedVerdict(folder.directory, judged.candidate, verdictBackbonesSchema);
    if (verdict) return verdict;
  }
  return undefined;
}

function evaluationQuota(label: string): number {
  if (label === 'test-final') return QUOTAS.testFinal;
  if (label === 'test-empty') return QUOTAS.testEmpty;
  return QUOTAS.other;
}

/** Where `test-final` goes first, then `test-empty`, then the rest in name order. */
function evaluationRank(label: string): number {
  return label === 'test-final' ? 0 : label === 'test-empty' ? 1 : 2;
}

async function buildEvolveReport(root: string, folder: Extract<RunFolder, { kind: 'evolve' }>, limits: EpisodeLimits): Promise<RunReport> {
  const { events } = folder;
  const start = runStart(events);
  if (!start) throw new BridleError('INVALID_ARGUMENT', `the journal of run "${folder.runId}" has no readable run-start event`);
  const test = testTable(events);
  const judged = firstVerdict(folder, events);
  const simulated = simulatedLookup([
    ...test.map((row) => row.backbone),
    ...(judged?.backbones ?? []).map((row) => ({ id: row.backbone, simulated: row.simulated })),
  ]);
  const candidates = candidateRows(events);
  const marks = commitMarks(events);
  const { commits, notes } = await readReportCommits({ root, branch: start.branch, environment: start.options.env, marks });

  const pools: EpisodePool[] = [];
  for (const mark of marks) {
    const pairs = readOrNote(notes, `changed pairs of candidate ${candidateLabel(mark.candidate)}`, () => readChangedPairs(folder.directory, mark.candidate)) ?? [];
    if (pairs.length === 0) continue;
    const modules = candidates.find((row) => row.candidate === mark.candidate)?.files.map((file) => file.file).join(', ');
    pools.push({
      label: `candidate ${candidateLabel(mark.candidate)}${modules ? ` (${modules})` : ''}: validation episodes it changed`,
      available: pairs.length,
      items: pairItems(pairs),
      quota: QUOTAS.pairsPerCommit,
    });
  }
  const labels = listEvaluations(folder.directory).sort((left, right) => evaluationRank(left) - evaluationRank(right));
  for (const label of labels) {
    const trajectories = readOrNote(notes, `evaluation ${label}`, () => readEvaluation(folder.directory, label));
    if (!trajectories) continue;
    pools.push({ label: `evaluation ${label}`, available: trajectories.length, items: balancedEpisodes(trajectories), quota: evaluationQuota(label) });
  }
  const { data, omitted } = embedEpisodes(pools, limits);
  const truncatedDiffs = commits.filter((commit) => commit.diffOmittedLines > 0).length;
  if (truncatedDiffs > 0) omitted.push(`${truncatedDiffs} commit diffs are cut after ${DIFF_LINE_LIMIT.toLocaleString('en')} lines.`);
  const cutSources = candidates.filter((row) => row.files.some((file) => file.omittedCharacters > 0)).length;
  if (cutSources > 0) omitted.push(`Module sources of ${cutSources} candidates are cut in the candidate list.`);
  omitted.push('Validation episodes are kept only for accepted changes (those whose outcome the change flipped); screen and replay episodes are not recorded.');

  const train = backboneLabels(start.options.train, simulated);
  const heldout = backboneLabels(start.options.heldout, simulated);
  return {
    header: {
      runId: folder.runId,
      kind: 'evolve',
      environment: start.options.env,
      train,
      heldout,
      simulated: [...train, ...heldout].some((label) => label.simulated),
      facts: evolveFacts(folder, start, candidates),
      ...(runEnd(events) ? {} : { incomplete: 'This run has not finished (no run-end in its journal): it was stopped, or is still running. The page shows what the journal holds so far.' }),
    },
    progress: progressSeries(events, judged, simulated),
    test,
    commits,
    candidates,
    scores: [],
    data,
    omitted,
    notes,
  };
}

function buildEvalReport(folder: Extract<RunFolder, { kind: 'eval' }>, limits: EpisodeLimits): RunReport {
  let trajectories: Trajectory[];
  try {
    trajectories = readEvalTrajectories(folder.directory);
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    throw new BridleError('INVALID_ARGUMENT', `the trajectories of run "${folder.runId}" do not read as the current trajectory format: ${readProblem(error)}`, { cause: error });
  }
  const scores = summarize(trajectories.map(scoreOf));
  const first = trajectories[0];
  const splits = [...new Set(trajectories.map((trajectory) => trajectory.split))];
  const harnesses = [...new Set(trajectories.map((trajectory) => `${trajectory.harness.label}${trajectory.harness.modules.length ? ` (${trajectory.harness.modules.join(', ')})` : ' (no modules: the raw model)'}`))];
  const { data, omitted } = embedEpisodes(
    [{ label: 'episodes', available: trajectories.length, items: balancedEpisodes(trajectories), quota: limits.maxEpisodes }],
    limits,
  );
  const backbones = scores.map((summary) => ({ id: summary.backbone, simulated: summary.simulated }));
  return {
    header: {
      runId: folder.runId,
      kind: 'eval',
      environment: first?.environment ?? 'unknown',
      train: backbones,
      heldout: [],
      simulated: backbones.some((label) => label.simulated),
      facts: [
        ['split', splits.join(', ') || 'none'],
        ['episodes', `${trajectories.length} (${scores[0]?.tasks ?? 0} tasks × ${scores[0]?.trials ?? 0} trials per backbone)`],
        ['harness', harnesses.join('; ') || 'none'],
        ['runner', [...new Set(trajectories.map((trajectory) => trajectory.runner))].join(', ')],
      ],
    },
    test: [],
    commits: [],
    candidates: [],
    scores,
    data,
    omitted,
    notes: [],
  };
}

/** Build the report of an opened run folder. */
export async function buildRunReport(root: string, folder: RunFolder, limits: Partial<EpisodeLimits> = {}): Promise<RunReport> {
  const resolved = { ...DEFAULT_EPISODE_LIMITS, ...limits };
  return folder.kind === 'evolve' ? buildEvolveReport(root, folder, resolved) : buildEvalReport(folder, resolved);
}
