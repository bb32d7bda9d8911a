/**
 * MySQL functions SQLite lacks, registered on every episode's database with MySQL's semantics (NULL in,
 * NULL out; 1-based positions; case- and accent-insensitive matching where MySQL's default collation
 * is). Functions SQLite already has with the same meaning (CONCAT, CONCAT_WS, IF, IFNULL, SUBSTRING,
 * INSTR, REPLACE, ROUND, ABS, FLOOR, CEIL, POW, MOD, ...) are not redefined.
 */
import type { DatabaseSync, SQLInputValue, SQLOutputValue } from 'node:sqlite';

type Value = string | number | bigint | null | Uint8Array;

/**
 * Folding for comparisons as utf8mb4_0900_ai_ci makes them (it compares at the primary level of the
 * Unicode collation algorithm): accents, case and compatibility variants (a no-break space is a space,
 * a ligature its letters) ignored. Compatibility decomposition without the marks approximates that.
 */
export function foldText(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

const text = (value: Value): string => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : String(value));
/** MySQL's string-to-number conversion: the longest numeric prefix, 0 when there is none. */
const number = (value: Value): number => {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const match = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?/i.exec(text(value!));
  return match ? Number(match[0]) : 0;
};
const isNull = (...values: Value[]): boolean => values.some((value) => value === null || value === undefined);
/** An integer result (MySQL returns integers here; a JS number would become a SQLite REAL). */
const int = (value: number): bigint => BigInt(Math.trunc(value));

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A MySQL date or datetime string ('YYYY-MM-DD[ HH:MM:SS]') as its parts, or null. */
function dateParts(value: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } | null {
  const match = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?/.exec(value);
  if (!match) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1).map((part) => Number(part ?? 0));
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31) return null;
  return { year: year!, month: month!, day: day!, hour, minute, second };
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** MySQL's DATE_FORMAT for the common specifiers. */
function formatDate(value: string, format: string): string | null {
  const parts = dateParts(value);
  if (!parts) return null;
  const weekday = new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay();
  const specifiers: Record<string, string> = {
    Y: pad(parts.year, 4), y: pad(parts.year % 100), m: pad(parts.month), c: String(parts.month), d: pad(parts.day), e: String(parts.day),
    M: MONTHS[parts.month - 1]!, b: MONTHS[parts.month - 1]!.slice(0, 3), W: DAYS[weekday]!, a: DAYS[weekday]!.slice(0, 3),
    H: pad(parts.hour), k: String(parts.hour), i: pad(parts.minute), s: pad(parts.second), S: pad(parts.second), '%': '%',
  };
  return format.replace(/%(.)/g, (whole, letter: string) => specifiers[letter] ?? letter);
}

/** MySQL's STR_TO_DATE for the common specifiers; returns 'YYYY-MM-DD' (or with the time when parsed). */
function parseDate(value: string, format: string): string | null {
  let pattern = '';
  const fields: string[] = [];
  for (let index = 0; index < format.length; index++) {
    const char = format[index]!;
    if (char !== '%' || index + 1 >= format.length) {
      pattern += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/, '\\s+');
      continue;
    }
    const letter = format[++index]!;
    const groups: Record<string, string> = { Y: '(\\d{4})', y: '(\\d{2})', m: '(\\d{1,2})', c: '(\\d{1,2})', d: '(\\d{1,2})', e: '(\\d{1,2})', M: '([A-Za-z]+)', b: '([A-Za-z]{3})', H: '(\\d{1,2})', k: '(\\d{1,2})', i: '(\\d{1,2})', s: '(\\d{1,2})', S: '(\\d{1,2})' };
    const group = groups[letter];
    if (!group) {
      pattern += letter === '%' ? '%' : '.*?';
      continue;
    }
    pattern += group;
    fields.push(letter);
  }
  const match = new RegExp(`^\\s*${pattern}`, 'i').exec(value);
  if (!match) return null;
  let year = 0;
  let month = 0;
  let day = 0;
  let time: number[] | null = null;
  fields.forEach((field, index) => {
    const part = match[index + 1]!;
    if (field === 'Y') year = Number(part);
    else if (field === 'y') year = 2000 + Number(part) - (Number(part) >= 70 ? 100 : 0);
    else if (field === 'm' || field === 'c') month = Number(part);
    else if (field === 'd' || field === 'e') day = Number(part);
    else if (field === 'M' || field === 'b') month = MONTHS.findIndex((name) => name.toLowerCase().startsWith(part.toLowerCase().slice(0, 3))) + 1;
    else {
      time ??= [0, 0, 0];
      time[field === 'H' || field === 'k' ? 0 : field === 'i' ? 1 : 2] = Number(part);
    }
  });
  if (month < 0 || month > 12 || day > 31) return null;
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  const clock = time as number[] | null;
  return clock ? `${date} ${pad(clock[0]!)}:${pad(clock[1]!)}:${pad(clock[2]!)}` : date;
}

/** The functions, by MySQL name: implementation and arity (-1: variadic). */
const FUNCTIONS: Readonly<Record<string, { arity: number; run: (...args: Value[]) => Value }>> = {
  DBBENCH_FOLD: { arity: 1, run: (value) => (isNull(value) || typeof value !== 'string' ? value : foldText(value)) },
  LEFT: { arity: 2, run: (value, length) => (isNull(value, length) ? null : [...text(value)].slice(0, Math.max(0, Math.trunc(number(length)))).join('')) },
  RIGHT: {
    arity: 2,
    run: (value, length) => {
      if (isNull(value, length)) return null;
      const count = Math.max(0, Math.trunc(number(length)));
      return count === 0 ? '' : [...text(value)].slice(-count).join('');
    },
  },
  MID: { arity: 3, run: (value, start, length) => (isNull(value, start, length) ? null : substring(text(value), number(start), number(length))) },
  LOCATE: {
    arity: -1,
    run: (needle, haystack, start = 1) => {
      if (isNull(needle, haystack, start)) return null;
      const from = Math.trunc(number(start));
      if (from < 1) return 0n;
      const rest = [...foldText(text(haystack))].slice(from - 1).join('');
      const position = rest.indexOf(foldText(text(needle)));
      return position === -1 ? 0n : int(from + [...rest.slice(0, position)].length);
    },
  },
  REVERSE: { arity: 1, run: (value) => (isNull(value) ? null : [...text(value)].reverse().join('')) },
  SUBSTRING_INDEX: {
    arity: 3,
    run: (value, delimiter, count) => {
      if (isNull(value, delimiter, count)) return null;
      const parts = text(value).split(text(delimiter));
      const n = Math.trunc(number(count));
      if (n === 0 || text(delimiter) === '') return '';
      return n > 0 ? parts.slice(0, n).join(text(delimiter)) : parts.slice(n).join(text(delimiter));
    },
  },
  LCASE: { arity: 1, run: (value) => (isNull(value) ? null : text(value).toLowerCase()) },
  UCASE: { arity: 1, run: (value) => (isNull(value) ? null : text(value).toUpperCase()) },
  CHAR_LENGTH: { arity: 1, run: (value) => (isNull(value) ? null : int([...text(value)].length)) },
  CHARACTER_LENGTH: { arity: 1, run: (value) => (isNull(value) ? null : int([...text(value)].length)) },
  TRUNCATE: {
    arity: 2,
    run: (value, places) => {
      if (isNull(value, places)) return null;
      const factor = 10 ** Math.trunc(number(places));
      return Math.trunc(number(value) * factor) / factor;
    },
  },
  GREATEST: { arity: -1, run: (...values) => (isNull(...values) ? null : pickExtreme(values, 1)) },
  LEAST: { arity: -1, run: (...values) => (isNull(...values) ? null : pickExtreme(values, -1)) },
  REGEXP: {
    arity: 2,
    run: (pattern, value) => {
      if (isNull(pattern, value)) return null;
      try {
        return new RegExp(text(pattern), 'iu').test(text(value)) ? 1n : 0n;
      } catch {
        return null;
      }
    },
  },
  FIND_IN_SET: {
    arity: 2,
    run: (needle, list) => (isNull(needle, list) ? null : int(text(list).split(',').findIndex((item) => foldText(item) === foldText(text(needle))) + 1)),
  },
  SPACE: { arity: 1, run: (count) => (isNull(count) ? null : ' '.repeat(Math.max(0, Math.trunc(number(count))))) },
  REPEAT: { arity: 2, run: (value, count) => (isNull(value, count) ? null : text(value).repeat(Math.max(0, Math.trunc(number(count))))) },
  LPAD: { arity: 3, run: (value, length, fill) => (isNull(value, length, fill) ? null : padText(text(value), number(length), text(fill), 'start')) },
  RPAD: { arity: 3, run: (value, length, fill) => (isNull(value, length, fill) ? null : padText(text(value), number(length), text(fill), 'end')) },
  YEAR: { arity: 1, run: (value) => datePart(value, 'year') },
  MONTH: { arity: 1, run: (value) => datePart(value, 'month') },
  DAY: { arity: 1, run: (value) => datePart(value, 'day') },
  DAYOFMONTH: { arity: 1, run: (value) => datePart(value, 'day') },
  DATE_FORMAT: { arity: 2, run: (value, format) => (isNull(value, format) ? null : formatDate(text(value), text(format))) },
  STR_TO_DATE: { arity: 2, run: (value, format) => (isNull(value, format) ? null : parseDate(text(value), text(format))) },
  DATABASE: { arity: 0, run: () => 'dbbench' },
  SCHEMA: { arity: 0, run: () => 'dbbench' },
  VERSION: { arity: 0, run: () => '8.0.36' },
};

/**
 * Names the translator reports as the `mysql-functions` bridge (the folding helper is not MySQL's). SUM
 * is among them: over text MySQL sums as DOUBLE (`[(5.0,)]`), where SQLite would give an integer.
 */
export const MYSQL_FUNCTION_NAMES: ReadonlySet<string> = new Set([...Object.keys(FUNCTIONS).filter((name) => name !== 'DBBENCH_FOLD'), 'SUM']);

function datePart(value: Value, part: 'year' | 'month' | 'day'): Value {
  if (isNull(value)) return null;
  const parts = dateParts(text(value));
  return parts ? int(parts[part]) : null;
}

function substring(value: string, start: number, length: number): string {
  const characters = [...value];
  const from = start > 0 ? start - 1 : characters.length + start;
  return characters.slice(Math.max(0, from), Math.max(0, from) + Math.max(0, length)).join('');
}

function padText(value: string, length: number, fill: string, side: 'start' | 'end'): string | null {
  const target = Math.trunc(length);
  if (target < 0) return null;
  const characters = [...value];
  if (characters.length >= target) return characters.slice(0, target).join('');
  if (fill === '') return null;
  return side === 'start' ? value.padStart(target, fill) : value.padEnd(target, fill);
}

/** GREATEST/LEAST: numerically when every argument is a number, else as text (case-insensitively). */
function pickExtreme(values: Value[], direction: 1 | -1): Value {
  const numeric = values.every((value) => typeof value === 'number' || typeof value === 'bigint');
  return values.reduce((best, value) => {
    const comparison = numeric ? Number(value) - Number(best) : foldText(text(value)).localeCompare(foldText(text(best)));
    return comparison * direction > 0 ? value : best;
  });
}

/** Register the MySQL functions (or only the folding helper, when `mysql` is false) on a database. */
export function registerFunctions(database: DatabaseSync, options: { mysql: boolean }): void {
  for (const [name, { arity, run }] of Object.entries(FUNCTIONS)) {
    if (!options.mysql && name !== 'DBBENCH_FOLD') continue;
    // SQLite takes a function's arity from its declared parameters, unless it is variadic.
    const call = run as (...args: Value[]) => Value;
    const implementations: Record<number, (...args: SQLOutputValue[]) => SQLInputValue> = {
      0: () => call(),
      1: (a) => call(a as Value),
      2: (a, b) => call(a as Value, b as Value),
      3: (a, b, c) => call(a as Value, b as Value, c as Value),
    };
    const flags = { deterministic: true, useBigIntArguments: true };
    if (arity === -1) database.function(name.toLowerCase(), { ...flags, varargs: true }, (...args) => call(...(args as Value[])));
    else database.function(name.toLowerCase(), flags, implementations[arity]!);
  }
  if (!options.mysql) return;
  // SUM over text columns is a DOUBLE in MySQL; NULL over no rows, as SQLite's own sum.
  database.aggregate('sum', {
    start: null,
    useBigIntArguments: true,
    step: (total, value) => (value === null ? total : Number(total ?? 0) + number(value as Value)),
    inverse: (total, value) => (value === null ? total : Number(total ?? 0) - number(value as Value)),
    result: (total) => (total === null ? null : Number(total)),
  });
}
