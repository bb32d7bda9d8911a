/**
 * The commit message of an accepted harness change (DESIGN.md §6). It is written for a reviewer reading
 * `git log` and read back by `bridle review`/`show` and by resume, so the format is a contract: the
 * formatter and the parser live side by side and round-trip (numbers at the precision shown).
 *
 * ```
 * harness(retail): normalize-order-ids.ts — get_order fails on order ids without their prefix
 *
 * Failure group: get_order fails on order ids without their prefix
 * Signature: env-error:get_order:not-found
 *
 * Adds a realize step that restores the "#W" prefix of order ids, driven by the tool schemas.
 *
 * Held-out success, 24 validation tasks × 3 trials, paired (difference in points [95% interval]):
 *   sim/slip (simulated)    41.7% →  62.5%   +20.8 [+12.5, +29.2]
 *   sim/drift (simulated)   50.0% →  58.3%    +8.3 [+0.0, +16.7]
 *   mean                                     +14.6 [+8.3, +20.8]
 * Mean tokens per validation episode (estimated): 3120 → 3270 (+4.8%; limit +50%)
 *
 * Bridle-Run: evolve-retail-20250101-000000
 * Bridle-Engineer: heuristic
 * Bridle-Candidate: 003
 * Bridle-Group: env-error:get_order:not-found
 * Bridle-Delta: +14.6
 * Bridle-Interval: [+8.3, +20.8]
 * Bridle-Heldout-Backbones: sim/slip, sim/drift
 * Bridle-Modules: normalize-order-ids.ts
 * Bridle-Cost: 3120 → 3270 tokens/episode (+4.8%, limit +50%, estimated)
 * Bridle-Engineer-Kind: agent
 * Bridle-Engineer-Model: claude-sonnet-4-5
 * Bridle-Engineer-Tokens: 61234 in, 4210 out
 * Bridle-Engineer-Cost: $0.2469
 * Bridle-Engineer-Calls: 9
 * Bridle-Engineer-Tool-Calls: 14
 * Bridle-Engineer-Experiments: 2
 * ```
 *
 * The `Bridle-Engineer-*` spend trailers and `Bridle-Cost` (with the tokens line under the table) are
 * optional: commits made before they existed parse as before (`engineerSpend` and `cost` are then absent).
 */
import { candidateLabel } from '../candidates.ts';

/** One held-out backbone's scores for the commit's table. */
export interface HeldoutResult {
  /** Backbone id, `provider/model`. */
  backbone: string;
  /** True for `sim/*` backbones: labelled "(simulated)" so nobody mistakes them for evidence about real models. */
  simulated: boolean;
  /** Held-out success rate of the parent harness, in [0, 1]. */
  before: number;
  /** Held-out success rate with the change, in [0, 1]. */
  after: number;
  /** Lower end of the paired 95% interval of `after − before`, in percentage points. */
  low: number;
  /** Upper end of that interval, in percentage points. */
  high: number;
}

/** Everything a harness commit message says. */
export interface HarnessCommitInfo {
  /** Environment name (`harnesses/<environment>/`). */
  environment: string;
  /** The main module file of the change, e.g. `normalize-order-ids.ts`. */
  module: string;
  /** The failure group the change addresses. */
  group: {
    /** Stable signature the miner grouped by. */
    signature: string;
    /** One-line human description. */
    title: string;
  };
  /** What the change does, one or more paragraphs. */
  summary: string;
  /** Engineer id (`heuristic`, `anthropic/<model>`, …). */
  engineer: string;
  /** The run that produced the commit. */
  runId: string;
  /** Candidate number within the run (`candidates/NNN/`). */
  candidate: number;
  /** Per held-out backbone scores, in table order. */
  heldout: HeldoutResult[];
  /** Mean held-out difference, in percentage points. */
  delta: number;
  /** Paired bootstrap 95% interval of `delta`, in percentage points. */
  interval: [number, number];
  /** Size of the validation evidence: tasks × trials per backbone. */
  validation: { tasks: number; trials: number };
  /** Module files the commit adds, changes or removes. */
  modules: string[];
  /** Mean model tokens per validation episode before and after, and the gate's limit (absent on older commits). */
  cost?: CommitCost;
  /** What the engineer spent on this change, when it says (absent in commits made before these trailers existed). */
  engineerSpend?: EngineerSpend;
}

/** The engineer behind a commit and what its proposal (with its repairs) cost. */
export interface EngineerSpend {
  /** How it worked: `single`, `agent`, `coding-agent` or `heuristic`. */
  kind?: string;
  /** The model, e.g. `claude-sonnet-4-5` (absent for the heuristic engineer). */
  model?: string;
  inputTokens: number;
  outputTokens: number;
  /** US dollars; absent when a price was unknown (never guessed). */
  costUsd?: number;
  /** Model calls (turns). */
  calls: number;
  /** Tool calls (store reads, experiments, submit). */
  toolCalls: number;
  /** try_candidate experiments. */
  experiments: number;
}

/** The cost line of a harness commit. */
export interface CommitCost {
  /** Mean tokens per validation episode of the parent harness. */
  before: number;
  /** Mean tokens per validation episode with the change. */
  after: number;
  /** The largest relative rise the gate allowed (0.5 = +50%). */
  limit: number;
  /** True when the tokens are estimates (simulated backbones). */
  estimated: boolean;
}

/** Subjects stay readable in `git log --oneline` and on forges that cut long ones. */
export const SUBJECT_LIMIT = 100;

const TABLE_HEADING = 'Held-out success';
const SIMULATED = ' (simulated)';
/** Width of ` 41.7% →  62.5%`: two rates padded to 6 and the arrow. */
const SCORE_WIDTH = 15;

/** Trailer keys, in the order they are written. */
export const TRAILERS = {
  run: 'Bridle-Run',
  engineer: 'Bridle-Engineer',
  candidate: 'Bridle-Candidate',
  group: 'Bridle-Group',
  delta: 'Bridle-Delta',
  interval: 'Bridle-Interval',
  heldoutBackbones: 'Bridle-Heldout-Backbones',
  modules: 'Bridle-Modules',
  cost: 'Bridle-Cost',
  engineerKind: 'Bridle-Engineer-Kind',
  engineerModel: 'Bridle-Engineer-Model',
  engineerTokens: 'Bridle-Engineer-Tokens',
  engineerCost: 'Bridle-Engineer-Cost',
  engineerCalls: 'Bridle-Engineer-Calls',
  engineerToolCalls: 'Bridle-Engineer-Tool-Calls',
  engineerExperiments: 'Bridle-Engineer-Experiments',
} as const;

/** Values that end up on one line of the message must not break it (or the trailers) apart. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Rounded to one decimal, without the `-0.0` that rounding a tiny negative number gives. */
function tenths(value: number): number {
  const rounded = Math.round(value * 10) / 10;
  return rounded === 0 ? 0 : rounded;
}

/** A success rate as shown: `41.7%`. */
function formatRate(rate: number): string {
  return `${tenths(rate * 100).toFixed(1)}%`;
}

/** A difference in points, always signed: `+20.8`, `-3.1`, `+0.0`. */
function formatPoints(points: number): string {
  const value = tenths(points);
  return `${value < 0 ? '-' : '+'}${Math.abs(value).toFixed(1)}`;
}

function formatInterval([low, high]: readonly [number, number]): string {
  return `[${formatPoints(low)}, ${formatPoints(high)}]`;
}

/** Same cleanup git applies to `-m` messages, so what is formatted is what is committed and read back. */
function tidyParagraphs(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function formatSubject(environment: string, module: string, title: string): string {
  const head = `harness(${environment}): ${module} — `;
  const full = head + title;
  if (full.length <= SUBJECT_LIMIT) return full;
  return `${head}${title.slice(0, Math.max(0, SUBJECT_LIMIT - head.length - 1)).trimEnd()}…`;
}

function formatTable(info: HarnessCommitInfo): string[] {
  const labels = info.heldout.map((row) => oneLine(row.backbone) + (row.simulated ? SIMULATED : ''));
  const width = Math.max(4, ...labels.map((label) => label.length));
  const rows = info.heldout.map((row, index) => {
    const scores = `${formatRate(row.before).padStart(6)} → ${formatRate(row.after).padStart(6)}`;
    const difference = formatPoints((row.after - row.before) * 100).padStart(6);
    return `  ${labels[index]!.padEnd(width)}  ${scores}  ${difference} ${formatInterval([row.low, row.high])}`;
  });
  // Blank where the rates go, so the mean's difference lines up under the per-backbone ones.
  const mean = `  ${'mean'.padEnd(width)}  ${' '.repeat(SCORE_WIDTH)}  ${formatPoints(info.delta).padStart(6)} ${formatInterval(info.interval)}`;
  const heading =
    `${TABLE_HEADING}, ${info.validation.tasks} validation tasks × ${info.validation.trials} trials, ` +
    'paired (difference in points [95% interval]):';
  const cost = info.cost
    ? [`Mean tokens per validation episode${info.cost.estimated ? ' (estimated)' : ''}: ${Math.round(info.cost.before)} → ${Math.round(info.cost.after)} (${formatChange(info.cost)}; limit ${formatShare(info.cost.limit)})`]
    : [];
  return [heading, ...rows, mean, ...cost];
}

/** A relative change as shown: `+4.8%`, `-12%`, `+182%`. */
function formatShare(share: number): string {
  const value = Math.round(share * 1000) / 10;
  return `${value < 0 ? '-' : '+'}${Math.abs(value).toFixed(value !== 0 && Math.abs(value) < 10 ? 1 : 0)}%`;
}

function formatChange(cost: CommitCost): string {
  return formatShare(cost.before === 0 ? 0 : cost.after / cost.before - 1);
}

/** `3120 → 3270 tokens/episode (+4.8%, limit +50%, estimated)` */
export function formatCost(cost: CommitCost): string {
  return `${Math.round(cost.before)} → ${Math.round(cost.after)} tokens/episode (${formatChange(cost)}, limit ${formatShare(cost.limit)}${cost.estimated ? ', estimated' : ''})`;
}

function parseCost(text: string | undefined): CommitCost | undefined {
  const match = text === undefined ? null : /^(\d+) → (\d+) tokens\/episode \([+-][\d.]+%, limit \+([\d.]+)%(, estimated)?\)$/.exec(text);
  return match ? { before: Number(match[1]), after: Number(match[2]), limit: Number(match[3]) / 100, estimated: match[4] !== undefined } : undefined;
}

/** The full commit message (subject, blank line, body, trailers) for an accepted harness change. */
export function formatHarnessCommit(info: HarnessCommitInfo): string {
  const title = oneLine(info.group.title);
  const paragraphs = [
    formatSubject(oneLine(info.environment), oneLine(info.module), title),
    `Failure group: ${title}\nSignature: ${oneLine(info.group.signature)}`,
  ];
  const summary = tidyParagraphs(info.summary);
  if (summary !== '') paragraphs.push(summary);
  paragraphs.push(formatTable(info).join('\n'));
  const trailers: [string, string][] = [
    [TRAILERS.run, info.runId],
    [TRAILERS.engineer, info.engineer],
    [TRAILERS.candidate, candidateLabel(info.candidate)],
    [TRAILERS.group, info.group.signature],
    [TRAILERS.delta, formatPoints(info.delta)],
    [TRAILERS.interval, formatInterval(info.interval)],
    [TRAILERS.heldoutBackbones, info.heldout.map((row) => row.backbone).join(', ')],
    [TRAILERS.modules, info.modules.join(', ')],
    ...(info.cost ? ([[TRAILERS.cost, formatCost(info.cost)]] as [string, string][]) : []),
    ...spendTrailers(info.engineerSpend),
  ];
  paragraphs.push(trailers.map(([key, value]) => `${key}: ${oneLine(value)}`.trimEnd()).join('\n'));
  return paragraphs.join('\n\n');
}

function spendTrailers(spend: EngineerSpend | undefined): [string, string][] {
  if (!spend) return [];
  const trailers: [string, string][] = [];
  if (spend.kind) trailers.push([TRAILERS.engineerKind, spend.kind]);
  if (spend.model) trailers.push([TRAILERS.engineerModel, spend.model]);
  trailers.push(
    [TRAILERS.engineerTokens, `${spend.inputTokens} in, ${spend.outputTokens} out`],
    [TRAILERS.engineerCost, spend.costUsd === undefined ? 'unknown' : `$${spend.costUsd.toFixed(4)}`],
    [TRAILERS.engineerCalls, String(spend.calls)],
    [TRAILERS.engineerToolCalls, String(spend.toolCalls)],
    [TRAILERS.engineerExperiments, String(spend.experiments)],
  );
  return trailers;
}

/** The engineer spend trailers, read back; undefined when the commit has none (older commits). */
function parseSpend(trailers: Map<string, string>): EngineerSpend | undefined {
  const tokens = /^(\d+) in, (\d+) out$/.exec(trailers.get(TRAILERS.engineerTokens) ?? '');
  const count = (key: string): number | undefined => {
    const text = trailers.get(key);
    return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
  };
  const calls = count(TRAILERS.engineerCalls);
  const toolCalls = count(TRAILERS.engineerToolCalls);
  const experiments = count(TRAILERS.engineerExperiments);
  if (!tokens || calls === undefined || toolCalls === undefined || experiments === undefined) return undefined;
  const spend: EngineerSpend = { inputTokens: Number(tokens[1]), outputTokens: Number(tokens[2]), calls, toolCalls, experiments };
  const cost = /^\$(\d+(?:\.\d+)?)$/.exec(trailers.get(TRAILERS.engineerCost) ?? '');
  if (cost) spend.costUsd = Number(cost[1]);
  const kind = trailers.get(TRAILERS.engineerKind);
  const model = trailers.get(TRAILERS.engineerModel);
  if (kind) spend.kind = kind;
  if (model) spend.model = model;
  return spend;
}

/**
 * The trailers of a commit message: `Key: value` lines of its last paragraph. Later duplicates win.
 * Works on any message, so callers can look for `Bridle-Run` without a full parse.
 */
export function parseTrailers(message: string): Map<string, string> {
  const paragraphs = tidyParagraphs(message).split('\n\n');
  const trailers = new Map<string, string>();
  if (paragraphs.length < 2) return trailers;
  for (const line of paragraphs[paragraphs.length - 1]!.split('\n')) {
    const match = /^([A-Za-z][A-Za-z0-9-]*):(?: (.*))?$/.exec(line);
    if (match) trailers.set(match[1]!, (match[2] ?? '').trim());
  }
  return trailers;
}

function parsePoints(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function parseInterval(text: string | undefined): [number, number] | undefined {
  const match = text === undefined ? null : /^\[([+-]\d+(?:\.\d+)?), ([+-]\d+(?:\.\d+)?)\]$/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function parseRate(text: string): number {
  // Divide integers so 41.7% reads back as exactly the double 0.417.
  return Math.round(Number(text) * 10) / 1000;
}

function splitList(text: string | undefined): string[] {
  return text === undefined || text === '' ? [] : text.split(', ').map((item) => item.trim());
}

const ROW = /^ {2}(.+?)( \(simulated\))? {2,}(\d+\.\d)% → +(\d+\.\d)% +[+-]\d+\.\d \[([+-]\d+\.\d), ([+-]\d+\.\d)\]$/;

/**
 * Read a harness commit message back into what {@link formatHarnessCommit} wrote. Returns undefined for
 * any message that is not a complete bridle harness commit (the init commit, a user's commit, a
 * hand-edited one), so listings can show such commits without failing on them.
 */
export function parseHarnessCommit(message: string): HarnessCommitInfo | undefined {
  const paragraphs = tidyParagraphs(message).split('\n\n');
  const subject = /^harness\(([^)]+)\): (\S+) — /.exec(paragraphs[0] ?? '');
  const group = /^Failure group:(?: (.*))?\nSignature:(?: (.*))?$/.exec(paragraphs[1] ?? '');
  // The table is always the paragraph before the trailers; a summary paragraph may start like it.
  const tableIndex = paragraphs.length - 2;
  if (!subject || !group || tableIndex < 2 || !paragraphs[tableIndex]!.startsWith(`${TABLE_HEADING}, `)) return undefined;

  const trailers = parseTrailers(message);
  const runId = trailers.get(TRAILERS.run);
  const engineer = trailers.get(TRAILERS.engineer);
  const candidate = trailers.get(TRAILERS.candidate);
  const signature = trailers.get(TRAILERS.group);
  const delta = parsePoints(trailers.get(TRAILERS.delta));
  const interval = parseInterval(trailers.get(TRAILERS.interval));
  if (!runId || !engineer || !candidate || !/^\d+$/.test(candidate) || signature === undefined) return undefined;
  if (delta === undefined || interval === undefined) return undefined;
  const cost = parseCost(trailers.get(TRAILERS.cost));

  const spend = parseSpend(trailers);
  const [heading, ...lines] = paragraphs[tableIndex]!.split('\n');
  const size = /(\d+) validation tasks × (\d+) trials/.exec(heading ?? '');
  if (!size) return undefined;
  const heldout: HeldoutResult[] = [];
  for (const line of lines) {
    const row = ROW.exec(line);
    if (!row) continue;
    heldout.push({
      backbone: row[1]!,
      simulated: row[2] !== undefined,
      before: parseRate(row[3]!),
      after: parseRate(row[4]!),
      low: Number(row[5]),
      high: Number(row[6]),
    });
  }

  return {
    environment: subject[1]!,
    module: subject[2]!,
    group: { signature, title: group[1] ?? '' },
    summary: paragraphs.slice(2, tableIndex).join('\n\n'),
    engineer,
    runId,
    candidate: Number(candidate),
    heldout,
    delta,
    interval,
    validation: { tasks: Number(size[1]), trials: Number(size[2]) },
    modules: splitList(trailers.get(TRAILERS.modules)),
    ...(cost ? { cost } : {}),
    ...(spend ? { engineerSpend: spend } : {}),
  };
}
