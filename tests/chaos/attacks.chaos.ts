/**
 * Hostile harness code, each attack in real retail episodes through the production pool (worker
 * processes, watchdog, isolate): the episode ends with the expected typed violation naming its module
 * and hook, and the pool goes on (a benign episode right after it passes).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createRetail } from '../../environments/retail/index.ts';
import { evaluatePlan } from '../../src/agent/evaluate.ts';
import { createPoolExecutor } from '../../src/agent/executor.ts';
import { emptyHarness } from '../../src/store/harness-files.ts';
import { record } from './chaos-log.ts';

const HOSTILE = new URL('../fixtures/hostile/', import.meta.url);
const environment = createRetail();
const executor = createPoolExecutor({ size: 1 });
afterAll(() => executor.close());

/** The attacks: the fixture, what it does, and the violation it must end in (code; module by name). */
const ATTACKS: { fixture: string; attack: string; codes: string[]; hook?: string; limits?: { episodeCpuMs: number } }[] = [
  { fixture: 'infinite-loop', attack: 'guard: while (true) {}', codes: ['SANDBOX_TIMEOUT'], hook: 'guard' },
  { fixture: 'load-loop', attack: 'a loop in module top-level code', codes: ['SANDBOX_TIMEOUT'], hook: 'load' },
  // It burns time and allocates promises: which limit trips first depends on the machine's speed.
  { fixture: 'microtask-flood', attack: 'guard: an endless microtask chain', codes: ['SANDBOX_TIMEOUT', 'SANDBOX_MEMORY'], hook: 'guard' },
  { fixture: 'cpu-hog', attack: 'regulate: 4M iterations every step, under the hook limit (episode CPU budget set to 40 ms)', codes: ['SANDBOX_TIMEOUT'], hook: 'regulate', limits: { episodeCpuMs: 40 } },
  { fixture: 'memory-bomb', attack: 'realize: allocate arrays until the heap is full', codes: ['SANDBOX_MEMORY'], hook: 'realize' },
  { fixture: 'builtin-fill', attack: 'guard: new Array(5e7).fill(0) (ignores the timeout and the heap limit)', codes: ['SANDBOX_TIMEOUT', 'SANDBOX_MEMORY'], hook: 'guard' },
  { fixture: 'builtin-json', attack: 'guard: JSON.parse of a 60 MB array text (hundreds of MiB in one builtin call)', codes: ['SANDBOX_MEMORY', 'SANDBOX_TIMEOUT'], hook: 'guard' },
  { fixture: 'wasm-memory', attack: 'guard: 16 × 64 MiB WebAssembly.Memory (outside the heap)', codes: ['SANDBOX_THROW'], hook: 'guard' },
  { fixture: 'typed-array-bomb', attack: 'guard: 64 × 32 MiB Float64Array', codes: ['SANDBOX_THROW', 'SANDBOX_MEMORY'], hook: 'guard' },
  { fixture: 'string-bomb', attack: 'guard: a string doubled 40 times', codes: ['SANDBOX_THROW', 'SANDBOX_MEMORY'], hook: 'guard' },
  { fixture: 'regex-bomb', attack: 'guard: catastrophic regex backtracking', codes: ['SANDBOX_TIMEOUT'], hook: 'guard' },
  { fixture: 'huge-result', attack: 'a 50 MB hook result', codes: ['SANDBOX_RESULT_TOO_LARGE'] },
  { fixture: 'never-settles', attack: 'guard: a promise that never settles', codes: ['SANDBOX_UNSETTLED_PROMISE'], hook: 'guard' },
  { fixture: 'constructor-escape', attack: 'constructor.constructor("return process")() and friends', codes: ['SANDBOX_THROW'] },
  { fixture: 'require-fs', attack: "require('fs')", codes: ['SANDBOX_LOAD_FAILED'], hook: 'load' },
  { fixture: 'peek-write', attack: 'view.peek of a write tool, error swallowed', codes: ['SANDBOX_BRIDGE_DENIED'], hook: 'guard' },
  { fixture: 'too-many-peeks', attack: '17 peeks in one hook call', codes: ['SANDBOX_BRIDGE_DENIED'], hook: 'guard' },
  { fixture: 'nondeterminism', attack: 'Math.random, Date.now, new Date()', codes: ['SANDBOX_THROW'] },
  { fixture: 'throw-values', attack: 'throwing non-Error values (getters, host-looking stacks)', codes: ['SANDBOX_THROW'], hook: 'realize' },
];

function harnessOf(fixture: string) {
  const file = `${fixture}.ts`;
  return { label: fixture, manifest: { apiVersion: 1 as const, environment: 'retail', modules: [file] }, files: [{ file, source: readFileSync(new URL(file, HOSTILE), 'utf8') }] };
}

async function episodes(harness: ReturnType<typeof harnessOf> | ReturnType<typeof emptyHarness>, taskIds: string[], limits?: { episodeCpuMs: number }) {
  const { trajectories } = await evaluatePlan(
    { runId: 'chaos', environment, environmentRef: { name: 'retail' }, backbones: ['sim/oracle'], tasks: { ids: taskIds }, trials: 1, seed: 0, harness, runner: 'isolate', ...(limits ? { limits } : {}) },
    executor,
    { concurrency: 1 },
  );
  return trajectories;
}

describe('hostile harness code in production episodes', () => {
  it.each(ATTACKS)('$fixture: $attack', async ({ fixture, attack, codes, hook, limits }) => {
    const started = performance.now();
    // retail-009 writes (guards that fire on writes fire), retail-013 only reads. The oracle drives both:
    // the attack is on the sandbox, and a sim with a format habit may never reach the write it hangs on.
    const [hostile] = await episodes(harnessOf(fixture), ['retail-009'], limits);
    const seconds = (performance.now() - started) / 1000;
    const [benign] = await episodes(emptyHarness('retail'), ['retail-013']);
    const violation = hostile!.violations[0];
    const observed = violation
      ? `${violation.code} in ${violation.module ?? 'an unnamed module'} (${violation.hook}) after ${seconds.toFixed(1)} s; the next episode ${benign!.success ? 'passed' : 'ran'}`
      : `no violation (${hostile!.end.reason})`;
    const expectedModule = fixture === 'require-fs' || fixture === 'load-loop' ? `${fixture}.ts` : fixture;
    const passed =
      violation !== undefined &&
      codes.includes(violation.code) &&
      violation.module === expectedModule &&
      (hook === undefined || violation.hook === hook) &&
      benign!.violations.length === 0;
    record({ attack: `harness: ${attack}`, expected: `${codes.join(' or ')} naming ${expectedModule}${hook ? ` (${hook})` : ''}; the pool goes on`, observed, passed });
    expect(violation, observed).toBeDefined();
    expect(codes, observed).toContain(violation!.code);
    expect(violation!.module, observed).toBe(expectedModule);
    if (hook) expect(violation!.hook, observed).toBe(hook);
    expect(benign!.violations).toEqual([]);
  });
});
