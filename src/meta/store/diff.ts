/**
 * A unified diff between two harnesses (module files by name), for engineers reading what an earlier
 * candidate changed. Modules are small (a few hundred lines), so a plain longest-common-subsequence over
 * lines is fast enough and needs no dependency.
 */
import type { HarnessFile } from '../../store/harness-files.ts';

const CONTEXT = 3;

type Edit = { kind: ' ' | '-' | '+'; line: string };

/** Line edits turning `before` into `after` (LCS, ties prefer deletions first). */
function lineEdits(before: readonly string[], after: readonly string[]): Edit[] {
  const rows = before.length;
  const columns = after.length;
  // lengths[i][j]: LCS length of before[i..] and after[j..], one flat array.
  const lengths = new Uint32Array((rows + 1) * (columns + 1));
  const at = (i: number, j: number) => i * (columns + 1) + j;
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = columns - 1; j >= 0; j--) {
      lengths[at(i, j)] = before[i] === after[j] ? lengths[at(i + 1, j + 1)]! + 1 : Math.max(lengths[at(i + 1, j)]!, lengths[at(i, j + 1)]!);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < columns) {
    if (i < rows && j < columns && before[i] === after[j]) {
      edits.push({ kind: ' ', line: before[i]! });
      i++;
      j++;
    } else if (j >= columns || (i < rows && lengths[at(i + 1, j)]! >= lengths[at(i, j + 1)]!)) {
      edits.push({ kind: '-', line: before[i]! });
      i++;
    } else {
      edits.push({ kind: '+', line: after[j]! });
      j++;
    }
  }
  return edits;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The hunks of one file's diff, `@@ -a,b +c,d @@` headed; empty when nothing changed. */
export function diffText(before: string, after: string): string[] {
  const edits = lineEdits(splitLines(before), splitLines(after));
  const changed = edits.map((edit, index) => (edit.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return [];
  // Group changes whose context windows touch into one hunk.
  const hunks: { from: number; to: number }[] = [];
  for (const index of changed) {
    const from = Math.max(0, index - CONTEXT);
    const to = Math.min(edits.length - 1, index + CONTEXT);
    const last = hunks.at(-1);
    if (last && from <= last.to + 1) last.to = to;
    else hunks.push({ from, to });
  }
  const lines: string[] = [];
  for (const hunk of hunks) {
    let oldStart = 1;
    let newStart = 1;
    for (const edit of edits.slice(0, hunk.from)) {
      if (edit.kind !== '+') oldStart++;
      if (edit.kind !== '-') newStart++;
    }
    const body = edits.slice(hunk.from, hunk.to + 1);
    const oldCount = body.filter((edit) => edit.kind !== '+').length;
    const newCount = body.filter((edit) => edit.kind !== '-').length;
    lines.push(`@@ -${oldCount === 0 ? oldStart - 1 : oldStart},${oldCount} +${newCount === 0 ? newStart - 1 : newStart},${newCount} @@`);
    for (const edit of body) lines.push(`${edit.kind}${edit.line}`);
  }
  return lines;
}

/** A unified diff of two harnesses' module files (added, changed and removed files), in file-name order. */
export function diffHarness(before: readonly HarnessFile[], after: readonly HarnessFile[]): string {
  const old = new Map(before.map((file) => [file.file, file.source]));
  const next = new Map(after.map((file) => [file.file, file.source]));
  const names = [...new Set([...old.keys(), ...next.keys()])].sort();
  const out: string[] = [];
  for (const name of names) {
    const a = old.get(name);
    const b = next.get(name);
    if (a === b) continue;
    const hunks = diffText(a ?? '', b ?? '');
    if (hunks.length === 0) continue;
    out.push(`--- ${a === undefined ? '/dev/null' : `a/${name}`}`, `+++ ${b === undefined ? '/dev/null' : `b/${name}`}`, ...hunks);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
