/**
 * `try_candidate`: an engineer's experiment on a draft. The real checker, the oracle replay on the train
 * tasks and the train screen, the same stages (and the same evaluation cache) a submitted proposal goes
 * through; never the validation or test split. Each call counts against the proposal's experiment budget,
 * is journaled, and is kept for the candidate's record.
 */
import type { Trajectory } from '../../agent/trajectory.ts';
import type { HarnessSource } from '../../store/harness-files.ts';
import { candidateLabel } from '../../store/candidates.ts';
import { applyProposal, changedFiles, moduleNames } from '../apply-proposal.ts';
import { analyzeReplay } from '../replay.ts';
import type { RunStoreHandle } from '../store/run-store.ts';
import type { EngineerWorkbench, ExperimentDraft, ExperimentReport, FailureGroup } from '../types.ts';
import { evaluateHarness, meanSuccess, scoresOf, type EvolveContext } from './context.ts';
import { oracleReplay } from './candidate.ts';

/** What a candidate's record keeps of one experiment. */
export interface ExperimentRecord {
  experiment: number;
  files: string[];
  remove: string[];
  stage: ExperimentReport['stage'];
  ok: boolean;
  message: string;
  train?: { head: Record<string, number>; draft: Record<string, number> };
  diagnostics: number;
  ms: number;
}

/** A proposal's experiment tool: the workbench handed to the engineer, and the records of its calls. */
export interface ExperimentSession {
  workbench: EngineerWorkbench;
  records(): ExperimentRecord[];
}

const REPORTED_DIAGNOSTICS = 30;

export function createExperimentSession(
  context: EvolveContext,
  input: { iteration: number; candidate: number; head: HarnessSource; headTrain: readonly Trajectory[]; group: FailureGroup; store: RunStoreHandle; maxExperiments: number },
): ExperimentSession {
  const records: ExperimentRecord[] = [];
  const { iteration, candidate, head, group, store, maxExperiments } = input;

  const tryCandidate = async (draft: ExperimentDraft): Promise<ExperimentReport> => {
    const experiment = records.length + 1;
    const started = context.now();
    const remaining = () => Math.max(0, maxExperiments - records.length);
    if (records.length >= maxExperiments) {
      return { experiment: records.length, stage: 'refused', ok: false, message: `no experiments left: this proposal may run ${maxExperiments}; submit your best draft`, diagnostics: [], remaining: 0 };
    }
    const finish = (report: Omit<ExperimentReport, 'experiment' | 'remaining'>, files: string[]): ExperimentReport => {
      const record: ExperimentRecord = {
        experiment,
        files,
        remove: draft.remove ?? [],
        stage: report.stage,
        ok: report.ok,
        message: report.message,
        diagnostics: report.diagnostics.length,
        ms: context.now() - started,
      };
      if (report.train) record.train = { head: report.train.head, draft: report.train.draft };
      records.push(record);
      context.journal.append({ type: 'engineer-experiment', iteration, candidate, ...record });
      return { ...report, diagnostics: report.diagnostics.slice(0, REPORTED_DIAGNOSTICS), experiment, remaining: remaining() };
    };

    const label = `${candidateLabel(candidate)}-experiment-${experiment}`;
    context.progress({ type: 'phase', iteration, phase: 'experiment', candidate, detail: `experiment ${experiment} of ${maxExperiments}` });
    let harness: HarnessSource;
    try {
      harness = applyProposal(head, { files: draft.files, remove: draft.remove ?? [], ...(draft.order ? { order: draft.order } : {}) }, label);
    } catch (error) {
      return finish({ stage: 'check', ok: false, message: 'the draft is not a harness', diagnostics: [(error as Error).message] }, draft.files.map((file) => file.file));
    }
    const files = changedFiles(head, harness);
    if (files.length === 0) return finish({ stage: 'check', ok: false, message: 'the draft changes nothing', diagnostics: [] }, files);

    const checked = context.checker.check(harness.files);
    if (!checked.ok) return finish({ stage: 'check', ok: false, message: `${checked.stage} check failed`, diagnostics: checked.diagnostics }, files);

    const replay = analyzeReplay(await oracleReplay(context, { label: `${label}-replay`, harness, iteration, phase: 'experiment' }));
    if (!replay.ok) {
      return finish({ stage: 'replay', ok: false, message: `blocks or alters correct actions (${replay.findings.length} findings)`, diagnostics: replay.findings.map((finding) => `${finding.taskId}: ${finding.problem}`) }, files);
    }

    const screen = await evaluateHarness(context, { label: `${label}-train`, harness, backbones: context.options.train, split: 'train', trials: context.options.trainTrials, iteration, phase: 'experiment', record: false });
    const source = store.recordExperiment(`experiment-${experiment}`, screen);
    const headMean = meanSuccess(input.headTrain);
    const draftMean = meanSuccess(screen);
    const names = new Set(moduleNames(harness.files.filter((file) => files.includes(file.file))));
    const groupTasks = new Set(group.taskIds);
    const firedOn = new Set(
      screen
        .filter((trajectory) => groupTasks.has(trajectory.taskId) && trajectory.steps.some((step) => step.fired.some((entry) => entry.modules.some((module) => names.has(module)))))
        .map((trajectory) => trajectory.taskId),
    ).size;
    const beats = draftMean > headMean;
    const message = `train success ${(headMean * 100).toFixed(1)}% (HEAD) → ${(draftMean * 100).toFixed(1)}% (draft)${beats ? '' : ': does not beat HEAD'}; fired on ${firedOn} of ${groupTasks.size} tasks of the group`;
    return finish(
      {
        stage: beats ? 'done' : 'screen',
        ok: beats,
        message,
        diagnostics: [],
        train: { head: scoresOf(input.headTrain), draft: scoresOf(screen), headMean, draftMean },
        activation: { groupTasks: groupTasks.size, firedOn },
        trajectories: source,
      },
      files,
    );
  };

  return {
    workbench: { store, tryCandidate, maxExperiments, experiments: () => records.length },
    records: () => [...records],
  };
}
