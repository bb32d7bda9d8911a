/**
 * Tolerant parsing against the tool schemas: JSON inside prose or fences, single quotes, trailing commas,
 * synonym keys, wrapper objects, one-element arrays, call syntax, and tool names in the wrong case or
 * separator style. Key synonyms are the defaults plus those seen in the group's rejected outputs.
 */
import type { Json } from '../../../../harness/api.ts';
import { emitModule } from '../codegen.ts';
import { STAGES, type Template } from '../template.ts';

const TOOL_KEYS = ['tool', 'name', 'action', 'function', 'tool_name'];
const ARGUMENT_KEYS = ['arguments', 'args', 'parameters', 'input', 'tool_input', 'params'];

/** Keys seen in rejected outputs: string-valued ones name the tool, object-valued ones hold arguments. */
function observedKeys(texts: string[]): { tool: string[]; arguments: string[] } {
  const tool = new Set<string>();
  const args = new Set<string>();
  for (const text of texts) {
    const match = /\{[\s\S]*\}/.exec(text);
    if (!match) continue;
    let value: unknown;
    try {
      value = JSON.parse(match[0].replace(/'/g, '"').replace(/,\s*([}\]])/g, '$1'));
    } catch {
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    for (const [key, item] of Object.entries(value as Record<string, Json>)) {
      if (!/^[a-z_]{2,20}$/i.test(key)) continue;
      if (typeof item === 'string') tool.add(key);
      else if (item && typeof item === 'object' && !Array.isArray(item)) args.add(key);
    }
  }
  return { tool: [...tool].sort(), arguments: [...args].sort() };
}

export const tolerantParse: Template = ({ failures }) => {
  const rejected = failures.flatMap((trajectory) => trajectory.steps.filter((step) => step.rejection !== undefined).map((step) => step.samples[step.chosen]?.text ?? ''));
  if (rejected.length === 0) return null;
  const seen = observedKeys(rejected);
  const toolKeys = [...new Set([...TOOL_KEYS, ...seen.tool])];
  const argumentKeys = [...new Set([...ARGUMENT_KEYS, ...seen.arguments])].filter((key) => !toolKeys.includes(key));
  const source = emitModule({
    name: 'tolerant-parse',
    why: 'Outputs that held a valid action in the wrong format (prose, fences, quotes, synonym keys, call syntax, tool-name case) were rejected.',
    typeImports: ['Action', 'JsonObject', 'View'],
    constants: [
      { name: 'TOOL_KEYS', type: 'string[]', value: toolKeys, comment: 'Keys that may name the tool.' },
      { name: 'ARGUMENT_KEYS', type: 'string[]', value: argumentKeys, comment: 'Keys that may hold the arguments.' },
    ],
    helpers: [
      {
        name: 'canonicalTool',
        parameters: [
          { name: 'name', type: 'string' },
          { name: 'view', type: 'View' },
        ],
        returnType: 'string | undefined',
        body: `const key = (text: string) => text.trim().replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[\\s-]+/g, '_').toLowerCase();
return view.tools.find((tool) => key(tool.name) === key(name))?.name;`,
      },
      {
        name: 'isObject',
        parameters: [{ name: 'value', type: 'unknown' }],
        returnType: 'value is JsonObject',
        body: `return typeof value === 'object' && value !== null && !Array.isArray(value);`,
      },
      {
        name: 'looseJson',
        parameters: [{ name: 'text', type: 'string' }],
        returnType: 'unknown',
        body: `const withoutTrailingCommas = text.replace(/,\\s*([}\\]])/g, '$1');
for (const attempt of [text, withoutTrailingCommas, withoutTrailingCommas.replace(/'/g, '"')]) {
  try {
    return JSON.parse(attempt);
  } catch {
    // try the next repair
  }
}
return undefined;`,
      },
      {
        name: 'firstBlock',
        parameters: [{ name: 'text', type: 'string' }],
        returnType: 'string | undefined',
        body: `const start = text.search(/[[{]/);
if (start < 0) return undefined;
let depth = 0;
let quote = '';
for (let index = start; index < text.length; index++) {
  const char = text[index];
  if (quote) {
    if (char === '\\\\') index++;
    else if (char === quote) quote = '';
  } else if (char === '"' || char === "'") quote = char;
  else if (char === '{' || char === '[') depth++;
  else if (char === '}' || char === ']') {
    depth--;
    if (depth === 0) return text.slice(start, index + 1);
  }
}
return undefined;`,
      },
      {
        name: 'toAction',
        parameters: [
          { name: 'tool', type: 'string' },
          { name: 'args', type: 'JsonObject' },
        ],
        returnType: 'Action | undefined',
        body: `if (tool !== 'finish') return { kind: 'call', tool, arguments: args };
return typeof args.message === 'string' ? { kind: 'finish', message: args.message } : undefined;`,
      },
      {
        name: 'fromObject',
        parameters: [
          { name: 'value', type: 'unknown' },
          { name: 'view', type: 'View' },
        ],
        returnType: 'Action | undefined',
        body: `if (Array.isArray(value)) return value.length === 1 ? fromObject(value[0], view) : undefined;
if (!isObject(value)) return undefined;
for (const wrapper of Object.values(value)) {
  if (Object.keys(value).length === 1 && isObject(wrapper)) {
    const inner = fromObject(wrapper, view);
    if (inner) return inner;
  }
}
const toolKey = TOOL_KEYS.find((key) => typeof value[key] === 'string');
if (!toolKey) return undefined;
const argumentsKey = ARGUMENT_KEYS.find((key) => isObject(value[key]));
const named = value[toolKey] as string;
return toAction(canonicalTool(named, view) ?? named, argumentsKey ? (value[argumentsKey] as JsonObject) : {});`,
      },
      {
        name: 'fromCallSyntax',
        parameters: [
          { name: 'text', type: 'string' },
          { name: 'view', type: 'View' },
        ],
        returnType: 'Action | undefined',
        body: `const match = /([A-Za-z_][\\w-]*)\\s*\\(([\\s\\S]*)\\)\\s*$/.exec(text.trim());
if (!match) return undefined;
const tool = canonicalTool(match[1] ?? '', view);
if (!tool) return undefined;
const body = (match[2] ?? '').trim();
const args = body === '' ? {} : looseJson('{' + body.replace(/(^|,\\s*)([A-Za-z_]\\w*)\\s*=/g, '$1"$2":') + '}');
return isObject(args) ? toAction(tool, args) : undefined;`,
      },
    ],
    hooks: {
      realize: {
        parameters: 'draft, view',
        body: `if (draft.action) {
  if (draft.action.kind !== 'call') return undefined;
  const tool = canonicalTool(draft.action.tool, view);
  return tool && tool !== draft.action.tool ? { action: { ...draft.action, tool } } : undefined;
}
const text = draft.raw.text.replace(/\`\`\`[a-z]*\\n?/gi, '').trim();
const block = firstBlock(text);
const action = (block ? fromObject(looseJson(block), view) : undefined) ?? fromCallSyntax(text, view);
return action ? { action } : undefined;`,
      },
    },
  });
  return { file: 'tolerant-parse.ts', source, stage: STAGES.parse, summary: `parse actions out of prose, fences, loose JSON, ${toolKeys.length} tool keys and ${argumentKeys.length} argument keys, call syntax, tool-name case` };
};
