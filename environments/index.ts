/** The built-in environments, by the name used on the command line. */
import type { Environment, EnvironmentFactory } from '../src/contracts/environment.ts';
import { BridleError } from '../src/errors.ts';
import { createRetail } from './retail/index.ts';

export const ENVIRONMENTS: Readonly<Record<string, EnvironmentFactory>> = {
  retail: createRetail,
};

export function environmentNames(): string[] {
  return Object.keys(ENVIRONMENTS).sort();
}

/** Build an environment by name; an unknown name is a user error listing the known ones. */
export function loadEnvironment(name: string, options: { seed?: number } = {}): Environment {
  const factory = ENVIRONMENTS[name];
  if (!factory) throw new BridleError('UNKNOWN_ENVIRONMENT', `unknown environment "${name}"; known: ${environmentNames().join(', ')}`);
  return factory(options);
}
