/**
 * The offline default engineer: maps a failure group to a parametrised intervention template and emits
 * the module with ts-morph. Generic over environments: templates read only the tool schemas, the
 * failure group's trajectories and the train episodes, never an environment's name or data.
 */
import type { FailureKind, Engineer, EngineerRequest, Proposal } from '../../types.ts';
import { trajectoriesOf } from '../../mine.ts';
import { STAGES, type GeneratedModule, type Template } from './template.ts';
import { tolerantParse } from './templates/tolerant-parse.ts';
import { schemaCoerce } from './templates/schema-coerce.ts';
import { knownTools } from './templates/known-tools.ts';
import { policyGuard } from './templates/policy-guard.ts';
import { loopBreaker } from './templates/loop-breaker.ts';
import { stopCheck } from './templates/stop-check.ts';
import { argumentGuard } from './templates/argument-guard.ts';
import { errorRepair } from './templates/error-repair.ts';
import { lookGuard } from './templates/look-guard.ts';

type Entry = { template: Template; variants: number };

/** Several templates as one: variants run through the first template's, then the next one's. */
function chain(...entries: Entry[]): Entry {
  const template: Template = (context) => {
    let variant = context.variant;
    for (const entry of entries) {
      if (variant < entry.variants) return entry.template({ ...context, variant });
      variant -= entry.variants;
    }
    return null;
  };
  return { template, variants: entries.reduce((sum, entry) => sum + entry.variants, 0) };
}

/** Which template answers which kind of failure, and how many variants it has. */
const TEMPLATES: Partial<Record<FailureKind, Entry>> = {
  parse: { template: tolerantParse, variants: 1 },
  // A call refused for its form is coerced; one refused for the state it ran in needs what it acts on first.
  'environment-error': chain({ template: schemaCoerce, variants: 1 }, { template: errorRepair, variants: 1 }, { template: argumentGuard, variants: 1 }),
  'unknown-tool': { template: knownTools, variants: 3 },
  policy: chain({ template: lookGuard, variants: 1 }, { template: policyGuard, variants: 3 }, { template: argumentGuard, variants: 1 }),
  state: chain({ template: policyGuard, variants: 3 }, { template: argumentGuard, variants: 1 }),
  loop: { template: loopBreaker, variants: 2 },
  'step-budget': { template: loopBreaker, variants: 2 },
  'give-up': { template: stopCheck, variants: 2 },
  'premature-stop': { template: stopCheck, variants: 2 },
};

/** Stages of the files templates write; files of other engineers count as guards. */
const FILE_STAGES: Record<string, number> = {
  'tolerant-parse.ts': STAGES.parse,
  'schema-coerce.ts': STAGES.coerce,
  'known-tools.ts': STAGES.tools,
  'policy-guard.ts': STAGES.guard,
  'argument-guard.ts': STAGES.guard,
  'stop-check.ts': STAGES.stop,
  'loop-breaker.ts': STAGES.loop,
};

function stageOf(file: string): number {
  return FILE_STAGES[file] ?? STAGES.guard + 5;
}

/** The module order with the generated file in its stage (edits keep their place). */
export function orderWith(current: readonly string[], generated: GeneratedModule): string[] {
  if (current.includes(generated.file)) return [...current];
  const position = current.findIndex((file) => stageOf(file) > generated.stage);
  return position < 0 ? [...current, generated.file] : [...current.slice(0, position), generated.file, ...current.slice(position)];
}

export function createHeuristicEngineer(): Engineer {
  return {
    id: 'heuristic',
    async propose(request: EngineerRequest): Promise<Proposal | null> {
      const entry = TEMPLATES[request.group.kind];
      if (!entry) return null;
      const failures = trajectoriesOf(request.group, request.train);
      // Variants rejected against the current HEAD are spent; a stale rejection may be retried.
      const current = request.rejected.filter((attempt) => !attempt.stale);
      for (let variant = current.length; variant < entry.variants; variant++) {
        const generated = entry.template({ request, failures, variant });
        if (!generated) continue;
        const existing = request.modules.find((module) => module.file === generated.file);
        if (existing?.source === generated.source) continue;
        if (current.some((attempt) => attempt.files.some((file) => file.file === generated.file && file.source === generated.source))) continue;
        return {
          files: [{ file: generated.file, source: generated.source }],
          remove: [],
          order: orderWith(request.modules.map((module) => module.file), generated),
          summary: generated.summary,
          usage: { inputTokens: 0, outputTokens: 0, calls: 0 },
        };
      }
      return null;
    },
    async repair() {
      // Templates are type-checked by the test suite; a failing one is a bug to fix, not to retry.
      return null;
    },
  };
}
