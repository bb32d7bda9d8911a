/**
 * Seeded randomness. Self-contained (the isolate prelude embeds this file's compiled JavaScript), so it
 * uses nothing but plain arithmetic. Never `Math.random`: the same seed must give the same trajectory.
 */

/** A 32-bit FNV-1a hash of a string: turns names and ids into seed material. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Combine any number of seed parts (numbers or strings) into one 32-bit seed. */
export function seedOf(...parts: (string | number)[]): number {
  let seed = 0x9e3779b9;
  for (const part of parts) {
    const value = typeof part === 'number' ? part >>> 0 : hashString(part);
    seed = Math.imul(seed ^ value, 0x85ebca6b) >>> 0;
    seed = (seed ^ (seed >>> 13)) >>> 0;
    seed = Math.imul(seed, 0xc2b2ae35) >>> 0;
    seed = (seed ^ (seed >>> 16)) >>> 0;
  }
  return seed;
}

/** A mulberry32 generator: a function returning numbers in [0, 1). */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over a generator, for code that draws many kinds of values. */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** True with the given probability. */
  chance(probability: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
}

export function createRandom(seed: number): Random {
  const next = createRng(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    shuffle: <T>(items: readonly T[]): T[] => {
      const copy = [...items];
      for (let index = copy.length - 1; index > 0; index--) {
        const other = int(0, index);
        [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
      }
      return copy;
    },
  };
}
