/**
 * Importing a user's own TypeScript or JavaScript file (bridle.config.ts, an environment module) and
 * taking its default export. One place, so the way user files are compiled is decided once.
 */
import { pathToFileURL } from 'node:url';
import { basename } from 'node:path';
import { BridleError, type BridleErrorCode } from '../errors.ts';

/**
 * The default export of `file` (a function is returned as it is). Load failures throw `code` with one
 * line naming the file and the first line of the cause.
 */
export async function importDefaultExport(file: string, code: BridleErrorCode, what: string): Promise<unknown> {
  const name = basename(file);
  let module: { default?: unknown };
  try {
    const { tsImport } = await import('tsx/esm/api');
    module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  } catch (error) {
    const first = String((error as Error)?.message ?? error).split('\n')[0];
    throw new BridleError(code, `${name} could not be loaded: ${first}`, { cause: error });
  }
  let value = module.default;
  // A .ts file outside an ESM package is compiled to CommonJS: its exports object arrives as `default`.
  if (value !== null && typeof value === 'object' && (value as { __esModule?: unknown }).__esModule === true) {
    value = (value as { default?: unknown }).default;
  }
  if (value === undefined) throw new BridleError(code, `${name} has no default export; write: export default ${what}`);
  return value;
}
