/**
 * Argument provenance (evidence.ts, `mineArgumentSourceRules`): in every successful train episode a
 * write's argument was the argument of the latest call of some tool (it acted on the place the agent
 * last went to, the record it last looked up, the file it last read). The guard blocks a write that acts
 * on something else and names the one call that makes it valid, with the value: precise feedback a model
 * can follow, where the environment would only have answered with a failure that names nothing. When the
 * source call was made, the block names what fits the state instead: the latest source's value when what the
 * write acts on showed up since (or when the write is itself a companion step), else the companion call on
 * that value when it is not made yet and the source output shows its cue (companion-cues.ts).
 */
import type { Json } from '../../../../harness/api.ts';
import { emitModule } from '../codegen.ts';
import { mineArgumentSourceRules, mineCompanionCalls } from '../evidence.ts';
import { mineCompanionCues } from '../companion-cues.ts';
import { STAGES, type Template } from '../template.ts';

export const argumentGuard: Template = ({ request }) => {
  const rules = mineArgumentSourceRules(request.train, request.environment.tools, { minSupport: 3 });
  if (rules.length === 0) return null;
  const table = rules.map(({ tool, key, source, sourceKey }) => ({ tool, key, source, sourceKey }));
  const mined = mineCompanionCalls(request.train, rules, request.environment.tools);
  const cues = mineCompanionCues(request.train, rules, mined);
  const companions = mined.map(({ write, key, tool, toolKey }, index) => ({ write, key, tool, toolKey, cue: cues[index]! }));
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
        type: '{ write: string; key: string; tool: string; toolKey: string; cue: string[] }[]',
        value: companions as unknown as Json,
        comment: 'Calls on the same value that successful train episodes sometimes made between the source call and the write: the likely fix when the write fails. `cue`: words the source output showed whenever they made it, and never otherwise.',
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
        name: 'outputsSince',
        parameters: [
          { name: 'trajectory', type: 'readonly StepView[]' },
          { name: 'since', type: 'string' },
        ],
        returnType: 'string[]',
        body: `const outputs: string[] = [];
for (let index = trajectory.length - 1; index >= 0; index--) {
  const step = trajectory[index]!;
  if (!step.action || step.action.kind !== 'call' || !step.result?.ok) continue;
  outputs.push(step.result.output);
  if (step.action.tool === since) break;
}
return outputs;`,
      },
      {
        name: 'latestOutput',
        parameters: [
          { name: 'trajectory', type: 'readonly StepView[]' },
          { name: 'tool', type: 'string' },
        ],
        returnType: 'string',
        body: `for (let index = trajectory.length - 1; index >= 0; index--) {
  const step = trajectory[index]!;
  if (step.action && step.action.kind === 'call' && step.action.tool === tool && step.result?.ok) return step.result.output;
}
return '';`,
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
  const latest = latestCall(view.trajectory, rule.source)?.[rule.sourceKey];
  if (latest === value) continue;
  // Name only one call or one value, and no other tool: the fix to make now, nothing else to choose from.
  if (typeof latest === 'string') {
    const others = Object.entries(action.arguments).filter(([key, other]) => key !== rule.key && typeof other === 'string').map(([, other]) => other as string);
    // What the write acts on showed up since the source call: the write is meant for the latest source's value.
    if (others.length > 0 && others.every((other) => outputsSince(view.trajectory, rule.source).some((output) => output.includes(other)))) {
      return { block: 'Blocked: ' + rule.key + ' must be the ' + rule.sourceKey + ' you named last. Retry with ' + rule.key + ' ' + JSON.stringify(latest) + '.' };
    }
    const said = (latestOutput(view.trajectory, rule.source).toLowerCase().match(/[a-z]+/g) ?? []) as string[];
    const cued = (companion: { cue: string[] }) => companion.cue.length > 0 && companion.cue.every((word) => said.includes(word));
    // The write is itself the step other writes need on the latest source's value, its output calls for it, and it is not done yet.
    if (COMPANIONS.some((companion) => companion.tool === action.tool && companion.toolKey === rule.key && cued(companion)) && !calledSince(view.trajectory, rule.source, action.tool, rule.key, latest)) {
      return { block: 'Blocked: ' + rule.key + ' must be the ' + rule.sourceKey + ' you named last. Retry with ' + rule.key + ' ' + JSON.stringify(latest) + '.' };
    }
    // The step successful episodes made on the latest source's value whenever its output said what it says now, not made yet.
    const companion = COMPANIONS.find((candidate) => candidate.write === action.tool && candidate.key === rule.key);
    if (companion && cued(companion) && !calledSince(view.trajectory, rule.source, companion.tool, companion.toolKey, latest)) {
      return { block: 'Blocked: first call ' + companion.tool + ' with ' + companion.toolKey + ' ' + JSON.stringify(latest) + ', then retry.' };
    }
  }
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
