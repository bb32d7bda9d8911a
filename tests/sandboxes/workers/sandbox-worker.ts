/** A worker entry that runs one hook call of a harness in the isolate runner, as the meta-loop's workers do. */
import { compileHarness, type HarnessSource } from '../../../sandboxes/compile.ts';
import { createIsolateRunner } from '../../../sandboxes/isolate-runner.ts';
import type { HookCallResult, SandboxViolation } from '../../../sandboxes/types.ts';
import { serveWorker } from '../../../sandboxes/worker-host.ts';

export interface SandboxJob {
  files: HarnessSource[];
  memoryMiB: number;
}

export type SandboxResult = { ok: true; result: HookCallResult<unknown> } | { ok: false; violation: SandboxViolation };

serveWorker<SandboxJob, SandboxResult>(async (job) => {
  const runner = createIsolateRunner({ memoryMiB: job.memoryMiB });
  try {
    const opened = await runner.open(compileHarness(job.files), { seed: 1, peek: () => ({ ok: true, output: '' }) });
    if (!opened.ok) return opened;
    const view = { apiVersion: 1 as const, environment: 'e', instruction: 'i', tools: [], rules: '', step: 0, maxSteps: 1, trajectory: [] };
    const result = await opened.session.call('regulate', {}, view);
    await opened.session.close();
    return { ok: true, result };
  } finally {
    await runner.dispose();
  }
});
