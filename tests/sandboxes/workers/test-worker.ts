/** A worker entry for the pool tests: echoes, sleeps, fails, exits and aborts on request. */
import { serveWorker } from '../../../sandboxes/worker-host.ts';
import { BridleError } from '../../../src/errors.ts';

export type TestJob =
  | { kind: 'echo'; value: unknown; sleepMs?: number }
  | { kind: 'abort' }
  | { kind: 'exit'; code: number }
  | { kind: 'fail' }
  | { kind: 'hang' };

export interface TestResult {
  pid: number;
  value?: unknown;
  crashed?: string;
}

serveWorker<TestJob, TestResult>(async (job) => {
  switch (job.kind) {
    case 'echo':
      if (job.sleepMs) await new Promise((resolve) => setTimeout(resolve, job.sleepMs));
      return { pid: process.pid, value: job.value };
    case 'abort':
      process.abort();
    // falls through (never reached)
    case 'exit':
      process.exit(job.kind === 'exit' ? job.code : 1);
    // falls through (never reached)
    case 'fail':
      throw new BridleError('HARNESS_INVALID', 'the job was refused', { retryable: true });
    case 'hang':
      return new Promise<TestResult>(() => {});
  }
});
