/**
 * Helpers for backbone tests: instant, recorded retry sleeps and a seeded jitter, temporary folders, and
 * a base completion request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompletionRequest, Message } from '../../src/contracts/backbone.ts';
import type { RetryOptions } from '../../src/models/shared/retry.ts';
import { createRng } from '../../src/util/random.ts';

/** Retry timing that never really sleeps: each requested delay is recorded in `sleeps`. */
export function instantRetry(seed = 1): { sleeps: number[]; retry: Omit<RetryOptions, 'maxRetries'> } {
  const sleeps: number[] = [];
  return {
    sleeps,
    retry: {
      sleep: async (milliseconds) => {
        sleeps.push(milliseconds);
      },
      random: createRng(seed),
    },
  };
}

/** A temporary folder, removed by the returned function. */
export async function temporaryFolder(prefix = 'bridle-models-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A conversation with a system prompt and one user turn. */
export const BASIC_MESSAGES: Message[] = [
  { role: 'system', content: 'You are a retail support agent. Answer with one action.' },
  { role: 'user', content: 'Cancel order #W1001, I ordered it by mistake.' },
];

/** A completion request with defaults for the fields a test does not care about. */
export function completionRequest(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    messages: BASIC_MESSAGES,
    tools: [],
    toolMode: 'text',
    sampling: {},
    samples: 1,
    sampleOffset: 0,
    ...overrides,
  };
}
