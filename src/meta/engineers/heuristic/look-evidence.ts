/**
 * "Look before you change": which calls change something that was there (learnt from the calls a failed
 * `policy:*` check names, by the most general feature that no successful call contradicts: the tool, a
 * command word of a command-line argument, a command word with a flag, or an output redirection), and
 * which read-only looks came right before them in successful episodes on a path they share. Generic:
 * command lines are read as words, never by a list of known commands.
 */
import type { JsonObject, ToolSchema } from '../../../harness/api.ts';
import type { Trajectory } from '../../../agent/trajectory.ts';

/** A successful call with its output. */
export interface LookCall {
  tool: string;
  arguments: JsonObject;
  output: string;
}

/** "Calls with `feature` change files: right before the first one on a path, one of `looks` must show it." */
export interface LookRule {
  /** `tool`, `tool:command`, `tool:command -flag` or `tool:>`. */
  feature: string;
  /** Kinds of the calls that came right before it in successful episodes: `tool` or `tool:command`. */
  looks: string[];
  /** The look to name when one is missing (the kind seen in most successful episodes). */
  suggest: { tool: string; key: string; command?: string; whole: boolean };
  /** Successful train calls with the feature. */
  support: number;
}

const COMMAND_WORD = /^[a-z][a-z0-9_.+-]*$/;
const FLAG = /^--?[A-Za-z][\w-]*/;

/** Command words, their flags and redirections in a command-line text (quoted text set aside). */
export function commandFeatures(text: string): string[] {
  const features: string[] = [];
  const plain = text.replace(/'[^']*'|"[^"]*"/g, ' Q ');
  for (const segment of plain.split(/\|\||&&|[|;\n()`{}]|\$\(|<\(/)) {
    const words = segment.trim().split(/\s+/).filter((word) => word !== '');
    let command: string | undefined;
    words.forEach((word, index) => {
      if (/^\d*>/.test(word)) {
        // Output written onto a file (not a descriptor, not /dev/null, not stderr).
        const target = word.replace(/^\d*>>?/, '') || words[index + 1] || '';
        if (!/^\d/.test(word) && target !== '/dev/null' && !target.startsWith('&')) features.push('>');
        return;
      }
      const previous = words[index - 1];
      if (index === 0 || previous === '-exec' || previous === '-execdir' || previous === 'xargs') {
        if (COMMAND_WORD.test(word)) {
          command = word;
          features.push(command);
        }
        return;
      }
      const flag = FLAG.exec(word)?.[0];
      if (command !== undefined && flag !== undefined) features.push(`${command} ${flag}`);
    });
  }
  return [...new Set(features)];
}

/** Features of a call: its tool, then `tool:feature` for every command-line feature of its text arguments. */
export function callFeatures(tool: string, args: JsonObject): string[] {
  const features = new Set<string>([tool]);
  for (const value of Object.values(args)) {
    if (typeof value === 'string' && /\s/.test(value.trim())) for (const feature of commandFeatures(value)) features.add(`${tool}:${feature}`);
  }
  return [...features];
}

/**
 * Path-like words of a call's text arguments (with `/`, `.`, `*` or `~`), each with its last segment, and
 * every plain word joined to the call's absolute folder argument (a command run in a folder names files
 * relative to it).
 */
export function pathTokens(args: JsonObject): string[] {
  const tokens = new Set<string>();
  const values = Object.values(args).filter((value): value is string => typeof value === 'string');
  const folders = values.filter((value) => value.startsWith('/') && !/\s/.test(value)).map((value) => value.replace(/\/+$/, ''));
  for (const value of values) {
    for (const raw of value.split(/[\s|;&()<>"'`=,]+/)) {
      const word = raw.replace(/\/+$/, '').replace(/^\.\//, '');
      if (word === '' || FLAG.test(word) || /^[\d.]+$/.test(word) || !/^[\w.*~/@+-]+$/.test(word)) continue;
      if (!word.startsWith('/') && !word.startsWith('~')) for (const folder of folders) tokens.add(`${folder}/${word}`);
      if (!/[/.*~]/.test(word)) continue;
      const last = word.split('/').pop() ?? '';
      for (const token of [word, last]) if (token.length > 1 && token !== '..' && token !== '~' && !/^\*+$/.test(token)) tokens.add(token);
    }
  }
  return [...tokens];
}

export function sharePath(a: JsonObject, b: JsonObject): boolean {
  const tokens = new Set(pathTokens(a));
  return pathTokens(b).some((token) => tokens.has(token));
}

/** Looser than `sharePath`: also a plain word of one (`chmod +x countfiles`) that is a path's last segment in the other. */
export function shareName(a: JsonObject, b: JsonObject): boolean {
  const names = (args: JsonObject) => [...pathTokens(args), ...Object.values(args).flatMap((value) => (typeof value === 'string' ? value.split(/[\s|;&()<>"'`=,]+/) : []))];
  const tokens = new Set(names(a).filter((token) => token.length > 1 && !FLAG.test(token) && !/^[\d.]+$/.test(token)));
  return names(b).some((token) => tokens.has(token));
}

/** What kind of look a call is: its tool, and `tool:command` for every command word of its command lines. */
export function lookKinds(call: Pick<LookCall, 'tool' | 'arguments'>): string[] {
  return callFeatures(call.tool, call.arguments).filter((feature) => !feature.includes(' ') && !feature.endsWith(':>'));
}

function successfulLookCalls(trajectory: Trajectory): LookCall[] {
  const calls: LookCall[] = [];
  for (const step of trajectory.steps) {
    if (step.action?.kind === 'call' && step.result?.ok) calls.push({ tool: step.action.tool, arguments: step.action.arguments, output: step.result.output });
  }
  return calls;
}

/** Every call that ran (ok or not), in order, as failed checks count them ("call 2" is the second). */
function ranCalls(trajectory: Trajectory): (LookCall & { ok: boolean })[] {
  const calls: (LookCall & { ok: boolean })[] = [];
  for (const step of trajectory.steps) {
    if (step.action?.kind === 'call' && step.result) calls.push({ tool: step.action.tool, arguments: step.action.arguments, output: step.result.output, ok: step.result.ok });
  }
  return calls;
}

/**
 * Whether a change `call` (after `before`, the successful calls) is allowed: right after a look of one of
 * `looks` on a path it shares, or on a path an earlier change already touched. `changes` tells which
 * earlier calls changed something.
 */
export function lookSatisfied(call: Pick<LookCall, 'arguments'>, before: readonly LookCall[], looks: readonly string[], changes: (call: LookCall) => boolean): boolean {
  const previous = before.at(-1);
  if (previous && sharePath(previous.arguments, call.arguments) && lookKinds(previous).some((kind) => looks.includes(kind))) return true;
  return before.some((earlier) => changes(earlier) && shareName(earlier.arguments, call.arguments));
}

/**
 * Rules from the calls failed `policy:*` checks name ("call 2 (tool) ..."). For each named call, the most
 * general of its features (tool; command word; command with flag or redirection) that every successful
 * train call with it satisfies (a look of a kind seen before it, or an earlier change on its path), and
 * that the named call breaks. Returns nothing unless a rule blocks at least one named call; then features
 * the written `rules` mention are added when every successful call with them satisfies them.
 */
export function mineLookRules(train: readonly Trajectory[], tools: readonly ToolSchema[], options: { rules?: string } = {}): LookRule[] {
  const readOnly = new Set(tools.filter((tool) => tool.readOnly).map((tool) => tool.name));
  const named: { call: LookCall; before: LookCall[] }[] = [];
  for (const trajectory of train) {
    if (trajectory.success) continue;
    const ran = ranCalls(trajectory);
    for (const check of trajectory.verification.checks) {
      if (check.passed || !check.name.startsWith('policy:')) continue;
      for (const match of (check.detail ?? '').matchAll(/\bcall (\d+) \(([\w.-]+)\)/g)) {
        const index = Number(match[1]) - 1;
        const call = ran[index];
        if (!call || call.tool !== match[2]) continue;
        const before = ran.slice(0, index).filter((earlier) => earlier.ok);
        named.push({ call, before });
      }
    }
  }
  if (named.length === 0) return [];
  const good = train.filter((trajectory) => trajectory.success).map(successfulLookCalls);
  const commandTools = commandToolsOf(train, readOnly);
  const rules = new Map<string, LookRule>();
  for (const { call, before } of named) {
    const features = callFeatures(call.tool, call.arguments);
    const levels = [features.filter((feature) => feature === call.tool), features.filter((feature) => feature.includes(':') && !feature.includes(' ') && !feature.endsWith(':>')), features.filter((feature) => feature.includes(' ') || feature.endsWith(':>'))];
    for (const level of levels) {
      const found = level.map((feature) => rules.get(feature) ?? learnRule(feature, good, readOnly, commandTools)).filter((rule): rule is LookRule => rule !== null);
      const blocking = found.filter((rule) => !lookSatisfied(call, before, rule.looks, changesBy([rule], readOnly, commandTools)));
      if (blocking.length === 0) continue;
      for (const rule of blocking) rules.set(rule.feature, rule);
      break;
    }
  }
  // The written rules may name more kinds of change than the failures showed: a flag or redirection of a
  // successful call that the rules mention, and that every successful call with it satisfies.
  const rulesText = options.rules ?? '';
  if (rules.size > 0 && rulesText !== '') {
    const seen = new Set(good.flat().flatMap((call) => callFeatures(call.tool, call.arguments)));
    for (const feature of [...seen].sort()) {
      // Only a flag or a redirection: rules list plain command words for many other reasons.
      if (!(feature.includes(' ') || feature.endsWith(':>')) || rules.has(feature) || !mentioned(rulesText, feature.slice(feature.indexOf(':') + 1))) continue;
      const rule = learnRule(feature, good, readOnly, commandTools);
      if (rule) rules.set(feature, rule);
    }
  }
  return [...rules.values()].sort((a, b) => a.feature.localeCompare(b.feature));
}

/** Whether the text names `word` on its own (`find -delete`, `>`, `chmod`), not inside another word. */
export function mentioned(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s\`'"(])${escaped}($|[\\s\`'",.;:)])`).test(text);
}

/**
 * Write tools that some successful episode opened with: no look came before them, so a call of one is not
 * a change as such (a command line, say); only its features can tell.
 */
export function commandToolsOf(train: readonly Trajectory[], readOnly: ReadonlySet<string>): string[] {
  const tools = new Set<string>();
  for (const trajectory of train) {
    const first = trajectory.success ? successfulLookCalls(trajectory)[0] : undefined;
    if (first && !readOnly.has(first.tool)) tools.add(first.tool);
  }
  return [...tools].sort();
}

/** A call changed something: it has a rule's feature, or it is a write of a tool that is not a command tool. */
export function changesBy(rules: readonly Pick<LookRule, 'feature'>[], readOnly: ReadonlySet<string>, commandTools: readonly string[]): (call: Pick<LookCall, 'tool' | 'arguments'>) => boolean {
  const features = new Set(rules.map((rule) => rule.feature));
  return (call) => callFeatures(call.tool, call.arguments).some((feature) => features.has(feature)) || (!readOnly.has(call.tool) && !commandTools.includes(call.tool));
}

/** The rule for one feature, if every successful call with it came right after a look or an earlier change on its path. */
export function learnRule(feature: string, good: readonly LookCall[][], readOnly: ReadonlySet<string>, commandTools: readonly string[]): LookRule | null {
  const changes = changesBy([{ feature }], readOnly, commandTools);
  const kinds = new Map<string, { tasks: number; tool: string; key: string; command?: string; whole: boolean }>();
  let support = 0;
  for (const calls of good) {
    const seen = new Set<string>();
    for (const [index, call] of calls.entries()) {
      if (!callFeatures(call.tool, call.arguments).includes(feature)) continue;
      support += 1;
      const before = calls.slice(0, index);
      if (before.some((earlier) => changes(earlier) && shareName(earlier.arguments, call.arguments))) continue;
      const previous = before.at(-1);
      // A successful call with the feature and no look before it: the feature does not mark a change.
      if (!previous || changes(previous) || !sharePath(previous.arguments, call.arguments)) return null;
      for (const kind of lookKinds(previous)) {
        if (kind === previous.tool && !readOnly.has(previous.tool) && lookKinds(previous).length > 1) continue;
        const entry = kinds.get(kind) ?? { tasks: 0, ...suggestion(previous, call) };
        if (!seen.has(kind)) entry.tasks += 1;
        seen.add(kind);
        kinds.set(kind, entry);
      }
    }
  }
  if (support === 0 || kinds.size === 0) return null;
  const ranked = [...kinds.entries()].sort((a, b) => b[1].tasks - a[1].tasks || a[0].localeCompare(b[0]));
  const { tool, key, command, whole } = ranked[0]![1];
  return { feature, looks: ranked.map(([kind]) => kind).sort(), suggest: { tool, key, ...(command === undefined ? {} : { command }), whole }, support };
}

/** How a look named the path of the change that followed: its argument key, its command word, and whether it named an absolute argument of the change as is (a file edited, the folder a command ran in). */
function suggestion(look: LookCall, change: LookCall): { tool: string; key: string; command?: string; whole: boolean } {
  const folders = Object.values(change.arguments).filter((value): value is string => typeof value === 'string' && value.startsWith('/') && !/\s/.test(value));
  for (const [key, value] of Object.entries(look.arguments)) {
    if (typeof value !== 'string') continue;
    if (/\s/.test(value.trim())) {
      const command = value.trim().split(/\s+/)[0]!;
      return { tool: look.tool, key, command, whole: false };
    }
    return { tool: look.tool, key, whole: folders.includes(value.replace(/\/+$/, '')) };
  }
  return { tool: look.tool, key: '', whole: false };
}
