import { afterAll, describe, expect, it } from 'vitest';
import {
  EMPTY_HARNESS,
  EMPTY_HARNESS_HASH,
  compileHarness,
  createInProcessRunner,
  createIsolateRunner,
  type HarnessRunner,
} from '../../sandboxes/index.ts';
import { BridleError } from '../../src/errors.ts';
import { bridge, call, open, raw, script, single, step, viewOf, wellBehaved } from './fixtures.ts';

const isolate = createIsolateRunner();
const inProcess = createInProcessRunner();
afterAll(async () => {
  await isolate.dispose();
  await inProcess.dispose();
});

describe('compileHarness', () => {
  it('hashes names and sources in order; the empty harness has a fixed hash', () => {
    const a = compileHarness([{ file: 'a.ts', source: 'export default 1;' }]);
    const b = compileHarness([{ file: 'b.ts', source: 'export default 1;' }]);
    expect(a.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.contentHash).not.toBe(b.contentHash);
    expect(compileHarness([]).contentHash).toBe(EMPTY_HARNESS_HASH);
    expect(EMPTY_HARNESS_HASH).toBe('cf01c425021daf86c1a528d604755d6cd53ca1aa07fa911a1ac1db5da472fa6c');
    expect(a.modules[0]?.javascript).toContain('exports.default = 1');
  });

  it('rejects source over the limit, syntax errors and bad file names with HARNESS_INVALID', () => {
    const big = { file: 'big.ts', source: `export default "${'x'.repeat(2000)}";` };
    expect(() => compileHarness([big], { maxSourceBytes: 1000 })).toThrowError(/over the limit of 1000 bytes/);
    for (const files of [[big], [{ file: 'bad.ts', source: 'export default {{{' }], [{ file: '../up.ts', source: '' }]]) {
      try {
        compileHarness(files, { maxSourceBytes: 1000 });
        expect.unreachable();
      } catch (error) {
        expect(BridleError.isInstance(error) && error.code).toBe('HARNESS_INVALID');
      }
    }
  });
});

describe.each<[string, HarnessRunner]>([
  ['isolate', isolate],
  ['in-process', inProcess],
])('%s runner', (_kind, runner) => {
  it('loads module identities and serves every hook', async () => {
    const session = await open(runner, wellBehaved());
    expect(session.modules.map((module) => [module.file, module.name, module.hooks])).toEqual([
      ['tolerant-parse.ts', 'tolerant-parse', ['realize']],
      ['block-delete.ts', 'block-delete', ['guard']],
      ['explain-errors.ts', 'explain-errors', ['interpret']],
      ['loop-guard.ts', 'loop-guard', ['regulate']],
      ['peek-and-rng.ts', 'peek-and-rng', ['prepare', 'rank']],
      ['async-guard.ts', 'async-guard', ['guard']],
    ]);
    expect([...session.hooks].sort()).toEqual(['guard', 'interpret', 'prepare', 'rank', 'realize', 'regulate']);
    const view = viewOf([]);
    const realized = await session.call('realize', { draft: { raw: raw("ok: {'tool': 'FIND_USER', 'arguments': {'email': 'a@b.c'},}"), action: null }, allowResample: false }, view);
    expect(realized).toEqual({
      ok: true,
      value: { value: { kind: 'action', action: { kind: 'call', tool: 'find_user', arguments: { email: 'a@b.c' } } }, fired: ['tolerant-parse'] },
      peeks: 0,
    });
    const blocked = await session.call('guard', { action: { kind: 'call', tool: 'delete_account', arguments: {} } }, view);
    expect(blocked).toEqual({ ok: true, value: { value: 'delete_account is never allowed (check #1)', fired: ['block-delete'] }, peeks: 0 });
    const asyncBlocked = await session.call('guard', { action: { kind: 'call', tool: 'refund', arguments: {} } }, view);
    expect(asyncBlocked).toEqual({ ok: true, value: { value: 'refunds need a confirmation first', fired: ['async-guard'] }, peeks: 0 });
    const prepared = await session.call('prepare', { prompt: { system: 'S', observation: 'O' } }, view);
    expect(prepared.ok && prepared.value.value.system).toMatch(/^S\nOrder: \{"id":"O-1","status":"delivered"\} draw=0\.\d{6}$/);
    expect(prepared.ok && prepared.peeks).toBe(1);
    const regulated = await session.call('regulate', {}, viewOf([step(0, call), step(1, call), step(2, call)]));
    expect(regulated).toEqual({ ok: true, value: { value: { resample: 3 }, fired: ['loop-guard'] }, peeks: 0 });
    await session.close();
  });

  it('an empty harness folds to the defaults', async () => {
    const session = await open(runner, EMPTY_HARNESS);
    expect(session.modules).toEqual([]);
    expect(await session.call('guard', { action: call }, viewOf([]))).toEqual({ ok: true, value: { value: null, fired: [] }, peeks: 0 });
    expect(await session.call('rank', { candidates: [] }, viewOf([]))).toEqual({ ok: true, value: { value: 0, fired: [] }, peeks: 0 });
    await session.close();
  });

  it('gives modules fresh module state per session and a seeded rng', async () => {
    const first = await open(runner, wellBehaved(), 11);
    const again = await open(runner, wellBehaved(), 11);
    const other = await open(runner, wellBehaved(), 12);
    const guard = { action: { kind: 'call' as const, tool: 'delete_account', arguments: {} } };
    await first.call('guard', guard, viewOf([]));
    expect(await first.call('guard', guard, viewOf([]))).toMatchObject({ value: { value: 'delete_account is never allowed (check #2)' } });
    expect(await again.call('guard', guard, viewOf([]))).toMatchObject({ value: { value: 'delete_account is never allowed (check #1)' } });
    const prompt = { prompt: { system: '', observation: '' } };
    const a = await again.call('prepare', prompt, viewOf([]));
    const b = await first.call('prepare', prompt, viewOf([]));
    const c = await other.call('prepare', prompt, viewOf([]));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    await Promise.all([first.close(), again.close(), other.close()]);
  });

  it('keeps the view read-only: a module mutating it throws', async () => {
    const session = await open(
      runner,
      single(`export default { name: 'mutator', why: 'test', regulate(view: any) { view.trajectory.push(1); return undefined; } };`),
    );
    const result = await session.call('regulate', {}, viewOf([step(0, call)]));
    expect(result).toMatchObject({ ok: false, violation: { code: 'SANDBOX_THROW', hook: 'regulate', module: 'mutator' } });
    await session.close();
  });

  it('rebuilds the trajectory from the tail it is sent, and from scratch when the prefix changes', async () => {
    const session = await open(
      runner,
      single(`export default { name: 'count', why: 'test', regulate(view: any) { return { inject: view.trajectory.map((s: any) => s.feedback).join(',') }; } };`),
    );
    const trajectory = [step(0, call, 'a')];
    expect(await session.call('regulate', {}, viewOf(trajectory))).toMatchObject({ value: { value: { inject: 'a' } } });
    trajectory.push(step(1, call, 'b'), step(2, call, 'c'));
    expect(await session.call('regulate', {}, viewOf(trajectory))).toMatchObject({ value: { value: { inject: 'a,b,c' } } });
    expect(await session.call('regulate', {}, viewOf(trajectory))).toMatchObject({ value: { value: { inject: 'a,b,c' } } });
    expect(await session.call('regulate', {}, viewOf([step(0, call, 'x')]))).toMatchObject({ value: { value: { inject: 'x' } } });
    expect(await session.call('regulate', {}, viewOf([step(0, call, 'y'), step(1, call, 'z')]))).toMatchObject({ value: { value: { inject: 'y,z' } } });
    await session.close();
  });

  it('reports invalid hook results naming the module', async () => {
    const session = await open(runner, single(`export default { name: 'bad-guard', why: 'test', guard() { return { nope: 1 }; } };`));
    expect(await session.call('guard', { action: call }, viewOf([]))).toEqual({
      ok: false,
      violation: {
        code: 'SANDBOX_INVALID_RESULT',
        hook: 'guard',
        module: 'bad-guard',
        message: 'module "bad-guard" guard returned something that is not {block}',
      },
    });
    await session.close();
  });

  it('rejects modules without a module object at load', async () => {
    const opened = await runner.open(single(`export default { name: 'no-why' };`), bridge());
    expect(opened).toMatchObject({ ok: false, violation: { code: 'SANDBOX_LOAD_FAILED', hook: 'load' } });
    const none = await runner.open(single(`export const x = 1;`), bridge());
    expect(none).toMatchObject({ ok: false, violation: { code: 'SANDBOX_LOAD_FAILED', hook: 'load', module: 'module.ts' } });
    const twice = await runner.open(
      compileHarness([
        { file: 'a.ts', source: `export default { name: 'same', why: 'a' };` },
        { file: 'b.ts', source: `export default { name: 'same', why: 'b' };` },
      ]),
      bridge(),
    );
    expect(twice).toMatchObject({ ok: false, violation: { code: 'SANDBOX_LOAD_FAILED', module: 'same' } });
  });
});

describe('parity', () => {
  it('both runners give identical HookCallResults for the same inputs and seed', async () => {
    const [fromIsolate = [], fromInProcess] = await Promise.all(
      [isolate, inProcess].map(async (runner) => {
        const session = await open(runner, wellBehaved(), 2024);
        try {
          return await script(session);
        } finally {
          await session.close();
        }
      }),
    );
    expect(fromIsolate).toHaveLength(32);
    expect(fromIsolate).toEqual(fromInProcess);
    expect(fromIsolate.every((result) => (result as { ok: boolean }).ok)).toBe(true);
  });

  it('both runners report throws and bridge denials the same way', async () => {
    const harness = single(`
      export default {
        name: 'faulty', why: 'test',
        guard(action: any, view: any) {
          if (action.tool === 'refund') { try { view.peek('refund', {}); } catch {} return undefined; }
          if (action.tool === 'finish') throw null;
          throw new TypeError('bad\\n  multi-line');
        },
      };`);
    const results = await Promise.all(
      [isolate, inProcess].map(async (runner) => {
        const session = await open(runner, harness);
        const out = [];
        for (const tool of ['refund', 'finish', 'get_order']) out.push(await session.call('guard', { action: { kind: 'call', tool, arguments: {} } }, viewOf([])));
        await session.close();
        return out;
      }),
    );
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toEqual([
      { ok: false, violation: { code: 'SANDBOX_BRIDGE_DENIED', hook: 'guard', module: 'faulty', message: 'peek denied: "refund" is not a read-only tool' } },
      { ok: false, violation: { code: 'SANDBOX_THROW', hook: 'guard', module: 'faulty', message: 'module "faulty" guard threw: threw a non-Error value: null' } },
      { ok: false, violation: { code: 'SANDBOX_THROW', hook: 'guard', module: 'faulty', message: 'module "faulty" guard threw: TypeError: bad multi-line' } },
    ]);
  });
});
