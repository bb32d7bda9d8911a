/**
 * `loadHarness(...)`: the production entry point (DESIGN.md §6). It loads exactly the harness a pin names
 * from git objects (never the working tree), refuses it when the pin no longer matches what it points at
 * (HARNESS_TAMPERED), compiles the modules and runs them in the isolated-vm sandbox, two ways:
 *
 * - `harness.run(...)` / `harness.evaluate()`: bridle's own episode loop on the built-in environment, so
 *   a script can reproduce the pinned held-out scores exactly;
 * - `harness.session(...)`: the step-level hooks, for the user's own agent loop and model client.
 *
 * isolated-vm requires Node's startup snapshot off (`--no-node-snapshot`, isolated-vm's README: V8's
 * shared read-only heap can crash a process whose isolates come from different snapshots; it is
 * platform-dependent). The isolate runs in the caller's process here (hooks are on the hot path of every
 * model call, and `peek` is a synchronous call into the user's own state), so `loadHarness` fails fast
 * with one line saying how to start node when the flag is missing, instead of risking a crash later.
 */
import { resolve } from 'node:path';
import { openEnvironment } from '../environment/load.ts';
import { loadConfig } from '../config/index.ts';
import type { Backbone } from '../contracts/backbone.ts';
import type { Environment, Split } from '../contracts/environment.ts';
import { episodeSeed, scoreOf, selectTasks } from '../agent/evaluate.ts';
import { runEpisode } from '../agent/episode.ts';
import { summarize, type BackboneSummary } from '../agent/metrics.ts';
import type { Trajectory } from '../agent/trajectory.ts';
import { BridleError } from '../errors.ts';
import { resolveBackbone } from '../models/registry.ts';
import { openRepository } from '../store/git/repository.ts';
import { DEFAULT_PIN, checkPin, readPin, type Measured } from '../store/pins.ts';
import { compileHarness } from '../../sandboxes/compile.ts';
import { createIsolateRunner } from '../../sandboxes/isolate-runner.ts';
import { createWorkerRunner } from '../../sandboxes/worker-runner.ts';
import { assertNodeSnapshotDisabled } from '../../sandboxes/node-snapshot.ts';
import type { CompiledHarness, HarnessRunner, SandboxLimits } from '../../sandboxes/types.ts';
import { openStepSession, type HarnessStepSession, type SessionOptions } from './harness-session.ts';

export type { HarnessStepSession, RecordedStep, SessionOptions, FiredHook } from './harness-session.ts';

/** What to load. */
export interface LoadHarnessOptions {
  /** Environment name: the harness folder `harnesses/<env>` and the pin namespace `bridle/<env>/`. */
  env: string;
  /** Pin name (tag `bridle/<env>/<pin>`); default "production". */
  pin?: string;
  /** The git repository (any folder inside it); default: the current directory. */
  repo?: string;
  /** Where hooks run. Only the isolate: a pinned harness is still code an engineer (or a model) wrote. */
  runner?: 'isolate';
  /**
   * Where the isolate lives. "in-process" (default): in this process, a few microseconds a hook call,
   * but a hook stuck in a builtin that ignores the limits can hang or crash this process, and node must
   * run with --no-node-snapshot. "worker": in a child process with bridle's watchdog, for harness code
   * nobody reviewed or a process that must not go down: a hook that hangs or blows up kills the worker
   * (the call throws the violation, the next session starts a new worker), at the cost of a round trip
   * per hook call (and per peek). docs/production.md compares them.
   */
  isolation?: 'in-process' | 'worker';
  /** Sandbox limits (memory, per-hook CPU, …); default: bridle's. */
  limits?: Partial<SandboxLimits>;
}

/** The pin a harness was loaded from, as verified. */
export interface LoadedPin {
  name: string;
  /** `bridle/<env>/<name>`. */
  tag: string;
  /** The pinned commit. */
  commit: string;
  /** Its committer date, ISO 8601. */
  commitDate: string;
  /** When it was pinned (tagger date), ISO 8601. */
  pinnedAt: string | undefined;
  /** `harnessContentHash` of the modules; equals `trajectory.harness.contentHash` of every episode run with it. */
  contentHash: string;
  /** Validated held-out success per backbone (harness.json at the commit), when it has any. */
  scores: Record<string, number> | undefined;
  /** How those scores were measured. */
  measured: Measured | undefined;
}

/** One episode of bridle's loop. `seed` is the base seed, as everywhere in bridle. */
export interface RunOptions {
  /** A backbone id (`sim/rush`, `anthropic/<model>`, …; configured by the repository's bridle.config.ts) or a Backbone. */
  backbone: string | Backbone;
  taskId: string;
  /** Base seed: the episode seed derives from it, the task and the trial, exactly as in `bridle eval` and the gate. */
  seed: number;
  /** Trial number (default 0). */
  trial?: number;
  /** Step budget (default: the environment's). */
  maxSteps?: number;
}

/** What `evaluate` measured, beside what the pin recorded. */
export interface HarnessEvaluation extends Measured {
  /** Success per backbone, rounded to 4 decimals as harness.json records it. */
  scores: Record<string, number>;
  /** The pinned scores, when the pin has any. */
  pinned: Record<string, number> | undefined;
  /** True when every backbone's score equals the pinned one (at 4 decimals). */
  reproduced: boolean;
  summaries: BackboneSummary[];
  trajectories: Trajectory[];
}

/** A verified, compiled harness. Call `close()` when done. */
export interface LoadedHarness {
  readonly environment: string;
  readonly pin: LoadedPin;
  /** Module files in fold order. */
  readonly modules: readonly string[];
  /** Run one episode of bridle's loop on the built-in environment. */
  run(options: RunOptions): Promise<Trajectory>;
  /**
   * Evaluate the way the pin's `measured` says (split, trials, seed, backbones), overridable, and compare
   * with the pinned scores: with nothing overridden, `reproduced` is true for an untouched harness.
   */
  evaluate(overrides?: Partial<Measured>): Promise<HarnessEvaluation>;
  /** Open step-level hooks for one episode of your own loop. */
  session(options: SessionOptions): Promise<HarnessStepSession>;
  /** Close open sessions and dispose the sandbox. */
  close(): Promise<void>;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * Load the harness a pin names. BridleError UNKNOWN_PIN (listing the pins) when the tag is absent,
 * HARNESS_TAMPERED when the pin does not match the harness it points at, MISSING_DEPENDENCY when node
 * runs without `--no-node-snapshot`.
 */
export async function loadHarness(options: LoadHarnessOptions): Promise<LoadedHarness> {
  if (options.runner !== undefined && options.runner !== 'isolate') {
    throw new BridleError('INVALID_ARGUMENT', `loadHarness: runner must be "isolate", got "${String(options.runner)}"`);
  }
  const isolation = options.isolation ?? 'in-process';
  if (isolation !== 'in-process' && isolation !== 'worker') {
    throw new BridleError('INVALID_ARGUMENT', `loadHarness: isolation must be "in-process" or "worker", got "${String(isolation)}"`);
  }
  // In a worker, the isolate is the worker's business: this process needs no flag.
  if (isolation === 'in-process') assertNodeSnapshotDisabled('loadHarness runs the harness in isolated-vm');
  const environmentName = options.env;
  const repository = await openRepository(resolve(options.repo ?? '.'));
  const record = await readPin(repository, environmentName, options.pin ?? DEFAULT_PIN);
  const check = await checkPin(repository, record);
  if (!check.ok) {
    throw new BridleError('HARNESS_TAMPERED', `pin ${record.tag} refused: ${check.problem}; pin a reviewed revision again with "bridle pin ${environmentName} <rev>"`);
  }
  const message = record.message!;
  const compiled: CompiledHarness = compileHarness(check.harness.files, options.limits ?? {});
  const pin: LoadedPin = {
    name: record.name,
    tag: record.tag,
    commit: record.target,
    commitDate: message.commitDate,
    pinnedAt: record.pinnedAt,
    contentHash: compiled.contentHash,
    scores: message.scores,
    measured: message.measured,
  };
  const runner: HarnessRunner = isolation === 'worker' ? createWorkerRunner(options.limits ?? {}) : createIsolateRunner(options.limits ?? {});
  const sessions = new Set<HarnessStepSession>();
  const backbones = new Map<string, Promise<Backbone>>();
  let environment: Promise<Environment> | undefined;
  let closed = false;
  const label = `${record.tag}@${record.target.slice(0, 12)}`;

  /** The pin's environment, resolved like everywhere else (built in, or the repository's config). */
  function environmentOf(): Promise<Environment> {
    environment ??= loadConfig(repository.root).then(async (config) => (await openEnvironment(environmentName, { root: repository.root, config })).environment);
    return environment;
  }

  function backboneOf(backbone: string | Backbone): Promise<Backbone> {
    if (typeof backbone !== 'string') return Promise.resolve(backbone);
    let resolved = backbones.get(backbone);
    if (!resolved) {
      resolved = resolveBackbone(backbone, { configRoot: repository.root });
      backbones.set(backbone, resolved);
    }
    return resolved;
  }

  function assertOpen(): void {
    if (closed) throw new BridleError('INVALID_ARGUMENT', `the harness of pin ${record.tag} is closed`);
  }

  async function run(runOptions: RunOptions): Promise<Trajectory> {
    assertOpen();
    const trial = runOptions.trial ?? 0;
    return runEpisode({
      runId: `pin-${environmentName}-${record.name}`,
      environment: await environmentOf(),
      taskId: runOptions.taskId,
      seed: episodeSeed(runOptions.seed, runOptions.taskId, trial),
      trial,
      backbone: await backboneOf(runOptions.backbone),
      harness: { label, compiled },
      // The empty harness runs without a sandbox, as everywhere in bridle.
      runner: compiled.modules.length === 0 ? null : runner,
      ...(runOptions.maxSteps === undefined ? {} : { maxSteps: runOptions.maxSteps }),
    });
  }

  async function evaluate(overrides: Partial<Measured> = {}): Promise<HarnessEvaluation> {
    const plan = { ...pin.measured, ...overrides };
    if (plan.split === undefined || plan.trials === undefined || plan.seed === undefined || plan.backbones === undefined) {
      throw new BridleError('INVALID_ARGUMENT', `pin ${record.tag} records no "measured" settings: pass split, trials, seed and backbones to evaluate()`);
    }
    const measured: Measured = { split: plan.split as Split, trials: plan.trials, seed: plan.seed, backbones: plan.backbones };
    const taskIds = selectTasks(await environmentOf(), { split: measured.split });
    const trajectories: Trajectory[] = [];
    // The gate's order (backbone, task, trial); each episode depends only on its own seed anyway.
    for (const backbone of measured.backbones) {
      for (const taskId of taskIds) {
        for (let trial = 0; trial < measured.trials; trial++) trajectories.push(await run({ backbone, taskId, seed: measured.seed, trial }));
      }
    }
    const summaries = summarize(trajectories.map(scoreOf));
    const scores = Object.fromEntries(summaries.map((summary) => [summary.backbone, round4(summary.successRate)]));
    const pinned = pin.scores;
    const reproduced = pinned !== undefined && measured.backbones.every((backbone) => pinned[backbone] !== undefined && pinned[backbone] === scores[backbone]);
    return { ...measured, scores, pinned, reproduced, summaries, trajectories };
  }

  return {
    environment: environmentName,
    pin,
    modules: compiled.modules.map((module) => module.file),
    run,
    evaluate,
    async session(sessionOptions) {
      assertOpen();
      let defaults = { rules: '', maxSteps: 30 };
      try {
        const known = await environmentOf();
        defaults = { rules: known.rules, maxSteps: known.maxSteps };
      } catch {
        // A harness for an environment bridle does not ship: the caller's own tools and rules only.
      }
      const session = await openStepSession({ environment: environmentName, compiled, runner, defaults }, sessionOptions);
      sessions.add(session);
      return {
        ...session,
        async close() {
          sessions.delete(session);
          await session.close();
        },
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const session of [...sessions]) await session.close().catch(() => undefined);
      sessions.clear();
      await runner.dispose();
    },
  };
}
