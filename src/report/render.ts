/**
 * The report page: one HTML document with its stylesheet, script and data inline. Everything but the
 * trajectory viewer is rendered here (so the charts, tables and commit list show without script); the
 * viewer is built in the browser from the embedded JSON, with `textContent` only.
 *
 * A Content-Security-Policy allows no loads at all and exactly one script (ours, by hash): even a
 * mistake in escaping could not fetch anything or run injected code.
 */
import { candidateLabel } from '../store/candidates.ts';
import { readFileSync } from 'node:fs';
import { lineChart } from './chart.ts';
import { html, jsonForScript, scriptHash, trustedHtml, type SafeHtml } from './html.ts';
import type { BackboneLabel, BackboneSeries, ReportCandidate, ReportCommit, RunReport } from './model.ts';
import { engineerSpend } from '../review/text.ts';

const STYLE = readFileSync(new URL('./assets/report.css', import.meta.url), 'utf8');
const VIEWER = readFileSync(new URL('./assets/viewer.js', import.meta.url), 'utf8');

/** The id of the data block the viewer reads. */
export const DATA_ELEMENT_ID = 'bridle-report-data';

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** Points already in points, signed: `+1.4`, `−3.0`. */
function signed(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${rounded < 0 ? '−' : '+'}${Math.abs(rounded).toFixed(1)}`;
}

/** A difference of rates in signed points: `+20.8`. */
function points(rate: number): string {
  return signed(rate * 100);
}

function backbone(label: BackboneLabel): SafeHtml {
  return html`${label.id}${label.simulated ? html` <span class="simulated">(simulated)</span>` : null}`;
}

function simulatedBanner(report: RunReport): SafeHtml | null {
  if (!report.header.simulated) return null;
  return html`<div class="banner" role="note"><strong>Simulated results.</strong> Backbones marked (simulated) are <code>sim/*</code> profiles: deterministic policies built from the environment's oracle and a seeded failure profile, not LLMs. Their scores exercise the pipeline; they are not evidence about how real models behave. Real models: <code>--backbone anthropic/&lt;model&gt;</code> or <code>openai/&lt;model&gt; --base-url …</code> (README, "Use with real models").</div>`;
}

function headerSection(report: RunReport): SafeHtml {
  const { header } = report;
  const backbones =
    header.kind === 'evolve'
      ? html`<tr><th>train backbones</th><td>${header.train.map((label, index) => html`${index ? ', ' : ''}${backbone(label)}`)}</td></tr><tr><th>held-out backbones</th><td>${header.heldout.map((label, index) => html`${index ? ', ' : ''}${backbone(label)}`)}</td></tr>`
      : html`<tr><th>backbones</th><td>${header.train.map((label, index) => html`${index ? ', ' : ''}${backbone(label)}`)}</td></tr>`;
  return html`<section id="run"><h2>Run</h2>
${header.incomplete ? html`<p class="warning">${header.incomplete}</p>` : null}
<table class="facts"><tbody>
<tr><th>run</th><td><code>${header.runId}</code> (${header.kind})</td></tr>
<tr><th>environment</th><td>${header.environment}</td></tr>
${backbones}
${header.facts.map(([key, value]) => html`<tr><th>${key}</th><td>${value}</td></tr>`)}
</tbody></table></section>`;
}

function charts(series: readonly BackboneSeries[], tone: 'heldout' | 'train', report: RunReport): SafeHtml {
  const progress = report.progress!;
  return html`<div class="charts">${series.map((line) =>
    lineChart({ title: `${line.backbone.id}${line.backbone.simulated ? ' (simulated)' : ''}`, tone, points: line.points, iterations: progress.iterations, marks: progress.marks }),
  )}</div>`;
}

function progressSection(report: RunReport): SafeHtml | null {
  const progress = report.progress;
  if (!progress) return null;
  return html`<section id="progress"><h2>Held-out success per iteration</h2>
<p class="explain">HEAD of the run branch on the validation split with the held-out backbones (the gate's evidence; the engineer never sees these episodes). A change is accepted only when the paired 95% interval of the gain lies above zero; dashed lines mark accepted commits. An iteration that accepts nothing carries the score forward.</p>
${progress.heldout.length > 0 ? charts(progress.heldout, 'heldout', report) : html`<p class="empty">No candidate reached the held-out gate, so there is no held-out measurement to chart.</p>`}
${progress.train.length > 0
  ? html`<h3>HEAD on the train split</h3><p class="explain">Train backbones, measured at the start of each iteration: what the engineer mines failures from.</p>${charts(progress.train, 'train', report)}`
  : null}
</section>`;
}

function testSection(report: RunReport): SafeHtml | null {
  if (report.header.kind !== 'evolve') return null;
  if (report.test.length === 0) return html`<section id="test"><h2>Sealed test split</h2><p class="empty">Not evaluated: the run did not reach its end.</p></section>`;
  return html`<section id="test"><h2>Sealed test split: empty harness → final harness</h2>
<p class="explain">Test tasks are never used to accept anything; they are run once, at the end, for this table.</p>
<table class="scores"><thead><tr><th>backbone</th><th>role</th><th>empty</th><th>final</th><th>change</th></tr></thead><tbody>
${report.test.map(
  (row) => html`<tr><td>${backbone(row.backbone)}</td><td>${row.heldout ? 'held out' : 'train'}</td><td class="number">${percent(row.before)}</td><td class="number">${percent(row.after)}</td><td class="number ${row.after >= row.before ? 'gain' : 'loss'}">${points(row.after - row.before)} pts</td></tr>`,
)}
</tbody></table></section>`;
}

function scoresSection(report: RunReport): SafeHtml | null {
  if (report.header.kind !== 'eval') return null;
  const trials = report.scores[0]?.trials ?? 1;
  return html`<section id="scores"><h2>Scores</h2>
<table class="scores"><thead><tr><th>backbone</th><th>success</th><th>pass^${trials}</th><th>mean steps</th><th>episodes</th><th>tasks</th><th>violations</th><th>end reasons</th></tr></thead><tbody>
${report.scores.map(
  (summary) => html`<tr><td>${backbone({ id: summary.backbone, simulated: summary.simulated })}</td><td class="number">${percent(summary.successRate)}</td><td class="number">${percent(summary.passHatK)}</td><td class="number">${summary.meanSteps.toFixed(1)}</td><td class="number">${summary.episodes}</td><td class="number">${summary.tasks}</td><td class="number">${summary.violations}</td><td>${Object.entries(summary.endReasons).map(([reason, count]) => `${reason} ${count}`).join(', ')}</td></tr>`,
)}
</tbody></table></section>`;
}

/** A unified diff, one span per line, coloured by its first character. */
function diffBlock(diff: string): SafeHtml {
  const kind = (line: string) =>
    line.startsWith('diff --git') || line.startsWith('index ') || line.startsWith('--- ') || line.startsWith('+++ ') || /^(new|deleted) file mode|^similarity index|^rename (from|to)/.test(line)
      ? 'meta'
      : line.startsWith('@@')
        ? 'hunk'
        : line.startsWith('+')
          ? 'add'
          : line.startsWith('-')
            ? 'del'
            : 'context';
  return html`<pre class="diff">${diff.split('\n').map((line) => html`<span class="diff-${kind(line)}">${line}</span>\n`)}</pre>`;
}

function diffStat(diff: string): string {
  const lines = diff.split('\n');
  const files = lines.filter((line) => line.startsWith('diff --git')).length;
  const added = lines.filter((line) => line.startsWith('+') && !line.startsWith('+++ ')).length;
  const removed = lines.filter((line) => line.startsWith('-') && !line.startsWith('--- ')).length;
  return `${files} file${files === 1 ? '' : 's'}, +${added} −${removed}`;
}

function commitItem(commit: ReportCommit): SafeHtml {
  const info = commit.info;
  return html`<li class="commit" id="${`commit-${commit.sha.slice(0, 12)}`}">
<div class="commit-head"><code class="sha">${commit.sha.slice(0, 10)}</code> <span class="subject">${commit.subject}</span></div>
<div class="commit-meta">${[
    info ? html`<span>group <code>${info.group.signature}</code></span>` : null,
    info ? html`<span class="${info.delta >= 0 ? 'gain' : 'loss'}">held-out ${signed(info.delta)} pts [${signed(info.interval[0])}, ${signed(info.interval[1])}]</span>` : null,
    commit.iteration !== undefined ? html`<span>iteration ${commit.iteration}</span>` : null,
    commit.candidate !== undefined ? html`<span>candidate ${candidateLabel(commit.candidate)}</span>` : null,
    info ? html`<span>engineer ${info.engineer}</span>` : null,
    info?.engineerSpend ? html`<span class="spend">engineer spend ${engineerSpend(info.engineerSpend)}</span>` : null,
    commit.date ? html`<span>${commit.date}</span>` : null,
  ]}</div>
${info && info.summary ? html`<p class="summary">${info.summary}</p>` : null}
${info && info.heldout.length > 0
  ? html`<table class="scores compact"><thead><tr><th>held-out backbone</th><th>before</th><th>after</th><th>95% interval (pts)</th></tr></thead><tbody>${info.heldout.map(
      (row) => html`<tr><td>${backbone({ id: row.backbone, simulated: row.simulated })}</td><td class="number">${percent(row.before)}</td><td class="number">${percent(row.after)}</td><td class="number">[${signed(row.low)}, ${signed(row.high)}]</td></tr>`,
    )}</tbody></table>`
  : null}
${commit.diff !== undefined
  ? html`<details class="diff-details"><summary>diff of the harness (${diffStat(commit.diff)})</summary>${diffBlock(commit.diff)}${commit.diffOmittedLines > 0 ? html`<p class="omitted">… ${commit.diffOmittedLines} more diff lines left out of the report (git show ${commit.sha.slice(0, 10)}).</p>` : null}</details>`
  : html`<p class="omitted">No diff: ${commit.diffMissing ?? 'unavailable'}.</p>`}
</li>`;
}

function commitsSection(report: RunReport): SafeHtml | null {
  if (report.header.kind !== 'evolve') return null;
  return html`<section id="commits"><h2>Accepted commits (${report.commits.length})</h2>
${report.commits.length === 0 ? html`<p class="empty">No candidate was accepted.</p>` : html`<ol class="commit-list">${report.commits.map(commitItem)}</ol>`}
</section>`;
}

function outcomeText(row: ReportCandidate): string {
  return row.outcome === 'accepted' ? 'accepted' : row.outcome === 'pending' ? 'not judged' : `rejected at ${row.outcome}`;
}

function candidateRow(row: ReportCandidate): SafeHtml {
  const modules = [...row.files.map((file) => file.file), ...row.remove.map((file) => `−${file}`)].join(', ');
  const screen = row.screen
    ? Object.keys(row.screen.candidate)
        .map((key) => `${key} ${percent(row.screen!.head[key] ?? 0)} → ${percent(row.screen!.candidate[key] ?? 0)}`)
        .join('; ')
    : '';
  return html`<tr class="${`candidate candidate-${row.outcome}`}">
<td class="number">${candidateLabel(row.candidate)}</td><td class="number">${row.iteration}</td><td>${row.kind}</td>
<td><span title="${row.group.signature}">${row.group.title}</span></td><td class="modules"><code>${modules}</code></td>
<td class="outcome">${outcomeText(row)}${row.sha ? html` <code>${row.sha.slice(0, 7)}</code>` : null}</td>
<td>${row.reason}${screen ? html`<div class="screen">train screen: ${screen}</div>` : null}
${row.summary ? html`<div class="summary">${row.summary}</div>` : null}
${row.diagnostics.length > 0 ? html`<details><summary>diagnostics (${row.diagnostics.length})</summary><pre>${row.diagnostics.join('\n')}</pre></details>` : null}
${row.files.map(
  (file) => html`<details><summary>source: ${file.file}</summary><pre class="source">${file.source}</pre>${file.omittedCharacters > 0 ? html`<p class="omitted">… ${file.omittedCharacters} more characters left out.</p>` : null}</details>`,
)}</td>
<td class="number">${row.tokens}${row.toolCalls !== undefined ? html`<div class="spend">${row.toolCalls} tool calls · ${row.experiments ?? 0} experiments</div>` : null}</td></tr>`;
}

function candidatesSection(report: RunReport): SafeHtml | null {
  if (report.header.kind !== 'evolve') return null;
  const count = (test: (row: ReportCandidate) => boolean) => report.candidates.filter(test).length;
  const accepted = count((row) => row.outcome === 'accepted');
  const pending = count((row) => row.outcome === 'pending');
  const tally = `${report.candidates.length}: ${accepted} accepted, ${report.candidates.length - accepted - pending} rejected${pending ? `, ${pending} not judged` : ''}`;
  return html`<section id="candidates"><h2>Candidates (${tally})</h2>
<p class="explain">Stages: check (type-check, lint, leak scan) → replay (the oracle's correct actions must pass untouched) → screen (must beat HEAD on train) → activation (must fire on its failure group) → gate (held-out, paired, interval above zero).</p>
<table class="candidates"><thead><tr><th>#</th><th>iter.</th><th>kind</th><th>failure group</th><th>modules</th><th>outcome</th><th>reason</th><th>engineer tokens</th></tr></thead>
<tbody>${report.candidates.map(candidateRow)}</tbody></table></section>`;
}

function viewerSection(report: RunReport): SafeHtml {
  const { data } = report;
  return html`<section id="episodes"><h2>Trajectories</h2>
<p class="explain">Pick an episode: each step shows the messages the model was given, every sample it drew, what the harness realized from each, the guard's verdict, the environment's result, what the model was told next, and which modules fired.${report.header.kind === 'evolve' ? ' Pairs show a validation episode before and after an accepted change, on the same seed.' : ''}</p>
${data.entries.length === 0
  ? html`<p class="empty">This run folder holds no trajectories to show.</p>`
  : html`<div class="viewer-controls"><label for="episode-select">episode</label> <select id="episode-select"></select> <button type="button" id="episode-previous">previous</button> <button type="button" id="episode-next">next</button> <button type="button" id="steps-toggle">expand all steps</button></div>
<noscript><p class="warning">The trajectory viewer needs JavaScript; the data is in the page as JSON (script #${DATA_ELEMENT_ID}).</p></noscript>
<div id="episode-view"></div>`}
</section>`;
}

function omittedSection(report: RunReport): SafeHtml {
  return html`<section id="omitted"><h2>What this page leaves out</h2>
<ul>${report.omitted.map((line) => html`<li>${line}</li>`)}
<li>Everything is in the run folder: <code>${`.bridle/runs/${report.header.runId}/`}</code>${report.header.kind === 'evolve' ? ' and on the run branch in git' : ''}.</li></ul>
${report.notes.length > 0 ? html`<h3>Notes</h3><ul>${report.notes.map((line) => html`<li>${line}</li>`)}</ul>` : null}
</section>`;
}

function navigation(report: RunReport): SafeHtml {
  const links: [string, string][] =
    report.header.kind === 'evolve'
      ? [['run', 'Run'], ['progress', 'Held-out chart'], ['test', 'Test table'], ['commits', 'Commits'], ['candidates', 'Candidates'], ['episodes', 'Trajectories'], ['omitted', 'Left out']]
      : [['run', 'Run'], ['scores', 'Scores'], ['episodes', 'Trajectories'], ['omitted', 'Left out']];
  return html`<nav>${links.map(([id, text]) => html`<a href="${`#${id}`}">${text}</a>`)}</nav>`;
}

/** The whole page. */
export function renderReport(report: RunReport): string {
  // The script is inlined verbatim; a closing tag inside it would end the element early.
  if (/<\/script/i.test(VIEWER)) throw new Error('viewer.js must not contain "</script"');
  const policy = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${scriptHash(VIEWER)}; base-uri 'none'; form-action 'none'`;
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${`bridle report · ${report.header.runId}`}</title>
<link rel="icon" href="data:,">
<style>${trustedHtml(STYLE)}</style>
</head><body>
<header><h1>bridle report <span class="run-id">${report.header.runId}</span></h1>${navigation(report)}</header>
<main>
${simulatedBanner(report)}
${headerSection(report)}
${progressSection(report)}
${testSection(report)}
${scoresSection(report)}
${commitsSection(report)}
${candidatesSection(report)}
${viewerSection(report)}
${omittedSection(report)}
</main>
<footer>Written by <code>bridle report</code> from the run's versioned logs (journal v1, trajectories v1) and git. Self-contained: no network is used to view it.</footer>
<script type="application/json" id="${DATA_ELEMENT_ID}">${trustedHtml(jsonForScript(report.data))}</script>
<script>${trustedHtml(VIEWER)}</script>
</body></html>
`;
  return page.text;
}
