/**
 * The run store engineers read: views over a run folder and HEAD, and the train-only rule, enforced by
 * the store (construction, on-disk evaluations, filters, candidate folders, the export for coding agents).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Trajectory } from '../../src/agent/trajectory.ts';
import { BridleError } from '../../src/errors.ts';
import { createRunStore, diffHarness, exportRunStore, type RunStoreInput } from '../../src/meta/store/index.ts';
import { writeChangedPairs } from '../../src/store/candidates.ts';
import { TEST_TOOLS } from '../helpers/protocol-fixtures.ts';
import { step, trajectory } from '../helpers/trajectories.ts';

const folders: string[] = [];
afterEach(() => {
  while (folders.length > 0) rmSync(folders.pop()!, { recursive: true, force: true });
});

function runFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'bridle-store-'));
  folders.push(folder);
  return folder;
}

const failed = (taskId: string, backbone = 'sim/mixed'): Trajectory =>
  trajectory({
    taskId,
    backbone: { id: backbone, simulated: true },
    instruction: `Cancel order #W${taskId.slice(-3)} for me.`,
    steps: [
      step(0, 'cancel_order W001', { action: { kind: 'call', tool: 'cancel_order', arguments: { order_id: 'W001' } }, result: { ok: false, output: "Error: argument 'order_id' has an invalid format" } }),
      step(1, 'cancel_order W001', { action: { kind: 'call', tool: 'cancel_order', arguments: { order_id: 'W001' } }, result: { ok: false, output: "Error: argument 'order_id' has an invalid format" } }),
    ],
    end: { reason: 'step-budget' },
  });
const succeeded = (taskId: string): Trajectory => trajectory({ taskId, success: true, backbone: { id: 'sim/mixed', simulated: true }, steps: [step(0, 'finish', { action: { kind: 'finish', message: 'done' } })] });

const HEAD_MODULE = { file: 'finish-check.ts', source: "import { defineModule } from 'bridle/harness';\nexport default defineModule({ name: 'finish-check', why: 'x' });\n" };

function input(directory: string, train: Trajectory[] = [failed('retail-train-001'), failed('retail-train-002'), succeeded('retail-train-003'), failed('retail-train-004', 'sim/slip')]): RunStoreInput {
  return {
    directory,
    brief: { name: 'retail', description: 'A shop back office.', rules: 'Identify the customer first.', tools: TEST_TOOLS },
    apiTypes: 'export const HARNESS_API_VERSION = 1;',
    head: { label: 'abc', manifest: { apiVersion: 1, environment: 'retail', modules: ['finish-check.ts'] }, files: [HEAD_MODULE] },
    headSha: 'abcdef0123456789',
    train,
  };
}

function writeEvaluation(directory: string, label: string, trajectories: Trajectory[]): void {
  mkdirSync(join(directory, 'evaluations', label), { recursive: true });
  writeFileSync(join(directory, 'evaluations', label, 'trajectories.jsonl'), trajectories.map((entry) => JSON.stringify(entry)).join('\n') + '\n');
}

function expectRefused(action: () => unknown): BridleError {
  try {
    action();
  } catch (error) {
    if (BridleError.isInstance(error)) {
      expect(error.code).toBe('STORE_SPLIT_REFUSED');
      return error;
    }
    throw error;
  }
  throw new Error('expected the store to refuse');
}

describe('run store views', () => {
  it('lists groups with counts, filters trajectories, reads them raw (step ranges) and compressed, and greps', () => {
    const store = createRunStore(input(runFolder()));
    const groups = store.groups();
    const invalid = groups.find((group) => group.signature === 'environment-error:cancel_order:argument q has an invalid format')!;
    expect(invalid).toMatchObject({ kind: 'environment-error', tasks: 3, episodes: 3, tool: 'cancel_order' });
    expect(groups.find((group) => group.signature === 'loop')?.tasks).toBe(3);

    const all = store.listTrajectories();
    expect(all.total).toBe(4);
    expect(all.rows.map((row) => row.id)).toEqual(['head/0', 'head/1', 'head/2', 'head/3']);
    expect(store.listTrajectories({ outcome: 'success' }).rows.map((row) => row.taskId)).toEqual(['retail-train-003']);
    expect(store.listTrajectories({ backbone: 'sim/slip' }).rows.map((row) => row.id)).toEqual(['head/3']);
    expect(store.listTrajectories({ group: 'loop', limit: 1, offset: 1 })).toMatchObject({ total: 3, rows: [{ id: 'head/1' }] });
    expect(store.listTrajectories({ task: 'retail-train-002', split: 'train' }).rows).toHaveLength(1);

    const raw = store.readTrajectory('head/0', { format: 'raw', from: 1, to: 1 });
    expect(raw.format).toBe('raw');
    if (raw.format === 'raw') {
      expect(raw.range).toEqual([1, 1]);
      expect(raw.stepCount).toBe(2);
      expect(raw.steps).toHaveLength(1);
      expect(raw.steps[0]).toMatchObject({ index: 1, action: 'cancel_order({"order_id":"W001"})', result: { ok: false } });
    }
    const compressed = store.readTrajectory('head/0', { format: 'compressed' });
    expect(compressed).toMatchObject({ format: 'compressed', id: 'head/0', taskId: 'retail-train-001' });

    const grep = store.grep('invalid FORMAT', { backbone: 'sim/mixed', limit: 3 });
    expect(grep.matches).toHaveLength(3);
    expect(grep.truncated).toBe(true);
    expect(grep.matches[0]).toMatchObject({ id: 'head/0', step: 0, field: 'result' });
    expect(store.grep('W\\d{3}', { regex: true, outcome: 'failure', limit: 200 }).matches.length).toBeGreaterThan(3);
    expect(() => store.grep('(', { regex: true })).toThrow(/not a regular expression/);

    expect(store.modules()).toEqual([HEAD_MODULE]);
    expect(store.head()).toBe('abcdef012345');
    expect(store.environment().rules).toBe('Identify the customer first.');
    expect(() => store.readTrajectory('head/99')).toThrow(/no trajectory head\/99/);
  });

  it('keeps experiments as sources and reads train evaluations of the run folder', () => {
    const directory = runFolder();
    writeEvaluation(directory, 'iteration-1-head-train', [failed('retail-train-009')]);
    const store = createRunStore(input(directory));
    store.recordExperiment('experiment-1', [succeeded('retail-train-001')]);
    expect(store.sources().map((source) => source.source)).toEqual(['head', 'experiment-1', 'iteration-1-head-train']);
    expect(store.listTrajectories({ source: 'experiment-1' }).rows[0]).toMatchObject({ id: 'experiment-1/0', success: true });
    expect(store.readTrajectory('iteration-1-head-train/0', { format: 'compressed' })).toMatchObject({ taskId: 'retail-train-009' });
  });

  it('lists earlier candidates with code, diff, diagnostics, train scores and the aggregate verdict, never their validation episodes', () => {
    const directory = runFolder();
    const folder = join(directory, 'candidates', '001');
    mkdirSync(folder, { recursive: true });
    const after = { file: 'finish-check.ts', source: HEAD_MODULE.source.replace("why: 'x'", "why: 'y'") };
    writeFileSync(join(folder, 'finish-check.ts'), after.source);
    writeFileSync(
      join(folder, 'candidate.json'),
      JSON.stringify({
        candidate: 1,
        kind: 'change',
        group: { signature: 'loop', title: 'the same failed output repeated', taskIds: ['retail-train-001'] },
        summary: 'say why',
        stage: 'gate',
        reason: 'within noise',
        verdict: { accept: false, reason: 'within noise', delta: 0.01, interval: [-0.02, 0.04], backbones: [{ backbone: 'sim/scatter', simulated: true, before: 0.5, after: 0.51, low: -2, high: 4 }], tasks: 24, trials: 3 },
        head: 'abcdef012345',
        diff: diffHarness([HEAD_MODULE], [after]),
        experiments: [{ experiment: 1 }],
      }),
    );
    // The validation episodes an accepted change flipped live beside it: the store must not read them.
    writeChangedPairs(directory, 1, [{ before: { ...failed('retail-validation-001'), split: 'validation' }, after: { ...succeeded('retail-validation-001'), split: 'validation' } }]);
    expect(existsSync(join(folder, 'changed-pairs.jsonl'))).toBe(true);

    const store = createRunStore(input(directory));
    const [summary] = store.listCandidates();
    expect(summary).toMatchObject({ candidate: 1, label: '001', stage: 'gate', modules: ['finish-check.ts'], experiments: 1, verdict: { delta: 0.01, tasks: 24, backbones: [{ backbone: 'sim/scatter', before: 0.5, after: 0.51 }] } });
    const detail = store.readCandidate(1);
    expect(detail.diff).toContain("-export default defineModule({ name: 'finish-check', why: 'x' });");
    expect(detail.diff).toContain("+export default defineModule({ name: 'finish-check', why: 'y' });");
    expect(detail.files).toEqual([after]);
    expect(JSON.stringify(detail)).not.toContain('retail-validation-001');
    expect(() => store.readCandidate(7)).toThrow(/no candidate 7/);
  });
});

describe('train only, enforced by the store', () => {
  it('refuses to be built from validation or test episodes', () => {
    expectRefused(() => createRunStore(input(runFolder(), [failed('retail-train-001'), { ...failed('retail-validation-001'), split: 'validation' }])));
    expectRefused(() => createRunStore(input(runFolder(), [{ ...failed('retail-test-001'), split: 'test' }])));
  });

  it('refuses validation and test sources, split filters, ids and experiments, whatever they are called', () => {
    const directory = runFolder();
    writeEvaluation(directory, 'test-final', [{ ...failed('retail-test-001'), split: 'test' }]);
    writeEvaluation(directory, 'iteration-1-head-validation', [{ ...failed('retail-validation-001'), split: 'validation' }]);
    // A validation evaluation under an innocent name is refused by its content.
    writeEvaluation(directory, 'iteration-2-head-extra', [{ ...failed('retail-validation-002'), split: 'validation' }]);
    const store = createRunStore(input(directory));
    expect(store.sources().map((source) => source.source)).toEqual(['head', 'iteration-2-head-extra']);

    expect(expectRefused(() => store.readTrajectory('test-final/0')).message).toMatch(/test split is not visible to engineers/);
    expectRefused(() => store.readTrajectory('iteration-1-head-validation/0'));
    expectRefused(() => store.listTrajectories({ source: 'iteration-1-head-validation' }));
    expect(expectRefused(() => store.readTrajectory('iteration-2-head-extra/0')).message).toMatch(/validation episodes are not visible/);
    expectRefused(() => store.grep('order', { source: 'iteration-2-head-extra' }));
    expectRefused(() => store.listTrajectories({ split: 'validation' }));
    expectRefused(() => store.grep('order', { split: 'test' }));
    expectRefused(() => store.recordExperiment('experiment-1', [{ ...failed('retail-validation-003'), split: 'validation' }]));
  });

  it('exports only what the store shows: train episodes, candidates without changed pairs, the brief', () => {
    const directory = runFolder();
    writeEvaluation(directory, 'test-final', [{ ...failed('retail-test-001'), split: 'test' }]);
    mkdirSync(join(directory, 'candidates', '001'), { recursive: true });
    writeFileSync(join(directory, 'candidates', '001', 'candidate.json'), JSON.stringify({ candidate: 1, group: { signature: 'loop', title: 't' }, stage: 'screen', reason: 'does not beat HEAD' }));
    writeChangedPairs(directory, 1, [{ before: { ...failed('retail-validation-001'), split: 'validation' }, after: { ...succeeded('retail-validation-001'), split: 'validation' } }]);
    const store = createRunStore(input(directory));
    const target = join(runFolder(), 'store');
    const exported = exportRunStore(store, target);
    expect(exported).toMatchObject({ trajectories: 4, candidates: 1 });
    const files = readdirSync(target, { recursive: true }).map(String).sort();
    expect(files).toEqual(expect.arrayContaining(['README.md', 'environment.md', 'failure-groups.json', 'harness-api.ts', 'tools.json', 'trajectories/index.jsonl', 'trajectories/head/0.txt', 'trajectories/head/0.json', 'candidates/001/candidate.json', 'candidates/001/diff.patch']));
    const everything = files.filter((file) => /\.(json|jsonl|txt|md|ts|patch)$/.test(file)).map((file) => readFileSync(join(target, file), 'utf8')).join('\n');
    expect(everything).not.toMatch(/retail-(validation|test)-/);
    expect(everything).toContain('retail-train-001');
  });
});
