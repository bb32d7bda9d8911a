import { existsSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compileHarness, createIsolateRunner, type HarnessSession, type HookCallResult } from '../../sandboxes/index.ts';
import { BridleError } from '../../src/errors.ts';
import { bridge, call, hostile, open, raw, step, viewOf, wellBehaved } from './fixtures.ts';

const runner = createIsolateRunner({ hookTimeoutMs: 50, episodeCpuMs: 1500 });
afterAll(() => runner.dispose());

/** After every hostile case the same runner must still open a new session and serve a good harness. */
afterEach(async () => {
  const session = await open(runner, wellBehaved());
  const result = await session.call('guard', { action: { kind: 'call', tool: 'delete_account', arguments: {} } }, viewOf([]));
  expect(result).toEqual({ ok: true, value: { value: 'delete_account is never allowed (check #1)', fired: ['block-delete'] }, peeks: 0 });
  await session.close();
});

async function openHostile(name: string): Promise<HarnessSession> {
  return open(runner, hostile(name));
}

function violationOf(result: HookCallResult<unknown>) {
  if (result.ok) throw new Error(`expected a violation, got ${JSON.stringify(result).slice(0, 200)}`);
  return result.violation;
}

const guard = { action: call };
const prompt = { prompt: { system: 'S', observation: 'O' } };

describe('hostile harness code in the isolate runner', () => {
  it('infinite loop → SANDBOX_TIMEOUT, and the session stays stopped', async () => {
    const session = await openHostile('infinite-loop');
    const first = violationOf(await session.call('guard', guard, viewOf([])));
    expect(first).toEqual({ code: 'SANDBOX_TIMEOUT', hook: 'guard', module: 'infinite-loop', message: 'guard ran longer than 50 ms' });
    expect(violationOf(await session.call('guard', guard, viewOf([])))).toEqual(first);
    await session.close();
  });

  it('a loop at load time → SANDBOX_TIMEOUT on open', async () => {
    expect(await runner.open(hostile('load-loop'), bridge())).toMatchObject({ ok: false, violation: { code: 'SANDBOX_TIMEOUT', hook: 'load', module: 'load-loop.ts' } });
  });

  it('an endless microtask chain → SANDBOX_TIMEOUT or SANDBOX_MEMORY, named', async () => {
    const session = await openHostile('microtask-flood');
    // The chain burns CPU and allocates promises: on a fast, idle machine the heap limit trips before
    // the wall-clock stop (ten times the CPU allowance), on a loaded one the timeout does.
    const stopped = violationOf(await session.call('guard', guard, viewOf([])));
    expect(stopped).toMatchObject({ hook: 'guard', module: 'microtask-flood' });
    expect(['SANDBOX_TIMEOUT', 'SANDBOX_MEMORY']).toContain(stopped.code);
    await session.close();
  });

  it('memory bomb → SANDBOX_MEMORY; its isolate is replaced, other sessions are untouched, the host keeps going', async () => {
    // Its own runner with a generous timeout, so that the heap, not the clock, stops the bomb even on a busy machine.
    const small = createIsolateRunner({ memoryMiB: 16, hookTimeoutMs: 5000 });
    try {
      const bystander = await open(small, wellBehaved());
      const session = await open(small, hostile('memory-bomb'));
      const result = violationOf(await session.call('realize', { draft: { raw: raw('x'), action: null }, allowResample: false }, viewOf([])));
      expect(result).toEqual({ code: 'SANDBOX_MEMORY', hook: 'realize', module: 'memory-bomb', message: 'the harness exceeded the isolate memory limit of 16 MiB' });
      expect(violationOf(await session.call('guard', guard, viewOf([])))).toEqual(result);
      // Each session has an isolate of its own: another episode open at the same time goes on.
      expect(await bystander.call('guard', guard, viewOf([]))).toMatchObject({ ok: true });
      await session.close();
      await bystander.close();
      const next = await open(small, wellBehaved());
      expect(await next.call('guard', guard, viewOf([]))).toMatchObject({ ok: true });
      await next.close();
    } finally {
      await small.dispose();
    }
  });

  it('constructor.constructor escapes find no host: no process, no require', async () => {
    const session = await openHostile('constructor-escape');
    const prepared = await session.call('prepare', prompt, viewOf([]));
    expect(prepared.ok).toBe(true);
    const found = JSON.parse(prepared.ok ? prepared.value.value.system : '{}');
    expect(found).toEqual({ process: 'undefined/undefined', require: 'undefined/undefined', globals: [], hostFunctionSource: 'function Object() { [native code] }' });
    expect(violationOf(await session.call('guard', guard, viewOf([])))).toEqual({
      code: 'SANDBOX_THROW',
      hook: 'guard',
      module: 'constructor-escape',
      message: 'module "constructor-escape" guard threw: ReferenceError: process is not defined',
    });
    const outcome = { action: call, text: 'x' };
    expect(violationOf(await session.call('interpret', { outcome }, viewOf([])))).toMatchObject({ code: 'SANDBOX_THROW', module: 'constructor-escape' });
    expect(existsSync('/tmp/bridle-escaped')).toBe(false);
    expect(typeof process.exit).toBe('function');
    await session.close();
  });

  it('a 50 MB result → SANDBOX_RESULT_TOO_LARGE, checked before it crosses', async () => {
    const session = await openHostile('huge-result');
    expect(violationOf(await session.call('interpret', { outcome: { action: call, text: 'x' } }, viewOf([])))).toEqual({
      code: 'SANDBOX_RESULT_TOO_LARGE',
      hook: 'interpret',
      module: 'huge-result',
      message: 'module "huge-result" interpret returned more than 1048576 bytes',
    });
    // Each part under the limit, the folded answer over it.
    expect(violationOf(await session.call('prepare', prompt, viewOf([])))).toMatchObject({ code: 'SANDBOX_RESULT_TOO_LARGE', hook: 'prepare', module: 'huge-result' });
    await session.close();
  });

  it('a never-settling promise → SANDBOX_UNSETTLED_PROMISE', async () => {
    const session = await openHostile('never-settles');
    expect(violationOf(await session.call('guard', guard, viewOf([])))).toEqual({
      code: 'SANDBOX_UNSETTLED_PROMISE',
      hook: 'guard',
      module: 'never-settles',
      message: 'module "never-settles" guard returned a promise that does not settle (hooks must answer synchronously)',
    });
    // Not fatal: the session answers the next call.
    expect(violationOf(await session.call('guard', guard, viewOf([])))).toMatchObject({ code: 'SANDBOX_UNSETTLED_PROMISE' });
    await session.close();
  });

  it('throwing non-Errors → SANDBOX_THROW with a one-line message and no stack', async () => {
    const session = await openHostile('throw-values');
    const messages: string[] = [];
    for (const text of ['42', '{}', 'null', 'getter', 'error']) {
      const result = violationOf(await session.call('realize', { draft: { raw: raw(text), action: null }, allowResample: false }, viewOf([])));
      expect(result).toMatchObject({ code: 'SANDBOX_THROW', hook: 'realize', module: 'throw-values' });
      messages.push(result.message);
    }
    expect(messages).toEqual([
      'module "throw-values" realize threw: threw a non-Error value: 42',
      'module "throw-values" realize threw: threw a non-Error value: an object',
      'module "throw-values" realize threw: threw a non-Error value: null',
      'module "throw-values" realize threw: threw a non-Error value: an object',
      'module "throw-values" realize threw: Error: first line at host (/etc/passwd:1:1)',
    ]);
    await session.close();
  });

  it("require('fs') → SANDBOX_LOAD_FAILED", async () => {
    expect(await runner.open(hostile('require-fs'), bridge())).toEqual({
      ok: false,
      violation: {
        code: 'SANDBOX_LOAD_FAILED',
        hook: 'load',
        module: 'require-fs.ts',
        message: `imports "fs": a harness module may import only 'bridle/harness'`,
      },
    });
  });

  it('Math.random, Date.now and new Date() are not there; dates from values are', async () => {
    const session = await openHostile('nondeterminism');
    expect(violationOf(await session.call('prepare', prompt, viewOf([])))).toMatchObject({
      code: 'SANDBOX_THROW',
      message: 'module "nondeterminism" prepare threw: Error: Math.random is not available in a harness module: use view.rng()',
    });
    expect(violationOf(await session.call('interpret', { outcome: { action: call, text: 't' } }, viewOf([])))).toMatchObject({
      code: 'SANDBOX_THROW',
      message: expect.stringContaining('there is no clock in a harness module'),
    });
    expect(violationOf(await session.call('guard', guard, viewOf([])))).toMatchObject({ code: 'SANDBOX_THROW', message: expect.stringContaining('no clock') });
    expect(await session.call('regulate', {}, viewOf([]))).toMatchObject({ ok: true, value: { value: { inject: '1970-01-01T00:00:00.000Z' } } });
    await session.close();
  });

  it('peek of a write tool → SANDBOX_BRIDGE_DENIED even when the module swallows the error', async () => {
    const log: string[] = [];
    const opened = await runner.open(hostile('peek-write'), bridge(7, log));
    if (!opened.ok) throw new Error('open failed');
    expect(violationOf(await opened.session.call('guard', guard, viewOf([])))).toEqual({
      code: 'SANDBOX_BRIDGE_DENIED',
      hook: 'guard',
      module: 'peek-write',
      message: 'peek denied: "refund" is not a read-only tool',
    });
    expect(log).toEqual(['refund {"order":"O-1"}']);
    await opened.session.close();
  });

  it('too many peeks → SANDBOX_BRIDGE_DENIED after exactly the cap', async () => {
    const log: string[] = [];
    const opened = await runner.open(hostile('too-many-peeks'), bridge(7, log));
    if (!opened.ok) throw new Error('open failed');
    expect(violationOf(await opened.session.call('guard', guard, viewOf([])))).toEqual({
      code: 'SANDBOX_BRIDGE_DENIED',
      hook: 'guard',
      module: 'too-many-peeks',
      message: 'more than 16 peeks in one hook call',
    });
    expect(log).toHaveLength(16);
    await opened.session.close();
  });

  it('source over the limit is refused at compile time with HARNESS_INVALID', () => {
    const source = `export default { name: 'big', why: '${'x'.repeat(600 * 1024)}' };`;
    try {
      compileHarness([{ file: 'big.ts', source }]);
      expect.unreachable();
    } catch (error) {
      expect(BridleError.isInstance(error) && error.code).toBe('HARNESS_INVALID');
      expect((error as Error).message).toMatch(/over the limit of 524288 bytes/);
    }
  });

  it('spending the episode CPU budget → SANDBOX_TIMEOUT', async () => {
    const tight = createIsolateRunner({ hookTimeoutMs: 50, episodeCpuMs: 40 });
    try {
      const session = await open(tight, hostile('cpu-hog'));
      let result: HookCallResult<unknown> = { ok: true, value: null, peeks: 0 };
      for (let index = 0; index < 100 && result.ok; index++) result = await session.call('regulate', {}, viewOf([]));
      expect(violationOf(result)).toEqual({ code: 'SANDBOX_TIMEOUT', hook: 'regulate', module: 'cpu-hog', message: 'the episode CPU budget of 40 ms is spent' });
      await session.close();
    } finally {
      await tight.dispose();
    }
  });

  it('a fresh context per session: globals and prototype pollution do not leak between episodes', async () => {
    const first = await openHostile('global-state');
    expect(await first.call('regulate', {}, viewOf([]))).toMatchObject({ value: { value: { inject: 'episodes=1 leaked=false' } } });
    expect(await first.call('regulate', {}, viewOf([step(0, call)]))).toMatchObject({ value: { value: { inject: 'episodes=2 leaked=true' } } });
    await first.close();
    const second = await openHostile('global-state');
    expect(await second.call('regulate', {}, viewOf([]))).toMatchObject({ value: { value: { inject: 'episodes=1 leaked=false' } } });
    await second.close();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
