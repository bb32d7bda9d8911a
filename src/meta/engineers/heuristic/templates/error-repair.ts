/**
 * Argument repairs learnt from the environment's error messages (error-repairs.ts): when the error of a
 * refused call named a required argument the call lacked, and the model's output held it one level down
 * under a key no parser read, the module reads the arguments from there, before the call runs. It only
 * touches calls that lack a required argument, so a correct call passes unchanged.
 */
import { emitModule } from '../codegen.ts';
import { explains, mineArgumentRepairs, mineErrorPairs, type ErrorPair } from '../error-repairs.ts';
import { errorClass } from '../../../mine.ts';
import { STAGES, type Template } from '../template.ts';
import { FIRST_BLOCK, IS_OBJECT, LOOSE_JSON } from './runtime-helpers.ts';

export const errorRepair: Template = ({ request, failures }) => {
  const tools = request.environment.tools;
  const repairs = mineArgumentRepairs(request.train, tools);
  // Only for a group whose own refused calls a repair explains: another error of the same tool is no case.
  const group = request.group;
  const ofGroup = (pair: ErrorPair) => group.kind !== 'environment-error' || group.signature === `environment-error:${pair.tool}:${errorClass(pair.error)}`;
  const relevant = mineErrorPairs(failures, tools).some((pair) => ofGroup(pair) && repairs.some((repair) => explains(repair, pair, tools)));
  if (!relevant) return null;
  // The key is how this model writes arguments, whichever tool it calls: learnt per tool, applied to all.
  const keys = [...new Set(repairs.map((repair) => repair.key))];
  const source = emitModule({
    name: 'error-repair',
    why: 'Calls were refused for a missing required argument that the model had written under another key.',
    typeImports: ['JsonObject', 'ToolSchema', 'View'],
    constants: [
      {
        name: 'WRAPPER_KEYS',
        type: 'string[]',
        value: keys,
        comment: "Keys under which refused calls' outputs held the arguments the error named (several train episodes and values each).",
      },
    ],
    helpers: [
      IS_OBJECT,
      LOOSE_JSON,
      FIRST_BLOCK,
      {
        name: 'wrapped',
        parameters: [
          { name: 'value', type: 'unknown' },
          { name: 'keys', type: 'string[]' },
          { name: 'required', type: 'string[]' },
        ],
        returnType: 'JsonObject | undefined',
        body: `const queue: unknown[] = [value];
for (let seen = 0; queue.length > 0 && seen < 50; seen++) {
  const item = queue.shift();
  if (Array.isArray(item)) {
    queue.push(...item);
    continue;
  }
  if (!isObject(item)) continue;
  for (const key of keys) {
    const inner = item[key];
    const parsed = typeof inner === 'string' ? looseJson(inner) : inner;
    if (isObject(parsed) && required.every((name) => name in parsed)) return parsed;
  }
  queue.push(...Object.values(item));
}
return undefined;`,
      },
      {
        name: 'namedTool',
        parameters: [
          { name: 'value', type: 'unknown' },
          { name: 'view', type: 'View' },
        ],
        returnType: '{ tool: ToolSchema; object: JsonObject } | undefined',
        body: `const queue: unknown[] = [value];
for (let seen = 0; queue.length > 0 && seen < 50; seen++) {
  const item = queue.shift();
  if (Array.isArray(item)) {
    queue.push(...item);
    continue;
  }
  if (!isObject(item)) continue;
  for (const inner of Object.values(item)) {
    if (typeof inner !== 'string') continue;
    const last = inner.split(/[.:/]/).pop() ?? inner;
    const tool = view.tools.find((candidate) => candidate.name === inner || candidate.name === last);
    if (tool) return { tool, object: item };
  }
  queue.push(...Object.values(item));
}
return undefined;`,
      },
    ],
    hooks: {
      realize: {
        parameters: 'draft, view',
        body: String.raw`const action = draft.action;
if (action && action.kind !== 'call') return undefined;
const text = draft.raw.text.replace(/\x60\x60\x60[a-z]*\n?/gi, '').replace(/<\/?[a-z_]+>/gi, '').trim();
const parsed = () => {
  const whole = looseJson(text);
  const block = whole === undefined ? firstBlock(text) : undefined;
  return whole ?? (block === undefined ? undefined : looseJson(block));
};
if (action) {
  // A call that lacks a required argument: read the arguments from where this model writes them.
  const tool = view.tools.find((candidate) => candidate.name === action.tool);
  if (!tool) return undefined;
  const missing = tool.parameters.required.filter((name) => !(name in action.arguments));
  if (missing.length === 0) return undefined;
  const found = wrapped(parsed(), WRAPPER_KEYS, missing);
  return found ? { action: { ...action, arguments: { ...action.arguments, ...found } } } : undefined;
}
// An output no parser could read: the same shape may name any tool, the finish included.
const named = namedTool(parsed(), view);
if (!named) return undefined;
const found = wrapped(named.object, WRAPPER_KEYS, named.tool.parameters.required);
if (!found) return undefined;
if (named.tool.name !== 'finish') return { action: { kind: 'call', tool: named.tool.name, arguments: found } };
return typeof found.message === 'string' ? { action: { kind: 'finish', message: found.message } } : undefined;`,
      },
    },
  });
  const summary = `read arguments the error said were missing from where the output wrote them (${repairs
    .map((repair) => `${repair.tool} under "${repair.key}": ${repair.episodes} episodes, ${repair.values} values`)
    .join('; ')})`;
  return { file: 'error-repair.ts', source, stage: STAGES.coerce + 5, summary };
};
