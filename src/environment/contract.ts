/**
 * Checking that a user's module really is an environment, before anything runs it: one error that names
 * every missing or malformed member, instead of a TypeError deep inside an episode.
 */
import { z } from 'zod';
import type { Environment } from '../contracts/environment.ts';
import { BridleError } from '../errors.ts';

const functionSchema = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', { error: 'expected a function' });

const parameterSchema = z.looseObject({ type: z.literal('object'), properties: z.record(z.string(), z.unknown()), required: z.array(z.string()) });

const toolSchema = z.looseObject({
  name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'expected an identifier (letters, digits, underscores)' }),
  description: z.string(),
  parameters: parameterSchema,
  readOnly: z.boolean(),
});

const taskSchema = z.looseObject({
  id: z.string().min(1),
  split: z.enum(['train', 'validation', 'test']),
  instruction: z.string().min(1),
  kind: z.string().optional(),
});

const environmentSchema = z.looseObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'expected a lower-case kebab-case name' }),
  description: z.string(),
  rules: z.string(),
  tools: z.array(toolSchema),
  tasks: z.array(taskSchema).min(1, { error: 'expected at least one task' }),
  maxSteps: z.int().positive(),
  hasOracle: z.boolean().optional(),
  splitNote: z.string().optional(),
  finish: z.strictObject({ description: z.string(), message: z.string() }).optional(),
  reset: functionSchema,
});

/** The value as an Environment, or one BridleError listing what does not fit the contract. */
export function assertEnvironment(value: unknown, source: string): Environment {
  const result = environmentSchema.safeParse(value);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(the export)'}: ${describe(issue)}`);
  if (result.success) {
    const ids = new Set<string>();
    for (const task of result.data.tasks) {
      if (ids.has(task.id)) problems.push(`tasks: the id "${task.id}" appears twice`);
      ids.add(task.id);
    }
    if (result.data.tools.some((tool) => tool.name === 'finish')) problems.push('tools: "finish" is the loop\'s own tool; do not declare it');
  }
  if (problems.length > 0) {
    throw new BridleError('INVALID_ENVIRONMENT', `${source} does not satisfy the Environment contract (see docs/environments.md): ${problems.join('; ')}`);
  }
  return value as Environment;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `missing (${issue.expected})`;
  return issue.message;
}
