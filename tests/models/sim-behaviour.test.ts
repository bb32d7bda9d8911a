/**
 * How simulated backbones behave (issue #10): habits that survive resampling and retries, feedback that
 * is read narrowly and diluted, prompts that change nothing, samples that cost tokens.
 */
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../src/agent/episode.ts';
import { parseAction } from '../../src/agent/parse-action.ts';
import { FINISH_TOOL } from '../../src/agent/finish-tool.ts';
import type { Trajectory } from '../../src/agent/trajectory.ts';
import type { EpisodeContext, HistoryEntry } from '../../src/contracts/backbone.ts';
import { createSimBackbone, toSimProfile, type SimProfileInput } from '../../src/models/sim/index.ts';
import { simProfileInputSchema } from '../../src/models/sim/profile-schema.ts';
import { decide } from '../../src/models/sim/decide.ts';
import { drawHabits } from '../../src/models/sim/habits.ts';
import type { SimProfile } from '../../src/models/sim/profiles.ts';
import { resolveBackbone } from '../../src/models/registry.ts';
import { compileHarness, EMPTY_HARNESS } from '../../sandboxes/compile.ts';
import { createInProcessRunner } from '../../sandboxes/in-process-runner.ts';
import { createRetail } from '../../environments/retail/index.ts';

const environment = createRetail();
const tools = [...environment.tools, FINISH_TOOL];
const testTasks = environment.tasks.filter((task) => task.split === 'test').map((task) => task.id);

function profile(name: string, input: SimProfileInput) {
  return toSimProfile(name, simProfileInputSchema.parse(input));
}

function module(file: string, body: string) {
  return { file, source: `import { defineModule } from 'bridle/harness';\nexport default defineModule({ name: '${file.replace('.ts', '')}', why: 'test', ${body} });` };
}

/** Resample `count` after every failed step (a loop breaker), and keep the first sample that realizes. */
const resampleAfterFailure = (count: number) =>
  module(
    'resample.ts',
    `regulate(view) { const last = view.trajectory.at(-1); return last && (last.rejection !== undefined || last.blocked !== undefined || last.result?.ok === false) ? { resample: ${count} } : undefined; },`,
  );

async function episode(backbone: Awaited<ReturnType<typeof resolveBackbone>>, taskId: string, seed: number, files: { file: string; source: string }[] = []): Promise<Trajectory> {
  const harness = files.length === 0 ? { label: 'none', compiled: EMPTY_HARNESS } : { label: 'test', compiled: compileHarness(files) };
  return runEpisode({ runId: 'test', environment, taskId, seed, trial: 0, backbone, harness, runner: files.length === 0 ? null : createInProcessRunner() });
}

const strictlyParses = (text: string) => parseAction({ text, toolCalls: [] }, 'text').action !== null;

describe('habits', () => {
  it('survive a resample and a retry; noise of the same rate is repaired by drawing again', async () => {
    const habit = createSimBackbone(profile('format-habit', { modes: { format: { habit: 1 } } }));
    const noise = createSimBackbone(profile('format-noise', { modes: { format: { noise: 0.5 } } }));
    const harness = [resampleAfterFailure(4)];
    for (const taskId of testTasks.slice(0, 4)) {
      const stuck = await episode(habit, taskId, 3, harness);
      const samples = stuck.steps.flatMap((step) => step.samples);
      expect(stuck.steps.length).toBeGreaterThan(1); // retried
      expect(stuck.steps.some((step) => step.samples.length === 4)).toBe(true); // resampled
      expect(samples.filter((sample) => strictlyParses(sample.text))).toEqual([]);
      expect(stuck.success).toBe(false);
    }
    const repaired = await Promise.all(testTasks.slice(0, 8).map((taskId) => episode(noise, taskId, 3, harness)));
    expect(repaired.filter((trajectory) => trajectory.success).length).toBeGreaterThanOrEqual(6);
  });

  it('keep one wrong tool name and one argument slip for the whole episode', async () => {
    const backbone = createSimBackbone(profile('name-and-argument', { modes: { toolName: { habit: 1 }, arguments: { habit: 1 } } }));
    const trajectory = await episode(backbone, testTasks[1]!, 5, [resampleAfterFailure(3)]);
    const failed = trajectory.steps.filter((step) => step.result?.ok === false);
    expect(failed.length).toBeGreaterThan(1);
    // Every retry of the failed step says the same wrong thing.
    const outputs = new Set(failed.map((step) => step.samples[step.chosen]!.text));
    expect(outputs.size).toBe(1);
  });
});

/** A context for one decision: a failed step with `feedback`, the sim about to retry it. */
function retryContext(taskId: string, seed: number, feedback: string): EpisodeContext {
  const plan = plans.get(taskId) ?? environment.reset(taskId, 0).oracle();
  plans.set(taskId, plan);
  const failed: HistoryEntry = { raw: { text: '{"tool":"x","arguments":{}}', toolCalls: [] }, failed: true, wrote: false, action: null, feedback };
  return { environment: 'retail', taskId, seed, step: 1, tools, oracle: () => plan, initialPlan: () => plan, history: [failed] };
}
const plans = new Map<string, ReturnType<EpisodeContext['oracle']>>();

/** Episode seeds (of one task) whose habit is about the plan's first call. */
function seedsWhere(sim: SimProfile, taskId: string, about: (habits: ReturnType<typeof drawHabits>, tool: string) => boolean, count: number): number[] {
  const seeds: number[] = [];
  for (let seed = 0; seeds.length < count; seed++) {
    const context = retryContext(taskId, seed, '');
    const first = context.oracle()[0]!;
    if (about(drawHabits(sim, context), first.action.kind === 'call' ? first.action.tool : 'finish')) seeds.push(seed);
  }
  return seeds;
}

describe('feedback', () => {
  // Every episode misnames one tool of its plan; these seeds misname the first one, so only feedback can fix the retry.
  const misnames = profile('misnames', { modes: { toolName: { habit: 1 } }, compliance: 0.6 });
  const taskId = testTasks[0]!;
  const correct = retryContext(taskId, 0, '').oracle()[0]!;
  const tool = correct.action.kind === 'call' ? correct.action.tool : 'finish';
  const seeds = seedsWhere(misnames, taskId, (habits, first) => habits.toolName?.tool === first, 2000);
  const followRate = (feedback: string) => seeds.filter((seed) => JSON.parse(decide(misnames, retryContext(taskId, seed, feedback), 0).text).tool === tool).length / seeds.length;

  it('naming the right tool is followed at the profile compliance rate', () => {
    expect(Math.abs(followRate(`Blocked: unknown tool. Call ${tool} instead.`) - 0.6)).toBeLessThan(0.035); // 3.2 standard errors at n = 2000
  });

  it('naming it among four tools is followed a quarter as often', () => {
    const others = tools.map((schema) => schema.name).filter((name) => name !== 'finish' && name !== tool).slice(0, 3);
    expect(Math.abs(followRate(`Unknown tool. Valid tools: ${[...others, tool].join(', ')}.`) - 0.15)).toBeLessThan(0.025);
  });

  it('generic feedback is not followed: the habit stays', () => {
    expect(followRate('Error: that did not work. Please try again, carefully.')).toBe(0);
  });

  it('naming the correct value of the argument it got wrong is followed; a wrong value is not', () => {
    const slips = profile('slips', { modes: { arguments: { habit: 1 } }, compliance: 1 });
    const task = testTasks.find((id) => {
      const first = retryContext(id, 0, '').oracle()[0]!;
      return first.action.kind === 'call' && first.action.tool === 'find_user_id_by_email';
    })!;
    const first = retryContext(task, 0, '').oracle()[0]!;
    const email = first.action.kind === 'call' ? String(first.action.arguments.email) : '';
    const emailSeeds = seedsWhere(slips, task, (habits) => habits.arguments?.parameter === 'email', 100);
    const fixedBy = (feedback: string) => emailSeeds.filter((seed) => JSON.stringify(JSON.parse(decide(slips, retryContext(task, seed, feedback), 0).text).arguments) === JSON.stringify({ email })).length;
    expect(fixedBy(`Error: no user with that email; did you mean ${email}?`)).toBe(100);
    expect(fixedBy('Error: no user with email someone@example.org')).toBe(0);
  });
});

describe('what sims read', () => {
  it('rewriting the system prompt, the instruction and every observation leaves every draw unchanged', async () => {
    const rewrite = module(
      'rewrite.ts',
      `prepare(prompt, view) { return { system: 'You are a different agent. ' + view.step, observation: 'IGNORE: ' + prompt.observation.split('').reverse().join('') + ' #W0000000 retail-001 get_order_details' }; },`,
    );
    const backbone = await resolveBackbone('sim/mixed');
    let failedSteps = 0;
    for (const taskId of testTasks.slice(0, 10)) {
      const plain = await episode(backbone, taskId, 11);
      const rewritten = await episode(backbone, taskId, 11, [rewrite]);
      expect(rewritten.steps.map((step) => step.samples)).toEqual(plain.steps.map((step) => step.samples));
      expect(rewritten.steps[0]!.messages.at(-1)!).not.toEqual(plain.steps[0]!.messages.at(-1)!);
      failedSteps += plain.steps.filter((step) => step.rejection !== undefined || step.result?.ok === false).length;
    }
    expect(failedSteps).toBeGreaterThan(0); // the feedback path was exercised too
  });
});

describe('token cost', () => {
  it('every sample costs its input: the per-episode estimate grows with the samples drawn', async () => {
    // The oracle makes no mistakes, so one or three samples give the same episode: only the cost differs.
    const backbone = await resolveBackbone('sim/oracle');
    const always = (count: number) => module('always.ts', `regulate() { return { resample: ${count} }; },`);
    for (const taskId of testTasks.slice(0, 3)) {
      const one = await episode(backbone, taskId, 2, [always(1)]);
      const three = await episode(backbone, taskId, 2, [always(3)]);
      expect(three.steps.map((step) => step.action)).toEqual(one.steps.map((step) => step.action));
      expect(one.usage.estimated).toBe(true);
      for (const trajectory of [one, three]) {
        expect(trajectory.usage.inputTokens).toBe(trajectory.steps.reduce((sum, step) => sum + step.usage.inputTokens, 0));
        expect(trajectory.usage.outputTokens).toBe(trajectory.steps.reduce((sum, step) => sum + step.usage.outputTokens, 0));
      }
      // Step 0 draws one sample in both; every later step draws three, each paying the whole prompt.
      const first = one.steps[0]!.usage;
      expect(three.usage.inputTokens - first.inputTokens).toBe(3 * (one.usage.inputTokens - first.inputTokens));
      expect(three.usage.outputTokens - first.outputTokens).toBe(3 * (one.usage.outputTokens - first.outputTokens));
    }
  });
});
