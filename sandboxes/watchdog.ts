/**
 * The watchdog: a thread in each episode worker that stops what no sandbox limit stops.
 *
 * Some builtins neither check for interrupts nor respect the isolate's heap limit: `new Array(5e7)
 * .fill(0)` runs for seconds, grows the process by hundreds of MiB, and ends in a crash or a hang that
 * takes isolated-vm's own error handler with it (issue #12). While such a call runs, the worker's main
 * thread is blocked inside the isolate and can do nothing. This thread can: it reads the hook probe
 * (probe.ts: which episode, hook and module are in the sandbox, written by the main thread and the
 * dispatcher as plain memory stores) every few milliseconds, and when one call has run past its wall
 * deadline, or the process has grown past twice the isolate's memory limit since the call began, it
 * writes one report line to the pool (the report pipe, fd 3, synchronously, so it is there before the
 * process is gone) and kills its own process. The pool then charges exactly that episode with a typed
 * violation naming the hook and the module, and runs the worker's other episodes again elsewhere.
 *
 * The thread runs plain JavaScript source (no TypeScript loader, nothing imported), so it starts the
 * same from sources and from a build.
 */
import { Worker } from 'node:worker_threads';
import { PROBE_CELLS, PROBE_HOOKS } from './probe.ts';

/** What the watchdog writes to the report pipe (one JSON line) before it kills the process. */
export interface WatchdogReport {
  /** The probe tag of the call: the worker's job id. */
  job: number;
  /** Marks a verdict (the pool charges this job), as opposed to a solo job's trace line. */
  verdict: true;
  code: 'SANDBOX_TIMEOUT' | 'SANDBOX_MEMORY';
  hook: string;
  module?: string;
  message: string;
}

/** How the watchdog is set up. */
export interface WatchdogOptions {
  /** The probe's shared memory. */
  probe: SharedArrayBuffer;
  /** The report pipe's file descriptor (default 3). */
  reportFd?: number;
  /** How often it looks, in ms (default 10). */
  intervalMs?: number;
}

/** A running watchdog. */
export interface Watchdog {
  /** Tell it the module names of a session (so a report names the module, not its index). */
  name(tag: number, modules: readonly string[]): void;
  /** Forget a session. */
  forget(tag: number): void;
  /** Stop the thread. */
  stop(): Promise<void>;
}

/** Start the watchdog thread. */
export function startWatchdog(options: WatchdogOptions): Watchdog {
  const worker = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: {
      probe: options.probe,
      reportFd: options.reportFd ?? 3,
      intervalMs: options.intervalMs ?? 10,
      cells: PROBE_CELLS,
      hooks: PROBE_HOOKS,
    },
    // Its own small heap: it must keep working when the main isolate is in trouble.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  return {
    name(tag, modules) {
      worker.postMessage({ tag, modules: [...modules] });
    },
    forget(tag) {
      worker.postMessage({ tag, forget: true });
    },
    async stop() {
      await worker.terminate();
    },
  };
}

/**
 * The thread's whole program, as plain JavaScript source text: a function's `toString()` would carry
 * whatever helpers the TypeScript loader injects (tsx adds `__name` calls), which the thread lacks.
 */
const WATCHDOG_SOURCE = String.raw`
const threads = require('node:worker_threads');
const fs = require('node:fs');
const data = threads.workerData;
const cells = new Int32Array(data.probe);
const names = new Map();
threads.parentPort.on('message', (message) => {
  if (message.forget) names.delete(message.tag);
  else if (message.modules) names.set(message.tag, message.modules);
});
const mebibyte = 1024 * 1024;
let watched = -1;
let since = 0;
let rssAtStart = 0;
const timer = setInterval(() => {
  if (Atomics.load(cells, data.cells.active) !== 1) {
    watched = -1;
    return;
  }
  const sequence = Atomics.load(cells, data.cells.sequence);
  const now = performance.now();
  const rss = process.memoryUsage.rss();
  if (sequence !== watched) {
    watched = sequence;
    since = now;
    rssAtStart = rss;
    return;
  }
  const memoryMiB = Atomics.load(cells, data.cells.memoryMiB) || 64;
  const deadlineMs = Atomics.load(cells, data.cells.deadlineMs) || 1000;
  const grownMiB = (rss - rssAtStart) / mebibyte;
  const memory = grownMiB > 2 * memoryMiB;
  if (!memory && now - since < deadlineMs) return;
  const tag = Atomics.load(cells, data.cells.tag);
  const hook = data.hooks[Atomics.load(cells, data.cells.hook)] || 'load';
  const index = Atomics.load(cells, data.cells.module);
  const module = index >= 0 && names.has(tag) ? names.get(tag)[index] : undefined;
  const grown = Math.round(grownMiB);
  const report = {
    job: tag,
    verdict: true,
    code: memory || grownMiB > memoryMiB ? 'SANDBOX_MEMORY' : 'SANDBOX_TIMEOUT',
    hook,
    message: memory
      ? hook + ' grew the worker by ' + grown + ' MiB in one call, past twice the isolate limit of ' + memoryMiB + ' MiB (a builtin the heap limit does not stop); the worker was killed'
      : grownMiB > memoryMiB
        ? hook + ' grew the worker by ' + grown + ' MiB in one call (past the isolate limit of ' + memoryMiB + ' MiB) and ran past its deadline of ' + deadlineMs + ' ms (a builtin that ignores both limits); the worker was killed'
        : hook + ' ran past its deadline of ' + deadlineMs + ' ms inside one call (a builtin that ignores the timeout); the worker was killed',
  };
  if (module !== undefined) report.module = module;
  clearInterval(timer);
  try {
    fs.writeSync(data.reportFd, JSON.stringify(report) + '\n');
  } finally {
    process.kill(process.pid, 'SIGKILL');
  }
}, data.intervalMs);
`;
