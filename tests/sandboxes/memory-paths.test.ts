/**
 * Issue #12: no allocation path gets a hook past the isolate's memory limit. Here, the paths the isolate
 * itself closes (the realm offers no WebAssembly; array buffers count against the limit; strings have a
 * length cap; a regular expression is interruptible). Builtins that neither check for interrupts nor
 * respect the heap limit (`new Array(5e7).fill(0)`, a huge `JSON.parse`) are stopped one level up, by
 * the worker's watchdog: tests/sandboxes/watchdog.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createIsolateRunner, type HookCallResult } from '../../sandboxes/index.ts';
import { hostile, open, viewOf } from './fixtures.ts';

const runner = createIsolateRunner({ memoryMiB: 64, hookTimeoutMs: 50 });
afterAll(() => runner.dispose());

const guard = { action: { kind: 'call' as const, tool: 'get_order', arguments: {} } };

function violationOf(result: HookCallResult<unknown>) {
  if (result.ok) throw new Error(`expected a violation, got ${JSON.stringify(result).slice(0, 200)}`);
  return result.violation;
}

describe('allocation paths in the isolate (64 MiB)', () => {
  it('the realm offers only the language: no WebAssembly, shared memory, clock, console or GC hooks', async () => {
    const session = await open(runner, hostile('list-globals'));
    const result = await session.call('prepare', { prompt: { system: 'S', observation: 'O' } }, viewOf([]));
    if (!result.ok) throw new Error(result.violation.message);
    const globals: string[] = JSON.parse(result.value.value.system);
    for (const absent of ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'WeakRef', 'FinalizationRegistry', 'performance', 'console', 'process', 'require']) {
      expect(globals).not.toContain(absent);
    }
    await session.close();
  });

  it('WebAssembly memory: impossible (there is no WebAssembly)', async () => {
    const session = await open(runner, hostile('wasm-memory'));
    expect(violationOf(await session.call('guard', guard, viewOf([])))).toEqual({
      code: 'SANDBOX_THROW',
      hook: 'guard',
      module: 'wasm-memory',
      message: 'module "wasm-memory" guard threw: TypeError: Cannot read properties of undefined (reading \'Memory\')',
    });
    await session.close();
  });

  it('typed arrays past the limit: refused (array buffers count against it) or a memory death', async () => {
    const session = await open(runner, hostile('typed-array-bomb'));
    const stopped = violationOf(await session.call('guard', guard, viewOf([])));
    expect(stopped.module, JSON.stringify(stopped)).toBe('typed-array-bomb');
    expect(['SANDBOX_THROW', 'SANDBOX_MEMORY'], JSON.stringify(stopped)).toContain(stopped.code);
    if (stopped.code === 'SANDBOX_THROW') expect(stopped.message).toMatch(/Array buffer allocation failed/);
    await session.close();
  });

  it('a string doubled past the length cap: refused', async () => {
    const session = await open(runner, hostile('string-bomb'));
    expect(violationOf(await session.call('guard', guard, viewOf([])))).toMatchObject({ code: 'SANDBOX_THROW', module: 'string-bomb', message: expect.stringMatching(/Invalid string length/) });
    await session.close();
  });

  it('catastrophic regex backtracking: interrupted at the hook timeout, and named', async () => {
    const session = await open(runner, hostile('regex-bomb'));
    expect(violationOf(await session.call('guard', guard, viewOf([])))).toEqual({
      code: 'SANDBOX_TIMEOUT',
      hook: 'guard',
      module: 'regex-bomb',
      message: 'guard ran longer than 50 ms',
    });
    await session.close();
  });
});
