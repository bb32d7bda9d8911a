/**
 * Simulated backbone profiles: documented mixes of failure modes seen in real LLM agents (DESIGN.md §4).
 * A sim acts from the environment's oracle and corrupts that action through these seeded rates. Every
 * mode is repairable only by a generic mechanism (tool schemas, written rules, environment feedback,
 * trajectory), except `residual`, which no harness should fix. Names are neutral on purpose: sims are not
 * models, and their results are not evidence about real LLMs.
 *
 * Each failure mode has two parts:
 * - a **habit**, drawn once per episode from a seed of (profile, environment, task, episode seed) and
 *   nothing else: a concrete, consistent behaviour ("wraps every action in a ```json fence", "drops the
 *   prefix of `order_id`", "calls `fetch_order_details` for `get_order_details`", "skips the
 *   confirmation") that holds for every step, sample and retry of the episode. Drawing again never
 *   repairs it; only code that transforms or checks the output does (or feedback that names the fix,
 *   for that one step).
 * - a **noise** part, drawn per sample: a one-off slip that a fresh sample usually does not repeat.
 *
 * Why most of a profile's failure is habit: environments range from 2 steps (SQL) to 30 (a household
 * text world). A per-step rate compounds with the horizon (0.9 per step is 81% over 2 steps and 4% over
 * 30), so no per-step mix can keep the raw score of every environment in the 10–60% band. A per-episode
 * habit sinks an episode once, whatever its length. So the profiles put most of their failure into habits
 * (each bites in any environment that has the thing it is about: actions to format, arguments, tools,
 * confirmations) and keep the per-sample noise small, so that a 30-step episode still survives its noise
 * most of the time while a 2-step one barely notices it.
 */

/** The failure modes that have a habit and a noise part, in the order a sim applies them. */
export const SIM_MODES = ['giveUp', 'prematureStop', 'policy', 'writeDrift', 'toolName', 'arguments', 'format'] as const;
/** One failure mode. */
export type SimMode = (typeof SIM_MODES)[number];

/** A mode's two rates. */
export interface ModeRates {
  /** Probability that an episode has the habit (drawn once per episode; then it applies every time it can). */
  habit: number;
  /** Probability of a one-off slip at each chance (per sample; per argument for `arguments`). */
  noise: number;
}

/** What each mode is, as the README and `bridle calibrate` describe it. */
export const MODE_DESCRIPTIONS: Readonly<Record<SimMode, string>> = {
  format: 'the action is written in another format: prose or fences around it, other keys, quotes, call syntax, a wrapper object, stringified arguments, tool-name case',
  arguments: 'one argument is mis-formatted: an id without its prefix, a camelCase or kebab-case key, a bare value for a list, padded or upper-case text, a number as text, a list as a string',
  toolName: 'a tool is called by a name that does not exist (a synonym verb, a namespace, a suffix, another inflection)',
  policy: 'a required identification or confirmation step is skipped and the write is done directly',
  writeDrift: 'a write is sent with one argument different from what was confirmed (valid-looking, wrong)',
  prematureStop: 'the episode is finished right after a successful state change while work remains',
  giveUp: 'right after a failed step the episode is abandoned with an apology (once: told to go on, it does not give up again)',
};

/** A simulated backbone's failure profile. */
export interface SimProfile {
  /** Short neutral name: the backbone id is `sim/<name>`. */
  name: string;
  /** One line: what this profile mostly gets wrong. */
  summary: string;
  /** Habit and noise rate of each failure mode. */
  modes: Record<SimMode, ModeRates>;
  /** After a failed step, the probability of repeating the failed output verbatim (when no feedback is followed). */
  perseveration: number;
  /**
   * After a failed step, the probability of following feedback that names the correct next tool or the
   * correct value of an argument the sim got wrong, divided by the number of candidates it names.
   */
  compliance: number;
  /** Share of samples k > 0 of one step that are identical to sample 0 (a real model's samples are correlated). */
  sampleCorrelation: number;
  /** Per episode: a consistent, valid, policy-compliant but wrong belief about the first write. No harness can repair it. */
  residual: number;
}

const ZERO: ModeRates = { habit: 0, noise: 0 };

function modes(rates: Partial<Record<SimMode, ModeRates>>): Record<SimMode, ModeRates> {
  return Object.fromEntries(SIM_MODES.map((mode) => [mode, rates[mode] ?? ZERO])) as Record<SimMode, ModeRates>;
}

/** The built-in profiles: the defaults, and what `--backbone` and evolve's train/held-out sets use offline. */
export const SIM_PROFILES: readonly SimProfile[] = [
  {
    name: 'scatter',
    summary: 'mostly output-format habits, repeated after an error',
    modes: modes({
      format: { habit: 0.45, noise: 0.02 },
      arguments: { habit: 0.05, noise: 0.005 },
      toolName: { habit: 0.05, noise: 0.005 },
      policy: { habit: 0.05, noise: 0.01 },
      prematureStop: { habit: 0.03, noise: 0.005 },
      giveUp: { habit: 0.1, noise: 0.1 },
    }),
    perseveration: 0.6,
    compliance: 0.6,
    sampleCorrelation: 0.5,
    residual: 0.12,
  },
  {
    name: 'slip',
    summary: 'argument and id format habits, and tool names that do not exist',
    modes: modes({
      format: { habit: 0.2, noise: 0.01 },
      arguments: { habit: 0.35, noise: 0.01 },
      toolName: { habit: 0.3, noise: 0.01 },
      policy: { habit: 0.03, noise: 0.01 },
      writeDrift: { habit: 0.02, noise: 0.005 },
      prematureStop: { habit: 0.02, noise: 0.005 },
      giveUp: { habit: 0.1, noise: 0.1 },
    }),
    perseveration: 0.55,
    compliance: 0.7,
    sampleCorrelation: 0.5,
    residual: 0.12,
  },
  {
    name: 'rush',
    summary: 'policy habits: skips identification or confirmation, writes something other than what was confirmed',
    modes: modes({
      format: { habit: 0.25, noise: 0.01 },
      arguments: { habit: 0.04, noise: 0.005 },
      toolName: { habit: 0.15, noise: 0.005 },
      policy: { habit: 0.4, noise: 0.02 },
      writeDrift: { habit: 0.2, noise: 0.01 },
      prematureStop: { habit: 0.05, noise: 0.01 },
      giveUp: { habit: 0.05, noise: 0.05 },
    }),
    perseveration: 0.3,
    compliance: 0.8,
    sampleCorrelation: 0.4,
    residual: 0.15,
  },
  {
    name: 'drift',
    summary: 'stops early and gives up: premature finishes, give-ups after errors, strong perseveration',
    modes: modes({
      format: { habit: 0.3, noise: 0.03 },
      arguments: { habit: 0.08, noise: 0.01 },
      toolName: { habit: 0.1, noise: 0.01 },
      policy: { habit: 0.04, noise: 0.01 },
      writeDrift: { habit: 0.02, noise: 0.005 },
      prematureStop: { habit: 0.35, noise: 0.03 },
      giveUp: { habit: 0.3, noise: 0.2 },
    }),
    perseveration: 0.85,
    compliance: 0.35,
    sampleCorrelation: 0.7,
    residual: 0.12,
  },
  {
    name: 'mixed',
    summary: 'a little of every failure mode',
    modes: modes({
      format: { habit: 0.3, noise: 0.02 },
      arguments: { habit: 0.12, noise: 0.01 },
      toolName: { habit: 0.12, noise: 0.01 },
      policy: { habit: 0.12, noise: 0.01 },
      writeDrift: { habit: 0.06, noise: 0.005 },
      prematureStop: { habit: 0.08, noise: 0.01 },
      giveUp: { habit: 0.1, noise: 0.1 },
    }),
    perseveration: 0.6,
    compliance: 0.55,
    sampleCorrelation: 0.5,
    residual: 0.12,
  },
];

/**
 * The oracle itself: every rate zero. Not a default backbone: the meta-loop replays correct trajectories
 * with it (a harness that blocks or alters a correct action is rejected), and it checks environments.
 */
export const ORACLE_PROFILE: SimProfile = {
  name: 'oracle',
  summary: "no failures: the environment oracle's correct actions",
  modes: modes({}),
  perseveration: 0,
  compliance: 0,
  sampleCorrelation: 0,
  residual: 0,
};

/** Names a profile from the configuration may not take. */
export const BUILT_IN_PROFILE_NAMES: readonly string[] = [...SIM_PROFILES.map((profile) => profile.name), ORACLE_PROFILE.name];

/** A built-in profile by name (the oracle included). */
export function findBuiltInProfile(name: string): SimProfile | undefined {
  return name === ORACLE_PROFILE.name ? ORACLE_PROFILE : SIM_PROFILES.find((profile) => profile.name === name);
}
