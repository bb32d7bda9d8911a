/**
 * Helpers for backbone tests: instant, recorded retry sleeps and a seeded jitter, temporary folders, and
 * a base completion request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { afterEach } from 'vitest';
import { BridleError } from '../../src/errors.ts';
import { startScriptedServer, type ScriptStep, type ScriptedServer } from './scripted-server.ts';
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

/**
 * Scripted servers (and anything else registered with `onCleanup`) released after each test: call once
 * at the top of a test file.
 */
export function useTestResources(): { server: (script: ScriptStep[] | ScriptStep) => Promise<ScriptedServer>; onCleanup: (cleanup: () => Promise<void>) => void } {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  return {
    server: async (script) => {
      const started = await startScriptedServer(script);
      cleanups.push(started.close);
      return started;
    },
    onCleanup: (cleanup) => cleanups.push(cleanup),
  };
}

/** The BridleError a call fails with (any other outcome fails the test). */
export async function caught(promise: Promise<unknown>): Promise<BridleError> {
  try {
    await promise;
  } catch (error) {
    if (BridleError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
