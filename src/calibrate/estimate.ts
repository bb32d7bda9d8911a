/**
 * Maximum-likelihood estimates with likelihood-ratio intervals for the rates of a sim profile.
 *
 * A mode's habit and noise form a mixture per episode: with probability `habit` the episode has the habit
 * on one of its targets (chosen uniformly), and then every chance about that target shows the failure;
 * every other chance shows it with probability `noise`. Fitted by EM; each rate's interval is the set of
 * values whose profile likelihood stays within the chi-square bound of the maximum.
 */

/** A point estimate with its interval. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** The chi-square (1 degree of freedom) quantile for a two-sided confidence level: z squared. */
export function chiSquareBound(confidence: number): number {
  const z = inverseNormal(1 - (1 - confidence) / 2);
  return z * z;
}

/** Acklam's rational approximation of the standard normal quantile (relative error below 1.2e-9). */
function inverseNormal(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** `count · log(p)`, with 0 · log 0 = 0. */
function xlog(count: number, p: number): number {
  return count === 0 ? 0 : count * Math.log(p);
}

function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const top = Math.max(a, b);
  return top + Math.log(Math.exp(a - top) + Math.exp(b - top));
}

/** The interval of a one-parameter log-likelihood on [0, bound] around its maximum `best`. */
function likelihoodInterval(logLikelihood: (value: number) => number, best: number, bound: number, chi: number): Interval {
  const top = logLikelihood(best);
  const inside = (value: number) => 2 * (top - logLikelihood(value)) <= chi;
  const edge = (from: number, to: number) => {
    if (inside(to)) return to;
    let lo = from;
    let hi = to;
    for (let iteration = 0; iteration < 30; iteration++) {
      const middle = (lo + hi) / 2;
      if (inside(middle)) lo = middle;
      else hi = middle;
    }
    return lo;
  };
  return { estimate: best, low: edge(best, 0), high: edge(best, bound) };
}

/** Successes out of trials: the proportion with its likelihood-ratio interval; null without trials. */
export function binomialInterval(successes: number, trials: number, confidence: number): Interval | null {
  if (trials === 0) return null;
  const best = successes / trials;
  return likelihoodInterval((p) => xlog(successes, p) + xlog(trials - successes, 1 - p), best, 1, chiSquareBound(confidence));
}

/**
 * Compliance with dilution: each observation was followed with probability `min(1, c / candidates)`.
 * Null without observations.
 */
export function dilutedInterval(observations: readonly { candidates: number; followed: boolean }[], confidence: number): Interval | null {
  if (observations.length === 0) return null;
  const logLikelihood = (c: number) =>
    observations.reduce((sum, observation) => {
      const p = Math.min(1, c / Math.max(1, observation.candidates));
      return sum + (observation.followed ? xlog(1, p) : xlog(1, 1 - p));
    }, 0);
  // Concave in c: golden-section search for the maximum.
  let lo = 0;
  let hi = 1;
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let iteration = 0; iteration < 80; iteration++) {
    const left = hi - ratio * (hi - lo);
    const right = lo + ratio * (hi - lo);
    if (logLikelihood(left) < logLikelihood(right)) lo = left;
    else hi = right;
  }
  const best = [0, 1, (lo + hi) / 2].reduce((a, b) => (logLikelihood(b) > logLikelihood(a) ? b : a));
  return likelihoodInterval(logLikelihood, best, 1, chiSquareBound(confidence));
}

/** One episode's chances for a mode: the targets a habit could take, and each chance's target and outcome. */
export interface MixtureEpisode {
  targets: readonly string[];
  observations: readonly { key: string; occurred: boolean }[];
}

/** Per-episode counts the likelihood needs. */
interface Counts {
  total: number;
  occurred: number;
  /** Per target: chances, occurrences, and whether every chance showed the failure. */
  targets: { key: string; total: number; occurred: number; all: boolean }[];
}

function countsOf(episode: MixtureEpisode): Counts {
  const total = episode.observations.length;
  const occurred = episode.observations.filter((observation) => observation.occurred).length;
  const targets = episode.targets.map((key) => {
    const own = episode.observations.filter((observation) => observation.key === key);
    const hits = own.filter((observation) => observation.occurred).length;
    return { key, total: own.length, occurred: hits, all: hits === own.length };
  });
  return { total, occurred, targets };
}

/** Log-likelihoods of one episode without and with the habit, and each target's share of the latter. */
function episodeTerms(counts: Counts, noise: number): { without: number; with: number; shares: number[] } {
  const without = xlog(counts.occurred, noise) + xlog(counts.total - counts.occurred, 1 - noise);
  if (counts.targets.length === 0) return { without, with: without, shares: [] };
  const terms = counts.targets.map((target) =>
    target.all ? xlog(counts.occurred - target.occurred, noise) + xlog(counts.total - target.total - (counts.occurred - target.occurred), 1 - noise) - Math.log(counts.targets.length) : -Infinity,
  );
  const withHabit = terms.reduce(logSumExp, -Infinity);
  return { without, with: withHabit, shares: terms.map((term) => (withHabit === -Infinity ? 0 : Math.exp(term - withHabit))) };
}

/** The fitted habit and noise rates of one mode, and which episodes (and targets) probably had the habit. */
export interface MixtureFit {
  habit: Interval | null;
  noise: Interval | null;
  /** Per episode (input order): the probability that it had the habit on each target, at the fitted rates. */
  posterior: Map<string, number>[];
  /** The same at the low and the high end of the habit rate's interval: a classification that holds at both is a safe one. */
  posteriorLow: Map<string, number>[];
  posteriorHigh: Map<string, number>[];
  /** Episodes that had at least one chance, chances, and occurrences. */
  counts: { episodes: number; chances: number; occurred: number };
}

export function fitMixture(episodes: readonly MixtureEpisode[], confidence: number): MixtureFit {
  const counts = episodes.map(countsOf);
  const observed = counts.filter((count) => count.total > 0);
  const summary = { episodes: observed.length, chances: observed.reduce((sum, count) => sum + count.total, 0), occurred: observed.reduce((sum, count) => sum + count.occurred, 0) };
  const informative = observed.filter((count) => count.targets.length > 0);
  const logLikelihood = (habit: number, noise: number) =>
    observed.reduce((sum, count) => {
      const terms = episodeTerms(count, noise);
      if (count.targets.length === 0) return sum + terms.without;
      return sum + logSumExp(xlog(1, habit) + terms.with, xlog(1, 1 - habit) + terms.without);
    }, 0);

  /** EM with either rate held fixed (or neither). */
  const optimise = (start: { habit: number; noise: number }, fixed: 'habit' | 'noise' | null) => {
    let { habit, noise } = start;
    for (let iteration = 0; iteration < 300; iteration++) {
      let habitSum = 0;
      let noiseHits = 0;
      let noiseChances = 0;
      for (const count of observed) {
        const terms = episodeTerms(count, noise);
        const weight = count.targets.length === 0 ? 0 : Math.exp(xlog(1, habit) + terms.with - logSumExp(xlog(1, habit) + terms.with, xlog(1, 1 - habit) + terms.without));
        const safe = Number.isFinite(weight) ? weight : 0;
        habitSum += safe;
        noiseHits += (1 - safe) * count.occurred;
        noiseChances += (1 - safe) * count.total;
        count.targets.forEach((target, index) => {
          const share = safe * (terms.shares[index] ?? 0);
          noiseHits += share * (count.occurred - target.occurred);
          noiseChances += share * (count.total - target.total);
        });
      }
      const nextHabit = fixed === 'habit' || informative.length === 0 ? habit : habitSum / informative.length;
      const nextNoise = fixed === 'noise' || noiseChances === 0 ? noise : noiseHits / noiseChances;
      const done = Math.abs(nextHabit - habit) < 1e-9 && Math.abs(nextNoise - noise) < 1e-9;
      habit = nextHabit;
      noise = nextNoise;
      if (done) break;
    }
    return { habit, noise, value: logLikelihood(habit, noise) };
  };

  if (observed.length === 0) return { habit: null, noise: null, posterior: episodes.map(() => new Map()), posteriorLow: episodes.map(() => new Map()), posteriorHigh: episodes.map(() => new Map()), counts: summary };
  const starts = [
    { habit: 0.3, noise: 0.02 },
    { habit: 0.05, noise: 0.2 },
    { habit: 0.9, noise: 0.001 },
  ];
  const best = starts.map((start) => optimise(start, null)).reduce((a, b) => (b.value > a.value ? b : a));
  const chi = chiSquareBound(confidence);
  const habit =
    informative.length === 0
      ? null
      : likelihoodInterval((value) => optimise({ habit: value, noise: best.noise }, 'habit').value, best.habit, 1, chi);
  const noise = summary.chances === 0 ? null : likelihoodInterval((value) => optimise({ habit: best.habit, noise: value }, 'noise').value, best.noise, 1, chi);
  const posteriorAt = (habitRate: number) =>
    counts.map((count) => {
      const map = new Map<string, number>();
      if (count.total === 0 || count.targets.length === 0) return map;
      const terms = episodeTerms(count, best.noise);
      const weight = Math.exp(xlog(1, habitRate) + terms.with - logSumExp(xlog(1, habitRate) + terms.with, xlog(1, 1 - habitRate) + terms.without));
      count.targets.forEach((target, index) => map.set(target.key, (Number.isFinite(weight) ? weight : 0) * (terms.shares[index] ?? 0)));
      return map;
    });
  return {
    habit,
    noise,
    posterior: posteriorAt(best.habit),
    posteriorLow: posteriorAt(habit?.low ?? best.habit),
    posteriorHigh: posteriorAt(habit?.high ?? best.habit),
    counts: summary,
  };
}
