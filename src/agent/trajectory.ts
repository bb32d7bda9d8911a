/**
 * The trajectory log, version 1: one JSON line per episode under `.bridle/runs/<run-id>/`.
 * Defined once as zod schemas; the report, the failure miner and the tests read exactly these types.
 * Field order is format: keep it stable. Timings live under `timing` fields so that determinism checks
 * can drop them (everything else is a pure function of task, seed, backbone and harness).
 */
import { z } from 'zod';
import type { Json } from '../harness/api.ts';

export const TRAJECTORY_VERSION = 1 as const;

const json: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]),
);

export const rawToolCallSchema = z.object({ id: z.string(), name: z.string(), argumentsText: z.string() });
export const rawOutputSchema = z.object({ text: z.string(), toolCalls: z.array(rawToolCallSchema) });

export const actionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), tool: z.string(), arguments: z.record(z.string(), json) }),
  z.object({ kind: z.literal('finish'), message: z.string() }),
]);

export const toolResultSchema = z.object({ ok: z.boolean(), output: z.string() });

export const messageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({ role: z.literal('assistant'), content: z.string(), toolCalls: z.array(rawToolCallSchema).optional() }),
  z.object({ role: z.literal('tool'), toolCallId: z.string(), name: z.string(), content: z.string() }),
]);

export const sandboxViolationSchema = z.object({
  code: z.enum([
    'SANDBOX_TIMEOUT',
    'SANDBOX_MEMORY',
    'SANDBOX_BRIDGE_DENIED',
    'SANDBOX_RESULT_TOO_LARGE',
    'SANDBOX_UNSETTLED_PROMISE',
    'SANDBOX_THROW',
    'SANDBOX_INVALID_RESULT',
    'SANDBOX_LOAD_FAILED',
    'SANDBOX_WORKER_CRASH',
  ]),
  hook: z.string(),
  module: z.string().optional(),
  message: z.string(),
});

export const usageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  /** True when the numbers are estimates (simulated backbones). */
  estimated: z.boolean(),
});

export const candidateRecordSchema = z.object({
  index: z.number(),
  action: actionSchema.nullable(),
  rejection: z.string().optional(),
  blocked: z.string().optional(),
});

export const regulateVerdictSchema = z.union([
  z.object({ inject: z.string() }),
  z.object({ resample: z.number() }),
  z.object({ stop: z.string() }),
]);

/** Which modules answered (returned something) in each hook of a step: the activation evidence. */
export const firedSchema = z.object({ hook: z.string(), modules: z.array(z.string()) });

export const hookTimingSchema = z.object({ hook: z.string(), ms: z.number() });

/** One model call of the user simulator (conversational form), and the calls it made on the user's side. */
export const userTurnSchema = z.object({
  /** What the user simulator's backbone answered, untouched. */
  raw: rawOutputSchema,
  /** Tool calls on the user's side that this answer made, with their results. */
  calls: z.array(z.object({ tool: z.string(), arguments: z.record(z.string(), json), result: toolResultSchema })).optional(),
  usage: usageSchema,
});

/** An agent message to the user and what came back (conversational form). */
export const userExchangeSchema = z.object({
  /** What the agent said. */
  agent: z.string(),
  /** The user simulator's model calls for this answer, in order (tool calls on its side, then its message). */
  turns: z.array(userTurnSchema),
  /** The user's reply, as the agent receives it. */
  reply: z.string(),
  /** The stop token, when the reply ended the conversation. */
  stop: z.string().optional(),
  /** Why no reply came (the user simulator's model failed). */
  fault: z.string().optional(),
});

export const stepRecordSchema = z.object({
  index: z.number(),
  /** The messages added to the conversation for this step's model call (the system text when it changed, then the observation). */
  messages: z.array(messageSchema),
  /** Every sample drawn this step, in sample order. */
  samples: z.array(rawOutputSchema),
  /** Realize and guard verdicts for each sample. */
  candidates: z.array(candidateRecordSchema),
  /** Index of the chosen sample. */
  chosen: z.number(),
  action: actionSchema.nullable(),
  rejection: z.string().optional(),
  blocked: z.string().optional(),
  result: toolResultSchema.optional(),
  /** What the model is told next (after interpret). */
  feedback: z.string(),
  regulate: regulateVerdictSchema.optional(),
  fired: z.array(firedSchema),
  usage: usageSchema,
  peeks: z.number(),
  modelFault: z.string().optional(),
  violation: sandboxViolationSchema.optional(),
  /** Conversational form: the agent's message to the user in this step (`respond` or `finish`) and the reply. */
  user: userExchangeSchema.optional(),
  /** Wall-clock hook and model timings in ms: for measurement only, never for scoring. */
  timing: z.object({ hooks: z.array(hookTimingSchema), modelMs: z.number() }),
});

export const endReasonSchema = z.enum([
  'finished',
  'step-budget',
  'harness-stop',
  'sandbox-violation',
  'model-fault',
  'budget-exhausted',
  /** Conversational form: the user ended the conversation (a stop token such as "###STOP###"). */
  'user-stop',
]);

export const verificationSchema = z.object({
  success: z.boolean(),
  reward: z.number(),
  checks: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string().optional() })),
  differences: z.array(z.object({ table: z.string(), key: z.string(), field: z.string().optional() })),
});

export const trajectorySchema = z.object({
  version: z.literal(TRAJECTORY_VERSION),
  runId: z.string(),
  environment: z.string(),
  taskId: z.string(),
  split: z.enum(['train', 'validation', 'test']),
  trial: z.number(),
  seed: z.number(),
  backbone: z.object({ id: z.string(), simulated: z.boolean() }),
  harness: z.object({
    /** Where the harness came from: "none", a folder, or a git revision. */
    label: z.string(),
    contentHash: z.string(),
    modules: z.array(z.string()),
  }),
  runner: z.enum(['isolate', 'in-process', 'none']),
  instruction: z.string(),
  maxSteps: z.number(),
  steps: z.array(stepRecordSchema),
  end: z.object({ reason: endReasonSchema, detail: z.string().optional() }),
  finalMessage: z.string().optional(),
  verification: verificationSchema,
  success: z.boolean(),
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    estimated: z.boolean(),
    modelCalls: z.number(),
    peeks: z.number(),
    /** Model calls answered from the response cache (they cost nothing). */
    cachedCalls: z.number().default(0),
    /** Tokens of real (not estimated) calls that were not cached: what the run paid for. */
    billedTokens: z.number().default(0),
    /** US dollars of the calls that were not cached; absent when any call's price was unknown. */
    costUsd: z.number().optional(),
  }),
  violations: z.array(sandboxViolationSchema),
  /**
   * Conversational form only: who played the user, what they were told, and the opening exchange (the
   * agent's greeting and the user's first message, which is the agent's first observation).
   */
  conversation: z
    .object({
      user: z.object({ id: z.string(), simulated: z.boolean() }),
      /** The user simulator's system prompt. */
      instructions: z.string(),
      opening: userExchangeSchema,
      /** The user simulator's model calls and tokens (its billed tokens and cost are in `usage` too). */
      usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), modelCalls: z.number() }),
    })
    .optional(),
  /** Wall-clock totals in ms: for measurement only. */
  timing: z.object({ episodeMs: z.number(), hookMs: z.number(), modelMs: z.number(), hookCalls: z.number() }),
});

export type StepRecord = z.infer<typeof stepRecordSchema>;
export type UserTurn = z.infer<typeof userTurnSchema>;
export type UserExchange = z.infer<typeof userExchangeSchema>;
export type Trajectory = z.infer<typeof trajectorySchema>;
export type EndReason = z.infer<typeof endReasonSchema>;

/** A trajectory without its wall-clock and run-identity fields. */
export type DeterministicTrajectory = Omit<Trajectory, 'timing' | 'runId' | 'runner' | 'steps'> & { steps: Omit<StepRecord, 'timing'>[] };

/** Strip what legitimately varies between runs: equal for equal task, seed, backbone and harness. */
export function withoutTimings(trajectory: Trajectory): DeterministicTrajectory {
  const { timing: _timing, runId: _runId, runner: _runner, steps, ...rest } = trajectory;
  return { ...rest, steps: steps.map(({ timing: _stepTiming, ...step }) => step) };
}
