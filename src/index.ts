/**
 * bridle's library entry point: the one file that decides what is public.
 * Harness module authors import from `bridle/harness` instead (the API types and `defineModule` only).
 */
export { evaluate, type EvaluateOptions, type EvaluateResult } from './api/evaluate.ts';
export { evolve, type EvolveInput, type EvolveResult, type EvolveProgress, type TestComparison } from './meta/evolve/index.ts';
export { calibrate, calibrateTrajectories, type CalibrateOptions, type CalibrationResult, type FittedRate } from './calibrate/index.ts';
export {
  loadHarness,
  type LoadHarnessOptions,
  type LoadedHarness,
  type LoadedPin,
  type RunOptions,
  type HarnessEvaluation,
  type HarnessStepSession,
  type SessionOptions,
  type RecordedStep,
  type FiredHook,
} from './api/load-harness.ts';
export { reviewRuns, reviewRun } from './review/review.ts';
export { showCommit } from './review/show.ts';
export { adoptRun } from './review/adopt.ts';
export { revertCommit } from './review/revert.ts';
export { pinHarness, listPins } from './store/pins.ts';
export { writeRunReport } from './report/index.ts';
export { defineConfig, loadConfig, type BridleConfig, type BridleConfigInput, type BackboneSettings } from './config/index.ts';
export { defineModule, HARNESS_API_VERSION } from './harness/api.ts';
export type {
  Action,
  Candidate,
  Draft,
  GuardVerdict,
  HarnessModule,
  HookName,
  Json,
  JsonObject,
  Outcome,
  ParameterSchema,
  Prompt,
  RawOutput,
  RawToolCall,
  RealizeVerdict,
  RegulateVerdict,
  StepView,
  ToolResult,
  ToolSchema,
  View,
} from './harness/api.ts';
export type { Backbone, Completion, CompletionRequest, Message, Sampling, ToolMode, Usage } from './contracts/backbone.ts';
export type { Trajectory, StepRecord } from './agent/trajectory.ts';
export type { BackboneSummary } from './agent/metrics.ts';
export { BridleError, type BridleErrorCode } from './errors.ts';
export { BUILTIN_ENVIRONMENTS, type BuiltinEnvironment } from '../environments/index.ts';
export { loadEnvironment, openEnvironment, type EnvironmentContext, type OpenedEnvironment } from './environment/load.ts';
export { listEnvironments, type EnvironmentListing } from './environment/catalog.ts';
export type { EnvironmentRef } from './environment/reference.ts';
export * from './toolkit/index.ts';
export { resolveBackbone, DEFAULT_SIM_IDS } from './models/registry.ts';
export { SIM_PROFILES, SIM_MODES, type SimProfile, type SimProfileInput, type SimMode, type ModeRates } from './models/sim/index.ts';
export { createAnthropicBackbone, createOpenAIBackbone, createLlamaCppBackbone } from './models/index.ts';
