/**
 * Optional peer dependencies (the coding agents' SDKs) are imported only when their engineer is chosen:
 * first as bridle's own dependency, then from the project's node_modules (bridle run through npx or
 * installed elsewhere still finds a package the user installed in the project). Missing everywhere, the
 * import fails with one line that says what to install.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BridleError } from '../../../errors.ts';

function missing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** The ESM entry of a package's `exports` (or `module`/`main`), as ESM resolution would pick it. */
function entryOf(manifest: { exports?: unknown; module?: string; main?: string }): string | undefined {
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      const conditions = value as Record<string, unknown>;
      for (const key of ['import', 'node', 'default']) {
        const found = pick(conditions[key]);
        if (found) return found;
      }
    }
    return undefined;
  };
  const exports = manifest.exports as Record<string, unknown> | string | undefined;
  const root = typeof exports === 'object' && exports !== null && '.' in exports ? exports['.'] : exports;
  return pick(root) ?? manifest.module ?? manifest.main;
}

/** `node_modules/<name>` in `from` or a folder above it. */
function findPackage(name: string, from: string): string | undefined {
  for (let folder = from; ; folder = dirname(folder)) {
    const candidate = join(folder, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}

export async function importOptionalPeer(name: string, projectRoot: string, hint: string): Promise<unknown> {
  try {
    return await import(name);
  } catch (error) {
    if (!missing(error)) throw error;
  }
  const folder = findPackage(name, projectRoot);
  const entry = folder ? entryOf(JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'))) : undefined;
  if (!folder || !entry) throw new BridleError('MISSING_DEPENDENCY', hint);
  return import(pathToFileURL(join(folder, entry)).href);
}
