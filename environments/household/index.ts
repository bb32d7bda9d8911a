/**
 * The household environment: an ALFWorld-like text world on the public environment toolkit. Every task
 * has its own seeded room; the episode seed changes nothing (a task always starts from its room).
 * Success: every goal condition holds when the agent finishes (the agent's `finish` ends the episode, as
 * AgentBench's agents end theirs; reaching the goal alone does not, so a premature finish and an undone
 * goal stay visible).
 */
import { check, cloneJson, defineEnvironment, hashOf, verdict, type DefinedEnvironment, type OracleSession } from '../../src/toolkit/index.ts';
import { judgeGoal } from './goals.ts';
import { planFrom } from './oracle.ts';
import { HOUSEHOLD_DESCRIPTION, HOUSEHOLD_FINISH, HOUSEHOLD_MAX_STEPS, HOUSEHOLD_RULES } from './rules.ts';
import { generateTasks, type HouseholdTask } from './tasks.ts';
import { HOUSEHOLD_TOOLS } from './tools.ts';
import type { HouseholdState } from './world.ts';

export { HOUSEHOLD_MAX_STEPS } from './rules.ts';
export type { HouseholdTask } from './tasks.ts';
export type { HouseholdState } from './world.ts';

/** The seed the tasks and their rooms are generated from by default. */
export const DEFAULT_HOUSEHOLD_SEED = 11;

/** The household environment, with its seed and the hash of its generated tasks (rooms included). */
export interface HouseholdEnvironment extends DefinedEnvironment<HouseholdState, HouseholdTask, OracleSession> {
  readonly seed: number;
  /** sha256 of the canonical JSON of every task with its goal and room. */
  readonly tasksHash: string;
}

/** Build the household environment for a seed (default {@link DEFAULT_HOUSEHOLD_SEED}). */
export function createHousehold(options: { seed?: number } = {}): HouseholdEnvironment {
  const seed = options.seed ?? DEFAULT_HOUSEHOLD_SEED;
  const tasks = generateTasks(seed);
  const environment = defineEnvironment<HouseholdState, HouseholdTask>({
    name: 'household',
    description: HOUSEHOLD_DESCRIPTION,
    rules: HOUSEHOLD_RULES,
    tools: HOUSEHOLD_TOOLS,
    tasks,
    maxSteps: HOUSEHOLD_MAX_STEPS,
    finish: HOUSEHOLD_FINISH,
    createState: (task) => cloneJson(task.layout),
    verify: ({ task, state, finalMessage }) => {
      const { checks, differences } = judgeGoal(state, task.goal);
      const finished = finalMessage !== null;
      return verdict([...checks, check('finished', finished, finished ? 'the agent finished' : 'the agent never called finish')], { differences });
    },
    oracle: ({ task, state, calls }) => planFrom(state, task.goal, calls),
  });
  return { ...environment, seed, tasksHash: hashOf(tasks) };
}
