import { mkdtempSync } from 'node:fs';
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
