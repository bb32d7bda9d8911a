/**
 * tau2-telecom in tau2's own protocol, end to end: `bridle eval --user` against one local
 * OpenAI-compatible server that plays the agent's backbone and the user simulator (told apart by the model
 * name). The user fixes the phone with the device tools when the agent asks; those calls are on the
 * trajectory, and tau2's assertions on the phone decide the reward.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.ts';
import { chatCompletion } from '../helpers/protocol-fixtures.ts';
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from '../helpers/scripted-server.ts';
import { describeWithBenchData } from '../helpers/bench-data.ts';

const TASK = '[mobile_data_issue]airplane_mode_on|data_mode_off[PERSONA:None]';

/** The user's turns: a message, or a call of one of the phone's tools. */
const USER_TURNS: ({ say: string } | { call: string })[] = [
  { say: 'My mobile data is not working. I am John Smith, 555-123-2002.' },
  { call: 'check_status_bar' },
  { say: 'The status bar shows an airplane.' },
  { call: 'toggle_airplane_mode' },
  { say: 'Airplane mode is off now, but there is still no internet.' },
  { call: 'toggle_data' },
  { call: 'run_speed_test' },
  { say: 'The speed test says excellent. Thank you! ###STOP###' },
];
const AGENT_CALLS = [
  ['get_customer_by_phone', { phone_number: '555-123-2002' }],
  ['respond', { message: 'Thanks, John. What does the status bar at the top of your screen show?' }],
  ['respond', { message: 'Airplane mode is on. Please turn it off.' }],
  ['respond', { message: 'Please turn mobile data on, then run a speed test.' }],
] as const;

describeWithBenchData('tau2-telecom conversational form', 'tau2/telecom', (data) => {
  let server: ScriptedServer;
  let cwd: string;
  const byModel = (model: string) => server.requests.filter((request) => request.body?.model === model);

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'bridle-tau2-telecom-conversation-'));
    server = await startScriptedServer((request: RecordedRequest) => {
      if (request.body.model === 'user-model') {
        const index = byModel('user-model').length - 1;
        const turn = USER_TURNS[index] ?? { say: '###STOP###' };
        const choice = 'say' in turn ? { content: turn.say } : { toolCalls: [{ id: `user-call-${index}`, name: turn.call, arguments: '{}' }] };
        return { body: chatCompletion({ model: 'user-model', choices: [choice] }) };
      }
      const index = byModel('agent-model').length - 1;
      const [name, args] = AGENT_CALLS[index] ?? ['finish', { message: 'Goodbye.' }];
      return { body: chatCompletion({ model: 'agent-model', choices: [{ toolCalls: [{ id: `call-${index}`, name, arguments: JSON.stringify(args) }] }] }) };
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('runs a telecom task as a conversation: the user operates the phone, the trajectory shows both sides, tau2 scores the phone', async () => {
    const result = await runCliAsync(
      ['eval', '--env', 'tau2-telecom', '--data', data, '--backbone', 'openai/agent-model', '--user', 'openai/user-model', '--base-url', `${server.url}/v1`, '--tasks', TASK, '--trials', '1', '--harness', 'none', '--workers', '1', '--json'],
      cwd,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).backbones[0]).toMatchObject({ backbone: 'openai/agent-model', successRate: 1, endReasons: { 'user-stop': 1 } });

    const runs = readdirSync(join(cwd, '.bridle', 'runs'));
    const [trajectory] = readFileSync(join(cwd, '.bridle', 'runs', runs[0]!, 'trajectories.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(trajectory.conversation.instructions).toContain('<scenario>');
    expect(trajectory.conversation.instructions).toContain('You mobile data is not working properly');
    expect(trajectory.steps.map((step: { action: { tool: string } }) => step.action.tool)).toEqual(AGENT_CALLS.map(([name]) => name));
    // The user's device calls, with the phone's answers, on the steps where the agent asked for them.
    type UserTurn = { calls?: { tool: string; result: { ok: boolean; output: string } }[] };
    const userCalls = trajectory.steps.map((step: { user?: { turns: UserTurn[] } }) => (step.user?.turns ?? []).flatMap((turn) => (turn.calls ?? []).map((call) => call.tool)));
    expect(userCalls).toEqual([[], ['check_status_bar'], ['toggle_airplane_mode'], ['toggle_data', 'run_speed_test']]);
    const speedTest = trajectory.steps[3].user.turns.flatMap((turn: UserTurn) => turn.calls ?? []).find((call: { tool: string }) => call.tool === 'run_speed_test');
    expect(speedTest.result).toEqual({ ok: true, output: 'Speed Test Result: 275.00 Mbps (Excellent). Connection is very fast.' });
    expect(trajectory.steps[1].user.turns[0].calls[0].result.output).toBe('Status Bar: \u2708\uFE0F Airplane Mode | \u{1F50B} 80%');
    expect(trajectory.end).toEqual({ reason: 'user-stop', detail: 'the user ended the conversation (###STOP###)' });
    expect(trajectory.verification.checks.map((check: { name: string; passed: boolean }) => [check.name, check.passed])).toEqual([
      ['finished', true],
      ['errors', true],
      ['assertion:assert_mobile_data_status', true],
      ['assertion:assert_internet_speed', true],
    ]);

    // The user simulator has the phone's tools; the agent has its own, respond and finish, not the phone's.
    const userTools = byModel('user-model')[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
    expect(userTools).toEqual(expect.arrayContaining(['toggle_airplane_mode', 'run_speed_test', 'make_payment']));
    const agentTools = byModel('agent-model')[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
    expect(agentTools).toEqual(expect.arrayContaining(['respond', 'finish', 'refuel_data']));
    expect(agentTools).not.toContain('toggle_airplane_mode');
  });
});
