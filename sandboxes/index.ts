/**
 * The sandboxes: where harness code runs. The contract is in types.ts; the isolate runner is for
 * production and the meta-loop, the in-process runner for tests and overhead measurement, and the worker
 * pool keeps an isolate that takes its process down from taking the meta-loop with it.
 */
export * from './types.ts';
export { compileHarness, harnessContentHash, transpileToCommonJs, EMPTY_HARNESS, EMPTY_HARNESS_HASH, type HarnessSource } from './compile.ts';
export { createIsolateRunner, type IsolateRunnerOptions } from './isolate-runner.ts';
export { createInProcessRunner } from './in-process-runner.ts';
export { createWorkerPool, type WorkerPool, type WorkerPoolOptions, type WorkerCrash } from './worker-pool.ts';
export { serveWorker, writeReport, type JobContext, type PoolMessage, type WorkerMessage } from './worker-host.ts';
export { createProbe, readProbe, type HookProbe } from './probe.ts';
export { startWatchdog, type Watchdog, type WatchdogReport } from './watchdog.ts';
