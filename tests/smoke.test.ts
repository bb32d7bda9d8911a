import { describe, expect, it } from 'vitest';
import ivm from 'isolated-vm';
import { createRandom, seedOf } from '../src/util/random.ts';

describe('smoke', () => {
  it('runs isolated-vm under vitest', () => {
    const isolate = new ivm.Isolate({ memoryLimit: 16 });
    expect(isolate.compileScriptSync('6*7').runSync(isolate.createContextSync())).toBe(42);
    isolate.dispose();
  });
  it('seeds deterministically', () => {
    expect(createRandom(seedOf('a', 1)).next()).toBe(createRandom(seedOf('a', 1)).next());
  });
});
