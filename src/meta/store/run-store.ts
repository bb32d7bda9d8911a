/**
 * The run store: what an engineer may read of a run, as read-only views over the run folder and the
 * current HEAD (DESIGN.md §5.3). Failure groups, train trajectories (raw, compressed, step ranges,
 * filtered), grep, every earlier candidate with its code, diff, diagnostics, train scores, aggregate
 * gate numbers and rejection reason, the current modules, the harness API and the environment brief.
 *
 * Train only, and enforced here rather than in a prompt: trajectories enter the store through one gate
 * ({@link assertTrainOnly}) that refuses any other split with `STORE_SPLIT_REFUSED`; evaluations on disk
 * are read only by label, and a label or a file holding validation or test episodes is refused before
 * or while it is read. Candidate folders are read file by file (`candidate.json` and module sources),
 * never `changed-pairs.jsonl`, which holds the validation episodes an accepted change flipped. The
 * gate's verdict on a candidate is shown as the aggregate numbers it reports, never as episodes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Trajectory } from '../../agent/trajectory.ts';
import { BridleError } from '../../errors.ts';
import type { HarnessFile, HarnessSource } from '../../store/harness-files.ts';
import { readTrajectoriesFile, TRAJECTORIES_FILE } from '../../store/runs.ts';
import { candidateLabel } from '../../store/candidates.ts';
import { compressTrajectory } from '../compress.ts';
import { readJournal, type JournalEvent } from '../journal.ts';
import { mineFailures, signaturesOf } from '../mine.ts';
import type { CompressedTrajectory, EnvironmentBrief, FailureGroup } from '../types.ts';

/** The trajectories an engineer reads by default: HEAD's train evaluation of this iteration. */
export const HEAD_SOURCE = 'head';
/** Most rows one listing returns. */
export const STORE_MAX_ROWS = 200;
/** Characters of one text field in a raw trajectory view; longer ones are clipped with a note. */
export const STORE_FIELD_CHARS = 2000;
const GREP_EXCERPT = 90;
const GREP_PATTERN_CHARS = 200;

/** Filters of a trajectory listing or grep. */
export interface TrajectoryFilter {
  /** `head` (default), an experiment (`experiment-1`) or a train evaluation of the run folder (`iteration-2-head-train`). */
  source?: string;
  /** Only trajectories that carry this failure signature. */
  group?: string;
  backbone?: string;
  task?: string;
  outcome?: 'success' | 'failure';
  /** Only `train` is accepted: anything else is refused. */
  split?: string;
  /** Rows to skip (paging). */
  offset?: number;
  /** Most rows (default 50, at most 200). */
  limit?: number;
}

/** One row of a trajectory listing. */
export interface TrajectorySummary {
  /** `<source>/<index>`: what `readTrajectory` takes. */
  id: string;
  taskId: string;
  backbone: string;
  simulated: boolean;
  trial: number;
  success: boolean;
  end: string;
  steps: number;
  /** The failure signatures it carries (empty for a success). */
  signatures: string[];
}

/** A failure group as the store lists it. */
export interface GroupView extends Omit<FailureGroup, 'taskIds'> {
  /** Distinct train tasks it sinks. */
  tasks: number;
  taskIds: string[];
}

/** One step of a raw trajectory view (clipped text fields). */
export interface StepView {
  index: number;
  /** What the model wrote (the chosen sample), text and tool calls. */
  output: string;
  samples: number;
  action: string;
  rejection?: string;
  blocked?: string;
  result?: { ok: boolean; output: string };
  /** What the model was told next. */
  feedback: string;
  regulate?: string;
  /** Hooks that answered, with their modules. */
  fired: string[];
  violation?: string;
}

/** A trajectory's steps in a range, text fields clipped. */
export interface RawTrajectoryView extends Omit<TrajectorySummary, 'signatures' | 'steps'> {
  format: 'raw';
  instruction: string;
  failedChecks: string[];
  differences: string[];
  finalMessage?: string;
  /** Steps in the whole episode. */
  stepCount: number;
  /** The step range shown, inclusive. */
  range: [number, number];
  steps: StepView[];
}

/** A trajectory, raw (a step range) or compressed. */
export type TrajectoryView = RawTrajectoryView | (CompressedTrajectory & { id: string; format: 'compressed' });

/** One grep hit. */
export interface GrepMatch {
  id: string;
  taskId: string;
  backbone: string;
  /** The step, or undefined for episode-level fields. */
  step?: number;
  field: string;
  excerpt: string;
}

/** The gate's verdict as the engineer sees it: aggregate numbers only. */
export interface VerdictView {
  accept: boolean;
  reason: string;
  /** Mean held-out difference, in [−1, 1]. */
  delta: number;
  interval: [number, number];
  backbones: { backbone: string; before: number; after: number }[];
  tasks: number;
  trials: number;
}

/** An earlier candidate, as listed. */
export interface CandidateSummary {
  candidate: number;
  label: string;
  iteration?: number;
  kind: string;
  group: { signature: string; title: string };
  summary: string;
  /** `accepted`, or the stage that rejected it. */
  stage: string;
  reason: string;
  /** Module files it wrote. */
  modules: string[];
  /** Module files it removed. */
  remove: string[];
  /** Train success per train backbone, HEAD and the candidate (when it got to the screen). */
  train?: { head: Record<string, number>; candidate: Record<string, number> };
  verdict?: VerdictView;
  /** try_candidate calls the engineer made for it. */
  experiments: number;
}

/** An earlier candidate in full. */
export interface CandidateDetail extends CandidateSummary {
  files: HarnessFile[];
  /** Unified diff against the HEAD it was judged against; empty when it was not recorded. */
  diff: string;
  /** The HEAD (short sha) it was judged against. */
  head?: string;
  diagnostics: string[];
}

/** What an engineer can read. Every method is read-only; every trajectory it returns is from the train split. */
export interface RunStore {
  environment(): EnvironmentBrief;
  harnessApi(): string;
  /** The current harness (HEAD of the run branch), in fold order. */
  modules(): readonly HarnessFile[];
  /** The short sha of HEAD. */
  head(): string;
  /** Failure groups of HEAD's train evaluation, largest first. */
  groups(): GroupView[];
  /** The trajectory sources: `head`, the experiments so far, and the train evaluations in the run folder (counted once read). */
  sources(): { source: string; trajectories?: number }[];
  listTrajectories(filter?: TrajectoryFilter): { total: number; rows: TrajectorySummary[] };
  readTrajectory(id: string, options?: { format?: 'raw' | 'compressed'; from?: number; to?: number }): TrajectoryView;
  grep(pattern: string, options?: TrajectoryFilter & { regex?: boolean }): { matches: GrepMatch[]; truncated: boolean };
  listCandidates(): CandidateSummary[];
  readCandidate(candidate: number): CandidateDetail;
}

/** The store plus what the meta-loop (never the engineer) adds while a proposal is being made. */
export interface RunStoreHandle extends RunStore {
  /** Keep the train screen of an experiment as a source named `label`; returns the label. */
  recordExperiment(label: string, trajectories: readonly Trajectory[]): string;
}

export interface RunStoreInput {
  /** The run folder, `.bridle/runs/<run-id>/`. */
  directory: string;
  brief: EnvironmentBrief;
  apiTypes: string;
  /** HEAD of the run branch. */
  head: HarnessSource;
  /** Its sha (or a short form). */
  headSha: string;
  /** HEAD's train evaluation: train episodes only (anything else is refused). */
  train: readonly Trajectory[];
}

/**
 * The one gate every trajectory passes to enter the store: anything but the train split is refused
 * with a typed error, never filtered silently (so a caller that passed the wrong evaluation finds out).
 */
export function assertTrainOnly(trajectories: readonly Trajectory[], where: string): void {
  const other = trajectories.find((trajectory) => trajectory.split !== 'train');
  if (other) {
    throw new BridleError(
      'STORE_SPLIT_REFUSED',
      `${where}: ${other.split} episodes are not visible to engineers (train only; the gate reports validation results as aggregate numbers)`,
    );
  }
}

function refuseSplit(split: string, where: string): never {
  throw new BridleError('STORE_SPLIT_REFUSED', `${where}: the ${split} split is not visible to engineers (train only; the gate reports validation results as aggregate numbers)`);
}

/** Labels that name a validation or test evaluation are refused before anything is read. */
const SEALED_LABEL = /(^|-)(validation|test|heldout|held-out)(-|$)/i;
const LABEL = /^[a-z0-9][a-z0-9._-]*$/i;

function clip(text: string, length = STORE_FIELD_CHARS): string {
  return text.length <= length ? text : `${text.slice(0, length)}… (${text.length - length} more characters)`;
}

function describeAction(action: Trajectory['steps'][number]['action']): string {
  if (!action) return 'none';
  return action.kind === 'finish' ? `finish(${JSON.stringify(action.message)})` : `${action.tool}(${JSON.stringify(action.arguments)})`;
}

function stepView(step: Trajectory['steps'][number]): StepView {
  const raw = step.samples[step.chosen];
  const output = raw ? [raw.text, ...raw.toolCalls.map((call) => `[tool call ${call.name} ${call.argumentsText}]`)].filter((part) => part !== '').join('\n') : '';
  const view: StepView = {
    index: step.index,
    output: clip(output),
    samples: step.samples.length,
    action: clip(describeAction(step.action)),
    feedback: clip(step.feedback),
    fired: step.fired.map((entry) => `${entry.hook}: ${entry.modules.join(', ')}`),
  };
  if (step.rejection !== undefined) view.rejection = clip(step.rejection);
  if (step.blocked !== undefined) view.blocked = clip(step.blocked);
  if (step.result) view.result = { ok: step.result.ok, output: clip(step.result.output) };
  if (step.regulate) view.regulate = JSON.stringify(step.regulate);
  if (step.violation) view.violation = `${step.violation.code} in ${step.violation.module ?? '?'}.${step.violation.hook}: ${step.violation.message}`;
  return view;
}

/** The searchable text fields of a trajectory: episode-level ones, then per step. */
function searchableFields(trajectory: Trajectory): { step?: number; field: string; text: string }[] {
  const fields: { step?: number; field: string; text: string }[] = [{ field: 'instruction', text: trajectory.instruction }];
  for (const step of trajectory.steps) {
    const raw = step.samples[step.chosen];
    if (raw) fields.push({ step: step.index, field: 'output', text: raw.text + raw.toolCalls.map((call) => ` ${call.name} ${call.argumentsText}`).join('') });
    fields.push({ step: step.index, field: 'action', text: describeAction(step.action) });
    if (step.rejection !== undefined) fields.push({ step: step.index, field: 'rejection', text: step.rejection });
    if (step.blocked !== undefined) fields.push({ step: step.index, field: 'blocked', text: step.blocked });
    if (step.result) fields.push({ step: step.index, field: 'result', text: step.result.output });
    if (step.feedback !== '') fields.push({ step: step.index, field: 'feedback', text: step.feedback });
  }
  if (trajectory.finalMessage !== undefined) fields.push({ field: 'final message', text: trajectory.finalMessage });
  for (const check of trajectory.verification.checks) if (!check.passed) fields.push({ field: `check ${check.name}`, text: check.detail ?? check.name });
  return fields;
}

const candidateRecordSchema = z
  .object({
    candidate: z.number(),
    kind: z.string().default('change'),
    group: z.object({ signature: z.string(), title: z.string() }).loose(),
    summary: z.string().default(''),
    stage: z.string(),
    reason: z.string().default(''),
    diagnostics: z.array(z.string()).optional(),
    train: z.object({ head: z.record(z.string(), z.number()), candidate: z.record(z.string(), z.number()) }).optional(),
    verdict: z
      .object({
        accept: z.boolean(),
        reason: z.string(),
        delta: z.number(),
        interval: z.tuple([z.number(), z.number()]),
        backbones: z.array(z.object({ backbone: z.string(), before: z.number(), after: z.number() }).loose()),
        tasks: z.number(),
        trials: z.number(),
      })
      .loose()
      .optional(),
    head: z.string().optional(),
    diff: z.string().optional(),
    remove: z.array(z.string()).optional(),
    experiments: z.array(z.unknown()).optional(),
  })
  .loose();

/** Build the store for one proposal. Throws `STORE_SPLIT_REFUSED` when `train` holds anything but train episodes. */
export function createRunStore(input: RunStoreInput): RunStoreHandle {
  assertTrainOnly(input.train, 'run store');
  const head = [...input.train];
  const experiments = new Map<string, Trajectory[]>();
  const loaded = new Map<string, Trajectory[]>();
  let groupsCache: GroupView[] | undefined;
  let journalCache: JournalEvent[] | undefined;
  const signatureCache = new WeakMap<Trajectory, string[]>();

  const signatures = (trajectory: Trajectory): string[] => {
    let found = signatureCache.get(trajectory);
    if (!found) {
      found = trajectory.success ? [] : signaturesOf(trajectory).map((signature) => signature.signature);
      signatureCache.set(trajectory, found);
    }
    return found;
  };

  const journal = (): JournalEvent[] => {
    journalCache ??= existsSync(join(input.directory, 'journal.jsonl')) ? readJournal(input.directory) : [];
    return journalCache;
  };

  /** Train evaluations recorded in the run folder (labels whose name does not say validation or test). */
  const diskLabels = (): string[] => {
    const directory = join(input.directory, 'evaluations');
    if (!existsSync(directory)) return [];
    return readdirSync(directory)
      .filter((label) => LABEL.test(label) && !SEALED_LABEL.test(label) && existsSync(join(directory, label, TRAJECTORIES_FILE)))
      .sort();
  };

  const source = (name: string | undefined): Trajectory[] => {
    const label = name ?? HEAD_SOURCE;
    if (label === HEAD_SOURCE) return head;
    const experiment = experiments.get(label);
    if (experiment) return experiment;
    if (!LABEL.test(label)) throw new BridleError('STORE_NOT_FOUND', `no trajectory source "${label}": use ${HEAD_SOURCE}, an experiment or a train evaluation (list_trajectories shows the sources)`);
    const sealed = SEALED_LABEL.exec(label);
    if (sealed) refuseSplit(sealed[2]!.toLowerCase(), `trajectory source "${label}"`);
    let trajectories = loaded.get(label);
    if (!trajectories) {
      const path = join(input.directory, 'evaluations', label, TRAJECTORIES_FILE);
      if (!existsSync(path)) throw new BridleError('STORE_NOT_FOUND', `no trajectory source "${label}": the sources are ${[HEAD_SOURCE, ...experiments.keys(), ...diskLabels()].join(', ')}`);
      trajectories = readTrajectoriesFile(path);
      assertTrainOnly(trajectories, `trajectory source "${label}"`);
      loaded.set(label, trajectories);
    }
    return trajectories;
  };

  const parseId = (id: string): { label: string; trajectory: Trajectory } => {
    const match = /^(.+)\/(\d+)$/.exec(id.trim());
    if (!match) throw new BridleError('STORE_NOT_FOUND', `"${id}" is not a trajectory id: ids look like ${HEAD_SOURCE}/12 (list_trajectories gives them)`);
    const label = match[1]!;
    const trajectories = source(label);
    const trajectory = trajectories[Number(match[2])];
    if (!trajectory) throw new BridleError('STORE_NOT_FOUND', `no trajectory ${id}: ${label} has ${trajectories.length} (0 to ${trajectories.length - 1})`);
    return { label, trajectory };
  };

  const filtered = (filter: TrajectoryFilter): { id: string; trajectory: Trajectory }[] => {
    if (filter.split !== undefined && filter.split !== 'train') refuseSplit(filter.split, 'trajectory filter');
    const label = filter.source ?? HEAD_SOURCE;
    return source(label)
      .map((trajectory, index) => ({ id: `${label}/${index}`, trajectory }))
      .filter(({ trajectory }) => filter.backbone === undefined || trajectory.backbone.id === filter.backbone)
      .filter(({ trajectory }) => filter.task === undefined || trajectory.taskId === filter.task)
      .filter(({ trajectory }) => filter.outcome === undefined || trajectory.success === (filter.outcome === 'success'))
      .filter(({ trajectory }) => filter.group === undefined || signatures(trajectory).includes(filter.group));
  };

  const summary = (id: string, trajectory: Trajectory): TrajectorySummary => ({
    id,
    taskId: trajectory.taskId,
    backbone: trajectory.backbone.id,
    simulated: trajectory.backbone.simulated,
    trial: trajectory.trial,
    success: trajectory.success,
    end: trajectory.end.reason,
    steps: trajectory.steps.length,
    signatures: signatures(trajectory),
  });

  const candidateFolders = (): number[] => {
    const directory = join(input.directory, 'candidates');
    if (!existsSync(directory)) return [];
    return readdirSync(directory)
      .filter((name) => /^\d+$/.test(name) && existsSync(join(directory, name, 'candidate.json')))
      .map(Number)
      .sort((a, b) => a - b);
  };

  const candidateDetail = (candidate: number): CandidateDetail => {
    const folder = join(input.directory, 'candidates', candidateLabel(candidate));
    const path = join(folder, 'candidate.json');
    if (!existsSync(path)) throw new BridleError('STORE_NOT_FOUND', `no candidate ${candidate}: the candidates are ${candidateFolders().join(', ') || 'none yet'}`);
    const record = candidateRecordSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    const events = journal();
    const proposed = events.find((event): event is Extract<JournalEvent, { type: 'candidate-proposed' }> => event.type === 'candidate-proposed' && event.candidate === candidate);
    const screened = events.find((event): event is Extract<JournalEvent, { type: 'candidate-screened' }> => event.type === 'candidate-screened' && event.candidate === candidate);
    // Only module sources: the folder also holds changed-pairs.jsonl (validation episodes), never read here.
    const files = readdirSync(folder)
      .filter((name) => name.endsWith('.ts'))
      .sort()
      .map((file) => ({ file, source: readFileSync(join(folder, file), 'utf8') }));
    const detail: CandidateDetail = {
      candidate,
      label: candidateLabel(candidate),
      kind: record.kind,
      group: { signature: record.group.signature, title: record.group.title },
      summary: record.summary,
      stage: record.stage,
      reason: record.reason,
      modules: files.map((file) => file.file),
      remove: record.remove ?? proposed?.remove ?? [],
      experiments: record.experiments?.length ?? 0,
      files,
      diff: record.diff ?? '',
      diagnostics: record.diagnostics ?? [],
    };
    if (proposed) detail.iteration = proposed.iteration;
    const train = record.train ?? (screened ? { head: screened.head, candidate: screened.candidateScores } : undefined);
    if (train) detail.train = train;
    if (record.verdict) {
      const verdict = record.verdict;
      detail.verdict = {
        accept: verdict.accept,
        reason: verdict.reason,
        delta: verdict.delta,
        interval: verdict.interval,
        backbones: verdict.backbones.map((row) => ({ backbone: row.backbone, before: row.before, after: row.after })),
        tasks: verdict.tasks,
        trials: verdict.trials,
      };
    }
    if (record.head !== undefined) detail.head = record.head;
    return detail;
  };

  return {
    environment: () => input.brief,
    harnessApi: () => input.apiTypes,
    modules: () => input.head.files,
    head: () => input.headSha.slice(0, 12),
    groups() {
      groupsCache ??= mineFailures(head).map((group) => ({ ...group, tasks: group.taskIds.length }));
      return groupsCache;
    },
    sources() {
      const rows: { source: string; trajectories?: number }[] = [{ source: HEAD_SOURCE, trajectories: head.length }, ...[...experiments].map(([name, trajectories]) => ({ source: name, trajectories: trajectories.length }))];
      for (const label of diskLabels()) {
        const read = loaded.get(label);
        rows.push(read ? { source: label, trajectories: read.length } : { source: label });
      }
      return rows;
    },
    listTrajectories(filter = {}) {
      const rows = filtered(filter);
      const offset = Math.max(0, filter.offset ?? 0);
      const limit = Math.min(STORE_MAX_ROWS, Math.max(1, filter.limit ?? 50));
      return { total: rows.length, rows: rows.slice(offset, offset + limit).map(({ id, trajectory }) => summary(id, trajectory)) };
    },
    readTrajectory(id, options = {}) {
      const { trajectory } = parseId(id);
      const canonical = id.trim();
      if (options.format === 'compressed') return { ...compressTrajectory(trajectory), id: canonical, format: 'compressed' };
      const last = Math.max(0, trajectory.steps.length - 1);
      const from = Math.min(last, Math.max(0, options.from ?? 0));
      const to = Math.min(last, Math.max(from, options.to ?? last));
      const { signatures: _signatures, steps: stepCount, ...rest } = summary(canonical, trajectory);
      const view: RawTrajectoryView = {
        ...rest,
        format: 'raw',
        stepCount,
        instruction: trajectory.instruction,
        failedChecks: trajectory.verification.checks.filter((check) => !check.passed).map((check) => `${check.name}${check.detail ? `: ${check.detail}` : ''}`),
        differences: trajectory.verification.differences.map((difference) => `${difference.table}/${difference.key}${difference.field ? `/${difference.field}` : ''}`),
        range: [from, to],
        steps: trajectory.steps.slice(from, to + 1).map(stepView),
      };
      if (trajectory.finalMessage !== undefined) view.finalMessage = clip(trajectory.finalMessage);
      return view;
    },
    grep(pattern, options = {}) {
      if (pattern === '' || pattern.length > GREP_PATTERN_CHARS) throw new BridleError('INVALID_ARGUMENT', `a grep pattern has 1 to ${GREP_PATTERN_CHARS} characters`);
      let test: (text: string) => number;
      if (options.regex) {
        let expression: RegExp;
        try {
          expression = new RegExp(pattern, 'i');
        } catch (error) {
          throw new BridleError('INVALID_ARGUMENT', `not a regular expression: ${(error as Error).message}`);
        }
        test = (text) => text.search(expression);
      } else {
        const needle = pattern.toLowerCase();
        test = (text) => text.toLowerCase().indexOf(needle);
      }
      const limit = Math.min(STORE_MAX_ROWS, Math.max(1, options.limit ?? 30));
      const matches: GrepMatch[] = [];
      let truncated = false;
      for (const { id, trajectory } of filtered(options)) {
        for (const field of searchableFields(trajectory)) {
          // Long fields are searched in full but shown around the hit.
          const at = test(field.text);
          if (at < 0) continue;
          if (matches.length >= limit) {
            truncated = true;
            break;
          }
          const start = Math.max(0, at - GREP_EXCERPT);
          const excerpt = `${start > 0 ? '…' : ''}${field.text.slice(start, at + pattern.length + GREP_EXCERPT).replace(/\s+/g, ' ')}${at + pattern.length + GREP_EXCERPT < field.text.length ? '…' : ''}`;
          const match: GrepMatch = { id, taskId: trajectory.taskId, backbone: trajectory.backbone.id, field: field.field, excerpt };
          if (field.step !== undefined) match.step = field.step;
          matches.push(match);
        }
        if (truncated) break;
      }
      return { matches, truncated };
    },
    listCandidates() {
      return candidateFolders().map((candidate) => {
        const { files: _files, diff: _diff, head: _head, diagnostics: _diagnostics, ...rest } = candidateDetail(candidate);
        return rest;
      });
    },
    readCandidate: candidateDetail,
    recordExperiment(label, trajectories) {
      if (!LABEL.test(label) || label === HEAD_SOURCE) throw new BridleError('INTERNAL', `bad experiment label "${label}"`);
      assertTrainOnly(trajectories, `experiment ${label}`);
      experiments.set(label, [...trajectories]);
      return label;
    },
  };
}
