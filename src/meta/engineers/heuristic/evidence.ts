/**
 * Evidence the heuristic engineer mines from train trajectories, in environment-neutral terms: which
 * calls always come before a write in episodes that succeeded, and which write is always immediately
 * preceded by a call that embeds it (a confirmation). Rules hold on every successful episode (no false
 * positives on the evidence) and must have blocked at least one write in a failed episode (relevance).
 */
import type { Json, JsonObject, ToolSchema } from '../../../harness/api.ts';
import type { Trajectory } from '../../../agent/trajectory.ts';

/** A successful tool call in an episode. */
export interface CallEvent {
  tool: string;
  arguments: JsonObject;
  /** Position among the episode's successful calls. */
  position: number;
}

/** "Before any of `tools`, one of `requires` must have succeeded." */
export interface PriorCallRule {
  tools: string[];
  requires: string[];
}

/** "Right before `tool`, the last successful call must be `requires` with arguments built as `template`." */
export interface ImmediateCallRule {
  tool: string;
  requires: string;
  /** For each argument of the required call: "$tool" (the write's name), "$arguments" (its arguments). */
  template: Record<string, '$tool' | '$arguments'>;
}

export function successfulCalls(trajectory: Trajectory): CallEvent[] {
  const calls: CallEvent[] = [];
  for (const step of trajectory.steps) {
    if (step.action?.kind === 'call' && step.result?.ok) calls.push({ tool: step.action.tool, arguments: step.action.arguments, position: calls.length });
  }
  return calls;
}

function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key]!)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function writeToolNames(tools: readonly ToolSchema[]): Set<string> {
  return new Set(tools.filter((tool) => !tool.readOnly && tool.name !== 'finish').map((tool) => tool.name));
}

/** Every successful write in the episodes, with the calls that succeeded before it. */
function writesWithHistory(trajectories: readonly Trajectory[], writes: Set<string>) {
  const out: { write: CallEvent; before: CallEvent[] }[] = [];
  for (const trajectory of trajectories) {
    const calls = successfulCalls(trajectory);
    calls.forEach((call, index) => {
      if (writes.has(call.tool)) out.push({ write: call, before: calls.slice(0, index) });
    });
  }
  return out;
}

function subsets<T>(items: readonly T[], maxSize: number): T[][] {
  const result: T[][] = [];
  const walk = (start: number, current: T[]) => {
    if (current.length > 0) result.push([...current]);
    if (current.length === maxSize) return;
    for (let index = start; index < items.length; index++) walk(index + 1, [...current, items[index]!]);
  };
  walk(0, []);
  return result.sort((a, b) => a.length - b.length);
}

type WriteOccurrence = { write: CallEvent; before: CallEvent[] };

/** A set of read-only tools (at most three) of which one succeeded before every given write, earliest tools preferred. */
function bestRequiredSet(good: readonly WriteOccurrence[], readOnly: ReadonlySet<string>): string[] | null {
  const positions = new Map<string, number[]>();
  for (const { before } of good) {
    for (const call of before) if (readOnly.has(call.tool)) positions.set(call.tool, [...(positions.get(call.tool) ?? []), call.position]);
  }
  const earliness = (tool: string) => {
    const list = positions.get(tool) ?? [];
    return list.reduce((sum, value) => sum + value, 0) / Math.max(1, list.length);
  };
  const candidates = [...positions.keys()].sort((a, b) => earliness(a) - earliness(b) || a.localeCompare(b)).slice(0, 8);
  const viable = subsets(candidates, 3).filter((set) => good.every(({ before }) => covers(set, before)));
  if (viable.length === 0) return null;
  // The calls that come first (identification, say) beat a smaller set of later ones.
  const latest = (set: string[]) => Math.max(...set.map(earliness));
  return [...[...viable].sort((a, b) => latest(a) - latest(b) || a.length - b.length)[0]!].sort();
}

function covers(set: readonly string[], before: readonly CallEvent[]): boolean {
  return before.some((call) => set.includes(call.tool));
}

/**
 * Calls of which one always succeeded before a write in successful episodes: one rule for all writes
 * when one holds, else one per write tool (tools seen fewer than twice join the most common rule when
 * their few occurrences agree). Kept only if it would have blocked a write of a failed episode.
 */
export function minePriorCallRules(train: readonly Trajectory[], tools: readonly ToolSchema[]): PriorCallRule[] {
  const writes = writeToolNames(tools);
  const readOnly = new Set(tools.filter((tool) => tool.readOnly).map((tool) => tool.name));
  const good = writesWithHistory(train.filter((trajectory) => trajectory.success), writes);
  const bad = writesWithHistory(train.filter((trajectory) => !trajectory.success), writes);
  if (good.length < 2) return [];
  let rules: PriorCallRule[];
  const global = bestRequiredSet(good, readOnly);
  if (global) {
    rules = [{ tools: [...writes].sort(), requires: global }];
  } else {
    const byRequires = new Map<string, PriorCallRule>();
    const rare: string[] = [];
    for (const tool of [...writes].sort()) {
      const occurrences = good.filter(({ write }) => write.tool === tool);
      if (occurrences.length < 2) {
        rare.push(tool);
        continue;
      }
      const requires = bestRequiredSet(occurrences, readOnly);
      if (!requires) continue;
      const key = requires.join(',');
      const rule = byRequires.get(key) ?? { tools: [], requires };
      rule.tools.push(tool);
      byRequires.set(key, rule);
    }
    rules = [...byRequires.values()].sort((a, b) => b.tools.length - a.tools.length);
    const majority = rules[0];
    if (majority) {
      // A write joins the most common rule whenever that rule fits all its occurrences: a narrower rule
      // learnt from a few episodes (say, identification by email only) would not generalise.
      const fits = (tool: string) => good.filter(({ write }) => write.tool === tool).every(({ before }) => covers(majority.requires, before));
      for (const rule of rules.slice(1)) {
        const joining = rule.tools.filter(fits);
        majority.tools.push(...joining);
        rule.tools = rule.tools.filter((tool) => !joining.includes(tool));
      }
      majority.tools.push(...rare.filter(fits));
      majority.tools.sort();
      rules = rules.filter((rule) => rule.tools.length > 0);
    }
  }
  const blocks = (rule: PriorCallRule) => bad.some(({ write, before }) => rule.tools.includes(write.tool) && !covers(rule.requires, before));
  return rules.some(blocks) ? rules : [];
}

/**
 * For each write, the call that always immediately precedes it and embeds it, if any. With `relevant`
 * (the default) the rules are returned only if they would have blocked a write of a failed episode.
 */
export function mineImmediateCallRules(train: readonly Trajectory[], tools: readonly ToolSchema[], options: { relevant?: boolean } = {}): ImmediateCallRule[] {
  const writes = writeToolNames(tools);
  const good = writesWithHistory(train.filter((trajectory) => trajectory.success), writes);
  const bad = writesWithHistory(train.filter((trajectory) => !trajectory.success), writes);
  const rules: ImmediateCallRule[] = [];
  for (const tool of [...writes].sort()) {
    const occurrences = good.filter(({ write }) => write.tool === tool);
    if (occurrences.length < 2) continue;
    const previous = occurrences.map(({ before }) => before.at(-1));
    const requires = previous[0]?.tool;
    if (!requires || previous.some((call) => call?.tool !== requires)) continue;
    const template = embeddingTemplate(occurrences.map(({ write }, index) => ({ write, previous: previous[index]! })));
    if (!template) continue;
    rules.push({ tool, requires, template });
  }
  // Writes seen fewer than twice join a rule that every other rule agrees on, when their occurrences fit it.
  const shared = rules[0];
  if (shared && rules.every((rule) => rule.requires === shared.requires && canonical(rule.template as Json) === canonical(shared.template as Json))) {
    for (const tool of [...writes].sort()) {
      if (tool === shared.requires || rules.some((rule) => rule.tool === tool)) continue;
      const occurrences = good.filter(({ write }) => write.tool === tool);
      const candidate: ImmediateCallRule = { tool, requires: shared.requires, template: shared.template };
      if (occurrences.length < 2 && occurrences.every(({ write, before }) => satisfiesImmediate(candidate, write, before.at(-1)))) rules.push(candidate);
    }
    rules.sort((a, b) => a.tool.localeCompare(b.tool));
  }
  // Relevant only if the rules would have blocked a write of a failed episode.
  if (options.relevant === false) return rules;
  const relevant = bad.some(({ write, before }) => rules.some((rule) => rule.tool === write.tool && !satisfiesImmediate(rule, write, before.at(-1))));
  return relevant ? rules : [];
}

/** How the preceding call's arguments are built from the write, when every occurrence agrees. */
function embeddingTemplate(pairs: { write: CallEvent; previous: CallEvent }[]): ImmediateCallRule['template'] | null {
  const first = pairs[0];
  if (!first) return null;
  const template: ImmediateCallRule['template'] = {};
  for (const key of Object.keys(first.previous.arguments).sort()) {
    if (pairs.every(({ write, previous }) => previous.arguments[key] === write.tool)) template[key] = '$tool';
    else if (pairs.every(({ write, previous }) => previous.arguments[key] !== undefined && canonical(previous.arguments[key]!) === canonical(write.arguments))) template[key] = '$arguments';
    else return null;
  }
  return Object.values(template).includes('$arguments') ? template : null;
}

export function satisfiesImmediate(rule: ImmediateCallRule, write: CallEvent, previous: CallEvent | undefined): boolean {
  if (!previous || previous.tool !== rule.requires) return false;
  return Object.entries(rule.template).every(([key, source]) =>
    source === '$tool' ? previous.arguments[key] === write.tool : previous.arguments[key] !== undefined && canonical(previous.arguments[key]!) === canonical(write.arguments),
  );
}

/**
 * "The `key` of a `tool` call must be the `sourceKey` of the latest successful `source` call": a write
 * acts on what the agent last moved to, opened, looked up or read (a take from the receptacle it went
 * to, a change to the file it just read, a write to the order it looked up). The source may be any tool,
 * not only a read-only one: what matters is that its argument names the thing the write acts on.
 */
export interface ArgumentSourceRule {
  tool: string;
  key: string;
  source: string;
  sourceKey: string;
  /** Successful train occurrences of the write that agree with the rule (all of them). */
  support: number;
}

/** Every call that ran (successful or not), with the successful calls before it. */
function attemptsWithHistory(trajectory: Trajectory): { call: Omit<CallEvent, 'position'>; ok: boolean; before: CallEvent[] }[] {
  const out: { call: Omit<CallEvent, 'position'>; ok: boolean; before: CallEvent[] }[] = [];
  const before: CallEvent[] = [];
  for (const step of trajectory.steps) {
    if (step.action?.kind !== 'call' || !step.result) continue;
    out.push({ call: { tool: step.action.tool, arguments: step.action.arguments }, ok: step.result.ok, before: [...before] });
    if (step.result.ok) before.push({ tool: step.action.tool, arguments: step.action.arguments, position: before.length });
  }
  return out;
}

/** The latest call of `tool` in `before`. */
function latestOf(before: readonly CallEvent[], tool: string): CallEvent | undefined {
  for (let index = before.length - 1; index >= 0; index--) if (before[index]!.tool === tool) return before[index];
  return undefined;
}

export function satisfiesArgumentSource(rule: Pick<ArgumentSourceRule, 'key' | 'source' | 'sourceKey'>, args: JsonObject, before: readonly CallEvent[]): boolean {
  const value = args[rule.key];
  if (typeof value !== 'string') return true;
  return latestOf(before, rule.source)?.arguments[rule.sourceKey] === value;
}

/**
 * Argument sources that hold on every successful write of the train episodes (at least `minSupport`
 * occurrences in two or more episodes, with at least two distinct values, so a constant cannot pass for a
 * source), one source per written argument (the most used source tool wins a tie). Kept only if the rules
 * would have blocked a call that ran in a failed episode.
 */
export function mineArgumentSourceRules(train: readonly Trajectory[], tools: readonly ToolSchema[], options: { minSupport?: number } = {}): ArgumentSourceRule[] {
  const minSupport = options.minSupport ?? 3;
  const writes = writeToolNames(tools);
  const sources = tools.filter((tool) => tool.name !== 'finish').map((tool) => tool.name);
  const good = train.filter((trajectory) => trajectory.success).map((trajectory) => ({ trajectory, attempts: attemptsWithHistory(trajectory).filter((attempt) => attempt.ok) }));
  const sourceUse = new Map<string, number>();
  for (const { attempts } of good) for (const { call } of attempts) sourceUse.set(call.tool, (sourceUse.get(call.tool) ?? 0) + 1);
  const rules: ArgumentSourceRule[] = [];
  for (const tool of [...writes].sort()) {
    const occurrences = good.flatMap(({ trajectory, attempts }) => attempts.filter(({ call }) => call.tool === tool).map((attempt) => ({ ...attempt, episode: trajectory })));
    const schema = tools.find((candidate) => candidate.name === tool);
    for (const key of Object.keys(schema?.parameters.properties ?? {}).sort()) {
      const withKey = occurrences.filter(({ call }) => typeof call.arguments[key] === 'string');
      if (withKey.length < minSupport || new Set(withKey.map(({ episode }) => episode)).size < 2) continue;
      if (new Set(withKey.map(({ call }) => call.arguments[key])).size < 2) continue;
      const found: ArgumentSourceRule[] = [];
      for (const source of sources) {
        if (source === tool) continue;
        const sourceSchema = tools.find((candidate) => candidate.name === source);
        for (const sourceKey of Object.keys(sourceSchema?.parameters.properties ?? {}).sort()) {
          if (withKey.every(({ call, before }) => satisfiesArgumentSource({ key, source, sourceKey }, call.arguments, before))) {
            found.push({ tool, key, source, sourceKey, support: withKey.length });
          }
        }
      }
      found.sort((a, b) => (sourceUse.get(b.source) ?? 0) - (sourceUse.get(a.source) ?? 0) || a.source.localeCompare(b.source) || a.sourceKey.localeCompare(b.sourceKey));
      if (found[0]) rules.push(found[0]);
    }
  }
  const bad = train.filter((trajectory) => !trajectory.success).flatMap(attemptsWithHistory);
  const relevant = bad.some(({ call, before }) => rules.some((rule) => rule.tool === call.tool && !satisfiesArgumentSource(rule, call.arguments, before)));
  return relevant ? rules : [];
}

/**
 * "Between the source call and the write, `tool` was sometimes called with the same value": a step a
 * write may need on the thing it acts on, depending on a state the trajectory does not show (opening
 * what is closed, unlocking what is locked). Not a rule to enforce (many successful writes do without
 * it), but the likely fix when the write fails without saying why.
 */
export interface CompanionCall {
  /** The write and its argument, as in its ArgumentSourceRule. */
  write: string;
  key: string;
  tool: string;
  toolKey: string;
  /** Successful train writes it came before. */
  support: number;
}

/**
 * For each argument-source rule, the most frequent companion call seen at least twice. Only calls on the
 * value alone count (their one required argument is the value): a call that also needs other arguments
 * is a step of its own in some tasks (cleaning something before putting it down), not a precondition.
 */
export function mineCompanionCalls(train: readonly Trajectory[], rules: readonly ArgumentSourceRule[], tools: readonly ToolSchema[]): CompanionCall[] {
  const alone = (tool: string, key: string) => {
    const required = tools.find((candidate) => candidate.name === tool)?.parameters.required ?? [];
    return required.length === 1 && required[0] === key;
  };
  const companions: CompanionCall[] = [];
  const good = train.filter((trajectory) => trajectory.success).flatMap((trajectory) => attemptsWithHistory(trajectory).filter((attempt) => attempt.ok));
  for (const rule of rules) {
    const counts = new Map<string, { tool: string; toolKey: string; support: number }>();
    for (const { call, before } of good) {
      if (call.tool !== rule.tool) continue;
      const value = call.arguments[rule.key];
      const start = before.findLastIndex((event) => event.tool === rule.source);
      if (typeof value !== 'string' || start < 0) continue;
      const seen = new Set<string>();
      for (const event of before.slice(start + 1)) {
        if (event.tool === rule.tool || event.tool === rule.source) continue;
        for (const [toolKey, argument] of Object.entries(event.arguments)) {
          const id = `${event.tool}\u0000${toolKey}`;
          if (argument !== value || seen.has(id) || !alone(event.tool, toolKey)) continue;
          seen.add(id);
          const entry = counts.get(id) ?? { tool: event.tool, toolKey, support: 0 };
          entry.support += 1;
          counts.set(id, entry);
        }
      }
    }
    const best = [...counts.values()].sort((a, b) => b.support - a.support || a.tool.localeCompare(b.tool))[0];
    if (best && best.support >= 2) companions.push({ write: rule.tool, key: rule.key, ...best });
  }
  return companions;
}
