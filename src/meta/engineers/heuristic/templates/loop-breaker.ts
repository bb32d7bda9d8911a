/** Repeated failed outputs: after a failed step draw several samples and prefer one that differs. */
import { emitModule } from '../codegen.ts';
import { STAGES, type Template } from '../template.ts';

export const loopBreaker: Template = ({ variant }) => {
  const samples = variant === 0 ? 3 : 5;
  const source = emitModule({
    name: 'loop-breaker',
    why: 'After a failed step the same failing output came back again and again until the budget ran out.',
    typeImports: [],
    constants: [{ name: 'SAMPLES', type: 'number', value: samples, comment: 'Samples to draw after a failed step.' }],
    helpers: [],
    hooks: {
      regulate: {
        parameters: 'view',
        body: `const last = view.trajectory.at(-1);
const failed = last !== undefined && (last.rejection !== undefined || last.blocked !== undefined || last.result?.ok === false);
return failed ? { resample: SAMPLES } : undefined;`,
      },
      rank: {
        parameters: 'candidates, view',
        body: `const previous = view.trajectory.at(-1)?.raw.text;
const fresh = candidates.find((candidate) => candidate.action !== null && candidate.rejection === undefined && candidate.blocked === undefined && candidate.raw.text !== previous);
return fresh?.index;`,
      },
    },
  });
  return { file: 'loop-breaker.ts', source, stage: STAGES.loop, summary: `after a failed step, draw ${samples} samples and prefer one that differs from the failed output` };
};
