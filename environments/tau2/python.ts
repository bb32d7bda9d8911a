/**
 * The few Python behaviours tau2-bench's tools depend on, reproduced exactly: `round(x, n)` (round half
 * to even on the exact binary value), `repr(float)` (shortest digits, Python's switch to exponent form),
 * and `json.dumps` (", " and ": " separators, ASCII escapes, floats written as floats). The reward
 * compares databases built by these tools, and the agent reads their output, so both must match.
 */
import { keysInOrder } from './key-order.ts';

/** Python's `round(value, digits)` for a float. */
export function pythonRound(value: number, digits: number): number {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return value;
  const magnitude = Math.abs(value);
  // toFixed rounds the exact binary value, ties away from zero; Python breaks exact ties to even.
  let text = magnitude.toFixed(digits);
  const exact = magnitude.toFixed(Math.min(100, digits + 40));
  const point = exact.indexOf('.');
  const rest = exact.slice(point + 1 + digits);
  if (/^50*$/.test(rest)) {
    const truncated = exact.slice(0, point + 1 + digits).replace(/\.$/, '');
    const lastDigit = Number(truncated.replace('.', '').slice(-1));
    if (lastDigit % 2 === 0) text = truncated;
  }
  const rounded = Number(text);
  return value < 0 || Object.is(value, -0) ? -rounded : rounded;
}

/** Python's `repr(float)`: "54.0", "0.0001", "1e-05", "1e+16". */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const { digits, exponent } = shortestDigits(Math.abs(value));
  if (exponent >= -4 && exponent < 16) {
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      const fraction = digits.slice(exponent + 1) || '0';
      return `${sign}${whole}.${fraction}`;
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** The shortest round-trip digits of a positive number and the decimal exponent of the first one. */
function shortestDigits(value: number): { digits: string; exponent: number } {
  // JavaScript's String() gives the same shortest, closest digits as Python's repr, only formatted otherwise.
  const [coefficient = '', exponentText] = String(value).split('e');
  const [whole = '', fraction = ''] = coefficient.split('.');
  const all = whole + fraction;
  const leadingZeros = /^0*/.exec(all)![0].length;
  const digits = all.slice(leadingZeros).replace(/0+$/, '') || '0';
  return { digits, exponent: whole.length - leadingZeros - 1 + Number(exponentText ?? 0) };
}

/** Says whether the number at a JSON path (object keys and array indexes from the root) is a Python float. */
export type FloatPaths = (path: readonly (string | number)[]) => boolean;

/** Every number is a float (models whose numeric fields are all floats). */
export const ALL_FLOATS: FloatPaths = () => true;

/**
 * Python's `json.dumps(value)` with its defaults: ", " and ": " separators, non-ASCII escaped as \uXXXX,
 * keys in the order given, and numbers written as floats where `isFloat` says the model field is one.
 */
export function pythonJson(value: unknown, isFloat: FloatPaths = () => false): string {
  const path: (string | number)[] = [];
  const write = (item: unknown): string => {
    if (item === null || item === undefined) return 'null';
    if (typeof item === 'boolean') return item ? 'true' : 'false';
    if (typeof item === 'number') {
      if (Number.isNaN(item)) return 'NaN';
      if (!Number.isFinite(item)) return item > 0 ? 'Infinity' : '-Infinity';
      return isFloat(path) || !Number.isInteger(item) ? pythonFloatRepr(item) : String(item);
    }
    if (typeof item === 'string') return pythonString(item);
    if (Array.isArray(item)) {
      const parts = item.map((element, index) => {
        path.push(index);
        const text = write(element);
        path.pop();
        return text;
      });
      return `[${parts.join(', ')}]`;
    }
    if (typeof item === 'object') {
      const parts = keysInOrder(item)
        .map((key) => [key, (item as Record<string, unknown>)[key]] as const)
        .filter(([, field]) => field !== undefined)
        .map(([key, field]) => {
          path.push(key);
          const text = `${pythonString(key)}: ${write(field)}`;
          path.pop();
          return text;
        });
      return `{${parts.join(', ')}}`;
    }
    return pythonString(String(item));
  };
  return write(value);
}

/** A JSON string literal as Python writes it (ensure_ascii: everything beyond ASCII as \uXXXX). */
function pythonString(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const char = text[index]!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** Python's `repr()` of JSON data, as pydantic quotes input values in its error texts. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    let out = quote;
    for (const char of value) {
      const code = char.codePointAt(0)!;
      if (char === quote || char === '\\') out += `\\${char}`;
      else if (char === '\n') out += '\\n';
      else if (char === '\r') out += '\\r';
      else if (char === '\t') out += '\\t';
      else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
      else out += char;
    }
    return out + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${keysInOrder(value).map((key) => `${pythonRepr(key)}: ${pythonRepr((value as Record<string, unknown>)[key])}`).join(', ')}}`;
  }
  return String(value);
}

/** Python's name of a JSON value's type (pydantic's `input_type=`). */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}
