/**
 * DBBench's answer comparison, as AgentBench does it (THUDM/AgentBench,
 * src/server/tasks/dbbench/result_processor.py, `DBResultProcessor.compare_results` and `_clean_answer`):
 * both the answer and the label are cleaned into lists of strings (a list literal is read with Python's
 * eval; percent signs and thousands separators dropped; None, null, nan, inf and the empty string all
 * become "0"), then compared: one value each → equal as floats within 0.01, else as strings; several
 * values → all floats: matched one to one within 0.01; otherwise as sets.
 */
import { isPythonFloat, isTuple, parsePythonLiteral, pythonFloat, pythonStr, pythonStrip, type PythonValue } from './python.ts';

/** AgentBench's float tolerance (`_float_equal(a, b, tol=1e-2)`). */
export const FLOAT_TOLERANCE = 1e-2;

const SPECIAL_VALUES = new Set(['none', 'null', 'undefined', 'nan', 'inf', 'infinity', '-inf', '-infinity', '']);

/** `_normalize_special_values`: drop a trailing %, thousands separators, and map empty-ish values to "0". */
export function normalizeValue(value: string | null): string {
  if (value === null) return '0';
  let text = pythonStrip(value);
  if (text.endsWith('%')) return pythonStrip(text.slice(0, -1));
  if (text.includes(',') && !text.startsWith('[') && !text.endsWith(']')) text = text.replaceAll(',', '');
  return SPECIAL_VALUES.has(text.toLowerCase()) ? '0' : text;
}

const unquote = (value: PythonValue): string => pythonStrip(pythonStrip(pythonStr(value)), '\'"');

/** `_clean_mysql_result`: the values of a `[(v,), (w,)]` result string; null when it is not one. */
function cleanMysqlResult(result: string): string[] | null {
  if (!(result.startsWith('[') && result.endsWith(']'))) return null;
  const parsed = parsePythonLiteral(result);
  if (Array.isArray(parsed) && parsed.every(isTuple)) {
    // Tuples of several values are skipped, exactly as AgentBench skips them.
    return parsed.flatMap((item) => (isTuple(item) && item.tuple.length === 1 ? [unquote(item.tuple[0]!)] : []));
  }
  const stripped = result.replace(/^[[\]]+|[[\]]+$/g, '');
  if ((stripped.match(/\(/g)?.length ?? 0) === 1 && stripped.startsWith('(') && stripped.endsWith(',)')) {
    return [pythonStrip(pythonStrip(stripped.slice(1, -2)), '\'"')];
  }
  return null;
}

/** `_clean_answer` of a string (the agent's final message) or a list of strings (a label). */
export function cleanAnswer(answer: string | readonly string[] | null): string[] {
  if (answer === null) return ['0'];
  if (typeof answer !== 'string') return answer.map((item) => normalizeValue(pythonStrip(pythonStrip(item), '\'"')));
  const fromResult = cleanMysqlResult(answer);
  if (fromResult !== null) return fromResult.map(normalizeValue);
  const text = pythonStrip(answer);
  if (!(text.startsWith('[') && text.endsWith(']'))) return [normalizeValue(pythonStrip(text, '\'"'))];
  // Where eval would raise (a name, a call, arithmetic), AgentBench splits by hand; expressions that
  // eval would compute (`[1][0]`) are not evaluated here and take the same fallback.
  const parsed = parsePythonLiteral(text);
  if (Array.isArray(parsed)) return parsed.map((item) => normalizeValue(isTuple(item) && item.tuple.length === 1 ? unquote(item.tuple[0]!) : unquote(item)));
  return splitByHand(text.slice(1, -1));
}

/** AgentBench's fallback when eval fails: split at commas outside quotes. */
function splitByHand(body: string): string[] {
  const items: string[] = [];
  let current = '';
  let inQuotes = false;
  for (const char of body) {
    if (char === '"' || char === "'") inQuotes = !inQuotes;
    else if (char === ',' && !inQuotes) {
      if (current) items.push(normalizeValue(pythonStrip(pythonStrip(current), '\'"')));
      current = '';
    } else current += char;
  }
  if (current) items.push(normalizeValue(pythonStrip(pythonStrip(current), '\'"')));
  return items;
}

const floatEqual = (left: string, right: string) => Math.abs(pythonFloat(left) - pythonFloat(right)) <= FLOAT_TOLERANCE;

/** How an answer compares with the label, with what is missing and extra for the verifier's report. */
export interface AnswerComparison {
  /** True exactly when AgentBench would score the answer correct. */
  correct: boolean;
  /** The cleaned answer values. */
  answer: string[];
  /** The cleaned label values. */
  expected: string[];
  /** Expected values the answer lacks. */
  missing: string[];
  /** Answer values the label lacks. */
  extra: string[];
}

/** `compare_results` for a SELECT task: the agent's final message against the task's label. */
export function compareAnswer(message: string, label: readonly string[]): AnswerComparison {
  const expected = cleanAnswer(label);
  const answer = cleanAnswer(message);
  const base = { answer, expected };
  const correct = isCorrect(answer, expected);
  const { missing, extra } = correct ? { missing: [], extra: [] } : setDifference(answer, expected);
  return { ...base, correct, missing, extra };
}

function isCorrect(answer: readonly string[], expected: readonly string[]): boolean {
  if (answer.length === 1 && expected.length === 1) {
    const [given, wanted] = [answer[0]!, expected[0]!];
    if (given === '0' && wanted === '0') return true;
    if (isPythonFloat(given) && isPythonFloat(wanted)) return floatEqual(given, wanted);
    return given === wanted;
  }
  if (answer.every(isPythonFloat) && expected.every(isPythonFloat)) {
    if (answer.length !== expected.length) return false;
    const matched = expected.map(() => false);
    for (const given of answer) {
      const index = expected.findIndex((wanted, position) => !matched[position] && floatEqual(given, wanted));
      if (index === -1) return false;
      matched[index] = true;
    }
    return matched.every(Boolean);
  }
  const answerSet = new Set(answer);
  const expectedSet = new Set(expected);
  return answerSet.size === expectedSet.size && [...answerSet].every((value) => expectedSet.has(value));
}

/** What a wrong answer lacks and adds, values compared as floats where both sides are numbers. */
function setDifference(answer: readonly string[], expected: readonly string[]): { missing: string[]; extra: string[] } {
  const same = (left: string, right: string) => left === right || (isPythonFloat(left) && isPythonFloat(right) && floatEqual(left, right));
  const missing = [...new Set(expected.filter((wanted) => !answer.some((given) => same(given, wanted))))];
  const extra = [...new Set(answer.filter((given) => !expected.some((wanted) => same(given, wanted))))];
  // Same values, wrong multiplicity (AgentBench counts float lists one to one).
  if (missing.length === 0 && extra.length === 0 && answer.length !== expected.length) {
    return answer.length < expected.length ? { missing: [expected.at(-1)!], extra: [] } : { missing: [], extra: [answer.at(-1)!] };
  }
  return { missing, extra };
}
