/** Shared helpers for episode-level tests: run episodes of the built-in environments in this process. */
import { readHarnessDirectory, type HarnessSource } from '../../src/store/harness-files.ts';
import { createLocalExecutor } from '../../src/agent/executor.ts';
import { evaluatePlan } from '../../src/agent/evaluate.ts';
import { createRetail } from '../../environments/retail/index.ts';
import { BUILTIN_ENVIRONMENTS } from '../../environments/index.ts';
import type { Split } from '../../src/contracts/environment.ts';

export const EXAMPLE_HARNESS_DIR = new URL('../fixtures/retail-example-harness/', import.meta.url).pathname;

export function exampleHarness(): HarnessSource {
  return readHarnessDirectory(EXAMPLE_HARNESS_DIR, 'retail');
}

/** Evaluate in this process (no worker processes), returning summaries and trajectories. */
export async function evaluateLocally(options: {
  backbones: string[];
  harness: HarnessSource;
  runner: 'isolate' | 'in-process';
  split?: Split;
  taskIds?: string[];
  trials?: number;
  seed?: number;
  /** A built-in environment's name (default retail). */
  environment?: string;
}) {
  const executor = createLocalExecutor();
  try {
    return await evaluatePlan(
      {
        runId: 'test',
        environment: options.environment === undefined || options.environment === 'retail' ? createRetail() : await BUILTIN_ENVIRONMENTS[options.environment]!.create({}),
        environmentRef: { name: options.environment ?? 'retail' },
        backbones: options.backbones,
        tasks: options.taskIds ? { ids: options.taskIds } : { split: options.split ?? 'test' },
        trials: options.trials ?? 1,
        seed: options.seed ?? 0,
        harness: options.harness,
        runner: options.runner,
      },
      executor,
      { concurrency: 4 },
    );
  } finally {
    await executor.close();
  }
}
