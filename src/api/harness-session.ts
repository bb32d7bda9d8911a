/**
 * Step-level hooks of a loaded harness, for a user's own agent loop and model client (DESIGN.md §1, §6).
 * One session is one episode: a fresh sandbox context, the task's instruction, tools and rules, and the
 * steps recorded so far. The user's loop calls the hooks in the order bridle's loop does:
 *
 * ```
 * prepare(prompt) → [your model call] → realize(output) → (rank) → guard(action) → [run the action]
 *   → interpret(outcome) → record(step) → regulate()
 * ```
 *
 * Each hook answers exactly as it does in `runEpisode` for the same inputs and seed; a hook no module
 * defines answers with bridle's default (the strict parser for `realize`, allow for `guard`, …). A
 * sandbox violation (a throwing module, a timeout, memory) is thrown as a BridleError with the
 * violation's code: the caller decides what its loop does then. After a timeout or memory violation the
 * session's context is gone, and later calls throw it again.
 */
import type {
  Action,
  Candidate,
  GuardVerdict,
  HookName,
  JsonObject,
  Outcome,
  Prompt,
  RawOutput,
  RegulateVerdict,
  StepView,
  ToolResult,
  ToolSchema,
} from '../harness/api.ts';
import { HARNESS_API_VERSION } from '../harness/api.ts';
import { defaultRank, type RealizeFold } from '../harness/compose.ts';
import type { ToolMode } from '../contracts/backbone.ts';
import type { CompiledHarness, HarnessRunner, HarnessSession, HookInputs, HookOutputs, ModuleInfo, ViewState } from '../../sandboxes/types.ts';
import { FINISH_TOOL, FINISH_TOOL_NAME } from '../agent/finish-tool.ts';
import { parseAction } from '../agent/parse-action.ts';
import { BridleError } from '../errors.ts';
import { seedOf } from '../util/random.ts';

/** What a session needs to know about the episode. */
export interface SessionOptions {
  /** The task as the agent received it. */
  instruction: string;
  /** The tools the agent may call. bridle's `finish` tool (one `message` argument) is added when absent, as in bridle's loop. */
  tools: readonly ToolSchema[];
  /** The written policy; default: the environment's rules when bridle knows the environment, else none. */
  rules?: string;
  /** The episode seed: `view.rng` derives from it exactly as in bridle's loop. */
  seed: number;
  /**
   * Answer a read-only tool call for `view.peek` (only tools marked `readOnly` are asked; never mutate).
   * Without it a peek answers `{ ok: false }` and modules carry on without the lookup.
   */
  peek?: (tool: string, args: JsonObject) => ToolResult;
  /** Step budget modules see as `view.maxSteps`; default: the environment's, else 30. */
  maxSteps?: number;
  /** How the model states actions: JSON text (default) or native tool calls; decides the strict parser. */
  toolMode?: ToolMode;
}

/** A step as the user's loop records it after running (or not running) the action. */
export interface RecordedStep {
  /** The model output that was used this step (text, or a RawOutput with native tool calls). */
  raw: RawOutput | string;
  /** The action that was realized, or null when realize rejected the output. */
  action: Action | null;
  /** Why realize rejected the output. */
  rejection?: string;
  /** Why guard blocked the action (it did not run). */
  blocked?: string;
  /** What the environment (your tool) answered, when the action ran. */
  result?: ToolResult;
  /** What the model was told afterwards (usually interpret's answer). */
  feedback?: string;
}

/** Modules that answered one hook call. */
export interface FiredHook {
  /** The step index the call belonged to. */
  step: number;
  hook: HookName;
  modules: string[];
}

/** One episode's hooks. Every method runs the modules in the sandbox. */
export interface HarnessStepSession {
  /** The loaded modules, in fold order, with the hooks each defines. */
  readonly modules: readonly ModuleInfo[];
  /** The tools as modules see them (yours, plus `finish` when absent): offer exactly these to the model. */
  readonly tools: readonly ToolSchema[];
  /** The steps recorded so far: what modules see as `view.trajectory`. */
  readonly trajectory: readonly StepView[];
  /** Which modules answered which hook call, in order: the harness at work. */
  readonly fired: readonly FiredHook[];
  /** Shape what the model sees this step (system text, observation). */
  prepare(prompt: Prompt): Promise<Prompt>;
  /**
   * Turn a model output into an action: bridle's strict default parser first, then the modules' realize.
   * Answers `{ kind: 'action' }`, `{ kind: 'reject', feedback }` or `{ kind: 'resample', count }` (draw
   * that many samples, realize each with `allowResample: false`, and pick one with `rank`).
   */
  realize(output: RawOutput | string, options?: { allowResample?: boolean }): Promise<RealizeFold>;
  /** Pick one of several samples (their realized and guarded states); answers a candidate's `index`. */
  rank(candidates: Candidate[]): Promise<number>;
  /** Check an action before it runs: `{ block: feedback }` to refuse it, null to allow. */
  guard(action: Action): Promise<GuardVerdict | null>;
  /** Rewrite what the model is told after an action. */
  interpret(outcome: Outcome): Promise<string>;
  /** After `record`: continue (null), inject a message, resample next step, or stop. */
  regulate(): Promise<RegulateVerdict | null>;
  /** Append a finished step, so later hooks see it in `view.trajectory`. */
  record(step: RecordedStep): StepView;
  /** Release the sandbox context. */
  close(): Promise<void>;
}

/** What the loaded harness gives a session. */
export interface SessionHost {
  environment: string;
  compiled: CompiledHarness;
  runner: HarnessRunner;
  /** Defaults for `rules` and `maxSteps` when the environment is known. */
  defaults: { rules: string; maxSteps: number };
}

/** Same salt as bridle's episode loop, so `view.rng` draws the same numbers for the same seed. */
const HARNESS_SEED_SALT = 'harness';

function asRaw(output: RawOutput | string): RawOutput {
  return typeof output === 'string' ? { text: output, toolCalls: [] } : { text: output.text, toolCalls: output.toolCalls };
}

function defaultRealize(draft: { action: Action | null; error?: string }): RealizeFold {
  return draft.action ? { kind: 'action', action: draft.action } : { kind: 'reject', feedback: draft.error ?? 'The output is not a valid action.' };
}

/** Open one session: a fresh sandbox context for one episode of the user's loop. */
export async function openStepSession(host: SessionHost, options: SessionOptions): Promise<HarnessStepSession> {
  const tools: readonly ToolSchema[] = options.tools.some((tool) => tool.name === FINISH_TOOL_NAME) ? [...options.tools] : [...options.tools, FINISH_TOOL];
  const rules = options.rules ?? host.defaults.rules;
  const maxSteps = options.maxSteps ?? host.defaults.maxSteps;
  const toolMode = options.toolMode ?? 'text';
  const trajectory: StepView[] = [];
  const fired: FiredHook[] = [];

  const opened = await host.runner.open(host.compiled, {
    seed: seedOf(options.seed, HARNESS_SEED_SALT),
    peek(tool, args) {
      const schema = tools.find((candidate) => candidate.name === tool);
      if (!schema || !schema.readOnly) throw new BridleError('SANDBOX_BRIDGE_DENIED', `peek denied: "${tool}" is not a read-only tool`);
      return options.peek ? options.peek(tool, args) : { ok: false, output: 'peek is not available: the host gave this session no peek function' };
    },
  });
  if (!opened.ok) throw new BridleError(opened.violation.code, `the harness did not load: ${opened.violation.message}`, { cause: opened.violation });
  const session: HarnessSession = opened.session;

  const view = (): ViewState => ({
    apiVersion: HARNESS_API_VERSION,
    environment: host.environment,
    instruction: options.instruction,
    tools,
    rules,
    step: trajectory.length,
    maxSteps,
    trajectory,
  });

  async function call<K extends HookName>(hook: K, input: HookInputs[K], fallback: () => HookOutputs[K]['value']): Promise<HookOutputs[K]['value']> {
    if (!session.hooks.has(hook)) return fallback();
    const result = await session.call(hook, input, view());
    if (!result.ok) {
      const { violation } = result;
      throw new BridleError(violation.code, `${hook}${violation.module ? ` (${violation.module})` : ''}: ${violation.message}`, { cause: violation });
    }
    if (result.value.fired.length > 0) fired.push({ step: trajectory.length, hook, modules: result.value.fired });
    return result.value.value;
  }

  return {
    modules: session.modules,
    tools,
    trajectory,
    fired,
    prepare: (prompt) => call('prepare', { prompt: { system: prompt.system, observation: prompt.observation } }, () => prompt),
    realize(output, realizeOptions = {}) {
      const draft = parseAction(asRaw(output), typeof output === 'string' ? 'text' : toolMode);
      return call('realize', { draft, allowResample: realizeOptions.allowResample ?? true }, () => defaultRealize(draft));
    },
    rank: (candidates) => call('rank', { candidates }, () => defaultRank(candidates)),
    async guard(action) {
      const blocked = await call('guard', { action }, () => null);
      return blocked === null ? null : { block: blocked };
    },
    interpret: (outcome) => call('interpret', { outcome }, () => outcome.text),
    regulate: () => call('regulate', {}, () => null),
    record(step) {
      const recorded: StepView = { index: trajectory.length, raw: asRaw(step.raw), action: step.action, feedback: step.feedback ?? '' };
      if (step.rejection !== undefined) recorded.rejection = step.rejection;
      if (step.blocked !== undefined) recorded.blocked = step.blocked;
      if (step.result !== undefined) recorded.result = step.result;
      trajectory.push(recorded);
      return recorded;
    },
    close: () => session.close(),
  };
}
