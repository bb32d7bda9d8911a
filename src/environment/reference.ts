/**
 * How an environment is named across processes: plain JSON that a worker process resolves to the same
 * environment the parent loaded (a built-in by name, or a user's module by absolute path).
 */

/** A resolved environment: enough to load it again anywhere. */
export interface EnvironmentRef {
  /** The environment's name (as on the command line and in trajectories). */
  name: string;
  /** Absolute path of a user's environment module; absent for built-ins. */
  module?: string;
  /** Absolute path of the data folder (peer benchmarks). */
  data?: string;
  /** Seed of the generated world, when not the environment's default. */
  seed?: number;
}

/** A stable key for caches: the same reference, the same key. */
export function environmentKey(ref: EnvironmentRef): string {
  return JSON.stringify([ref.name, ref.module ?? null, ref.data ?? null, ref.seed ?? null]);
}
