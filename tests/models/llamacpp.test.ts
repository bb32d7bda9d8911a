/**
 * `llamacpp/<path.gguf>`: error paths always; real loading and generation (plain and JSON-schema
 * constrained) with the tiny random-weight GGUF named by BRIDLE_TEST_GGUF (default: the shared test model),
 * skipped with a message when the file or node-llama-cpp is absent.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { BridleError } from '../../src/errors.ts';
import type { ToolSchema } from '../../src/harness/api.ts';
import { actionJsonSchema, createLlamaCppBackbone, disposeLlamaCppModels, toGrammarSchema, type LlamaCppCompletionRequest } from '../../src/models/llamacpp.ts';
import { createProviderBackbone } from '../../src/models/providers.ts';
import { createResponseCache } from '../../src/models/shared/cache.ts';
import { TEST_TOOLS } from '../helpers/protocol-fixtures.ts';
import { completionRequest, temporaryFolder } from '../helpers/model-testing.ts';

const GGUF = process.env.BRIDLE_TEST_GGUF ?? '/work/shared/models/llama-2-tiny-random.gguf';
const haveFile = existsSync(GGUF);
const havePackage = (() => {
  try {
    createRequire(import.meta.url).resolve('node-llama-cpp');
    return true;
  } catch {
    return false;
  }
})();
const skipReason = !haveFile
  ? `no GGUF model at ${GGUF} (set BRIDLE_TEST_GGUF to a small .gguf file)`
  : !havePackage
    ? 'node-llama-cpp is not installed (npm install node-llama-cpp)'
    : undefined;
if (skipReason) console.warn(`llamacpp generation tests skipped: ${skipReason}`);

afterAll(async () => {
  await disposeLlamaCppModels();
});

describe('llamacpp backbone: error paths', () => {
  it('fails fast with MISSING_FILE naming where the file should be', () => {
    expect(() => createProviderBackbone('llamacpp/models/absent.gguf', {}, { cwd: '/tmp/bridle-project', noCache: true })).toThrowError(
      expect.objectContaining({
        code: 'MISSING_FILE',
        message: expect.stringContaining('no model file at /tmp/bridle-project/models/absent.gguf; put the GGUF file there'),
      }),
    );
  });

  it('explains how to install node-llama-cpp when it cannot be loaded', async () => {
    const folder = await temporaryFolder();
    try {
      const file = `${folder.path}/model.gguf`;
      const { writeFile } = await import('node:fs/promises');
      await writeFile(file, 'GGUF');
      const backbone = createLlamaCppBackbone({
        modelPath: file,
        importModule: async () => {
          throw Object.assign(new Error("Cannot find package 'node-llama-cpp'"), { code: 'ERR_MODULE_NOT_FOUND' });
        },
      });
      const error = await backbone.complete(completionRequest()).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(BridleError.isInstance(error) && error.code).toBe('MISSING_DEPENDENCY');
      expect((error as Error).message).toContain('npm install node-llama-cpp');
    } finally {
      await disposeLlamaCppModels();
      await folder.remove();
    }
  });

  it('builds a grammar schema from tool schemas, dropping what a grammar cannot enforce', () => {
    const dropped = new Set<string>();
    const schema = toGrammarSchema(actionJsonSchema(TEST_TOOLS), dropped);
    expect(dropped).toEqual(new Set(['pattern']));
    expect(schema).toMatchObject({
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            tool: { const: 'get_order' },
            arguments: { type: 'object', additionalProperties: false, properties: { order_id: { type: 'string' } }, required: ['order_id'] },
          },
        },
        { properties: { tool: { const: 'cancel_order' } } },
      ],
    });
  });
});

describe.skipIf(skipReason !== undefined)('llamacpp backbone: generation with a real GGUF file', () => {
  it('loads the model once and generates distinct, reproducible samples', async () => {
    const backbone = createLlamaCppBackbone({ modelPath: GGUF, gpu: false, contextSize: 512, threads: 1 });
    const request = completionRequest({ samples: 2, sampling: { maxTokens: 8 } });
    const first = await backbone.complete(request);
    expect(first.samples).toHaveLength(2);
    expect(first.samples.every((sample) => sample.text.length > 0)).toBe(true);
    expect(first.samples[0]?.text).not.toBe(first.samples[1]?.text);
    expect(first.usage.inputTokens).toBeGreaterThan(0);
    expect(first.usage.outputTokens).toBeGreaterThan(0);
    expect(first.costUsd).toBe(0);
    expect(first.exchanges.map((exchange) => exchange.sampleIndices)).toEqual([[0], [1]]);

    // Same seeds, same samples: a second backbone on the same file shares the loaded model.
    const again = await createLlamaCppBackbone({ modelPath: GGUF, gpu: false, contextSize: 512, threads: 1 }).complete(request);
    expect(again.samples).toEqual(first.samples);
  });

  it('constrains the output to a JSON schema, and answers the re-run from the cache', async () => {
    const folder = await temporaryFolder();
    try {
      const backbone = createLlamaCppBackbone({ modelPath: GGUF, gpu: false, contextSize: 512, threads: 1, cache: createResponseCache(folder.path) });
      const request: LlamaCppCompletionRequest = { ...completionRequest({ sampling: { maxTokens: 16 } }), jsonSchema: { enum: ['approve', 'deny'] } };
      const completion = await backbone.complete(request);
      const value: unknown = JSON.parse(completion.samples[0]!.text);
      expect(['approve', 'deny']).toContain(value);
      expect(completion.exchanges[0]?.request.body).toMatchObject({ jsonSchema: { enum: ['approve', 'deny'] } });

      const cached = await backbone.complete(request);
      expect(cached.cached).toBe(true);
      expect(cached.samples).toEqual(completion.samples);
    } finally {
      await folder.remove();
    }
  });

  it('renders native tool turns as function calls with their results', async () => {
    const backbone = createLlamaCppBackbone({ modelPath: GGUF, gpu: false, contextSize: 512, threads: 1, toolMode: 'native' });
    const completion = await backbone.complete(
      completionRequest({
        toolMode: 'native',
        tools: TEST_TOOLS,
        sampling: { maxTokens: 8 },
        messages: [
          { role: 'user', content: 'Cancel #W1.' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'get_order', argumentsText: '{"order_id":"#W1"}' }] },
          { role: 'tool', toolCallId: 'c1', name: 'get_order', content: 'pending' },
        ],
      }),
    );
    expect(completion.samples).toHaveLength(1);
    const body = completion.exchanges[0]?.request.body as { history: unknown[]; functions: Record<string, unknown> };
    expect(Object.keys(body.functions)).toEqual(['get_order', 'cancel_order']);
    expect(body.history).toEqual([
      { type: 'user', text: 'Cancel #W1.' },
      { type: 'model', response: [{ type: 'functionCall', name: 'get_order', params: { order_id: '#W1' }, result: 'pending' }] },
    ]);
  });

  it('constrains text actions to the tools with jsonSchema "action"', async () => {
    const backbone = createLlamaCppBackbone({ modelPath: GGUF, gpu: false, contextSize: 512, threads: 1, jsonSchema: 'action' });
    const tools: ToolSchema[] = [
      {
        name: 'set_priority',
        description: 'Set the ticket priority.',
        parameters: { type: 'object', properties: { level: { type: 'string', enum: ['low', 'high'] } }, required: ['level'] },
        readOnly: false,
      },
      {
        name: 'escalate',
        description: 'Escalate the ticket.',
        parameters: { type: 'object', properties: { urgent: { type: 'boolean' } }, required: ['urgent'] },
        readOnly: false,
      },
    ];
    const completion = await backbone.complete(completionRequest({ tools, samples: 3, sampling: { maxTokens: 40 } }));
    for (const sample of completion.samples) {
      const action = JSON.parse(sample.text) as { tool: string; arguments: Record<string, unknown> };
      expect(['set_priority', 'escalate']).toContain(action.tool);
      if (action.tool === 'set_priority') expect(['low', 'high']).toContain(action.arguments.level);
      else expect(typeof action.arguments.urgent).toBe('boolean');
    }
  });
});
