/**
 * Preconditions mined from the train episodes (evidence.ts): a call that must have succeeded before any
 * write (e.g. identifying the customer), and a call that must come right before a write and embed it
 * (e.g. a recorded confirmation of exactly that write). The guard blocks a write that breaks one and says
 * which call to make first.
 */
import type { Json } from '../../../../harness/api.ts';
import { emitModule } from '../codegen.ts';
import { mineImmediateCallRules, minePriorCallRules } from '../evidence.ts';
import { STAGES, type Template } from '../template.ts';

export const policyGuard: Template = ({ request, variant }) => {
  const tools = request.environment.tools;
  const prior = variant === 1 ? [] : minePriorCallRules(request.train, tools);
  const immediate = variant === 2 ? [] : mineImmediateCallRules(request.train, tools);
  if (prior.length === 0 && immediate.length === 0) return null;
  const source = emitModule({
    name: 'policy-guard',
    why: 'Writes ran without the calls the policy requires before them (seen in every successful episode), so episodes broke the policy or changed the wrong thing.',
    typeImports: ['Json', 'StepView'],
    constants: [
      { name: 'PRIOR', type: '{ tools: string[]; requires: string[] }[]', value: prior as unknown as Json, comment: 'Before any of these writes, one of the required calls must have succeeded.' },
      { name: 'IMMEDIATE', type: '{ tool: string; requires: string; template: Record<string, string> }[]', value: immediate as unknown as Json, comment: 'Right before each write, this call must have succeeded with arguments built from the write.' },
    ],
    helpers: [
      {
        name: 'canonical',
        parameters: [{ name: 'value', type: 'Json | undefined' }],
        returnType: 'string',
        body: `if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
if (value && typeof value === 'object') {
  return '{' + Object.keys(value).sort().map((key) => JSON.stringify(key) + ':' + canonical(value[key])).join(',') + '}';
}
return JSON.stringify(value ?? null);`,
      },
      {
        name: 'succeededCalls',
        parameters: [{ name: 'trajectory', type: 'readonly StepView[]' }],
        returnType: '{ tool: string; arguments: { [key: string]: Json } }[]',
        body: `const calls: { tool: string; arguments: { [key: string]: Json } }[] = [];
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
const calls = succeededCalls(view.trajectory);
const prior = PRIOR.find((rule) => rule.tools.includes(action.tool));
if (prior && !calls.some((call) => prior.requires.includes(call.tool))) {
  return { block: 'Blocked: first call ' + prior.requires.join(' or ') + ' (required before any change).' };
}
const rule = IMMEDIATE.find((candidate) => candidate.tool === action.tool);
if (!rule) return undefined;
const expected: { [key: string]: Json } = {};
for (const [key, source] of Object.entries(rule.template)) expected[key] = source === '$tool' ? action.tool : action.arguments;
const last = calls.at(-1);
if (last && last.tool === rule.requires && canonical(last.arguments) === canonical(expected)) return undefined;
// The required call was made for this change but with other arguments: the change must use those.
const argumentsKey = Object.keys(rule.template).find((key) => rule.template[key] === '$arguments');
const toolKey = Object.keys(rule.template).find((key) => rule.template[key] === '$tool');
if (last && last.tool === rule.requires && argumentsKey !== undefined && (toolKey === undefined || last.arguments[toolKey] === action.tool)) {
  return { block: 'Blocked: the arguments differ from the ones just recorded. Use exactly ' + JSON.stringify(last.arguments[argumentsKey]) + ', or record the new ones first.' };
}
return { block: 'Blocked: first call ' + rule.requires + ' with ' + JSON.stringify(expected) + ' (the arguments must match exactly).' };`,
      },
    },
  });
  const parts = [...prior.map((rule) => `require ${rule.requires.join(' or ')} before ${rule.tools.length} writes`), immediate.length ? `require ${[...new Set(immediate.map((rule) => rule.requires))].join(', ')} right before ${immediate.length} writes` : ''].filter(Boolean);
  return { file: 'policy-guard.ts', source, stage: STAGES.guard, summary: parts.join('; ') };
};
