/** Calls to tools that do not exist: draw more samples and keep one that names a real tool. */
import { emitModule } from '../codegen.ts';
import { STAGES, type Template } from '../template.ts';

export const knownTools: Template = ({ variant }) => {
  const samples = variant === 0 ? 3 : 5;
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
