/**
 * The call gate of an episode worker: each model call asks the parent's scheduler for a slot over IPC
 * (as a request of the episode that makes it, so the pool can stop that episode's deadline clock while
 * it waits on the model), and tells it the outcome when the call is over. Which episode is asking comes
 * from the async context the worker runs each job in.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { BridleError } from '../errors.ts';
import type { CallGate, CallOutcome, CallRequest } from '../models/shared/gate.ts';
import type { JobContext } from '../../sandboxes/worker-host.ts';

/** What a worker asks the parent about model calls. */
export type GateRequest = { kind: 'acquire'; request: CallRequest } | { kind: 'release'; ticket: number; outcome: CallOutcome };

/** The parent's answer to an acquire. */
export interface GateGrant {
  ticket: number;
  baseURL?: string;
}

/** The job whose code is running (set around each job the worker runs). */
export const currentJob = new AsyncLocalStorage<JobContext>();

/** A gate that asks the pool's parent. */
export function createRemoteGate(): CallGate {
  return {
    async acquire(request) {
      const job = currentJob.getStore();
      if (!job) throw new BridleError('INTERNAL', 'a model call outside any episode job in a worker');
      const grant = (await job.request({ kind: 'acquire', request } satisfies GateRequest)) as GateGrant;
      let released = false;
      return {
        ...(grant.baseURL === undefined ? {} : { baseURL: grant.baseURL }),
        release(outcome) {
          if (released) return;
          released = true;
          // Nothing to wait for; a pool that is gone has nothing to count.
          job.request({ kind: 'release', ticket: grant.ticket, outcome } satisfies GateRequest).catch(() => {});
        },
      };
    },
  };
}
