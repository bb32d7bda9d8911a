/**
 * One factory for every tau2-bench domain: a domain brings its database loader, its tools (and, for
 * telecom, the user's tools, tau2's sync between the sides, and the functions behind initialization
 * actions and env_assertions); this file does the rest the same way for all of them. It finds the data
 * folder, checks the task files, takes the benchmark's train/test ids and carves validation out of train,
 * builds the ticket and the conversational form, replays the gold actions, judges with tau2's reward and
 * plans with a state-aware oracle.
 */
import type { EnvironmentOptions, OraclePurpose, Split } from '../../src/contracts/environment.ts';
import { BridleError } from '../../src/errors.ts';
import { defineEnvironment, type DefinedEnvironment, type OracleSession } from '../../src/toolkit/define-environment.ts';
import { carveValidation } from '../../src/toolkit/splits.ts';
import type { ToolDefinition } from '../../src/toolkit/tools.ts';
import { findDomainFolder, type DomainFolder } from './data-folder.ts';
import { oracleOf } from './oracle.ts';
import { rewardOf } from './reward.ts';
import { CONVERSATION_NOTE, GUIDELINE_FILES, TICKET_FORM_NOTE, ticketOf, userBriefOf } from './scenario.ts';
import { RecordStore, type Frozen, type Tables } from './store.ts';
import { splitFileSchema, tau2TaskFileSchema, type EnvironmentAssertion, type GoldAction, type Tau2TaskData } from './task-data.ts';
import { createRunners, forkState, replayGold, stateHash, withSync, type FunctionRunner, type GoldReplay, type Tau2State, type Tau2Task } from './world.ts';

/** What a domain loads from its folder. */
export interface Tau2DomainData<Db extends Tables, UserDb extends Tables> {
  /** The agent's database, frozen (shared by every episode). */
  db: Frozen<Db>;
  /** The user's side, frozen, for domains that have one. */
  userDb?: Frozen<UserDb>;
  /** The policy the agent reads in conversational form (tau2's own text). */
  policy: string;
  /** The policy for ticket form, when the domain has its own (default: the policy and bridle's ticket note). */
  ticketPolicy?: string;
}

/** What a tau2 domain provides. */
export interface Tau2DomainSpec<Db extends Tables, UserDb extends Tables = Tables> {
  /** The environment's name, e.g. "tau2-retail". */
  name: string;
  /** tau2's name of the domain, i.e. its folder: "retail", "airline", "telecom". */
  domain: string;
  /** For engineers: what the environment is and how it is judged. */
  description: string;
  /** Files the domain's folder must hold besides tasks.json and split_tasks.json. */
  files: readonly string[];
  /** Read the databases and the policy. */
  load(folder: DomainFolder): Tau2DomainData<Db, UserDb>;
  /** The agent's tools. */
  tools: readonly ToolDefinition<Tau2State<Db, UserDb>>[];
  /** The user's tools (telecom's phone). In ticket form the agent gets them too, as in tau2's solo mode. */
  userTools?: readonly ToolDefinition<Tau2State<Db, UserDb>>[];
  /** Runs after every tool call (tau2's sync_tools). */
  sync?(state: Tau2State<Db, UserDb>): void;
  /** Runs the functions named by initialization actions and env_assertions. */
  runFunction?: FunctionRunner<Tau2State<Db, UserDb>>;
  /** The oracle's purpose tag of a gold action. */
  purposeOf(action: GoldAction): Exclude<OraclePurpose, 'finish' | 'confirm'>;
  /**
   * Reads the written policy requires before acting that the gold actions leave out (telecom: identify the
   * customer, look at the phone's status bar); the oracle plans them first, like gold reads.
   */
  oracleReads?(task: Tau2TaskData): GoldAction[];
  /**
   * Calls that undo changes the agent made off the gold path, from `state` toward `target`, a state of the
   * gold replay (telecom: toggle a setting back). The oracle uses them when no tail of the gold writes
   * reaches the goal any more; without them such a state gets a best-effort plan.
   */
  repairsOf?(state: Tau2State<Db, UserDb>, target: Tau2State<Db, UserDb>): GoldAction[];
  /** The tool that hands the customer to a human (its final message then carries tau2's hand-off line). */
  transferTool?: string;
  /** The ticket for a task (default: the user scenario as one request; telecom has its own tickets). */
  ticketOf?(task: Tau2TaskData): string;
  /** A public task kind, where the data has one (it must not reveal the answer). */
  kindOf?(task: Tau2TaskData): string | undefined;
  /** How validation is stratified when carved out of train (default: the kind, else the gold writes). */
  stratumOf?(task: Tau2TaskData): string;
  /** What the stratum is, for `bridle envs` ("task kind", ...). */
  stratumName?: string;
  /** The step budget of an episode. */
  maxSteps: number;
}

/** A task left out, and why. */
export interface ExcludedTask {
  id: string;
  reason: string;
}

/** A tau2 environment: the toolkit environment plus what tests and tools need to look into. */
export interface Tau2Environment<Db extends Tables, UserDb extends Tables = Tables>
  extends DefinedEnvironment<Tau2State<Db, UserDb>, Tau2Task, OracleSession> {
  /** The domain folder the data came from. */
  readonly folder: string;
  /** Tasks of tasks.json that are not offered, with the reason. */
  readonly excluded: readonly ExcludedTask[];
  /** The gold replay of a task (cached). */
  gold(taskId: string): GoldReplay<Tau2State<Db, UserDb>>;
}

const TASK_FILE = 'tasks.json';
const SPLIT_FILE = 'split_tasks.json';

/** Build a tau2 domain's environment from the data folder in `options.data`. */
export function createTau2Environment<Db extends Tables, UserDb extends Tables = Tables>(
  spec: Tau2DomainSpec<Db, UserDb>,
  options: EnvironmentOptions = {},
): Tau2Environment<Db, UserDb> {
  if (options.data === undefined) {
    throw new BridleError('INVALID_ARGUMENT', `${spec.name} reads tau2-bench's ${spec.domain} data: pass --data <dir> (a tau2-bench checkout, or a folder holding tau2/${spec.domain}/)`);
  }
  const folder = findDomainFolder(options.data, spec.domain, [...spec.files, TASK_FILE, SPLIT_FILE]);
  const data = spec.load(folder);
  const rawTasks = folder.json(TASK_FILE, tau2TaskFileSchema, 'task file');
  const splits = folder.json(SPLIT_FILE, splitFileSchema, 'split file (train and test task ids)');
  type State = Tau2State<Db, UserDb>;
  // Every call, the agent's or the user's, in an episode or a replay, is followed by the domain's sync.
  const agentTools = spec.tools.map((tool) => withSync(tool, spec.sync));
  const userTools = (spec.userTools ?? []).map((tool) => withSync(tool, spec.sync));
  const runners = createRunners<State>(agentTools, userTools);
  const readOnly = new Set([...runners.agent.schemas, ...runners.user.schemas].filter((schema) => schema.readOnly).map((schema) => schema.name));

  const { tasks, excluded } = buildTasks(rawTasks, splits, spec, readOnly);
  const freshState = (task: Tau2Task): State => {
    const state: State = { db: new RecordStore<Db>(data.db), userDb: data.userDb ? new RecordStore<UserDb>(data.userDb) : null };
    for (const call of task.data.initial_state?.initialization_actions ?? []) {
      if (!spec.runFunction) throw new BridleError('INTERNAL', `${spec.name} task ${task.id} has initialization actions, and the domain runs no functions`);
      spec.runFunction(state, call);
    }
    spec.sync?.(state);
    return state;
  };
  const golds = new Map<string, GoldReplay<State>>();
  const goldOf = (task: Tau2Task): GoldReplay<State> => {
    let gold = golds.get(task.id);
    if (!gold) {
      gold = replayGold(freshState(task), task.criteria?.actions ?? [], runners);
      golds.set(task.id, gold);
    }
    return gold;
  };
  const assert = spec.runFunction
    ? (state: State, assertion: EnvironmentAssertion): boolean => {
        try {
          return spec.runFunction!(state, assertion) === assertion.assert_value;
        } catch {
          return false;
        }
      }
    : undefined;
  const guidelines = folder.userGuidelines(userTools.length > 0 ? GUIDELINE_FILES.tools : GUIDELINE_FILES.plain);

  const environment = defineEnvironment<State, Tau2Task>({
    name: spec.name,
    description: spec.description,
    rules: data.ticketPolicy ?? `${data.policy.trim()}\n\n${TICKET_FORM_NOTE}`,
    // Solo form: the agent has the user's tools too (tau2's solo mode).
    tools: [...agentTools, ...userTools],
    tasks,
    maxSteps: spec.maxSteps,
    splitNote: `the benchmark's train/test ids; validation is a third of train, carved deterministically (stratified by ${spec.stratumName ?? (spec.kindOf ? 'task kind' : 'the tools of the gold writes')})`,
    createState: (task) => freshState(task),
    hashState: stateHash,
    verify: (episode) =>
      rewardOf({
        task: episode.task,
        state: episode.state,
        gold: () => goldOf(episode.task).state,
        calls: episode.calls,
        agentMessages: [...episode.transcript.filter((entry) => entry.from === 'agent').map((entry) => entry.text), ...(episode.finalMessage === null ? [] : [episode.finalMessage])],
        stopped: episode.finalMessage !== null || episode.transcript.some((entry) => entry.stop !== undefined),
        ...(assert ? { assert } : {}),
      }),
    oracle: (episode) => {
      const criteria = episode.task.criteria;
      // A task judged on its assertions and not on its database is solved by any state where they hold.
      const byAssertions = assert && criteria !== null && criteria.reward_basis.includes('ENV_ASSERTION') && !criteria.reward_basis.includes('DB');
      return oracleOf(episode, {
        gold: goldOf(episode.task),
        runners,
        purposeOf: spec.purposeOf,
        isReadOnly: (tool) => readOnly.has(tool),
        ...(spec.transferTool ? { transferTool: spec.transferTool } : {}),
        ...(byAssertions ? { goalReached: (state: State) => (criteria.env_assertions ?? []).every((assertion) => assert(forkState(state), assertion)) } : {}),
        ...(spec.repairsOf ? { repairsOf: spec.repairsOf } : {}),
        ...(spec.oracleReads ? { leadingReads: spec.oracleReads(episode.task.data) } : {}),
      });
    },
    conversation: {
      rules: `${data.policy.trim()}\n\n${CONVERSATION_NOTE}`,
      tools: agentTools,
      userTools,
      user: (task) => userBriefOf(task.data.user_scenario, { hasTools: userTools.length > 0, ...(guidelines === undefined ? {} : { guidelines }) }),
    },
  });
  return {
    ...environment,
    folder: folder.folder,
    excluded,
    gold: (taskId) => goldOf(environment.task(taskId)),
  };
}

/** The tasks on offer, in tasks.json order, with the benchmark's splits and validation carved from train. */
function buildTasks<Db extends Tables, UserDb extends Tables>(
  rawTasks: readonly Tau2TaskData[],
  splits: { train: string[]; test: string[] },
  spec: Tau2DomainSpec<Db, UserDb>,
  readOnly: ReadonlySet<string>,
): { tasks: Tau2Task[]; excluded: ExcludedTask[] } {
  const excluded: ExcludedTask[] = [];
  const test = new Set(splits.test);
  const train = new Set(splits.train);
  const offered = rawTasks.filter((task) => {
    const reason = exclusionReason(task, train, test);
    if (reason) excluded.push({ id: task.id, reason });
    return reason === undefined;
  });
  const stratum = spec.stratumOf ?? ((task: Tau2TaskData) => spec.kindOf?.(task) ?? goldWrites(task, readOnly));
  const trainTasks = offered.filter((task) => train.has(task.id));
  const carved = carveValidation(trainTasks, { seed: `${spec.name}-validation`, stratum });
  const splitOf = new Map<string, Split>(trainTasks.map((task, index) => [task.id, carved[index]!]));
  const tasks = offered.map((task): Tau2Task => {
    const kind = spec.kindOf?.(task);
    return {
      id: task.id,
      split: splitOf.get(task.id) ?? 'test',
      instruction: spec.ticketOf?.(task) ?? ticketOf(task.user_scenario),
      ...(kind === undefined ? {} : { kind }),
      data: task,
      criteria: task.evaluation_criteria,
    };
  });
  return { tasks, excluded };
}

function exclusionReason(task: Tau2TaskData, train: ReadonlySet<string>, test: ReadonlySet<string>): string | undefined {
  if (!train.has(task.id) && !test.has(task.id)) return 'in neither the train nor the test ids of split_tasks.json';
  if (task.evaluation_criteria?.reward_basis.includes('NL_ASSERTION')) return 'its reward needs an LLM judge (NL_ASSERTION), which a deterministic run does not have';
  if ((task.initial_state?.message_history ?? []).length > 0) return 'it starts from a message history, which bridle does not replay';
  if (task.initial_state?.initialization_data) return 'it updates the database with initialization_data, which bridle does not apply';
  return undefined;
}

/** The private stratum of a task without a kind: the tools of its gold actions that write, sorted ("none" for none). */
function goldWrites(task: Tau2TaskData, readOnly: ReadonlySet<string>): string {
  const names = [...new Set((task.evaluation_criteria?.actions ?? []).map((action) => action.name).filter((name) => !readOnly.has(name)))];
  return names.sort().join('+') || 'none';
}
