/**
 * tau2-bench's `calculate` tool: `str(round(float(eval(expression)), 2))` over the characters
 * "0123456789+-*\/(). ". Python's arithmetic is reproduced for what those characters can spell: integers
 * of any size, floats, + - * / // ** with Python's precedence, unary signs, parentheses, and Python's
 * error texts for the mistakes an agent makes (division by zero, bad syntax).
 */
import { pythonFloatRepr, pythonRound } from './python.ts';

const ALLOWED = new Set('0123456789+-*/(). ');

/** Python's exception text for an expression `calculate` refuses. */
export class PythonError extends Error {}

type Value = { kind: 'int'; value: bigint } | { kind: 'float'; value: number } | { kind: 'tuple' };

/** The tool's answer for an expression, or a thrown PythonError with Python's message. */
export function calculate(expression: string): string {
  for (const char of expression) if (!ALLOWED.has(char)) throw new PythonError('Invalid characters in expression');
  const result = toFloat(new Parser(tokenize(expression)).parseAll());
  return pythonFloatRepr(pythonRound(result, 2));
}

type Token = { kind: 'number'; text: string } | { kind: 'op'; text: string };

const SYNTAX = 'invalid syntax (<string>, line 1)';

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < expression.length) {
    const char = expression[index]!;
    if (char === ' ') {
      index++;
      continue;
    }
    const number = /^(\d+\.\d*|\.\d+|\d+)/.exec(expression.slice(index));
    if (number) {
      const text = number[1]!;
      if (/^0\d*[1-9]/.test(text) && !text.includes('.')) {
        throw new PythonError('leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers (<string>, line 1)');
      }
      tokens.push({ kind: 'number', text });
      index += text.length;
      continue;
    }
    const operator = ['**', '//'].find((candidate) => expression.startsWith(candidate, index)) ?? char;
    tokens.push({ kind: 'op', text: operator });
    index += operator.length;
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): Value {
    if (this.tokens.length === 0) throw new PythonError('invalid syntax (<string>, line 0)');
    const value = this.expression();
    if (this.position < this.tokens.length) throw new PythonError(SYNTAX);
    return value;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private takeOperator(...operators: string[]): string | undefined {
    const token = this.peek();
    if (token?.kind === 'op' && operators.includes(token.text)) {
      this.position++;
      return token.text;
    }
    return undefined;
  }

  private expression(): Value {
    let left = this.term();
    for (let operator = this.takeOperator('+', '-'); operator; operator = this.takeOperator('+', '-')) {
      left = binary(operator, left, this.term());
    }
    return left;
  }

  private term(): Value {
    let left = this.factor();
    for (let operator = this.takeOperator('*', '/', '//'); operator; operator = this.takeOperator('*', '/', '//')) {
      left = binary(operator, left, this.factor());
    }
    return left;
  }

  private factor(): Value {
    const sign = this.takeOperator('+', '-');
    if (sign) return unary(sign, this.factor());
    return this.power();
  }

  private power(): Value {
    const base = this.primary();
    // `**` binds tighter than a unary sign on its left and takes a signed operand on its right.
    if (this.takeOperator('**')) return binary('**', base, this.factor());
    return base;
  }

  private primary(): Value {
    let value = this.atom();
    // Python parses `2 (3)` as a call of the number 2.
    while (this.peek()?.kind === 'op' && this.peek()!.text === '(') {
      this.position++;
      if (!this.takeOperator(')')) {
        this.expression();
        if (!this.takeOperator(')')) throw new PythonError("'(' was never closed (<string>, line 1)");
      }
      throw new PythonError(`'${typeName(value)}' object is not callable`);
    }
    return value;
  }

  private atom(): Value {
    const token = this.peek();
    if (!token) throw new PythonError(SYNTAX);
    this.position++;
    if (token.kind === 'number') {
      return token.text.includes('.') ? { kind: 'float', value: Number(token.text) } : { kind: 'int', value: BigInt(token.text) };
    }
    if (token.text === '(') {
      if (this.takeOperator(')')) return { kind: 'tuple' };
      const inner = this.expression();
      if (!this.takeOperator(')')) throw new PythonError(this.position >= this.tokens.length ? "'(' was never closed (<string>, line 1)" : SYNTAX);
      return inner;
    }
    if (token.text === ')') throw new PythonError("unmatched ')' (<string>, line 1)");
    throw new PythonError(SYNTAX);
  }
}

function typeName(value: Value): string {
  return value.kind;
}

/** Python's float(int), which refuses integers beyond the float range. */
function intToFloat(value: bigint): number {
  const result = Number(value);
  if (!Number.isFinite(result)) throw new PythonError('int too large to convert to float');
  return result;
}

function toFloat(value: Value): number {
  if (value.kind === 'tuple') throw new PythonError("float() argument must be a string or a real number, not 'tuple'");
  return value.kind === 'int' ? intToFloat(value.value) : value.value;
}

function unary(sign: string, operand: Value): Value {
  if (operand.kind === 'tuple') throw new PythonError(`bad operand type for unary ${sign}: 'tuple'`);
  if (sign === '+') return operand;
  return operand.kind === 'int' ? { kind: 'int', value: -operand.value } : { kind: 'float', value: -operand.value };
}

function binary(operator: string, left: Value, right: Value): Value {
  if (left.kind === 'tuple' || right.kind === 'tuple') {
    throw new PythonError(`unsupported operand type(s) for ${operator}: '${typeName(left)}' and '${typeName(right)}'`);
  }
  if (left.kind === 'int' && right.kind === 'int') return integerOperation(operator, left.value, right.value);
  const a = left.kind === 'int' ? intToFloat(left.value) : left.value;
  const b = right.kind === 'int' ? intToFloat(right.value) : right.value;
  switch (operator) {
    case '+':
      return { kind: 'float', value: a + b };
    case '-':
      return { kind: 'float', value: a - b };
    case '*':
      return { kind: 'float', value: a * b };
    case '/':
      if (b === 0) throw new PythonError('float division by zero');
      return { kind: 'float', value: a / b };
    case '//':
      if (b === 0) throw new PythonError('float floor division by zero');
      return { kind: 'float', value: Math.floor(a / b) };
    default:
      return floatPower(a, b);
  }
}

function integerOperation(operator: string, a: bigint, b: bigint): Value {
  switch (operator) {
    case '+':
      return { kind: 'int', value: a + b };
    case '-':
      return { kind: 'int', value: a - b };
    case '*':
      return { kind: 'int', value: a * b };
    case '/':
      if (b === 0n) throw new PythonError('division by zero');
      return { kind: 'float', value: trueDivide(a, b) };
    case '//': {
      if (b === 0n) throw new PythonError('integer division or modulo by zero');
      const quotient = a / b;
      // BigInt division truncates; Python floors.
      return { kind: 'int', value: (a % b !== 0n && (a < 0n) !== (b < 0n)) ? quotient - 1n : quotient };
    }
    default: {
      if (b < 0n) {
        if (a === 0n) throw new PythonError('0.0 cannot be raised to a negative power');
        return floatPower(intToFloat(a), intToFloat(b));
      }
      const bits = a === 0n || a === 1n || a === -1n ? 1 : a.toString(2).length * Number(b);
      if (bits > 1_000_000) throw new PythonError('int too large to convert to float');
      return { kind: 'int', value: a ** b };
    }
  }
}

/** Python's int / int: the exact quotient, correctly rounded to a float. */
function trueDivide(a: bigint, b: bigint): number {
  const limit = 2n ** 53n;
  const abs = (value: bigint) => (value < 0n ? -value : value);
  if (abs(a) <= limit && abs(b) <= limit) return Number(a) / Number(b);
  // Scale so the integer quotient carries more bits than a double keeps, then shift the point back.
  const bitLength = (value: bigint) => abs(value).toString(2).length;
  const shift = Math.max(0, bitLength(b) - bitLength(a) + 70);
  let result = Number((a * (1n << BigInt(shift))) / b);
  if (!Number.isFinite(result)) throw new PythonError('integer division result too large for a float');
  for (let remaining = shift; remaining > 0; remaining -= 1000) result /= 2 ** Math.min(remaining, 1000);
  return result;
}

function floatPower(a: number, b: number): Value {
  if (a === 0 && b < 0) throw new PythonError('0.0 cannot be raised to a negative power');
  if (a < 0 && !Number.isInteger(b)) throw new PythonError("float() argument must be a string or a real number, not 'complex'");
  const result = Math.pow(a, b);
  if (!Number.isFinite(result) && Number.isFinite(a) && Number.isFinite(b)) throw new PythonError("(34, 'Numerical result out of range')");
  return { kind: 'float', value: result };
}
