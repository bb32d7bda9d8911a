import { defineModule } from 'bridle/harness';

/** Samples to draw after a failed step. */
const SAMPLES: number = 3;

export default defineModule({
    name: "loop-breaker",
    why: "After a failed step the same failing output came back again and again until the budget ran out.",
    regulate(view) {
      const last = view.trajectory.at(-1);
      const failed = last !== undefined && (last.rejection !== undefined || last.blocked !== undefined || last.result?.ok === false);
      return failed ? { resample: SAMPLES } : undefined;
    },
    rank(candidates, view) {
      const previous = view.trajectory.at(-1)?.raw.text;
      const fresh = candidates.find((candidate) => candidate.action !== null && candidate.rejection === undefined && candidate.blocked === undefined && candidate.raw.text !== previous);
      return fresh?.index;
    },
  });
