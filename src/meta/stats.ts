/**
 * Paired comparison of two harnesses on the same episodes (same task, trial and seed, same backbone):
 * the mean difference in success and a bootstrap 95% interval that resamples tasks (clusters), since
 * tasks, not episodes, are the unit a harness has to generalise over. Seeded: the same data give the
 * same interval.
 */
import { createRng, seedOf } from '../util/random.ts';

/** One paired observation: the success difference (after − before) of one episode, and its task. */
export interface PairedDifference {
  cluster: string;
  difference: number;
}

export interface Interval {
  mean: number;
  low: number;
  high: number;
}

export function pairedBootstrap(pairs: readonly PairedDifference[], options: { resamples?: number; seed?: number; level?: number } = {}): Interval {
  if (pairs.length === 0) return { mean: 0, low: 0, high: 0 };
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  const byCluster = new Map<string, number[]>();
  for (const pair of pairs) byCluster.set(pair.cluster, [...(byCluster.get(pair.cluster) ?? []), pair.difference]);
  const clusters = [...byCluster.keys()].sort().map((key) => byCluster.get(key)!);
  const sums = clusters.map((values) => values.reduce((sum, value) => sum + value, 0));
  const counts = clusters.map((values) => values.length);
  const total = (indices: Iterable<number>) => {
    let sum = 0;
    let count = 0;
    for (const index of indices) {
      sum += sums[index]!;
      count += counts[index]!;
    }
    return count === 0 ? 0 : sum / count;
  };
  const mean = total(clusters.keys());
  const random = createRng(options.seed ?? seedOf('bootstrap', pairs.length));
  const estimates: number[] = [];
  const picks = new Array<number>(clusters.length);
  for (let round = 0; round < resamples; round++) {
    for (let index = 0; index < clusters.length; index++) picks[index] = Math.floor(random() * clusters.length);
    estimates.push(total(picks));
  }
  estimates.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return {
    mean,
    low: estimates[Math.floor(tail * (resamples - 1))]!,
    high: estimates[Math.ceil((1 - tail) * (resamples - 1))]!,
  };
}
