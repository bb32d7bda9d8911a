/**
 * The engineer and the thing it is judged on stay apart: nothing under src/meta imports the simulated
 * backbones, directly or by a path that walks into src/models/sim.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const META = join(ROOT, 'src', 'meta');
const SIMS = join(ROOT, 'src', 'models', 'sim');

function files(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|mts|js)$/.test(name) ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/\b(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]/g)) {
    found.push((match[1] ?? match[2] ?? match[3])!);
  }
  return found;
}

describe('import boundary', () => {
  it('nothing under src/meta imports src/models/sim', () => {
    const offenders: string[] = [];
    const checked = files(META);
    expect(checked.length).toBeGreaterThan(20);
    for (const file of checked) {
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        const target = specifier.startsWith('.') ? resolve(dirname(file), specifier) : specifier;
        if (target.startsWith(SIMS) || /models\/sim(\/|$)/.test(specifier)) offenders.push(`${relative(ROOT, file)} imports ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the scan sees imports of every form', () => {
    expect(specifiers(`import { a } from '../x.ts';\nimport type { B } from "./y.ts";\nexport { c } from './z.ts';\nconst d = await import('./w.ts');\nimport './side-effect.ts';`)).toEqual(['../x.ts', './y.ts', './z.ts', './w.ts', './side-effect.ts']);
  });
});
