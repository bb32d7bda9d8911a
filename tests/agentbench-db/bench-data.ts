/**
 * Where the tests find third-party benchmark data: `BRIDLE_BENCH_DATA`, or the first `shared/bench-data`
 * folder above this repository (the layout the team and CI use). Never copied into the repository.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bench-data folder, or null when there is none (tests then skip with one line). */
export function benchDataFolder(): string | null {
  const configured = process.env.BRIDLE_BENCH_DATA;
  if (configured !== undefined && configured !== '') return existsSync(configured) ? resolve(configured) : null;
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, 'shared', 'bench-data');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

/** The one line a skipped suite says. */
export const NO_BENCH_DATA = 'skipped: no benchmark data (set BRIDLE_BENCH_DATA, or put shared/bench-data in a folder above the repository)';
