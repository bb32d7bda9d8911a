/**
 * The shared layer on its own: retry, limit, budget and cache around a scripted raw caller.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BridleError } from '../../src/errors.ts';
import { createModelBackbone } from '../../src/models/shared/backbone.ts';
import { createBudget } from '../../src/models/shared/budget.ts';
import { cacheKey, createResponseCache } from '../../src/models/shared/cache.ts';
import { ModelCallError, parseRetryAfter } from '../../src/models/shared/errors.ts';
import { createLimiter } from '../../src/models/shared/limit.ts';
import { withRetry } from '../../src/models/shared/retry.ts';
import type { RawCallRequest, RawCallResult, RawCaller } from '../../src/models/shared/types.ts';
import { completionRequest, instantRetry, temporaryFolder } from '../helpers/model-testing.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A raw caller that answers from a script and records the requests it got. */
function scriptedCaller(answer: (request: RawCallRequest, index: number) => Promise<RawCallResult> | RawCallResult) {
  const calls: RawCallRequest[] = [];
  const caller: RawCaller = async (request) => {
    calls.push(request);
    return answer(request, calls.length - 1);
  };
  return { calls, caller };
}

function result(text: string, sampleIndices: number[] = [0]): RawCallResult {
  return {
    samples: sampleIndices.map((index) => ({ text: `${text}#${index}`, toolCalls: [] })),
    usage: { inputTokens: 10, outputTokens: 5 },
    warnings: [],
    exchanges: [{ backbone: 'test/model', sampleIndices, request: { url: 'test:', body: {} }, durationMs: 1 }],
  };
}

describe('retry', () => {
  it('passes non-retryable errors through untouched, on the first attempt', async () => {
    const { calls, caller } = scriptedCaller(() => {
      throw new ModelCallError('MODEL_BAD_RESPONSE', 'bad');
    });
    const retried = withRetry(caller, 'test/model', { ...instantRetry().retry, maxRetries: 5 });
    await expect(retried({ messages: [], tools: [], toolMode: 'text', sampling: {}, sampleIndices: [0] })).rejects.toMatchObject({ code: 'MODEL_BAD_RESPONSE' });
    expect(calls).toHaveLength(1);
  });

  it('caps a huge retry-after', async () => {
    const { sleeps, retry } = instantRetry();
    const { caller } = scriptedCaller((request, index) => {
      if (index === 0) throw new ModelCallError('MODEL_RATE_LIMITED', 'wait a day', { retryable: true, retryAfterMs: 86_400_000 });
      return result('ok', request.sampleIndices);
    });
    await withRetry(caller, 'test/model', { ...retry, maxRetryAfterMs: 60_000 })({ messages: [], tools: [], toolMode: 'text', sampling: {}, sampleIndices: [0] });
    expect(sleeps).toEqual([60_000]);
  });

  it('reads retry-after in seconds, as a date, and retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }), () => now)).toBe(10_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });
});

describe('concurrency limit', () => {
  it('never runs more than its limit at once', async () => {
    const limiter = createLimiter(2);
    let active = 0;
    let peak = 0;
    const task = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      active--;
    };
    await Promise.all(Array.from({ length: 7 }, () => limiter.run(task)));
    expect(peak).toBe(2);
    expect(limiter.active).toBe(0);
  });

  it('lets a waiting call leave the queue when it is aborted', async () => {
    const limiter = createLimiter(1);
    let release!: () => void;
    const blocker = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    const waiting = limiter.run(async () => 'ran', controller.signal);
    expect(limiter.waiting).toBe(1);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(limiter.waiting).toBe(0);
    release();
    await blocker;
  });
});

describe('response cache', () => {
  async function cacheFolder() {
    const folder = await temporaryFolder();
    cleanups.push(folder.remove);
    return folder.path;
  }

  it('collapses identical concurrent calls into one', async () => {
    const dir = await cacheFolder();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { calls, caller } = scriptedCaller(async (request) => {
      await gate;
      return result('slow', request.sampleIndices);
    });
    const backbone = createModelBackbone({ id: 'test/model', toolMode: 'text', call: caller, identity: { provider: 'test', model: 'model' }, cache: createResponseCache(dir) });
    const both = Promise.all([backbone.complete(completionRequest()), backbone.complete(completionRequest())]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const [first, second] = await both;
    expect(calls).toHaveLength(1);
    expect(second.samples).toEqual(first.samples);
    expect([first.cached, second.cached].filter(Boolean)).toHaveLength(1);
  });

  it('never caches errors, writes one file per entry and leaves no temporary files', async () => {
    const dir = await cacheFolder();
    const { calls, caller } = scriptedCaller((request, index) => {
      if (index === 0) throw new ModelCallError('MODEL_BAD_RESPONSE', 'garbled');
      return result('fine', request.sampleIndices);
    });
    const backbone = createModelBackbone({ id: 'test/model', toolMode: 'text', call: caller, identity: { provider: 'test', model: 'model' }, cache: createResponseCache(dir) });
    await expect(backbone.complete(completionRequest())).rejects.toMatchObject({ code: 'MODEL_BAD_RESPONSE' });
    const answered = await backbone.complete(completionRequest());
    expect(answered.cached).toBeUndefined();
    expect(calls).toHaveLength(2);
    const shards = await readdir(dir);
    expect(shards).toHaveLength(1);
    const files = await readdir(join(dir, shards[0]!));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    const entry = JSON.parse(await readFile(join(dir, shards[0]!, files[0]!), 'utf8'));
    expect(entry).toMatchObject({ version: 1, backbone: 'test/model', result: { samples: [{ text: 'fine#0' }] } });
  });

  it('treats a corrupt entry as a miss and rewrites it', async () => {
    const dir = await cacheFolder();
    const { calls, caller } = scriptedCaller((request) => result('fresh', request.sampleIndices));
    const make = () => createModelBackbone({ id: 'test/model', toolMode: 'text', call: caller, identity: { provider: 'test', model: 'model' }, cache: createResponseCache(dir) });
    await make().complete(completionRequest());
    const shard = (await readdir(dir))[0]!;
    const file = join(dir, shard, (await readdir(join(dir, shard)))[0]!);
    await writeFile(file, '{"version":1,"key":', 'utf8');
    const again = await make().complete(completionRequest());
    expect(again.cached).toBeUndefined();
    expect(calls).toHaveLength(2);
    expect((await make().complete(completionRequest())).cached).toBe(true);
  });

  it('keys on what changes the output and nothing else', () => {
    const base: RawCallRequest = { messages: [{ role: 'user', content: 'hi' }], tools: [], toolMode: 'text', sampling: { temperature: 0.5 }, sampleIndices: [0] };
    const identity = { provider: 'openai', model: 'm' };
    const key = cacheKey(identity, base);
    expect(cacheKey(identity, { ...base, signal: new AbortController().signal })).toBe(key);
    expect(cacheKey({ model: 'm', provider: 'openai' }, { ...base, sampling: { temperature: 0.5 } })).toBe(key);
    expect(cacheKey(identity, { ...base, sampleIndices: [1] })).not.toBe(key);
    expect(cacheKey(identity, { ...base, sampling: { temperature: 0.6 } })).not.toBe(key);
    expect(cacheKey(identity, { ...base, toolMode: 'native' })).not.toBe(key);
    expect(cacheKey({ ...identity, model: 'other' }, base)).not.toBe(key);
    expect(cacheKey(identity, { ...base, options: { jsonSchema: { type: 'boolean' } } })).not.toBe(key);
  });
});

describe('budget and cost', () => {
  it('counts calls of unpriced models as unknown cost, and cached answers as free', async () => {
    const folder = await temporaryFolder();
    cleanups.push(folder.remove);
    const budget = createBudget({ maxCostUsd: 10 });
    const { caller } = scriptedCaller((request) => result('x', request.sampleIndices));
    const make = () =>
      createModelBackbone({ id: 'test/model', toolMode: 'text', call: caller, identity: { provider: 'test', model: 'model' }, budget, cache: createResponseCache(folder.path) });
    const first = await make().complete(completionRequest());
    expect(first.costUsd).toBeUndefined();
    expect(first.warnings.join(' ')).toContain('cost unknown');
    const again = await make().complete(completionRequest());
    expect(again.costUsd).toBe(0);
    expect(budget.spent()).toEqual({ calls: 1, inputTokens: 10, outputTokens: 5, costUsd: 0, callsWithUnknownCost: 1 });
  });

  it('rejects a bad sample count', async () => {
    const { caller } = scriptedCaller((request) => result('x', request.sampleIndices));
    const backbone = createModelBackbone({ id: 'test/model', toolMode: 'text', call: caller, identity: {} });
    await expect(backbone.complete(completionRequest({ samples: 0 }))).rejects.toSatisfy(
      (error: unknown) => BridleError.isInstance(error) && error.code === 'INVALID_ARGUMENT',
    );
  });
});
