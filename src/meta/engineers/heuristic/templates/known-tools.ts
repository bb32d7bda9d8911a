/**
 * Calls to tools that do not exist. Variant 0 maps an unknown name to the tool it means (names seen in
 * the failures with the tool each meant, learnt from the trajectories; else the tool whose parameters fit
 * the arguments and whose name shares most words). Variant 1 blocks the call and names that one tool in
 * the feedback (one candidate, not the whole list). Variant 2 draws more samples and keeps one that
 * names a real tool.
 */
import type { Json } from '../../../../harness/api.ts';
import { emitModule } from '../codegen.ts';
import { observedToolAliases } from '../observed-outputs.ts';
import { STAGES, type Template } from '../template.ts';
import { NAME_KEY, RESOLVE_TOOL } from './runtime-helpers.ts';

export const knownTools: Template = ({ request, failures, variant }) => {
  const aliases = observedToolAliases(failures, request.environment.tools);
  const aliasTable = { name: 'ALIASES', type: 'Record<string, string>', value: aliases as Json, comment: 'Tool names seen in failed calls, and the tool each meant.' };
  if (variant === 0) {
    const source = emitModule({
      name: 'known-tools',
      why: 'Calls named tools that do not exist; the tool meant was clear from the name and the arguments.',
      typeImports: ['JsonObject', 'View'],
      constants: [aliasTable],
      helpers: [NAME_KEY, RESOLVE_TOOL],
      hooks: {
        realize: {
          parameters: 'draft, view',
          body: `const action = draft.action;
if (!action || action.kind !== 'call' || view.tools.some((tool) => tool.name === action.tool)) return undefined;
const tool = resolveTool(action.tool, action.arguments, view);
return tool ? { action: { ...action, tool } } : undefined;`,
        },
      },
    });
    return { file: 'known-tools.ts', source, stage: STAGES.tools, summary: `map unknown tool names to the tool meant (${Object.keys(aliases).length} seen, the rest by arguments and name)` };
  }
  if (variant === 1) {
    const source = emitModule({
      name: 'known-tools',
      why: 'Calls named tools that do not exist; say which tool was probably meant, and only that one.',
      typeImports: ['JsonObject', 'View'],
      constants: [aliasTable],
      helpers: [NAME_KEY, RESOLVE_TOOL],
      hooks: {
        guard: {
          parameters: 'action, view',
          body: `if (action.kind !== 'call' || view.tools.some((tool) => tool.name === action.tool)) return undefined;
const meant = resolveTool(action.tool, action.arguments, view);
return { block: meant ? 'There is no tool ' + action.tool + '. Call ' + meant + ' with the same arguments.' : 'There is no tool ' + action.tool + '.' };`,
        },
      },
    });
    return { file: 'known-tools.ts', source, stage: STAGES.tools, summary: 'block calls to unknown tools, naming the one tool meant' };
  }
  const samples = 3;
  const source = emitModule({
    name: 'known-tools',
    why: 'Calls to tools that do not exist wasted steps; resample and keep a candidate that names a real tool.',
    typeImports: [],
    constants: [{ name: 'SAMPLES', type: 'number', value: samples, comment: 'Samples to draw when a call names an unknown tool.' }],
    helpers: [],
    hooks: {
      realize: {
        parameters: 'draft, view',
        body: `const action = draft.action;
if (action && action.kind === 'call' && !view.tools.some((tool) => tool.name === action.tool)) return { resample: SAMPLES };
return undefined;`,
      },
      rank: {
        parameters: 'candidates, view',
        body: `// Prefer a real tool; among those, one that is not the output that just failed.
const previous = view.trajectory.at(-1)?.raw.text;
const usable = candidates.filter((candidate) => {
  const action = candidate.action;
  if (!action || candidate.rejection !== undefined || candidate.blocked !== undefined) return false;
  return action.kind === 'finish' || view.tools.some((tool) => tool.name === action.tool);
});
return (usable.find((candidate) => candidate.raw.text !== previous) ?? usable[0])?.index;`,
      },
    },
  });
  return { file: 'known-tools.ts', source, stage: STAGES.tools, summary: `resample ${samples} when a call names an unknown tool; rank real tools first` };
};
