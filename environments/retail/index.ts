/**
 * The retail environment: a generated online-shop back office with a written policy, tool-use tasks in
 * solo form, a state-comparing verifier and an oracle.
 */
import type { Environment } from '../../src/contracts/environment.ts';
import type { ToolSchema } from '../../src/harness/api.ts';
import { BridleError } from '../../src/errors.ts';
import { hashOf } from './canonical.ts';
import { DEFAULT_WORLD_SEED, generateWorld } from './generate.ts';
import { RETAIL_DESCRIPTION, RETAIL_RULES } from './policy.ts';
import { RETAIL_TOOLS } from './schemas.ts';
import { createSession, type RetailSession } from './session.ts';
import { generateTasks } from './tasks.ts';

export { DEFAULT_WORLD_SEED } from './generate.ts';
export type { RetailSession } from './session.ts';

/** Step budget per episode (gold plans take 4 to 14 steps). */
export const RETAIL_MAX_STEPS = 30;

/** The retail environment; sessions also expose their state hash. */
export interface RetailEnvironment extends Environment {
  /** The seed the world and the tasks were generated from. */
  readonly seed: number;
  /** sha256 of the canonical JSON of the fresh world. */
  readonly worldHash: string;
  reset(taskId: string, seed: number): RetailSession;
}

/** Build the retail environment for a world seed (default {@link DEFAULT_WORLD_SEED}). */
export function createRetail(options: { seed?: number } = {}): RetailEnvironment {
  const seed = options.seed ?? DEFAULT_WORLD_SEED;
  const world = generateWorld(seed);
  const tasks = generateTasks(world, seed);
  const byId = new Map(tasks.map((task) => [task.info.id, task]));
  const tools: readonly ToolSchema[] = structuredClone(RETAIL_TOOLS);
  return {
    name: 'retail',
    description: RETAIL_DESCRIPTION,
    rules: RETAIL_RULES,
    tools,
    tasks: tasks.map((task) => ({ ...task.info })),
    maxSteps: RETAIL_MAX_STEPS,
    seed,
    worldHash: hashOf(world),
    // The episode seed changes nothing: the world comes from the environment's seed, so a task and a
    // seed always give the same world (the contract's determinism), and so do a task and any seed.
    reset(taskId: string, _seed: number): RetailSession {
      const task = byId.get(taskId);
      if (!task) throw new BridleError('INVALID_ARGUMENT', `unknown retail task '${taskId}' (tasks are retail-001 to retail-${String(tasks.length).padStart(3, '0')})`);
      return createSession(task, world);
    },
  };
}
