/**
 * Tolerant parsing against the tool schemas: the action found inside prose, fences or tags, loose JSON
 * (trailing commas, single quotes, unquoted keys, a value encoded twice), call syntax, wrapper objects.
 * Which keys name the tool and which hold the arguments, and which unknown tool names meant which tool,
 * are learnt from the group's rejected outputs (observed-outputs.ts); the only keys known beforehand are
 * the documented ones and the public OpenAI function-call shape.
 */
import type { Json } from '../../../../harness/api.ts';
import { emitModule } from '../codegen.ts';
import { BASE_ARGUMENT_KEYS, BASE_TOOL_KEYS, observedKeys, observedToolAliases } from '../observed-outputs.ts';
import { STAGES, type Template } from '../template.ts';
import { FIRST_BLOCK, IS_OBJECT, LOOSE_JSON, NAME_KEY, RESOLVE_TOOL } from './runtime-helpers.ts';

export const tolerantParse: Template = ({ request, failures }) => {
  const tools = request.environment.tools;
  const rejected = failures.flatMap((trajectory) => trajectory.steps.filter((step) => step.rejection !== undefined).map((step) => step.samples[step.chosen]?.text ?? ''));
  if (rejected.length === 0) return null;
  const seen = observedKeys(rejected, tools);
  const toolKeys = [...new Set([...BASE_TOOL_KEYS, ...seen.tool])];
  const argumentKeys = [...new Set([...BASE_ARGUMENT_KEYS, ...seen.arguments])].filter((key) => !toolKeys.includes(key));
  const aliases = observedToolAliases(failures, tools);
  const source = emitModule({
    name: 'tolerant-parse',
    why: 'Outputs that held a valid action in another format (prose, fences, loose JSON, other keys, call syntax, tool-name spelling) were rejected.',
    typeImports: ['Action', 'JsonObject', 'View'],
    constants: [
      { name: 'TOOL_KEYS', type: 'string[]', value: toolKeys, comment: 'Keys that named the tool: the documented one, OpenAI\'s, and those seen in rejected outputs.' },
      { name: 'ARGUMENT_KEYS', type: 'string[]', value: argumentKeys, comment: 'Keys that held the arguments (an object, or an object written as a JSON string).' },
      { name: 'ALIASES', type: 'Record<string, string>', value: aliases as Json, comment: 'Tool names seen in failed outputs, and the tool each meant.' },
    ],
    helpers: [
      NAME_KEY,
      RESOLVE_TOOL,
      IS_OBJECT,
      LOOSE_JSON,
      FIRST_BLOCK,
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
        body: `// The outermost object that names a tool is the call; wrappers around it are looked through.
const queue: unknown[] = [value];
for (let seen = 0; queue.length > 0 && seen < 50; seen++) {
  const item = queue.shift();
  if (Array.isArray(item)) {
    queue.push(...item);
    continue;
  }
  if (!isObject(item)) continue;
  const toolKey = TOOL_KEYS.find((key) => typeof item[key] === 'string');
  if (toolKey) {
    const argumentsKey = ARGUMENT_KEYS.find((key) => isObject(item[key]) || (typeof item[key] === 'string' && isObject(looseJson(item[key] as string))));
    const raw = argumentsKey === undefined ? {} : item[argumentsKey];
    const args = typeof raw === 'string' ? looseJson(raw) : raw;
    const named = item[toolKey] as string;
    const tool = resolveTool(named, isObject(args) ? args : {}, view) ?? named;
    if (isObject(args)) return toAction(tool, args);
  }
  queue.push(...Object.values(item));
}
return undefined;`,
      },
      {
        name: 'fromCallSyntax',
        parameters: [
          { name: 'text', type: 'string' },
          { name: 'view', type: 'View' },
        ],
        returnType: 'Action | undefined',
        body: String.raw`const match = /([A-Za-z_][\w.-]*)\s*\(([\s\S]*)\)\s*$/.exec(text.trim());
if (!match) return undefined;
const body = (match[2] ?? '').trim();
const args = body === '' ? {} : looseJson('{' + body.replace(/(^|,\s*)([A-Za-z_]\w*)\s*=/g, '$1"$2":') + '}');
if (!isObject(args)) return undefined;
const tool = resolveTool(match[1] ?? '', args, view);
return tool ? toAction(tool, args) : undefined;`,
      },
    ],
    hooks: {
      realize: {
        parameters: 'draft, view',
        body: String.raw`if (draft.action) {
  if (draft.action.kind !== 'call') return undefined;
  const tool = resolveTool(draft.action.tool, draft.action.arguments, view);
  // "FINISH" resolves to the finish tool, which ends the episode rather than running as a call.
  const action = tool && tool !== draft.action.tool ? toAction(tool, draft.action.arguments) : undefined;
  return action ? { action } : undefined;
}
const text = draft.raw.text.replace(/\x60\x60\x60[a-z]*\n?/gi, '').replace(/<\/?[a-z_]+>/gi, '').trim();
const whole = looseJson(text);
const block = whole === undefined ? firstBlock(text) : undefined;
const action = fromObject(whole ?? (block === undefined ? undefined : looseJson(block)), view) ?? fromCallSyntax(text, view);
return action ? { action } : undefined;`,
      },
    },
  });
  return {
    file: 'tolerant-parse.ts',
    source,
    stage: STAGES.parse,
    summary: `parse actions out of prose, fences, loose JSON and call syntax; ${toolKeys.length} tool keys and ${argumentKeys.length} argument keys (${seen.tool.length + seen.arguments.length} learnt from rejected outputs), ${Object.keys(aliases).length} tool-name aliases`,
  };
};
