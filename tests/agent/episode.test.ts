import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../src/agent/episode.ts';
import { trajectorySchema, withoutTimings } from '../../src/agent/trajectory.ts';
import type { Backbone, CompletionRequest } from '../../src/contracts/backbone.ts';
import { BridleError } from '../../src/errors.ts';
import { createRetail } from '../../environments/retail/index.ts';
import { compileHarness } from '../../sandboxes/compile.ts';
import { createInProcessRunner } from '../../sandboxes/in-process-runner.ts';
import { resolveBackbone } from '../../src/models/registry.ts';
import { EMPTY_HARNESS } from '../../sandboxes/compile.ts';

const environment = createRetail();
const taskId = environment.tasks.find((task) => task.split === 'train')!.id;

/** A scripted backbone: answers from a list, records the requests it saw. */
function scripted(outputs: (string | Error)[]): Backbone & { requests: CompletionRequest[] } {
  const requests: CompletionRequest[] = [];
  return {
    id: 'test/scripted',
    simulated: false,
    toolMode: 'text',
    requests,
    async complete(request) {
      requests.push(request);
      const samples = [];
      for (let index = 0; index < request.samples; index++) {
        const next = outputs.shift() ?? '{"tool":"finish","arguments":{"message":"done"}}';
        if (next instanceof Error) throw next;
        samples.push({ text: next, toolCalls: [] });
      }
      return { samples, usage: { inputTokens: 10, outputTokens: 5 }, warnings: [] };
    },
  };
}

const baseline = { label: 'none', compiled: EMPTY_HARNESS };

describe('episode loop', () => {
  it('gives the same trajectory for the same task, seed and backbone, and a valid log record', async () => {
    const backbone = await resolveBackbone('sim/mixed');
    const run = () => runEpisode({ runId: 'a', environment, taskId, seed: 7, trial: 0, backbone, harness: baseline, runner: null });
    const [first, second] = [await run(), await run()];
    expect(withoutTimings(first)).toEqual(withoutTimings(second));
    expect(() => trajectorySchema.parse(JSON.parse(JSON.stringify(first)))).not.toThrow();
    expect(first.backbone.simulated).toBe(true);
    expect(first.steps.length).toBeGreaterThan(0);
    expect(first.steps[0]!.messages[0]).toMatchObject({ role: 'system' });
    expect(first.steps[0]!.messages[1]).toEqual({ role: 'user', content: first.instruction });
  });

  it('feeds a rejection back to the model and counts the step', async () => {
    const backbone = scripted(['Sure! {"tool":"list_all_product_types","arguments":{}}', '{"tool":"finish","arguments":{"message":"bye"}}']);
    const trajectory = await runEpisode({ runId: 'a', environment, taskId, seed: 1, trial: 0, backbone, harness: baseline, runner: null });
    expect(trajectory.steps[0]!.rejection).toMatch(/not a single JSON object/);
    expect(trajectory.steps[0]!.feedback).toBe(trajectory.steps[0]!.rejection);
    expect(backbone.requests[1]!.messages.at(-1)).toEqual({ role: 'user', content: trajectory.steps[0]!.rejection });
    expect(trajectory.end.reason).toBe('finished');
    expect(trajectory.finalMessage).toBe('bye');
  });

  it('records a model fault on the trajectory instead of throwing', async () => {
    const backbone = scripted(['{"tool":"list_all_product_types","arguments":{}}', new BridleError('MODEL_FAULT', '500 storm: retries exhausted')]);
    const trajectory = await runEpisode({ runId: 'a', environment, taskId, seed: 1, trial: 0, backbone, harness: baseline, runner: null });
    expect(trajectory.end).toEqual({ reason: 'model-fault', detail: 'MODEL_FAULT: 500 storm: retries exhausted' });
    expect(trajectory.steps.at(-1)!.modelFault).toMatch(/500 storm/);
    expect(trajectory.success).toBe(false);
  });

  it('stops at the step budget', async () => {
    const backbone = scripted(Array.from({ length: 10 }, () => '{"tool":"list_all_product_types","arguments":{}}'));
    const trajectory = await runEpisode({ runId: 'a', environment, taskId, seed: 1, trial: 0, backbone, harness: baseline, runner: null, maxSteps: 4 });
    expect(trajectory.steps).toHaveLength(4);
    expect(trajectory.end.reason).toBe('step-budget');
  });

  it('runs every hook: resample and rank, guard, interpret, regulate stop', async () => {
    const harness = compileHarness([
      {
        file: 'all-hooks.ts',
        source: `import { defineModule } from 'bridle/harness';
export default defineModule({
  name: 'all-hooks',
  why: 'test',
  realize(draft) { return draft.action ? undefined : { resample: 3 }; },
  rank(candidates) { return candidates.find((candidate) => candidate.action)?.index; },
  guard(action) { return action.kind === 'call' && action.tool === 'cancel_pending_order' ? { block: 'no cancelling' } : undefined; },
  interpret(outcome) { return outcome.text.startsWith('Error') ? 'HINT: ' + outcome.text : undefined; },
  regulate(view) { return view.trajectory.length >= 3 ? { stop: 'enough' } : undefined; },
});`,
      },
    ]);
    const backbone = scripted([
      'garbage',
      'more garbage',
      '{"tool":"cancel_pending_order","arguments":{"order_id":"#W0000000","reason":"no longer needed"}}',
      '{"tool":"cancel_pending_order","arguments":{"order_id":"#W0000000","reason":"no longer needed"}}',
      '{"tool":"get_order_details","arguments":{"order_id":"#W0000000"}}',
      '{"tool":"list_all_product_types","arguments":{}}',
    ]);
    const trajectory = await runEpisode({
      runId: 'a',
      environment,
      taskId,
      seed: 1,
      trial: 0,
      backbone,
      harness: { label: 'test', compiled: harness },
      runner: createInProcessRunner(),
    });
    const [first, second, third] = trajectory.steps;
    expect(first!.samples).toHaveLength(3);
    expect(first!.chosen).toBe(2);
    expect(first!.blocked).toBe('no cancelling');
    expect(first!.fired.map((fired) => fired.hook)).toEqual(['realize', 'guard', 'rank']);
    expect(second!.blocked).toBe('no cancelling');
    expect(third!.result?.ok).toBe(false);
    expect(third!.feedback).toMatch(/^HINT: Error/);
    expect(trajectory.end).toEqual({ reason: 'harness-stop', detail: 'enough' });
  });

  it('ends the episode on a sandbox violation and records it', async () => {
    const harness = compileHarness([
      { file: 'thrower.ts', source: `import { defineModule } from 'bridle/harness';\nexport default defineModule({ name: 'thrower', why: 'test', guard() { throw 42; } });` },
    ]);
    const trajectory = await runEpisode({
      runId: 'a',
      environment,
      taskId,
      seed: 1,
      trial: 0,
      backbone: scripted(['{"tool":"list_all_product_types","arguments":{}}']),
      harness: { label: 'test', compiled: harness },
      runner: createInProcessRunner(),
    });
    expect(trajectory.end.reason).toBe('sandbox-violation');
    expect(trajectory.violations[0]).toMatchObject({ code: 'SANDBOX_THROW', hook: 'guard', module: 'thrower' });
    expect(trajectory.steps[0]!.violation?.code).toBe('SANDBOX_THROW');
  });
});
