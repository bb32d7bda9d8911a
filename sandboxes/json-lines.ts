/** Reading the JSON-lines pipes a worker writes to its parent (reports, runner messages). */
import type { Readable } from 'node:stream';

/** Calls `onLine` with each complete JSON object line of `stream`; torn or non-object lines are skipped. */
export function readJsonLines(stream: Readable | null, onLine: (line: Record<string, unknown>) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) onLine(parsed as Record<string, unknown>);
      } catch {
        // A torn line: ignore it.
      }
    }
  });
  stream.on('error', () => {});
}
