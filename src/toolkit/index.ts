/**
 * The environment toolkit (`bridle/toolkit`): everything needed to write an environment, the same pieces
 * bridle's own environments are built with. See docs/environments.md.
 */
export {
  defineEnvironment,
  type CallRecord,
  type ConversationSpec,
  type DefinedConversation,
  type DefinedEnvironment,
  type DefinedSession,
  type Episode,
  type EnvironmentSpec,
  type OracleSession,
  type TranscriptEntry,
} from './define-environment.ts';
export {
  createToolRunner,
  defineTool,
  param,
  refuse,
  toolError,
  toolResult,
  unknownToolError,
  ToolRefusal,
  type ToolDefinition,
  type ToolRunner,
  type ToolSpec,
} from './tools.ts';
export { validateArguments, type ValidationOptions } from './validate-arguments.ts';
export { check, compareRecords, describeDifference, verdict, type Tables } from './verify.ts';
export { carveValidation, dealSplits, type DealOptions, type SplitShares } from './splits.ts';
export { callStep, finishStep, remainingPlan, respondStep, sameCall } from './oracle.ts';
export { RESPOND_TOOL_NAME } from '../contracts/environment.ts';
export { canonicalEqual, canonicalJson, cloneJson, hashOf } from './canonical.ts';
export { createRandom, hashString, seedOf, type Random } from '../util/random.ts';
export type {
  Conversation,
  ConversationSession,
  Environment,
  EnvironmentFactory,
  EnvironmentOptions,
  EnvironmentSession,
  FinishWording,
  OraclePurpose,
  OracleStep,
  Split,
  StateDifference,
  TaskInfo,
  UserBrief,
  Verification,
  VerificationCheck,
} from '../contracts/environment.ts';
export type { Action, Json, JsonObject, ParameterSchema, ToolResult, ToolSchema } from '../harness/api.ts';
