import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.ts';
import { chatCompletion } from '../helpers/protocol-fixtures.ts';
import { startScriptedServer, type ScriptedServer } from '../helpers/scripted-server.ts';

/** A chat-completions server whose "model" looks up the product types once, then finishes. */
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer((request) => {
    const toolResults = (request.body.messages as { role: string }[]).filter((message) => message.role === 'tool').length;
    return {
      body:
        toolResults === 0
          ? chatCompletion({ choices: [{ toolCalls: [{ id: 'call-1', name: 'list_all_product_types', arguments: '{}' }] }] })
          : chatCompletion({ choices: [{ toolCalls: [{ id: 'call-2', name: 'finish', arguments: '{"message":"Done."}' }] }] }),
    };
  });
});
afterAll(() => server.close());

describe('bridle eval with an OpenAI-compatible server', () => {
  it('runs episodes against the server, records real (not simulated) results, and re-runs from the cache', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bridle-openai-'));
    const args = ['eval', '--env', 'retail', '--backbone', 'openai/test-model', '--base-url', `${server.url}/v1`, '--tasks', 'retail-001', '--trials', '1', '--harness', 'none', '--json'];
    const first = await runCliAsync(args, cwd);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const output = JSON.parse(first.stdout);
    expect(output.simulated).toBe(false);
    expect(output.note).toBeUndefined();
    expect(output.backbones[0]).toMatchObject({ backbone: 'openai/test-model', simulated: false, episodes: 1, meanSteps: 2 });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(server.requests[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name)).toContain('finish');

    const second = await runCliAsync(args, cwd);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).backbones).toEqual(output.backbones);
    expect(server.requests).toHaveLength(2); // every answer came from .bridle/cache
  });
});

describe('bridle eval when the server keeps failing', () => {
  it('records each episode as a model fault and goes on to the next', async () => {
    const failing = await startScriptedServer(() => ({ status: 500, body: { error: { message: 'overloaded' } } }));
    try {
      const cwd = mkdtempSync(join(tmpdir(), 'bridle-storm-'));
      writeFileSync(
        join(cwd, 'bridle.config.ts'),
        `export default { backbones: { 'openai/test-model': { baseURL: '${failing.url}/v1', maxRetries: 1 } } };\n`,
      );
      const result = await runCliAsync(['eval', '--env', 'retail', '--backbone', 'openai/test-model', '--tasks', 'retail-001,retail-002', '--trials', '1', '--harness', 'none', '--json'], cwd);
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout);
      expect(output.backbones[0]).toMatchObject({ episodes: 2, successRate: 0, endReasons: { 'model-fault': 2 } });
      expect(failing.requests).toHaveLength(4); // two episodes, one retry each
      const runs = readdirSync(join(cwd, '.bridle', 'runs'));
      const trajectories = readFileSync(join(cwd, '.bridle', 'runs', runs[0]!, 'trajectories.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(trajectories.map((trajectory) => trajectory.end.detail)).toEqual([expect.stringMatching(/^MODEL_FAULT: /), expect.stringMatching(/^MODEL_FAULT: /)]);
    } finally {
      await failing.close();
    }
  });
});

describe('bridle eval with a token budget', () => {
  it('stops starting calls (and episodes) once the budget is spent, and says so', async () => {
    const answering = await startScriptedServer(() => ({ body: chatCompletion({ choices: [{ toolCalls: [{ id: 'c', name: 'finish', arguments: '{"message":"Done."}' }] }], promptTokens: 500, completionTokens: 20 }) }));
    try {
      const cwd = mkdtempSync(join(tmpdir(), 'bridle-budget-'));
      writeFileSync(
        join(cwd, 'bridle.config.ts'),
        `export default { backbones: { 'openai/test-model': { baseURL: '${answering.url}/v1', maxConcurrency: 1, price: { inputPerMTok: 1, outputPerMTok: 2 } } }, budgets: { maxTokens: 1000 } };\n`,
      );
      const tasks = 'retail-001,retail-002,retail-003,retail-004,retail-005,retail-006';
      const result = await runCliAsync(['eval', '--env', 'retail', '--backbone', 'openai/test-model', '--tasks', tasks, '--trials', '1', '--workers', '1', '--harness', 'none', '--json'], cwd);
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout);
      // The budget holds on calls started: one call at a time, so the call after the one that crossed 1000 tokens never goes out.
      expect(output.budgetStop).toMatch(/^openai\/test-model: token budget exhausted \(1040 of 1000 tokens spent; raise budgets.maxTokens in bridle.config.ts\): ran 2 of 6 episodes \(\d more stopped when the budget ran out\)$/);
      expect(answering.requests).toHaveLength(2);
      expect(output.backbones[0].episodes).toBeLessThan(6);
      expect(output.spend).toMatchObject({ unknownCost: false });
      expect(output.spend.costUsd).toBeGreaterThan(0);
    } finally {
      await answering.close();
    }
  });
});
