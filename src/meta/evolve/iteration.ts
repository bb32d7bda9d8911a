/**
 * One iteration of the meta-loop: evaluate HEAD on train, mine failures, and try candidates for the
 * largest groups until one is accepted and committed (or the iteration's candidates run out); when
 * nothing is accepted, try removing each module (the harness stays as small as its evidence).
 */
import type { Trajectory } from '../../agent/trajectory.ts';
import type { HarnessSource } from '../../store/harness-files.ts';
import { formatHarnessCommit } from '../../store/git/commit-message.ts';
import { compressTrajectory } from '../compress.ts';
import { mineFailures, trajectoriesOf } from '../mine.ts';
import type { EngineerRequest, FailureGroup, Proposal, RejectedAttempt } from '../types.ts';
import { evaluateHarness, scoresOf, type EvolveContext } from './context.ts';
import { tryCandidate, type CandidateOutcome } from './candidate.ts';
import { candidateLabel } from '../../store/candidates.ts';
import { applyProposal } from '../apply-proposal.ts';
import { harnessContentHash } from '../../../sandboxes/compile.ts';
import type { RunState } from './state.ts';
import { createRunStore } from '../store/run-store.ts';
import { createExperimentSession } from './experiment.ts';

const EXAMPLES_PER_REQUEST = 3;

export interface IterationResult {
  accepted: boolean;
  /** Why the run should stop now (budget), if it should. */
  stop?: string;
}

export async function runIteration(context: EvolveContext, state: RunState, iteration: number, apiTypes: string): Promise<IterationResult> {
  const started = context.now();
  const headSha = await context.workspace.head();
  context.journal.append({ type: 'iteration-start', iteration, head: headSha });
  const head = { ...context.workspace.readHarness(), label: headSha.slice(0, 12) };

  context.progress({ type: 'phase', iteration, phase: 'evaluate-head', detail: `HEAD ${headSha.slice(0, 8)} on train` });
  const evaluateStarted = context.now();
  const train = await evaluateHarness(context, { label: `iteration-${iteration}-head-train`, harness: head, backbones: context.options.train, split: 'train', trials: context.options.trainTrials, iteration, phase: 'evaluate-head' });
  context.journal.append({ type: 'head-evaluated', iteration, split: 'train', scores: scoresOf(train), ms: context.now() - evaluateStarted });

  context.progress({ type: 'phase', iteration, phase: 'mine', detail: 'grouping failed train episodes' });
  const groups = mineFailures(train);
  context.journal.append({ type: 'groups-mined', iteration, groups: groups.slice(0, 20).map((group) => ({ signature: group.signature, tasks: group.taskIds.length })) });

  let tried = 0;
  const judged = new Map<string, { candidate: number; stage: Exclude<CandidateOutcome, { accepted: true }>['stage']; reason: string }>();
  for (const group of groups) {
    if (tried >= context.options.candidatesPerIteration) break;
    // Attempts judged against an earlier HEAD are shown as stale and do not count against the group.
    const rejected = (state.rejected.get(group.signature) ?? []).map((attempt) => ({ ...attempt, stale: attempt.head !== headSha }));
    if (rejected.filter((attempt) => !attempt.stale).length >= context.options.attemptsPerGroup) continue;
    const stop = budgetStop(context, state);
    if (stop) return finish(false, stop);

    context.progress({ type: 'phase', iteration, phase: 'propose', detail: `${group.signature} (${group.taskIds.length} tasks)` });
    // The number this proposal gets; experiments are journaled under it while the engineer works.
    const tentative = state.lastCandidate + 1;
    const store = createRunStore({ directory: context.directory, brief: context.brief, apiTypes, head, headSha, train });
    const session = createExperimentSession(context, { iteration, candidate: tentative, head, headTrain: train, group, store, maxExperiments: context.options.engineerExperiments });
    const request: EngineerRequest = { ...buildRequest(context, head, group, train, rejected, apiTypes), workbench: session.workbench };
    const proposeStarted = context.now();
    context.engineerFailures.length = 0;
    const proposal = await context.engineer.propose(request);
    if (!proposal) {
      const failure = context.engineerFailures.at(-1);
      const used = session.records().length;
      // An attempt that ran experiments keeps its number: the journal already holds them under it.
      if (used > 0) state.lastCandidate = tentative;
      if (failure) {
        state.engineerTokens += failure.usage.inputTokens + failure.usage.outputTokens;
        state.engineerCostUsd += failure.usage.costUsd ?? 0;
      }
      context.journal.append({
        type: 'no-proposal',
        iteration,
        group: group.signature,
        ...(used > 0 ? { candidate: tentative } : {}),
        ...(failure ? { reason: failure.reason, usage: failure.usage } : {}),
      });
      continue;
    }
    const candidate = ++state.lastCandidate;
    state.engineerTokens += proposal.usage.inputTokens + proposal.usage.outputTokens;
    state.engineerCostUsd += proposal.usage.costUsd ?? 0;
    // The same harness proposed for another group has already been judged at this HEAD.
    const contentHash = harnessContentHash(applyProposal(head, proposal, 'candidate').files);
    const previous = judged.get(contentHash);
    const outcome: CandidateOutcome = previous
      ? rejectDuplicate(context, { iteration, candidate, group, proposal, previous })
      : await tryCandidate(context, { iteration, candidate, kind: 'change', head, headTrain: train, group, proposal, proposeMs: context.now() - proposeStarted, request, experiments: session.records });
    if (!previous) tried += 1; // a duplicate costs no evaluation, so it takes no slot
    if (!outcome.accepted && !previous) judged.set(contentHash, { candidate, stage: outcome.stage, reason: outcome.reason });
    if (outcome.accepted) {
      await commitCandidate(context, state, iteration, candidate, group, outcome);
      return finish(true);
    }
    const attempts = state.rejected.get(group.signature) ?? [];
    attempts.push({ attempt: attempts.length + 1, files: proposal.files, reason: `${outcome.stage}: ${outcome.reason}`, head: headSha, ...(outcome.diagnostics ? { diagnostics: outcome.diagnostics } : {}) });
    state.rejected.set(group.signature, attempts);
  }

  if (context.options.pruning && head.files.length > 0) {
    for (const file of [...head.manifest.modules].reverse()) {
      const stop = budgetStop(context, state);
      if (stop) return finish(false, stop);
      context.progress({ type: 'phase', iteration, phase: 'prune', detail: `without ${file}` });
      const group: FailureGroup = { signature: `prune:${file}`, kind: 'state', title: `${file} may not be needed`, taskIds: [], episodes: 0, evidence: [] };
      const proposal: Proposal = { files: [], remove: [file], summary: `remove ${file}: held-out success does not fall without it`, usage: { inputTokens: 0, outputTokens: 0, calls: 0 } };
      const candidate = ++state.lastCandidate;
      const outcome = await tryCandidate(context, { iteration, candidate, kind: 'removal', head, headTrain: train, group, proposal, proposeMs: 0 });
      if (outcome.accepted) {
        await commitCandidate(context, state, iteration, candidate, group, outcome);
        return finish(true);
      }
    }
  }
  return finish(false);

  function finish(accepted: boolean, stop?: string): IterationResult {
    context.journal.append({ type: 'iteration-end', iteration, accepted, ms: context.now() - started });
    return { accepted, ...(stop ? { stop } : {}) };
  }
}

/** Journal a proposal whose harness is identical to one already judged at this HEAD, with that verdict. */
function rejectDuplicate(
  context: EvolveContext,
  input: { iteration: number; candidate: number; group: FailureGroup; proposal: Proposal; previous: { candidate: number; stage: Exclude<CandidateOutcome, { accepted: true }>['stage']; reason: string } },
): CandidateOutcome {
  const { iteration, candidate, group, proposal, previous } = input;
  const reason = `same harness as candidate ${candidateLabel(previous.candidate)}: ${previous.reason}`;
  context.journal.append({
    type: 'candidate-proposed',
    iteration,
    candidate,
    kind: 'change',
    group: { signature: group.signature, title: group.title },
    summary: proposal.summary,
    files: proposal.files,
    remove: proposal.remove,
    order: proposal.order ?? [],
    usage: proposal.usage,
    ms: 0,
  });
  context.journal.append({ type: 'candidate-rejected', iteration, candidate, stage: previous.stage, reason, ms: 0 });
  context.progress({ type: 'candidate-result', iteration, candidate, accepted: false, stage: previous.stage, reason });
  return { accepted: false, stage: previous.stage, reason };
}

function buildRequest(context: EvolveContext, head: HarnessSource, group: FailureGroup, train: readonly Trajectory[], rejected: readonly RejectedAttempt[], apiTypes: string): EngineerRequest {
  const failures = trajectoriesOf(group, train);
  // Prefer examples from different tasks.
  const examples: Trajectory[] = [];
  for (const trajectory of failures) {
    if (examples.length >= EXAMPLES_PER_REQUEST) break;
    if (!examples.some((example) => example.taskId === trajectory.taskId)) examples.push(trajectory);
  }
  return {
    environment: context.brief,
    apiTypes,
    modules: head.files,
    group,
    examples: examples.map((trajectory) => compressTrajectory(trajectory)),
    rejected,
    train,
  };
}

export function budgetStop(context: EvolveContext, state: RunState): string | undefined {
  const { maxEngineerTokens, maxCostUsd, maxMinutes } = context.options;
  if (maxEngineerTokens !== undefined && state.engineerTokens >= maxEngineerTokens) return `engineer token budget spent (${state.engineerTokens} >= ${maxEngineerTokens})`;
  if (maxCostUsd !== undefined && state.engineerCostUsd >= maxCostUsd) return `engineer cost budget spent ($${state.engineerCostUsd.toFixed(2)} >= $${maxCostUsd})`;
  if (maxMinutes !== undefined && (context.now() - context.startedAt) / 60_000 >= maxMinutes) return `wall-time budget spent (${maxMinutes} min)`;
  return undefined;
}

/** Commit an accepted candidate on the run branch; journaled before and after so a kill in between is recoverable. */
export async function commitCandidate(
  context: EvolveContext,
  state: RunState,
  iteration: number,
  candidate: number,
  group: { signature: string; title: string },
  outcome: Extract<CandidateOutcome, { accepted: true }> | { harness: HarnessSource; proposal: Pick<Proposal, 'summary' | 'files' | 'remove' | 'usage'>; verdict: import('../gate.ts').GateVerdict },
): Promise<string> {
  context.progress({ type: 'phase', iteration, phase: 'commit', candidate, detail: group.signature });
  const changed = [...new Set([...outcome.proposal.files.map((file) => file.file), ...outcome.proposal.remove])].sort();
  const pruning = outcome.proposal.remove.length > 0 && outcome.proposal.files.length === 0 && group.signature.startsWith('prune:');
  // Model-backed engineers say what the change cost; the heuristic engineer and pruning spend nothing.
  const spends = !pruning && context.engineer.kind !== undefined && context.engineer.kind !== 'heuristic';
  const usage = outcome.proposal.usage;
  const message = formatHarnessCommit({
    environment: context.options.env,
    module: changed[0] ?? 'harness.json',
    group: { signature: group.signature, title: group.title },
    summary: outcome.proposal.summary,
    engineer: outcome.proposal.remove.length > 0 && outcome.proposal.files.length === 0 ? 'pruning' : context.engineer.id,
    ...(!spends
      ? {}
      : {
          engineerSpend: {
            kind: context.engineer.kind,
            ...(context.engineer.model ? { model: context.engineer.model } : {}),
            inputTokens: usage.inputTokens,
            outputTokens: usage.outputTokens,
            ...(usage.costUsd === undefined ? {} : { costUsd: usage.costUsd }),
            calls: usage.calls,
            toolCalls: usage.toolCalls ?? 0,
            experiments: usage.experiments ?? 0,
          },
        }),
    runId: context.runId,
    candidate,
    heldout: outcome.verdict.backbones.map((backbone) => ({ ...backbone, low: backbone.low * 100, high: backbone.high * 100 })),
    delta: outcome.verdict.delta * 100,
    interval: [outcome.verdict.interval[0] * 100, outcome.verdict.interval[1] * 100],
    validation: { tasks: outcome.verdict.tasks, trials: outcome.verdict.trials },
    modules: changed,
    // Verdicts journaled before the cost check existed have no cost: their commit has no cost line.
    ...(outcome.verdict.cost ? { cost: { before: outcome.verdict.cost.before, after: outcome.verdict.cost.after, limit: outcome.verdict.cost.limit, estimated: outcome.verdict.cost.estimated } } : {}),
  });
  context.journal.append({ type: 'commit-start', iteration, candidate, message });
  const manifest = {
    ...outcome.harness.manifest,
    provenance: { engineer: context.engineer.id, trainBackbones: context.options.train, heldoutBackbones: context.options.heldout },
    scores: Object.fromEntries(outcome.verdict.backbones.map((backbone) => [backbone.backbone, Math.round(backbone.after * 10_000) / 10_000])),
    measured: { split: 'validation' as const, trials: context.options.trials, seed: context.options.seed, backbones: context.options.heldout },
  };
  const sha = await context.workspace.commitHarness({
    files: outcome.harness.files,
    manifest,
    message,
    // Deterministic: the same run redone gives the same commit dates.
    date: new Date(context.baseDate.getTime() + candidate * 1000),
  });
  context.journal.append({ type: 'commit-done', iteration, candidate, sha });
  state.commits.push({ iteration, candidate, sha });
  context.progress({ type: 'commit', iteration, candidate, sha, subject: message.split('\n')[0]! });
  return sha;
}
