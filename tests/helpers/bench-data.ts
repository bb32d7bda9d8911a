/**
 * Where the third-party benchmark data is: `BRIDLE_BENCH_DATA`, else the nearest `shared/bench-data`
 * folder above the repository (../shared/bench-data from the main checkout). Suites that need it skip,
 * with one line saying why, when it is absent.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

function findBenchData(): string | undefined {
  const fromEnvironment = process.env.BRIDLE_BENCH_DATA;
  if (fromEnvironment) return existsSync(fromEnvironment) ? resolve(fromEnvironment) : undefined;
  for (let folder = dirname(fileURLToPath(import.meta.url)); ; folder = dirname(folder)) {
    const candidate = join(folder, 'shared', 'bench-data');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}

/** The bench-data folder, or undefined when there is none. */
export const BENCH_DATA = findBenchData();

/** `describe` when the bench data (with `subfolder` in it) is there, else a skipped suite that says why. */
export function describeWithBenchData(name: string, subfolder: string, body: (data: string) => void): void {
  const data = BENCH_DATA;
  if (data && existsSync(join(data, subfolder))) {
    describe(name, () => body(data));
    return;
  }
  describe.skip(`${name} (skipped: no ${subfolder} in bench data; set BRIDLE_BENCH_DATA or put it at ../shared/bench-data)`, () => {
    it('needs the bench data', () => {});
  });
}
