/**
 * The os environment: shell tasks on a simulated Linux machine (just-bash over a virtual filesystem),
 * in the spirit of AgentBench's OS family. Built on the public environment toolkit.
 */
import { createToolRunner, defineEnvironment, hashOf, seedOf, type DefinedEnvironment, type OracleSession } from '../../src/toolkit/index.ts';
import type { Machine } from './machine.ts';
import { HOME } from './machine.ts';
import { remainingPlan, type OracleContext } from './oracle.ts';
import { OS_DESCRIPTION, OS_RULES } from './rules.ts';
import { createShell, type Shell } from './shell.ts';
import type { OsTask } from './task.ts';
import { generateTasks } from './tasks.ts';
import { createOsTools } from './tools.ts';
import { START_TIME, viewOf } from './tree.ts';
import { verifyEpisode } from './verify.ts';

/** The default seed of the generated trees and tasks. */
export const DEFAULT_OS_SEED = 9;

/** Step budget of an episode: gold plans take 2 to 6 calls; AgentBench's OS tasks allow 8 rounds. */
export const OS_MAX_STEPS = 10;

/** The os environment; also exposes its seed and its shell (for tests and tools). */
export interface OsEnvironment extends DefinedEnvironment<Machine, OsTask, OracleSession> {
  readonly seed: number;
  /** The shell every session of this environment runs its commands on. */
  readonly shell: Shell;
}

/** Build the os environment for a seed (default {@link DEFAULT_OS_SEED}). */
export function createOs(options: { seed?: number } = {}): OsEnvironment {
  const seed = options.seed ?? DEFAULT_OS_SEED;
  const shell = createShell();
  const tools = createOsTools(shell);
  const context: OracleContext = { shell, runner: createToolRunner(tools), cache: new Map() };
  const environment = defineEnvironment<Machine, OsTask>({
    name: 'os',
    description: OS_DESCRIPTION,
    rules: OS_RULES,
    tools,
    tasks: generateTasks(seed),
    maxSteps: OS_MAX_STEPS,
    finish: {
      description: 'End the task. For a question, give the answer alone; for a change, a short note of what you did.',
      message: "The answer alone (e.g. '42' or '/var/log/nginx/access.log', several values one per line), or a short note when the task asked for changes.",
    },
    // The episode seed only seeds the shell's randomness ($RANDOM): the tree is the task's, always.
    createState: (task, episodeSeed) => ({ files: structuredClone(task.world), cwd: HOME, now: START_TIME, seed: seedOf('os-shell', task.id, episodeSeed), commands: 0, journal: [] }),
    hashState: (machine) => hashOf(viewOf(machine.files)),
    verify: (episode) => verifyEpisode({ task: episode.task, machine: episode.state, calls: episode.calls, finalMessage: episode.finalMessage, shell }),
    oracle: (episode) => remainingPlan(episode.task, episode.state, episode.calls, context),
  });
  return { ...environment, seed, shell };
}
