/**
 * Scores over trajectories (DESIGN.md §8): success rate, pass^k, mean steps, per backbone.
 * Pure functions over trajectory summaries.
 */

/** The few fields of a trajectory that scoring needs. */
export interface EpisodeScore {
  backbone: string;
  simulated: boolean;
  taskId: string;
  trial: number;
  seed: number;
  success: boolean;
  /** The verifier's reward in [0, 1] (partial where the environment gives partial credit). */
  reward: number;
  steps: number;
  endReason: string;
  violations: number;
  /** Model tokens of the episode, input plus output, every sample included. */
  tokens: number;
  /** True when the tokens are estimates (simulated backbones). */
  tokensEstimated: boolean;
}

export interface BackboneSummary {
  backbone: string;
  simulated: boolean;
  episodes: number;
  tasks: number;
  trials: number;
  /** Share of successful episodes, in [0, 1]. */
  successRate: number;
  /** Mean reward, in [0, 1]: above the success rate where the environment gives partial credit. */
  meanReward: number;
  /** Share of tasks passed in every one of their trials (pass^k with k = trials). */
  passHatK: number;
  meanSteps: number;
  /** Episodes that ended in a sandbox violation. */
  violations: number;
  /** Episode counts by end reason. */
  endReasons: Record<string, number>;
  /** Mean model tokens per episode (input plus output, every sample). */
  tokensPerEpisode: number;
  /** Model tokens of all episodes divided by the successful ones (null when none succeeded). */
  tokensPerSuccess: number | null;
  /** True when the token counts are estimates (simulated backbones), not a provider's count. */
  tokensEstimated: boolean;
}

export function summarize(scores: readonly EpisodeScore[]): BackboneSummary[] {
  const byBackbone = new Map<string, EpisodeScore[]>();
  for (const score of scores) {
    const list = byBackbone.get(score.backbone) ?? [];
    list.push(score);
    byBackbone.set(score.backbone, list);
  }
  return [...byBackbone.entries()].map(([backbone, list]) => {
    const byTask = new Map<string, EpisodeScore[]>();
    for (const score of list) byTask.set(score.taskId, [...(byTask.get(score.taskId) ?? []), score]);
    const endReasons: Record<string, number> = {};
    for (const score of list) endReasons[score.endReason] = (endReasons[score.endReason] ?? 0) + 1;
    const trials = Math.max(...[...byTask.values()].map((episodes) => episodes.length));
    return {
      backbone,
      simulated: list[0]!.simulated,
      episodes: list.length,
      tasks: byTask.size,
      trials,
      successRate: mean(list.map((score) => (score.success ? 1 : 0))),
      meanReward: mean(list.map((score) => score.reward)),
      passHatK: mean([...byTask.values()].map((episodes) => (episodes.every((score) => score.success) ? 1 : 0))),
      meanSteps: mean(list.map((score) => score.steps)),
      violations: list.filter((score) => score.violations > 0).length,
      endReasons,
      tokensPerEpisode: mean(list.map((score) => score.tokens)),
      tokensPerSuccess: successes(list) === 0 ? null : sum(list.map((score) => score.tokens)) / successes(list),
      tokensEstimated: list.some((score) => score.tokensEstimated),
    };
  });
}

function successes(scores: readonly EpisodeScore[]): number {
  return scores.filter((score) => score.success).length;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** "41.7%" */
export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
