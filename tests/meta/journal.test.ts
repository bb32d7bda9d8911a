import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_FILE, openJournal, parseFaultInjection, readJournal, type JournalEvent } from '../../src/meta/journal.ts';
import { replayJournal } from '../../src/meta/evolve/state.ts';

const usage = { inputTokens: 10, outputTokens: 5, calls: 1 };
const proposed = (iteration: number, candidate: number, signature = 'loop'): JournalEvent =>
  ({ type: 'candidate-proposed', iteration, candidate, kind: 'change', group: { signature, title: signature }, summary: 's', files: [{ file: 'a.ts', source: 'x' }], remove: [], order: ['a.ts'], usage, ms: 1 });
const verdict = { accept: true, reason: 'ok', delta: 0.1, interval: [0.05, 0.15] as [number, number], backbones: [], tasks: 24, trials: 3 };

describe('run journal', () => {
  it('ignores a torn last line and cuts it off before appending again', () => {
    const directory = mkdtempSync(join(tmpdir(), 'bridle-journal-'));
    const journal = openJournal(directory);
    journal.append({ type: 'iteration-start', iteration: 1, head: 'abc' });
    appendFileSync(join(directory, JOURNAL_FILE), '{"type":"iteration-e');
    expect(readJournal(directory)).toHaveLength(1);
    openJournal(directory).append({ type: 'iteration-end', iteration: 1, accepted: false, ms: 1 });
    expect(readJournal(directory).map((event) => event.type)).toEqual(['iteration-start', 'iteration-end']);
    expect(readFileSync(join(directory, JOURNAL_FILE), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('rebuilds the run state: completed iterations count, a cut-off iteration is redone unless its candidate was accepted', () => {
    const events: JournalEvent[] = [
      { type: 'iteration-start', iteration: 1, head: 'a' },
      proposed(1, 1),
      { type: 'candidate-rejected', iteration: 1, candidate: 1, stage: 'gate', reason: 'noise', ms: 1 },
      proposed(1, 2, 'parse:x'),
      { type: 'candidate-accepted', iteration: 1, candidate: 2, verdict, ms: 1 },
      { type: 'commit-start', iteration: 1, candidate: 2, message: 'm' },
      { type: 'commit-done', iteration: 1, candidate: 2, sha: 'sha1' },
      { type: 'iteration-end', iteration: 1, accepted: true, ms: 1 },
      { type: 'iteration-start', iteration: 2, head: 'sha1' },
      proposed(2, 3, 'policy:y'),
      { type: 'candidate-accepted', iteration: 2, candidate: 3, verdict, ms: 1 },
    ];
    const state = replayJournal(events);
    expect(state.iterations).toBe(1);
    expect(state.commits).toEqual([{ iteration: 1, candidate: 2, sha: 'sha1' }]);
    expect(state.rejected.get('loop')).toEqual([{ attempt: 1, files: [{ file: 'a.ts', source: 'x' }], reason: 'gate: noise', head: 'a' }]);
    expect(state.interrupted).toBe(2);
    expect(state.pendingCommit?.accepted.candidate).toBe(3);
    expect(state.lastCandidate).toBe(3);
    expect(state.engineerTokens).toBe(45);

    const redo = replayJournal(events.slice(0, 10));
    expect(redo.interrupted).toBe(2);
    expect(redo.pendingCommit).toBeUndefined();
    expect(redo.lastCandidate).toBe(2); // the cut-off iteration's candidates are numbered again on the redo
  });

  it('counts what engineers spent on answers that proposed nothing, and the numbers their experiments used', () => {
    const spent = { inputTokens: 9000, outputTokens: 500, calls: 6, costUsd: 0.04, toolCalls: 9, experiments: 2 };
    const events: JournalEvent[] = [
      { type: 'iteration-start', iteration: 1, head: 'a' },
      { type: 'engineer-experiment', iteration: 1, candidate: 1, experiment: 1, files: ['a.ts'], remove: [], stage: 'check', ok: false, message: 'type check failed', diagnostics: 1, ms: 1 },
      { type: 'engineer-experiment', iteration: 1, candidate: 1, experiment: 2, files: ['a.ts'], remove: [], stage: 'screen', ok: false, message: 'does not beat HEAD', train: { head: { 'sim/mixed': 0.5 }, draft: { 'sim/mixed': 0.4 } }, diagnostics: 0, ms: 1 },
      { type: 'no-proposal', iteration: 1, group: 'loop', candidate: 1, reason: 'no submission within 24 turns', usage: spent },
      { type: 'no-proposal', iteration: 1, group: 'parse:x' },
      proposed(1, 2, 'give-up'),
      { type: 'candidate-rejected', iteration: 1, candidate: 2, stage: 'screen', reason: 'no', ms: 1 },
      { type: 'iteration-end', iteration: 1, accepted: false, ms: 1 },
    ];
    const state = replayJournal(events);
    expect(state.lastCandidate).toBe(2);
    expect(state.engineerTokens).toBe(9500 + 15); // the answer that proposed nothing, and candidate 2
    expect(state.engineerCostUsd).toBeCloseTo(0.04);
  });

  it('parses fault-injection points', () => {
    expect(parseFaultInjection('commit-start:2')).toEqual({ type: 'commit-start', count: 2 });
    expect(parseFaultInjection(undefined)).toBeUndefined();
    expect(parseFaultInjection('nonsense')).toBeUndefined();
  });
});
