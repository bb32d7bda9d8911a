/**
 * What the agent reads back from a command: its output, cut to a readable size, and on failure a first
 * line that says the exit status and what kind of failure it was (the line failure mining groups by),
 * followed by what the shell printed, unchanged.
 */
import type { ToolResult } from '../../src/toolkit/index.ts';
import type { CommandOutcome } from './machine.ts';

/** Longest stdout shown, in lines and characters; the rest is cut with a note saying so. */
export const MAX_OUTPUT_LINES = 100;
export const MAX_OUTPUT_CHARS = 4000;
const MAX_ERROR_CHARS = 1500;

/** Cut a text to the limits, saying how much was left out and how to see less at once. */
export function truncate(text: string, maxLines = MAX_OUTPUT_LINES, maxChars = MAX_OUTPUT_CHARS): string {
  if (text === '') return '';
  const whole = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = whole.split('\n');
  let shown = lines.slice(0, maxLines).join('\n');
  if (shown.length > maxChars) {
    shown = shown.slice(0, maxChars);
    const lastBreak = shown.lastIndexOf('\n');
    if (lastBreak > 0) shown = shown.slice(0, lastBreak);
  }
  if (shown.length === whole.length) return whole;
  const shownLines = shown.split('\n').length;
  return `${shown}\n[output truncated: ${shownLines} of ${lines.length} line(s) shown; narrow it down with head, tail, grep or wc]`;
}

const FAILURE_KINDS: readonly [RegExp, string][] = [
  [/command not found|command not available/, 'command not found'],
  [/syntax error|unexpected EOF|unexpected token|unterminated|bad substitution/i, 'syntax error'],
  [/invalid option|unrecognized option|unknown option|invalid argument|unknown predicate|missing operand|missing argument|requires an argument|usage:/i, 'invalid usage'],
  [/No such file or directory|cannot access|not found/i, 'no such file or directory'],
  [/Permission denied|Operation not permitted|Read-only file system/i, 'permission denied'],
  [/Is a directory|Not a directory|File exists|Directory not empty/i, 'wrong file type'],
  [/timed out|too many|limit exceeded|maximum/i, 'resource limit'],
];

/** The kind of a failed command, from what it printed on stderr (empty when nothing is recognised). */
export function failureKind(outcome: CommandOutcome): string {
  for (const [pattern, kind] of FAILURE_KINDS) if (pattern.test(outcome.stderr)) return kind;
  return '';
}

/** The tool result of a command: ok exactly when it exited with status 0. */
export function formatOutcome(outcome: CommandOutcome): ToolResult {
  const stdout = truncate(outcome.stdout);
  const stderr = truncate(outcome.stderr, 30, MAX_ERROR_CHARS);
  if (outcome.exitCode === 0) {
    const parts = [stdout, stderr === '' ? '' : `[stderr]\n${stderr}`].filter((part) => part !== '');
    return { ok: true, output: parts.length > 0 ? parts.join('\n') : '(no output)' };
  }
  const kind = failureKind(outcome);
  const header = `Error: exit status ${outcome.exitCode}${kind === '' ? '' : ` (${kind})`}`;
  const parts = [header, stdout === '' ? '' : `[stdout]\n${stdout}`, stderr === '' ? '' : `[stderr]\n${stderr}`].filter((part) => part !== '');
  return { ok: false, output: parts.join('\n') };
}
