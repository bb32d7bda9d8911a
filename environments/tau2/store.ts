/**
 * A tau2 database for one episode: the benchmark's tables of records (users, orders, flights, ...) as a
 * copy-on-write layer over one frozen copy shared by every episode. Copying the airline database (7 MB)
 * per episode, or hashing all of it per verdict, would cost more than the episode; here an episode pays
 * only for the records it changes. Equality is exact: two stores over the same base hold equal databases
 * exactly when the records that differ from the base are equal, so the hash covers only those.
 */
import { canonicalJson, cloneJson, hashOf } from '../../src/toolkit/canonical.ts';
import type { StateDifference } from '../../src/contracts/environment.ts';
import { compareRecords } from '../../src/toolkit/verify.ts';
import { keysInOrder } from './key-order.ts';

/** A database as tau2 keeps it: named tables of records keyed by id. */
export type Tables = Record<string, Record<string, unknown>>;

/** Read-only view of a record: the shared base must never be changed through a read. */
export type Frozen<T> = T extends (infer Item)[] ? readonly Frozen<Item>[] : T extends object ? { readonly [Key in keyof T]: Frozen<T[Key]> } : T;

const DELETED = Symbol('deleted');

/** One episode's database: reads see the base under this episode's own changes. */
export class RecordStore<Db extends Tables> {
  /** This episode's changed, added or deleted records, per table. */
  private readonly changes = new Map<keyof Db & string, Map<string, unknown>>();

  constructor(private readonly base: Frozen<Db>) {}

  /** A record as it stands, read-only (undefined when there is none). */
  get<Table extends keyof Db & string>(table: Table, key: string): Frozen<Db[Table][string]> | undefined {
    const changed = this.changes.get(table);
    if (changed?.has(key)) {
      const value = changed.get(key);
      return value === DELETED ? undefined : (value as Frozen<Db[Table][string]>);
    }
    return Object.hasOwn(this.base[table] as object, key) ? ((this.base[table] as Record<string, unknown>)[key] as Frozen<Db[Table][string]>) : undefined;
  }

  /** True when the record exists. */
  has(table: keyof Db & string, key: string): boolean {
    return this.get(table, key) !== undefined;
  }

  /** The record, writable: the first edit of an episode copies it out of the shared base. */
  edit<Table extends keyof Db & string>(table: Table, key: string): Db[Table][string] | undefined {
    const current = this.get(table, key);
    if (current === undefined) return undefined;
    const changed = this.tableChanges(table);
    if (!changed.has(key) || Object.isFrozen(changed.get(key))) changed.set(key, cloneJson(current));
    return changed.get(key) as Db[Table][string];
  }

  /** Add or replace a record (added records come after the base's in iteration order, as in a Python dict). */
  put<Table extends keyof Db & string>(table: Table, key: string, record: Db[Table][string]): void {
    this.tableChanges(table).set(key, record);
  }

  /** Remove a record. */
  delete(table: keyof Db & string, key: string): void {
    this.tableChanges(table).set(key, DELETED);
  }

  /** Every key of a table in dict order: the base's, then added ones. */
  keys(table: keyof Db & string): string[] {
    const baseTable = this.base[table] as Record<string, unknown>;
    const changed = this.changes.get(table);
    const keys = keysInOrder(baseTable).filter((key) => changed?.get(key) !== DELETED);
    if (changed) for (const [key, value] of changed) if (value !== DELETED && !Object.hasOwn(baseTable, key)) keys.push(key);
    return keys;
  }

  /** Every record of a table in dict order, read-only. */
  values<Table extends keyof Db & string>(table: Table): Frozen<Db[Table][string]>[] {
    return this.keys(table).map((key) => this.get(table, key)!);
  }

  /** The records that differ from the base: table → key → record (null for a deleted one). */
  delta(): Tables {
    const delta: Tables = {};
    for (const [table, changed] of [...this.changes].sort(([left], [right]) => left.localeCompare(right))) {
      const baseTable = this.base[table] as Record<string, unknown>;
      for (const [key, value] of changed) {
        const baseRecord = Object.hasOwn(baseTable, key) ? baseTable[key] : undefined;
        if (value === DELETED) {
          if (baseRecord !== undefined) (delta[table] ??= {})[key] = null;
        } else if (baseRecord === undefined || canonicalJson(value) !== canonicalJson(baseRecord)) {
          (delta[table] ??= {})[key] = value;
        }
      }
    }
    return delta;
  }

  /** A canonical hash of the database: equal for equal databases over the same base. */
  hash(): string {
    return hashOf(this.delta());
  }

  /** Where this database differs from another over the same base: table, record, top-level field. */
  compare(other: RecordStore<Db>): StateDifference[] {
    const mine = this.delta();
    const theirs = other.delta();
    const actual: Tables = {};
    const expected: Tables = {};
    for (const table of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
      actual[table] = {};
      expected[table] = {};
      for (const key of new Set([...Object.keys(mine[table] ?? {}), ...Object.keys(theirs[table] ?? {})])) {
        actual[table][key] = this.get(table, key) ?? null;
        expected[table][key] = other.get(table, key) ?? null;
      }
    }
    return compareRecords(actual, expected);
  }

  /** An independent copy of this episode's database (the base stays shared). */
  fork(): RecordStore<Db> {
    const copy = new RecordStore<Db>(this.base);
    for (const [table, changed] of this.changes) {
      copy.changes.set(table, new Map([...changed].map(([key, value]) => [key, value === DELETED ? DELETED : cloneJson(value)])));
    }
    return copy;
  }

  private tableChanges(table: keyof Db & string): Map<string, unknown> {
    let changed = this.changes.get(table);
    if (!changed) {
      changed = new Map();
      this.changes.set(table, changed);
    }
    return changed;
  }
}

/** Freeze a value and everything in it, so a tool that writes through a read fails loudly. */
export function deepFreeze<T>(value: T): Frozen<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value as Frozen<T>;
}
