/**
 * Tools for environment authors: declare a tool once (its schema and its implementation together), build
 * parameter schemas without repeating JSON Schema boilerplate, answer with realistic results and errors,
 * and run calls through one dispatcher that checks the name and the arguments before the implementation.
 */
import type { JsonObject, ParameterSchema, ToolResult, ToolSchema } from '../harness/api.ts';
import { BridleError } from '../errors.ts';
import { validateArguments, type ValidationOptions } from './validate-arguments.ts';

/** A refused call, with the text the agent reads: "Error: <message>". */
export function toolError(message: string): ToolResult {
  return { ok: false, output: `Error: ${message}` };
}

/** A successful call; values other than strings are returned as JSON text. */
export function toolResult(value: unknown): ToolResult {
  return { ok: true, output: typeof value === 'string' ? value : JSON.stringify(value) };
}

/**
 * Thrown inside a tool implementation to refuse the call from deep inside its checks; the dispatcher
 * turns it into `toolError(message)`. Any other exception is a bug in the environment and is not hidden.
 */
export class ToolRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolRefusal';
  }
}

/** Refuse the current call (see {@link ToolRefusal}). */
export function refuse(message: string): never {
  throw new ToolRefusal(message);
}

/** Parameter schema builders: `param.string({ pattern: '^#W\\d{7}$', description: '...' })`. */
export const param = {
  string: (options: Omit<ParameterSchema, 'type' | 'items' | 'properties' | 'required' | 'minimum' | 'maximum'> = {}): ParameterSchema => ({ type: 'string', ...options }),
  integer: (options: Pick<ParameterSchema, 'description' | 'minimum' | 'maximum' | 'enum'> = {}): ParameterSchema => ({ type: 'integer', ...options }),
  number: (options: Pick<ParameterSchema, 'description' | 'minimum' | 'maximum' | 'enum'> = {}): ParameterSchema => ({ type: 'number', ...options }),
  boolean: (options: Pick<ParameterSchema, 'description'> = {}): ParameterSchema => ({ type: 'boolean', ...options }),
  array: (items: ParameterSchema, options: Pick<ParameterSchema, 'description'> = {}): ParameterSchema => ({ type: 'array', items, ...options }),
  object: (options: Pick<ParameterSchema, 'description' | 'properties' | 'required'> = {}): ParameterSchema => ({ type: 'object', ...options }),
} as const;

/** A tool: its public schema and its implementation over the environment's state. */
export interface ToolDefinition<State> {
  readonly schema: ToolSchema;
  /** What the dispatcher checks before `run` (default: everything the schema says). */
  readonly validation?: ValidationOptions;
  /**
   * Run the call on the episode's state, with arguments already checked against the schema. Return the
   * output text for success, a `ToolResult` (`toolResult(value)` for JSON, `toolError(message)`), or call
   * `refuse(message)`. Everything a tool needs lives in the state (put the task there if it matters). A
   * read-only tool must not change `state`: `peek` relies on it.
   */
  run(state: State, args: JsonObject): ToolResult | string;
}

/** Options of {@link defineTool}. */
export interface ToolSpec<State> {
  name: string;
  description: string;
  /** The arguments, by name. */
  parameters?: Record<string, ParameterSchema>;
  /** Arguments that must be present (default: all of them). */
  required?: string[];
  /** True when the tool only reads state. */
  readOnly: boolean;
  /**
   * `{ values: false }`: the dispatcher checks argument names and types but leaves `pattern` and `enum`
   * to `run`, which then refuses bad values with its own texts (a benchmark's exact errors, in its order).
   */
  validation?: ValidationOptions;
  run: ToolDefinition<State>['run'];
}

/** Declare a tool. Names must be snake_case identifiers, as models expect. */
export function defineTool<State>(spec: ToolSpec<State>): ToolDefinition<State> {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(spec.name)) {
    throw new BridleError('INVALID_ARGUMENT', `tool name "${spec.name}" must be an identifier (letters, digits and underscores)`);
  }
  const properties = spec.parameters ?? {};
  const required = spec.required ?? Object.keys(properties);
  const unknownRequired = required.filter((name) => !(name in properties));
  if (unknownRequired.length > 0) {
    throw new BridleError('INVALID_ARGUMENT', `tool "${spec.name}" requires arguments it does not declare: ${unknownRequired.join(', ')}`);
  }
  return {
    schema: { name: spec.name, description: spec.description, parameters: { type: 'object', properties, required }, readOnly: spec.readOnly },
    ...(spec.validation === undefined ? {} : { validation: { ...spec.validation } }),
    run: spec.run,
  };
}

/** The error for a tool name the environment does not have, listing the ones it has. */
export function unknownToolError(tool: string, available: readonly string[]): ToolResult {
  return toolError(`unknown tool '${tool}'. Available tools: ${available.join(', ')}`);
}

/** Runs tool calls: unknown names and bad arguments are refused with the environment's error text. */
export interface ToolRunner<State> {
  readonly schemas: readonly ToolSchema[];
  /** The schema of a tool, if the environment has it. */
  schema(tool: string): ToolSchema | undefined;
  run(state: State, tool: string, args: JsonObject): ToolResult;
}

/** One dispatcher over a set of tools (used by `defineEnvironment`, and by authors to replay gold plans). */
export function createToolRunner<State>(tools: readonly ToolDefinition<State>[]): ToolRunner<State> {
  const byName = new Map<string, ToolDefinition<State>>();
  for (const tool of tools) {
    if (byName.has(tool.schema.name)) throw new BridleError('INVALID_ARGUMENT', `two tools are named "${tool.schema.name}"`);
    byName.set(tool.schema.name, tool);
  }
  const names = tools.map((tool) => tool.schema.name);
  return {
    schemas: tools.map((tool) => tool.schema),
    schema: (tool) => byName.get(tool)?.schema,
    run(state, tool, args) {
      const definition = byName.get(tool);
      if (!definition) return unknownToolError(tool, names);
      if (typeof args !== 'object' || args === null || Array.isArray(args)) return toolError('arguments must be a JSON object');
      const problem = validateArguments(definition.schema, args, definition.validation);
      if (problem) return { ok: false, output: problem };
      try {
        const value = definition.run(state, args);
        return typeof value === 'string' ? { ok: true, output: value } : value;
      } catch (error) {
        if (error instanceof ToolRefusal) return toolError(error.message);
        throw new BridleError('INTERNAL', `tool "${tool}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },
  };
}
