/**
 * `evolve(options)`: the meta-loop (DESIGN.md §5). Runs on branch `bridle/<env>/<run-id>` in a worktree
 * under `.bridle/worktrees/`, journals every phase, resumes after a crash, and ends with the sealed test
 * split: the empty harness against the final one, per backbone.
 */
import { resolve } from 'node:path';
import { agentTools } from '../../agent/finish-tool.ts';
import { createPoolExecutor } from '../../agent/executor.ts';
import { BridleError } from '../../errors.ts';
import { resolveBackbone } from '../../models/registry.ts';
import { createRunScheduler } from '../../models/scheduling.ts';
import { emptyHarness } from '../../store/harness-files.ts';
import { createRunId, runDirectory, writeFileAtomic } from '../../store/runs.ts';
import { acquireRunLock } from '../../store/run-lock.ts';
import { openRunWorkspace } from '../../store/git/run-workspace.ts';
import { findCommitForCandidate } from '../../store/git/history.ts';
import { openRepository } from '../../store/git/repository.ts';
import { zodMessage } from '../../api/validation.ts';
import { loadConfig } from '../../config/index.ts';
import type { BridleConfig } from '../../config/schema.ts';
import { assertOracleFor, openEnvironment } from '../../environment/load.ts';
import { assertConversational } from '../../agent/user-simulator.ts';
import { createHarnessChecker, harnessApiSource } from '../check/index.ts';
import { buildLeakCorpus } from '../check/leak-scan.ts';
import { createEngineer } from '../engineers/index.ts';
import { openJournal, parseFaultInjection, readJournal } from '../journal.ts';
import { DEFAULT_MAX_COST_INCREASE, type GateVerdict } from '../gate.ts';
import { evaluateHarness, scoresOf, type EvolveContext } from './context.ts';
import { commitCandidate, runIteration, budgetStop } from './iteration.ts';
import {
  DEFAULT_ENGINEER_EXPERIMENTS,
  DEFAULT_ENGINEER_TURNS,
  DEFAULT_PROPOSAL_MAX_TOKENS,
  evolveOptionsSchema,
  resolveOptions,
  type EvolveInput,
  type EvolveProgress,
  type ResolvedEvolveOptions,
} from './options.ts';
import type { EngineerFailure } from '../engineers/llm/index.ts';
import { replayJournal, type RunState } from './state.ts';
import { join } from 'node:path';

export type { EvolveInput, EvolveProgress, ResolvedEvolveOptions } from './options.ts';

/** One backbone's sealed-test success before (empty harness) and after (final harness). */
export interface TestComparison {
  backbone: string;
  simulated: boolean;
  heldout: boolean;
  before: number;
  after: number;
}

export interface EvolveResult {
  runId: string;
  branch: string;
  directory: string;
  commits: { sha: string; subject: string; iteration: number; candidate: number }[];
  /** Why the loop stopped. */
  stopReason: string;
  /** Test split, empty harness → final harness, per backbone (train and held-out). */
  test: TestComparison[];
  iterations: number;
  engineer: { id: string; kind?: string; tokens: number; costUsd: number };
  /** Wall time of the whole run, in minutes. */
  minutes: number;
  /** Wall time per phase, in ms (display only: never used to decide anything). */
  phaseMs: Record<string, number>;
}

export async function evolve(input: EvolveInput): Promise<EvolveResult> {
  const parsed = evolveOptionsSchema.safeParse(input);
  if (!parsed.success) throw new BridleError('INVALID_ARGUMENT', `evolve: ${zodMessage(parsed.error)}`);
  const root = resolve(input.root ?? process.cwd());
  const repository = await openRepository(root);

  // A resumed run takes its options from its journal; a new run records them first.
  let options: ResolvedEvolveOptions;
  let runId = input.resume;
  const config = await loadConfig(root);
  if (runId) {
    const events = readJournal(runDirectory(root, runId));
    const start = events.find((event) => event.type === 'run-start');
    if (!start || start.type !== 'run-start') throw new BridleError('UNKNOWN_RUN', `no evolve run "${runId}" to resume under ${join(root, '.bridle', 'runs')}`);
    // Runs journaled before the agent engineer or the cost limit existed resume with the defaults they ran with.
    const journaled = start.options as Partial<ResolvedEvolveOptions>;
    options = {
      ...(journaled as ResolvedEvolveOptions),
      engineerMode: journaled.engineerMode ?? 'single',
      engineerTurns: journaled.engineerTurns ?? DEFAULT_ENGINEER_TURNS,
      engineerExperiments: journaled.engineerExperiments ?? DEFAULT_ENGINEER_EXPERIMENTS,
      proposalMaxTokens: journaled.proposalMaxTokens ?? DEFAULT_PROPOSAL_MAX_TOKENS,
      maxCostIncrease: journaled.maxCostIncrease ?? DEFAULT_MAX_COST_INCREASE,
    };
  } else {
    options = resolveOptions(input, config);
  }
  const { environment, ref: environmentRef } = await openEnvironment(options.envModule ?? options.env, { root, config, ...(options.data === undefined ? {} : { data: options.data }) });
  if (!runId) {
    // The journal records the environment's name (branches, harness folders and commits use it), and the
    // module path when the environment came from a path rather than a name.
    const fromPath = environmentRef.module !== undefined && config.environments[options.env] === undefined;
    options = { ...options, env: environment.name, ...(fromPath ? { envModule: environmentRef.module } : {}) };
    runId = createRunId(root, 'evolve', options.env, new Date());
  }
  // One process per run: a second evolve or --resume of it stops here, before writing anything.
  const lock = acquireRunLock(root, runId, input.resume ? 'resume it' : 'start it');
  try {
    return await evolveLocked(input, options, { root, runId, config, repository, environment, environmentRef });
  } finally {
    lock.release();
  }
}

async function evolveLocked(
  input: EvolveInput,
  options: ResolvedEvolveOptions,
  opened: {
    root: string;
    runId: string;
    config: BridleConfig;
    repository: Awaited<ReturnType<typeof openRepository>>;
    environment: Awaited<ReturnType<typeof openEnvironment>>['environment'];
    environmentRef: Awaited<ReturnType<typeof openEnvironment>>['ref'];
  },
): Promise<EvolveResult> {
  const { root, runId, config, repository, environment, environmentRef } = opened;
  const overlap = options.train.filter((id) => options.heldout.includes(id));
  if (overlap.length > 0) throw new BridleError('INVALID_ARGUMENT', `held-out backbones must not be train backbones: ${overlap.join(', ')}`);
  const backbones = await Promise.all([...options.train, ...options.heldout].map((id) => resolveBackbone(id, { configRoot: root })));
  assertOracleFor(environment, backbones);
  if (options.user !== undefined) await assertConversational(environment, options.user, { configRoot: root });
  // One scheduler for the run's model calls: screen, gate and test episodes in every worker, and the engineer.
  const scheduler = createRunScheduler(config);
  const engineerFailures: EngineerFailure[] = [];
  const engineer = await createEngineer(options.engineer, {
    root,
    gate: scheduler,
    mode: options.engineerMode,
    proposal: { maxTurns: options.engineerTurns, maxTokens: options.proposalMaxTokens, ...(options.proposalMaxCostUsd === undefined ? {} : { maxCostUsd: options.proposalMaxCostUsd }) },
    ...(options.maxEngineerTokens === undefined ? {} : { runTokenBudget: options.maxEngineerTokens }),
    onFailure: (failure) => engineerFailures.push(failure),
  });

  const directory = runDirectory(root, runId);
  const workspace = await openRunWorkspace({ root, environment: options.env, runId, ...(input.base ? { base: input.base } : {}) });
  await workspace.discardChanges();
  const fault = parseFaultInjection(process.env.BRIDLE_FAULT_INJECTION);
  const journal = openJournal(directory, fault ? { fault } : {});
  if (!input.resume) journal.append({ type: 'run-start', options: options as unknown as Record<string, unknown>, branch: workspace.branch, base: workspace.base });

  const phaseMs: Record<string, number> = {};
  const phases = trackPhases(input.onProgress ?? (() => {}), phaseMs);
  const executor = createPoolExecutor({ scheduler, ...(options.workers === undefined ? {} : { size: options.workers }) });
  const context: EvolveContext = {
    options,
    root,
    runId,
    directory,
    environment,
    environmentRef,
    brief: { name: environment.name, description: environment.description, rules: environment.rules, tools: agentTools(environment) },
    journal,
    workspace,
    executor,
    checker: createHarnessChecker({ corpus: buildLeakCorpus(environment) }),
    engineer,
    now: () => performance.now(),
    startedAt: performance.now(),
    progress: phases.progress,
    baseDate: await repository.commitDate(workspace.base),
    cache: new Map(),
    engineerFailures,
    apiTypes: harnessApiSource(),
  };

  try {
    const state = replayJournal(journal.events());
    if (input.resume) {
      journal.append({ type: 'run-resume', iteration: state.interrupted ?? state.iterations + 1 });
      await finishInterruptedCommit(context, state);
    }
    const apiTypes = context.apiTypes;
    let stopReason = `iteration budget spent (${options.iterations})`;
    for (let iteration = state.iterations + 1; iteration <= options.iterations; iteration++) {
      const budget = budgetStop(context, state);
      if (budget) {
        stopReason = budget;
        break;
      }
      if (state.sinceAccepted >= options.patience) {
        stopReason = `no accepted commit in ${options.patience} iterations (patience)`;
        break;
      }
      const result = await runIteration(context, state, iteration, apiTypes);
      state.iterations = iteration;
      state.sinceAccepted = result.accepted ? 0 : state.sinceAccepted + 1;
      if (result.stop) {
        stopReason = result.stop;
        break;
      }
    }

    // The sealed test split, evaluated once at the end for the report: never used to accept anything.
    context.progress({ type: 'phase', iteration: state.iterations, phase: 'test', detail: 'empty harness vs final harness on the test split' });
    const finalHarness = { ...workspace.readHarness(), label: 'final' };
    const backbones = [...options.train, ...options.heldout];
    const before = await evaluateHarness(context, { label: 'test-empty', harness: emptyHarness(options.env), backbones, split: 'test', trials: options.trials, iteration: state.iterations, phase: 'test' });
    const after = await evaluateHarness(context, { label: 'test-final', harness: finalHarness, backbones, split: 'test', trials: options.trials, iteration: state.iterations, phase: 'test' });
    phases.close();
    const beforeScores = scoresOf(before);
    const afterScores = scoresOf(after);
    const test: TestComparison[] = backbones.map((backbone) => ({
      backbone,
      simulated: before.find((trajectory) => trajectory.backbone.id === backbone)?.backbone.simulated ?? false,
      heldout: options.heldout.includes(backbone),
      before: beforeScores[backbone] ?? 0,
      after: afterScores[backbone] ?? 0,
    }));
    const commits = await Promise.all(
      state.commits.map(async (commit) => ({ ...commit, subject: (await repository.commitSubject(commit.sha)) ?? '' })),
    );
    const result: EvolveResult = {
      runId,
      branch: workspace.branch,
      directory,
      commits,
      stopReason,
      test,
      iterations: state.iterations,
      engineer: { id: engineer.id, ...(engineer.kind ? { kind: engineer.kind } : {}), tokens: state.engineerTokens, costUsd: state.engineerCostUsd },
      minutes: (context.now() - context.startedAt) / 60_000,
      phaseMs,
    };
    journal.append({ type: 'run-end', reason: stopReason, summary: { commits: commits.map((commit) => commit.sha), test } as unknown as Record<string, unknown> });
    writeFileAtomic(join(directory, 'summary.json'), `${JSON.stringify({ kind: 'evolve', ...result }, null, 2)}\n`);
    // The branch holds the result; the worktree was only the run's scratch space.
    await workspace.close();
    return result;
  } finally {
    await executor.close();
    await engineer.close?.();
  }
}

/** Wrap a progress callback so that the time between phase changes is summed per phase. */
function trackPhases(progress: (event: EvolveProgress) => void, totals: Record<string, number>) {
  let current: { phase: string; since: number } | undefined;
  const close = () => {
    if (current) totals[current.phase] = (totals[current.phase] ?? 0) + performance.now() - current.since;
    current = undefined;
  };
  return {
    progress: (event: EvolveProgress) => {
      if (event.type === 'phase') {
        close();
        current = { phase: event.phase, since: performance.now() };
      }
      progress(event);
    },
    close,
  };
}

/** A kill between the gate and the commit: make (or find) the commit the journal promised. */
async function finishInterruptedCommit(context: EvolveContext, state: RunState): Promise<void> {
  const pending = state.pendingCommit;
  if (!pending || state.interrupted === undefined) return;
  const { proposed, accepted } = pending;
  let sha = pending.commitDone ?? (await findCommitForCandidate(context.root, context.workspace.branch, context.runId, proposed.candidate))?.sha;
  if (!sha) {
    const head = context.workspace.readHarness();
    const harness = {
      ...head,
      manifest: { ...head.manifest, modules: proposed.order },
      files: proposed.order.map((file) => proposed.files.find((candidate) => candidate.file === file) ?? head.files.find((candidate) => candidate.file === file)!).filter(Boolean),
    };
    sha = await commitCandidate(context, state, proposed.iteration, proposed.candidate, proposed.group, {
      harness,
      proposal: { summary: proposed.summary, files: proposed.files, remove: proposed.remove, usage: proposed.usage },
      verdict: accepted.verdict as GateVerdict,
    });
  } else {
    if (!state.commits.some((commit) => commit.sha === sha)) state.commits.push({ iteration: proposed.iteration, candidate: proposed.candidate, sha });
    if (!pending.commitDone) context.journal.append({ type: 'commit-done', iteration: proposed.iteration, candidate: proposed.candidate, sha });
  }
  context.journal.append({ type: 'iteration-end', iteration: state.interrupted, accepted: true, ms: 0 });
  state.iterations = state.interrupted;
  state.sinceAccepted = 0;
  delete state.interrupted;
}
