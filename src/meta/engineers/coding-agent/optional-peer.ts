/**
 * Optional peer dependencies (the coding agents' SDKs) are imported only when their engineer is chosen:
 * first as bridle's own dependency, then from the project's node_modules (bridle run through npx or
 * installed elsewhere still finds a package the user installed in the project). Missing everywhere, the
 * import fails with one line that says what to install.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

/**
 * The real path of the `node_modules` folder an installed package lives in (bridle's own, else the
 * project's), or undefined. Coding agents whose sandbox hides the disk need it to run their own binary.
 */
export function packageModulesFolder(name: string, projectRoot: string): string | undefined {
  let folder: string | undefined;
  try {
    // Where bridle's own resolution finds it: walk up from the entry file to node_modules/<name>.
    for (let path = dirname(fileURLToPath(import.meta.resolve(name))); dirname(path) !== path; path = dirname(path)) {
      if (path.endsWith(join('node_modules', name))) {
        folder = path;
        break;
      }
    }
  } catch {
    folder = undefined;
  }
  folder ??= findPackage(name, projectRoot);
  if (!folder) return undefined;
  // node_modules/@scope/name → node_modules; node_modules/name → node_modules.
  const modules = name.startsWith('@') ? dirname(dirname(folder)) : dirname(folder);
  return realpathSync(modules);
}
