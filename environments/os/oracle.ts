/**
 * The oracle: the correct remaining plan from whatever state the machine is in.
 *
 * - Reads of the gold plan remain until they have succeeded once (same tool, same command).
 * - A question: put back any file the agent changed, then read, then answer.
 * - A change or a script: done when the goal holds. Otherwise the shortest tail of the gold changes that
 *   reaches the goal from here, found by running it on a copy of the machine (so a half-done job resumes
 *   where it stands, and an idempotent command is simply run again). When no tail reaches the goal (the
 *   agent broke something the gold commands do not touch), a repair: remove what should not be there,
 *   recreate what is missing, fix modes, each as an explicit command or write_file.
 */
import { callStep, canonicalEqual, finishStep, hashOf, type CallRecord, type OracleStep, type ToolRunner } from '../../src/toolkit/index.ts';
import type { Machine } from './machine.ts';
import type { Shell } from './shell.ts';
import { bashStep, shellQuote, type OsTask } from './task.ts';
import { viewOf, type ViewEntry } from './tree.ts';
import { runCase, treeDifferences } from './verify.ts';

/**
 * Remembers which gold tail reaches the goal from which state, and whether a script passes its tests:
 * both cost shell runs, and the oracle is asked at every step.
 */
export type TailCache = Map<string, number>;

/** What the oracle works with: the shell, the environment's tools (to try plans on copies), a cache. */
export interface OracleContext {
  shell: Shell;
  runner: ToolRunner<Machine>;
  cache: TailCache;
}

const MAX_CACHE = 5000;

/** True when a successful call is the plan step's read (a bash command compared with runs of white space collapsed). */
function sameRead(call: CallRecord, step: OracleStep): boolean {
  if (step.action.kind !== 'call' || call.tool !== step.action.tool || !call.result.ok) return false;
  if (call.tool !== 'bash') return canonicalEqual(call.args, step.action.arguments);
  const squash = (value: unknown) => String(value ?? '').trim().replace(/\s+/g, ' ');
  return squash(call.args.command) === squash(step.action.arguments.command) && squash(call.args.workdir) === squash(step.action.arguments.workdir);
}

/** True when the machine meets the goal of a task (a question's goal: every file as it was). */
export function goalHolds(task: OsTask, machine: Machine, shell: Shell, cache: TailCache): boolean {
  const goal = task.goal;
  if (goal.kind === 'answer') return treeDifferences(viewOf(machine.files), viewOf(task.world)).length === 0;
  if (goal.kind === 'state') return treeDifferences(viewOf(machine.files), goal.expected).length === 0;
  const script = machine.files[goal.path];
  if (script?.type !== 'file' || (script.mode & 0o100) === 0) return false;
  const key = `${task.id}:script:${hashOf(script.content)}`;
  const known = cache.get(key);
  if (known !== undefined) return known === 1;
  const passes = goal.cases.every((testCase) => runCase({ task, shell }, goal.path, script, testCase) === null);
  remember(cache, key, passes ? 1 : 0);
  return passes;
}

function remember(cache: TailCache, key: string, value: number): void {
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(key, value);
}

/** Run the calls of a plan on a copy of the machine, through the environment's own tools. */
function simulate(machine: Machine, steps: readonly OracleStep[], runner: ToolRunner<Machine>): Machine {
  const copy: Machine = structuredClone(machine);
  for (const step of steps) if (step.action.kind === 'call') runner.run(copy, step.action.tool, step.action.arguments);
  return copy;
}

/** A gold change: a write, and the dry run the rules require right before it when it is destructive. */
interface Change {
  confirm?: OracleStep;
  write: OracleStep;
}

function changesOf(task: OsTask): Change[] {
  const changes: Change[] = [];
  let confirm: OracleStep | undefined;
  for (const step of task.writes) {
    if (step.purpose === 'confirm') confirm = step;
    else {
      changes.push({ ...(confirm ? { confirm } : {}), write: step });
      confirm = undefined;
    }
  }
  return changes;
}

/** The steps of a tail of changes; a dry run the agent has just done (its last call) is not asked again. */
function stepsOf(changes: readonly Change[], calls: readonly CallRecord[]): OracleStep[] {
  const last = calls.at(-1);
  return changes.flatMap((change, index) => [
    ...(change.confirm && !(index === 0 && last && sameRead(last, change.confirm)) ? [change.confirm] : []),
    change.write,
  ]);
}

/** The remaining plan for a task from the machine as it is, given the calls made so far. */
export function remainingPlan(task: OsTask, machine: Machine, calls: readonly CallRecord[], context: OracleContext): OracleStep[] {
  const { shell, cache } = context;
  const reads = task.inspects.filter((step) => !calls.some((call) => sameRead(call, step)));
  const finish = finishStep(task.finalMessage);
  if (task.goal.kind === 'answer') {
    const restore = goalHolds(task, machine, shell, cache) ? [] : repair(machine, viewOf(task.world), calls);
    return [...restore, ...reads, finish];
  }
  if (goalHolds(task, machine, shell, cache)) return [finish];
  const changes = changesOf(task);
  const start = tailReachingGoal(task, changes, machine, context);
  if (start !== null) return [...reads, ...stepsOf(changes.slice(start), calls), finish];
  if (task.goal.kind === 'state') return [...repair(machine, task.goal.expected, calls), finish];
  // A script task with every gold tail failing: the gold plan writes the whole script again, so what is
  // left to clear is whatever stands in its way (a directory at its path, a file where a parent should be).
  const path = task.goal.path;
  const parts = path.split('/').filter(Boolean);
  const parents = parts.slice(0, -1).map((_, index) => `/${parts.slice(0, index + 1).join('/')}`);
  const blocking = [...parents.filter((parent) => machine.files[parent] && machine.files[parent]!.type !== 'directory'), ...(machine.files[path] && machine.files[path]!.type !== 'file' ? [path] : [])];
  const clear = blocking.length > 0 ? [bashStep(`ls -d ${blocking.map(shellQuote).join(' ')}`, 'confirm'), bashStep(`rm -rf ${blocking.map(shellQuote).join(' ')}`, 'write')] : [];
  return [...clear, ...stepsOf(changes, blocking.length > 0 ? [] : calls), finish];
}

/** The index of the shortest tail of the gold changes that reaches the goal from here, or null. */
function tailReachingGoal(task: OsTask, changes: readonly Change[], machine: Machine, context: OracleContext): number | null {
  const { shell, runner, cache } = context;
  const view = viewOf(machine.files);
  // From the untouched tree it is the whole gold plan (the tests check that it reaches the goal).
  if (treeDifferences(view, viewOf(task.world)).length === 0) return 0;
  const key = `${task.id}:tail:${hashOf({ view, cwd: machine.cwd })}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached < 0 ? null : cached;
  let found = -1;
  for (let start = changes.length - 1; start >= 0; start--) {
    if (goalHolds(task, simulate(machine, changes.slice(start).map((change) => change.write), runner), shell, cache)) {
      found = start;
      break;
    }
  }
  remember(cache, key, found);
  return found < 0 ? null : found;
}

/**
 * Explicit steps from one tree to another: remove what is extra (outermost paths only), create missing
 * directories, write files whose content differs, then fix modes.
 */
export function repair(machine: Machine, target: Record<string, ViewEntry>, calls: readonly CallRecord[] = []): OracleStep[] {
  const current = viewOf(machine.files);
  const steps: OracleStep[] = [];
  const extra = Object.keys(current)
    .filter((path) => !(path in target) || current[path]!.type !== target[path]!.type)
    .sort();
  const outermost = extra.filter((path) => !extra.some((other) => other !== path && path.startsWith(`${other}/`)));
  if (outermost.length > 0) {
    const paths = outermost.map(shellQuote).join(' ');
    steps.push(bashStep(`ls -d ${paths}`, 'confirm'), bashStep(`rm -rf ${paths}`, 'write'));
  }
  const missingDirectories = Object.keys(target)
    .filter((path) => target[path]!.type === 'directory' && (!(path in current) || current[path]!.type !== 'directory'))
    .sort();
  if (missingDirectories.length > 0) steps.push(bashStep(`mkdir -p ${missingDirectories.map(shellQuote).join(' ')}`, 'write'));
  const modes = new Map<number, string[]>();
  for (const path of Object.keys(target).sort()) {
    const wanted = target[path]!;
    const present = outermost.some((removed) => path === removed || path.startsWith(`${removed}/`)) ? undefined : current[path];
    if (wanted.type === 'file') {
      if (present?.type !== 'file' || present.content !== wanted.content || present.encoding !== wanted.encoding) {
        // Rewriting an existing file is destructive: look at it right before.
        if (present?.type === 'file') steps.push(callStep('read_file', { path }, 'confirm'));
        steps.push(callStep('write_file', { path, content: wanted.content }, 'write'));
        if (wanted.mode !== (present?.type === 'file' ? present.mode : 0o644)) modes.set(wanted.mode, [...(modes.get(wanted.mode) ?? []), path]);
        continue;
      }
    } else if (wanted.type === 'symlink') {
      if (present?.type !== 'symlink' || present.target !== wanted.target) steps.push(bashStep(`ln -sfn ${shellQuote(wanted.target)} ${shellQuote(path)}`, 'write'));
      continue;
    }
    const mode = present && present.type !== 'symlink' ? present.mode : 0o755;
    if (wanted.mode !== mode) modes.set(wanted.mode, [...(modes.get(wanted.mode) ?? []), path]);
  }
  for (const [mode, paths] of [...modes].sort((a, b) => a[0] - b[0])) {
    const quoted = paths.map(shellQuote).join(' ');
    steps.push(bashStep(`stat -c '%a %n' ${quoted}`, 'confirm'), bashStep(`chmod ${mode.toString(8)} ${quoted}`, 'write'));
  }
  // A dry run the agent has just done is not asked again.
  const last = calls.at(-1);
  return steps[0] && last && steps[0].purpose === 'confirm' && sameRead(last, steps[0]) ? steps.slice(1) : steps;
}

