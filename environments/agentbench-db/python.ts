/**
 * The little of Python that DBBench's interface is made of. AgentBench shows query results as Python's
 * `str()` of the rows (`[('Decision', 12.0)]`) and reads the agent's answer with Python's `eval`; both are
 * reproduced here for the values that occur: strings, integers, floats, None, booleans, lists, tuples.
 */

/** A Python value as parsed from a literal. */
export type PythonValue = string | PythonInt | number | boolean | null | PythonValue[] | PythonTuple;

/** A Python int (kept apart from floats: `12` and `12.0` print differently). */
export interface PythonInt {
  readonly int: bigint;
}

/** A Python tuple. */
export interface PythonTuple {
  readonly tuple: PythonValue[];
}

export const isInt = (value: PythonValue): value is PythonInt => typeof value === 'object' && value !== null && 'int' in value;
export const isTuple = (value: PythonValue): value is PythonTuple => typeof value === 'object' && value !== null && 'tuple' in value;

/** Python's repr of a float: shortest round-trip digits, `.0` on integers, exponent outside [1e-4, 1e16). */
export function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}

/** What Python's `str.isprintable()` rejects: control, format, unassigned and separator characters but the space. */
const NOT_PRINTABLE = /^(?! )[\p{C}\p{Z}]$/u;
const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');

/** Python's repr of a str: single quotes unless the text has a single quote and no double quote. */
export function stringRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let body = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\') body += '\\\\';
    else if (char === quote) body += `\\${quote}`;
    else if (char === '\n') body += '\\n';
    else if (char === '\r') body += '\\r';
    else if (char === '\t') body += '\\t';
    else if (NOT_PRINTABLE.test(char)) body += code < 0x100 ? `\\x${hex(code, 2)}` : code < 0x10000 ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
    else body += char;
  }
  return `${quote}${body}${quote}`;
}

/** Python's repr of a value. */
export function pythonRepr(value: PythonValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return stringRepr(value);
  if (typeof value === 'number') return floatRepr(value);
  if (isInt(value)) return value.int.toString();
  if (isTuple(value)) return value.tuple.length === 1 ? `(${pythonRepr(value.tuple[0]!)},)` : `(${value.tuple.map(pythonRepr).join(', ')})`;
  return `[${value.map(pythonRepr).join(', ')}]`;
}

/** Python's str of a value (a str is itself; everything else is its repr). */
export function pythonStr(value: PythonValue): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** Characters Python's `str.strip()` removes (str.isspace). */
const PYTHON_SPACE = /^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu;

/** Python's `str.strip()`, or `str.strip(chars)`. */
export function pythonStrip(value: string, chars?: string): string {
  if (chars === undefined) return value.replace(PYTHON_SPACE, '');
  let start = 0;
  let end = value.length;
  while (start < end && chars.includes(value[start]!)) start++;
  while (end > start && chars.includes(value[end - 1]!)) end--;
  return value.slice(start, end);
}

const DIGITS = String.raw`\d(?:_?\d)*`;
const FLOAT_TEXT = new RegExp(String.raw`^[+-]?(?:(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`, 'i');
const NUMBER_LITERAL = new RegExp(String.raw`^(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?`);

/** Python's `float(text)` accepts this. */
export function isPythonFloat(text: string): boolean {
  return FLOAT_TEXT.test(pythonStrip(text));
}

/** Python's `float(text)` (call only when {@link isPythonFloat} holds). */
export function pythonFloat(text: string): number {
  const body = pythonStrip(text).replaceAll('_', '').toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(body)) return body.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(body)) return Number.NaN;
  return Number(body);
}

/**
 * Python's `eval` of a literal: lists, tuples, strings (with escapes and implicit concatenation), ints,
 * floats, None, True, False. Anything else (names, calls, arithmetic) is what made AgentBench's `eval`
 * raise, and returns `undefined` here so the caller takes the same fallback.
 */
export function parsePythonLiteral(source: string): PythonValue | undefined {
  const parser = new LiteralParser(source);
  try {
    parser.skipSpace();
    const value = parser.value();
    parser.skipSpace();
    return parser.atEnd() ? value : undefined;
  } catch {
    return undefined;
  }
}

class LiteralParser {
  private position = 0;
  constructor(private readonly source: string) {}

  atEnd(): boolean {
    return this.position >= this.source.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && /[ \t\n\r\f\v]/.test(this.source[this.position]!)) this.position++;
  }

  private peek(): string {
    return this.source[this.position] ?? '';
  }

  private fail(): never {
    throw new Error(`not a literal at ${this.position}`);
  }

  value(): PythonValue {
    const char = this.peek();
    if (char === '[') return this.sequence(']');
    if (char === '(') {
      const items = this.sequence(')', true);
      return items;
    }
    if (char === "'" || char === '"' || (/[rRuUbB]/.test(char) && /['"]/.test(this.source[this.position + 1] ?? ''))) return this.strings();
    if (/[-+0-9.]/.test(char)) return this.number();
    const word = /^[A-Za-z_]\w*/.exec(this.source.slice(this.position))?.[0];
    if (word === 'None' || word === 'True' || word === 'False') {
      this.position += word.length;
      return word === 'None' ? null : word === 'True';
    }
    return this.fail();
  }

  private sequence(close: ']' | ')', tuple = false): PythonValue {
    this.position++;
    const items: PythonValue[] = [];
    let trailingComma = false;
    for (;;) {
      this.skipSpace();
      if (this.peek() === close) {
        this.position++;
        break;
      }
      items.push(this.value());
      this.skipSpace();
      if (this.peek() === ',') {
        this.position++;
        trailingComma = true;
        continue;
      }
      trailingComma = false;
      if (this.peek() !== close) this.fail();
    }
    if (!tuple) return items;
    // `(x)` is x itself; `(x,)` and `()` are tuples.
    if (items.length === 1 && !trailingComma) return items[0]!;
    return { tuple: items };
  }

  private strings(): string {
    let text = '';
    do {
      text += this.string();
      this.skipSpace();
    } while (/['"]/.test(this.peek()) || (/[rRuU]/.test(this.peek()) && /['"]/.test(this.source[this.position + 1] ?? '')));
    return text;
  }

  private string(): string {
    let raw = false;
    while (/[rRuUbB]/.test(this.peek())) {
      if (/[bB]/.test(this.peek())) this.fail(); // bytes are not str; AgentBench never sees them
      if (/[rR]/.test(this.peek())) raw = true;
      this.position++;
    }
    const quote = this.peek();
    const triple = this.source.startsWith(quote.repeat(3), this.position);
    const delimiter = triple ? quote.repeat(3) : quote;
    this.position += delimiter.length;
    let text = '';
    for (;;) {
      if (this.atEnd()) this.fail();
      if (this.source.startsWith(delimiter, this.position)) {
        this.position += delimiter.length;
        return text;
      }
      const char = this.peek();
      if (!triple && char === '\n') this.fail();
      if (char === '\\' && !raw) {
        const next = this.source[this.position + 1] ?? '';
        const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };
        if (next in escapes) {
          text += escapes[next];
          this.position += 2;
          continue;
        }
        const hex = /^x([0-9a-fA-F]{2})|^u([0-9a-fA-F]{4})|^U([0-9a-fA-F]{8})/.exec(this.source.slice(this.position + 1));
        if (hex) {
          text += String.fromCodePoint(parseInt(hex[1] ?? hex[2] ?? hex[3]!, 16));
          this.position += 1 + hex[0].length;
          continue;
        }
        text += '\\';
        this.position += 1;
        continue;
      }
      if (char === '\\' && raw) {
        text += char + (this.source[this.position + 1] ?? '');
        this.position += 2;
        continue;
      }
      text += char;
      this.position++;
    }
  }

  private number(): PythonValue {
    const rest = this.source.slice(this.position);
    const signs = /^(?:[+-]\s*)*/.exec(rest)![0];
    const match = NUMBER_LITERAL.exec(rest.slice(signs.length));
    if (!match) this.fail();
    this.position += signs.length + match[0].length;
    const negative = (signs.match(/-/g)?.length ?? 0) % 2 === 1;
    const body = match[0].replaceAll('_', '');
    if (/^\d+$/.test(body)) {
      if (/^0\d/.test(body) && /[1-9]/.test(body)) this.fail(); // Python 3 forbids leading zeros
      const int = BigInt(body);
      return { int: negative ? -int : int };
    }
    const value = Number(body);
    return negative ? -value : value;
  }
}
