/** `npm run bench:envs` flags: parsed with node:util, checked with zod, each failure one clear line. */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BUILTIN_ENVIRONMENTS } from '../../environments/index.ts';
import { BridleError } from '../../src/errors.ts';

/** What one `bench:envs` run measures. */
export interface BenchEnvironmentsOptions {
  /** Built-in environment names, in the order of `BUILTIN_ENVIRONMENTS` (or as given with --envs). */
  environments: string[];
  /** The bench-data folder (absolute) for peer benchmarks; undefined when none was found. */
  data?: string;
  /** Also run the meta-loop per environment. */
  evolve: boolean;
  /** Where to write the markdown tables, when asked. */
  markdown?: string;
}

const flagsSchema = z
  .object({
    envs: z.string().min(1, '--envs needs a comma-separated list of environment names').optional(),
    data: z.string().min(1, '--data needs a folder').optional(),
    evolve: z.boolean().optional(),
    markdown: z.string().min(1, '--markdown needs a file name').optional(),
  })
  .strict();

export const USAGE = 'usage: npm run bench:envs -- [--envs a,b] [--data <dir>] [--evolve] [--markdown <file>]';

/**
 * The nearest `shared/bench-data` above the repository: `../shared/bench-data` from the main checkout,
 * further up from a worktree nested deeper (the same search as tests/helpers/bench-data.ts).
 */
export function findBenchData(repository: string): string | undefined {
  for (let folder = dirname(resolve(repository)); ; folder = dirname(folder)) {
    const candidate = join(folder, 'shared', 'bench-data');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}

function environmentsOf(list: string | undefined): string[] {
  const known = Object.keys(BUILTIN_ENVIRONMENTS);
  if (list === undefined) return known;
  const names = [...new Set(list.split(',').map((name) => name.trim()).filter((name) => name.length > 0))];
  const unknown = names.filter((name) => !known.includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new BridleError('INVALID_ARGUMENT', `--envs: unknown environment ${unknown.map((name) => `"${name}"`).join(', ') || '(empty list)'}; known: ${known.join(', ')}`);
  }
  return names;
}

function dataOf(flag: string | undefined, repository: string): string | undefined {
  if (flag === undefined) return findBenchData(repository);
  const folder = resolve(flag);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new BridleError('MISSING_FILE', `--data: folder ${folder} does not exist`);
  return folder;
}

/** Parse the command line (without node and the script). */
export function parseBenchArguments(argv: readonly string[], repository: string): BenchEnvironmentsOptions {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { envs: { type: 'string' }, data: { type: 'string' }, evolve: { type: 'boolean' }, markdown: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BridleError('INVALID_ARGUMENT', `${error instanceof Error ? error.message : String(error)}; ${USAGE}`);
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) throw new BridleError('INVALID_ARGUMENT', `${parsed.error.issues.map((issue) => issue.message).join('; ')}; ${USAGE}`);
  const flags = parsed.data;
  const data = dataOf(flags.data, repository);
  return {
    environments: environmentsOf(flags.envs),
    ...(data === undefined ? {} : { data }),
    evolve: flags.evolve ?? false,
    ...(flags.markdown === undefined ? {} : { markdown: resolve(flags.markdown) }),
  };
}
