/**
 * The hook probe: a few cells of shared memory that say, at any instant, which hook call of which
 * episode is running in the sandbox and which module's code it is in. The host writes the call's cells
 * around each synchronous call into the isolate; the dispatcher writes the module cell from inside (a
 * plain store, nothing crosses the boundary). So the cost is a few memory writes per hook call, and
 * the answer survives the call being stuck: an isolated-vm timeout or memory death names its module,
 * and the worker's watchdog thread (watchdog.ts), which reads the same memory while the main thread is
 * blocked inside the isolate, can name the episode, hook and module of a call that no limit stops.
 */
import { HOOK_NAMES, type HookName } from '../src/harness/api.ts';
import { PROBE_MODULE_CELL } from './dispatch.ts';

/** Cell indices (Int32). */
export const PROBE_CELLS = {
  /** Bumped on every entry, so a watcher can tell one long call from two calls. */
  sequence: 0,
  /** 1 while a call is in the sandbox, else 0. */
  active: 1,
  /** The caller's tag of the session (the worker's job id). */
  tag: 2,
  /** Index of the module whose code runs (-1: none); written by the dispatcher. */
  module: PROBE_MODULE_CELL,
  /** The hook: its index in `PROBE_HOOKS`. */
  hook: 4,
  /** The call's wall-clock deadline in ms (the watchdog kills the process past it). */
  deadlineMs: 5,
  /** The isolate's memory limit in MiB (the watchdog kills a call that grows the process by twice it). */
  memoryMiB: 6,
} as const;

const CELL_COUNT = 8;

/** Hooks as the probe numbers them: "load" first, then the API's hooks. */
export const PROBE_HOOKS: readonly (HookName | 'load')[] = ['load', ...HOOK_NAMES];

/** A snapshot of the probe, as a watcher reads it. */
export interface ProbeReading {
  sequence: number;
  active: boolean;
  tag: number;
  hook: HookName | 'load';
  /** -1 when no module's code runs. */
  module: number;
}

/** What the watchdog holds one call to. */
export interface CallLimits {
  /** Wall-clock deadline of the call, in ms. */
  deadlineMs: number;
  /** The isolate's memory limit, in MiB. */
  memoryMiB: number;
}

/** The probe of one process's sandbox calls (one call runs at a time on a thread). */
export interface HookProbe {
  /** The shared memory (handed to each context, and to the watchdog thread). */
  readonly buffer: SharedArrayBuffer;
  /** A call into the sandbox starts, with the limits the watchdog applies to it. */
  enter(tag: number, hook: HookName | 'load', limits: CallLimits): void;
  /** It ended (returned, threw or timed out). */
  leave(): void;
  /** The module whose code ran last (-1: none). */
  module(): number;
}

/** A probe over `buffer` (a new one by default). */
export function createProbe(buffer: SharedArrayBuffer = new SharedArrayBuffer(CELL_COUNT * 4)): HookProbe {
  const cells = new Int32Array(buffer);
  return {
    buffer,
    enter(tag, hook, limits) {
      cells[PROBE_CELLS.tag] = tag;
      cells[PROBE_CELLS.deadlineMs] = Math.ceil(limits.deadlineMs);
      cells[PROBE_CELLS.memoryMiB] = Math.ceil(limits.memoryMiB);
      cells[PROBE_CELLS.hook] = Math.max(0, PROBE_HOOKS.indexOf(hook));
      cells[PROBE_CELLS.module] = -1;
      Atomics.add(cells, PROBE_CELLS.sequence, 1);
      Atomics.store(cells, PROBE_CELLS.active, 1);
    },
    leave() {
      Atomics.store(cells, PROBE_CELLS.active, 0);
    },
    module() {
      return cells[PROBE_CELLS.module] ?? -1;
    },
  };
}

/** Read a probe's cells (from any thread). */
export function readProbe(buffer: SharedArrayBuffer): ProbeReading {
  const cells = new Int32Array(buffer);
  return {
    sequence: Atomics.load(cells, PROBE_CELLS.sequence),
    active: Atomics.load(cells, PROBE_CELLS.active) === 1,
    tag: Atomics.load(cells, PROBE_CELLS.tag),
    hook: PROBE_HOOKS[Atomics.load(cells, PROBE_CELLS.hook)] ?? 'load',
    module: Atomics.load(cells, PROBE_CELLS.module),
  };
}
