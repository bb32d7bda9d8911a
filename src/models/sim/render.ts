/**
 * Turning an intended action into the text a sim writes: clean JSON, or one of the format slips real
 * models make. Each style keeps all the information (code that knows the tool names and reads loosely
 * can recover the action); none can be read by the strict default parser. A style has fixed choices (a
 * habit keeps them for the whole episode: the same key names, the same case) and variable parts drawn
 * per sample (the sentence around the action).
 */
import type { JsonObject } from '../../harness/api.ts';
import { createRandom, type Random } from '../../util/random.ts';

/** An action as a sim means it: a tool name and arguments (`finish` included). */
export interface IntendedCall {
  tool: string;
  arguments: JsonObject;
}

/** A chosen format: which style, and the seed of its fixed choices. */
export interface FormatChoice {
  style: number;
  variant: number;
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
  'OK, here is the action.',
  'Thanks for the details. Proceeding with:',
];
const PROSE_AFTER = ['Let me know if you need anything else.', 'I will wait for the result.', '(calling the tool)', 'This should do it.'];

const KEY_PAIRS: readonly [string, string][] = [
  ['name', 'arguments'],
  ['tool', 'args'],
  ['action', 'parameters'],
  ['function', 'input'],
  ['tool_name', 'tool_input'],
  ['name', 'parameters'],
  ['action', 'action_input'],
  ['command', 'params'],
  ['tool', 'kwargs'],
];

const WRAPPERS = ['tool_call', 'call', 'function_call', 'response'];

export function toCamel(name: string): string {
  return name.replace(/[_-]([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function toPascal(name: string): string {
  const camel = toCamel(name);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
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
  toPascal,
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

/** A JavaScript object literal: keys without quotes. */
function unquotedKeys(value: unknown): string {
  return JSON.stringify(value).replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, '$1:');
}

function callSyntax(call: IntendedCall): string {
  const args = Object.entries(call.arguments).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return `${call.tool}(${args.join(', ')})`;
}

type Style = (call: IntendedCall, fixed: Random, sample: Random) => string;

const body = (call: IntendedCall) => ({ tool: call.tool, arguments: call.arguments });

/** The ways a sim garbles the format. */
const STYLES: readonly Style[] = [
  (call, _fixed, sample) => `${sample.pick(PROSE_BEFORE)}\n${renderClean(call)}`,
  (call, _fixed, sample) => `${renderClean(call)}\n${sample.pick(PROSE_AFTER)}`,
  (call) => `\`\`\`json\n${JSON.stringify(body(call), null, 2)}\n\`\`\``,
  (call) => `\`\`\`\n${renderClean(call)}\n\`\`\``,
  (call) => singleQuoted(body(call)),
  (call) => withTrailingCommas(body(call)),
  (call, fixed) => {
    const [toolKey, argumentsKey] = fixed.pick(KEY_PAIRS);
    return JSON.stringify({ [toolKey]: call.tool, [argumentsKey]: call.arguments });
  },
  (call, fixed) => {
    // A one-word name looks the same in most cases: then it is written in capitals.
    const cased = fixed.pick(TOOL_CASES)(call.tool);
    return renderClean({ tool: cased === call.tool ? call.tool.toUpperCase() : cased, arguments: call.arguments });
  },
  (call, fixed) => JSON.stringify({ [fixed.pick(WRAPPERS)]: body(call) }),
  (call) => JSON.stringify([body(call)]),
  (call, _fixed, sample) => `${sample.pick(PROSE_BEFORE)} ${callSyntax(call)}`,
  // The OpenAI function-call shape, arguments as a JSON string.
  (call) => JSON.stringify({ type: 'function', function: { name: call.tool, arguments: JSON.stringify(call.arguments) } }),
  (call) => JSON.stringify({ type: 'tool_use', name: call.tool, input: call.arguments }),
  (call) => `<tool_call>\n${renderClean(call)}\n</tool_call>`,
  (call) => unquotedKeys(body(call)),
  // The whole action once more encoded as a JSON string.
  (call) => JSON.stringify(renderClean(call)),
];

/** How many format styles there are. */
export const FORMAT_STYLE_COUNT = STYLES.length;

/** Render a call in a chosen style; `sample` draws the parts that vary from sample to sample. */
export function renderStyled(call: IntendedCall, choice: FormatChoice, sample: Random): string {
  return STYLES[choice.style % STYLES.length]!(call, createRandom(choice.variant), sample);
}

/** A random style (noise), its fixed choices drawn too. */
export function randomFormat(random: Random): FormatChoice {
  return { style: random.int(0, STYLES.length - 1), variant: random.int(0, 0x7fffffff) };
}
