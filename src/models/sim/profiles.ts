/**
 * Simulated backbone profiles: documented mixes of failure modes seen in real LLM agents (DESIGN.md §4).
 * A sim acts from the environment's oracle and corrupts that action through these seeded rates. Every
 * mode is repairable only by a generic mechanism (tool schemas, written rules, environment feedback,
 * trajectory), except `residual`, which no harness should fix. Names are neutral on purpose: sims are not
 * models, and their results are not evidence about real LLMs.
 */

/** Per-step (or per-episode, for `residual`) probabilities of each failure mode. */
export interface SimProfile {
  /** Short neutral name: the backbone id is `sim/<name>`. */
  name: string;
  /** One line: what this profile mostly gets wrong. */
  summary: string;
  /** The action is rendered with format noise: prose, fences, quotes, key synonyms, tool-name case, call syntax. */
  formatNoise: number;
  /** One argument is mis-formatted: id without its prefix, camelCase key, scalar for a list, padded text. */
  argumentSlip: number;
  /** A plausible but non-existent tool name is used. */
  hallucination: number;
  /** A required identification or confirmation step is skipped and the write is done directly. */
  policySlip: number;
  /** A write is sent with one argument different from what was just confirmed (valid-looking, wrong). */
  writeDrift: number;
  /** The episode is finished while work remains (more likely right after a successful write). */
  prematureStop: number;
  /** After a failed step, the same failed output is repeated verbatim (drawing again at a new sample index mostly escapes it). */
  perseveration: number;
  /** After failed steps, the episode is abandoned with an apology; the chance grows with each consecutive failure (up to three). */
  giveUp: number;
  /** Per episode: a consistent wrong-but-valid belief about one write. No harness can repair it. */
  residual: number;
}

export const SIM_PROFILES: readonly SimProfile[] = [
  {
    name: 'scatter',
    summary: 'mostly output-format noise, often repeated after an error',
    formatNoise: 0.42,
    argumentSlip: 0.04,
    hallucination: 0.02,
    policySlip: 0.03,
    writeDrift: 0,
    prematureStop: 0.01,
    perseveration: 0.6,
    giveUp: 0.16,
    residual: 0.12,
  },
  {
    name: 'slip',
    summary: 'argument and id format errors and hallucinated tool names',
    formatNoise: 0.05,
    argumentSlip: 0.4,
    hallucination: 0.14,
    policySlip: 0.03,
    writeDrift: 0.02,
    prematureStop: 0.01,
    perseveration: 0.55,
    giveUp: 0.16,
    residual: 0.12,
  },
  {
    name: 'rush',
    summary: 'policy slips: skips identification or confirmation, writes something other than what was confirmed',
    formatNoise: 0.05,
    argumentSlip: 0.05,
    hallucination: 0.02,
    policySlip: 0.4,
    writeDrift: 0.2,
    prematureStop: 0.03,
    perseveration: 0.3,
    giveUp: 0.08,
    residual: 0.12,
  },
  {
    name: 'drift',
    summary: 'perseveration on failed outputs and premature stops',
    formatNoise: 0.14,
    argumentSlip: 0.1,
    hallucination: 0.05,
    policySlip: 0.04,
    writeDrift: 0.02,
    prematureStop: 0.14,
    perseveration: 0.88,
    giveUp: 0.04,
    residual: 0.12,
  },
  {
    name: 'mixed',
    summary: 'a little of every failure mode',
    formatNoise: 0.16,
    argumentSlip: 0.14,
    hallucination: 0.05,
    policySlip: 0.14,
    writeDrift: 0.06,
    prematureStop: 0.05,
    perseveration: 0.6,
    giveUp: 0.1,
    residual: 0.12,
  },
];

/**
 * The oracle itself: every rate zero. Not a default backbone: the meta-loop replays correct trajectories
 * with it (a harness that blocks or alters a correct action is rejected), and it checks environments.
 */
export const ORACLE_PROFILE: SimProfile = {
  name: 'oracle',
  summary: 'no failures: the environment oracle\'s correct actions',
  formatNoise: 0,
  argumentSlip: 0,
  hallucination: 0,
  policySlip: 0,
  writeDrift: 0,
  prematureStop: 0,
  perseveration: 0,
  giveUp: 0,
  residual: 0,
};

/** How much less likely perseveration is on a resampled draw (sample index > 0). */
export const RESAMPLE_PERSEVERATION_FACTOR = 0.25;

export function findSimProfile(name: string): SimProfile | undefined {
  return name === ORACLE_PROFILE.name ? ORACLE_PROFILE : SIM_PROFILES.find((profile) => profile.name === name);
}
