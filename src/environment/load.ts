/**
 * From what a user typed (`--env retail`, `--env ./envs/mine.ts`, a name from `environments` in
 * bridle.config.ts) to a loaded environment and the reference that loads it again in a worker process.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { BUILTIN_ENVIRONMENTS } from '../../environments/index.ts';
import type { Environment, EnvironmentFactory } from '../contracts/environment.ts';
import type { BridleConfig } from '../config/schema.ts';
import { BridleError } from '../errors.ts';
import { importDefaultExport } from '../util/import-user-module.ts';
import { assertEnvironment } from './contract.ts';
import type { EnvironmentRef } from './reference.ts';

/** Where names and relative paths are resolved. */
export interface EnvironmentContext {
  /** The project root (bridle.config.ts's folder): config paths are relative to it. */
  root: string;
  /** The project's configuration (its `environments` and `data` keys). */
  config: Pick<BridleConfig, 'environments' | 'data'>;
  /** The `--data` flag, when given (relative to the current directory). */
  data?: string;
  /** Seed of the generated world, when not the default. */
  seed?: number;
}

/** An environment and the reference that loads it again anywhere. */
export interface OpenedEnvironment {
  environment: Environment;
  ref: EnvironmentRef;
}

/** True when `spec` names a file rather than an environment. */
function looksLikePath(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || /\.(m?[jt]s)$/.test(spec);
}

/** Resolve and load an environment the way the CLI and the library functions do. */
export async function openEnvironment(spec: string, context: EnvironmentContext): Promise<OpenedEnvironment> {
  const seed = context.seed === undefined ? {} : { seed: context.seed };
  const configured = context.config.environments[spec];
  if (configured !== undefined) {
    const ref: EnvironmentRef = { name: spec, module: resolve(context.root, configured), ...seed, ...dataOf(context) };
    return { environment: await loadEnvironment(ref), ref };
  }
  if (looksLikePath(spec)) {
    const module = resolve(spec);
    const environment = await loadModule(module, { ...seed, ...dataOf(context) });
    return { environment, ref: { name: environment.name, module, ...seed, ...dataOf(context) } };
  }
  const builtin = BUILTIN_ENVIRONMENTS[spec];
  if (!builtin) {
    const known = [...Object.keys(BUILTIN_ENVIRONMENTS), ...Object.keys(context.config.environments)].sort();
    throw new BridleError('UNKNOWN_ENVIRONMENT', `unknown environment "${spec}"; known: ${known.join(', ')} (or a path to an environment module, e.g. ./envs/my-env.ts)`);
  }
  const data = dataOf(context);
  if (builtin.data && !data.data) {
    throw new BridleError('INVALID_ARGUMENT', `${spec} reads its tasks from a data folder: pass --data <dir> (or data: in bridle.config.ts); ${builtin.data.hint}`);
  }
  const ref: EnvironmentRef = { name: spec, ...seed, ...(builtin.data ? data : {}) };
  return { environment: await loadEnvironment(ref), ref };
}

/** The data folder from the flag (relative to the current directory) or the config (relative to the root). */
function dataOf(context: EnvironmentContext): { data?: string } {
  const folder = context.data !== undefined ? resolve(context.data) : context.config.data !== undefined ? resolve(context.root, context.config.data) : undefined;
  if (folder === undefined) return {};
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new BridleError('MISSING_FILE', `data folder ${folder} does not exist`);
  return { data: folder };
}

/** Load an environment from its reference (in the parent or in a worker process). */
export async function loadEnvironment(ref: EnvironmentRef): Promise<Environment> {
  const options = { ...(ref.seed === undefined ? {} : { seed: ref.seed }), ...(ref.data === undefined ? {} : { data: ref.data }) };
  if (ref.module !== undefined) {
    const environment = await loadModule(ref.module, options);
    if (environment.name !== ref.name) {
      throw new BridleError('INVALID_ENVIRONMENT', `environments["${ref.name}"] points at ${basename(ref.module)}, whose environment is named "${environment.name}": use the same name in both places`);
    }
    return environment;
  }
  const builtin = BUILTIN_ENVIRONMENTS[ref.name];
  if (!builtin) throw new BridleError('UNKNOWN_ENVIRONMENT', `unknown environment "${ref.name}"; known: ${Object.keys(BUILTIN_ENVIRONMENTS).sort().join(', ')}`);
  return builtin.create(options);
}

/** Import a user's environment module and check it against the contract. */
async function loadModule(file: string, options: { seed?: number; data?: string }): Promise<Environment> {
  if (!existsSync(file)) throw new BridleError('MISSING_FILE', `environment module ${file} does not exist`);
  const exported = await importDefaultExport(file, 'INVALID_ENVIRONMENT', 'defineEnvironment({ ... }) (or a function returning an environment)');
  const value = typeof exported === 'function' ? await (exported as EnvironmentFactory)(options) : exported;
  return assertEnvironment(value, basename(file));
}

/** Simulated backbones act from the environment's oracle: refuse them up front where there is none. */
export function assertOracleFor(environment: Environment, backbones: readonly { id: string; simulated: boolean }[]): void {
  if (environment.hasOracle !== false) return;
  const simulated = backbones.filter((backbone) => backbone.simulated).map((backbone) => backbone.id);
  if (simulated.length > 0) {
    throw new BridleError(
      'INVALID_ARGUMENT',
      `environment "${environment.name}" has no oracle, so simulated backbones (${simulated.join(', ')}) cannot run on it: choose real backbones (--backbone anthropic/... or openai/...)`,
    );
  }
}
