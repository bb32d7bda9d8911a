/**
 * Deterministic, stratified task splits. Items are grouped by stratum (a task kind), shuffled within each
 * stratum by the seed, and then dealt like cards: each next item goes to the split furthest behind its
 * share. The overall shares come out exact (to one item), and every stratum is spread over the splits in
 * proportion.
 */
import type { Split } from '../contracts/environment.ts';
import { BridleError } from '../errors.ts';
import { createRandom, seedOf } from '../util/random.ts';

/** Shares of each split; they are normalised, and a missing split gets none. */
export type SplitShares = Partial<Record<Split, number>>;

/** Options of {@link dealSplits}. */
export interface DealOptions<T> {
  /** Seed material: the same seed and items give the same splits. */
  seed: number | string;
  /** Shares of train, validation and test (default 0.4 / 0.25 / 0.35). */
  shares?: SplitShares;
  /** The stratum of an item (e.g. its task kind); items of one stratum are spread over every split. */
  stratum?: (item: T) => string;
}

const ORDER: readonly Split[] = ['train', 'validation', 'test'];
const DEFAULT_SHARES: Required<SplitShares> = { train: 0.4, validation: 0.25, test: 0.35 };

/** The split of each item, in the items' order. */
export function dealSplits<T>(items: readonly T[], options: DealOptions<T>): Split[] {
  const shares = normalise(options.shares ?? DEFAULT_SHARES);
  const strata = new Map<string, number[]>();
  items.forEach((item, index) => {
    const stratum = options.stratum?.(item) ?? '';
    strata.set(stratum, [...(strata.get(stratum) ?? []), index]);
  });
  const order: number[] = [];
  for (const stratum of [...strata.keys()].sort()) {
    order.push(...createRandom(seedOf('splits', options.seed, stratum)).shuffle(strata.get(stratum)!));
  }
  const dealt = new Array<Split>(items.length);
  const counts: Record<Split, number> = { train: 0, validation: 0, test: 0 };
  order.forEach((itemIndex, position) => {
    // The split furthest behind its share after this item; ties go to the earlier split.
    let best: Split = 'train';
    let bestLag = -Infinity;
    for (const split of ORDER) {
      if (shares[split] === 0) continue;
      const lag = shares[split] * (position + 1) - counts[split];
      if (lag > bestLag + 1e-9) {
        best = split;
        bestLag = lag;
      }
    }
    counts[best] += 1;
    dealt[itemIndex] = best;
  });
  return dealt;
}

/**
 * For benchmarks that ship only train and test: carve a validation share out of the train items,
 * deterministically and stratified. Returns the split of each train item ("train" or "validation").
 */
export function carveValidation<T>(trainItems: readonly T[], options: { seed: number | string; share?: number; stratum?: (item: T) => string }): Split[] {
  const share = options.share ?? 1 / 3;
  return dealSplits(trainItems, {
    seed: options.seed,
    shares: { train: 1 - share, validation: share },
    ...(options.stratum ? { stratum: options.stratum } : {}),
  });
}

function normalise(shares: SplitShares): Record<Split, number> {
  const values = ORDER.map((split) => shares[split] ?? 0);
  if (values.some((value) => !(value >= 0)) || values.every((value) => value === 0)) {
    throw new BridleError('INVALID_ARGUMENT', `split shares must be non-negative and not all zero (got ${JSON.stringify(shares)})`);
  }
  const total = values.reduce((sum, value) => sum + value, 0);
  return { train: values[0]! / total, validation: values[1]! / total, test: values[2]! / total };
}
