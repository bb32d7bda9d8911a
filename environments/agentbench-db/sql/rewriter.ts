/**
 * The token rewriter the bridges work with: tokens keep their positions; a bridge replaces a token's
 * text or adds text around a run of tokens, and records that it fired. Plus the operand helpers the
 * bridges share (where a column reference, a number or a string literal starts and ends).
 */
import { BRIDGE_NAMES, type BridgeName } from './bridge-names.ts';
import { isTrivia, isWord, type Token } from './lexer.ts';

/** Operators (and the qualifier dot) that make a name part of an expression rather than a bare operand. */
export const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '.']);
/** Words that end an operand but are not column names. */
export const NOT_COLUMNS = new Set([
  'SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'NULL', 'IS', 'IN', 'LIKE', 'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END',
  'AS', 'ON', 'JOIN', 'GROUP', 'BY', 'ORDER', 'HAVING', 'LIMIT', 'OFFSET', 'ASC', 'DESC', 'DISTINCT', 'ALL', 'UNION', 'EXISTS',
  'TRUE', 'FALSE', 'INTERVAL', 'BINARY', 'COLLATE', 'ESCAPE', 'REGEXP', 'RLIKE', 'DIV', 'MOD', 'XOR', 'SET', 'VALUES', 'ANY', 'SOME',
  'UNKNOWN', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP',
]);

export class Rewriter {
  readonly tokens: readonly Token[];
  /** The `=` tokens that are assignments of a SET list (not comparisons). */
  readonly assignments: ReadonlySet<number>;
  /** Indices of the tokens that are not spaces or comments. */
  readonly significant: number[];
  private readonly out: string[];
  private readonly before: string[];
  private readonly after: string[];
  private readonly fired = new Set<BridgeName>();
  private readonly disabled: ReadonlySet<BridgeName>;

  constructor(tokens: readonly Token[], disabled: ReadonlySet<BridgeName>) {
    this.tokens = tokens;
    this.disabled = disabled;
    this.significant = tokens.flatMap((token, index) => (isTrivia(token) ? [] : [index]));
    this.out = tokens.map((token) => (token.kind === 'comment' ? ' ' : token.text));
    this.before = tokens.map(() => '');
    this.after = tokens.map(() => '');
    this.assignments = new Set(
      assignmentSegments(this).flatMap(([first, last]) => this.significant.filter((index) => index >= first && index <= last && tokens[index]!.text === '=').slice(0, 1)),
    );
  }

  /** Run a bridge's edit unless the bridge is disabled; record that it fired. */
  apply(bridge: BridgeName, edit: () => void): boolean {
    if (this.disabled.has(bridge)) return false;
    edit();
    this.fired.add(bridge);
    return true;
  }

  enabled(bridge: BridgeName): boolean {
    return !this.disabled.has(bridge);
  }

  replace(index: number, text: string): void {
    this.out[index] = text;
  }

  text(index: number): string {
    return this.out[index]!;
  }

  /** Wrap tokens `start..end` (inclusive) in `prefix` and `suffix`. */
  wrap(start: number, end: number, prefix: string, suffix: string): void {
    this.before[start] = prefix + this.before[start]!;
    this.after[end] = this.after[end]! + suffix;
  }

  /** The rendered text of tokens `start..end` (inclusive), as emitted so far. */
  slice(start: number, end: number): string {
    let text = '';
    for (let index = start; index <= end; index++) text += this.before[index]! + this.out[index]! + this.after[index]!;
    return text;
  }

  /** The next significant token index after `index` (or -1). */
  next(index: number): number {
    return this.significant.find((candidate) => candidate > index) ?? -1;
  }

  /** The previous significant token index before `index` (or -1). */
  previous(index: number): number {
    for (let position = this.significant.length - 1; position >= 0; position--) if (this.significant[position]! < index) return this.significant[position]!;
    return -1;
  }

  /** The index of the `)` that closes the `(` at `open` (or -1). */
  closing(open: number): number {
    let depth = 0;
    for (let index = open; index < this.tokens.length; index++) {
      const text = this.tokens[index]!.kind === 'punctuation' ? this.tokens[index]!.text : '';
      if (text === '(') depth++;
      else if (text === ')' && --depth === 0) return index;
    }
    return -1;
  }

  /** Paren depth of every token (the depth inside which it sits). */
  depths(): number[] {
    let depth = 0;
    return this.tokens.map((token) => {
      if (token.kind === 'punctuation' && token.text === ')') depth = Math.max(0, depth - 1);
      const at = depth;
      if (token.kind === 'punctuation' && token.text === '(') depth++;
      return at;
    });
  }

  token(index: number): Token | undefined {
    return index < 0 ? undefined : this.tokens[index];
  }

  render(): string {
    return this.slice(0, this.tokens.length - 1);
  }

  firedBridges(): BridgeName[] {
    return BRIDGE_NAMES.filter((name) => this.fired.has(name));
  }
}

export type Bridge = (rewriter: Rewriter) => void;

/**
 * The `column = value` segments of a top-level SET list (UPDATE … SET, INSERT … SET, ON DUPLICATE KEY
 * UPDATE), as [first, last] significant token indices.
 */
export function assignmentSegments(rewriter: Pick<Rewriter, 'tokens' | 'significant' | 'depths'>): [number, number][] {
  const depths = rewriter.depths();
  const segments: [number, number][] = [];
  const { tokens, significant } = rewriter;
  for (let position = 0; position < significant.length; position++) {
    const index = significant[position]!;
    const isSet = depths[index] === 0 && (isWord(tokens[index], 'SET') || (isWord(tokens[index], 'UPDATE') && isWord(tokens[significant[position - 1] ?? -1], 'KEY')));
    if (!isSet) continue;
    let first = -1;
    let last = -1;
    for (let cursor = position + 1; cursor < significant.length; cursor++) {
      const current = significant[cursor]!;
      const token = tokens[current]!;
      if (depths[current] === 0 && isWord(token, 'WHERE', 'ORDER', 'LIMIT', 'ON')) break;
      if (depths[current] === 0 && token.kind === 'punctuation' && token.text === ',') {
        if (first !== -1) segments.push([first, last]);
        first = -1;
        continue;
      }
      if (first === -1) first = current;
      last = current;
    }
    if (first !== -1) segments.push([first, last]);
  }
  return segments;
}

export const isName = (token: Token | undefined): boolean =>
  token !== undefined && (token.kind === 'quoted-identifier' || (token.kind === 'word' && !NOT_COLUMNS.has(token.value.toUpperCase())));

/** The first token of a column reference (`col`, `t.col`, `` `t`.`col` ``) that ends at `end`, or -1. */
export function columnEndingAt(rewriter: Rewriter, end: number): number {
  if (!isName(rewriter.token(end))) return -1;
  let start = end;
  let dot = rewriter.previous(start);
  while (rewriter.token(dot)?.text === '.' && isName(rewriter.token(rewriter.previous(dot)))) {
    start = rewriter.previous(dot);
    dot = rewriter.previous(start);
  }
  const before = rewriter.token(rewriter.previous(start));
  // Inside arithmetic, or a name that is really a collation, the operand is not the bare column.
  if (before && ((before.kind === 'operator' && ARITHMETIC.has(before.text)) || isWord(before, 'COLLATE'))) return -1;
  return start;
}

/** The last token of a column reference starting at `start`, or -1. */
export function columnStartingAt(rewriter: Rewriter, start: number): number {
  if (!isName(rewriter.token(start))) return -1;
  let end = start;
  let dot = rewriter.next(end);
  while (rewriter.token(dot)?.text === '.' && isName(rewriter.token(rewriter.next(dot)))) {
    end = rewriter.next(dot);
    dot = rewriter.next(end);
  }
  const after = rewriter.token(rewriter.next(end));
  if (after && (after.text === '(' || (after.kind === 'operator' && ARITHMETIC.has(after.text)) || isWord(after, 'COLLATE'))) return -1;
  return end;
}

/** The last token of a (signed) number literal starting at `start` that is a whole operand, or -1. */
export function numberAt(rewriter: Rewriter, start: number): number {
  let index = start;
  const token = rewriter.token(index);
  if (token?.kind === 'operator' && (token.text === '-' || token.text === '+')) index = rewriter.next(index);
  return rewriter.token(index)?.kind === 'number' ? index : -1;
}

/** True when the string literal at `index` is a whole operand (not the start of an expression). */
export function stringOperandAt(rewriter: Rewriter, index: number): boolean {
  if (rewriter.token(index)?.kind !== 'string') return false;
  const after = rewriter.token(rewriter.next(index));
  return !(after && ((after.kind === 'operator' && ARITHMETIC.has(after.text)) || isWord(after, 'COLLATE')));
}

/** The items of a parenthesised list `( a, b, c )` as [first, last] significant token indices. */
export function listItems(rewriter: Rewriter, open: number, close: number): [number, number][] {
  if (close === -1) return [];
  const items: [number, number][] = [];
  let start = -1;
  let last = -1;
  let depth = 0;
  for (const index of rewriter.significant) {
    if (index <= open || index >= close) continue;
    const text = rewriter.tokens[index]!.text;
    if (text === '(') depth++;
    if (text === ')') depth--;
    if (depth === 0 && text === ',' && rewriter.tokens[index]!.kind === 'punctuation') {
      if (start !== -1) items.push([start, last]);
      start = -1;
      continue;
    }
    if (start === -1) start = index;
    last = index;
  }
  if (start !== -1) items.push([start, last]);
  return items;
}

/** The first significant token between `open` and `close` at their depth that satisfies `test`, or -1. */
export function topLevel(rewriter: Rewriter, open: number, close: number, test: (token: Token) => boolean): number {
  let depth = 0;
  for (const index of rewriter.significant) {
    if (index <= open || index >= close) continue;
    const token = rewriter.tokens[index]!;
    if (token.text === '(') depth++;
    else if (token.text === ')') depth--;
    else if (depth === 0 && test(token)) return index;
  }
  return -1;
}
