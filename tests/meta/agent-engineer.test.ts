/**
 * The agentic engineer's loop against scripted local servers (Messages API and chat completions): tool
 * results, the turn limit, the token budget, silence, repair, and what a text-only server gets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentEngineer, type AgentEngineerOptions } from '../../src/meta/engineers/llm/agent-engineer.ts';
import type { EngineerFailure } from '../../src/meta/engineers/llm/index.ts';
import { createRunStore } from '../../src/meta/store/index.ts';
import type { EngineerRequest, ExperimentDraft, ExperimentReport } from '../../src/meta/types.ts';
import { anthropicMessage, chatCompletion, TEST_TOOLS } from '../helpers/protocol-fixtures.ts';
import { caught, instantRetry, useTestResources } from '../helpers/model-testing.ts';
import type { ScriptedServer } from '../helpers/scripted-server.ts';
import { step, trajectory } from '../helpers/trajectories.ts';

const MODULE = `import { defineModule } from 'bridle/harness';

export default defineModule({
  name: 'id-prefix',
  why: 'Order ids without their prefix were refused.',
});
`;

const folders: string[] = [];
afterEach(() => {
  while (folders.length > 0) rmSync(folders.pop()!, { recursive: true, force: true });
});

const { server } = useTestResources();

/** A request with a real store over two failed train episodes and an experiment tool that records drafts. */
function request(): { request: EngineerRequest; drafts: ExperimentDraft[] } {
  const directory = mkdtempSync(join(tmpdir(), 'bridle-agent-'));
  folders.push(directory);
  const failed = (taskId: string) =>
    trajectory({ taskId, steps: [step(0, 'cancel_order W1', { action: { kind: 'call', tool: 'cancel_order', arguments: { order_id: 'W1' } }, result: { ok: false, output: 'Error: invalid order id' } })], end: { reason: 'step-budget' } });
  const train = [failed('retail-train-001'), failed('retail-train-002')];
  const store = createRunStore({
    directory,
    brief: { name: 'retail', description: 'A shop back office.', rules: 'Cancel only pending orders.', tools: TEST_TOOLS },
    apiTypes: 'export const HARNESS_API_VERSION = 1;',
    head: { label: 'abc', manifest: { apiVersion: 1, environment: 'retail', modules: [] }, files: [] },
    headSha: 'abc0123456789',
    train,
  });
  const drafts: ExperimentDraft[] = [];
  const group = store.groups()[0]!;
  return {
    drafts,
    request: {
      environment: store.environment(),
      apiTypes: store.harnessApi(),
      modules: [],
      group: { ...group },
      examples: [],
      rejected: [],
      train,
      workbench: {
        store,
        maxExperiments: 2,
        experiments: () => drafts.length,
        async tryCandidate(draft): Promise<ExperimentReport> {
          drafts.push(draft);
          return { experiment: drafts.length, stage: 'done', ok: true, message: 'train success 0.0% (HEAD) → 50.0% (draft)', diagnostics: [], remaining: 2 - drafts.length };
        },
      },
    },
  };
}

function engineer(api: ScriptedServer, overrides: Partial<AgentEngineerOptions> = {}) {
  const failures: EngineerFailure[] = [];
  const built = createAgentEngineer({
    backbone: 'anthropic/claude-test',
    config: { backbones: { 'anthropic/claude-test': { baseURL: api.url, price: { inputPerMTok: 3, outputPerMTok: 15 } } } },
    env: { ANTHROPIC_API_KEY: 'sk-test' },
    noCache: true,
    retry: instantRetry().retry,
    onFailure: (failure) => failures.push(failure),
    ...overrides,
  });
  return { engineer: built, failures };
}

type Body = { messages: { role: string; content: { type: string; tool_use_id?: string; content?: string; text?: string }[] }[]; tools: { name: string }[] };
const resultOf = (body: Body, id: string) => body.messages.flatMap((message) => message.content).find((block) => block.type === 'tool_result' && block.tool_use_id === id)?.content;

describe('agent engineer', () => {
  it('answers store reads and experiments, and turns submit into a proposal with its spend', async () => {
    const api = await server([
      { body: anthropicMessage({ toolUses: [{ id: 'tu_1', name: 'list_failure_groups', input: {} }, { id: 'tu_2', name: 'grep_trajectories', input: { pattern: 'invalid order' } }], inputTokens: 1000, outputTokens: 50 }) },
      {
        body: anthropicMessage({
          toolUses: [
            { id: 'tu_3', name: 'try_candidate', input: { files: [{ file: 'id-prefix.ts', source: MODULE }] } },
            { id: 'tu_4', name: 'read_candidate', input: { candidate: 3 } },
            { id: 'tu_7', name: 'read_trajectory', input: { id: 'test-final/0' } },
            { id: 'tu_8', name: 'grep_trajectories', input: { pattern: 'order', split: 'validation' } },
          ],
          inputTokens: 2000,
          outputTokens: 80,
        }),
      },
      { body: anthropicMessage({ text: 'Submitting.', toolUses: [{ id: 'tu_5', name: 'submit', input: { summary: 'restore the order id prefix', files: [{ file: 'id-prefix.ts', source: MODULE }] } }, { id: 'tu_6', name: 'read_modules', input: {} }], inputTokens: 3000, outputTokens: 90 }) },
    ]);
    const { engineer: agent, failures } = engineer(api);
    const { request: req, drafts } = request();
    expect(agent.identity).toBe('anthropic/claude-test (agent prompt v1)');
    const proposal = await agent.propose(req);
    expect(failures).toEqual([]);
    const { transcript, ...answer } = proposal!;
    // The conversation is kept for review: system, the brief, then each turn and its tool answers.
    // (The call after submit in the same reply is answered as not run.)
    expect(transcript!.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'assistant', 'tool', 'tool', 'tool', 'tool', 'assistant', 'tool']);
    expect(transcript!.at(-1)).toMatchObject({ role: 'tool', toolCallId: 'tu_6', content: 'Not accepted: not run: the proposal was already submitted' });
    expect(answer).toEqual({
      files: [{ file: 'id-prefix.ts', source: MODULE }],
      remove: [],
      summary: 'restore the order id prefix',
      usage: { inputTokens: 6000, outputTokens: 220, calls: 3, costUsd: (6000 * 3 + 220 * 15) / 1e6, toolCalls: 7, experiments: 1 },
    });
    expect(drafts).toEqual([{ files: [{ file: 'id-prefix.ts', source: MODULE }], remove: [] }]);
    const second = api.requests[1]!.body as Body;
    expect(JSON.parse(resultOf(second, 'tu_1')!)[0]).toMatchObject({ kind: 'environment-error', tasks: 2 });
    expect(JSON.parse(resultOf(second, 'tu_2')!).matches).toHaveLength(2);
    const third = api.requests[2]!.body as Body;
    expect(JSON.parse(resultOf(third, 'tu_3')!)).toMatchObject({ stage: 'done', ok: true, remaining: 1 });
    expect(resultOf(third, 'tu_4')).toMatch(/^refused \(STORE_NOT_FOUND\): no candidate 3/);
    // Validation and test episodes are refused through the tools, by the store.
    expect(resultOf(third, 'tu_7')).toMatch(/^refused \(STORE_SPLIT_REFUSED\): trajectory source "test-final": the test split is not visible to engineers/);
    expect(resultOf(third, 'tu_8')).toMatch(/^refused \(STORE_SPLIT_REFUSED\): trajectory filter: the validation split is not visible/);
  });

  it('offers only submit on the last turn and gives up with the reason when nothing is submitted', async () => {
    const api = await server((_request, index) => ({ body: anthropicMessage({ toolUses: [{ id: `tu_${index}`, name: 'list_failure_groups', input: {} }] }) }));
    const { engineer: agent, failures } = engineer(api, { maxTurns: 3 });
    expect(await agent.propose(request().request)).toBeNull();
    expect(api.requests.map((entry) => (entry.body as Body).tools.map((tool) => tool.name).length)).toEqual([11, 11, 1]);
    expect((api.requests[2]!.body as Body).tools[0]!.name).toBe('submit');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ stage: 'propose', reason: 'no submission within 3 turns', usage: { calls: 3, toolCalls: 3 } });
  });

  it('stops when the proposal token budget is spent, and when the model twice answers without a tool', async () => {
    const spend = await server((_request, index) => ({ body: anthropicMessage({ toolUses: [{ id: `tu_${index}`, name: 'read_environment', input: {} }], inputTokens: 40_000 }) }));
    const budgeted = engineer(spend, { maxProposalTokens: 50_000 });
    expect(await budgeted.engineer.propose(request().request)).toBeNull();
    expect(spend.requests).toHaveLength(2);
    expect(budgeted.failures[0]!.reason).toMatch(/^token budget per proposal spent \(80040 >= 50000\)/);

    const quiet = await server((_request) => ({ body: anthropicMessage({ text: 'I see nothing to fix here.' }) }));
    const silent = engineer(quiet);
    expect(await silent.engineer.propose(request().request)).toBeNull();
    expect(quiet.requests).toHaveLength(2);
    expect(silent.failures[0]!.reason).toBe('the engineer stopped without submitting: I see nothing to fix here.');
  });

  it('repairs a submission that failed the check by continuing its conversation', async () => {
    const fixed = MODULE.replace('were refused.', 'were refused by the tools.');
    const api = await server([
      { body: anthropicMessage({ toolUses: [{ id: 'tu_1', name: 'submit', input: { summary: 'prefix', files: [{ file: 'id-prefix.ts', source: MODULE }] } }] }) },
      { body: anthropicMessage({ toolUses: [{ id: 'tu_2', name: 'submit', input: { summary: 'prefix, fixed', files: [{ file: 'id-prefix.ts', source: fixed }] } }] }) },
    ]);
    const { engineer: agent } = engineer(api);
    const { request: req } = request();
    const proposal = (await agent.propose(req))!;
    const repaired = await agent.repair(req, proposal, ['id-prefix.ts:3:1 TS2322: Type "x" is not assignable']);
    expect(repaired).toMatchObject({ files: [{ file: 'id-prefix.ts', source: fixed }], summary: 'prefix, fixed', usage: { calls: 1 } });
    const body = api.requests[1]!.body as Body;
    expect(resultOf(body, 'tu_1')).toMatch(/^Received id-prefix\.ts\. The candidate now goes through the checks/);
    expect(JSON.stringify(body.messages.at(-1))).toContain('TS2322');
  });

  it('speaks chat completions to an OpenAI-compatible server through the same interface', async () => {
    const api = await server([
      { body: chatCompletion({ choices: [{ toolCalls: [{ id: 'call_1', name: 'read_environment', arguments: '{}' }] }] }) },
      { body: chatCompletion({ choices: [{ toolCalls: [{ id: 'call_2', name: 'submit', arguments: JSON.stringify({ summary: 'prefix', files: [{ file: 'id-prefix.ts', source: MODULE }] }) }] }] }) },
    ]);
    const agent = createAgentEngineer({ backbone: 'openai/qwen-test', config: { backbones: { 'openai/qwen-test': { baseURL: `${api.url}/v1` } } }, noCache: true, retry: instantRetry().retry });
    const proposal = await agent.propose(request().request);
    expect(proposal?.files).toEqual([{ file: 'id-prefix.ts', source: MODULE }]);
    const second = api.requests[1]!.body as { messages: { role: string; content: string; tool_call_id?: string }[]; tools: { function: { name: string } }[] };
    expect(second.tools.map((tool) => tool.function.name)).toContain('try_candidate');
    expect(JSON.parse(second.messages.find((message) => message.role === 'tool')!.content)).toMatchObject({ name: 'retail', rules: 'Cancel only pending orders.' });
  });

  it('refuses a text-only backbone in one line that names the fix', async () => {
    const api = await server([]);
    const error = await caught(Promise.resolve().then(() => createAgentEngineer({ backbone: 'openai/qwen-test', config: { backbones: { 'openai/qwen-test': { baseURL: `${api.url}/v1`, toolMode: 'text' } } } })));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/--engineer-mode single/);
  });
});
