/** The run store engineers read (train only) and its export as files for coding agents. */
export {
  assertTrainOnly,
  createRunStore,
  HEAD_SOURCE,
  STORE_FIELD_CHARS,
  STORE_MAX_ROWS,
  type CandidateDetail,
  type CandidateSummary,
  type GrepMatch,
  type GroupView,
  type RawTrajectoryView,
  type RunStore,
  type RunStoreHandle,
  type RunStoreInput,
  type StepView,
  type TrajectoryFilter,
  type TrajectorySummary,
  type TrajectoryView,
  type VerdictView,
} from './run-store.ts';
export { exportRunStore, type ExportedStore } from './export.ts';
export { diffHarness, diffText } from './diff.ts';
