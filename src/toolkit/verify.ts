/**
 * Verifier building blocks: named checks, the verdict they add up to, and state differences that failure
 * mining groups by (table, record, field).
 */
import type { StateDifference, Verification, VerificationCheck } from '../contracts/environment.ts';
import { BridleError } from '../errors.ts';
import { canonicalEqual } from './canonical.ts';

/** One named check. Names are stable and grouped by prefix: "database", "output:...", "policy:...". */
export function check(name: string, passed: boolean, detail?: string): VerificationCheck {
  return { name, passed, ...(detail === undefined ? {} : { detail }) };
}

/**
 * The verdict of a set of checks: success exactly when every check passed. `reward` defaults to 1 or 0;
 * a partial reward (e.g. a share of constraints met) must be 1 exactly when every check passed.
 */
export function verdict(checks: readonly VerificationCheck[], options: { differences?: readonly StateDifference[]; reward?: number } = {}): Verification {
  const success = checks.every((item) => item.passed);
  const reward = options.reward ?? (success ? 1 : 0);
  if (!(reward >= 0 && reward <= 1) || (reward === 1) !== success) {
    throw new BridleError('INTERNAL', `reward ${reward} disagrees with the checks (${success ? 'all passed' : 'some failed'}): a reward is 1 exactly when every check passes`);
  }
  return { success, reward, checks: [...checks], differences: [...(options.differences ?? [])] };
}

/** A state organised as named tables of keyed records (arrays are keyed by position). */
export type Tables = Readonly<Record<string, unknown>>;

/**
 * Where two states differ: per table, per record key, per top-level field of the record. A table that is
 * not a collection of records is compared as a whole. Tables, keys and fields come out sorted.
 */
export function compareRecords(actual: Tables, expected: Tables): StateDifference[] {
  const differences: StateDifference[] = [];
  for (const table of unionKeys(actual, expected)) {
    const left = actual[table];
    const right = expected[table];
    if (!isCollection(left) || !isCollection(right)) {
      if (!canonicalEqual(left, right)) differences.push({ table, key: '*' });
      continue;
    }
    for (const key of unionKeys(left, right)) {
      const leftRecord = (left as Record<string, unknown>)[key];
      const rightRecord = (right as Record<string, unknown>)[key];
      if (canonicalEqual(leftRecord, rightRecord)) continue;
      if (!isPlainObject(leftRecord) || !isPlainObject(rightRecord)) {
        differences.push({ table, key });
        continue;
      }
      for (const field of unionKeys(leftRecord, rightRecord)) {
        if (!canonicalEqual(leftRecord[field], rightRecord[field])) differences.push({ table, key, field });
      }
    }
  }
  return differences;
}

/** "orders.#W123.status" for people. */
export function describeDifference(difference: StateDifference): string {
  return [difference.table, difference.key, difference.field].filter((part) => part !== undefined).join('.');
}

function isCollection(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unionKeys(left: object, right: object): string[] {
  return [...new Set([...Object.keys(left ?? {}), ...Object.keys(right ?? {})])].sort();
}
