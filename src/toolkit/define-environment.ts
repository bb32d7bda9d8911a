/**
 * `defineEnvironment`: the episode mechanics every environment shares, so an author writes only what is
 * theirs (the world, the tools, the tasks, the verifier and the oracle). A session keeps a private state,
 * logs every call, refuses calls after the final message, answers `peek` with read-only tools only, and
 * hashes its state canonically.
 */
import type { JsonObject, ToolResult } from '../harness/api.ts';
import type {
  Environment,
  EnvironmentSession,
  FinishWording,
  OracleStep,
  Split,
  TaskInfo,
  Verification,
} from '../contracts/environment.ts';
import { BridleError } from '../errors.ts';
import { cloneJson, hashOf } from './canonical.ts';
import { createToolRunner, toolError, type ToolDefinition, type ToolRunner } from './tools.ts';

/** One tool call of the agent, with its result. */
export interface CallRecord {
  /** Tool name as called. */
  tool: string;
  /** Arguments as called. */
  args: JsonObject;
  /** What the environment answered. */
  result: ToolResult;
}

/** An episode as the verifier, the oracle and the tools see it. */
export interface Episode<State, Task extends TaskInfo> {
  /** The task, with the environment's private fields (gold plan, expected values, ...). */
  readonly task: Task;
  /** The episode seed. */
  readonly seed: number;
  /** The live state. */
  readonly state: State;
  /** Every call so far, oldest first (failed ones included). */
  readonly calls: readonly CallRecord[];
  /** The final message, once the agent finished. */
  readonly finalMessage: string | null;
}

/** What an environment author writes. */
export interface EnvironmentSpec<State, Task extends TaskInfo> {
  /** Short name used on the command line, e.g. "household". */
  name: string;
  /** A public description for engineers: what the environment is and how it is judged. */
  description: string;
  /** The written rules the agent receives. */
  rules: string;
  /** The tools; the loop adds its own `finish`. */
  tools: readonly ToolDefinition<State>[];
  /** Every task, with its split; fields beyond `TaskInfo` stay private to the environment. */
  tasks: readonly Task[];
  /** Default step budget per episode. */
  maxSteps: number;
  /** How the splits were made, when worth saying. */
  splitNote?: string;
  /** The `finish` tool's wording, when the default (a reply to a customer) does not fit. */
  finish?: FinishWording;
  /** A fresh world for one episode: the same task and seed must always give the same state. */
  createState(task: Task, seed: number): State;
  /** Judge the episode as it stands (use `check`, `verdict` and `compareRecords`). */
  verify(episode: Episode<State, Task>): Verification;
  /**
   * The correct remaining plan from the current state, ending with a finish step. Without it the
   * environment runs with real backbones only: no simulated backbones, no false-positive replay.
   */
  oracle?(episode: Episode<State, Task>): OracleStep[];
  /** A canonical hash of a state (default: sha256 of its canonical JSON). */
  hashState?(state: State): string;
}

/** A session of a toolkit environment: the contract plus its state hash. */
export interface DefinedSession extends EnvironmentSession {
  /** The canonical hash of the state now. */
  stateHash(): string;
}

/** A session whose environment has an oracle. */
export type OracleSession = DefinedSession & { oracle(): OracleStep[] };

/** An environment built by `defineEnvironment`. */
export interface DefinedEnvironment<State, Task extends TaskInfo, Session extends DefinedSession = DefinedSession> extends Environment {
  reset(taskId: string, seed: number): Session;
  /** The environment's own view of a task (private fields included): for its tests and tools. */
  task(taskId: string): Task;
  /** The tool dispatcher, e.g. to replay a gold plan on a state. */
  readonly runner: ToolRunner<State>;
  /** A fresh state for a task and seed, and its hash (for tests pinning generated worlds). */
  hashState(state: State): string;
  createState(task: Task, seed: number): State;
}

const SPLITS: readonly Split[] = ['train', 'validation', 'test'];

/** Build an environment from its spec. Checks the spec once, here, so mistakes surface at load time. */
export function defineEnvironment<State, Task extends TaskInfo>(
  spec: EnvironmentSpec<State, Task> & { oracle(episode: Episode<State, Task>): OracleStep[] },
): DefinedEnvironment<State, Task, OracleSession>;
export function defineEnvironment<State, Task extends TaskInfo>(spec: EnvironmentSpec<State, Task>): DefinedEnvironment<State, Task>;
export function defineEnvironment<State, Task extends TaskInfo>(spec: EnvironmentSpec<State, Task>): DefinedEnvironment<State, Task> {
  checkSpec(spec);
  const runner = createToolRunner(spec.tools);
  const tasks = new Map(spec.tasks.map((task) => [task.id, task]));
  const hashState = spec.hashState ?? ((state: State) => hashOf(state));
  const oracle = spec.oracle;

  const taskOf = (taskId: string): Task => {
    const task = tasks.get(taskId);
    if (!task) throw new BridleError('INVALID_ARGUMENT', `unknown ${spec.name} task '${taskId}'`);
    return task;
  };

  return {
    name: spec.name,
    description: spec.description,
    rules: spec.rules,
    tools: runner.schemas.map((schema) => cloneJson(schema)),
    tasks: spec.tasks.map(publicTask),
    maxSteps: spec.maxSteps,
    hasOracle: oracle !== undefined,
    ...(spec.splitNote === undefined ? {} : { splitNote: spec.splitNote }),
    ...(spec.finish === undefined ? {} : { finish: { ...spec.finish } }),
    runner,
    task: taskOf,
    hashState,
    createState: (task, seed) => spec.createState(task, seed),
    reset(taskId: string, seed: number): DefinedSession {
      const task = taskOf(taskId);
      const state = spec.createState(task, seed);
      const calls: CallRecord[] = [];
      let finalMessage: string | null = null;
      const episode: Episode<State, Task> = {
        task,
        seed,
        state,
        calls,
        get finalMessage() {
          return finalMessage;
        },
      };
      const session: DefinedSession = {
        task: publicTask(task),
        step(tool, args) {
          if (finalMessage !== null) return toolError('the episode is over (a final message was already sent)');
          const result = runner.run(state, tool, args);
          calls.push({ tool, args: cloneJson(args), result: { ...result } });
          return result;
        },
        peek(tool, args) {
          const schema = runner.schema(tool);
          if (schema && !schema.readOnly) return toolError('peek only allows read-only tools');
          return runner.run(state, tool, args);
        },
        finish(message) {
          // The first final message ends the episode; later ones cannot rewrite it.
          if (finalMessage === null) finalMessage = String(message);
        },
        verify: () => spec.verify(episode),
        stateHash: () => hashState(state),
      };
      if (oracle) session.oracle = () => cloneJson(oracle(episode));
      return session;
    },
  };
}

/** The public face of a task: nothing private crosses to the agent or the engineer. */
function publicTask(task: TaskInfo): TaskInfo {
  return { id: task.id, split: task.split, instruction: task.instruction, ...(task.kind === undefined ? {} : { kind: task.kind }) };
}

function checkSpec<State, Task extends TaskInfo>(spec: EnvironmentSpec<State, Task>): void {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]*$/.test(spec.name ?? '')) problems.push(`name must be lower-case kebab-case (got ${JSON.stringify(spec.name)})`);
  if (!Number.isInteger(spec.maxSteps) || spec.maxSteps < 1) problems.push('maxSteps must be a positive integer');
  if (spec.tools.some((tool) => tool.schema.name === 'finish')) problems.push('"finish" is the loop\'s own tool: do not declare it');
  const seen = new Set<string>();
  for (const task of spec.tasks) {
    if (seen.has(task.id)) problems.push(`task id "${task.id}" appears twice`);
    seen.add(task.id);
    if (!SPLITS.includes(task.split)) problems.push(`task "${task.id}" has split ${JSON.stringify(task.split)} (expected train, validation or test)`);
    if (typeof task.instruction !== 'string' || task.instruction.trim() === '') problems.push(`task "${task.id}" has no instruction`);
  }
  if (spec.tasks.length === 0) problems.push('there are no tasks');
  if (problems.length > 0) throw new BridleError('INVALID_ARGUMENT', `environment "${spec.name}": ${problems.join('; ')}`);
}
