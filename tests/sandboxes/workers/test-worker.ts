/** A worker entry for the pool tests: echoes, sleeps, fails, exits, aborts, reports, asks and emits on request. */
import { serveWorker, writeReport } from '../../../sandboxes/worker-host.ts';
import { BridleError } from '../../../src/errors.ts';

export type TestJob =
  | { kind: 'echo'; value: unknown; sleepMs?: number; key?: string }
  | { kind: 'abort'; afterMs?: number }
  | { kind: 'exit'; code: number }
  | { kind: 'fail' }
  | { kind: 'hang' }
  /** Write a verdict naming this job to the report pipe, then die (what the watchdog does). */
  | { kind: 'blame-self'; afterMs?: number }
  /** Ask the pool (its onRequest answers), return the answer. */
  | { kind: 'ask'; body: unknown }
  /** Emit events, then return. */
  | { kind: 'events'; count: number };

export interface TestResult {
  pid: number;
  value?: unknown;
  crashed?: string;
  /** Keys of other jobs running in this worker while this one ran. */
  sharedWith?: string[];
  solo?: boolean;
}

const running = new Map<number, string>();
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

serveWorker<TestJob, TestResult>(async (job, context) => {
  switch (job.kind) {
    case 'echo': {
      running.set(context.id, job.key ?? '');
      const seen = new Set<string>();
      const look = () => {
        for (const [id, key] of running) if (id !== context.id) seen.add(key);
      };
      look();
      if (job.sleepMs) await sleep(job.sleepMs);
      look();
      running.delete(context.id);
      return { pid: process.pid, value: job.value, sharedWith: [...seen], solo: context.solo };
    }
    case 'abort':
      if (job.afterMs) await sleep(job.afterMs);
      process.abort();
    // falls through (never reached)
    case 'exit':
      process.exit(job.kind === 'exit' ? job.code : 1);
    // falls through (never reached)
    case 'fail':
      throw new BridleError('HARNESS_INVALID', 'the job was refused', { retryable: true });
    case 'hang':
      return new Promise<TestResult>(() => {});
    case 'blame-self':
      if (job.afterMs) await sleep(job.afterMs);
      writeReport({ job: context.id, verdict: true, code: 'SANDBOX_TIMEOUT', hook: 'guard', module: 'culprit', message: 'stuck' });
      process.kill(process.pid, 'SIGKILL');
      return new Promise<TestResult>(() => {});
    case 'ask':
      return { pid: process.pid, value: await context.request(job.body) };
    case 'events':
      for (let index = 0; index < job.count; index++) context.emit({ index });
      return { pid: process.pid, value: job.count };
  }
});
