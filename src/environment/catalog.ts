/**
 * What environments a project can use: the built-ins, the peer benchmarks (when a data folder is given)
 * and the project's own (from bridle.config.ts). Powers `bridle envs` and `bridle init`.
 */
import { relative } from 'node:path';
import { BUILTIN_ENVIRONMENTS } from '../../environments/index.ts';
import type { Split } from '../contracts/environment.ts';
import { BridleError } from '../errors.ts';
import { openEnvironment, type EnvironmentContext } from './load.ts';

/** One row of `bridle envs`. */
export interface EnvironmentListing {
  name: string;
  /** "built in", "built in, data from <dir>", or the module path of a project environment. */
  source: string;
  /** One line. */
  summary: string;
  /** Tasks per split, when the environment could be loaded. */
  tasks?: Record<Split, number>;
  /** How the splits were made, when the environment says. */
  splitNote?: string;
  /** True when only real backbones can run on it (no oracle). */
  realBackbonesOnly?: boolean;
  /** Why it could not be loaded (e.g. a peer benchmark without a data folder). */
  unavailable?: string;
}

/** Every environment name the project knows (built-ins first, then the project's own). */
export function knownEnvironmentNames(context: Pick<EnvironmentContext, 'config'>): string[] {
  return [...Object.keys(BUILTIN_ENVIRONMENTS).sort(), ...Object.keys(context.config.environments).sort()];
}

/** The environments that need nothing more than their name (no data folder). */
export function readyEnvironmentNames(context: Pick<EnvironmentContext, 'config'>): string[] {
  return knownEnvironmentNames(context).filter((name) => !BUILTIN_ENVIRONMENTS[name]?.data);
}

/** Fail with the known list when `name` is not an environment of this project. */
export function assertKnownEnvironment(name: string, context: Pick<EnvironmentContext, 'config'>): void {
  const known = knownEnvironmentNames(context);
  if (!known.includes(name)) throw new BridleError('UNKNOWN_ENVIRONMENT', `unknown environment "${name}"; known: ${known.join(', ')}`);
}

/** List the environments, loading each to count its tasks. */
export async function listEnvironments(context: EnvironmentContext): Promise<EnvironmentListing[]> {
  const listings: EnvironmentListing[] = [];
  for (const name of knownEnvironmentNames(context)) {
    const builtin = BUILTIN_ENVIRONMENTS[name];
    const module = context.config.environments[name];
    const base = {
      name,
      source: builtin ? 'built in' : relative(context.root, module ?? '') || String(module),
      summary: builtin?.summary ?? '',
    };
    if (builtin?.data && context.data === undefined && context.config.data === undefined) {
      listings.push({ ...base, source: 'built in (peer benchmark)', unavailable: 'needs --data <dir>' });
      continue;
    }
    try {
      const { environment, ref } = await openEnvironment(name, context);
      const tasks: Record<Split, number> = { train: 0, validation: 0, test: 0 };
      for (const task of environment.tasks) tasks[task.split] += 1;
      listings.push({
        ...base,
        source: ref.data ? `built in, data from ${ref.data}` : base.source,
        summary: base.summary || firstSentence(environment.description),
        tasks,
        ...(environment.splitNote ? { splitNote: environment.splitNote } : {}),
        ...(environment.hasOracle === false ? { realBackbonesOnly: true } : {}),
      });
    } catch (error) {
      listings.push({ ...base, unavailable: BridleError.isInstance(error) ? error.message : String(error) });
    }
  }
  return listings;
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = flat.search(/[.!?](\s|$)/);
  return end === -1 ? flat : flat.slice(0, end + 1);
}
