/**
 * `bridle report` end to end: a real offline evolve run (and an eval run) in a temporary git repository,
 * the report written by the CLI, checked as a file and then in headless Chromium: it loads without
 * console errors or network requests, and a screenshot shows the chart and the commit list.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trajectory } from '../../src/agent/trajectory.ts';
import { BridleError } from '../../src/errors.ts';
import { escapeHtml } from '../../src/report/html.ts';
import { DATA_ELEMENT_ID, writeRunReport, type EmbeddedData } from '../../src/report/index.ts';
import { runCli } from '../helpers/cli.ts';
import { git, temporaryProject } from '../helpers/repos.ts';
import { findChromium, launchChromium, type Browser } from './chromium.ts';

const SETUP_TIMEOUT = 180_000;
const HOSTILE = `</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;

const project = temporaryProject('bridle-report-');
const { root, env } = project;
let evolveRun: { runId: string; commits: { sha: string; subject: string }[] };
let evalRunId: string;
let reportPath: string;
let page: string;

/** The data block the viewer reads. */
function embeddedData(html: string): EmbeddedData {
  const match = new RegExp(`<script type="application/json" id="${DATA_ELEMENT_ID}">([^<]*)</script>`).exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!) as EmbeddedData;
}

/** Every URL the markup would load by itself: src/href-like attributes of tags, CSS url() and @import. */
function externalLoads(html: string): string[] {
  const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, '$1</script>');
  const attributes = [...markup.matchAll(/<[a-z][^>]*?\s(?:src|href|action|poster|srcset|xlink:href)\s*=\s*["']?([^"'\s>]+)/gi)].map((match) => match[1]!);
  const css = [...markup.matchAll(/url\(\s*["']?([^"')]+)|@import\s+["']?([^"';\s]+)/gi)].map((match) => match[1] ?? match[2]!);
  return [...attributes, ...css].filter((url) => !url.startsWith('#') && !url.startsWith('data:'));
}

/** The inline viewer script (the page's only executable script). */
function viewerScript(html: string): string {
  return /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
}

beforeAll(() => {
  expect(runCli(['init'], root, env).code).toBe(0);
  const evolved = runCli(['evolve', '--env', 'retail', '--iterations', '2', '--trials', '1', '--train-trials', '1', '--json'], root, env);
  expect(evolved.stderr).toBe('');
  expect(evolved.code).toBe(0);
  evolveRun = JSON.parse(evolved.stdout);
  const evaluated = runCli(['eval', '--env', 'retail', '--backbone', 'sim/rush,sim/drift', '--tasks', 'retail-001,retail-002,retail-003', '--trials', '1', '--json'], root, env);
  expect(evaluated.code).toBe(0);
  evalRunId = JSON.parse(evaluated.stdout).runId;

  const reported = runCli(['report', evolveRun.runId], root, env);
  expect(reported.stderr).toMatch(/^bridle report: evolve run .*, \d+ episodes embedded\n$/);
  expect(reported.code).toBe(0);
  reportPath = join(root, reported.stdout.trim());
  page = readFileSync(reportPath, 'utf8');
}, SETUP_TIMEOUT);

describe('bridle report (file)', () => {
  it('writes one HTML file in the run folder and prints its path', () => {
    expect(reportPath).toBe(join(root, '.bridle', 'runs', evolveRun.runId, 'report.html'));
    expect(page.startsWith('<!doctype html>')).toBe(true);
    // The user's checkout stays clean: the report lives under the ignored .bridle/.
    expect(git(root, ['status', '--porcelain'], env)).toBe('');
  });

  it('is self-contained: no external script, stylesheet, image, font or import, and a CSP that forbids loads', () => {
    expect(externalLoads(page)).toEqual([]);
    expect(page).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(viewerScript(page).length).toBeGreaterThan(1000);
    expect(viewerScript(page)).not.toMatch(/https?:|fetch\(|XMLHttpRequest|import\(|\.innerHTML\s*=|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect(page).not.toMatch(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
    expect(page).toMatch(/<style>[\s\S]+<\/style>/);
  });

  it('has the held-out chart per backbone, the train chart, the test table and the simulated banner', () => {
    const charts = page.match(/<svg class="chart chart-heldout"/g) ?? [];
    expect(charts).toHaveLength(2); // sim/scatter and sim/rush, the default held-out backbones
    expect(page).toMatch(/<svg class="chart chart-train"/);
    expect(page).toContain('aria-label="sim/scatter (simulated):');
    expect(page).toContain('Simulated results.');
    expect(page).toMatch(/<section id="test">[\s\S]*sim\/mixed <span class="simulated">\(simulated\)<\/span><\/td><td>train<\/td>/);
  });

  it('lists every accepted commit with its subject, sha, delta and a coloured diff of the harness', () => {
    expect(evolveRun.commits.length).toBeGreaterThanOrEqual(1);
    expect(page.match(/<li class="commit"/g)).toHaveLength(evolveRun.commits.length);
    for (const commit of evolveRun.commits) {
      expect(page).toContain(`<code class="sha">${commit.sha.slice(0, 10)}</code> <span class="subject">${escapeHtml(commit.subject)}</span>`);
    }
    expect(page).toMatch(/held-out \+\d+\.\d pts \[[+−]\d+\.\d, \+\d+\.\d\]/);
    expect(page).toMatch(/<span class="diff-add">\+/);
    expect(page).toMatch(/<span class="diff-meta">diff --git a\/harnesses\/retail\//);
  });

  it('lists every candidate, rejected ones with stage and reason', () => {
    const journal = readFileSync(join(root, '.bridle', 'runs', evolveRun.runId, 'journal.jsonl'), 'utf8');
    const proposed = journal.split('\n').filter((line) => line.includes('"type":"candidate-proposed"')).length;
    expect(page.match(/<tr class="candidate candidate-/g)).toHaveLength(proposed);
    const rejected = journal.split('\n').filter((line) => line.includes('"type":"candidate-rejected"')).length;
    expect(page.match(/<td class="outcome">rejected at (check|replay|screen|activation|gate)/g) ?? []).toHaveLength(rejected);
  });

  it('embeds a bounded set of episodes, changed pairs first, with one copy of the system prompt, and says what it left out', () => {
    const data = embeddedData(page);
    expect(data.episodes.length).toBeGreaterThan(0);
    expect(data.episodes.length).toBeLessThanOrEqual(80);
    expect(data.sources[0]!.label).toMatch(/^candidate \d{3} .*validation episodes it changed$/);
    expect(data.entries[0]!.episodes).toHaveLength(2);
    expect(data.strings.length).toBeLessThanOrEqual(2);
    expect(data.sources.map((source) => source.label)).toEqual(expect.arrayContaining(['evaluation test-final', 'evaluation test-empty']));
    expect(page).toMatch(/<section id="omitted">[\s\S]*evaluation test-final: \d+ of \d+ embedded\./);
    expect(statSync(reportPath).size).toBeLessThan(5_000_000);
  });

  it('writes elsewhere with --out and reports as JSON with --json', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bridle-report-out-')), 'nested', 'run.html');
    const result = runCli(['report', evolveRun.runId, '--out', out, '--json'], root, env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ path: out, kind: 'evolve', bytes: statSync(out).size });
  });

  it('reports an eval run: scores table and trajectory viewer, no iteration chart', async () => {
    const written = await writeRunReport({ root, runId: evalRunId });
    const text = readFileSync(written.path, 'utf8');
    expect(written.kind).toBe('eval');
    expect(text).toMatch(/<section id="scores">[\s\S]*sim\/rush <span class="simulated">\(simulated\)<\/span>/);
    expect(text).not.toMatch(/<svg class="chart/);
    expect(text).not.toContain('<section id="commits">');
    expect(embeddedData(text).episodes).toHaveLength(6);
  });

  it('refuses an unknown run with one clear line (UNKNOWN_RUN) and a run id that is not a name', async () => {
    const result = runCli(['report', 'evolve-retail-19990101-000000'], root, env);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^bridle: no run "evolve-retail-19990101-000000" under .*\.bridle\/runs; latest runs: /);
    expect(result.stderr).toContain(evolveRun.runId);
    await expect(writeRunReport({ root, runId: 'nope' })).rejects.toSatisfy((error) => BridleError.isInstance(error) && error.code === 'UNKNOWN_RUN');
    await expect(writeRunReport({ root, runId: '../runs' })).rejects.toSatisfy((error) => BridleError.isInstance(error) && error.code === 'INVALID_ARGUMENT');
  });
});

/** A copy of the eval run whose model outputs and instructions try to inject markup. */
function hostileRun(): string {
  const runId = `${evalRunId}-hostile`;
  const source = join(root, '.bridle', 'runs', evalRunId);
  const target = join(root, '.bridle', 'runs', runId);
  cpSync(source, target, { recursive: true });
  const path = join(target, 'trajectories.jsonl');
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((line) => {
    const trajectory = JSON.parse(line) as Trajectory;
    trajectory.instruction = HOSTILE;
    trajectory.finalMessage = HOSTILE;
    for (const step of trajectory.steps) for (const sample of step.samples) sample.text = HOSTILE;
    return JSON.stringify(trajectory);
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
  return runId;
}

const chromium = findChromium();
const SKIP_REASON = 'SKIPPED: no Chromium at /usr/bin/chromium (apt-get install -y chromium, or set BRIDLE_CHROMIUM)';
if (!chromium) console.warn(`tests/report: browser checks ${SKIP_REASON}`);

describe(chromium ? 'bridle report in headless Chromium' : `bridle report in headless Chromium — ${SKIP_REASON}`, () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (chromium) browser = await launchChromium(chromium);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.skipIf(!chromium)('loads without console errors or network requests; the chart and the commit list are on the first screen; the viewer renders steps', async () => {
    const tab = await browser!.newPage();
    await tab.navigate(`file://${reportPath}`);
    const state = await tab.evaluate<{ charts: number; commits: number; chartBottom: number; commitsTop: number; episodes: number; steps: number; options: number }>(`(() => ({
      charts: document.querySelectorAll('svg.chart-heldout').length,
      commits: document.querySelectorAll('ol.commit-list > li.commit').length,
      chartBottom: document.querySelector('svg.chart-heldout').getBoundingClientRect().bottom,
      commitsTop: document.querySelector('ol.commit-list').getBoundingClientRect().top,
      episodes: document.querySelectorAll('#episode-view .episode').length,
      steps: document.querySelectorAll('#episode-view details.step').length,
      options: document.querySelectorAll('#episode-select option').length,
    }))()`);
    expect(state.charts).toBe(2);
    expect(state.commits).toBe(evolveRun.commits.length);
    expect(state.episodes).toBe(2); // the first entry is a before/after pair
    expect(state.steps).toBeGreaterThan(0);
    expect(state.options).toBe(embeddedData(page).entries.length);
    // The screenshot below is 2000 px tall: both must be inside it.
    expect(state.chartBottom).toBeLessThan(2000);
    expect(state.commitsTop).toBeLessThan(2000);

    // Step through the picker and expand every step: the viewer must render every kind of entry cleanly.
    const walked = await tab.evaluate<number>(`(() => {
      const select = document.getElementById('episode-select');
      let rendered = 0;
      for (let index = 0; index < select.options.length; index++) {
        select.selectedIndex = index;
        select.dispatchEvent(new Event('change'));
        document.getElementById('steps-toggle').click();
        if (document.querySelector('#episode-view .episode')) rendered++;
        document.getElementById('steps-toggle').click();
      }
      select.selectedIndex = 0;
      select.dispatchEvent(new Event('change'));
      return rendered;
    })()`);
    expect(walked).toBe(state.options);

    // Under the test's temporary project (in the ignored .bridle/), for a person to open after a run.
    const screenshot = join(root, '.bridle', 'report-screenshot.png');
    const bytes = await tab.screenshot(screenshot, { width: 1280, height: 2000 });
    expect(existsSync(screenshot)).toBe(true);
    expect(bytes).toBeGreaterThan(50_000);
    console.info(`tests/report: screenshot ${screenshot}`);

    expect(tab.entries.filter((entry) => entry.level === 'error')).toEqual([]);
    expect(tab.requests.filter((url) => !url.startsWith('file://') && !url.startsWith('data:'))).toEqual([]);
  }, 60_000);

  it.skipIf(!chromium)('sees console errors, exceptions and network requests when a page has them (the checks above are not vacuous)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bridle-report-control-')), 'broken.html');
    writeFileSync(path, `<!doctype html><title>control</title><img src="http://127.0.0.1:9/missing.png"><script>console.error('logged error'); throw new Error('thrown error');</script>`);
    const tab = await browser!.newPage();
    await tab.navigate(`file://${path}`);
    const errors = tab.entries.filter((entry) => entry.level === 'error').map((entry) => `${entry.kind}: ${entry.text}`);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/^console\.error: logged error$/), expect.stringMatching(/^exception: Error: thrown error/)]));
    expect(tab.requests).toContain('http://127.0.0.1:9/missing.png');
  }, 60_000);

  it.skipIf(!chromium)('shows hostile trajectory text as text: nothing injected runs', async () => {
    const written = await writeRunReport({ root, runId: hostileRun() });
    expect(readFileSync(written.path, 'utf8')).not.toContain('<img src=x');
    const tab = await browser!.newPage();
    await tab.navigate(`file://${written.path}`);
    const state = await tab.evaluate<{ pwned: unknown; images: number; shown: boolean }>(`(() => {
      document.getElementById('steps-toggle').click();
      return {
        pwned: window.__pwned ?? null,
        images: document.querySelectorAll('img').length,
        shown: document.getElementById('episode-view').textContent.includes(${JSON.stringify(HOSTILE)}),
      };
    })()`);
    expect(state).toEqual({ pwned: null, images: 0, shown: true });
    expect(tab.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  }, 60_000);
});
