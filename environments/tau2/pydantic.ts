/**
 * tau2's tools build pydantic models from the agent's arguments (a flight list becomes FlightInfo objects,
 * a new reservation is a Reservation model), and a value that does not fit fails the call with pydantic's
 * validation error. This reproduces those checks and their texts, with the documentation link of the
 * pydantic version tau2-bench locks (2.10).
 */
import { refuse } from '../../src/toolkit/tools.ts';
import { pythonRepr, pythonTypeName } from './python.ts';

/** pydantic's documentation link in its errors, for the version in tau2-bench's pdm.lock (2.10.6). */
const ERRORS_URL = 'https://errors.pydantic.dev/2.10/v/';

/**
 * One field of a model: a string, an integer, a boolean, one of fixed strings (a `Literal`, or a str
 * `Enum`, which pydantic words the same way under another error type).
 */
export interface FieldRule {
  name: string;
  type: 'str' | 'int' | 'bool' | { literal: readonly string[] } | { enum: readonly string[] };
  /** The field has a default: leaving it out is no error (and it is left out of the result). */
  optional?: boolean;
  /** `Optional[...]`: None is accepted. */
  nullable?: boolean;
}

/** Options of {@link validateModel}. */
export interface ModelOptions {
  /** The model forbids extra fields (`extra="forbid"`): each is an error of its own, after the fields'. */
  forbidExtra?: boolean;
}

/** Check `input` against a model's fields; the checked values, or the call is refused with pydantic's text. */
export function validateModel(model: string, input: Record<string, unknown>, fields: readonly FieldRule[], options: ModelOptions = {}): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const errors: string[] = [];
  const error = (location: string, value: unknown, found: Problem) =>
    errors.push(`${location}\n  ${found.message} [type=${found.type}, input_value=${pythonRepr(value)}, input_type=${pythonTypeName(value)}]\n    For further information visit ${ERRORS_URL}${found.type}`);
  for (const field of fields) {
    if (!Object.hasOwn(input, field.name) || input[field.name] === undefined) {
      if (!field.optional) errors.push(`${field.name}\n  Field required [type=missing, input_value=${pythonRepr(input)}, input_type=dict]\n    For further information visit ${ERRORS_URL}missing`);
      continue;
    }
    const value = input[field.name];
    const found = field.nullable && value === null ? undefined : checkField(field, value);
    if (found) error(field.name, value, found);
    else values[field.name] = value === null ? null : field.type === 'int' ? toInteger(value) : field.type === 'bool' ? toBoolean(value) : value;
  }
  if (options.forbidExtra) {
    const known = new Set(fields.map((field) => field.name));
    for (const key of Object.keys(input)) if (!known.has(key)) error(key, input[key], problem('Extra inputs are not permitted', 'extra_forbidden'));
  }
  if (errors.length > 0) refuse(`${errors.length} validation error${errors.length > 1 ? 's' : ''} for ${model}\n${errors.join('\n')}`);
  return values;
}

interface Problem {
  message: string;
  /** pydantic's error type, e.g. "missing", "string_type". */
  type: string;
}

const problem = (message: string, type: string): Problem => ({ message, type });

function checkField(field: FieldRule, value: unknown): Problem | undefined {
  if (field.type === 'str') return typeof value === 'string' ? undefined : problem('Input should be a valid string', 'string_type');
  if (field.type === 'int') {
    if (typeof value === 'number') return Number.isInteger(value) ? undefined : problem('Input should be a valid integer, got a number with a fractional part', 'int_from_float');
    if (typeof value === 'string') return /^\s*[+-]?\d+\s*$/.test(value) ? undefined : problem('Input should be a valid integer, unable to parse string as an integer', 'int_parsing');
    return typeof value === 'boolean' ? undefined : problem('Input should be a valid integer', 'int_type');
  }
  if (field.type === 'bool') {
    if (typeof value === 'boolean') return undefined;
    if (typeof value === 'number' && Number.isInteger(value)) return value === 0 || value === 1 ? undefined : problem('Input should be a valid boolean, unable to interpret input', 'bool_parsing');
    if (typeof value === 'string') return BOOLEAN_WORDS.has(value.toLowerCase()) ? undefined : problem('Input should be a valid boolean, unable to interpret input', 'bool_parsing');
    return problem('Input should be a valid boolean', 'bool_type');
  }
  const [choices, type] = 'literal' in field.type ? [field.type.literal, 'literal_error'] : [field.type.enum, 'enum'];
  if (typeof value === 'string' && choices.includes(value)) return undefined;
  const listed = choices.map((choice) => `'${choice}'`);
  return problem(`Input should be ${listed.length > 1 ? `${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}` : listed[0]}`, type);
}

/** The strings pydantic reads as booleans (in any case), true ones first. */
const TRUE_WORDS = ['1', 'on', 't', 'true', 'y', 'yes'];
const BOOLEAN_WORDS = new Set([...TRUE_WORDS, '0', 'off', 'f', 'false', 'n', 'no']);

function toBoolean(value: unknown): boolean {
  if (typeof value === 'string') return TRUE_WORDS.includes(value.toLowerCase());
  return value === true || value === 1;
}

function toInteger(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'string' ? Number.parseInt(value.trim(), 10) : (value as number);
}

/** Python's `int(text)` on a short string, with its error text. */
export function pythonInt(text: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) refuse(`invalid literal for int() with base 10: ${pythonRepr(text)}`);
  return Number.parseInt(text.trim(), 10);
}
