/**
 * The retail environment: a generated online-shop back office with a written policy, tool-use tasks in
 * solo form, a state-comparing verifier and an oracle. Built on the public environment toolkit.
 */
import { hashOf } from '../../src/toolkit/canonical.ts';
import { cloneJson } from '../../src/toolkit/canonical.ts';
import { defineEnvironment, type DefinedEnvironment, type OracleSession } from '../../src/toolkit/define-environment.ts';
import type { RetailDatabase } from './data.ts';
import { DEFAULT_WORLD_SEED, generateWorld } from './generate.ts';
import { remainingPlan } from './oracle.ts';
import { RETAIL_DESCRIPTION, RETAIL_RULES } from './policy.ts';
import { generateTasks, type RetailTask } from './tasks.ts';
import { RETAIL_TOOL_DEFINITIONS } from './tools.ts';
import { verifyEpisode } from './verify.ts';

export { DEFAULT_WORLD_SEED } from './generate.ts';

/** A retail episode: the contract, its oracle, and the state hash. */
export type RetailSession = OracleSession;

/** Step budget per episode (gold plans take 4 to 14 steps). */
export const RETAIL_MAX_STEPS = 30;

/** The retail environment; also exposes its world seed and the hash of the fresh world. */
export interface RetailEnvironment extends DefinedEnvironment<RetailDatabase, RetailTask, RetailSession> {
  /** The seed the world and the tasks were generated from. */
  readonly seed: number;
  /** sha256 of the canonical JSON of the fresh world. */
  readonly worldHash: string;
}

/** Build the retail environment for a world seed (default {@link DEFAULT_WORLD_SEED}). */
export function createRetail(options: { seed?: number } = {}): RetailEnvironment {
  const seed = options.seed ?? DEFAULT_WORLD_SEED;
  const world = generateWorld(seed);
  const environment = defineEnvironment({
    name: 'retail',
    description: RETAIL_DESCRIPTION,
    rules: RETAIL_RULES,
    tools: RETAIL_TOOL_DEFINITIONS,
    tasks: generateTasks(world, seed),
    maxSteps: RETAIL_MAX_STEPS,
    // The episode seed changes nothing: the world comes from the environment's seed, so a task and a
    // seed always give the same world (the contract's determinism), and so do a task and any seed.
    createState: () => cloneJson(world),
    verify: (episode) => verifyEpisode({ task: episode.task, database: episode.state, world, log: episode }),
    oracle: (episode) => remainingPlan(episode.task, episode),
  });
  return { ...environment, seed, worldHash: hashOf(world) };
}
