/**
 * How an ordered list of modules folds into one harness, hook by hook.
 *
 * This file is the single definition of the fold: the in-process runner calls it directly and the
 * isolate prelude embeds its compiled JavaScript, so both runners behave identically. It must therefore
 * stay self-contained: type-only imports, no Node APIs, no closures over host state.
 */
import type {
  Action,
  Candidate,
  Draft,
  HarnessModule,
  JsonObject,
  Outcome,
  Prompt,
  RegulateVerdict,
  View,
} from './api.ts';

/** The folded answer of `realize`. */
export type RealizeFold =
  | { kind: 'action'; action: Action }
  | { kind: 'reject'; feedback: string }
  | { kind: 'resample'; count: number };

/** The folded answer of `regulate` (null: continue). */
export type RegulateFold = RegulateVerdict | null;

/** Every folded hook answer carries the names of the modules whose hook returned something. */
export interface Folded<T> {
  value: T;
  fired: string[];
}

/** Thrown when a module's hook returns something the API does not allow. */
export class HookResultError extends Error {
  constructor(
    readonly module: string,
    readonly hook: string,
    detail: string,
  ) {
    super(`module "${module}" ${hook} returned ${detail}`);
    this.name = 'HookResultError';
  }
}

const MAX_RESAMPLE = 8;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkAction(value: unknown, module: string, hook: string): Action {
  if (isRecord(value)) {
    if (value.kind === 'finish' && typeof value.message === 'string') {
      return { kind: 'finish', message: value.message };
    }
    if (value.kind === 'call' && typeof value.tool === 'string' && isRecord(value.arguments)) {
      return { kind: 'call', tool: value.tool, arguments: value.arguments as JsonObject };
    }
  }
  throw new HookResultError(module, hook, 'an action that is neither {kind:"call",tool,arguments} nor {kind:"finish",message}');
}

function checkString(value: unknown, module: string, hook: string, what: string): string {
  if (typeof value !== 'string') throw new HookResultError(module, hook, `${what} that is not a string`);
  return value;
}

function checkCount(value: unknown, module: string, hook: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new HookResultError(module, hook, 'a resample count that is not a positive integer');
  }
  return Math.min(value, MAX_RESAMPLE);
}

/** prepare: each module may rewrite the prompt; later modules see earlier rewrites. */
export function foldPrepare(modules: readonly HarnessModule[], prompt: Prompt, view: View): Folded<Prompt> {
  let current = prompt;
  const fired: string[] = [];
  for (const module of modules) {
    if (!module.prepare) continue;
    const out = module.prepare({ ...current }, view);
    if (out === undefined || out === null) continue;
    if (!isRecord(out)) throw new HookResultError(module.name, 'prepare', 'something that is not a prompt');
    current = {
      system: checkString(out.system ?? current.system, module.name, 'prepare', 'a system text'),
      observation: checkString(out.observation ?? current.observation, module.name, 'prepare', 'an observation'),
    };
    fired.push(module.name);
  }
  return { value: current, fired };
}

/**
 * realize: the draft starts as the strict default parse; each module may replace its action, reject the
 * output (ends the chain), or ask for samples (ends the chain). With no action at the end, the output is
 * rejected with the draft's error.
 */
export function foldRealize(
  modules: readonly HarnessModule[],
  draft: Draft,
  view: View,
  allowResample: boolean,
): Folded<RealizeFold> {
  let current = draft;
  const fired: string[] = [];
  for (const module of modules) {
    if (!module.realize) continue;
    const out = module.realize({ ...current }, view);
    if (out === undefined || out === null) continue;
    if (!isRecord(out)) throw new HookResultError(module.name, 'realize', 'something that is not a verdict');
    fired.push(module.name);
    if ('reject' in out) {
      return { value: { kind: 'reject', feedback: checkString(out.reject, module.name, 'realize', 'a rejection') }, fired };
    }
    if ('resample' in out) {
      const count = checkCount(out.resample, module.name, 'realize');
      if (allowResample && count > 1) return { value: { kind: 'resample', count }, fired };
      fired.pop();
      continue;
    }
    if ('action' in out) {
      current = { raw: current.raw, action: checkAction(out.action, module.name, 'realize') };
      continue;
    }
    throw new HookResultError(module.name, 'realize', 'a verdict without action, reject or resample');
  }
  return { value: defaultRealize(current), fired };
}

/** Without (further) realize modules: the draft's action, or a rejection with its error. */
export function defaultRealize(draft: Draft): RealizeFold {
  return draft.action ? { kind: 'action', action: draft.action } : { kind: 'reject', feedback: draft.error ?? 'The output is not a valid action.' };
}

/** rank: the first module that names a valid candidate index decides; otherwise the default applies. */
export function foldRank(modules: readonly HarnessModule[], candidates: Candidate[], view: View): Folded<number> {
  for (const module of modules) {
    if (!module.rank) continue;
    const out = module.rank(candidates.map((candidate) => ({ ...candidate })), view);
    if (out === undefined || out === null) continue;
    if (typeof out !== 'number' || !candidates.some((candidate) => candidate.index === out)) {
      throw new HookResultError(module.name, 'rank', 'an index that is not one of the candidates');
    }
    return { value: out, fired: [module.name] };
  }
  return { value: defaultRank(candidates), fired: [] };
}

/** Without a ranking module: the first sample that realized and was not blocked, else the first sample. */
export function defaultRank(candidates: readonly Candidate[]): number {
  const usable = candidates.find((candidate) => candidate.action && !candidate.blocked && !candidate.rejection);
  return (usable ?? candidates[0])?.index ?? 0;
}

/** guard: the first module that blocks decides. */
export function foldGuard(modules: readonly HarnessModule[], action: Action, view: View): Folded<string | null> {
  for (const module of modules) {
    if (!module.guard) continue;
    const out = module.guard(structuredCloneAction(action), view);
    if (out === undefined || out === null) continue;
    if (!isRecord(out) || !('block' in out)) throw new HookResultError(module.name, 'guard', 'something that is not {block}');
    return { value: checkString(out.block, module.name, 'guard', 'a block reason'), fired: [module.name] };
  }
  return { value: null, fired: [] };
}

/** interpret: each module may rewrite the feedback text; later modules see earlier rewrites. */
export function foldInterpret(modules: readonly HarnessModule[], outcome: Outcome, view: View): Folded<string> {
  let text = outcome.text;
  const fired: string[] = [];
  for (const module of modules) {
    if (!module.interpret) continue;
    const out = module.interpret({ ...outcome, text }, view);
    if (out === undefined || out === null) continue;
    text = checkString(out, module.name, 'interpret', 'feedback');
    fired.push(module.name);
  }
  return { value: text, fired };
}

/** regulate: the first module that returns a verdict decides. */
export function foldRegulate(modules: readonly HarnessModule[], view: View): Folded<RegulateFold> {
  for (const module of modules) {
    if (!module.regulate) continue;
    const out = module.regulate(view);
    if (out === undefined || out === null) continue;
    if (!isRecord(out)) throw new HookResultError(module.name, 'regulate', 'something that is not a verdict');
    if ('stop' in out) return { value: { stop: checkString(out.stop, module.name, 'regulate', 'a stop reason') }, fired: [module.name] };
    if ('inject' in out) return { value: { inject: checkString(out.inject, module.name, 'regulate', 'an injected message') }, fired: [module.name] };
    if ('resample' in out) return { value: { resample: checkCount(out.resample, module.name, 'regulate') }, fired: [module.name] };
    throw new HookResultError(module.name, 'regulate', 'a verdict without stop, inject or resample');
  }
  return { value: null, fired: [] };
}

function structuredCloneAction(action: Action): Action {
  return JSON.parse(JSON.stringify(action)) as Action;
}
