/**
 * The on-disk response cache: re-running an evaluation costs nothing.
 *
 * The key is the sha256 of what changes the output: provider, model, messages, tools, tool mode, the
 * effective sampling parameters, the sample indices and provider options that shape the output (a JSON
 * schema, a model file's size and date). Left out on purpose: timeouts, retries, concurrency, API keys,
 * and the base URL (the same model behind another proxy or port answers alike; a server that serves a
 * different model under the same name needs a different model id or `cache: false`).
 *
 * One file per entry, written to a temporary name and renamed, so a crash never leaves half an entry and
 * concurrent processes never read one. Identical calls in flight at the same time are collapsed into one.
 * Errors are never cached. An unreadable entry counts as a miss and is overwritten.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '../../harness/api.ts';
import type { RawCallRequest, RawCallResult, RawCaller } from './types.ts';

/** Version of the cache entry format; part of every key, so a format change starts a fresh cache. */
export const CACHE_FORMAT_VERSION = 1;

/** The default cache folder, relative to the project root. */
export const DEFAULT_CACHE_DIR = '.bridle/cache';

/** What is stored for one key. */
export interface CacheEntry {
  version: typeof CACHE_FORMAT_VERSION;
  key: string;
  /** The backbone that made the call (for people browsing the folder). */
  backbone: string;
  result: Omit<RawCallResult, 'cached'>;
}

/** A response cache in one folder. */
export interface ResponseCache {
  /** The folder holding the entries. */
  readonly dir: string;
  /** The stored result for `key`, or undefined. */
  get(key: string): Promise<RawCallResult | undefined>;
  /** Store `result` under `key` (atomically). */
  put(key: string, backbone: string, result: RawCallResult): Promise<void>;
  /** Calls in flight by key: identical concurrent calls share one. */
  readonly inFlight: Map<string, Promise<RawCallResult>>;
}

/** JSON with object keys sorted and undefined fields dropped: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}

/** The cache key of a call: sha256 over the identity of the model and everything that shapes the output. */
export function cacheKey(identity: JsonObject, request: RawCallRequest): string {
  const material = canonicalJson({
    version: CACHE_FORMAT_VERSION,
    identity,
    messages: request.messages,
    tools: request.tools,
    toolMode: request.toolMode,
    sampling: request.sampling,
    sampleIndices: request.sampleIndices,
    options: request.options ?? null,
  });
  return createHash('sha256').update(material).digest('hex');
}

export function createResponseCache(dir: string): ResponseCache {
  const pathOf = (key: string): string => join(dir, key.slice(0, 2), `${key}.json`);
  return {
    dir,
    inFlight: new Map(),
    async get(key) {
      let text: string;
      try {
        text = await readFile(pathOf(key), 'utf8');
      } catch {
        return undefined;
      }
      try {
        const entry = JSON.parse(text) as CacheEntry;
        if (entry.version !== CACHE_FORMAT_VERSION || entry.key !== key || !Array.isArray(entry.result?.samples)) return undefined;
        return { ...entry.result, cached: true };
      } catch {
        return undefined;
      }
    },
    async put(key, backbone, result) {
      const file = pathOf(key);
      const { cached: _cached, ...stored } = result;
      const entry: CacheEntry = { version: CACHE_FORMAT_VERSION, key, backbone, result: stored };
      await mkdir(join(dir, key.slice(0, 2)), { recursive: true });
      const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
      try {
        await writeFile(temporary, `${JSON.stringify(entry)}\n`, 'utf8');
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
  };
}

/**
 * Wrap a caller with the cache. A hit returns `cached: true` and sends nothing; a call joining an
 * identical one in flight also returns `cached: true` (it sent nothing and spent nothing). A failed
 * cache write does not fail the call: it becomes a warning.
 */
export function withCache(caller: RawCaller, cache: ResponseCache, identity: JsonObject, label: string): RawCaller {
  return async (request) => {
    const key = cacheKey(identity, request);
    const running = cache.inFlight.get(key);
    if (running) return { ...(await running), cached: true };
    const work = (async (): Promise<RawCallResult> => {
      const hit = await cache.get(key);
      if (hit) return hit;
      const result = await caller(request);
      try {
        await cache.put(key, label, result);
        return result;
      } catch (error) {
        return { ...result, warnings: [...result.warnings, `${label}: could not write the response cache in ${cache.dir}: ${String(error)}`] };
      }
    })();
    cache.inFlight.set(key, work);
    try {
      return await work;
    } finally {
      cache.inFlight.delete(key);
    }
  };
}
