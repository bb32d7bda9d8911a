/**
 * The conversational form in the episode loop, on a toolkit environment written here: the user
 * simulator answers through its own tools before it speaks (what tau2's telecom needs), its calls reach
 * the session as the user's, both sides land on the trajectory, and faults and misuse end as data or
 * as one-line errors.
 */
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../src/agent/episode.ts';
import { trajectorySchema } from '../../src/agent/trajectory.ts';
import type { Backbone, CompletionRequest } from '../../src/contracts/backbone.ts';
import type { RawOutput } from '../../src/harness/api.ts';
import { EMPTY_HARNESS } from '../../sandboxes/compile.ts';
import { callStep, check, defineEnvironment, defineTool, finishStep, respondStep, verdict } from '../../src/toolkit/index.ts';
import { resolveBackbone } from '../../src/models/registry.ts';

interface Room {
  light: boolean;
}

/** A help desk for a lamp: only the user can reach the switch. */
const environment = defineEnvironment<Room, { id: string; split: 'train'; instruction: string }>({
  name: 'lamp-desk',
  description: 'A lamp help desk.',
  rules: 'Help the customer get their light on.',
  tools: [defineTool<Room>({ name: 'check_power', readOnly: true, description: 'Whether the building has power.', run: () => 'power: on' })],
  tasks: [{ id: 'lamp-1', split: 'train', instruction: 'My light is off; I can reach the switch.' }],
  maxSteps: 6,
  createState: () => ({ light: false }),
  verify: ({ state, transcript, finalMessage }) =>
    verdict([
      check('state', state.light, state.light ? 'the light is on' : 'the light is off'),
      check('finished', finalMessage !== null || transcript.some((entry) => entry.stop !== undefined)),
    ]),
  oracle: ({ state }) => (state.light ? [finishStep('Glad it works.')] : [respondStep('Please flip the switch.', 'write'), finishStep('Glad it works.')]),
  conversation: {
    userTools: [
      defineTool<Room>({
        name: 'flip_switch',
        readOnly: false,
        description: 'Flip the light switch.',
        run: (room) => {
          room.light = !room.light;
          return `the light is ${room.light ? 'on' : 'off'}`;
        },
      }),
    ],
    user: () => ({ instructions: 'You are a customer whose light is off. End with ###STOP### once it is on.', greeting: 'Hello, how can I help?', stopTokens: ['###STOP###'] }),
  },
});

/** A backbone answering from a script of outputs (an Error is thrown as a fault); it records its requests. */
function scripted(id: string, toolMode: Backbone['toolMode'], outputs: (RawOutput | Error)[]): Backbone & { requests: Omit<CompletionRequest, 'signal' | 'episode'>[] } {
  const requests: Omit<CompletionRequest, 'signal' | 'episode'>[] = [];
  return {
    id,
    simulated: false,
    toolMode,
    requests,
    async complete(request) {
      const { signal: _signal, episode: _episode, ...plain } = request;
      requests.push(structuredClone(plain));
      const next = outputs.shift() ?? { text: '###STOP###', toolCalls: [] };
      if (next instanceof Error) throw next;
      return { samples: [next], usage: { inputTokens: 10, outputTokens: 5 }, costUsd: 0.001, warnings: [] };
    },
  };
}

const say = (text: string): RawOutput => ({ text, toolCalls: [] });
const act = (tool: string, args: object): RawOutput => say(JSON.stringify({ tool, arguments: args }));
const baseline = { label: 'none', compiled: EMPTY_HARNESS };

describe('conversational form', () => {
  it('lets the user act on their side before answering, and records both sides', async () => {
    const agent = scripted('test/agent', 'text', [act('check_power', {}), act('respond', { message: 'Please flip the switch.' }), act('finish', { message: 'Glad it works.' })]);
    const user = scripted('test/user', 'native', [
      say('My light is off.'),
      { text: '', toolCalls: [{ id: 'u1', name: 'flip_switch', argumentsText: '{}' }] },
      say('It works now, thanks.'),
    ]);
    const trajectory = await runEpisode({ runId: 'r', environment, taskId: 'lamp-1', seed: 0, trial: 0, backbone: agent, user, harness: baseline, runner: null });
    expect(trajectorySchema.parse(trajectory)).toBeTruthy();
    expect(trajectory.success).toBe(true);
    expect(trajectory.end).toEqual({ reason: 'finished' });
    expect(trajectory.instruction).toBe('My light is off.');
    expect(trajectory.conversation).toMatchObject({
      user: { id: 'test/user', simulated: false },
      instructions: 'You are a customer whose light is off. End with ###STOP### once it is on.',
      opening: { agent: 'Hello, how can I help?', reply: 'My light is off.' },
      usage: { inputTokens: 30, outputTokens: 15, modelCalls: 3 },
    });
    expect(trajectory.steps[1]!.user).toEqual({
      agent: 'Please flip the switch.',
      turns: [
        { raw: { text: '', toolCalls: [{ id: 'u1', name: 'flip_switch', argumentsText: '{}' }] }, calls: [{ tool: 'flip_switch', arguments: {}, result: { ok: true, output: 'the light is on' } }], usage: { inputTokens: 10, outputTokens: 5, estimated: false } },
        { raw: { text: 'It works now, thanks.', toolCalls: [] }, calls: [], usage: { inputTokens: 10, outputTokens: 5, estimated: false } },
      ],
      reply: 'It works now, thanks.',
    });
    expect(trajectory.steps[1]!.result).toEqual({ ok: true, output: 'It works now, thanks.' });
    // The user's side of the conversation, as its model saw it: the tool result came back before it spoke.
    expect(user.requests[2]!.messages.slice(-3)).toEqual([
      { role: 'user', content: 'Please flip the switch.' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'u1', name: 'flip_switch', argumentsText: '{}' }] },
      { role: 'tool', toolCallId: 'u1', name: 'flip_switch', content: 'the light is on' },
    ]);
    expect(user.requests[0]!.tools.map((tool) => tool.name)).toEqual(['flip_switch']);
    // The agent sees respond and finish besides its own tools, never the user's.
    expect(agent.requests[0]!.tools.map((tool) => tool.name)).toEqual(['check_power', 'respond', 'finish']);
    expect(trajectory.usage.billedTokens).toBe(3 * 15 + 3 * 15);
  });

  it('ends on the user stop token, and a failing user model ends the episode as a model fault', async () => {
    const agent = scripted('test/agent', 'text', [act('respond', { message: 'Please flip the switch.' })]);
    const user = scripted('test/user', 'native', [say('Light is off.'), { text: '', toolCalls: [{ id: 'u1', name: 'flip_switch', argumentsText: '{}' }] }, say('On now. ###STOP###')]);
    const stopped = await runEpisode({ runId: 'r', environment, taskId: 'lamp-1', seed: 0, trial: 0, backbone: agent, user, harness: baseline, runner: null });
    expect(stopped).toMatchObject({ success: true, end: { reason: 'user-stop', detail: 'the user ended the conversation (###STOP###)' } });
    expect(stopped.steps).toHaveLength(1);

    const broken = scripted('test/user', 'native', [say('Light is off.'), new Error('connection reset')]);
    const faulted = await runEpisode({ runId: 'r', environment, taskId: 'lamp-1', seed: 0, trial: 0, backbone: scripted('test/agent', 'text', [act('respond', { message: 'Hi?' })]), user: broken, harness: baseline, runner: null });
    expect(faulted.end).toEqual({ reason: 'model-fault', detail: 'user simulator: INTERNAL: Error: connection reset' });
    expect(faulted.steps[0]!.modelFault).toBe('user simulator: INTERNAL: Error: connection reset');
  });

  it('runs a simulated agent against a real user, and refuses a simulated user', async () => {
    const user = scripted('test/user', 'native', [say('Light is off.'), { text: '', toolCalls: [{ id: 'u1', name: 'flip_switch', argumentsText: '{}' }] }, say('On now.')]);
    const trajectory = await runEpisode({ runId: 'r', environment, taskId: 'lamp-1', seed: 0, trial: 0, backbone: await resolveBackbone('sim/oracle'), user, harness: baseline, runner: null });
    expect(trajectory.success).toBe(true);
    expect(trajectory.steps.map((step) => step.action)).toEqual([callStep('respond', { message: 'Please flip the switch.' }, 'write').action, { kind: 'finish', message: 'Glad it works.' }]);
    await expect(runEpisode({ runId: 'r', environment, taskId: 'lamp-1', seed: 0, trial: 0, backbone: await resolveBackbone('sim/oracle'), user: await resolveBackbone('sim/mixed'), harness: baseline, runner: null })).rejects.toThrow(
      /the user simulator must be a real backbone/,
    );
  });
});
