/**
 * What a report shows, gathered from the run folder and git before any markup is written. The page is
 * rendered from these types only, so what the report claims can be tested without parsing HTML.
 * Types only.
 */
import type { BackboneSummary } from '../agent/metrics.ts';
import type { StepRecord, Trajectory } from '../agent/trajectory.ts';
import type { HarnessCommitInfo } from '../store/git/commit-message.ts';

/** A backbone as the page names it. */
export interface BackboneLabel {
  /** `provider/model`. */
  id: string;
  /** True for `sim/*`: labelled "(simulated)", and the page carries the simulated banner. */
  simulated: boolean;
}

/** One point of a success-per-iteration line. */
export interface SeriesPoint {
  /** 0 = the run's start (HEAD before any change), n = after iteration n. */
  iteration: number;
  /** Success rate in [0, 1]. */
  value: number;
}

/** An accepted commit as marked on the charts. */
export interface CommitMark {
  /** The iteration that made it. */
  iteration: number;
  /** Its candidate number. */
  candidate: number;
  /** Its sha, when the commit was made (a killed run may have accepted without committing). */
  sha?: string;
}

/** Success of HEAD per iteration on one backbone. */
export interface BackboneSeries {
  backbone: BackboneLabel;
  points: SeriesPoint[];
}

/** The two charts' data, derived from the journal. */
export interface ProgressSeries {
  /** Held-out (validation split) success of HEAD per held-out backbone: the gate's view. */
  heldout: BackboneSeries[];
  /** Train success of HEAD per train backbone, measured at the start of each iteration: the engineer's view. */
  train: BackboneSeries[];
  /** Accepted changes, by iteration. */
  marks: CommitMark[];
  /** The last iteration the journal records (the x axis ends here). */
  iterations: number;
}

/** One row of the sealed test table. */
export interface TestRow {
  backbone: BackboneLabel;
  /** True for a held-out backbone, false for a train backbone. */
  heldout: boolean;
  /** Success of the empty harness. */
  before: number;
  /** Success of the final harness. */
  after: number;
}

/** An accepted commit with its diff. */
export interface ReportCommit {
  sha: string;
  /** Author date, ISO 8601. */
  date: string;
  subject: string;
  /** The parsed message; undefined when the commit is not a well-formed harness commit. */
  info?: HarnessCommitInfo;
  /** From the journal's commit-done event. */
  iteration?: number;
  candidate?: number;
  /** Unified diff of `harnesses/<env>/` against the parent, possibly cut (see `diffOmittedLines`). */
  diff?: string;
  /** Diff lines left out to keep the page bounded. */
  diffOmittedLines: number;
  /** Why there is no diff, when there is none. */
  diffMissing?: string;
}

/** Where a candidate ended. */
export type CandidateOutcome = 'accepted' | 'check' | 'replay' | 'screen' | 'activation' | 'gate' | 'pending';

/** One candidate, accepted or rejected, from the journal. */
export interface ReportCandidate {
  candidate: number;
  iteration: number;
  kind: 'change' | 'removal';
  group: { signature: string; title: string };
  summary: string;
  /** Files written and removed. */
  files: { file: string; source: string; omittedCharacters: number }[];
  remove: string[];
  outcome: CandidateOutcome;
  /** The gate's reason (accepted) or the rejection reason. */
  reason: string;
  diagnostics: string[];
  /** Train screen: HEAD's and the candidate's success per train backbone. */
  screen?: { head: Record<string, number>; candidate: Record<string, number> };
  /** Held-out mean difference with its 95% interval, as rates, when the gate judged it. */
  delta?: { delta: number; interval: [number, number] };
  /** Engineer tokens spent on it. */
  tokens: number;
  /** Tool calls the engineer made for it (agents). */
  toolCalls?: number;
  /** try_candidate experiments the engineer ran for it (agents). */
  experiments?: number;
  /** The commit it became, if accepted and committed. */
  sha?: string;
}

/** A system prompt stored once: steps refer to it by index into {@link EmbeddedData.strings}. */
export interface SystemReference {
  role: 'system';
  ref: number;
}

/** A step as embedded: system prompts by reference, timings dropped, long texts cut. */
export type EmbeddedStep = Omit<StepRecord, 'timing' | 'messages'> & {
  messages: (Exclude<StepRecord['messages'][number], { role: 'system' }> | SystemReference)[];
};

/** A trajectory as embedded for the viewer (the versioned trajectory, trimmed; see {@link EmbeddedData.omitted}). */
export type EmbeddedTrajectory = Omit<Trajectory, 'timing' | 'steps'> & { steps: EmbeddedStep[] };

/** A pickable item of the trajectory viewer: one episode, or a before/after pair shown side by side. */
export interface EpisodeEntry {
  /** Index into {@link EmbeddedData.sources}. */
  source: number;
  label: string;
  /** Indices into {@link EmbeddedData.episodes}: one, or two for a pair (before, after). */
  episodes: number[];
  /** For pairs: the captions of the two columns. */
  captions?: [string, string];
}

/** Where episodes came from (a changed-pairs file, an evaluation label) and how many were kept. */
export interface EpisodeSource {
  label: string;
  /** Items available in the run folder (episodes, or pairs for a changed-pairs source). */
  available: number;
  /** Items embedded. */
  embedded: number;
}

/** The JSON the trajectory viewer reads: bounded, deduplicated. */
export interface EmbeddedData {
  /** Format of this block, for anyone scripting against saved reports. */
  version: 1;
  sources: EpisodeSource[];
  entries: EpisodeEntry[];
  episodes: EmbeddedTrajectory[];
  /** Shared long texts (system prompts), stored once. */
  strings: string[];
  /** Texts longer than this were cut. */
  textLimit: number;
}

/** The run's header. */
export interface RunHeader {
  runId: string;
  kind: 'evolve' | 'eval';
  environment: string;
  /** Evolve: train backbones; eval: every backbone. */
  train: BackboneLabel[];
  /** Evolve: held-out backbones; eval: none. */
  heldout: BackboneLabel[];
  /** True when any backbone is simulated: the page says its numbers are not LLM results. */
  simulated: boolean;
  /** Plain key/value facts for the header table (engineer, branch, seeds, trials, stop reason, ...). */
  facts: [string, string][];
  /** Set when the run has not finished (no run-end in the journal). */
  incomplete?: string;
}

/** Everything one report page shows. */
export interface RunReport {
  header: RunHeader;
  /** Evolve runs only. */
  progress?: ProgressSeries;
  test: TestRow[];
  commits: ReportCommit[];
  candidates: ReportCandidate[];
  /** Eval runs: the score table. */
  scores: BackboneSummary[];
  data: EmbeddedData;
  /** What the page leaves out, one sentence each. */
  omitted: string[];
  /** Problems met while reading the run that did not stop the report (missing branch, unreadable file). */
  notes: string[];
}
