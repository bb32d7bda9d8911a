/**
 * Argument provenance (evidence.ts, `mineArgumentSourceRules`): in every successful train episode a
 * write's argument was the argument of the latest call of some tool (it acted on the place the agent
 * last went to, the record it last looked up, the file it last read). The guard blocks a write that acts
 * on something else and names the one call that makes it valid, with the value: precise feedback a model
 * can follow, where the environment would only have answered with a failure that names nothing.
 */
import type { Json } from '../../../../harness/api.ts';
import { emitModule } from '../codegen.ts';
import { mineArgumentSourceRules, mineCompanionCalls } from '../evidence.ts';
import { STAGES, type Template } from '../template.ts';

export const argumentGuard: Template = ({ request }) => {
  const rules = mineArgumentSourceRules(request.train, request.environment.tools, { minSupport: 3 });
  if (rules.length === 0) return null;
  const table = rules.map(({ tool, key, source, sourceKey }) => ({ tool, key, source, sourceKey }));
  const companions = mineCompanionCalls(request.train, rules, request.environment.tools).map(({ write, key, tool, toolKey }) => ({ write, key, tool, toolKey }));
  const source = emitModule({
    name: 'argument-guard',
    why: 'Writes acted on something other than what the agent had last gone to, opened or looked up, and failed or changed the wrong thing.',
    typeImports: ['Json', 'StepView'],
    constants: [
      {
        name: 'SOURCES',
        type: '{ tool: string; key: string; source: string; sourceKey: string }[]',
        value: table as unknown as Json,
        comment: "Each write's argument `key` must equal `sourceKey` of the latest successful `source` call (held in every successful train episode).",
      },
      {
        name: 'COMPANIONS',
        type: '{ write: string; key: string; tool: string; toolKey: string }[]',
        value: companions as unknown as Json,
        comment: 'Calls on the same value that successful train episodes sometimes made between the source call and the write: the likely fix when the write fails.',
      },
    ],
    helpers: [
      {
        name: 'calledSince',
        parameters: [
          { name: 'trajectory', type: 'readonly StepView[]' },
          { name: 'since', type: 'string' },
          { name: 'tool', type: 'string' },
          { name: 'key', type: 'string' },
          { name: 'value', type: 'string' },
        ],
        returnType: 'boolean',
        body: `for (let index = trajectory.length - 1; index >= 0; index--) {
  const action = trajectory[index]!.action;
  if (!action || action.kind !== 'call' || !trajectory[index]!.result?.ok) continue;
  if (action.tool === tool && action.arguments[key] === value) return true;
  if (action.tool === since) return false;
}
return false;`,
      },
      {
        name: 'latestCall',
        parameters: [
          { name: 'trajectory', type: 'readonly StepView[]' },
          { name: 'tool', type: 'string' },
        ],
        returnType: '{ [key: string]: Json } | undefined',
        body: `for (let index = trajectory.length - 1; index >= 0; index--) {
  const step = trajectory[index]!;
  if (step.action && step.action.kind === 'call' && step.action.tool === tool && step.result?.ok) return step.action.arguments;
}
return undefined;`,
      },
    ],
    hooks: {
      guard: {
        parameters: 'action, view',
        body: `if (action.kind !== 'call') return undefined;
for (const rule of SOURCES) {
  if (rule.tool !== action.tool) continue;
  const value = action.arguments[rule.key];
  if (typeof value !== 'string') continue;
  if (latestCall(view.trajectory, rule.source)?.[rule.sourceKey] === value) continue;
  // Name only the call to make and the value: one tool, one value, nothing else to choose from.
  return { block: 'Blocked: ' + rule.key + ' ' + JSON.stringify(value) + ' must be the ' + rule.sourceKey + ' of your latest ' + rule.source + ' call. First call ' + rule.source + ' with ' + rule.sourceKey + ' ' + JSON.stringify(value) + ', then retry.' };
}
return undefined;`,
      },
      interpret: {
        parameters: 'outcome, view',
        body: `const action = outcome.action;
if (!action || action.kind !== 'call' || !outcome.result || outcome.result.ok) return undefined;
for (const companion of COMPANIONS) {
  if (companion.write !== action.tool) continue;
  const value = action.arguments[companion.key];
  const rule = SOURCES.find((candidate) => candidate.tool === action.tool && candidate.key === companion.key);
  if (typeof value !== 'string' || !rule) continue;
  // Already done on this value since the source call: it is not what is missing.
  if (calledSince(view.trajectory, rule.source, companion.tool, companion.toolKey, value)) continue;
  return outcome.text + '\\nIf ' + JSON.stringify(value) + ' needs it, first call ' + companion.tool + ' with ' + companion.toolKey + ' ' + JSON.stringify(value) + ', then retry.';
}
return undefined;`,
      },
    },
  });
  const hints = companions.length > 0 ? `; after a failed write, suggest ${companions.map((companion) => `${companion.tool} before ${companion.write}`).join(', ')}` : '';
  const summary = `require each write's argument to come from the latest call that names it (${table.map((rule) => `${rule.tool}.${rule.key} ← ${rule.source}.${rule.sourceKey}`).join(', ')})${hints}`;
  return { file: 'argument-guard.ts', source, stage: STAGES.guard, summary };
};
