/**
 * A small SVG line chart of success rate per iteration, drawn here so the report needs no charting
 * library and no network. Hover titles (SVG `<title>`) give exact values without any script.
 */
import { candidateLabel } from '../store/candidates.ts';
import { html, type SafeHtml } from './html.ts';
import type { CommitMark, SeriesPoint } from './model.ts';

/** One chart: one backbone's line, with the iterations that committed a change marked. */
export interface LineChartInput {
  /** Heading inside the chart (the backbone). */
  title: string;
  /** CSS modifier of the line: `heldout` or `train`. */
  tone: 'heldout' | 'train';
  points: readonly SeriesPoint[];
  /** Last iteration on the x axis. */
  iterations: number;
  /** Accepted commits, drawn as dashed verticals at their iteration. */
  marks: readonly CommitMark[];
}

const WIDTH = 440;
const HEIGHT = 230;
const MARGIN = { left: 46, right: 22, top: 34, bottom: 40 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** Whole-number ticks, at most about ten of them. */
function xTicks(iterations: number): number[] {
  const step = Math.max(1, Math.ceil(iterations / 10));
  const ticks: number[] = [];
  for (let tick = 0; tick <= iterations; tick += step) ticks.push(tick);
  return ticks;
}

/** The chart as inline SVG (class `chart`). */
export function lineChart(input: LineChartInput): SafeHtml {
  const span = Math.max(1, input.iterations);
  const x = (iteration: number) => round(MARGIN.left + (iteration / span) * PLOT_WIDTH);
  const y = (rate: number) => round(MARGIN.top + (1 - Math.min(1, Math.max(0, rate))) * PLOT_HEIGHT);
  const marked = new Set(input.marks.map((mark) => mark.iteration));
  const first = input.points[0];
  const last = input.points[input.points.length - 1];
  const change = first && last ? `${percent(first.value)} → ${percent(last.value)}` : 'no data';
  const line = input.points.map((point) => `${x(point.iteration)},${y(point.value)}`).join(' ');
  return html`<svg class="chart chart-${input.tone}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${`${input.title}: ${change}`}" xmlns="http://www.w3.org/2000/svg">
<text class="chart-title" x="${MARGIN.left}" y="18">${input.title}</text>
<text class="chart-change" x="${WIDTH - MARGIN.right}" y="18" text-anchor="end">${change}</text>
${[0, 0.25, 0.5, 0.75, 1].map(
  (rate) => html`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(rate)}" y2="${y(rate)}"/><text class="axis" x="${MARGIN.left - 6}" y="${y(rate) + 4}" text-anchor="end">${`${rate * 100}%`}</text>`,
)}
${xTicks(input.iterations).map(
  (tick) => html`<text class="axis" x="${x(tick)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${tick}</text>`,
)}
<text class="axis axis-caption" x="${MARGIN.left + PLOT_WIDTH / 2}" y="${HEIGHT - 6}" text-anchor="middle">after iteration (0 = start)</text>
${input.marks.map(
  (mark) => html`<g class="mark"><title>${`iteration ${mark.iteration}: candidate ${candidateLabel(mark.candidate)} accepted${mark.sha ? `, commit ${mark.sha.slice(0, 10)}` : ''}`}</title><line x1="${x(mark.iteration)}" x2="${x(mark.iteration)}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_HEIGHT}"/><text x="${x(mark.iteration)}" y="${MARGIN.top - 4}" text-anchor="${mark.iteration >= span ? 'end' : 'middle'}">${mark.sha ? mark.sha.slice(0, 7) : `#${mark.candidate}`}</text></g>`,
)}
${input.points.length > 1 ? html`<polyline class="line" points="${line}"/>` : null}
${input.points.map(
  (point) => html`<circle class="${marked.has(point.iteration) ? 'point point-accepted' : 'point'}" cx="${x(point.iteration)}" cy="${y(point.value)}" r="${marked.has(point.iteration) ? 5 : 3}"><title>${`after iteration ${point.iteration}: ${percent(point.value)}`}</title></circle>`,
)}
</svg>`;
}
