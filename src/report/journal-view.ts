/**
 * What the journal says, folded into the report's shapes: the run's options, HEAD's success per
 * iteration (held-out and train), the accepted commits, every candidate, and the sealed test table.
 *
 * A resumed run journals a cut-off iteration twice (it is redone from its start, reusing candidate
 * numbers), so later events about the same iteration or candidate replace earlier ones.
 */
import { z } from 'zod';
import { verdictSchema, type JournalEvent } from '../meta/journal.ts';
import type { BackboneLabel, BackboneSeries, CandidateOutcome, CommitMark, ProgressSeries, ReportCandidate, TestRow } from './model.ts';

type Event<T extends JournalEvent['type']> = Extract<JournalEvent, { type: T }>;

/** The gate's per-backbone comparison: the part of a verdict the held-out chart needs. */
export const verdictBackbonesSchema = verdictSchema.pick({ backbones: true });
export type VerdictBackbones = z.infer<typeof verdictBackbonesSchema>;

/** The options a run recorded in its `run-start` event (those the report shows). */
const runOptionsSchema = z.object({
  env: z.string(),
  train: z.array(z.string()),
  heldout: z.array(z.string()),
  engineer: z.string(),
  iterations: z.number(),
  trainTrials: z.number(),
  trials: z.number(),
  seed: z.number(),
  tolerancePoints: z.number(),
  patience: z.number().optional(),
});

export type RunOptions = z.infer<typeof runOptionsSchema>;

const testRowSchema = z.object({ backbone: z.string(), simulated: z.boolean(), heldout: z.boolean(), before: z.number(), after: z.number() });
const runEndSummarySchema = z.object({ test: z.array(testRowSchema) });

/** The run's start: branch, base and options; BridleError-free: undefined when the journal lacks it. */
export function runStart(events: readonly JournalEvent[]): { branch: string; base: string; options: RunOptions } | undefined {
  const start = events.find((event): event is Event<'run-start'> => event.type === 'run-start');
  if (!start) return undefined;
  const options = runOptionsSchema.safeParse(start.options);
  return options.success ? { branch: start.branch, base: start.base, options: options.data } : undefined;
}

export function runEnd(events: readonly JournalEvent[]): Event<'run-end'> | undefined {
  return events.findLast((event): event is Event<'run-end'> => event.type === 'run-end');
}

/** The sealed test table the run ended with (empty harness → final harness), or [] for a run that did not end. */
export function testTable(events: readonly JournalEvent[]): TestRow[] {
  const end = runEnd(events);
  const parsed = end ? runEndSummarySchema.safeParse(end.summary) : undefined;
  if (!parsed?.success) return [];
  return parsed.data.test.map((row) => ({ backbone: { id: row.backbone, simulated: row.simulated }, heldout: row.heldout, before: row.before, after: row.after }));
}

/** The last iteration the journal mentions. */
export function lastIteration(events: readonly JournalEvent[]): number {
  let last = 0;
  for (const event of events) if ('iteration' in event && event.type !== 'run-resume') last = Math.max(last, event.iteration);
  return last;
}

/** Accepted candidates in order, with the commit each became (when it was made). */
export function commitMarks(events: readonly JournalEvent[]): CommitMark[] {
  const marks = new Map<number, CommitMark>();
  for (const event of events) {
    if (event.type === 'candidate-accepted') marks.set(event.candidate, { iteration: event.iteration, candidate: event.candidate });
    if (event.type === 'commit-done') marks.set(event.candidate, { iteration: event.iteration, candidate: event.candidate, sha: event.sha });
    // A redone iteration drops what its first attempt accepted but did not commit.
    if (event.type === 'iteration-start') for (const [candidate, mark] of marks) if (mark.iteration >= event.iteration && !mark.sha) marks.delete(candidate);
  }
  return [...marks.values()].sort((left, right) => left.candidate - right.candidate);
}

/**
 * HEAD's held-out success after each iteration, per held-out backbone. HEAD changes only when a candidate
 * is accepted, and the gate measures both sides on the same validation episodes, so: the start is the
 * first judged candidate's `before`, an accepted candidate's `after` becomes HEAD's score, and an
 * iteration that accepts nothing carries the score forward.
 *
 * `firstJudged` is the earliest gate verdict (accepted or not); rejected verdicts are not in the journal,
 * so the caller reads them from the candidate's folder.
 */
export function heldoutSeries(events: readonly JournalEvent[], iterations: number, firstJudged: VerdictBackbones | undefined): BackboneSeries[] {
  const accepted = new Map<number, Event<'candidate-accepted'>>();
  for (const event of events) if (event.type === 'candidate-accepted') accepted.set(event.iteration, event);
  const start = firstJudged ?? [...accepted.values()].sort((left, right) => left.candidate - right.candidate)[0]?.verdict;
  if (!start) return [];
  return start.backbones.map((row) => {
    let value = row.before;
    const points = [{ iteration: 0, value }];
    for (let iteration = 1; iteration <= iterations; iteration++) {
      const after = accepted.get(iteration)?.verdict.backbones.find((other) => other.backbone === row.backbone)?.after;
      if (after !== undefined) value = after;
      points.push({ iteration, value });
    }
    return { backbone: { id: row.backbone, simulated: row.simulated }, points };
  });
}

/**
 * HEAD's train success per train backbone. Iteration n evaluates HEAD as it stood after iteration n − 1,
 * so its score is plotted at n − 1, on the same axis as the held-out line.
 */
export function trainSeries(events: readonly JournalEvent[], simulated: (backbone: string) => boolean): BackboneSeries[] {
  const byIteration = new Map<number, Record<string, number>>();
  for (const event of events) if (event.type === 'head-evaluated' && event.split === 'train') byIteration.set(event.iteration, event.scores);
  const backbones = [...new Set([...byIteration.values()].flatMap((scores) => Object.keys(scores)))];
  const iterations = [...byIteration.keys()].sort((left, right) => left - right);
  return backbones.map((backbone) => ({
    backbone: { id: backbone, simulated: simulated(backbone) },
    points: iterations.flatMap((iteration) => {
      const value = byIteration.get(iteration)?.[backbone];
      return value === undefined ? [] : [{ iteration: iteration - 1, value }];
    }),
  }));
}

/** Candidates that reached the gate (accepted, or rejected there), in the order they were judged. */
export function gateCandidates(events: readonly JournalEvent[]): { candidate: number; verdict?: VerdictBackbones }[] {
  const judged: { candidate: number; verdict?: VerdictBackbones }[] = [];
  for (const event of events) {
    if (event.type === 'candidate-accepted') judged.push({ candidate: event.candidate, verdict: event.verdict });
    if (event.type === 'candidate-rejected' && event.stage === 'gate') judged.push({ candidate: event.candidate });
  }
  return judged;
}

/** The chart data of an evolve run. */
export function progressSeries(events: readonly JournalEvent[], firstJudged: VerdictBackbones | undefined, simulated: (backbone: string) => boolean): ProgressSeries {
  const iterations = lastIteration(events);
  return { heldout: heldoutSeries(events, iterations, firstJudged), train: trainSeries(events, simulated), marks: commitMarks(events), iterations };
}

/** Module sources longer than this are cut in the candidate list (the commit diff shows accepted ones whole). */
export const SOURCE_LIMIT = 20_000;

/** Every candidate the journal records, in candidate order. */
export function candidateRows(events: readonly JournalEvent[]): ReportCandidate[] {
  const rows = new Map<number, ReportCandidate>();
  for (const event of events) {
    switch (event.type) {
      case 'candidate-proposed':
        rows.set(event.candidate, {
          candidate: event.candidate,
          iteration: event.iteration,
          kind: event.kind,
          group: event.group,
          summary: event.summary,
          files: event.files.map((file) => ({
            file: file.file,
            source: file.source.slice(0, SOURCE_LIMIT),
            omittedCharacters: Math.max(0, file.source.length - SOURCE_LIMIT),
          })),
          remove: event.remove,
          outcome: 'pending',
          reason: 'not judged (the run stopped first)',
          diagnostics: [],
          tokens: event.usage.inputTokens + event.usage.outputTokens,
          ...(event.usage.toolCalls === undefined ? {} : { toolCalls: event.usage.toolCalls }),
          ...(event.usage.experiments === undefined ? {} : { experiments: event.usage.experiments }),
        });
        break;
      case 'candidate-rejected':
        update(rows, event.candidate, { outcome: event.stage satisfies CandidateOutcome, reason: event.reason, diagnostics: event.diagnostics ?? [] });
        break;
      case 'candidate-screened':
        update(rows, event.candidate, { screen: { head: event.head, candidate: event.candidateScores } });
        break;
      case 'candidate-accepted':
        update(rows, event.candidate, { outcome: 'accepted', reason: event.verdict.reason, delta: { delta: event.verdict.delta, interval: event.verdict.interval } });
        break;
      case 'commit-done':
        update(rows, event.candidate, { sha: event.sha });
        break;
      default:
        break;
    }
  }
  return [...rows.values()].sort((left, right) => left.candidate - right.candidate);
}

function update(rows: Map<number, ReportCandidate>, candidate: number, fields: Partial<ReportCandidate>): void {
  const row = rows.get(candidate);
  if (row) rows.set(candidate, { ...row, ...fields });
}

/** Backbones as labelled: simulated when the id is `sim/*` or a recorded score says so. */
export function backboneLabels(ids: readonly string[], simulated: (backbone: string) => boolean): BackboneLabel[] {
  return ids.map((id) => ({ id, simulated: simulated(id) }));
}
