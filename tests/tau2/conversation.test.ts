/**
 * The conversational form end to end: `bridle eval --user` on a tau2 task, against one local
 * OpenAI-compatible server that plays both the agent's backbone and the user simulator (told apart by the
 * model name in the request). The trajectory must show both sides, and the reward must be tau2's.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.ts';
import { chatCompletion } from '../helpers/protocol-fixtures.ts';
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from '../helpers/scripted-server.ts';
import { describeWithBenchData } from '../helpers/bench-data.ts';
import { evaluate } from '../../src/api/evaluate.ts';

const USER_LINES = [
  "Hi, I'd like to cancel my order with the book shelf. I ordered it by mistake.",
  'My email is daiki.silva6295@example.com.',
  'yes',
  'Thanks, that is all. ###STOP###',
];
const AGENT_CALLS = [
  ['respond', { message: 'Happy to help. What is your email address?' }],
  ['find_user_id_by_email', { email: 'daiki.silva6295@example.com' }],
  ['respond', { message: 'I will cancel order #W8835847, reason: ordered by mistake. Do you confirm (yes/no)?' }],
  ['cancel_pending_order', { order_id: '#W8835847', reason: 'ordered by mistake' }],
  ['respond', { message: 'Done: order #W8835847 is cancelled, and you will be refunded.' }],
] as const;

describeWithBenchData('tau2 conversational form', 'tau2/retail', (data) => {
  let server: ScriptedServer;
  const cwds: string[] = [];
  const byModel = (model: string) => server.requests.filter((request) => request.body?.model === model);

  beforeAll(async () => {
    server = await startScriptedServer((request: RecordedRequest) => {
      if (request.body.model === 'user-model') {
        const index = byModel('user-model').length - 1;
        return { body: chatCompletion({ model: 'user-model', choices: [{ content: USER_LINES[index] ?? '###STOP###' }] }) };
      }
      const index = byModel('agent-model').length - 1;
      const [name, args] = AGENT_CALLS[index] ?? ['finish', { message: 'Goodbye.' }];
      return { body: chatCompletion({ model: 'agent-model', choices: [{ toolCalls: [{ id: `call-${index}`, name, arguments: JSON.stringify(args) }] }] }) };
    });
  });
  afterAll(async () => {
    await server.close();
    for (const cwd of cwds) rmSync(cwd, { recursive: true, force: true });
  });

  it('runs a task as a conversation: the agent talks through respond, the user answers and stops, tau2 scores it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bridle-tau2-conversation-'));
    cwds.push(cwd);
    const result = await runCliAsync(
      ['eval', '--env', 'tau2-retail', '--data', data, '--backbone', 'openai/agent-model', '--user', 'openai/user-model', '--base-url', `${server.url}/v1`, '--tasks', '88', '--trials', '1', '--harness', 'none', '--workers', '1', '--json'],
      cwd,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.user).toBe('openai/user-model');
    expect(output.backbones[0]).toMatchObject({ backbone: 'openai/agent-model', simulated: false, successRate: 1, endReasons: { 'user-stop': 1 } });

    const runs = readdirSync(join(cwd, '.bridle', 'runs'));
    const [trajectory] = readFileSync(join(cwd, '.bridle', 'runs', runs[0]!, 'trajectories.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    // Both sides are on the record: who played the user, what they were told, every exchange.
    expect(trajectory.conversation.user).toEqual({ id: 'openai/user-model', simulated: false });
    expect(trajectory.conversation.instructions).toContain('<scenario>');
    expect(trajectory.conversation.instructions).toContain('You name is Daiki Silva');
    expect(trajectory.conversation.opening).toMatchObject({ agent: 'Hi! How can I help you today?', reply: USER_LINES[0] });
    expect(trajectory.instruction).toBe(USER_LINES[0]);
    expect(trajectory.steps.map((step: { action: { tool: string } }) => step.action.tool)).toEqual(AGENT_CALLS.map(([name]) => name));
    expect(trajectory.steps.map((step: { user?: { reply: string } }) => step.user?.reply)).toEqual([USER_LINES[1], undefined, USER_LINES[2], undefined, USER_LINES[3]]);
    expect(trajectory.steps[4].user.stop).toBe('###STOP###');
    expect(trajectory.steps[3].result).toMatchObject({ ok: true });
    expect(trajectory.end).toEqual({ reason: 'user-stop', detail: 'the user ended the conversation (###STOP###)' });
    expect(trajectory.verification.checks.find((check: { name: string }) => check.name === 'database')).toMatchObject({ passed: true });
    expect(trajectory.conversation.usage.modelCalls).toBe(4);

    // The user simulator sees the conversation from its side: the agent speaks as "user", it speaks as "assistant".
    const userRequests = byModel('user-model');
    expect(userRequests).toHaveLength(4);
    expect(userRequests[0]!.body.messages).toEqual([
      { role: 'system', content: trajectory.conversation.instructions },
      { role: 'user', content: 'Hi! How can I help you today?' },
    ]);
    expect(userRequests[1]!.body.messages.slice(1)).toEqual([
      { role: 'user', content: 'Hi! How can I help you today?' },
      { role: 'assistant', content: USER_LINES[0] },
      { role: 'user', content: AGENT_CALLS[0][1].message },
    ]);
    // The agent gets the user's words as observations and has respond and finish besides the domain's tools.
    const agentRequests = byModel('agent-model');
    expect(agentRequests[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: USER_LINES[0] });
    const agentTools = agentRequests[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
    expect(agentTools).toEqual(expect.arrayContaining(['respond', 'finish', 'cancel_pending_order']));
    expect(agentRequests[0]!.body.messages[0].content).toContain('## Conversation');
    expect(agentRequests[0]!.body.messages[0].content).not.toContain('## Ticket form');
  });

  it('refuses a simulated backbone as the user, and a user for an environment without a conversational form', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bridle-tau2-user-'));
    cwds.push(cwd);
    const common = { root: cwd, trials: 1, harness: 'none', record: false, workers: 0 } as const;
    await expect(evaluate({ ...common, env: 'tau2-retail', data, user: 'sim/mixed', tasks: ['88'] })).rejects.toThrow(/^the user simulator must be a real backbone \(--user anthropic\/<model> or openai\/<model>\); sim\/mixed is simulated/);
    await expect(evaluate({ ...common, env: 'retail', user: 'openai/user-model', tasks: ['retail-001'], backboneOptions: { baseURL: `${server.url}/v1` } })).rejects.toThrow(
      'environment "retail" has no conversational form, so it takes no user backbone (--user): it runs in ticket form',
    );
    // The config twin: eval.user is read when no option says otherwise.
    writeFileSync(join(cwd, 'bridle.config.ts'), "export default { eval: { user: 'sim/slip' } };\n");
    await expect(evaluate({ ...common, env: 'tau2-retail', data, tasks: ['88'] })).rejects.toThrow(/sim\/slip is simulated/);
  });
});
