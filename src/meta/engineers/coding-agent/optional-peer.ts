/**
 * Optional peer dependencies (the coding agents' SDKs) are imported only when their engineer is chosen:
 * first as bridle's own dependency, then from the project's node_modules (bridle run through npx or
 * installed elsewhere still finds a package the user installed in the project). Missing everywhere, the
 * import fails with one line that says what to install.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BridleError } from '../../../errors.ts';

function missing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

export async function importOptionalPeer(name: string, projectRoot: string, hint: string): Promise<unknown> {
  try {
    return await import(name);
  } catch (error) {
    if (!missing(error)) throw error;
  }
  let resolved: string;
  try {
    resolved = createRequire(join(projectRoot, 'package.json')).resolve(name);
  } catch (error) {
    if (missing(error)) throw new BridleError('MISSING_DEPENDENCY', hint, { cause: error });
    throw error;
  }
  return import(pathToFileURL(resolved).href);
}
