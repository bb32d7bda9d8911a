/**
 * DBBench's answer comparison, case by case against AgentBench's result_processor.py
 * (`compare_results`, `_clean_answer`, `_normalize_special_values`, `_float_equal`), and the Python
 * literals it is built on.
 */
import { describe, expect, it } from 'vitest';
import { cleanAnswer, compareAnswer, normalizeValue } from '../../environments/agentbench-db/answer.ts';
import { floatRepr, isPythonFloat, parsePythonLiteral, pythonRepr, stringRepr } from '../../environments/agentbench-db/python.ts';

const correct = (message: string, label: string[]) => compareAnswer(message, label).correct;

describe('Python literals', () => {
  it("prints floats and strings as Python's repr does", () => {
    expect([12, 0.1, 1e16, 1.5e-5, 0.0001, -0, 123456789012345.6, 2.5e-10].map(floatRepr)).toEqual(['12.0', '0.1', '1e+16', '1.5e-05', '0.0001', '-0.0', '123456789012345.6', '2.5e-10']);
    expect(stringRepr("it's")).toBe(`"it's"`);
    expect(stringRepr('say "hi" it\'s')).toBe(`'say "hi" it\\'s'`);
    expect(stringRepr('a\nb\u00a0c')).toBe("'a\\nb\\xa0c'");
    expect(pythonRepr([{ tuple: ['x'] }, { tuple: [{ int: 3n }, null] }])).toBe("[('x',), (3, None)]");
  });

  it('parses what eval would, and refuses what eval would not', () => {
    expect(parsePythonLiteral("[('a',), (1.0,)]")).toEqual([{ tuple: ['a'] }, { tuple: [1] }]);
    expect(parsePythonLiteral('["x", \'y\' "z", None, True, -3]')).toEqual(['x', 'yz', null, true, { int: -3n }]);
    expect(parsePythonLiteral('[Decimal(\'1\')]')).toBeUndefined();
    expect(parsePythonLiteral('[1 + 1]')).toBeUndefined();
    expect(parsePythonLiteral('[007]')).toBeUndefined();
  });

  it("accepts floats as Python's float() does", () => {
    expect(['1', ' 2.5 ', '1e3', '1_000', '.5', '5.', '-inf', 'NaN'].every(isPythonFloat)).toBe(true);
    expect(['', '1,000', '1__0', '.', 'e5', '12abc', '0x10'].some(isPythonFloat)).toBe(false);
  });
});

describe('cleaning', () => {
  it('normalises special values, percentages and thousands separators', () => {
    expect(['None', 'null', '', 'NaN', '-Infinity', ' 12% ', '1,174', '[1,2]', '23,3%'].map(normalizeValue)).toEqual(['0', '0', '0', '0', '0', '12', '1174', '[1,2]', '23,3']);
  });

  it('reads a MySQL result, a list, a bare value, and falls back to splitting by hand', () => {
    expect(cleanAnswer("[('Vienna',), ('Rome',)]")).toEqual(['Vienna', 'Rome']);
    expect(cleanAnswer("[('Vienna', 3)]")).toEqual([]);
    expect(cleanAnswer('["1,174", "12%"]')).toEqual(['1174', '12']);
    expect(cleanAnswer("  'Vienna'  ")).toEqual(['Vienna']);
    expect(cleanAnswer('[Vienna, "Rome"]')).toEqual(['Vienna', 'Rome']);
    expect(cleanAnswer(['"House of Cards"'])).toEqual(['House of Cards']);
  });
});

describe('comparison', () => {
  it('one value: floats within 0.01, "0"-like values equal, else exact text', () => {
    expect(correct('["1,174"]', ['1174.0'])).toBe(true);
    expect(correct('[12.004]', ['12'])).toBe(true);
    expect(correct('[12.02]', ['12'])).toBe(false);
    expect(correct('["None"]', ['none'])).toBe(true);
    expect(correct('[]', ['none'])).toBe(false);
    expect(correct('["None"]', ['0.0'])).toBe(true);
    expect(correct('["vienna"]', ['Vienna'])).toBe(false);
    expect(correct('Vienna', ['Vienna'])).toBe(true);
  });

  it('several values: as sets, or one to one within 0.01 when all are numbers', () => {
    expect(correct('["Rome", "Vienna", "Rome"]', ['Vienna', 'Rome'])).toBe(true);
    expect(correct('["Rome"]', ['Vienna', 'Rome'])).toBe(false);
    expect(correct('[1.001, 2]', ['2', '1'])).toBe(true);
    expect(correct('[1, 1, 2]', ['1', '2'])).toBe(false);
  });

  it('names what is missing and what is extra', () => {
    expect(compareAnswer('["Rome", "Oslo"]', ['Vienna', 'Rome'])).toMatchObject({ correct: false, missing: ['Vienna'], extra: ['Oslo'] });
    expect(compareAnswer('[1, 1, 2]', ['1', '2'])).toMatchObject({ correct: false, missing: [], extra: ['2'] });
  });
});
