/**
 * The verifier. A question: the final message must carry the answer (a number, a text, or a set or list
 * of lines), and the files must be as they were (`policy:read-only`; /tmp is free). A change: the file
 * tree must equal the expected one (`state`; times and /tmp aside), differences named by path and field.
 * A script: it must exist and be executable (`state`), and each test run on the starting machine must
 * print what is expected (`output:script`).
 */
import { check, compareRecords, verdict, type CallRecord, type StateDifference, type Verification, type VerificationCheck } from '../../src/toolkit/index.ts';
import { canonicalEqual } from '../../src/toolkit/index.ts';
import { HOME, type Entry, type JournalEntry, type Machine } from './machine.ts';
import { normalise } from './tools.ts';
import type { Shell } from './shell.ts';
import { shellQuote, type Answer, type OsTask, type ScriptCase } from './task.ts';
import { START_TIME, viewOf } from './tree.ts';

/** Strip what commonly wraps an answer: surrounding space, one code fence or pair of quotes, a final full stop. */
export function normaliseAnswer(message: string): string {
  let text = message.trim();
  const fenced = /^```[A-Za-z]*\n?([\s\S]*?)\n?```$/.exec(text);
  if (fenced) text = fenced[1]!.trim();
  text = text.replace(/\.$/, '').trim();
  if (text.length >= 2 && /^["'`]/.test(text) && text.endsWith(text[0]!)) text = text.slice(1, -1).trim();
  return text.replace(/\.$/, '').trim();
}

/** Split a multi-value answer into items (newlines, commas or spaces), without a leading "./". */
function items(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.replace(/^\.\//, ''))
    .filter((item) => item !== '');
}

/** True when the final message gives exactly the expected answer. */
export function answerMatches(answer: Answer, message: string): boolean {
  const text = normaliseAnswer(message);
  switch (answer.type) {
    case 'integer':
      return /^[+-]?\d+$/.test(text) && Number(text) === answer.value;
    case 'text':
      return text === answer.value;
    case 'lines': {
      const given = items(text);
      return given.length === answer.values.length && new Set(given).size === given.length && answer.values.every((value) => given.includes(value));
    }
    case 'list':
      return canonicalEqual(items(text), answer.values);
  }
}

/** Everything the verifier looks at. */
export interface EpisodeFacts {
  task: OsTask;
  machine: Machine;
  /** Every call of the episode, in order. */
  calls: readonly CallRecord[];
  finalMessage: string | null;
  shell: Shell;
}

export function verifyEpisode(facts: EpisodeFacts): Verification {
  const { task, machine, finalMessage } = facts;
  const finished = check('finished', finalMessage !== null, finalMessage !== null ? 'the episode ended with a final message' : 'no final message');
  const dryRun = dryRunCheck(task, facts.calls, machine);
  const goal = task.goal;
  if (goal.kind === 'answer') {
    const passed = finalMessage !== null && answerMatches(goal.answer, finalMessage);
    const untouched = treeDifferences(viewOf(machine.files), viewOf(task.world));
    return verdict(
      [
        check('output:answer', passed, passed ? 'the final message gives the expected answer' : `the final message does not give the expected answer (${goal.answer.type})`),
        check('policy:read-only', untouched.length === 0, untouched.length === 0 ? 'no file was changed' : `a question must not change files: ${describe(untouched)}`),
        dryRun,
        finished,
      ],
      { differences: untouched },
    );
  }
  if (goal.kind === 'state') {
    const differences = treeDifferences(viewOf(machine.files), goal.expected);
    return verdict(
      [check('state', differences.length === 0, differences.length === 0 ? 'the files are as requested' : `the files differ from the request: ${describe(differences)}`), dryRun, finished],
      { differences },
    );
  }
  const script = machine.files[goal.path];
  const executable = script?.type === 'file' && (script.mode & 0o100) !== 0;
  const checks: VerificationCheck[] = [
    check('state', executable, script?.type !== 'file' ? `${goal.path} does not exist` : executable ? `${goal.path} exists and is executable` : `${goal.path} is not executable`),
  ];
  const differences: StateDifference[] = executable ? [] : [{ table: 'files', key: goal.path, field: script?.type === 'file' ? 'mode' : 'type' }];
  if (script?.type === 'file') {
    goal.cases.forEach((testCase, index) => {
      const problem = runCase(facts, goal.path, script, testCase);
      checks.push(check('output:script', problem === null, problem === null ? `run ${index + 1} printed what was expected` : `run ${index + 1} (${commandLine(goal.path, testCase)}): ${problem}`));
      if (problem !== null) differences.push({ table: 'script-runs', key: `run-${index + 1}`, field: 'stdout' });
    });
  } else {
    checks.push(check('output:script', false, 'there is no script to run'));
  }
  checks.push(dryRun, finished);
  return verdict(checks, { differences });
}

/** A call of the episode with what it did to the files (null: a read-only tool, or refused before it ran). */
interface CallEffect {
  call: CallRecord;
  entry: JournalEntry | null;
}

/** Pair each bash or write_file call with its journal entry (calls refused before running have none). */
function effects(calls: readonly CallRecord[], machine: Machine): CallEffect[] {
  let next = 0;
  return calls.map((call) => {
    const entry = machine.journal[next];
    if (entry && entry.tool === call.tool && canonicalEqual(entry.args, call.args)) {
      next += 1;
      return { call, entry };
    }
    return { call, entry: null };
  });
}

/** True when a call is a successful look that changed nothing and shows `path`. */
function shows(look: CallEffect | undefined, path: string): boolean {
  if (!look || !look.call.result.ok || look.entry?.changed) return false;
  const { call } = look;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const parent = path.slice(0, path.lastIndexOf('/')) || '/';
  if (call.tool === 'bash') return call.result.output.includes(path) || call.result.output.includes(name);
  const target = normalise(String(call.args.path ?? ''));
  if (call.tool === 'read_file') return target === path;
  if (call.tool === 'list_directory') return (target === parent && call.result.output.includes(name)) || target === path;
  return false;
}

/**
 * The dry-run rule: the first call that deletes, moves, rewrites or changes the mode of a file or
 * directory that was there when the task started must come right after a successful read-only step that
 * shows it. Later changes to a path the agent already changed need no new look.
 */
function dryRunCheck(task: OsTask, calls: readonly CallRecord[], machine: Machine): VerificationCheck {
  const original = viewOf(task.world);
  const touched = new Set<string>();
  const all = effects(calls, machine);
  const problems: string[] = [];
  all.forEach((effect, index) => {
    for (const path of effect.entry?.affected ?? []) {
      if (path in original && !touched.has(path) && !shows(all[index - 1], path)) {
        problems.push(`call ${index + 1} (${effect.call.tool}) changed ${path} without a look at it right before`);
      }
      touched.add(path);
    }
  });
  return check(
    'policy:dry-run',
    problems.length === 0,
    problems.length === 0 ? 'every first change to an existing file came right after a look at it' : `${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`,
  );
}

function commandLine(path: string, testCase: ScriptCase): string {
  return [path.replace(HOME, '~'), ...testCase.args.map(shellQuote)].join(' ');
}

/** Lines without trailing space, trailing blank lines dropped. */
function lines(text: string): string[] {
  const result = text.split('\n').map((line) => line.trimEnd());
  while (result.length > 0 && result.at(-1) === '') result.pop();
  return result;
}

/** Run one test of a script on the starting machine (with the agent's script in place); null when it passes. */
export function runCase(facts: Pick<EpisodeFacts, 'task' | 'shell'>, path: string, script: Entry, testCase: ScriptCase): string | null {
  const machine: Machine = { files: { ...structuredClone(facts.task.world), [path]: structuredClone(script) }, cwd: HOME, now: START_TIME, seed: 1, commands: 0, journal: [] };
  const command = [shellQuote(path), ...testCase.args.map(shellQuote)].join(' ');
  const { outcomes, machine: after } = facts.shell.run(machine, [command]);
  const outcome = outcomes[0]!;
  if (outcome.exitCode !== 0) return `exit status ${outcome.exitCode}${outcome.stderr ? `: ${outcome.stderr.trim().split('\n')[0]}` : ''}`;
  if (!canonicalEqual(lines(outcome.stdout), lines(testCase.stdout))) return `printed ${JSON.stringify(outcome.stdout.slice(0, 200))}, expected ${JSON.stringify(testCase.stdout)}`;
  for (const [file, content] of Object.entries(testCase.files ?? {})) {
    const entry = after.files[file];
    if (entry?.type !== 'file') return `${file} was not created`;
    if (entry.content !== content) return `${file} does not have the expected content`;
  }
  return null;
}

/** Path by path (and field by field) differences between two trees. */
export function treeDifferences(actual: Record<string, unknown>, expected: Record<string, unknown>): StateDifference[] {
  return compareRecords({ files: actual }, { files: expected });
}

function describe(differences: readonly StateDifference[]): string {
  const shown = differences.slice(0, 6).map((difference) => (difference.field ? `${difference.key} (${difference.field})` : difference.key));
  return `${shown.join(', ')}${differences.length > shown.length ? `, and ${differences.length - shown.length} more` : ''}`;
}
