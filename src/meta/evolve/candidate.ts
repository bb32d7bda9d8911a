/**
 * One candidate through the stages of DESIGN.md §5: check (with repair turns) → false-positive replay →
 * screen on train → activation → held-out gate. Every outcome is journaled and kept under
 * `candidates/NNN/` with its files, diagnostics, scores and reason.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Trajectory } from '../../agent/trajectory.ts';
import type { HarnessSource } from '../../store/harness-files.ts';
import { ORACLE_BACKBONE_ID } from '../../models/ids.ts';
import { writeFileAtomic } from '../../store/runs.ts';
import { candidateDirectory, candidateLabel, writeChangedPairs } from '../../store/candidates.ts';
import { applyProposal, changedFiles, moduleNames } from '../apply-proposal.ts';
import { judge, pairEpisodes, type GateVerdict } from '../gate.ts';
import { analyzeReplay } from '../replay.ts';
import type { EngineerRequest, FailureGroup, Proposal } from '../types.ts';
import { evaluateHarness, meanSuccess, scoresOf, type EvolveContext } from './context.ts';
import type { EvolvePhase } from './options.ts';
import type { ExperimentRecord } from './experiment.ts';
import { diffHarness } from '../store/diff.ts';

export type CandidateOutcome =
  | { accepted: true; harness: HarnessSource; proposal: Proposal; verdict: GateVerdict; validation: { head: Trajectory[]; candidate: Trajectory[] } }
  | { accepted: false; stage: 'check' | 'replay' | 'screen' | 'activation' | 'gate'; reason: string; diagnostics?: string[] };

/** The engineer's conversation for a candidate (agents): every request it read and every call it made. */
export const ENGINEER_TRANSCRIPT_FILE = 'engineer-transcript.json';

function saveCandidate(context: EvolveContext, candidate: number, record: Record<string, unknown>, proposal: Pick<Proposal, 'files' | 'transcript'>): void {
  const directory = candidateDirectory(context.directory, candidate);
  mkdirSync(directory, { recursive: true });
  for (const file of proposal.files) writeFileSync(join(directory, file.file), file.source);
  if (proposal.transcript) writeFileAtomic(join(directory, ENGINEER_TRANSCRIPT_FILE), `${JSON.stringify(proposal.transcript, null, 1)}\n`);
  writeFileAtomic(join(directory, 'candidate.json'), `${JSON.stringify(record, null, 2)}\n`);
}

export interface CandidateInput {
  iteration: number;
  candidate: number;
  kind: 'change' | 'removal';
  head: HarnessSource;
  headTrain: readonly Trajectory[];
  group: FailureGroup;
  proposal: Proposal;
  /** Time the engineer took to propose, in ms. */
  proposeMs: number;
  request?: EngineerRequest;
  /** The engineer's try_candidate calls for this proposal (its repair turns included), kept on its record. */
  experiments?: () => readonly ExperimentRecord[];
}

export async function tryCandidate(context: EvolveContext, input: CandidateInput): Promise<CandidateOutcome> {
  const { iteration, candidate } = input;
  const started = context.now();
  let proposal = input.proposal;
  const phase = (name: 'check' | 'replay' | 'screen' | 'validate', detail: string) => context.progress({ type: 'phase', iteration, phase: name, candidate, detail });
  /** What every record holds besides its verdict: the HEAD it was judged against, the diff, the spend and the experiments. */
  const provenance = (): Record<string, unknown> => ({
    head: input.head.label,
    remove: proposal.remove,
    diff: diffHarness(input.head.files, applyProposal(input.head, proposal, 'diff').files),
    usage: proposal.usage,
    experiments: input.experiments?.() ?? [],
  });
  const reject = (stage: Exclude<CandidateOutcome, { accepted: true }>['stage'], reason: string, diagnostics?: string[], extra: Record<string, unknown> = {}): CandidateOutcome => {
    context.journal.append({ type: 'candidate-rejected', iteration, candidate, stage, reason, ...(diagnostics ? { diagnostics } : {}), ms: context.now() - started });
    saveCandidate(context, candidate, { candidate, kind: input.kind, group: input.group, summary: proposal.summary, stage, reason, diagnostics, ...extra, ...provenance() }, proposal);
    context.progress({ type: 'candidate-result', iteration, candidate, accepted: false, stage, reason });
    return { accepted: false, stage, reason, ...(diagnostics ? { diagnostics } : {}) };
  };

  // 1. Check, with repair turns fed by the diagnostics.
  phase('check', proposal.summary);
  let harness = applyProposal(input.head, proposal, `candidate ${candidateLabel(candidate)}`);
  let checked = context.checker.check(harness.files);
  for (let turn = 0; !checked.ok && turn < context.options.maxRepairs && input.request; turn++) {
    const repaired = await context.engineer.repair(input.request, proposal, checked.diagnostics);
    if (!repaired) break;
    proposal = { ...repaired, usage: addUsage(proposal.usage, repaired.usage) };
    harness = applyProposal(input.head, proposal, `candidate ${candidateLabel(candidate)}`);
    checked = context.checker.check(harness.files);
  }
  // Journaled after the repair turns, so the record holds the files that were actually evaluated.
  context.journal.append({
    type: 'candidate-proposed',
    iteration,
    candidate,
    kind: input.kind,
    group: { signature: input.group.signature, title: input.group.title },
    summary: proposal.summary,
    files: proposal.files,
    remove: proposal.remove,
    order: harness.manifest.modules,
    usage: proposal.usage,
    ms: input.proposeMs,
  });
  if (!checked.ok) return reject('check', `${checked.stage} check failed`, checked.diagnostics);

  // 2. The oracle's correct actions must pass through the candidate untouched.
  const changed = changedFiles(input.head, harness);
  if (input.kind === 'change') {
    phase('replay', 'replaying correct train episodes');
    const replay = analyzeReplay(await oracleReplay(context, { label: `${candidateLabel(candidate)}-replay`, harness, iteration, phase: 'replay' }));
    if (!replay.ok) {
      return reject('replay', `blocks or alters correct actions (${replay.findings.length} findings)`, replay.findings.slice(0, 8).map((finding) => `${finding.taskId}: ${finding.problem}`));
    }
  }

  // 3. Screen on train with the train backbones: it must beat HEAD there.
  let screen: Trajectory[] = [];
  if (input.kind === 'change') {
    phase('screen', 'train tasks, train backbones');
    screen = await evaluateHarness(context, { label: `${candidateLabel(candidate)}-train`, harness, backbones: context.options.train, split: 'train', trials: context.options.trainTrials, iteration, phase: 'screen', record: false });
    const headScores = scoresOf(input.headTrain);
    const candidateScores = scoresOf(screen);
    context.journal.append({ type: 'candidate-screened', iteration, candidate, head: headScores, candidateScores, ms: context.now() - started });
    const before = meanSuccess(input.headTrain);
    const after = meanSuccess(screen);
    if (after <= before) {
      return reject('screen', `does not beat HEAD on train: ${(before * 100).toFixed(1)}% → ${(after * 100).toFixed(1)}%`, undefined, { train: { head: headScores, candidate: candidateScores } });
    }

    // 4. Activation: the new code must fire on the tasks of the group it claims to fix.
    const names = new Set(moduleNames(harness.files.filter((file) => changed.includes(file.file))));
    const groupTasks = new Set(input.group.taskIds);
    const fired = screen.some((trajectory) => groupTasks.has(trajectory.taskId) && trajectory.steps.some((step) => step.fired.some((entry) => entry.modules.some((module) => names.has(module)))));
    if (!fired) return reject('activation', `the changed modules never fired on the ${groupTasks.size} tasks of group ${input.group.signature}`);
  }

  // 5. The gate: held-out tasks × held-out backbones × trials, paired with HEAD.
  phase('validate', 'validation tasks, held-out backbones');
  const head = await evaluateHarness(context, { label: `head-${input.head.label}-validation`, harness: input.head, backbones: context.options.heldout, split: 'validation', trials: context.options.trials, iteration, phase: 'validate', record: false });
  const after = await evaluateHarness(context, { label: `${candidateLabel(candidate)}-validation`, harness, backbones: context.options.heldout, split: 'validation', trials: context.options.trials, iteration, phase: 'validate', record: false });
  const verdict = judge(head, after, { tolerance: context.options.tolerancePoints / 100, maxCostIncrease: context.options.maxCostIncrease });
  if (input.kind === 'removal') {
    // A removal needs no gain: it is accepted when the module's absence costs nothing beyond the tolerance.
    const worst = Math.min(...verdict.backbones.map((backbone) => backbone.after - backbone.before));
    const keep = verdict.delta < 0 || worst < -context.options.tolerancePoints / 100;
    if (keep) return reject('gate', `removing it costs held-out success (${(verdict.delta * 100).toFixed(1)} points)`, undefined, { verdict });
    return accept({ ...verdict, accept: true, reason: `no held-out loss without it: ${verdict.reason}` });
  }
  if (!verdict.accept) return reject('gate', verdict.reason, undefined, { verdict });
  return accept(verdict);

  function accept(finalVerdict: GateVerdict): CandidateOutcome {
    context.journal.append({ type: 'candidate-accepted', iteration, candidate, verdict: finalVerdict, ms: context.now() - started });
    saveCandidate(context, candidate, { candidate, kind: input.kind, group: input.group, summary: proposal.summary, stage: 'accepted', reason: finalVerdict.reason, verdict: finalVerdict, ...provenance() }, proposal);
    context.progress({ type: 'candidate-result', iteration, candidate, accepted: true, stage: 'gate', reason: finalVerdict.reason });
    writeChangedPairs(context.directory, candidate, pairEpisodes(head, after));
    return { accepted: true, harness, proposal, verdict: finalVerdict, validation: { head, candidate: after } };
  }
}

/** The oracle's correct actions on every train task, through a harness (the false-positive replay; train only). */
export function oracleReplay(context: EvolveContext, input: { label: string; harness: HarnessSource; iteration: number; phase: EvolvePhase }): Promise<Trajectory[]> {
  return evaluateHarness(context, { label: input.label, harness: input.harness, backbones: [ORACLE_BACKBONE_ID], split: 'train', trials: 1, iteration: input.iteration, phase: input.phase, record: false });
}

function addUsage(a: Proposal['usage'], b: Proposal['usage']): Proposal['usage'] {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    calls: a.calls + b.calls,
    ...(a.costUsd !== undefined || b.costUsd !== undefined ? { costUsd: (a.costUsd ?? 0) + (b.costUsd ?? 0) } : {}),
  };
}
