/**
 * Importing a user's own TypeScript or JavaScript file (bridle.config.ts, an environment module) and
 * taking its default export. One place, so the way user files are compiled is decided once.
 *
 * Node 24 strips types from files outside node_modules, which covers what such files normally hold, so
 * Node loads them itself. tsx (an optional peer dependency) runs only what Node cannot: enums,
 * namespaces, parameter properties, relative imports without their `.ts` extension, tsconfig paths.
 * bridle does not depend on tsx, so installing it needs neither tsx nor esbuild's install script.
 */
import { pathToFileURL } from 'node:url';
import { basename } from 'node:path';
import { BridleError, type BridleErrorCode } from '../errors.ts';

/** Loader errors after which the file's own code never ran, so tsx may try it again. */
const LOADER_ERROR_CODES: ReadonlySet<string> = new Set([
  'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX',
  'ERR_MODULE_NOT_FOUND',
  'ERR_UNSUPPORTED_DIR_IMPORT',
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING',
]);

function isLoaderError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && LOADER_ERROR_CODES.has(code)) || (error instanceof SyntaxError && /\b(import|export)\b/.test(error.message));
}

function firstLine(error: unknown): string {
  const lines = String((error as Error | null)?.message ?? error)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // "Transform failed with 1 error:" says nothing without the line after it (file:line:column: ERROR: ...).
  return lines[0]?.endsWith(':') && lines[1] ? `${lines[0]} ${lines[1]}` : (lines[0] ?? '');
}

/**
 * Import `file` (an absolute path) and return its module namespace: by Node, else through tsx when only
 * tsx can load it. Like any import, a file is read once per process. Throws the loader's error; when
 * only tsx could load the file and tsx is not installed, the message says so in one line.
 */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file);
  try {
    return (await import(url.href)) as Record<string, unknown>;
  } catch (error) {
    if (!isLoaderError(error)) throw error;
    let tsx: typeof import('tsx/esm/api');
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      throw new Error(
        `${firstLine(error)} (Node runs only erasable TypeScript: no enum, namespace or parameter properties, and relative imports need their .ts extension; change that, or install tsx with "npm install --save-dev tsx" and bridle loads the file through it)`,
        { cause: error },
      );
    }
    return (await tsx.tsImport(url.href, import.meta.url)) as Record<string, unknown>;
  }
}

/**
 * The default export of `file` (a function is returned as it is). Load failures throw `code` with one
 * line naming the file and the first line of the cause.
 */
export async function importDefaultExport(file: string, code: BridleErrorCode, what: string): Promise<unknown> {
  const name = basename(file);
  let module: { default?: unknown };
  try {
    module = await importUserModule(file);
  } catch (error) {
    throw new BridleError(code, `${name} could not be loaded: ${firstLine(error)}`, { cause: error });
  }
  let value = module.default;
  // A .ts file outside an ESM package is compiled to CommonJS: its exports object arrives as `default`.
  if (value !== null && typeof value === 'object' && (value as { __esModule?: unknown }).__esModule === true) {
    value = (value as { default?: unknown }).default;
  }
  if (value === undefined) throw new BridleError(code, `${name} has no default export; write: export default ${what}`);
  return value;
}
