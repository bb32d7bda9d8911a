/**
 * Schema-driven argument coercion: argument names matched to the schema (case, camelCase), a missing
 * literal prefix restored when that makes an id match its pattern, a bare value wrapped for a list, text
 * trimmed, numbers parsed. It only touches arguments that do not already fit the schema, so correct
 * calls pass unchanged. Offered when the group's failing calls break their tool's schema.
 */
import type { Json, ParameterSchema, ToolSchema } from '../../../../harness/api.ts';
import { emitModule } from '../codegen.ts';
import { STAGES, type Template } from '../template.ts';
import { literalPrefix } from '../../../../util/pattern.ts';
import { errorClass } from '../../../mine.ts';

type Shape = { type?: string; pattern?: string; prefix?: string; items?: Shape };

function shapeOf(schema: ParameterSchema): Shape {
  const shape: Shape = {};
  if (schema.type) shape.type = schema.type;
  if (schema.pattern) {
    shape.pattern = schema.pattern;
    const prefix = literalPrefix(schema.pattern);
    if (prefix) shape.prefix = prefix;
  }
  if (schema.items) shape.items = shapeOf(schema.items);
  return shape;
}

/** Does a call break its tool's schema (unknown or missing key, wrong type, pattern mismatch)? */
export function breaksSchema(tool: ToolSchema, args: Record<string, Json>): boolean {
  const properties = tool.parameters.properties;
  if (Object.keys(args).some((key) => !(key in properties))) return true;
  if (tool.parameters.required.some((key) => !(key in args))) return true;
  const fits = (value: Json, schema: ParameterSchema): boolean => {
    if (schema.type === 'array') return Array.isArray(value) && value.every((item) => !schema.items || fits(item, schema.items));
    if (schema.type === 'string') return typeof value === 'string' && (!schema.pattern || new RegExp(schema.pattern).test(value)) && value === value.trim();
    if (schema.type === 'number' || schema.type === 'integer') return typeof value === 'number';
    if (schema.type === 'boolean') return typeof value === 'boolean';
    return true;
  };
  return Object.entries(args).some(([key, value]) => !fits(value, properties[key]!));
}

export const schemaCoerce: Template = ({ request, failures }) => {
  const tools = request.environment.tools;
  // A group of one tool's errors is about those calls only: a well-formed call refused for the state it
  // ran in is no case for coercion, even when the same episodes also broke a schema elsewhere.
  const group = request.group;
  const ofGroup = (tool: string, output: string) =>
    group.kind !== 'environment-error' || group.tool === undefined || (tool === group.tool && group.signature === `environment-error:${tool}:${errorClass(output)}`);
  const broken = failures.some((trajectory) =>
    trajectory.steps.some((step) => {
      if (step.action?.kind !== 'call' || step.result?.ok !== false || !ofGroup(step.action.tool, step.result.output)) return false;
      const action = step.action;
      const tool = tools.find((candidate) => candidate.name === action.tool);
      return tool !== undefined && breaksSchema(tool, action.arguments);
    }),
  );
  if (!broken) return null;
  const table: Record<string, Record<string, Shape>> = {};
  for (const tool of tools) {
    const entries = Object.entries(tool.parameters.properties);
    if (entries.length > 0) table[tool.name] = Object.fromEntries(entries.map(([key, schema]) => [key, shapeOf(schema)]));
  }
  const source = emitModule({
    name: 'schema-coerce',
    why: 'Calls whose arguments broke the tool schema (misspelt keys, ids without their prefix, a bare value for a list, padded text) were refused by the environment.',
    typeImports: ['Json', 'JsonObject'],
    types: [{ name: 'Shape', type: '{ type?: string; pattern?: string; prefix?: string; items?: Shape }' }],
    constants: [{ name: 'SHAPES', type: 'Record<string, Record<string, Shape>>', value: table as unknown as Json, comment: 'Argument shapes per tool, from the tool schemas.' }],
    helpers: [
      {
        name: 'coerce',
        parameters: [
          { name: 'value', type: 'Json' },
          { name: 'shape', type: 'Shape | undefined' },
        ],
        returnType: 'Json',
        body: String.raw`if (!shape) return value;
if (shape.type === 'array') {
  // A list written as its JSON text, or a single value where a list belongs.
  let list: Json = value;
  if (typeof value === 'string' && /^\s*\[[\s\S]*\]\s*$/.test(value)) {
    try {
      list = JSON.parse(value) as Json;
    } catch {
      list = value;
    }
  }
  return (Array.isArray(list) ? list : [list]).map((item) => coerce(item, shape.items));
}
if ((shape.type === 'number' || shape.type === 'integer') && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
if (typeof value !== 'string') return value;
const text = value.trim();
if (!shape.pattern) return text;
const pattern = new RegExp(shape.pattern);
if (pattern.test(text)) return text;
const compact = text.replace(/\s+/g, '');
if (pattern.test(compact)) return compact;
const prefix = shape.prefix ?? '';
for (let length = 1; length <= prefix.length; length++) {
  const repaired = prefix.slice(0, length) + compact;
  if (pattern.test(repaired)) return repaired;
}
return pattern.test(compact.toLowerCase()) ? compact.toLowerCase() : text;`,
      },
      {
        name: 'propertyName',
        parameters: [
          { name: 'key', type: 'string' },
          { name: 'names', type: 'string[]' },
        ],
        returnType: 'string',
        body: `if (names.includes(key)) return key;
const plain = (text: string) => text.replace(/[^a-z0-9]/gi, '').toLowerCase();
return names.find((name) => plain(name) === plain(key)) ?? key;`,
      },
    ],
    hooks: {
      realize: {
        parameters: 'draft',
        body: `const action = draft.action;
if (!action || action.kind !== 'call') return undefined;
const shapes = SHAPES[action.tool];
if (!shapes) return undefined;
const args: JsonObject = {};
for (const [key, value] of Object.entries(action.arguments)) {
  const name = propertyName(key, Object.keys(shapes));
  args[name] = coerce(value, shapes[name]);
}
return JSON.stringify(args) === JSON.stringify(action.arguments) ? undefined : { action: { ...action, arguments: args } };`,
      },
    },
  });
  return { file: 'schema-coerce.ts', source, stage: STAGES.coerce, summary: `coerce arguments to the schemas of ${Object.keys(table).length} tools` };
};
