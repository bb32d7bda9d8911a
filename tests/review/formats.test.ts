/** The text formats of the review verbs: pin messages round-trip, side-by-side stays in its columns, revert's manifest merge. */
import { describe, expect, it } from 'vitest';
import { formatPinMessage, parsePinMessage, type PinMessage } from '../../src/store/pins.ts';
import { columns, fit, formatSideBySide, formatStep } from '../../src/review/side-by-side.ts';
import { revertManifest } from '../../src/review/revert.ts';
import { engineerSpend } from '../../src/review/text.ts';
import { formatRun } from '../../src/cli/review-command.ts';
import type { StepRecord, Trajectory } from '../../src/agent/trajectory.ts';

const PIN: PinMessage = {
  environment: 'retail',
  name: 'production',
  contentHash: 'a'.repeat(64),
  commit: 'b'.repeat(40),
  commitDate: '2025-01-01T00:00:03.000Z',
  modules: ['tolerant-parse.ts', 'policy-guard.ts'],
  scores: { 'sim/scatter': 0.8333, 'sim/rush': 0.7917 },
  measured: { split: 'validation', trials: 3, seed: 0, backbones: ['sim/scatter', 'sim/rush'] },
  previous: 'c'.repeat(40),
};

function step(index: number, overrides: Partial<StepRecord>): StepRecord {
  return {
    index,
    messages: [],
    samples: [{ text: '', toolCalls: [] }],
    candidates: [],
    chosen: 0,
    action: null,
    feedback: '',
    fired: [],
    usage: { inputTokens: 0, outputTokens: 0, estimated: true },
    peeks: 0,
    timing: { hooks: [], modelMs: 0 },
    ...overrides,
  };
}

function trajectory(steps: StepRecord[], success: boolean, modules: string[]): Trajectory {
  return {
    version: 1,
    runId: 'run',
    environment: 'retail',
    taskId: 'retail-001',
    split: 'validation',
    trial: 0,
    seed: 42,
    backbone: { id: 'sim/scatter', simulated: true },
    harness: { label: 'x', contentHash: 'h', modules },
    runner: 'isolate',
    instruction: 'Please cancel order #W1 because I ordered it by mistake. '.repeat(8),
    maxSteps: 30,
    steps,
    end: { reason: 'finished' },
    verification: { success, reward: success ? 1 : 0, checks: [{ name: 'database', passed: success }], differences: [] },
    success,
  } as unknown as Trajectory;
}

describe('pin messages', () => {
  it('round-trip through format and parse, and read as a short report', () => {
    const message = formatPinMessage(PIN);
    expect(parsePinMessage(message)).toEqual(PIN);
    expect(message.split('\n')[0]).toBe(`bridle pin retail/production: ${'b'.repeat(10)} (2 modules)`);
    expect(message).toMatch(/^ {2}sim\/scatter \(simulated\) +83\.3%$/m);
  });

  it('are not read from a message without the content hash, and say when nothing was validated', () => {
    expect(parsePinMessage('release 1.0\n\nSome notes.')).toBeUndefined();
    const unvalidated = formatPinMessage({ ...PIN, scores: undefined, measured: undefined, previous: undefined });
    expect(unvalidated).toContain('Not validated');
    expect(parsePinMessage(unvalidated)).toMatchObject({ scores: undefined, measured: undefined, previous: undefined });
  });
});

describe('side by side', () => {
  const long = 'x'.repeat(300);
  const before = trajectory(
    [
      step(0, { samples: [{ text: `Sure! ${long}`, toolCalls: [] }], rejection: 'Invalid action: the reply is not a single JSON object.' }),
      step(1, { action: { kind: 'finish', message: 'Sorry.' } }),
    ],
    false,
    [],
  );
  const after = trajectory(
    [
      step(0, { action: { kind: 'call', tool: 'get_order_details', arguments: { order_id: '#W1' } }, result: { ok: true, output: long }, fired: [{ hook: 'realize', modules: ['tolerant-parse'] }] }),
      step(1, { action: { kind: 'call', tool: 'cancel_pending_order', arguments: { order_id: '#W1' } }, blocked: `Blocked: confirm first. ${long}`, fired: [{ hook: 'guard', modules: ['policy-guard'] }] }),
      step(2, { action: { kind: 'finish', message: 'Done.' } }),
    ],
    true,
    ['tolerant-parse.ts', 'policy-guard.ts'],
  );

  it('keeps every line within the width, one line per step, outcomes on the last row', () => {
    const text = formatSideBySide(before, after, 160);
    const lines = text.split('\n');
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(160);
    expect(lines[3]).toMatch(/^BEFORE: no modules · FAIL +│ AFTER: tolerant-parse\.ts, policy-guard\.ts · PASS$/);
    expect(lines.at(-1)).toMatch(/end: finished · FAIL · failed: database +│ +end: finished · PASS$/);
    expect(lines).toHaveLength(3 + 1 + 3 + 1);
  });

  it('writes each kind of step compactly', () => {
    expect(formatStep(before.steps[0]!)).toMatch(/^ 0 rejected: Sure! x+… → Invalid action/);
    expect(formatStep(after.steps[0]!)).toMatch(/^ 0 \[tolerant-parse\] get_order_details\(order_id="#W1"\) → ok: x+…$/);
    expect(formatStep(after.steps[1]!)).toMatch(/^ 1 \[policy-guard\] blocked cancel_pending_order → Blocked: confirm first\./);
    expect(formatStep(after.steps[2]!)).toBe(' 2 finish("Done.")');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(columns(['left'], ['right', 'more'], 21)).toEqual(['left      │ right', '          │ more']);
  });
});

describe('revert merges harness.json', () => {
  const base = { apiVersion: 1 as const, environment: 'retail' };
  it('drops the modules the reverted commit added and the scores, keeping later modules in order', () => {
    const merged = revertManifest(
      { ...base, modules: ['a.ts', 'b.ts', 'c.ts'], scores: { 'sim/rush': 0.5 }, measured: { split: 'validation', trials: 1, seed: 0, backbones: ['sim/rush'] } },
      { ...base, modules: ['a.ts'] },
      { ...base, modules: ['a.ts', 'b.ts'] },
    );
    expect(merged).toEqual({ ...base, modules: ['a.ts', 'c.ts'] });
  });

  it('puts back a module the reverted commit removed, after the one it followed', () => {
    const merged = revertManifest({ ...base, modules: ['a.ts', 'c.ts', 'd.ts'] }, { ...base, modules: ['a.ts', 'b.ts', 'c.ts'] }, { ...base, modules: ['a.ts', 'c.ts'] });
    expect(merged.modules).toEqual(['a.ts', 'b.ts', 'c.ts', 'd.ts']);
  });
});

describe('engineer spend in review', () => {
  it('shows a commit\'s engineer, model and spend, and a dash for commits without spend trailers', () => {
    const spend = { kind: 'agent', model: 'claude-sonnet-4-5', inputTokens: 61234, outputTokens: 4210, costUsd: 0.2469, calls: 9, toolCalls: 14, experiments: 2 };
    expect(engineerSpend(spend)).toBe('agent claude-sonnet-4-5 · 61.2k+4.2k tok · $0.2469 · 9 calls · 14 tool calls · 2 experiments');
    expect(engineerSpend({ ...spend, costUsd: undefined, experiments: 1, calls: 1, toolCalls: 1, inputTokens: 900 } as never)).toBe('agent claude-sonnet-4-5 · 900+4.2k tok · cost unknown · 1 call · 1 tool call · 1 experiment');
    expect(engineerSpend(undefined)).toBe('—');
    const info = (engineerSpendTrailers?: typeof spend) => ({
      environment: 'retail', module: 'x.ts', group: { signature: 'loop', title: 'loops' }, summary: '', engineer: 'anthropic/claude-sonnet-4-5', runId: 'r', candidate: 1,
      heldout: [{ backbone: 'sim/rush', simulated: true, before: 0.5, after: 0.6, low: 1, high: 19 }], delta: 10, interval: [1, 19] as [number, number], validation: { tasks: 24, trials: 3 }, modules: ['x.ts'],
      ...(engineerSpendTrailers ? { engineerSpend: engineerSpendTrailers } : {}),
    });
    const text = formatRun({
      runId: 'r', environment: 'retail', branch: 'bridle/retail/r', base: undefined, commits: [
        { sha: 'a'.repeat(40), subject: 's', date: '2025-01-01T00:00:00Z', info: info(spend) },
        { sha: 'b'.repeat(40), subject: 's', date: '2025-01-01T00:00:00Z', info: info() },
      ],
      heldout: undefined, test: undefined, engineer: 'anthropic/claude-sonnet-4-5', date: undefined, status: 'not adopted', rejected: 0,
    } as never);
    expect(text).toContain('engineer spend');
    expect(text).toContain('agent claude-sonnet-4-5 · 61.2k+4.2k tok · $0.2469 · 9 calls · 14 tool calls · 2 experiments');
    expect(text.split('\n').find((line) => line.startsWith('aaaaaaaaaa'))).toMatch(/2025-01-01 00:00 {2}agent claude-sonnet-4-5 · /);
    expect(text.split('\n').find((line) => line.startsWith('bbbbbbbbbb'))).toMatch(/2025-01-01 00:00 {2}—\s*$/);
  });
});
