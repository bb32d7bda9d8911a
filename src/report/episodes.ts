/**
 * The trajectory viewer's data: a bounded, deterministic choice of episodes, trimmed for embedding.
 * A run folder holds tens of MB of trajectories (every episode repeats the ~14 kB system prompt); the
 * page keeps a few dozen episodes, stores each distinct system prompt once, drops timings (measurement
 * only) and cuts very long texts, and says all of that on the page.
 */
import type { Trajectory } from '../agent/trajectory.ts';
import type { EmbeddedData, EmbeddedStep, EmbeddedTrajectory, EpisodeEntry, EpisodeSource } from './model.ts';

/** Bounds of the embedded data; the defaults keep a report of a long run within a few MB. */
export interface EpisodeLimits {
  /** Episodes embedded in all (a pair counts two). */
  maxEpisodes: number;
  /** Characters kept of any one text (tool output, model output, message); the system prompt is kept whole. */
  textLimit: number;
}

export const DEFAULT_EPISODE_LIMITS: EpisodeLimits = { maxEpisodes: 80, textLimit: 4_000 };

/** A pool of candidate items from one place of the run folder, best first, before the budget is applied. */
export interface EpisodePool {
  /** Shown as the viewer's group heading. */
  label: string;
  /** Items available there in all. */
  available: number;
  /** Items in order of preference: one episode, or a before/after pair. */
  items: PoolItem[];
  /** The most items of this pool to embed. */
  quota: number;
}

export type PoolItem =
  | { kind: 'single'; trajectory: Trajectory }
  | { kind: 'pair'; before: Trajectory; after: Trajectory; fixed: boolean };

export function backboneText(backbone: Trajectory['backbone']): string {
  return `${backbone.id}${backbone.simulated ? ' (simulated)' : ''}`;
}

function episodeLabel(trajectory: Trajectory): string {
  return `${trajectory.success ? 'pass' : 'FAIL'} · ${trajectory.taskId} · ${backboneText(trajectory.backbone)} · trial ${trajectory.trial} · ${trajectory.steps.length} steps`;
}

function byTaskThenTrial(left: Trajectory, right: Trajectory): number {
  return left.taskId.localeCompare(right.taskId, 'en', { numeric: true }) || left.trial - right.trial || left.seed - right.seed;
}

/**
 * Failures and successes of every backbone, interleaved so that a small quota still shows each backbone
 * failing and passing: per backbone, failures first then successes, then round-robin over backbones.
 */
export function balancedEpisodes(trajectories: readonly Trajectory[]): PoolItem[] {
  const backbones = [...new Set(trajectories.map((trajectory) => trajectory.backbone.id))];
  const queues = backbones.map((backbone) => {
    const own = trajectories.filter((trajectory) => trajectory.backbone.id === backbone).sort(byTaskThenTrial);
    const failures = own.filter((trajectory) => !trajectory.success);
    const successes = own.filter((trajectory) => trajectory.success);
    // Alternate two failures, one success: failures are what a reader comes for.
    const queue: Trajectory[] = [];
    while (failures.length > 0 || successes.length > 0) {
      queue.push(...failures.splice(0, 2), ...successes.splice(0, 1));
    }
    return queue;
  });
  const items: PoolItem[] = [];
  for (let index = 0; queues.some((queue) => index < queue.length); index++) {
    for (const queue of queues) {
      const trajectory = queue[index];
      if (trajectory) items.push({ kind: 'single', trajectory });
    }
  }
  return items;
}

/** Changed pairs: those the change fixed first, then those it broke. */
export function pairItems(pairs: readonly { fixed: boolean; before: Trajectory; after: Trajectory }[]): PoolItem[] {
  const ordered = [...pairs.filter((pair) => pair.fixed), ...pairs.filter((pair) => !pair.fixed)];
  return ordered.map((pair) => ({ kind: 'pair', before: pair.before, after: pair.after, fixed: pair.fixed }));
}

/** Counts of what trimming removed, for the page's "left out" list. */
export interface TrimStats {
  clippedTexts: number;
  sharedPrompts: number;
}

/** Trims trajectories for embedding, sharing system prompts through one string table. */
class Trimmer {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  readonly stats: TrimStats = { clippedTexts: 0, sharedPrompts: 0 };

  constructor(private readonly textLimit: number) {}

  private shared(text: string): number {
    let position = this.index.get(text);
    if (position === undefined) {
      position = this.strings.push(text) - 1;
      this.index.set(text, position);
    } else {
      this.stats.sharedPrompts += 1;
    }
    return position;
  }

  /** Cut one text, saying so in the text itself so the viewer shows it where it happened. */
  clip(text: string): string {
    if (text.length <= this.textLimit) return text;
    this.stats.clippedTexts += 1;
    return `${text.slice(0, this.textLimit)}\n… [${text.length - this.textLimit} more characters left out of the report]`;
  }

  /** Every string inside a JSON value, clipped. */
  private clipDeep<T>(value: T): T {
    if (typeof value === 'string') return this.clip(value) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => this.clipDeep(item)) as T;
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.clipDeep(item)])) as T;
    }
    return value;
  }

  trajectory(trajectory: Trajectory): EmbeddedTrajectory {
    const { timing: _timing, steps, ...rest } = trajectory;
    return {
      ...this.clipDeep(rest),
      steps: steps.map((step): EmbeddedStep => {
        const { timing: _stepTiming, messages, ...fields } = step;
        return {
          ...this.clipDeep(fields),
          messages: messages.map((message) => (message.role === 'system' ? { role: 'system', ref: this.shared(message.content) } : this.clipDeep(message))),
        };
      }),
    };
  }
}

/**
 * Apply the budget: each pool gets up to its quota, in pool order, until `maxEpisodes` is spent; what
 * remains of the budget then goes to pools that had more to give, again in order.
 */
export function embedEpisodes(pools: readonly EpisodePool[], limits: EpisodeLimits = DEFAULT_EPISODE_LIMITS): { data: EmbeddedData; omitted: string[] } {
  const trimmer = new Trimmer(limits.textLimit);
  const taken = pools.map(() => 0);
  let budget = limits.maxEpisodes;
  const cost = (item: PoolItem) => (item.kind === 'pair' ? 2 : 1);
  // Round-robin, one item per pool per turn, so neither the quotas nor the top-up favour the first pools.
  const take = (limit: (pool: EpisodePool) => number) => {
    for (let progressed = true; progressed; ) {
      progressed = false;
      pools.forEach((pool, index) => {
        const next = pool.items[taken[index]!];
        if (next && taken[index]! < limit(pool) && budget >= cost(next)) {
          budget -= cost(next);
          taken[index]! += 1;
          progressed = true;
        }
      });
    }
  };
  take((pool) => pool.quota);
  take((pool) => pool.items.length);

  const episodes: EmbeddedTrajectory[] = [];
  const entries: EpisodeEntry[] = [];
  const sources: EpisodeSource[] = [];
  const omitted: string[] = [];
  pools.forEach((pool, sourceIndex) => {
    const items = pool.items.slice(0, taken[sourceIndex]);
    sources.push({ label: pool.label, available: pool.available, embedded: items.length });
    if (items.length < pool.available) omitted.push(`${pool.label}: ${items.length} of ${pool.available} embedded.`);
    for (const item of items) {
      if (item.kind === 'single') {
        entries.push({ source: sourceIndex, label: episodeLabel(item.trajectory), episodes: [episodes.push(trimmer.trajectory(item.trajectory)) - 1] });
      } else {
        const before = episodes.push(trimmer.trajectory(item.before)) - 1;
        const after = episodes.push(trimmer.trajectory(item.after)) - 1;
        entries.push({
          source: sourceIndex,
          label: `${item.fixed ? 'fixed' : 'BROKE'} · ${item.before.taskId} · ${backboneText(item.before.backbone)} · trial ${item.before.trial}`,
          episodes: [before, after],
          captions: ['before (HEAD)', 'after (with the change)'],
        });
      }
    }
  });
  if (trimmer.stats.sharedPrompts > 0) omitted.push(`Repeated system prompts are stored once (${trimmer.stats.sharedPrompts} copies left out; each step still shows its prompt).`);
  if (trimmer.stats.clippedTexts > 0) omitted.push(`${trimmer.stats.clippedTexts} texts longer than ${limits.textLimit.toLocaleString('en')} characters are cut (marked where they are cut).`);
  if (episodes.length > 0) omitted.push('Wall-clock timings of steps and episodes are left out (measurement only, never part of a score).');
  return { data: { version: 1, sources, entries, episodes, strings: trimmer.strings, textLimit: limits.textLimit }, omitted };
}
