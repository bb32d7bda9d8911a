import { describe, expect, it } from 'vitest';
import { measureOverhead } from './overhead.ts';

describe('sandbox overhead', () => {
  it('keeps per-hook latency in the isolate within a small multiple of the in-process runner', async () => {
    const { isolate, inProcess } = await measureOverhead(8, 10);
    console.info(
      `hook latency (µs) isolate p50 ${(isolate.p50 * 1000).toFixed(1)} p99 ${(isolate.p99 * 1000).toFixed(1)}; ` +
        `in-process p50 ${(inProcess.p50 * 1000).toFixed(1)} p99 ${(inProcess.p99 * 1000).toFixed(1)}`,
    );
    expect(isolate.calls).toBe(400);
    // Generous bounds: this guards against regressions by orders of magnitude, not against a busy machine.
    expect(isolate.p50).toBeLessThan(1);
    expect(isolate.p50).toBeLessThan(inProcess.p50 * 20 + 0.1);
  });
});
