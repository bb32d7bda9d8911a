/**
 * tau2-bench's task files, as zod schemas (the data comes from the user's folder: every field is checked
 * before anything runs): `tasks.json` (user scenario, optional ticket and initial state, evaluation
 * criteria with gold actions, communicate_info, env_assertions and the reward basis) and
 * `split_tasks.json` (task ids per split).
 */
import { z } from 'zod';

const json: z.ZodType<unknown> = z.unknown();

/** Structured user instructions (tau2's StructuredUserInstructions). */
export const userInstructionsSchema = z.looseObject({
  domain: z.string(),
  reason_for_call: z.string(),
  known_info: z.string().nullable().default(null),
  unknown_info: z.string().nullable().default(null),
  task_instructions: z.string(),
});

/** What the user simulator is told (tau2's UserScenario); instructions may also be free text. */
export const userScenarioSchema = z.looseObject({
  persona: z.string().nullable().default(null),
  instructions: z.union([userInstructionsSchema, z.string()]),
});

/** A gold action (tau2's Action). */
export const goldActionSchema = z.looseObject({
  action_id: z.string(),
  /** Who makes the call: the agent ("assistant") or the user (telecom's device). */
  requestor: z.enum(['assistant', 'user']).default('assistant'),
  name: z.string(),
  arguments: z.record(z.string(), json),
  info: z.string().nullable().default(null),
  /** The arguments the ACTION check compares (null: every argument of the agent's call). */
  compare_args: z.array(z.string()).nullable().default(null),
});

/** A function call on the agent's or the user's side (tau2's EnvFunctionCall). */
export const environmentCallSchema = z.looseObject({
  env_type: z.enum(['assistant', 'user']),
  func_name: z.string(),
  arguments: z.record(z.string(), json),
});

/** An assertion on the final state (tau2's EnvAssertion). */
export const environmentAssertionSchema = environmentCallSchema.extend({
  assert_value: z.boolean().default(true),
  message: z.string().nullable().default(null),
});

export const REWARD_TYPES = ['DB', 'ENV_ASSERTION', 'NL_ASSERTION', 'ACTION', 'COMMUNICATE'] as const;
/** What a task's reward is made of. */
export type RewardType = (typeof REWARD_TYPES)[number];

/** tau2's EvaluationCriteria; reward_basis defaults to DB and COMMUNICATE, as in tau2. */
export const evaluationCriteriaSchema = z.looseObject({
  actions: z.array(goldActionSchema).nullable().default(null),
  env_assertions: z.array(environmentAssertionSchema).nullable().default(null),
  communicate_info: z.array(z.string()).nullable().default(null),
  nl_assertions: z.array(z.string()).nullable().default(null),
  reward_basis: z.array(z.enum(REWARD_TYPES)).default(['DB', 'COMMUNICATE']),
});

/** tau2's InitialState: data updates, setup calls, and (unsupported here) a message history. */
export const initialStateSchema = z.looseObject({
  initialization_data: z
    .looseObject({ agent_data: z.record(z.string(), json).nullable().default(null), user_data: z.record(z.string(), json).nullable().default(null) })
    .nullable()
    .default(null),
  initialization_actions: z.array(environmentCallSchema).nullable().default(null),
  message_history: z.array(json).nullable().default(null),
});

/** One task of tasks.json. */
export const tau2TaskSchema = z.looseObject({
  id: z.string().min(1),
  description: z.looseObject({ purpose: z.string().nullable().optional() }).nullable().optional(),
  user_scenario: userScenarioSchema,
  /** A one-paragraph ticket (telecom has one for solo mode). */
  ticket: z.string().nullable().optional(),
  initial_state: initialStateSchema.nullable().default(null),
  evaluation_criteria: evaluationCriteriaSchema.nullable().default(null),
});

export const tau2TaskFileSchema = z.array(tau2TaskSchema).min(1, { error: 'expected at least one task' });

/** split_tasks.json: task ids per split name ("train", "test", and others such as "base"). */
export const splitFileSchema = z.looseObject({ train: z.array(z.string()), test: z.array(z.string()) });

export type Tau2TaskData = z.infer<typeof tau2TaskSchema>;
export type GoldAction = z.infer<typeof goldActionSchema>;
export type EnvironmentCall = z.infer<typeof environmentCallSchema>;
export type EnvironmentAssertion = z.infer<typeof environmentAssertionSchema>;
export type EvaluationCriteria = z.infer<typeof evaluationCriteriaSchema>;
export type UserScenario = z.infer<typeof userScenarioSchema>;
export type SplitFile = z.infer<typeof splitFileSchema>;
