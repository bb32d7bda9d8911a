/**
 * The acceptance gate (DESIGN.md §5.6), the product's promise: a candidate counts only if it beats HEAD
 * on held-out tasks × held-out backbones, paired on the same seeds, beyond noise, hurts no held-out
 * backbone by more than the tolerance, and does not raise the mean tokens per episode by more than the
 * cost limit (extra samples are not free: each one pays its whole prompt).
 */
import type { Trajectory } from '../agent/trajectory.ts';
import { BridleError } from '../errors.ts';
import { seedOf } from '../util/random.ts';
import { pairedBootstrap, type PairedDifference } from './stats.ts';

/** Default of `maxCostIncrease`: mean tokens per episode may rise by at most half. */
export const DEFAULT_MAX_COST_INCREASE = 0.5;

export interface GateOptions {
  /** Largest drop any one held-out backbone may take, as a rate (0.02 = 2 points). */
  tolerance: number;
  /** Largest rise of the mean tokens per validation episode, as a share of HEAD's (0.5 = +50%). Default 0.5. */
  maxCostIncrease?: number;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
}

/** One backbone's held-out success before and after, with the interval of the difference. */
export interface BackboneComparison {
  backbone: string;
  simulated: boolean;
  before: number;
  after: number;
  low: number;
  high: number;
}

/** Mean model tokens per validation episode (input plus output, every sample), before and after, paired. */
export interface CostComparison {
  /** HEAD's mean tokens per episode. */
  before: number;
  /** The candidate's mean tokens per episode. */
  after: number;
  /** Relative change, `after / before - 1` (0 when HEAD used no tokens). */
  change: number;
  /** Paired bootstrap 95% interval of the mean per-episode difference in tokens. */
  interval: [number, number];
  /** The limit the gate applied, as a relative change. */
  limit: number;
  /** True when the tokens are estimates (simulated backbones). */
  estimated: boolean;
}

export interface GateVerdict {
  accept: boolean;
  /** One line: why. */
  reason: string;
  /** Mean paired difference over all held-out episodes (rate). */
  delta: number;
  /** Bootstrap 95% interval of `delta`. */
  interval: [number, number];
  backbones: BackboneComparison[];
  /** The change in mean tokens per episode, beside the change in success. */
  cost: CostComparison;
  tasks: number;
  trials: number;
}

function tokensOf(trajectory: Trajectory): number {
  return trajectory.usage.inputTokens + trajectory.usage.outputTokens;
}

/** "+182%" */
export function percentChange(change: number): string {
  const value = Math.round(change * 1000) / 10;
  return `${value < 0 ? '-' : '+'}${Math.abs(value).toFixed(value !== 0 && Math.abs(value) < 10 ? 1 : 0)}%`;
}

function costOf(pairs: readonly { before: Trajectory; after: Trajectory }[], limit: number, resamples: number): CostComparison {
  const before = pairs.reduce((sum, pair) => sum + tokensOf(pair.before), 0) / pairs.length;
  const after = pairs.reduce((sum, pair) => sum + tokensOf(pair.after), 0) / pairs.length;
  const interval = pairedBootstrap(
    pairs.map(({ before: head, after: candidate }) => ({ cluster: head.taskId, difference: tokensOf(candidate) - tokensOf(head) })),
    { resamples, seed: seedOf('gate-cost', pairs.length) },
  );
  return {
    before,
    after,
    change: before === 0 ? 0 : after / before - 1,
    interval: [interval.low, interval.high],
    limit,
    estimated: pairs.some((pair) => pair.before.usage.estimated || pair.after.usage.estimated),
  };
}

/** `3120 → 8800 tokens per episode (+182%, estimated)` */
export function describeCost(cost: Pick<CostComparison, 'before' | 'after' | 'change' | 'estimated'>): string {
  return `${Math.round(cost.before)} → ${Math.round(cost.after)} tokens per episode (${percentChange(cost.change)}${cost.estimated ? ', estimated' : ''})`;
}

function keyOf(trajectory: Trajectory): string {
  return `${trajectory.backbone.id}\u0000${trajectory.taskId}\u0000${trajectory.trial}\u0000${trajectory.seed}`;
}

function points(rate: number): string {
  const value = rate * 100;
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
}

/** Pair HEAD's and the candidate's episodes; they must cover exactly the same episodes. */
export function pairEpisodes(head: readonly Trajectory[], candidate: readonly Trajectory[]): { before: Trajectory; after: Trajectory }[] {
  const byKey = new Map(candidate.map((trajectory) => [keyOf(trajectory), trajectory]));
  if (byKey.size !== head.length || candidate.length !== head.length) {
    throw new BridleError('INTERNAL', `cannot pair ${head.length} HEAD episodes with ${candidate.length} candidate episodes`);
  }
  return head.map((before) => {
    const after = byKey.get(keyOf(before));
    if (!after) throw new BridleError('INTERNAL', `no candidate episode pairs with ${before.backbone.id} ${before.taskId} trial ${before.trial}`);
    return { before, after };
  });
}

export function judge(head: readonly Trajectory[], candidate: readonly Trajectory[], options: GateOptions): GateVerdict {
  const pairs = pairEpisodes(head, candidate);
  const differences = (subset: typeof pairs): PairedDifference[] =>
    subset.map(({ before, after }) => ({ cluster: before.taskId, difference: Number(after.success) - Number(before.success) }));
  const overall = pairedBootstrap(differences(pairs), { resamples: options.resamples ?? 2000, seed: seedOf('gate', pairs.length) });
  const backboneIds = [...new Set(pairs.map((pair) => pair.before.backbone.id))];
  const backbones = backboneIds.map((backbone) => {
    const subset = pairs.filter((pair) => pair.before.backbone.id === backbone);
    const interval = pairedBootstrap(differences(subset), { resamples: options.resamples ?? 2000, seed: seedOf('gate', backbone, subset.length) });
    return {
      backbone,
      simulated: subset[0]!.before.backbone.simulated,
      before: subset.filter((pair) => pair.before.success).length / subset.length,
      after: subset.filter((pair) => pair.after.success).length / subset.length,
      low: interval.low,
      high: interval.high,
    };
  });
  const tasks = new Set(pairs.map((pair) => pair.before.taskId)).size;
  const trials = Math.max(...pairs.map((pair) => pair.before.trial)) + 1;
  const cost = costOf(pairs, options.maxCostIncrease ?? DEFAULT_MAX_COST_INCREASE, options.resamples ?? 2000);
  const base = { delta: overall.mean, interval: [overall.low, overall.high] as [number, number], backbones, cost, tasks, trials };
  const worst = [...backbones].sort((a, b) => a.after - a.before - (b.after - b.before))[0];
  const summary = `mean ${points(overall.mean)} points, 95% interval [${points(overall.low)}, ${points(overall.high)}]`;
  if (overall.mean <= 0) return { ...base, accept: false, reason: `no held-out gain: ${summary}` };
  if (cost.change > cost.limit) {
    return { ...base, accept: false, reason: `cost: ${describeCost(cost)} rise above the ${percentChange(cost.limit)} limit, for a held-out gain of ${summary}` };
  }
  if (overall.low <= 0) return { ...base, accept: false, reason: `gain within noise: ${summary} includes zero` };
  if (worst && worst.after - worst.before < -options.tolerance) {
    return { ...base, accept: false, reason: `${worst.backbone} falls ${points(worst.after - worst.before)} points (tolerance ${(options.tolerance * 100).toFixed(1)})` };
  }
  return { ...base, accept: true, reason: `held-out gain: ${summary}; ${describeCost(cost)}` };
}
