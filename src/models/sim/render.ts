/**
 * Turning an intended action into the text a sim writes: clean JSON, or one of the format slips real
 * models make. Each slip keeps all the information (a tolerant parser that knows the tool names can
 * recover the action); none can be read by the strict default parser.
 */
import type { JsonObject } from '../../harness/api.ts';
import type { Random } from '../../util/random.ts';

/** An action as a sim means it: a tool name and arguments (`finish` included). */
export interface IntendedCall {
  tool: string;
  arguments: JsonObject;
}

export function renderClean(call: IntendedCall): string {
  return JSON.stringify({ tool: call.tool, arguments: call.arguments });
}

const PROSE_BEFORE = [
  'Sure, let me take care of that.',
  "I'll look into this now.",
  'Next step:',
  'Understood. Calling the tool:',
  'Let me check that for you.',
];
const PROSE_AFTER = ['Let me know if you need anything else.', 'I will wait for the result.', '(calling the tool)'];

const KEY_SYNONYMS: readonly [string, string][] = [
  ['name', 'arguments'],
  ['tool', 'args'],
  ['action', 'parameters'],
  ['function', 'input'],
  ['tool_name', 'tool_input'],
  ['name', 'parameters'],
];

function toCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function titleSnake(name: string): string {
  return name
    .split('_')
    .map((part) => (part ? part[0]!.toUpperCase() + part.slice(1) : part))
    .join('_');
}

const TOOL_CASES: readonly ((name: string) => string)[] = [
  (name) => name.toUpperCase(),
  toCamel,
  titleSnake,
  (name) => name.replace(/_/g, ' '),
  (name) => name.replace(/_/g, '-'),
];

function singleQuoted(value: unknown): string {
  return JSON.stringify(value).replace(/"/g, "'");
}

function withTrailingCommas(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/(\S)\n(\s*[}\]])/g, '$1,\n$2');
}

function pythonValue(value: unknown): string {
  return JSON.stringify(value);
}

function callSyntax(call: IntendedCall): string {
  const args = Object.entries(call.arguments).map(([key, value]) => `${key}=${pythonValue(value)}`);
  return `${call.tool}(${args.join(', ')})`;
}

/** The ways a sim garbles the format; each is one function of the call and the step's random source. */
const NOISE: readonly ((call: IntendedCall, random: Random) => string)[] = [
  (call, random) => `${random.pick(PROSE_BEFORE)}\n${renderClean(call)}`,
  (call, random) => `${renderClean(call)}\n${random.pick(PROSE_AFTER)}`,
  (call) => `\`\`\`json\n${JSON.stringify({ tool: call.tool, arguments: call.arguments }, null, 2)}\n\`\`\``,
  (call) => singleQuoted({ tool: call.tool, arguments: call.arguments }),
  (call) => withTrailingCommas({ tool: call.tool, arguments: call.arguments }),
  (call, random) => {
    const [toolKey, argumentsKey] = random.pick(KEY_SYNONYMS);
    return JSON.stringify({ [toolKey]: call.tool, [argumentsKey]: call.arguments });
  },
  (call, random) => renderClean({ tool: random.pick(TOOL_CASES)(call.tool), arguments: call.arguments }),
  (call) => JSON.stringify({ tool_call: { tool: call.tool, arguments: call.arguments } }),
  (call) => JSON.stringify([{ tool: call.tool, arguments: call.arguments }]),
  (call, random) => `${random.pick(PROSE_BEFORE)} ${callSyntax(call)}`,
];

export function renderNoisy(call: IntendedCall, random: Random): string {
  return random.pick(NOISE)(call, random);
}

export { toCamel };
