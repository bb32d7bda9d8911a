/** `evolve(options)`: the options, their defaults, and their validation. */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { BridleConfig } from '../../config/index.ts';
import { BridleError } from '../../errors.ts';
import { DEFAULT_MAX_COST_INCREASE } from '../gate.ts';

/** Offline defaults (DESIGN.md §9): one simulated backbone to train on, two held out. */
export const DEFAULT_TRAIN_BACKBONES = ['sim/mixed'];
export const DEFAULT_HELDOUT_BACKBONES = ['sim/scatter', 'sim/rush'];

/** How an LLM engineer works (`auto` picks the agent when the budget allows). */
export type EngineerMode = 'auto' | 'single' | 'agent';
/** Agent engineer defaults, per proposal. */
export const DEFAULT_ENGINEER_TURNS = 24;
export const DEFAULT_ENGINEER_EXPERIMENTS = 4;
export const DEFAULT_PROPOSAL_MAX_TOKENS = 400_000;

export const evolveOptionsSchema = z
  .object({
    /** Environment name, e.g. "retail", or an environment module's path (taken from the journal when resuming). */
    env: z.string().min(1).optional(),
    /** The data folder of a peer benchmark (default: `data` in bridle.config.ts). */
    data: z.string().min(1).optional(),
    /** Backbones whose train trajectories the engineer reads. */
    train: z.array(z.string().min(1)).min(1).optional(),
    /** Backbones the gate validates on; never seen by the engineer. */
    heldout: z.array(z.string().min(1)).min(1).optional(),
    /** "heuristic" (offline default) or a backbone id such as "anthropic/claude-sonnet-4-5". */
    engineer: z.string().min(1).optional(),
    /**
     * How an LLM engineer works: `single` (one answer per proposal from a compressed brief), `agent`
     * (multi-turn tool use over the run store, with try_candidate), or `auto` (default): the agent when
     * the run's engineer token budget allows a few agent proposals, else single.
     */
    engineerMode: z.enum(['auto', 'single', 'agent']).optional(),
    /** Agent engineer: most model turns per proposal (default 24). */
    engineerTurns: z.number().int().min(2).max(200).optional(),
    /** Agent and coding-agent engineers: most try_candidate experiments per proposal (default 4). */
    engineerExperiments: z.number().int().min(0).max(50).optional(),
    /** Agent and coding-agent engineers: most input + output tokens per proposal (default 400 000). */
    proposalMaxTokens: z.number().int().min(1000).optional(),
    /** Agent and coding-agent engineers: most US dollars per proposal (needs a price for the engineer's model). */
    proposalMaxCostUsd: z.number().min(0).optional(),
    /** Iteration budget (default 6). */
    iterations: z.number().int().min(1).max(1000).optional(),
    /** Trials per task on the train split (default 3). */
    trainTrials: z.number().int().min(1).max(20).optional(),
    /** Trials per task on the validation and test splits (default 3). */
    trials: z.number().int().min(1).max(20).optional(),
    /** Base seed (default 0): episodes, bootstrap and engineers derive from it. */
    seed: z.number().int().min(0).optional(),
    /** Largest drop a held-out backbone may take, in points (default 2). */
    tolerancePoints: z.number().min(0).max(100).optional(),
    /** Largest rise of mean tokens per validation episode, as a share of HEAD's (default 0.5 = +50%). */
    maxCostIncrease: z.number().min(0).optional(),
    /** Repair turns for a candidate that fails the check (default 2). */
    maxRepairs: z.number().int().min(0).max(10).optional(),
    /** Candidates tried per iteration before giving up on it (default 4). */
    candidatesPerIteration: z.number().int().min(1).max(50).optional(),
    /** Attempts per failure group before it is set aside (default 3). */
    attemptsPerGroup: z.number().int().min(1).max(20).optional(),
    /** Stop after this many iterations in a row without an accepted commit (default 3). */
    patience: z.number().int().min(1).optional(),
    /** Engineer token budget (input + output). */
    maxEngineerTokens: z.number().int().min(1).optional(),
    /** Engineer cost budget in US dollars. */
    maxCostUsd: z.number().min(0).optional(),
    /** Wall-time budget in minutes. */
    maxMinutes: z.number().min(0).optional(),
    /** Try removing each module when an iteration accepts nothing (default true). */
    pruning: z.boolean().optional(),
    /** The git repository (default: the current directory). */
    root: z.string().optional(),
    /** Revision the run branch starts from (default: HEAD of the checkout). */
    base: z.string().optional(),
    /** Continue this run from its journal instead of starting a new one. */
    resume: z.string().optional(),
    /** Worker processes for episodes (default: one per core). */
    workers: z.number().int().min(1).optional(),
    /** A real backbone playing the user: every evaluation runs the environment's conversational form. */
    user: z.string().min(1).optional(),
    onProgress: z.function().optional(),
  })
  .strict();

export type EvolveInput = Omit<z.input<typeof evolveOptionsSchema>, 'onProgress'> & { onProgress?: (event: EvolveProgress) => void };

/** The options with every default filled in (what the journal records). */
export interface ResolvedEvolveOptions {
  env: string;
  /** The data folder (absolute), when given as an option. */
  data?: string;
  /** The environment module's absolute path, when the environment was given as a path. */
  envModule?: string;
  train: string[];
  heldout: string[];
  engineer: string;
  engineerMode: EngineerMode;
  engineerTurns: number;
  engineerExperiments: number;
  proposalMaxTokens: number;
  proposalMaxCostUsd?: number;
  iterations: number;
  trainTrials: number;
  trials: number;
  seed: number;
  tolerancePoints: number;
  /** Largest rise of mean tokens per validation episode a candidate may bring (0.5 = +50%). */
  maxCostIncrease: number;
  maxRepairs: number;
  candidatesPerIteration: number;
  attemptsPerGroup: number;
  patience: number;
  maxEngineerTokens?: number;
  maxCostUsd?: number;
  maxMinutes?: number;
  pruning: boolean;
  workers?: number;
  /** The backbone playing the user (conversational form), when there is one. */
  user?: string;
}

/** Options win over the config (`evolve`, `engineer`, `budgets`), which wins over the defaults. */
export function resolveOptions(input: EvolveInput, config: Pick<BridleConfig, 'evolve' | 'engineer' | 'budgets'>): ResolvedEvolveOptions {
  const settings = config.evolve;
  const budgets = config.budgets;
  const env = input.env ?? settings.env;
  if (!env) throw new BridleError('INVALID_ARGUMENT', 'evolve: --env <name> is required (or evolve.env in bridle.config.ts, or --resume <run-id>)');
  const maxEngineerTokens = input.maxEngineerTokens ?? budgets.maxTokens;
  const maxCostUsd = input.maxCostUsd ?? budgets.maxCostUsd;
  const maxMinutes = input.maxMinutes ?? budgets.wallMinutes;
  const workers = input.workers ?? settings.workers;
  const user = input.user ?? settings.user;
  const proposalMaxCostUsd = input.proposalMaxCostUsd ?? settings.proposalMaxCostUsd;
  return {
    env,
    ...(input.data === undefined ? {} : { data: resolve(input.data) }),
    train: input.train ?? settings.train ?? DEFAULT_TRAIN_BACKBONES,
    heldout: input.heldout ?? settings.heldout ?? DEFAULT_HELDOUT_BACKBONES,
    engineer: input.engineer ?? config.engineer ?? 'heuristic',
    engineerMode: input.engineerMode ?? settings.engineerMode ?? 'auto',
    engineerTurns: input.engineerTurns ?? settings.engineerTurns ?? DEFAULT_ENGINEER_TURNS,
    engineerExperiments: input.engineerExperiments ?? settings.engineerExperiments ?? DEFAULT_ENGINEER_EXPERIMENTS,
    proposalMaxTokens: input.proposalMaxTokens ?? settings.proposalMaxTokens ?? DEFAULT_PROPOSAL_MAX_TOKENS,
    ...(proposalMaxCostUsd === undefined ? {} : { proposalMaxCostUsd }),
    iterations: input.iterations ?? budgets.iterations ?? 6,
    trainTrials: input.trainTrials ?? settings.trainTrials ?? 3,
    trials: input.trials ?? settings.trials ?? 3,
    seed: input.seed ?? settings.seed ?? 0,
    tolerancePoints: input.tolerancePoints ?? settings.tolerancePoints ?? 2,
    maxCostIncrease: input.maxCostIncrease ?? settings.maxCostIncrease ?? DEFAULT_MAX_COST_INCREASE,
    maxRepairs: input.maxRepairs ?? settings.maxRepairs ?? 2,
    candidatesPerIteration: input.candidatesPerIteration ?? settings.candidatesPerIteration ?? 4,
    attemptsPerGroup: input.attemptsPerGroup ?? settings.attemptsPerGroup ?? 3,
    patience: input.patience ?? budgets.patience ?? 3,
    ...(maxEngineerTokens === undefined ? {} : { maxEngineerTokens }),
    ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
    ...(maxMinutes === undefined ? {} : { maxMinutes }),
    pruning: input.pruning ?? settings.pruning ?? true,
    ...(workers === undefined ? {} : { workers }),
    ...(user === undefined ? {} : { user }),
  };
}

/** What the meta-loop is doing, for progress displays. */
export type EvolveProgress =
  | { type: 'phase'; iteration: number; phase: EvolvePhase; candidate?: number; detail: string }
  | { type: 'episodes'; iteration: number; phase: EvolvePhase; done: number; total: number }
  | { type: 'candidate-result'; iteration: number; candidate: number; accepted: boolean; stage: string; reason: string }
  | { type: 'commit'; iteration: number; candidate: number; sha: string; subject: string };

export type EvolvePhase = 'evaluate-head' | 'mine' | 'propose' | 'experiment' | 'check' | 'replay' | 'screen' | 'validate' | 'commit' | 'prune' | 'test';
