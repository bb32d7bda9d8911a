/**
 * The Python behaviours tau2's tools rely on. Every expected value here was produced by CPython 3.11
 * (`round`, `repr`, `json.dumps`, and `str(round(float(eval(expression)), 2))` for `calculate`).
 */
import { describe, expect, it } from 'vitest';
import { calculate, PythonError } from '../../environments/tau2/calculate.ts';
import { ALL_FLOATS, pythonFloatRepr, pythonJson, pythonRepr, pythonRound } from '../../environments/tau2/python.ts';
import { restoreKeyOrder, keysInOrder } from '../../environments/tau2/key-order.ts';

describe('Python numbers', () => {
  it('rounds like round(x, 2): half to even on the exact binary value', () => {
    expect([0.125, 0.375, -0.125, 2.675, 1.005, 1234.565, 2.5].map((value) => pythonRound(value, value === 2.5 ? 0 : 2))).toEqual([0.12, 0.38, -0.12, 2.67, 1, 1234.57, 2]);
  });

  it('prints floats like repr()', () => {
    expect([54, 0.1, 1e16, 1.5e16, 1e-5, 0.0001, 123456789012345.6, 1e22, -0, 1.2676506002282294e30].map(pythonFloatRepr)).toEqual([
      '54.0', '0.1', '1e+16', '1.5e+16', '1e-05', '0.0001', '123456789012345.6', '1e+22', '-0.0', '1.2676506002282294e+30',
    ]);
  });

  it('serialises like json.dumps, floats as floats where the model says so', () => {
    expect(pythonJson({ a: 1, b: [1.5, 'é'], c: null, d: true }, ALL_FLOATS)).toBe('{"a": 1.0, "b": [1.5, "\\u00e9"], "c": null, "d": true}');
    expect(pythonJson({ count: 2, price: 3.5 })).toBe('{"count": 2, "price": 3.5}');
    expect(pythonRepr({ flight_number: 'HAT001', n: 2, ok: true, none: null, quote: "it's" })).toBe(`{'flight_number': 'HAT001', 'n': 2, 'ok': True, 'none': None, 'quote': "it's"}`);
  });

  it('keeps the file order of integer-like keys, as a Python dict does', () => {
    const text = '{"variants": {"9690244451": 1, "1151293680": 2, "x": 3}}';
    const value = JSON.parse(text) as { variants: Record<string, number> };
    // JavaScript moves the array-index-like key first.
    expect(Object.keys(value.variants)).toEqual(['1151293680', '9690244451', 'x']);
    restoreKeyOrder(value, text);
    expect(keysInOrder(value.variants)).toEqual(['9690244451', '1151293680', 'x']);
    expect(pythonJson(value)).toBe('{"variants": {"9690244451": 1, "1151293680": 2, "x": 3}}');
  });
});

describe('calculate', () => {
  it('evaluates what Python evaluates', () => {
    const cases: [string, string][] = [
      ['2 + 2', '4.0'], ['10 / 4', '2.5'], ['0.125*1', '0.12'], ['2**-1', '0.5'], ['-2**2', '-4.0'], ['(1+2)*3', '9.0'], ['7 // 2', '3.0'],
      ['-7 // 2', '-4.0'], ['1/3', '0.33'], ['100 - 54.04 - 41.64', '4.32'], ['3 ** 0.5', '1.73'], ['10000000000000000 * 1', '1e+16'],
      ['0.00001', '0.0'], ['2 ** 100', '1.2676506002282294e+30'], ['1234.565', '1234.57'], ['2.675', '2.67'],
      ['466.75 + 288.82 + 135.24 + 193.38 + 46.66', '1130.85'],
    ];
    for (const [expression, expected] of cases) expect(calculate(expression), expression).toBe(expected);
  });

  it("fails with Python's messages", () => {
    const cases: [string, string][] = [
      ['1e', 'Invalid characters in expression'],
      ['1/0', 'division by zero'],
      ['1.0/0', 'float division by zero'],
      ['', 'invalid syntax (<string>, line 0)'],
      ['2 (3)', "'int' object is not callable"],
      ['(1', "'(' was never closed (<string>, line 1)"],
      ['01', 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers (<string>, line 1)'],
      ['1.5.5', 'invalid syntax (<string>, line 1)'],
      ['(-8) ** 0.5', "float() argument must be a string or a real number, not 'complex'"],
    ];
    for (const [expression, message] of cases) {
      expect(() => calculate(expression), expression).toThrow(PythonError);
      expect(() => calculate(expression), expression).toThrow(message);
    }
  });
});
