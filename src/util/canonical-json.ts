/** Canonical JSON: object keys sorted, so that equal values give equal text whatever their key order. */
import type { Json } from '../harness/api.ts';

export function canonicalJson(value: Json | undefined): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Deep equality of JSON values (key order ignored). */
export function sameJson(left: Json | undefined, right: Json | undefined): boolean {
  return canonicalJson(left) === canonicalJson(right);
}
