/**
 * isolated-vm requires Node's startup snapshot off (`--no-node-snapshot`; isolated-vm's README: on Node
 * >= 20, V8's shared read-only heap can crash a process whose isolates come from different snapshots).
 * Worker processes are always started with the flag; a process that hosts an isolate itself (the
 * caller of `loadHarness`, or `evaluate` with `workers: 0`) must have been started with it, and this is
 * where that is checked: when an isolate is about to start, not when bridle is imported, because most
 * of the library (and `evaluate` and `evolve` with their worker processes) never needs it.
 */
import { BridleError } from '../src/errors.ts';

/** The Node flag isolated-vm requires. */
export const NO_NODE_SNAPSHOT = '--no-node-snapshot';

/** Whether this process runs with Node's startup snapshot off (a flag, or NODE_OPTIONS). */
export function nodeSnapshotDisabled(): boolean {
  return process.execArgv.includes(NO_NODE_SNAPSHOT) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(NO_NODE_SNAPSHOT);
}

/**
 * Throw one clear MISSING_DEPENDENCY error naming the fix unless the startup snapshot is off. `what`
 * says what needs the isolate, e.g. "loadHarness runs the harness in isolated-vm".
 */
export function assertNodeSnapshotDisabled(what = 'bridle runs harness code in isolated-vm in this process'): void {
  if (nodeSnapshotDisabled()) return;
  // No better code exists: a missing runtime requirement of a dependency (isolated-vm).
  throw new BridleError(
    'MISSING_DEPENDENCY',
    `${what}, which needs Node started with ${NO_NODE_SNAPSHOT}: run "node ${NO_NODE_SNAPSHOT} app.js" (or set NODE_OPTIONS=${NO_NODE_SNAPSHOT} before starting node)`,
  );
}
