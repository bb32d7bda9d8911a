/**
 * Finding a tau2 domain's files in the folder the user names, and reading them through zod. Accepted
 * layouts, for a domain such as "retail":
 *   <dir>/tau2/retail/                 the layout of bridle's shared bench-data folder
 *   <dir>/data/tau2/domains/retail/    a plain checkout of tau2-bench
 *   <dir>/tau2/domains/retail/         that checkout's `data` folder
 *   <dir>/retail/                      a folder of domains (the checkout's `domains`, or bench-data's `tau2`)
 *   <dir>/                             the domain folder itself
 * Anything missing or malformed is one line that names the file and what was expected.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { z } from 'zod';
import { BridleError } from '../../src/errors.ts';
import { restoreKeyOrder } from './key-order.ts';

/** Where a tau2 domain's files are, once found. */
export interface DomainFolder {
  /** The domain's folder. */
  folder: string;
  /** Read a text file of the domain. */
  text(file: string): string;
  /** Read and check a JSON file of the domain. */
  json<Schema extends z.ZodType>(file: string, schema: Schema, what: string): z.infer<Schema>;
  /** tau2-bench's user-simulator guidelines, when the folder is (part of) a tau2-bench checkout. */
  userGuidelines(file: string): string | undefined;
}

function candidates(data: string, domain: string): string[] {
  return [
    join(data, 'tau2', domain),
    join(data, 'data', 'tau2', 'domains', domain),
    join(data, 'tau2', 'domains', domain),
    join(data, domain),
    ...(basename(data) === domain ? [data] : []),
  ];
}

const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** Locate a domain's folder under `data`, checking that every required file is there. */
export function findDomainFolder(data: string, domain: string, required: readonly string[]): DomainFolder {
  const root = resolve(data);
  if (!isDirectory(root)) throw new BridleError('MISSING_FILE', `data folder ${root} does not exist`);
  const found = candidates(root, domain).find(isDirectory);
  if (!found) {
    throw new BridleError(
      'MISSING_FILE',
      `no tau2 ${domain} data in ${root}: expected ${join(root, 'tau2', domain)}/ (the shared bench-data layout) or ${join(root, 'data', 'tau2', 'domains', domain)}/ (a tau2-bench checkout), holding ${required.join(', ')}`,
    );
  }
  const missing = required.filter((file) => !existsSync(join(found, file)));
  if (missing.length > 0) throw new BridleError('MISSING_FILE', `${found} is missing ${missing.join(', ')} (tau2 ${domain} needs ${required.join(', ')})`);
  return {
    folder: found,
    text: (file) => readFileSync(join(found, file), 'utf8'),
    json(file, schema, what) {
      const path = join(found, file);
      const text = readFileSync(path, 'utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new BridleError('INVALID_ARGUMENT', `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
        throw new BridleError('INVALID_ARGUMENT', `${path} does not look like tau2-bench's ${what}: ${issues.join('; ')}`);
      }
      restoreKeyOrder(parsed.data, text);
      return parsed.data;
    },
    userGuidelines(file) {
      // In a checkout the guidelines sit in data/tau2/user_simulator/, two levels above a domain folder.
      for (const folder of [join(found, '..', '..', 'user_simulator'), join(found, '..', 'user_simulator')]) {
        if (existsSync(join(folder, file))) return readFileSync(join(folder, file), 'utf8');
      }
      return undefined;
    },
  };
}
