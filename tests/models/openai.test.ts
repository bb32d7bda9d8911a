/**
 * `openai/<model>`: the chat-completions client against a local server speaking the protocol.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/contracts/backbone.ts';
import { BridleError } from '../../src/errors.ts';
import { createOpenAIBackbone } from '../../src/models/openai.ts';
import { createProviderBackbone, resolveOpenAIKey } from '../../src/models/providers.ts';
import { createBudget } from '../../src/models/shared/budget.ts';
import { ModelCallError } from '../../src/models/shared/errors.ts';
import { chatCompletion, TEST_TOOLS } from '../helpers/protocol-fixtures.ts';
import { completionRequest, instantRetry, temporaryFolder, useTestResources, caught } from '../helpers/model-testing.ts';

const { server, onCleanup } = useTestResources();

describe('openai backbone over chat completions', () => {
  it('sends a text-mode request and parses a text action', async () => {
    const api = await server([{ body: chatCompletion({ choices: [{ content: 'ACTION: get_order {"order_id": "#W1001"}' }], promptTokens: 70, completionTokens: 12 }) }]);
    const backbone = createOpenAIBackbone({ model: 'qwen2.5-7b-instruct', baseURL: `${api.url}/v1/`, toolMode: 'text', sampling: { temperature: 0.3 } });
    const completion = await backbone.complete(completionRequest({ tools: TEST_TOOLS, sampling: { maxTokens: 128, topP: 0.9, stop: ['\n\n'] } }));

    const request = api.requests[0]!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({
      model: 'qwen2.5-7b-instruct',
      messages: [
        { role: 'system', content: 'You are a retail support agent. Answer with one action.' },
        { role: 'user', content: 'Cancel order #W1001, I ordered it by mistake.' },
      ],
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 128,
      stop: ['\n\n'],
      seed: 0,
    });
    expect(completion.samples).toEqual([{ text: 'ACTION: get_order {"order_id": "#W1001"}', toolCalls: [] }]);
    expect(completion.usage).toEqual({ inputTokens: 70, outputTokens: 12 });
    expect(completion.exchanges[0]).toMatchObject({ backbone: 'openai/qwen2.5-7b-instruct', response: { status: 200 } });
  });

  it('sends tools and tool turns natively and parses tool calls', async () => {
    const api = await server([
      { body: chatCompletion({ choices: [{ content: null, toolCalls: [{ id: 'call_9', name: 'cancel_order', arguments: '{"order_id":"#W1001","reason":"ordered by mistake"}' }] }] }) },
    ]);
    const backbone = createOpenAIBackbone({ model: 'm', baseURL: `${api.url}/v1`, apiKey: 'local-key' });
    const messages: Message[] = [
      { role: 'system', content: 'Policy.' },
      { role: 'user', content: 'Cancel #W1001.' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_order', argumentsText: '{"order_id":"#W1001"}' }] },
      { role: 'tool', toolCallId: 'call_1', name: 'get_order', content: '{"status":"pending"}' },
    ];
    const completion = await backbone.complete(completionRequest({ messages, tools: TEST_TOOLS, toolMode: 'native' }));

    const body = api.requests[0]!.body;
    expect(api.requests[0]!.headers.authorization).toBe('Bearer local-key');
    expect(body.tools).toEqual(
      TEST_TOOLS.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } })),
    );
    expect(body.messages.slice(2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_order', arguments: '{"order_id":"#W1001"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"status":"pending"}' },
    ]);
    expect(completion.samples).toEqual([
      { text: '', toolCalls: [{ id: 'call_9', name: 'cancel_order', argumentsText: '{"order_id":"#W1001","reason":"ordered by mistake"}' }] },
    ]);
  });

  it('draws samples as parallel calls by default, one seed per sample index', async () => {
    const api = await server((request) => ({ body: chatCompletion({ choices: [{ content: `seeded ${request.body.seed}` }] }) }));
    const backbone = createOpenAIBackbone({ model: 'm', baseURL: api.url });
    const completion = await backbone.complete(completionRequest({ samples: 3, sampleOffset: 5 }));

    expect(api.requests.map((request) => request.body.seed).sort()).toEqual([5, 6, 7]);
    expect(api.requests.every((request) => request.body.n === undefined)).toBe(true);
    expect(completion.samples.map((sample) => sample.text)).toEqual(['seeded 5', 'seeded 6', 'seeded 7']);
  });

  it('asks for n samples in one request with samplesVia "n"', async () => {
    const api = await server([{ body: chatCompletion({ choices: [{ content: 'a' }, { content: 'b' }, { content: 'c' }] }) }]);
    const backbone = createOpenAIBackbone({ model: 'm', baseURL: api.url, samplesVia: 'n' });
    const completion = await backbone.complete(completionRequest({ samples: 3 }));
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.body.n).toBe(3);
    expect(completion.samples.map((sample) => sample.text)).toEqual(['a', 'b', 'c']);
    expect(completion.exchanges[0]?.sampleIndices).toEqual([0, 1, 2]);
  });

  it('draws the missing samples one by one when a server ignores n', async () => {
    const api = await server((request, index) => ({ body: chatCompletion({ choices: [{ content: `only one (${index}, seed ${request.body.seed})` }] }) }));
    const backbone = createOpenAIBackbone({ model: 'm', baseURL: api.url, samplesVia: 'n' });
    const completion = await backbone.complete(completionRequest({ samples: 3 }));
    expect(api.requests).toHaveLength(3);
    expect(completion.samples).toHaveLength(3);
    expect(new Set(completion.samples.map((sample) => sample.text)).size).toBe(3);
    expect(completion.warnings.some((warning) => warning.includes('ignores "n"'))).toBe(true);
  });

  it('honours retry-after-ms on a 429, then succeeds', async () => {
    const api = await server([
      { status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '2' }, body: { error: { message: 'Rate limit reached', type: 'requests' } } },
      { body: chatCompletion({ choices: [{ content: 'ok' }] }) },
    ]);
    const { sleeps, retry } = instantRetry();
    const backbone = createOpenAIBackbone({ model: 'm', baseURL: api.url, retry });
    const completion = await backbone.complete(completionRequest());
    expect(sleeps).toEqual([1500]);
    expect(completion.samples[0]?.text).toBe('ok');
    expect(completion.exchanges.map((exchange) => exchange.error?.code)).toEqual(['MODEL_RATE_LIMITED', undefined]);
  });

  it('gives up after a storm of 503s with MODEL_FAULT', async () => {
    const api = await server(() => ({ status: 503, body: 'upstream unavailable' }));
    const { sleeps, retry } = instantRetry();
    const backbone = createOpenAIBackbone({ model: 'm', baseURL: api.url, maxRetries: 2, retry });
    const error = await caught(backbone.complete(completionRequest()));
    expect(error.code).toBe('MODEL_FAULT');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('HTTP 503: upstream unavailable');
    expect(api.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(ModelCallError.isModelCallError(error) && error.exchanges.map((exchange) => exchange.response?.status)).toEqual([503, 503, 503]);
  });

  it('reports malformed bodies as MODEL_BAD_RESPONSE', async () => {
    const api = await server([
      { headers: { 'content-type': 'application/json' }, body: '<html>gateway</html>' },
      { body: { choices: [] } },
      { body: { error: { message: 'model not loaded' } } },
    ]);
    const backbone = createOpenAIBackbone({ model: 'm', baseURL: api.url, retry: instantRetry().retry });
    const notJson = await caught(backbone.complete(completionRequest()));
    expect(notJson.code).toBe('MODEL_BAD_RESPONSE');
    expect(notJson.message).toContain('<html>gateway</html>');
    const empty = await caught(backbone.complete(completionRequest({ sampleOffset: 1 })));
    expect(empty.code).toBe('MODEL_BAD_RESPONSE');
    expect(empty.message).toContain('choices');
    const errorBody = await caught(backbone.complete(completionRequest({ sampleOffset: 2 })));
    expect(errorBody.message).toContain('model not loaded');
    expect(api.requests).toHaveLength(3);
  });

  it('times out a hung server and fails as a model fault caused by MODEL_TIMEOUT', async () => {
    const api = await server(() => ({ hang: true }));
    const backbone = createOpenAIBackbone({ model: 'm', baseURL: api.url, timeoutMs: 100, maxRetries: 1, retry: instantRetry().retry });
    const error = await caught(backbone.complete(completionRequest()));
    expect(error.code).toBe('MODEL_FAULT');
    expect((error.cause as BridleError).code).toBe('MODEL_TIMEOUT');
    expect(error.message).toContain('no answer after 100 ms');
    expect(api.requests).toHaveLength(2);
  });

  it('stops when the caller aborts, without retrying', async () => {
    const api = await server(() => ({ hang: true }));
    const backbone = createOpenAIBackbone({ model: 'm', baseURL: api.url, retry: instantRetry().retry });
    const controller = new AbortController();
    const pending = caught(backbone.complete(completionRequest({ signal: controller.signal })));
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort(new Error('episode timeout'));
    const error = await pending;
    expect(error.message).toContain('call aborted');
    expect(error.retryable).toBe(false);
    expect(api.requests).toHaveLength(1);
  });

  it('estimates usage when the server reports none', async () => {
    const api = await server([{ body: chatCompletion({ choices: [{ content: 'twelve chars' }], omitUsage: true }) }]);
    const backbone = createOpenAIBackbone({ model: 'm', baseURL: api.url });
    const completion = await backbone.complete(completionRequest());
    expect(completion.usage.estimated).toBe(true);
    expect(completion.usage.outputTokens).toBeGreaterThan(0);
    expect(completion.warnings.some((warning) => warning.includes('no token usage'))).toBe(true);
  });

  it('answers a re-run from the cache with zero requests, and a run without cache sends again', async () => {
    const folder = await temporaryFolder();
    onCleanup(folder.remove);
    const api = await server((_request, index) => ({ body: chatCompletion({ choices: [{ content: `answer ${index}` }] }) }));
    const config = { cache: { dir: folder.path } };
    const request = completionRequest({ samples: 2, tools: TEST_TOOLS });
    const first = await createProviderBackbone('openai/m', config, { baseURL: api.url }).complete(request);
    expect(api.requests).toHaveLength(2);

    const second = await createProviderBackbone('openai/m', config, { baseURL: api.url }).complete(request);
    expect(api.requests).toHaveLength(2);
    expect(second).toMatchObject({ cached: true, samples: first.samples });

    // Another port, same model: still a hit (the base URL is not part of the key).
    const moved = await server(() => ({ status: 500 }));
    await createProviderBackbone('openai/m', config, { baseURL: moved.url }).complete(request);
    expect(moved.requests).toHaveLength(0);

    await createProviderBackbone('openai/m', config, { baseURL: api.url, noCache: true }).complete(request);
    expect(api.requests).toHaveLength(4);
  });

  it('stops at the cost budget', async () => {
    const api = await server(() => ({ body: chatCompletion({ choices: [{ content: 'x' }], promptTokens: 1_000_000, completionTokens: 0 }) }));
    const budget = createBudget({ maxCostUsd: 1 });
    const backbone = createOpenAIBackbone({ model: 'm', baseURL: api.url, budget, price: { inputPerMTok: 1.5, outputPerMTok: 6 } });
    const completion = await backbone.complete(completionRequest());
    expect(completion.costUsd).toBeCloseTo(1.5, 10);
    const error = await caught(backbone.complete(completionRequest({ sampleOffset: 1 })));
    expect(error.code).toBe('BUDGET_EXHAUSTED');
    expect(error.message).toContain('budgets.maxCostUsd');
    expect(api.requests).toHaveLength(1);
  });

  it('requires a base URL, and a configured key variable to be set', () => {
    expect(() => createProviderBackbone('openai/m', {}, { env: {} })).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('backbones["openai/m"].baseURL') }));
    expect(() =>
      createProviderBackbone('openai/m', { backbones: { 'openai/m': { baseURL: 'http://127.0.0.1:1/v1', apiKeyEnv: 'VLLM_KEY' } } }, { env: {} }),
    ).toThrowError(expect.objectContaining({ code: 'MISSING_API_KEY', message: 'openai/m needs an API key: set VLLM_KEY in the environment' }));
    // OPENAI_API_KEY only goes to OpenAI's own API, never to another server.
    expect(resolveOpenAIKey('openai/m', {}, 'http://127.0.0.1:8000/v1', { OPENAI_API_KEY: 'sk-real' })).toBeUndefined();
    expect(resolveOpenAIKey('openai/gpt', {}, 'https://api.openai.com/v1', { OPENAI_API_KEY: 'sk-real' })).toBe('sk-real');
    expect(() => resolveOpenAIKey('openai/gpt', {}, 'https://api.openai.com/v1', {})).toThrowError(expect.objectContaining({ code: 'MISSING_API_KEY' }));
  });
});
