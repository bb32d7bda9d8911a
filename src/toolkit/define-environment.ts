/**
 * `defineEnvironment`: the episode mechanics every environment shares, so an author writes only what is
 * theirs (the world, the tools, the tasks, the verifier and the oracle). A session keeps a private state,
 * logs every call, refuses calls after the final message, answers `peek` with read-only tools only, and
 * hashes its state canonically.
 */
import type { JsonObject, ToolResult } from '../harness/api.ts';
import type {
  Conversation,
  ConversationSession,
  Environment,
  EnvironmentSession,
  FinishWording,
  OracleStep,
  Split,
  TaskInfo,
  UserBrief,
  Verification,
} from '../contracts/environment.ts';
import { RESPOND_TOOL_NAME } from '../contracts/environment.ts';
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
  /** Set to "user" for a call the user simulator made on the user's side (conversational form). */
  by?: 'user';
}

/** One message of a conversation (conversational form). */
export interface TranscriptEntry {
  /** Who said it. */
  from: 'agent' | 'user';
  text: string;
  /** How many calls had been made when it was said: places messages among the calls. */
  afterCalls: number;
  /** The stop token, when the user ended the conversation with this message. */
  stop?: string;
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
  /** "ticket" (solo form: the task's instruction is the whole request) or "conversation" (a user simulator). */
  readonly form: 'ticket' | 'conversation';
  /** The messages between the agent and the user, oldest first (empty in ticket form). */
  readonly transcript: readonly TranscriptEntry[];
}

/** What an environment with a conversational form adds (see {@link EnvironmentSpec.conversation}). */
export interface ConversationSpec<State, Task extends TaskInfo> {
  /** The agent's rules in conversational form (default: the environment's `rules`). */
  rules?: string;
  /**
   * The agent's tools in conversational form (default: the environment's `tools`). Differs where solo form
   * lets the agent do what the user does in a conversation (tau2's telecom: the phone's settings).
   */
  tools?: readonly ToolDefinition<State>[];
  /** Tools on the user's side, which only the user simulator calls (e.g. a phone's settings). */
  userTools?: readonly ToolDefinition<State>[];
  /** The user simulator's brief for a task: its system prompt, the agent's greeting, the stop tokens. */
  user(task: Task): UserBrief;
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
  /**
   * Optional conversational form: tasks played with a user simulator that is itself a backbone
   * (`--user <backbone>`). The verifier and the oracle see it as `episode.form` and `episode.transcript`.
   */
  conversation?: ConversationSpec<State, Task>;
}

/** A session of a toolkit environment: the contract plus its state hash. */
export interface DefinedSession extends EnvironmentSession {
  /** The canonical hash of the state now. */
  stateHash(): string;
}

/** A session whose environment has an oracle. */
export type OracleSession = DefinedSession & { oracle(): OracleStep[] };

/** The conversational form of an environment built by `defineEnvironment`. */
export interface DefinedConversation<Session extends DefinedSession = DefinedSession> extends Conversation {
  reset(taskId: string, seed: number): ConversationSession & Session;
}

/** An environment built by `defineEnvironment`. */
export interface DefinedEnvironment<State, Task extends TaskInfo, Session extends DefinedSession = DefinedSession> extends Environment {
  reset(taskId: string, seed: number): Session;
  /** Present when the spec has a `conversation`. */
  readonly conversation?: DefinedConversation<Session>;
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
  const userRunner = createToolRunner(spec.conversation?.userTools ?? []);
  const conversationRunner = spec.conversation?.tools ? createToolRunner(spec.conversation.tools) : runner;

  const taskOf = (taskId: string): Task => {
    const task = tasks.get(taskId);
    if (!task) throw new BridleError('INVALID_ARGUMENT', `unknown ${spec.name} task '${taskId}'`);
    return task;
  };

  /** A session of either form, with the episode record the verifier and the oracle read. */
  function open(taskId: string, seed: number, form: Episode<State, Task>['form']) {
    const task = taskOf(taskId);
    const agentRunner = form === 'conversation' ? conversationRunner : runner;
    const state = spec.createState(task, seed);
    const calls: CallRecord[] = [];
    const transcript: TranscriptEntry[] = [];
    let finalMessage: string | null = null;
    const episode: Episode<State, Task> = {
      task,
      seed,
      state,
      calls,
      form,
      transcript,
      get finalMessage() {
        return finalMessage;
      },
    };
    const session: DefinedSession = {
      task: publicTask(task),
      step(tool, args) {
        if (finalMessage !== null) return toolError('the episode is over (a final message was already sent)');
        const result = agentRunner.run(state, tool, args);
        calls.push({ tool, args: cloneJson(args), result: { ...result } });
        return result;
      },
      peek(tool, args) {
        const schema = agentRunner.schema(tool);
        if (schema && !schema.readOnly) return toolError('peek only allows read-only tools');
        return agentRunner.run(state, tool, args);
      },
      finish(message) {
        // The first final message ends the episode; later ones cannot rewrite it.
        if (finalMessage === null) finalMessage = String(message);
      },
      verify: () => spec.verify(episode),
      stateHash: () => hashState(state),
    };
    if (oracle) session.oracle = () => cloneJson(oracle(episode));
    return { session, episode, calls, transcript, state };
  }

  function conversationOf(conversation: ConversationSpec<State, Task>): DefinedConversation {
    return {
      rules: conversation.rules ?? spec.rules,
      tools: conversationRunner.schemas.map((schema) => cloneJson(schema)),
      userTools: userRunner.schemas.map((schema) => cloneJson(schema)),
      reset(taskId, seed): ConversationSession & DefinedSession {
        const opened = open(taskId, seed, 'conversation');
        const user = conversation.user(opened.episode.task);
        return Object.assign(opened.session, {
          user: { ...user, stopTokens: [...user.stopTokens] },
          say(message: string) {
            opened.transcript.push({ from: 'agent', text: String(message), afterCalls: opened.calls.length });
          },
          hear(message: string, stop?: string) {
            opened.transcript.push({ from: 'user', text: String(message), afterCalls: opened.calls.length, ...(stop === undefined ? {} : { stop }) });
          },
          userStep(tool: string, args: JsonObject) {
            const result = userRunner.run(opened.state, tool, args);
            opened.calls.push({ tool, args: cloneJson(args), result: { ...result }, by: 'user' });
            return result;
          },
        });
      },
    };
  }

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
    reset: (taskId: string, seed: number): DefinedSession => open(taskId, seed, 'ticket').session,
    ...(spec.conversation === undefined ? {} : { conversation: conversationOf(spec.conversation) }),
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
  if (spec.conversation) {
    if (spec.tools.some((tool) => tool.schema.name === RESPOND_TOOL_NAME)) problems.push(`"${RESPOND_TOOL_NAME}" is the loop's own tool in conversational form: do not declare it`);
    if ((spec.conversation.tools ?? []).some((tool) => tool.schema.name === RESPOND_TOOL_NAME || tool.schema.name === 'finish')) problems.push(`conversation tools must not be named "${RESPOND_TOOL_NAME}" or "finish" (the loop's own)`);
    const agentNames = new Set((spec.conversation.tools ?? spec.tools).map((tool) => tool.schema.name));
    const shared = (spec.conversation.userTools ?? []).filter((tool) => agentNames.has(tool.schema.name)).map((tool) => tool.schema.name);
    if (shared.length > 0) problems.push(`user-side tools must not share names with the agent's tools (${shared.join(', ')})`);
  }
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
