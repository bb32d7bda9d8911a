/** Unit tests of the report's pieces: escaping, the held-out series, the embedding budget, the page for a hostile run. */
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/meta/journal.ts';
import { embedEpisodes, balancedEpisodes, pairItems } from '../../src/report/episodes.ts';
import { escapeHtml, html, jsonForScript } from '../../src/report/html.ts';
import { candidateRows, commitMarks, heldoutSeries, trainSeries } from '../../src/report/journal-view.ts';
import type { RunReport } from '../../src/report/model.ts';
import { DATA_ELEMENT_ID, renderReport } from '../../src/report/render.ts';
import { step, trajectory } from '../helpers/trajectories.ts';

const HOSTILE = `</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'"&`;

function verdict(before: [number, number], after: [number, number]) {
  return {
    accept: true,
    reason: 'held-out gain',
    delta: (after[0] - before[0] + after[1] - before[1]) / 2,
    interval: [0.01, 0.2] as [number, number],
    backbones: [
      { backbone: 'sim/scatter', simulated: true, before: before[0], after: after[0], low: 0, high: 0.1 },
      { backbone: 'sim/rush', simulated: true, before: before[1], after: after[1], low: 0, high: 0.1 },
    ],
    tasks: 24,
    trials: 1,
  };
}

const usage = { inputTokens: 10, outputTokens: 5, calls: 1 };

/** Four iterations: accepts in 1 and 3, a gate rejection in 2, nothing in 4. */
const EVENTS: JournalEvent[] = [
  { type: 'run-start', options: {}, branch: 'bridle/retail/r', base: 'b' },
  { type: 'iteration-start', iteration: 1, head: 'b' },
  { type: 'head-evaluated', iteration: 1, split: 'train', scores: { 'sim/mixed': 0.4 }, ms: 1 },
  { type: 'candidate-proposed', iteration: 1, candidate: 1, kind: 'change', group: { signature: 'loop', title: 'loops' }, summary: 'a', files: [{ file: 'a.ts', source: 'x' }], remove: [], order: ['a.ts'], usage, ms: 1 },
  { type: 'candidate-screened', iteration: 1, candidate: 1, head: { 'sim/mixed': 0.4 }, candidateScores: { 'sim/mixed': 0.5 }, ms: 1 },
  { type: 'candidate-accepted', iteration: 1, candidate: 1, verdict: verdict([0.4, 0.3], [0.6, 0.35]), ms: 1 },
  { type: 'commit-start', iteration: 1, candidate: 1, message: 'm' },
  { type: 'commit-done', iteration: 1, candidate: 1, sha: 'a'.repeat(40) },
  { type: 'iteration-end', iteration: 1, accepted: true, ms: 1 },
  { type: 'iteration-start', iteration: 2, head: 'a'.repeat(40) },
  { type: 'head-evaluated', iteration: 2, split: 'train', scores: { 'sim/mixed': 0.5 }, ms: 1 },
  { type: 'candidate-proposed', iteration: 2, candidate: 2, kind: 'change', group: { signature: 'parse', title: 'parse' }, summary: 'b', files: [{ file: 'b.ts', source: 'y' }], remove: [], order: ['a.ts', 'b.ts'], usage, ms: 1 },
  { type: 'candidate-rejected', iteration: 2, candidate: 2, stage: 'check', reason: 'type check failed', diagnostics: ['b.ts:1 nope'], ms: 1 },
  { type: 'iteration-end', iteration: 2, accepted: false, ms: 1 },
  { type: 'iteration-start', iteration: 3, head: 'a'.repeat(40) },
  { type: 'candidate-proposed', iteration: 3, candidate: 3, kind: 'change', group: { signature: 'parse', title: 'parse' }, summary: 'c', files: [{ file: 'c.ts', source: 'z' }], remove: [], order: ['a.ts', 'c.ts'], usage, ms: 1 },
  { type: 'candidate-accepted', iteration: 3, candidate: 3, verdict: verdict([0.6, 0.35], [0.7, 0.5]), ms: 1 },
  { type: 'commit-done', iteration: 3, candidate: 3, sha: 'c'.repeat(40) },
  { type: 'iteration-end', iteration: 3, accepted: true, ms: 1 },
  { type: 'iteration-start', iteration: 4, head: 'c'.repeat(40) },
  { type: 'iteration-end', iteration: 4, accepted: false, ms: 1 },
];

describe('journal view', () => {
  it('charts HEAD held-out per iteration: the first verdict\'s before, accepted afters, carried forward', () => {
    const series = heldoutSeries(EVENTS, 4, undefined);
    expect(series.map((line) => line.backbone)).toEqual([{ id: 'sim/scatter', simulated: true }, { id: 'sim/rush', simulated: true }]);
    expect(series[0]!.points.map((point) => point.value)).toEqual([0.4, 0.6, 0.6, 0.7, 0.7]);
    expect(series[1]!.points.map((point) => point.iteration)).toEqual([0, 1, 2, 3, 4]);
    expect(series[1]!.points.map((point) => point.value)).toEqual([0.3, 0.35, 0.35, 0.5, 0.5]);
  });

  it('starts from an earlier rejected verdict when the gate judged one before the first acceptance', () => {
    const first = { backbones: verdict([0.41, 0.31], [0.42, 0.3]).backbones };
    expect(heldoutSeries(EVENTS, 4, first)[0]!.points[0]).toEqual({ iteration: 0, value: 0.41 });
  });

  it('has no held-out line when nothing reached the gate', () => {
    expect(heldoutSeries(EVENTS.filter((event) => event.type !== 'candidate-accepted'), 4, undefined)).toEqual([]);
  });

  it('plots train scores of HEAD at the iteration before they were measured', () => {
    expect(trainSeries(EVENTS, () => true)[0]!.points).toEqual([{ iteration: 0, value: 0.4 }, { iteration: 1, value: 0.5 }]);
  });

  it('marks accepted commits and lists every candidate with its outcome', () => {
    expect(commitMarks(EVENTS)).toEqual([{ iteration: 1, candidate: 1, sha: 'a'.repeat(40) }, { iteration: 3, candidate: 3, sha: 'c'.repeat(40) }]);
    const rows = candidateRows(EVENTS);
    expect(rows.map((row) => [row.candidate, row.outcome])).toEqual([[1, 'accepted'], [2, 'check'], [3, 'accepted']]);
    expect(rows[1]).toMatchObject({ reason: 'type check failed', diagnostics: ['b.ts:1 nope'], tokens: 15 });
    expect(rows[0]).toMatchObject({ screen: { head: { 'sim/mixed': 0.4 }, candidate: { 'sim/mixed': 0.5 } }, sha: 'a'.repeat(40) });
  });

  it('lets a redone iteration replace what its cut-off first attempt journaled', () => {
    const redone: JournalEvent[] = [
      ...EVENTS.slice(0, 6), // iteration 1 accepted candidate 1 ... then the process died before committing
      { type: 'run-resume', iteration: 1 },
      { type: 'iteration-start', iteration: 1, head: 'b' },
      { type: 'candidate-proposed', iteration: 1, candidate: 1, kind: 'change', group: { signature: 'loop', title: 'loops' }, summary: 'again', files: [], remove: [], order: [], usage, ms: 1 },
      { type: 'candidate-rejected', iteration: 1, candidate: 1, stage: 'gate', reason: 'noise', ms: 1 },
    ];
    expect(commitMarks(redone)).toEqual([]);
    expect(candidateRows(redone)).toMatchObject([{ candidate: 1, outcome: 'gate', summary: 'again' }]);
  });
});

describe('embedded episodes', () => {
  const prompt = 'SYSTEM PROMPT '.repeat(100);
  const withPrompt = (taskId: string, success: boolean, backbone = 'sim/a') =>
    trajectory({
      taskId,
      success,
      backbone: { id: backbone, simulated: true },
      steps: [{ ...step(0, 'x'.repeat(50)), messages: [{ role: 'system', content: prompt }, { role: 'user', content: 'hi' }] }],
    });

  it('stores a repeated system prompt once, drops timings and cuts long texts where they are cut', () => {
    const long = trajectory({ taskId: 't3', steps: [{ ...step(0, 'y'.repeat(500)), messages: [{ role: 'system', content: prompt }] }] });
    const { data, omitted } = embedEpisodes([{ label: 'pool', available: 3, items: balancedEpisodes([withPrompt('t1', false), withPrompt('t2', true), long]), quota: 10 }], { maxEpisodes: 10, textLimit: 100 });
    expect(data.strings).toEqual([prompt]);
    expect(data.episodes).toHaveLength(3);
    for (const episode of data.episodes) {
      expect(episode).not.toHaveProperty('timing');
      expect(episode.steps[0]).not.toHaveProperty('timing');
      expect(episode.steps[0]!.messages[0]).toEqual({ role: 'system', ref: 0 });
    }
    const cut = data.episodes.find((episode) => episode.taskId === 't3')!.steps[0]!.samples[0]!.text;
    expect(cut).toMatch(/^y{100}\n… \[400 more characters left out of the report\]$/);
    expect(omitted.join('\n')).toMatch(/system prompts are stored once \(2 copies/);
    expect(omitted.join('\n')).toMatch(/1 texts longer than 100 characters are cut/);
  });

  it('shares the budget round-robin between pools, pairs costing two, and says what was left out', () => {
    const pairs = pairItems([
      { fixed: false, before: withPrompt('p0', true), after: withPrompt('p0', false) },
      { fixed: true, before: withPrompt('p1', false), after: withPrompt('p1', true) },
      { fixed: true, before: withPrompt('p2', false), after: withPrompt('p2', true) },
    ]);
    const singles = balancedEpisodes(Array.from({ length: 10 }, (_, index) => withPrompt(`s${index}`, index % 2 === 0, index < 5 ? 'sim/a' : 'sim/b')));
    const { data, omitted } = embedEpisodes(
      [
        { label: 'pairs', available: 3, items: pairs, quota: 1 },
        { label: 'singles', available: 10, items: singles, quota: 2 },
      ],
      { maxEpisodes: 7, textLimit: 1000 },
    );
    expect(data.sources).toEqual([{ label: 'pairs', available: 3, embedded: 2 }, { label: 'singles', available: 10, embedded: 3 }]);
    expect(data.episodes).toHaveLength(7);
    // Fixed pairs come first; each pair is one entry with two episodes.
    expect(data.entries[0]).toMatchObject({ source: 0, episodes: [0, 1], label: expect.stringMatching(/^fixed · p1/) });
    // Singles alternate backbones, failures first.
    expect(data.entries.filter((entry) => entry.source === 1).map((entry) => entry.label.split(' · ').slice(0, 3).join(' '))).toEqual(['FAIL s1 sim/a (simulated)', 'FAIL s5 sim/b (simulated)', 'FAIL s3 sim/a (simulated)']);
    expect(omitted).toContain('pairs: 2 of 3 embedded.');
    expect(omitted).toContain('singles: 3 of 10 embedded.');
  });
});

describe('html', () => {
  it('escapes every interpolated value and passes fragments through', () => {
    expect(escapeHtml(HOSTILE)).not.toMatch(/[<>"']/);
    expect(html`<p title="${HOSTILE}">${HOSTILE}${html`<b>${'<i>'}</b>`}${[1, null, undefined, false, 'x']}</p>`.text).toBe(
      `<p title="${escapeHtml(HOSTILE)}">${escapeHtml(HOSTILE)}<b>&lt;i&gt;</b>1x</p>`,
    );
  });

  it('writes JSON that cannot end its script element and reads back unchanged', () => {
    const value = { text: HOSTILE, separators: '\u2028\u2029', comment: '<!-- -->' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('the page of a hostile run', () => {
  it('shows untrusted text from every source as text, never as markup', () => {
    const hostileEpisode = trajectory({ taskId: HOSTILE, instruction: HOSTILE, finalMessage: HOSTILE, steps: [{ ...step(0, HOSTILE), messages: [{ role: 'system', content: HOSTILE }] }] });
    const { data, omitted } = embedEpisodes([{ label: HOSTILE, available: 1, items: balancedEpisodes([hostileEpisode]), quota: 1 }]);
    const report: RunReport = {
      header: { runId: 'r', kind: 'evolve', environment: HOSTILE, train: [{ id: HOSTILE, simulated: true }], heldout: [{ id: HOSTILE, simulated: false }], simulated: true, facts: [[HOSTILE, HOSTILE]], incomplete: HOSTILE },
      progress: { heldout: [{ backbone: { id: HOSTILE, simulated: true }, points: [{ iteration: 0, value: 0.5 }, { iteration: 1, value: 0.75 }] }], train: [], marks: [{ iteration: 1, candidate: 1, sha: HOSTILE }], iterations: 1 },
      test: [{ backbone: { id: HOSTILE, simulated: true }, heldout: true, before: 0.1, after: 0.2 }],
      commits: [{ sha: HOSTILE, date: HOSTILE, subject: HOSTILE, diff: `+${HOSTILE}\n-${HOSTILE}`, diffOmittedLines: 0, iteration: 1, candidate: 1 }],
      candidates: [{ candidate: 1, iteration: 1, kind: 'change', group: { signature: HOSTILE, title: HOSTILE }, summary: HOSTILE, files: [{ file: HOSTILE, source: HOSTILE, omittedCharacters: 0 }], remove: [HOSTILE], outcome: 'gate', reason: HOSTILE, diagnostics: [HOSTILE], tokens: 1 }],
      scores: [],
      data,
      omitted: [...omitted, HOSTILE],
      notes: [HOSTILE],
    };
    const page = renderReport(report);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('window.__pwned=1</script>');
    expect(page).not.toContain('onerror="');
    // Exactly our two script elements: the data block and the viewer.
    expect(page.match(/<script\b/g)).toHaveLength(2);
    expect(page).toContain(`<script type="application/json" id="${DATA_ELEMENT_ID}">`);
    expect(page).toContain(escapeHtml(HOSTILE));
  });
});
