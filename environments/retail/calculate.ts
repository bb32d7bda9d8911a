/**
 * A safe arithmetic evaluator for the `calculate` tool: a recursive-descent parser over numbers,
 * + - * / and parentheses. It never hands text to `eval` or `Function`, so nothing but arithmetic runs.
 */

/** The outcome of evaluating an expression. */
export type Calculation = { ok: true; value: number } | { ok: false; error: string };

const MAX_LENGTH = 500;
const MAX_DEPTH = 50;

/** Evaluate `expression`; errors are plain messages (without the "Error: " prefix). */
export function calculate(expression: string): Calculation {
  if (expression.length > MAX_LENGTH) return { ok: false, error: `expression longer than ${MAX_LENGTH} characters` };
  const tokens = tokenize(expression);
  if (typeof tokens === 'string') return { ok: false, error: tokens };
  if (tokens.length === 0) return { ok: false, error: 'empty expression' };
  const parser = new Parser(tokens);
  try {
    const value = parser.expression(0);
    if (!parser.done()) return { ok: false, error: `unexpected '${parser.peek()}'` };
    if (!Number.isFinite(value)) return { ok: false, error: 'division by zero' };
    return { ok: true, value };
  } catch (problem) {
    if (problem instanceof SyntaxProblem) return { ok: false, error: problem.message };
    throw problem;
  }
}

/** Splits the text into numbers and operator characters, or explains the first bad character. */
function tokenize(text: string): string[] | string {
  const tokens: string[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index] as string;
    if (/\s/.test(character)) {
      index++;
    } else if ('+-*/()'.includes(character)) {
      tokens.push(character);
      index++;
    } else if (/[\d.]/.test(character)) {
      const match = /^(\d+(\.\d*)?|\.\d+)/.exec(text.slice(index));
      if (!match) return `invalid number at position ${index}`;
      tokens.push(match[0]);
      index += match[0].length;
    } else {
      return `unexpected character '${character}' (only numbers, + - * / and parentheses are allowed)`;
    }
  }
  return tokens;
}

class SyntaxProblem extends Error {}

class Parser {
  private position = 0;

  constructor(private readonly tokens: string[]) {}

  done(): boolean {
    return this.position >= this.tokens.length;
  }

  peek(): string | undefined {
    return this.tokens[this.position];
  }

  /** expression := term (('+' | '-') term)* */
  expression(depth: number): number {
    let value = this.term(depth);
    while (this.peek() === '+' || this.peek() === '-') {
      const operator = this.tokens[this.position++];
      const right = this.term(depth);
      value = operator === '+' ? value + right : value - right;
    }
    return value;
  }

  /** term := factor (('*' | '/') factor)* */
  private term(depth: number): number {
    let value = this.factor(depth);
    while (this.peek() === '*' || this.peek() === '/') {
      const operator = this.tokens[this.position++];
      const right = this.factor(depth);
      value = operator === '*' ? value * right : value / right;
    }
    return value;
  }

  /** factor := ('+' | '-') factor | number | '(' expression ')' */
  private factor(depth: number): number {
    if (depth > MAX_DEPTH) throw new SyntaxProblem('expression nested too deeply');
    const token = this.tokens[this.position++];
    if (token === undefined) throw new SyntaxProblem('unexpected end of expression');
    if (token === '-') return -this.factor(depth + 1);
    if (token === '+') return this.factor(depth + 1);
    if (token === '(') {
      const value = this.expression(depth + 1);
      if (this.tokens[this.position++] !== ')') throw new SyntaxProblem("missing ')'");
      return value;
    }
    if (/^[\d.]/.test(token)) return Number(token);
    throw new SyntaxProblem(`unexpected '${token}'`);
  }
}
