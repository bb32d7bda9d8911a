/**
 * Check stage "leak" (DESIGN.md §5.6): a harness encodes rules, not answers. A module whose strings copy
 * a task's instruction, or hard-code a value from a task's gold plan (an order id, an email, an address,
 * an expected amount), would pass the tasks it was tuned on and teach nothing; the gate might even
 * accept it, since validation tasks come from the same generator. So such literals are rejected before
 * any episode runs.
 *
 * Decisions:
 * - Instruction copies: any 24 characters in a row (after lower-casing and collapsing whitespace) that
 *   also occur in some task instruction, unless they also occur in the public text (rules, description,
 *   tool schemas). Template phrasing shared by many tasks counts too: matching the generator's wording
 *   is overfitting to the generator.
 * - Gold values: scalar arguments of every task's oracle plan, plus id- and amount-like tokens of its
 *   final messages (expected outputs such as "$157.62" or a tracking number). Values shorter than 5
 *   characters, and values found in the public text (tool names, enum values such as a cancel reason),
 *   are not secrets. Free-text values (24+ characters with spaces) are matched like instructions; the
 *   rest match as whole tokens inside a literal, case-insensitively.
 * - Numbers: a numeric literal with 5+ digits that equals a numeric gold value is a leak, except round
 *   numbers (10000, 50000), which are limits, not answers.
 * - Scanned: string literals, template parts, regular expressions (unescaped), chains of string
 *   literals joined with `+`, numeric literals. Not scanned: comments (they cannot act) and identifiers.
 */
import { ts } from 'ts-morph';
import type { Environment } from '../../contracts/environment.ts';
import type { LeakCorpus } from '../types.ts';
import type { HarnessFile } from '../../store/harness-files.ts';
import { capDiagnostics, findingAt, type Finding } from './workspace.ts';

/** A leak corpus that also carries the environment's public text, whose phrases are never leaks. */
export interface LeakScanCorpus extends LeakCorpus {
  /** Rules, description and tool schemas: windows of instruction text that also occur here are allowed. */
  readonly publicText?: string;
}

/** Characters of instruction text in a row that make a copy. */
export const INSTRUCTION_WINDOW = 24;
/** Shortest gold value that counts as a secret. */
export const MIN_VALUE_LENGTH = 5;

/**
 * Collect the leak corpus of an environment: every task's instruction (all splits), and the values of
 * every task's gold plan (the oracle's plan from the fresh state), minus what is public.
 */
export function buildLeakCorpus(environment: Environment, options: { seed?: number } = {}): LeakScanCorpus {
  const seed = options.seed ?? 0;
  const publicText = [environment.description, environment.rules, JSON.stringify(environment.tools)].join('\n');
  const publicNormalised = normalise(publicText);
  const values = new Set<string>();
  const add = (value: string) => {
    const trimmed = value.trim();
    if (trimmed.length >= MIN_VALUE_LENGTH && !publicNormalised.includes(normalise(trimmed))) values.add(trimmed);
  };
  for (const task of environment.tasks) {
    // Without an oracle there is no gold plan to protect: instructions only.
    for (const step of environment.reset(task.id, seed).oracle?.() ?? []) {
      if (step.action.kind === 'call') forEachScalar(step.action.arguments, add);
      else for (const token of step.action.message.match(ANSWER_TOKEN) ?? []) add(token.replace(/^\$/, '').replace(/[.,]+$/, ''));
    }
  }
  return {
    instructions: environment.tasks.map((task) => task.instruction),
    values: [...values].sort(),
    publicText,
  };
}

/** Id- and amount-like tokens of a final message: they contain a digit ("#W5837523", "$157.62", "130793448103"). */
const ANSWER_TOKEN = /[#$]?[A-Za-z0-9_@.,-]*\d[A-Za-z0-9_@.,-]*/g;

function forEachScalar(value: unknown, visit: (text: string) => void): void {
  if (Array.isArray(value)) for (const item of value) forEachScalar(item, visit);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) forEachScalar(item, visit);
  else if (typeof value === 'string' || typeof value === 'number') visit(String(value));
}

/**
 * Scan module sources for literals that copy an instruction or hard-code a gold value. One diagnostic
 * line per leak, `file:line:col leak-instruction|leak-value: ...` (at most 20), empty when clean.
 */
export function scanForLeaks(files: readonly HarnessFile[], corpus: LeakCorpus): string[] {
  return capDiagnostics(leakFindings(files, corpus).map((finding) => finding.text));
}

/** The leaks of each file, in file order. */
export function leakFindings(files: readonly HarnessFile[], corpus: LeakCorpus): Finding[] {
  const index = leakIndex(corpus);
  return files.flatMap(({ file, source }) => {
    const sourceFile = ts.createSourceFile(`/harness/${file}`, source, ts.ScriptTarget.ES2024, true, ts.ScriptKind.TS);
    const findings: Finding[] = [];
    const visit = (node: ts.Node): void => {
      const text = literalText(node);
      if (text !== undefined) {
        const leak = findLeak(text, index);
        if (leak) findings.push(findingAt(sourceFile, node.getStart(sourceFile), leak));
        return;
      }
      if (ts.isNumericLiteral(node)) {
        const leak = findNumberLeak(node.text, index);
        if (leak) findings.push(findingAt(sourceFile, node.getStart(sourceFile), leak));
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    return findings;
  });
}

interface LeakIndex {
  /** Normalised windows of instruction (and free-text value) text that are not public. */
  windows: ReadonlySet<string>;
  /** Normalised token values → the value as written. */
  tokens: ReadonlyMap<string, string>;
  /** Numeric gold values, as `String(Number(value))`. */
  numbers: ReadonlySet<string>;
}

// Corpora are built once per run and scanned for every candidate: index each once.
const indexes = new WeakMap<LeakCorpus, LeakIndex>();

function leakIndex(corpus: LeakCorpus): LeakIndex {
  const cached = indexes.get(corpus);
  if (cached) return cached;
  const publicWindows = windowsOf(normalise((corpus as LeakScanCorpus).publicText ?? ''));
  const windows = new Set<string>();
  const addPassage = (text: string) => {
    for (const window of windowsOf(normalise(text))) if (!publicWindows.has(window)) windows.add(window);
  };
  for (const instruction of corpus.instructions) addPassage(instruction);
  const tokens = new Map<string, string>();
  const numbers = new Set<string>();
  for (const value of corpus.values) {
    const normalised = normalise(value);
    if (normalised.length < MIN_VALUE_LENGTH) continue;
    if (normalised.length >= INSTRUCTION_WINDOW && /\s/.test(normalised)) addPassage(value);
    else tokens.set(normalised, value);
    const plain = value.replace(/,/g, '');
    if (/^\d+(\.\d+)?$/.test(plain)) numbers.add(String(Number(plain)));
  }
  const index = { windows, tokens, numbers };
  indexes.set(corpus, index);
  return index;
}

function windowsOf(text: string): Set<string> {
  const windows = new Set<string>();
  for (let start = 0; start + INSTRUCTION_WINDOW <= text.length; start++) windows.add(text.slice(start, start + INSTRUCTION_WINDOW));
  return windows;
}

/** Lower case, one space for any run of whitespace, straight quotes: copies survive re-wrapping. */
function normalise(text: string): string {
  return text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\s+/g, ' ').trim();
}

const RULES_NOT_ANSWERS = 'a harness encodes rules, not answers';

function findLeak(text: string, index: LeakIndex): string | undefined {
  const normalised = normalise(text);
  for (let start = 0; start + INSTRUCTION_WINDOW <= normalised.length; start++) {
    if (!index.windows.has(normalised.slice(start, start + INSTRUCTION_WINDOW))) continue;
    // Show the whole copied stretch, so the engineer sees what to take out.
    let end = start + INSTRUCTION_WINDOW;
    while (end < normalised.length && index.windows.has(normalised.slice(end + 1 - INSTRUCTION_WINDOW, end + 1))) end++;
    const copied = normalised.slice(start, end);
    const shown = copied.length > 80 ? `${copied.slice(0, 79)}…` : copied;
    return `leak-instruction: the string copies task instruction text ("${shown}"); ${RULES_NOT_ANSWERS}: read the request from view.instruction at run time and match on the rules and tool schemas`;
  }
  for (const [token, value] of index.tokens) {
    if (containsToken(normalised, token)) {
      return `leak-value: the string contains "${value}", a value from a task's gold plan (not in the rules or tool schemas); ${RULES_NOT_ANSWERS}: find ids and values at run time (view.instruction, view.peek, earlier tool results)`;
    }
  }
  return undefined;
}

function findNumberLeak(literal: string, index: LeakIndex): string | undefined {
  const value = Number(literal.replace(/_/g, ''));
  if (!Number.isFinite(value)) return undefined;
  const text = String(value);
  if (text.replace(/\D/g, '').length < MIN_VALUE_LENGTH || /^[1-9]0+$/.test(text) || !index.numbers.has(text)) return undefined;
  return `leak-value: the number ${text} equals a value from a task's gold plan (an id or expected amount); ${RULES_NOT_ANSWERS}: compute it at run time from the view and tool results`;
}

const WORD = /[a-z0-9_]/;

/** `token` occurs in `text` and is not part of a longer word or number there. */
function containsToken(text: string, token: string): boolean {
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    const before = text[at - 1];
    const after = text[at + token.length];
    const startsWord = WORD.test(token[0]!);
    const endsWord = WORD.test(token[token.length - 1]!);
    if ((!startsWord || before === undefined || !WORD.test(before)) && (!endsWord || after === undefined || !WORD.test(after))) return true;
  }
  return false;
}

/**
 * The text a node spells out as a constant: string literals, template parts, regular expressions with
 * their escapes removed, and `+` chains made only of string literals (joined, so that splitting a copy
 * into pieces does not hide it).
 */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) return node.text;
  if (ts.isRegularExpressionLiteral(node)) {
    const body = node.text.slice(1, node.text.lastIndexOf('/'));
    return body.replace(/\\([^A-Za-z0-9])/g, '$1');
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return joined(node);
  return undefined;
}

function joined(node: ts.Expression): string | undefined {
  if (ts.isParenthesizedExpression(node)) return joined(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = joined(node.left);
    const right = left === undefined ? undefined : joined(node.right);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  return undefined;
}
