/** The run's call scheduler (issue #14): limits per backbone, AIMD, rates, budget on calls started, endpoints. */
import { describe, expect, it } from 'vitest';
import { createCallScheduler, type CallScheduler } from '../../src/models/shared/scheduler.ts';
import type { CallTicket } from '../../src/models/shared/gate.ts';
import { BridleError } from '../../src/errors.ts';

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Run `count` calls of `ms` each through the scheduler; resolve with the most in flight at once. */
async function load(scheduler: CallScheduler, backbone: string, count: number, ms: number, outcome: Parameters<CallTicket['release']>[0] = { kind: 'ok' }) {
  let inFlight = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      const ticket = await scheduler.acquire({ backbone, tokens: 10 });
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(ms);
      inFlight--;
      ticket.release(outcome);
    }),
  );
  return peak;
}

describe('call scheduler', () => {
  it('never lets more than maxConcurrency calls of a backbone in flight, and fills every slot', async () => {
    const scheduler = createCallScheduler({ lane: () => ({ maxConcurrency: 5 }) });
    expect(await load(scheduler, 'openai/a', 40, 20)).toBe(5);
    expect(scheduler.stats()[0]).toMatchObject({ backbone: 'openai/a', granted: 40, peak: 5, inFlight: 0, waiting: 0 });
  });

  it('keeps one lane per backbone', async () => {
    const scheduler = createCallScheduler({ lane: (backbone) => ({ maxConcurrency: backbone === 'openai/a' ? 2 : 3 }) });
    const [a, b] = await Promise.all([load(scheduler, 'openai/a', 10, 15), load(scheduler, 'openai/b', 10, 15)]);
    expect([a, b]).toEqual([2, 3]);
  });

  it('halves its limit on a 429 (once per round), holds new calls for retry-after, and climbs back one per round of successes', async () => {
    const scheduler = createCallScheduler({ lane: () => ({ maxConcurrency: 8 }) });
    const tickets = await Promise.all(Array.from({ length: 8 }, () => scheduler.acquire({ backbone: 'x/m', tokens: 1 })));
    // Eight calls that were in flight together all come back 429: one decrease, not eight.
    for (const ticket of tickets) ticket.release({ kind: 'rate-limited', retryAfterMs: 150 });
    expect(scheduler.stats()[0]).toMatchObject({ limit: 4, rateLimited: 8 });
    const started = performance.now();
    const next = await scheduler.acquire({ backbone: 'x/m', tokens: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    next.release({ kind: 'ok' });
    // Additive increase: 4 → 5 takes about four successes.
    for (let index = 0; index < 4; index++) (await scheduler.acquire({ backbone: 'x/m', tokens: 1 })).release({ kind: 'ok' });
    expect(scheduler.stats()[0]!.limit).toBeGreaterThanOrEqual(5);
    expect(scheduler.stats()[0]!.limit).toBeLessThan(6);
  });

  it('holds requests per minute', async () => {
    // 1200 a minute is one every 50 ms; the bucket starts full (1200), so take it down first.
    const scheduler = createCallScheduler({ lane: () => ({ maxConcurrency: 100, requestsPerMinute: 1200 }) });
    for (let index = 0; index < 1200; index++) (await scheduler.acquire({ backbone: 'x/m', tokens: 1 })).release({ kind: 'ok' });
    const started = performance.now();
    for (let index = 0; index < 4; index++) (await scheduler.acquire({ backbone: 'x/m', tokens: 1 })).release({ kind: 'ok' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('holds tokens per minute, corrected by what calls really used', async () => {
    const scheduler = createCallScheduler({ lane: () => ({ maxConcurrency: 100, tokensPerMinute: 6000 }) });
    // Estimated 6000, used 100: the bucket gets the difference back at once.
    (await scheduler.acquire({ backbone: 'x/m', tokens: 6000 })).release({ kind: 'ok', usage: { inputTokens: 60, outputTokens: 40 } });
    const started = performance.now();
    (await scheduler.acquire({ backbone: 'x/m', tokens: 5000 })).release({ kind: 'ok' });
    expect(performance.now() - started).toBeLessThan(50);
    // The next 5000 must wait for 4100 tokens to refill (6000 a minute: about 41 s) — check it waits, then let it go.
    const waiting = scheduler.acquire({ backbone: 'x/m', tokens: 5000 });
    await sleep(50);
    expect(scheduler.stats()[0]).toMatchObject({ waiting: 1 });
    void waiting.then((ticket) => ticket.release({ kind: 'aborted' }), () => {});
  });

  it('enforces the budget on calls started: once spent, no call starts, waiting ones included', async () => {
    const scheduler = createCallScheduler({ lane: () => ({ maxConcurrency: 1 }), budget: { maxTokens: 1000 } });
    const first = await scheduler.acquire({ backbone: 'x/m', tokens: 1 });
    const second = scheduler.acquire({ backbone: 'x/m', tokens: 1 });
    first.release({ kind: 'ok', usage: { inputTokens: 900, outputTokens: 200 } });
    const refused = await second.then(() => undefined, (error: unknown) => error);
    expect(BridleError.isInstance(refused) && refused.code).toBe('BUDGET_EXHAUSTED');
    expect((refused as Error).message).toMatch(/token budget exhausted \(1100 of 1000 tokens spent/);
    await expect(scheduler.acquire({ backbone: 'x/m', tokens: 1 })).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    expect(scheduler.spent()).toMatchObject({ calls: 1, inputTokens: 900, outputTokens: 200 });
    expect(scheduler.budgetStop()).toMatch(/token budget exhausted/);
    // Estimated (simulated) usage is nobody's bill.
    const free = createCallScheduler({ lane: () => ({ maxConcurrency: 1 }), budget: { maxTokens: 10 } });
    (await free.acquire({ backbone: 'sim/x', tokens: 1 })).release({ kind: 'ok', usage: { inputTokens: 900, outputTokens: 200, estimated: true } });
    expect(free.budgetStop()).toBeUndefined();
  });

  it('routes to the endpoint with the fewest calls in flight, takes a failing one out and tries it again later', async () => {
    const scheduler = createCallScheduler({ lane: () => ({ maxConcurrency: 10, endpoints: ['http://a', 'http://b'] }), endpointRetryMs: 200 });
    const both = await Promise.all([scheduler.acquire({ backbone: 'x/m', tokens: 1 }), scheduler.acquire({ backbone: 'x/m', tokens: 1 })]);
    expect(both.map((ticket) => ticket.baseURL).sort()).toEqual(['http://a', 'http://b']);
    const [onA, onB] = both[0]!.baseURL === 'http://a' ? both : [both[1]!, both[0]!];
    onB!.release({ kind: 'ok' });
    onA!.release({ kind: 'connection' });
    const again = await scheduler.acquire({ backbone: 'x/m', tokens: 1 });
    // Fewest in flight (both 0), then fewest calls: b and a each had one; a failed once and is still in.
    again.release(again.baseURL === 'http://a' ? { kind: 'server-error' } : { kind: 'ok' });
    // Make a fail twice in a row for sure.
    for (let index = 0; index < 4; index++) {
      const ticket = await scheduler.acquire({ backbone: 'x/m', tokens: 1 });
      ticket.release(ticket.baseURL === 'http://a' ? { kind: 'server-error' } : { kind: 'ok' });
    }
    // a is out: every call lands on b.
    const landed = [];
    for (let index = 0; index < 6; index++) {
      const ticket = await scheduler.acquire({ backbone: 'x/m', tokens: 1 });
      landed.push(ticket.baseURL);
      ticket.release({ kind: 'ok' });
    }
    expect(landed).toEqual(Array(6).fill('http://b'));
    expect(scheduler.stats()[0]!.endpoints.find((endpoint) => endpoint.url === 'http://a')!.down).toBe(true);
    // After its back-off, a is tried again.
    await sleep(250);
    const seen = new Set<string | undefined>();
    for (let index = 0; index < 4; index++) {
      const ticket = await scheduler.acquire({ backbone: 'x/m', tokens: 1 });
      seen.add(ticket.baseURL);
      ticket.release({ kind: 'ok' });
    }
    expect(seen.has('http://a')).toBe(true);
  });

  it('leaves the queue when the caller aborts', async () => {
    const scheduler = createCallScheduler({ lane: () => ({ maxConcurrency: 1 }) });
    const held = await scheduler.acquire({ backbone: 'x/m', tokens: 1 });
    const controller = new AbortController();
    const waiting = scheduler.acquire({ backbone: 'x/m', tokens: 1 }, controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    expect(scheduler.stats()[0]!.waiting).toBe(0);
    held.release({ kind: 'ok' });
  });
});
