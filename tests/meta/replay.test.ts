import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeReplay } from '../../src/meta/replay.ts';
import type { HarnessFile } from '../../src/store/harness-files.ts';
import { evaluateLocally } from '../helpers/episodes.ts';

async function replay(files: HarnessFile[]) {
  const harness = { label: 'test', manifest: { apiVersion: 1 as const, environment: 'retail', modules: files.map((file) => file.file) }, files };
  return analyzeReplay((await evaluateLocally({ backbones: ['sim/oracle'], harness, runner: 'in-process', split: 'train' })).trajectories);
}

const module = (file: string, body: string): HarnessFile => ({
  file,
  source: `import { defineModule } from 'bridle/harness';\nexport default defineModule({ name: '${file.replace('.ts', '')}', why: 'test', ${body} });\n`,
});

describe('the false-positive replay (oracle actions through a candidate)', () => {
  it('passes the empty harness and the hand-written example harness, counting once-only blocks as friction', async () => {
    expect(await replay([])).toEqual({ ok: true, friction: 0, findings: [] });
    const fixture = ['finish-check.ts', 'confirm-before-write.ts'].map((file) => ({
      file,
      source: readFileSync(new URL(`../fixtures/retail-example-harness/${file}`, import.meta.url), 'utf8'),
    }));
    const result = await replay(fixture);
    expect(result.ok).toBe(true);
    expect(result.friction).toBe(36); // the first finish of each of the 36 train tasks
  });

  it('rejects a guard that blocks a correct action even when it is repeated', async () => {
    const result = await replay([module('no-cancel.ts', `guard(action) { return action.kind === 'call' && action.tool === 'cancel_pending_order' ? { block: 'no' } : undefined; }`)]);
    expect(result.ok).toBe(false);
    expect(result.findings[0]!.problem).toMatch(/blocks a correct action even when it is repeated: no/);
  });

  it('rejects a realize that alters a correct action, and a regulate that stops a correct episode', async () => {
    const altered = await replay([module('shout.ts', `realize(draft) { return draft.action?.kind === 'finish' ? { action: { kind: 'finish', message: draft.action.message.toUpperCase() } } : undefined; }`)]);
    expect(altered.findings[0]!.problem).toMatch(/^step \d+: altered a correct action/);
    const stopped = await replay([module('stopper.ts', `regulate(view) { return view.step >= 1 ? { stop: 'tired' } : undefined; }`)]);
    expect(stopped.findings.some((finding) => finding.problem === 'stopped a correct episode: tired')).toBe(true);
  });
});
