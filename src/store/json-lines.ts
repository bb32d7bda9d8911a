/**
 * Append-only JSON-lines files (trajectories, journals). A kill mid-append leaves a torn last line:
 * readers skip it, writers cut it off before appending; a bad line anywhere else is an error.
 */
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { BridleError } from '../errors.ts';

/** Parse every line with `parse`; a torn last line is ignored. */
export function readJsonLines<T>(path: string, parse: (value: unknown) => T): T[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const items: T[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (index >= lines.length - 2) return; // torn last line: the writer was killed mid-append
      throw new BridleError('INVALID_ARGUMENT', `${path}:${index + 1} is not JSON`, { cause: error });
    }
    items.push(parse(value));
  });
  return items;
}

/** Cut off a torn last line (no trailing newline) so that the next append starts on a fresh line. */
export function dropTornLine(path: string): void {
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  if (text.length === 0 || text.endsWith('\n')) return;
  truncateSync(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
}
