/**
 * try_candidate's bookkeeping: the per-proposal limit, the journal event per call, and the record a
 * candidate keeps. (Drafts here fail the check, so no episode runs; the end-to-end agent test runs the
 * replay and the train screen.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../src/meta/journal.ts';
import { createRunStore } from '../../src/meta/store/index.ts';
import { createExperimentSession } from '../../src/meta/evolve/experiment.ts';
import type { EvolveContext } from '../../src/meta/evolve/context.ts';
import { TEST_TOOLS } from '../helpers/protocol-fixtures.ts';
import { trajectory } from '../helpers/trajectories.ts';

const folders: string[] = [];
afterEach(() => {
  while (folders.length > 0) rmSync(folders.pop()!, { recursive: true, force: true });
});

describe('try_candidate', () => {
  it('checks a draft, journals and records each call, and refuses calls past the limit without running them', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'bridle-experiment-'));
    folders.push(directory);
    const journal = openJournal(directory);
    let checks = 0;
    const context = {
      journal,
      now: () => 0,
      progress: () => {},
      checker: {
        check: () => {
          checks++;
          return { ok: false, stage: 'type', diagnostics: ['guard.ts:3:5 TS2322 Type "string" is not assignable to type "number"'], ms: 1 };
        },
      },
    } as unknown as EvolveContext;
    const head = { label: 'abc', manifest: { apiVersion: 1 as const, environment: 'retail', modules: [] }, files: [] };
    const train = [trajectory({ taskId: 'retail-001' })];
    const store = createRunStore({ directory, brief: { name: 'retail', description: '', rules: '', tools: TEST_TOOLS }, apiTypes: '', head, headSha: 'abc', train });
    const group = { signature: 'loop', kind: 'loop' as const, title: 'loops', taskIds: ['retail-001'], episodes: 1, evidence: [] };
    const session = createExperimentSession(context, { iteration: 2, candidate: 7, head, headTrain: train, group, store, maxExperiments: 1 });

    const draft = { files: [{ file: 'guard.ts', source: 'export default 1;\n' }] };
    const first = await session.workbench.tryCandidate(draft);
    expect(first).toMatchObject({ experiment: 1, stage: 'check', ok: false, message: 'type check failed', remaining: 0 });
    expect(first.diagnostics).toEqual(['guard.ts:3:5 TS2322 Type "string" is not assignable to type "number"']);
    const second = await session.workbench.tryCandidate(draft);
    expect(second).toMatchObject({ stage: 'refused', ok: false, remaining: 0 });
    expect(second.message).toMatch(/no experiments left: this proposal may run 1/);
    expect(checks).toBe(1);
    expect(session.workbench.experiments()).toBe(1);
    expect(await session.workbench.tryCandidate({ files: [] })).toMatchObject({ stage: 'refused' });

    expect(session.records()).toEqual([{ experiment: 1, files: ['guard.ts'], remove: [], stage: 'check', ok: false, message: 'type check failed', diagnostics: 1, ms: 0 }]);
    expect(journal.events().filter((event) => event.type === 'engineer-experiment')).toEqual([
      { type: 'engineer-experiment', iteration: 2, candidate: 7, experiment: 1, files: ['guard.ts'], remove: [], stage: 'check', ok: false, message: 'type check failed', diagnostics: 1, ms: 0 },
    ]);
  });
});
