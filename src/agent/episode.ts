/**
 * One episode: environment ↔ harness ↔ backbone (DESIGN.md §1). The host runs the loop, the environment
 * and the model calls; every hook runs in the harness runner. Everything that happens is recorded on the
 * trajectory; failures of the model or the harness end the episode as data, never as exceptions.
 */
import type { Action, Candidate, Draft, HookName, JsonObject, RawOutput, StepView, ToolSchema } from '../harness/api.ts';
import { HARNESS_API_VERSION } from '../harness/api.ts';
import { defaultRank, defaultRealize, type RealizeFold, type RegulateFold } from '../harness/compose.ts';
import { RESPOND_TOOL_NAME, type ConversationSession, type Environment, type EnvironmentSession, type OracleStep } from '../contracts/environment.ts';
import type { Backbone, Completion, HistoryEntry, Message, Sampling } from '../contracts/backbone.ts';
import type {
  CompiledHarness,
  HarnessRunner,
  HarnessSession,
  HookCallResult,
  HookInputs,
  HookOutputs,
  SandboxViolation,
  SessionBridge,
  ViewState,
} from '../../sandboxes/types.ts';
import { BridleError } from '../errors.ts';
import { agentTools, conversationTools } from './finish-tool.ts';
import { assertUserBackbone, createUserSimulator, type UserSimulator } from './user-simulator.ts';
import { parseAction } from './parse-action.ts';
import { buildSystemPrompt } from './prompt.ts';
import { seedOf } from '../util/random.ts';
import {
  TRAJECTORY_VERSION,
  type EndReason,
  type StepRecord,
  type Trajectory,
  type UserExchange,
} from './trajectory.ts';

/** Everything one episode needs. */
export interface EpisodeSpec {
  runId: string;
  environment: Environment;
  taskId: string;
  /** The episode seed: the world, the backbone's sampling and the harness's `rng` derive from it. */
  seed: number;
  /** Trial number (0-based), recorded for pass^k. */
  trial: number;
  backbone: Backbone;
  harness: { label: string; compiled: CompiledHarness };
  /** Where hooks run; null runs the harness-free baseline (the harness must then be empty). */
  runner: HarnessRunner | null;
  /** Step budget; defaults to the environment's. */
  maxSteps?: number;
  sampling?: Sampling;
  /** Wall clock for timings only (never for scoring); defaults to performance.now. */
  now?: () => number;
  /** Told each step as it is recorded (a worker streams them, so a step survives the worker's death). */
  onStep?: (step: StepRecord) => void;
  /** The session's tag and tracing in the sandbox (see `SessionBridge`). */
  sandbox?: Pick<SessionBridge, 'tag' | 'trace'>;
  /**
   * A backbone playing the user: the task runs in the environment's conversational form (it must have
   * one), the agent talks to the user through `respond`, and the user may end the conversation. Absent:
   * ticket form, the task's instruction is the whole request.
   */
  user?: Backbone;
}

/** Ends the loop early with a reason. */
class EpisodeEnd extends Error {
  constructor(
    readonly reason: EndReason,
    readonly detail: string,
    readonly violation?: SandboxViolation,
  ) {
    super(detail);
  }
}

const MODEL_SEED_SALT = 'model';
const HARNESS_SEED_SALT = 'harness';

/** Run one episode and return its complete record. */
export async function runEpisode(spec: EpisodeSpec): Promise<Trajectory> {
  const now = spec.now ?? (() => performance.now());
  const episodeStart = now();
  const { environment, backbone } = spec;
  const task = environment.tasks.find((candidate) => candidate.id === spec.taskId);
  if (!task) throw new BridleError('INVALID_ARGUMENT', `unknown task "${spec.taskId}" in environment "${environment.name}"`);
  if (!spec.runner && spec.harness.compiled.modules.length > 0) {
    throw new BridleError('INTERNAL', 'a non-empty harness needs a runner');
  }
  const maxSteps = spec.maxSteps ?? environment.maxSteps;
  if (spec.user) {
    assertUserBackbone(spec.user);
    if (!environment.conversation) throw new BridleError('INVALID_ARGUMENT', `environment "${environment.name}" has no conversational form: run it without a user backbone`);
  }
  const conversationalForm = spec.user ? environment.conversation! : undefined;
  const session: EnvironmentSession = conversationalForm ? conversationalForm.reset(task.id, spec.seed) : environment.reset(task.id, spec.seed);
  const tools: ToolSchema[] = conversationalForm ? conversationTools(environment) : agentTools(environment);
  const rules = conversationalForm ? conversationalForm.rules : environment.rules;
  const baseSystem = buildSystemPrompt({ environment: environment.name, rules, tools, toolMode: backbone.toolMode });
  const user: UserSimulator | null =
    conversationalForm && spec.user
      ? createUserSimulator({ backbone: spec.user, session: session as ConversationSession, tools: conversationalForm.userTools, ...(spec.sampling ? { sampling: spec.sampling } : {}) })
      : null;
  let opening: UserExchange | undefined;
  const oracle = (): OracleStep[] => {
    if (!session.oracle) throw new BridleError('INVALID_ARGUMENT', `${backbone.id} acts from an environment oracle, and "${environment.name}" has none: use a real backbone`);
    return session.oracle();
  };
  // Sims draw their per-episode habits from the plan of the initial state; real backbones never ask for it.
  let initialPlan: OracleStep[] | undefined = backbone.simulated && session.oracle ? oracle() : undefined;

  const steps: StepRecord[] = [];
  const stepViews: StepView[] = [];
  const history: HistoryEntry[] = [];
  const violations: SandboxViolation[] = [];
  const totals = { inputTokens: 0, outputTokens: 0, estimated: false, modelCalls: 0, peeks: 0, hookMs: 0, modelMs: 0, hookCalls: 0, cachedCalls: 0, billedTokens: 0, costUsd: 0 as number | undefined };
  let end: { reason: EndReason; detail?: string } = { reason: 'step-budget', detail: `used all ${maxSteps} steps` };
  let finalMessage: string | undefined;

  const opened = spec.runner
    ? await spec.runner.open(spec.harness.compiled, {
        ...spec.sandbox,
        seed: seedOf(spec.seed, HARNESS_SEED_SALT),
        peek: (tool: string, args: JsonObject) => peekReadOnly(session, tools, tool, args),
      })
    : null;
  let harness: HarnessSession | null = null;
  if (opened && !opened.ok) {
    violations.push(opened.violation);
    end = { reason: 'sandbox-violation', detail: opened.violation.message };
  } else if (opened) {
    harness = opened.session;
  }

  try {
    if (!opened || opened.ok) {
      if (user) opening = await openConversation(user, (session as ConversationSession).user.greeting);
      if (!opening || (opening.stop === undefined && opening.fault === undefined)) await runSteps();
    }
  } finally {
    await harness?.close();
  }
  if (user) addUserSpend(user);

  const verification = session.verify();
  return {
    version: TRAJECTORY_VERSION,
    runId: spec.runId,
    environment: environment.name,
    taskId: task.id,
    split: task.split,
    trial: spec.trial,
    seed: spec.seed,
    backbone: { id: backbone.id, simulated: backbone.simulated },
    harness: { label: spec.harness.label, contentHash: spec.harness.compiled.contentHash, modules: spec.harness.compiled.modules.map((module) => module.file) },
    runner: spec.runner?.kind ?? 'none',
    instruction: opening?.reply ?? task.instruction,
    maxSteps,
    steps,
    end,
    ...(finalMessage === undefined ? {} : { finalMessage }),
    verification,
    success: verification.success,
    usage: {
      inputTokens: totals.inputTokens,
      outputTokens: totals.outputTokens,
      estimated: totals.estimated,
      modelCalls: totals.modelCalls,
      peeks: totals.peeks,
      cachedCalls: totals.cachedCalls,
      billedTokens: totals.billedTokens,
      ...(totals.costUsd === undefined ? {} : { costUsd: totals.costUsd }),
    },
    violations,
    ...(user && opening && spec.user
      ? {
          conversation: {
            user: { id: spec.user.id, simulated: spec.user.simulated },
            instructions: (session as ConversationSession).user.instructions,
            opening,
            usage: { inputTokens: user.spend.inputTokens, outputTokens: user.spend.outputTokens, modelCalls: user.spend.modelCalls },
          },
        }
      : {}),
    timing: { episodeMs: now() - episodeStart, hookMs: totals.hookMs, modelMs: totals.modelMs, hookCalls: totals.hookCalls },
  };

  /** The agent's greeting goes to the user; the user's first message is the agent's first observation. */
  async function openConversation(simulator: UserSimulator, greeting: string): Promise<UserExchange> {
    const started = now();
    const exchange = await simulator.reply(greeting);
    totals.modelMs += now() - started;
    if (exchange.fault !== undefined) end = { reason: 'model-fault', detail: exchange.fault };
    else if (exchange.stop !== undefined) end = { reason: 'user-stop', detail: `the user ended the conversation at once (${exchange.stop})` };
    return exchange;
  }

  /** The user simulator's spend belongs to the episode's bill. */
  function addUserSpend(simulator: UserSimulator): void {
    totals.billedTokens += simulator.spend.billedTokens;
    totals.costUsd = totals.costUsd === undefined || simulator.spend.costUsd === undefined ? undefined : totals.costUsd + simulator.spend.costUsd;
  }

  async function runSteps(): Promise<void> {
    const conversation: Message[] = [];
    const instruction = opening?.reply ?? task!.instruction;
    let observation = instruction;
    let previousSystem: string | undefined;
    let pendingResample = 0;
    let lastToolCalls: RawOutput['toolCalls'] = [];

    for (let index = 0; index < maxSteps; index++) {
      const record = newStepRecord(index);
      try {
        const view = (): ViewState => ({
          apiVersion: HARNESS_API_VERSION,
          environment: environment.name,
          instruction,
          tools,
          rules,
          step: index,
          maxSteps,
          trajectory: stepViews,
        });

        // prepare: what the model sees
        const prompt = await hook(record, 'prepare', { prompt: { system: baseSystem, observation } }, view(), (input) => ({ value: input.prompt, fired: [] }));
        const observationMessages = observationToMessages(prompt.observation, lastToolCalls, index === 0);
        if (prompt.system !== previousSystem) record.messages.push({ role: 'system', content: prompt.system });
        record.messages.push(...observationMessages);
        previousSystem = prompt.system;
        conversation.push(...observationMessages);
        const messages: Message[] = [{ role: 'system', content: prompt.system }, ...conversation];

        // model: one sample, or k when regulate asked for it
        const drawCount = Math.max(1, pendingResample);
        pendingResample = 0;
        const samples = [...(await complete(record, messages, drawCount, 0)).samples];

        // realize (and maybe resample), then guard each candidate
        const candidates: Candidate[] = [];
        const first = await realize(record, samples[0]!, drawCount === 1, view());
        if (first.kind === 'resample') {
          samples.push(...(await complete(record, messages, first.count - 1, 1)).samples);
        }
        for (let sampleIndex = 0; sampleIndex < samples.length; sampleIndex++) {
          const raw = samples[sampleIndex]!;
          const realized = sampleIndex === 0 && first.kind !== 'resample' ? first : await realize(record, raw, false, view());
          const candidate: Candidate = { index: sampleIndex, raw, action: null };
          if (realized.kind === 'action') {
            candidate.action = realized.action;
            const blocked = await hook(record, 'guard', { action: realized.action }, view(), () => ({ value: null, fired: [] }));
            if (blocked !== null) candidate.blocked = blocked;
          } else if (realized.kind === 'reject') {
            candidate.rejection = realized.feedback;
          }
          candidates.push(candidate);
          record.candidates.push({
            index: sampleIndex,
            action: candidate.action,
            ...(candidate.rejection === undefined ? {} : { rejection: candidate.rejection }),
            ...(candidate.blocked === undefined ? {} : { blocked: candidate.blocked }),
          });
        }
        record.samples = samples;
        const chosenIndex =
          candidates.length > 1 ? await hook(record, 'rank', { candidates }, view(), (input) => ({ value: defaultRank(input.candidates), fired: [] })) : 0;
        const chosen = candidates.find((candidate) => candidate.index === chosenIndex) ?? candidates[0]!;
        record.chosen = chosen.index;
        record.action = chosen.action;
        if (chosen.rejection !== undefined) record.rejection = chosen.rejection;
        if (chosen.blocked !== undefined) record.blocked = chosen.blocked;

        // act
        let text: string;
        let finished = false;
        let userStop: string | undefined;
        if (chosen.rejection !== undefined) {
          text = chosen.rejection;
        } else if (chosen.blocked !== undefined) {
          text = chosen.blocked;
        } else if (chosen.action?.kind === 'finish') {
          // In conversational form the last message goes to the user too (who need not answer it).
          if (user) (session as ConversationSession).say(chosen.action.message);
          session.finish(chosen.action.message);
          finalMessage = chosen.action.message;
          text = 'The episode is finished.';
          finished = true;
        } else if (chosen.action?.kind === 'call' && user && chosen.action.tool === RESPOND_TOOL_NAME) {
          const message = chosen.action.arguments.message;
          if (typeof message !== 'string' || message.trim() === '') {
            record.result = { ok: false, output: `Error: ${RESPOND_TOOL_NAME} needs a non-empty "message" string` };
          } else {
            const started = now();
            const exchange = await user.reply(message);
            record.timing.modelMs += now() - started;
            totals.modelMs += now() - started;
            record.user = exchange;
            if (exchange.fault !== undefined) throw new EpisodeEnd('model-fault', exchange.fault);
            record.result = { ok: true, output: exchange.reply };
            userStop = exchange.stop;
          }
          text = record.result.output;
        } else if (chosen.action?.kind === 'call') {
          const result = session.step(chosen.action.tool, chosen.action.arguments);
          record.result = result;
          text = result.output;
        } else {
          text = 'The output is not a valid action.';
        }
        const feedback = await hook(
          record,
          'interpret',
          { outcome: { action: chosen.action, ...(record.result ? { result: record.result } : {}), text } },
          view(),
          (input) => ({ value: input.outcome.text, fired: [] }),
        );
        record.feedback = feedback;

        // the step is done: record it where the harness and the backbone see it
        conversation.push(assistantMessage(chosen.raw, backbone.toolMode));
        lastToolCalls = backbone.toolMode === 'native' ? chosen.raw.toolCalls : [];
        stepViews.push(toStepView(record, chosen.raw));
        const entry: HistoryEntry = {
          raw: chosen.raw,
          failed: record.rejection !== undefined || record.blocked !== undefined || record.result?.ok === false,
          wrote: record.action?.kind === 'call' && record.result?.ok === true && record.action.tool !== RESPOND_TOOL_NAME && isWrite(tools, record.action.tool),
          action: record.action,
          ...(record.result ? { result: record.result } : {}),
          feedback,
        };
        history.push(entry);
        keep(record);
        if (finished) {
          end = { reason: 'finished' };
          return;
        }
        if (userStop !== undefined) {
          end = { reason: 'user-stop', detail: `the user ended the conversation (${userStop})` };
          return;
        }

        // regulate: continue, inject, resample next step, or stop
        const verdict = await hook(record, 'regulate', {}, view(), () => ({ value: null as RegulateFold, fired: [] }));
        observation = feedback;
        if (verdict) {
          record.regulate = verdict;
          if ('stop' in verdict) {
            end = { reason: 'harness-stop', detail: verdict.stop };
            return;
          }
          if ('inject' in verdict) observation = `${feedback}\n\n${verdict.inject}`;
          entry.feedback = observation;
          if ('resample' in verdict) pendingResample = verdict.resample;
        }
      } catch (error) {
        if (!(error instanceof EpisodeEnd)) throw error;
        if (error.violation) {
          record.violation = error.violation;
          violations.push(error.violation);
        }
        if (error.reason === 'model-fault' || error.reason === 'budget-exhausted') record.modelFault = error.detail;
        if (!steps.includes(record)) keep(record);
        end = { reason: error.reason, detail: error.detail };
        return;
      }
    }
  }

  function keep(record: StepRecord): void {
    steps.push(record);
    spec.onStep?.(record);
  }

  async function complete(record: StepRecord, messages: Message[], samples: number, sampleOffset: number): Promise<Completion> {
    const started = now();
    let completion: Completion;
    // The world cannot change during one call: every sample of it shares one oracle plan.
    let plan: OracleStep[] | undefined;
    try {
      completion = await backbone.complete({
        messages,
        tools,
        toolMode: backbone.toolMode,
        sampling: spec.sampling ?? {},
        samples,
        sampleOffset,
        episode: {
          environment: environment.name,
          taskId: task!.id,
          seed: seedOf(spec.seed, MODEL_SEED_SALT),
          step: record.index,
          tools,
          oracle: () => (plan ??= oracle()),
          initialPlan: () => (initialPlan ??= oracle()),
          history,
        },
      });
    } catch (error) {
      const reason: EndReason = BridleError.isInstance(error) && error.code === 'BUDGET_EXHAUSTED' ? 'budget-exhausted' : 'model-fault';
      const detail = BridleError.isInstance(error) ? `${error.code}: ${error.message}` : `INTERNAL: ${String(error)}`;
      throw new EpisodeEnd(reason, detail);
    } finally {
      const elapsed = now() - started;
      record.timing.modelMs += elapsed;
      totals.modelMs += elapsed;
      totals.modelCalls += 1;
    }
    record.usage.inputTokens += completion.usage.inputTokens;
    record.usage.outputTokens += completion.usage.outputTokens;
    record.usage.estimated ||= completion.usage.estimated === true;
    totals.inputTokens += completion.usage.inputTokens;
    totals.outputTokens += completion.usage.outputTokens;
    totals.estimated ||= completion.usage.estimated === true;
    if (completion.cached) {
      totals.cachedCalls += 1;
    } else if (!completion.usage.estimated) {
      // Estimated usage (simulated backbones) is nobody's bill.
      totals.billedTokens += completion.usage.inputTokens + completion.usage.outputTokens;
      totals.costUsd = completion.costUsd === undefined || totals.costUsd === undefined ? undefined : totals.costUsd + completion.costUsd;
    }
    if (completion.samples.length !== samples) {
      throw new EpisodeEnd('model-fault', `MODEL_BAD_RESPONSE: asked for ${samples} samples, got ${completion.samples.length}`);
    }
    return completion;
  }

  async function realize(record: StepRecord, raw: RawOutput, allowResample: boolean, view: ViewState): Promise<RealizeFold> {
    const draft: Draft = parseAction(raw, backbone.toolMode);
    return hook(record, 'realize', { draft, allowResample }, view, (input) => ({ value: defaultRealize(input.draft), fired: [] }));
  }

  /** Call a hook when some module has it, else take the default; record timing, peeks and firing modules. */
  async function hook<K extends HookName>(
    record: StepRecord,
    name: K,
    input: HookInputs[K],
    view: ViewState,
    fallback: (input: HookInputs[K]) => HookOutputs[K],
  ): Promise<HookOutputs[K]['value']> {
    if (!harness || !harness.hooks.has(name)) return fallback(input).value;
    const started = now();
    const result: HookCallResult<HookOutputs[K]> = await harness.call(name, input, view);
    const elapsed = now() - started;
    record.timing.hooks.push({ hook: name, ms: elapsed });
    totals.hookMs += elapsed;
    totals.hookCalls += 1;
    if (!result.ok) throw new EpisodeEnd('sandbox-violation', result.violation.message, result.violation);
    record.peeks += result.peeks;
    totals.peeks += result.peeks;
    if (result.value.fired.length > 0) record.fired.push({ hook: name, modules: result.value.fired });
    return result.value.value;
  }
}

function isWrite(tools: readonly ToolSchema[], name: string): boolean {
  const tool = tools.find((candidate) => candidate.name === name);
  return tool !== undefined && !tool.readOnly;
}

function peekReadOnly(session: EnvironmentSession, tools: readonly ToolSchema[], tool: string, args: JsonObject) {
  const schema = tools.find((candidate) => candidate.name === tool);
  if (!schema || !schema.readOnly) {
    throw new BridleError('SANDBOX_BRIDGE_DENIED', `peek denied: "${tool}" is not a read-only tool`);
  }
  return session.peek(tool, args);
}

function newStepRecord(index: number): StepRecord {
  return {
    index,
    messages: [],
    samples: [],
    candidates: [],
    chosen: 0,
    action: null,
    feedback: '',
    fired: [],
    usage: { inputTokens: 0, outputTokens: 0, estimated: false },
    peeks: 0,
    timing: { hooks: [], modelMs: 0 },
  };
}

/** The observation becomes a user message, or tool results answering the previous turn's native calls. */
function observationToMessages(observation: string, lastToolCalls: RawOutput['toolCalls'], first: boolean): Message[] {
  if (first || lastToolCalls.length === 0) return [{ role: 'user', content: observation }];
  return lastToolCalls.map((call, position) => ({
    role: 'tool' as const,
    toolCallId: call.id,
    name: call.name,
    content: position === 0 ? observation : 'Not executed: only the first tool call of a turn runs.',
  }));
}

function assistantMessage(raw: RawOutput, toolMode: Backbone['toolMode']): Message {
  return toolMode === 'native' && raw.toolCalls.length > 0
    ? { role: 'assistant', content: raw.text, toolCalls: raw.toolCalls }
    : { role: 'assistant', content: raw.text };
}

function toStepView(record: StepRecord, raw: RawOutput): StepView {
  const view: StepView = { index: record.index, raw, action: record.action as Action | null, feedback: record.feedback };
  if (record.rejection !== undefined) view.rejection = record.rejection;
  if (record.blocked !== undefined) view.blocked = record.blocked;
  if (record.result !== undefined) view.result = record.result;
  return view;
}

