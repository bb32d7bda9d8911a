/**
 * Python dicts keep insertion order; JavaScript objects put integer-like keys ("1656367028", "123456")
 * first, in numeric order. tau2's data has such keys (retail's product and item ids, some airline
 * reservation ids), and the order shows: in tool output (a product's variants) and in any scan of a table.
 * So the order of the file is recorded beside each object that has integer-like keys, and read back by
 * everything that lists keys.
 */

/** The keys of an object in the order of the file it came from (set where that order differs). */
const KEY_ORDER = Symbol('key order');

const INTEGER_LIKE = /^(0|[1-9]\d*)$/;
/** A prefix no JSON key of the data starts with, so prefixed keys keep their place in an object. */
const PREFIX = '\u0001';

type Ordered = { [KEY_ORDER]?: readonly string[] };

/** The keys of an object as Python would list them. */
export function keysInOrder(value: object): string[] {
  const order = (value as Ordered)[KEY_ORDER];
  return order ? order.filter((key) => Object.hasOwn(value, key)) : Object.keys(value);
}

/**
 * Record the file's key order on `target` (parsed from `text`, then checked and rebuilt, e.g. by zod),
 * for every object that has integer-like keys. Call before freezing.
 */
export function restoreKeyOrder(target: unknown, text: string): void {
  if (!/"(0|[1-9]\d*)"\s*:/.test(text)) return;
  // Parsing again with integer-like keys prefixed keeps their places: then read the order off that copy.
  const ordered: unknown = JSON.parse(text.replace(/"(0|[1-9]\d*)"(\s*:)/g, '"\\u0001$1"$2'));
  attach(target, ordered);
}

function attach(target: unknown, source: unknown): void {
  if (Array.isArray(target) && Array.isArray(source)) {
    target.forEach((item, index) => attach(item, source[index]));
    return;
  }
  if (typeof target !== 'object' || target === null || typeof source !== 'object' || source === null || Array.isArray(source)) return;
  const keys = Object.keys(source).map((key) => (key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key));
  if (keys.some((key) => INTEGER_LIKE.test(key))) {
    Object.defineProperty(target, KEY_ORDER, { value: keys.filter((key) => Object.hasOwn(target, key)), enumerable: false });
  }
  for (const key of Object.keys(source)) {
    const plain = key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key;
    if (Object.hasOwn(target, plain)) attach((target as Record<string, unknown>)[plain], (source as Record<string, unknown>)[key]);
  }
}
