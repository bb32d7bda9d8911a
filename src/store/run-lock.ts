/**
 * The run lock: one process at a time works on a run (`bridle evolve`, `--resume`). It is a file
 * `.bridle/locks/<run-id>.lock` created exclusively (O_EXCL), holding the owner's pid, host and start
 * time. A lock whose process is gone (same host, pid not running) is stale and is taken over; taking it
 * over goes through a second exclusive file, so two processes that find the same stale lock cannot both
 * win. A lock held by a live process, or by another host (whose processes we cannot see), refuses the
 * second process with one line, before it writes anything.
 *
 * The lock lives beside the runs, not in the run's folder, so that taking it writes nothing into the
 * run, and a new run's folder is never created by a process that does not own it.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { BridleError } from '../errors.ts';
import { processAlive } from '../util/process-alive.ts';

const ownerSchema = z.object({ pid: z.number().int(), host: z.string(), startedAt: z.string() });

/** Who holds a lock. */
export type LockOwner = z.infer<typeof ownerSchema>;

/** A held lock: release it when the run ends (or let the process exit: a dead owner's lock is stale). */
export interface RunLock {
  readonly path: string;
  release(): void;
}

/** A takeover that has not finished in this long was abandoned by a dead process. */
const TAKEOVER_STALE_MS = 30_000;

/** The lock file of a run. */
export function runLockPath(root: string, runId: string): string {
  return join(root, '.bridle', 'locks', `${runId}.lock`);
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = ownerSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Create `path` exclusively with `content`; false when it exists. */
function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new BridleError('INVALID_ARGUMENT', `cannot create the run lock ${path}: ${(error as Error).message}`);
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Whether an owner's process is gone for sure (only decidable on this host). */
function isStale(owner: LockOwner | undefined, path: string): boolean {
  if (!owner) {
    // Unreadable: a writer died between creating and writing it, or it is not ours. Stale once old.
    try {
      return Date.now() - statSync(path).mtimeMs > TAKEOVER_STALE_MS;
    } catch {
      return true;
    }
  }
  return owner.host === hostname() && owner.pid !== process.pid && !processAlive(owner.pid);
}

/**
 * Take the run's lock, or throw RUN_LOCKED naming the process that holds it. `purpose` says what the
 * caller is about to do, for the message.
 */
export function acquireRunLock(root: string, runId: string, purpose: string): RunLock {
  const path = runLockPath(root, runId);
  mkdirSync(join(root, '.bridle', 'locks'), { recursive: true });
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const content = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(path, content)) return held(path);
    const owner = readOwner(path);
    if (!isStale(owner, path)) {
      const who = owner ? `process ${owner.pid} on ${owner.host} (since ${owner.startedAt})` : 'another process';
      throw new BridleError('RUN_LOCKED', `run ${runId} is in use by ${who}; cannot ${purpose} until it ends (a lock whose process is gone is taken over)`);
    }
    // Stale: take it over, one process at a time.
    const takeover = `${path}.takeover`;
    try {
      if (Date.now() - statSync(takeover).mtimeMs > TAKEOVER_STALE_MS) rmSync(takeover, { force: true });
    } catch {
      // No takeover in progress.
    }
    if (!createExclusive(takeover, content)) continue;
    try {
      // Still the same stale lock? (Someone may have taken it over and released it meanwhile.)
      const again = readOwner(path);
      if (JSON.stringify(again) === JSON.stringify(owner) && isStale(again, path)) rmSync(path, { force: true });
      if (createExclusive(path, content)) return held(path);
    } finally {
      rmSync(takeover, { force: true });
    }
  }
  const owner = readOwner(path);
  throw new BridleError('RUN_LOCKED', `run ${runId} is in use${owner ? ` by process ${owner.pid} on ${owner.host}` : ''}; cannot ${purpose}`);
}

function held(path: string): RunLock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      // Only our own lock: never remove one another process took over.
      const owner = readOwner(path);
      if (owner && owner.pid === process.pid && owner.host === hostname()) rmSync(path, { force: true });
    },
  };
}
