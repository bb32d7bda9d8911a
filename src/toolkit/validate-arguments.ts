/**
 * Argument validation against a tool's schema. Returns the error text the agent sees (realistic,
 * actionable: which argument, what was expected) or null when the arguments fit.
 */
import type { Json, JsonObject, ParameterSchema, ToolSchema } from '../../src/harness/api.ts';

/** How much of a schema the dispatcher enforces before the implementation runs. */
export interface ValidationOptions {
  /**
   * False: check names, presence and types only, and leave `pattern` and `enum` to the implementation (for
   * tools that reproduce another system's own error texts, e.g. a benchmark's "Order not found"; the
   * schema still shows the formats to the model and to harness code). Default true.
   */
  values?: boolean;
}

/** The first problem with `args` for `schema`, as an "Error: ..." text, or null. */
export function validateArguments(schema: ToolSchema, args: JsonObject, options: ValidationOptions = {}): string | null {
  const values = options.values !== false;
  const properties = schema.parameters.properties;
  for (const name of Object.keys(args)) {
    if (!(name in properties)) {
      const expected = Object.keys(properties);
      const list = expected.length > 0 ? expected.map((key) => `'${key}'`).join(', ') : 'none';
      return `Error: unexpected argument '${name}' for tool '${schema.name}'. Expected arguments: ${list}`;
    }
  }
  for (const name of schema.parameters.required) {
    if (args[name] === undefined || args[name] === null) return `Error: missing required argument '${name}'`;
  }
  for (const [name, value] of Object.entries(args)) {
    const problem = checkValue(name, value, properties[name] as ParameterSchema, values);
    if (problem) return problem;
  }
  return null;
}

function checkValue(name: string, value: Json, schema: ParameterSchema, values: boolean): string | null {
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') return `Error: argument '${name}' must be a string`;
      return values ? checkString(name, value, schema) : null;
    }
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) {
        return `Error: argument '${name}' must be ${schema.type === 'integer' ? 'an integer' : 'a number'}`;
      }
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : `Error: argument '${name}' must be true or false`;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? null : `Error: argument '${name}' must be an object`;
    case 'array': {
      const element = schema.items;
      if (!Array.isArray(value) || (element?.type === 'string' && value.some((entry) => typeof entry !== 'string'))) {
        return `Error: argument '${name}' must be a list of ${element?.type === 'string' ? 'strings' : 'values'}`;
      }
      if (values && element?.pattern) {
        const pattern = new RegExp(element.pattern);
        const bad = value.find((entry) => typeof entry === 'string' && !pattern.test(entry));
        if (bad !== undefined) return `Error: argument '${name}' contains an invalid id '${String(bad)}' (expected format ${element.pattern})`;
      }
      return null;
    }
    default:
      return null;
  }
}

function checkString(name: string, value: string, schema: ParameterSchema): string | null {
  if (schema.enum && !schema.enum.includes(value)) {
    return `Error: argument '${name}' must be one of: ${schema.enum.map((choice) => JSON.stringify(choice)).join(', ')} (got ${JSON.stringify(value)})`;
  }
  if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
    return `Error: argument '${name}' has an invalid format: '${value}' does not match ${schema.pattern}`;
  }
  return null;
}
