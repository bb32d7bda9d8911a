import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerPool, type WorkerPool } from '../../sandboxes/index.ts';
import { BridleError } from '../../src/errors.ts';
import type { SandboxJob, SandboxResult } from './workers/sandbox-worker.ts';
import type { TestJob, TestResult } from './workers/test-worker.ts';

const TEST_WORKER = fileURLToPath(new URL('./workers/test-worker.ts', import.meta.url));
const SANDBOX_WORKER = fileURLToPath(new URL('./workers/sandbox-worker.ts', import.meta.url));

const pools: WorkerPool<unknown, unknown>[] = [];
function pool<Job, Result>(options: Parameters<typeof createWorkerPool<Job, Result>>[0]): WorkerPool<Job, Result> {
  const made = createWorkerPool<Job, Result>(options);
  pools.push(made as WorkerPool<unknown, unknown>);
  return made;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((made) => made.close()));
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('worker pool', () => {
  it('runs jobs in parallel on up to `size` workers', async () => {
    const workers = pool<TestJob, TestResult>({ module: TEST_WORKER, size: 2 });
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((value) => workers.run({ kind: 'echo', value, sleepMs: 60 })));
    expect(results.map((result) => result.value)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(results.map((result) => result.pid)).size).toBe(2);
  });

  it('settles a job whose worker aborts through onCrash, replaces the worker and finishes the queue', async () => {
    const workers = pool<TestJob, TestResult>({
      module: TEST_WORKER,
      size: 1,
      // process.abort() prints a native stack trace: keep the test output clean.
      output: 'ignore',
      onCrash: (_job, crash) => ({ pid: -1, crashed: crash.message }),
    });
    const first = await workers.run({ kind: 'echo', value: 'before' });
    const [crashed, next, last] = await Promise.all([
      workers.run({ kind: 'abort' }),
      workers.run({ kind: 'echo', value: 'after' }),
      workers.run({ kind: 'exit', code: 3 }),
    ]);
    expect(crashed).toEqual({ pid: -1, crashed: 'worker killed by SIGABRT' });
    expect(next.value).toBe('after');
    expect(next.pid).not.toBe(first.pid);
    expect(alive(first.pid)).toBe(false);
    expect(last).toEqual({ pid: -1, crashed: 'worker exited with code 3' });
    expect((await workers.run({ kind: 'echo', value: 'still here' })).value).toBe('still here');
  });

  it('without onCrash, a crashed job rejects with SANDBOX_WORKER_CRASH; job errors keep their code', async () => {
    const workers = pool<TestJob, TestResult>({ module: TEST_WORKER, size: 1 });
    await expect(workers.run({ kind: 'exit', code: 9 })).rejects.toMatchObject({ code: 'SANDBOX_WORKER_CRASH', message: 'worker exited with code 9' });
    const failed = await workers.run({ kind: 'fail' }).catch((error: unknown) => error);
    expect(BridleError.isInstance(failed)).toBe(true);
    expect(failed).toMatchObject({ code: 'HARNESS_INVALID', message: 'the job was refused', retryable: true });
    expect((await workers.run({ kind: 'echo', value: 1 })).value).toBe(1);
  });

  it('kills a worker whose job outlives its deadline and charges that job', async () => {
    const workers = pool<TestJob, TestResult>({
      module: TEST_WORKER,
      size: 1,
      deadlineOf: (job) => (job.kind === 'hang' ? 300 : undefined),
      capacityOf: () => 4,
      onCrash: (_job, crash) => ({ pid: -1, crashed: `${crash.reason}: ${crash.message}` }),
    });
    const [hung, bystander] = await Promise.all([workers.run({ kind: 'hang' }), workers.run({ kind: 'echo', value: 'by', sleepMs: 800 })]);
    expect(hung).toEqual({ pid: -1, crashed: 'deadline: the episode did not finish within its deadline of 300 ms and its worker was killed' });
    // The other job in the killed worker ran again elsewhere and finished.
    expect(bystander.value).toBe('by');
    expect(workers.stats()).toMatchObject({ reruns: 1, crashes: 1 });
    expect((await workers.run({ kind: 'echo', value: 2 })).value).toBe(2);
  });

  it('a paused deadline does not run: time spent answering a request is not the job\'s', async () => {
    const workers = pool<TestJob, TestResult>({
      module: TEST_WORKER,
      size: 1,
      deadlineOf: () => 300,
      onRequest: async (_job, body, control) => {
        const resume = control.pauseDeadline();
        await new Promise((resolve) => setTimeout(resolve, 600));
        resume();
        return { echoed: body };
      },
    });
    expect((await workers.run({ kind: 'ask', body: 7 })).value).toEqual({ echoed: 7 });
  });

  it('runs several jobs of one key in one worker, never two keys at once', async () => {
    const workers = pool<TestJob, TestResult>({
      module: TEST_WORKER,
      size: 1,
      keyOf: (job) => (job.kind === 'echo' ? (job.key ?? '') : ''),
      capacityOf: () => 8,
    });
    const started = performance.now();
    const jobs = ['a', 'a', 'a', 'b', 'b', 'a'].map((key, index) => workers.run({ kind: 'echo', value: index, key, sleepMs: 150 }));
    const results = await Promise.all(jobs);
    for (const [index, result] of results.entries()) {
      const key = index === 3 || index === 4 ? 'b' : 'a';
      expect(result.sharedWith?.every((other) => other === key), JSON.stringify(result)).toBe(true);
    }
    // Three rounds at most (a×3, b×2, a×1), not six.
    expect(performance.now() - started).toBeLessThan(6 * 150);
    expect(new Set(results.map((result) => result.pid)).size).toBe(1);
  });

  it('a death with several jobs in flight charges only the job the report names; the others run again', async () => {
    const workers = pool<TestJob, TestResult>({
      module: TEST_WORKER,
      size: 1,
      capacityOf: () => 4,
      onCrash: (_job, crash) => ({ pid: -1, crashed: `${crash.reason}: ${JSON.stringify(crash.report)}` }),
    });
    const results = await Promise.all([
      workers.run({ kind: 'echo', value: 1, sleepMs: 400 }),
      workers.run({ kind: 'blame-self', afterMs: 100 }),
      workers.run({ kind: 'echo', value: 3, sleepMs: 400 }),
    ]);
    expect(results[1]!.crashed).toMatch(/^reported: \{"job":\d+,"verdict":true,"code":"SANDBOX_TIMEOUT","hook":"guard","module":"culprit","message":"stuck"\}$/);
    expect(results[0]!.value).toBe(1);
    expect(results[2]!.value).toBe(3);
    expect(results[0]!.solo).toBe(false);
    expect(workers.stats()).toMatchObject({ reruns: 2, crashes: 1 });
  });

  it('an unexplained death makes every job in flight a suspect: each runs again alone, and only the one that dies alone is charged', async () => {
    const workers = pool<TestJob, TestResult>({
      module: TEST_WORKER,
      size: 2,
      output: 'ignore',
      capacityOf: () => 4,
      onCrash: (_job, crash) => ({ pid: -1, crashed: `${crash.reason}: ${crash.message}` }),
    });
    const results = await Promise.all([
      workers.run({ kind: 'echo', value: 1, sleepMs: 300 }),
      workers.run({ kind: 'abort', afterMs: 100 }),
      workers.run({ kind: 'echo', value: 3, sleepMs: 300 }),
    ]);
    expect(results[1]).toEqual({ pid: -1, crashed: 'alone: worker killed by SIGABRT' });
    expect(results[0]).toMatchObject({ value: 1, solo: true, sharedWith: [] });
    expect(results[2]).toMatchObject({ value: 3, solo: true, sharedWith: [] });
  });

  it('delivers a job\'s events in order before its result', async () => {
    const workers = pool<TestJob, TestResult>({ module: TEST_WORKER, size: 1 });
    const events: unknown[] = [];
    const result = await workers.run({ kind: 'events', count: 5 }, { onEvent: (event) => events.push(event) });
    expect(result.value).toBe(5);
    expect(events).toEqual([0, 1, 2, 3, 4].map((index) => ({ index })));
  });

  it('close() kills the workers, rejects what is left and leaves no process behind', async () => {
    const workers = createWorkerPool<TestJob, TestResult>({ module: TEST_WORKER, size: 2 });
    const pids = (await Promise.all([workers.run({ kind: 'echo', value: 1, sleepMs: 50 }), workers.run({ kind: 'echo', value: 2, sleepMs: 50 })])).map(
      (result) => result.pid,
    );
    const left = [workers.run({ kind: 'hang' }), workers.run({ kind: 'hang' }), workers.run({ kind: 'echo', value: 3 })].map((job) =>
      job.then(
        () => 'resolved',
        (error: unknown) => error,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await workers.close();
    for (const outcome of await Promise.all(left)) expect(outcome).toMatchObject({ code: 'INTERNAL', message: 'the worker pool is closed' });
    expect(pids.filter(alive)).toEqual([]);
    await expect(workers.run({ kind: 'echo', value: 4 })).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('runs the isolate runner inside a worker', async () => {
    const workers = pool<SandboxJob, SandboxResult>({ module: SANDBOX_WORKER, size: 1 });
    const files = [{ file: 'stop.ts', source: `export default { name: 'stop', why: 'test', regulate() { return { stop: 'done' }; } };` }];
    expect(await workers.run({ files, memoryMiB: 16 })).toEqual({ ok: true, result: { ok: true, value: { value: { stop: 'done' }, fired: ['stop'] }, peeks: 0 } });
  });
});
