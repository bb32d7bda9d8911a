/**
 * Look before a change (look-evidence.ts, `mineLookRules`): calls a failed `policy:*` check named as
 * changing something without a look, generalised to the feature no successful call contradicts, and the
 * read-only looks successful episodes made right before them on a path they share. The guard blocks the
 * first change to a path that comes without such a look, and names the one look to make, with its value.
 */
import type { Json } from '../../../../harness/api.ts';
import { emitModule, type HelperSpec } from '../codegen.ts';
import { commandToolsOf, mineLookRules } from '../look-evidence.ts';
import { STAGES, type Template } from '../template.ts';

/** The same reading of command lines and paths as look-evidence.ts, for the module to carry. */
const HELPERS: HelperSpec[] = [
  {
    name: 'commandFeatures',
    parameters: [{ name: 'text', type: 'string' }],
    returnType: 'string[]',
    body: String.raw`const features: string[] = [];
const plain = text.replace(/'[^']*'|"[^"]*"/g, ' Q ');
for (const segment of plain.split(/\|\||&&|[|;\n()${'`'}{}]|\$\(|<\(/)) {
  const words = segment.trim().split(/\s+/).filter((word) => word !== '');
  let command: string | undefined;
  words.forEach((word, index) => {
    if (/^\d*>/.test(word)) {
      const target = word.replace(/^\d*>>?/, '') || words[index + 1] || '';
      if (!/^\d/.test(word) && target !== '/dev/null' && !target.startsWith('&')) features.push('>');
      return;
    }
    const previous = words[index - 1];
    if (index === 0 || previous === '-exec' || previous === '-execdir' || previous === 'xargs') {
      if (/^[a-z][a-z0-9_.+-]*$/.test(word)) {
        command = word;
        features.push(command);
      }
      return;
    }
    const flag = /^--?[A-Za-z][\w-]*/.exec(word)?.[0];
    if (command !== undefined && flag !== undefined) features.push(command + ' ' + flag);
  });
}
return [...new Set(features)];`,
  },
  {
    name: 'callFeatures',
    parameters: [
      { name: 'tool', type: 'string' },
      { name: 'args', type: 'JsonObject' },
    ],
    returnType: 'string[]',
    body: String.raw`const features = new Set<string>([tool]);
for (const value of Object.values(args)) {
  if (typeof value === 'string' && /\s/.test(value.trim())) for (const feature of commandFeatures(value)) features.add(tool + ':' + feature);
}
return [...features];`,
  },
  {
    name: 'pathTokens',
    parameters: [{ name: 'args', type: 'JsonObject' }],
    returnType: 'string[]',
    body: String.raw`const tokens = new Set<string>();
const values = Object.values(args).filter((value): value is string => typeof value === 'string');
const folders = values.filter((value) => value.startsWith('/') && !/\s/.test(value)).map((value) => value.replace(/\/+$/, ''));
for (const value of values) {
  for (const raw of value.split(/[\s|;&()<>"'${'`'}=,]+/)) {
    const word = raw.replace(/\/+$/, '').replace(/^\.\//, '');
    if (word === '' || /^--?[A-Za-z][\w-]*/.test(word) || /^[\d.]+$/.test(word) || !/^[\w.*~/@+-]+$/.test(word)) continue;
    if (!word.startsWith('/') && !word.startsWith('~')) for (const folder of folders) tokens.add(folder + '/' + word);
    if (!/[/.*~]/.test(word)) continue;
    const last = word.split('/').pop() ?? '';
    for (const token of [word, last]) if (token.length > 1 && token !== '..' && token !== '~' && !/^\*+$/.test(token)) tokens.add(token);
  }
}
return [...tokens];`,
  },
  {
    name: 'sharePath',
    parameters: [
      { name: 'a', type: 'JsonObject' },
      { name: 'b', type: 'JsonObject' },
    ],
    returnType: 'boolean',
    body: `const tokens = new Set(pathTokens(a));
return pathTokens(b).some((token) => tokens.has(token));`,
  },
  {
    name: 'shareName',
    parameters: [
      { name: 'a', type: 'JsonObject' },
      { name: 'b', type: 'JsonObject' },
    ],
    returnType: 'boolean',
    body: String.raw`const names = (args: JsonObject) => [...pathTokens(args), ...Object.values(args).flatMap((value) => (typeof value === 'string' ? value.split(/[\s|;&()<>"'${'`'}=,]+/) : []))];
const tokens = new Set(names(a).filter((token) => token.length > 1 && !/^--?[A-Za-z][\w-]*/.test(token) && !/^[\d.]+$/.test(token)));
return names(b).some((token) => tokens.has(token));`,
  },
  {
    name: 'target',
    parameters: [
      { name: 'args', type: 'JsonObject' },
      { name: 'whole', type: 'boolean' },
      { name: 'redirect', type: 'boolean' },
    ],
    returnType: 'string',
    body: String.raw`// The path the change acts on: its absolute argument as is, or its first path word resolved in that folder.
const values = Object.values(args).filter((value): value is string => typeof value === 'string');
const folder = values.find((value) => value.startsWith('/') && !/\s/.test(value));
if (whole && folder !== undefined) return folder;
for (const value of values) {
  if (value === folder) continue;
  // A redirection changes the file it writes to: the word after the last '>'.
  const written = redirect ? /.*>>?\s*([^\s|;&<>]+)/s.exec(value)?.[1] : undefined;
  const words = written !== undefined ? [written] : value.split(/[\s|;&()<>"'${'`'}=,]+/).slice(1);
  const word = words.find((candidate) => /[/.*~]/.test(candidate) && !/^--?[A-Za-z]/.test(candidate) && !/^[\d.]+$/.test(candidate) && candidate !== '.');
  if (word !== undefined) return word.startsWith('/') || word.startsWith('~') || folder === undefined ? word : folder.replace(/\/+$/, '') + '/' + word.replace(/^\.\//, '');
}
return folder ?? '';`,
  },
];

export const lookGuard: Template = ({ request }) => {
  const tools = request.environment.tools;
  const rules = mineLookRules(request.train, tools, { rules: request.environment.rules });
  if (rules.length === 0) return null;
  const readOnly = new Set(tools.filter((tool) => tool.readOnly).map((tool) => tool.name));
  const table = rules.map(({ feature, looks, suggest }) => ({ feature, looks, suggest }));
  const source = emitModule({
    name: 'look-guard',
    why: 'Calls changed files that were there without a read-only look at them right before, which the written rules forbid.',
    typeImports: ['Json', 'JsonObject', 'StepView'],
    constants: [
      {
        name: 'RULES',
        type: '{ feature: string; looks: string[]; suggest: { tool: string; key: string; command?: string; whole: boolean } }[]',
        value: table as unknown as Json,
        comment: 'Calls with `feature` change files; right before the first one on a path, a call of one of `looks` on that path (seen in every successful train episode).',
      },
      {
        name: 'COMMAND_TOOLS',
        type: 'string[]',
        value: commandToolsOf(request.train, readOnly),
        comment: 'Write tools successful episodes opened with: only their command words say whether a call changes something.',
      },
    ],
    helpers: [
      ...HELPERS,
      {
        name: 'succeeded',
        parameters: [{ name: 'trajectory', type: 'readonly StepView[]' }],
        returnType: '{ tool: string; arguments: JsonObject }[]',
        body: `const calls: { tool: string; arguments: JsonObject }[] = [];
for (const step of trajectory) {
  if (step.action && step.action.kind === 'call' && step.result?.ok) calls.push({ tool: step.action.tool, arguments: step.action.arguments });
}
return calls;`,
      },
    ],
    hooks: {
      guard: {
        parameters: 'action, view',
        body: `if (action.kind !== 'call') return undefined;
const features = callFeatures(action.tool, action.arguments);
const rule = RULES.find((candidate) => features.includes(candidate.feature));
if (!rule) return undefined;
const readOnly = new Set(view.tools.filter((tool) => tool.readOnly).map((tool) => tool.name));
const changes = (call: { tool: string; arguments: JsonObject }) =>
  callFeatures(call.tool, call.arguments).some((feature) => RULES.some((candidate) => candidate.feature === feature)) || (!readOnly.has(call.tool) && !COMMAND_TOOLS.includes(call.tool));
const before = succeeded(view.trajectory);
const previous = before.at(-1);
const kinds = previous ? callFeatures(previous.tool, previous.arguments).filter((feature) => !feature.includes(' ') && !feature.endsWith(':>')) : [];
if (previous && sharePath(previous.arguments, action.arguments) && kinds.some((kind) => rule.looks.includes(kind))) return undefined;
// Something the agent created or already changed needs no new look.
if (before.some((earlier) => changes(earlier) && shareName(earlier.arguments, action.arguments))) return undefined;
// Blocked once as it is: the feedback is not being followed, and the call may not touch what was there.
let repeats = 0;
for (let index = view.trajectory.length - 1; index >= 0 && view.trajectory[index]!.blocked !== undefined; index--) {
  if (JSON.stringify(view.trajectory[index]!.action) === JSON.stringify(action)) repeats += 1;
}
if (repeats >= 1) return undefined;
const path = target(action.arguments, rule.suggest.whole, rule.feature.endsWith(':>'));
const value = rule.suggest.command === undefined ? path : rule.suggest.command + ' ' + path;
// One tool and one value: the look to make right now, nothing else to choose from.
return { block: 'Blocked: look at ' + path + ' right before changing it. First call ' + rule.suggest.tool + ' with ' + rule.suggest.key + ' ' + JSON.stringify(value) + ', then retry.' };`,
      },
    },
  });
  const summary = `require a look right before the first change to a path (${rules.map((rule) => `${rule.feature} after ${rule.looks.join(' or ')}`).join('; ')})`;
  return { file: 'look-guard.ts', source, stage: STAGES.guard, summary };
};
