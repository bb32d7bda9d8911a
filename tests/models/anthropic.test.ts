/**
 * `anthropic/<model>`: the real @anthropic-ai/sdk client against a local server speaking the Messages API.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/contracts/backbone.ts';
import { BridleError } from '../../src/errors.ts';
import { createAnthropicBackbone, toAnthropicMessages } from '../../src/models/anthropic.ts';
import { createProviderBackbone } from '../../src/models/providers.ts';
import { createBudget } from '../../src/models/shared/budget.ts';
import { createResponseCache } from '../../src/models/shared/cache.ts';
import { ModelCallError } from '../../src/models/shared/errors.ts';
import { anthropicError, anthropicMessage, TEST_TOOLS } from '../helpers/protocol-fixtures.ts';
import { instantRetry, completionRequest, temporaryFolder, useTestResources, caught } from '../helpers/model-testing.ts';

const { server, onCleanup } = useTestResources();

describe('anthropic backbone over the Messages API', () => {
  it('sends a text-mode request and parses a text action', async () => {
    const api = await server([{ body: anthropicMessage({ text: '{"tool": "get_order", "arguments": {"order_id": "#W1001"}}', inputTokens: 120, outputTokens: 30 }) }]);
    const backbone = createAnthropicBackbone({
      model: 'claude-test',
      apiKey: 'sk-test',
      baseURL: api.url,
      toolMode: 'text',
      price: { inputPerMTok: 3, outputPerMTok: 15 },
    });
    const completion = await backbone.complete(completionRequest({ tools: TEST_TOOLS, toolMode: 'text', sampling: { maxTokens: 256, stop: ['</action>'] } }));

    expect(api.requests).toHaveLength(1);
    const request = api.requests[0]!;
    expect(request.path).toBe('/v1/messages');
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(request.headers['anthropic-version']).toBe('2026-10-21');
    expect(request.body).toEqual({
      model: 'claude-test',
      max_tokens: 256,
      stop_sequences: ['</action>'],
      system: 'You are a retail support agent. Answer with one action.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Cancel order #W1001, I ordered it by mistake.' }] }],
    });
    expect(completion.samples).toEqual([{ text: '{"tool": "get_order", "arguments": {"order_id": "#W1001"}}', toolCalls: [] }]);
    expect(completion.usage).toEqual({ inputTokens: 120, outputTokens: 30 });
    expect(completion.costUsd).toBeCloseTo((120 * 3 + 30 * 15) / 1e6, 12);
    expect(completion.cached).toBeUndefined();
    expect(completion.exchanges).toHaveLength(1);
    expect(completion.exchanges[0]).toMatchObject({
      backbone: 'anthropic/claude-test',
      sampleIndices: [0],
      request: { url: `${api.url}/v1/messages`, body: request.body },
      response: { status: 200 },
    });
    expect(backbone.simulated).toBe(false);
  });

  it('sends native tools and turns tool_use blocks into tool calls', async () => {
    const api = await server([
      { body: anthropicMessage({ text: 'Cancelling now.', toolUses: [{ id: 'toolu_02', name: 'cancel_order', input: { order_id: '#W1001', reason: 'ordered by mistake' } }] }) },
    ]);
    const fetched: string[] = [];
    const backbone = createAnthropicBackbone({
      model: 'claude-test',
      apiKey: 'sk-test',
      baseURL: api.url,
      fetch: (input, init) => {
        fetched.push(String(input instanceof Request ? input.url : input));
        return fetch(input, init);
      },
    });
    const messages: Message[] = [
      { role: 'system', content: 'Follow the policy.' },
      { role: 'user', content: 'Cancel #W1001.' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_01', name: 'get_order', argumentsText: '{"order_id":"#W1001"}' }] },
      { role: 'tool', toolCallId: 'toolu_01', name: 'get_order', content: '{"status":"pending"}' },
      { role: 'user', content: 'Go ahead.' },
    ];
    const completion = await backbone.complete(completionRequest({ messages, tools: TEST_TOOLS, toolMode: 'native' }));

    expect(fetched).toEqual([`${api.url}/v1/messages`]);
    const body = api.requests[0]!.body;
    expect(body.tools).toEqual([
      {
        name: 'get_order',
        description: 'Look up an order by id.',
        input_schema: TEST_TOOLS[0]!.parameters,
      },
      { name: 'cancel_order', description: 'Cancel a pending order.', input_schema: TEST_TOOLS[1]!.parameters },
    ]);
    expect(body.max_tokens).toBe(4096);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Cancel #W1001.' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'get_order', input: { order_id: '#W1001' } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01', content: '{"status":"pending"}' },
          { type: 'text', text: 'Go ahead.' },
        ],
      },
    ]);
    expect(completion.samples).toEqual([
      {
        text: 'Cancelling now.',
        toolCalls: [{ id: 'toolu_02', name: 'cancel_order', argumentsText: '{"order_id":"#W1001","reason":"ordered by mistake"}' }],
      },
    ]);
  });

  it('flattens tool turns to text in text mode and warns about sampling parameters it cannot send', async () => {
    const api = await server([{ body: anthropicMessage({ text: 'ok' }) }]);
    const backbone = createAnthropicBackbone({ model: 'claude-test', apiKey: 'sk-test', baseURL: api.url, toolMode: 'text' });
    const completion = await backbone.complete(
      completionRequest({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'Looking.', toolCalls: [{ id: 'c1', name: 'get_order', argumentsText: '{"order_id":"#W1"}' }] },
          { role: 'tool', toolCallId: 'c1', name: 'get_order', content: 'pending' },
        ],
        sampling: { temperature: 0.2, topP: 0.9 },
      }),
    );
    const body = api.requests[0]!.body;
    expect(body.tools).toBeUndefined();
    expect(body.temperature).toBeUndefined();
    expect(body.top_p).toBeUndefined();
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Looking.\n{"tool": "get_order", "arguments": {"order_id":"#W1"}}' }] },
      { role: 'user', content: [{ type: 'text', text: 'Result of get_order:\npending' }] },
    ]);
    expect(completion.warnings.some((warning) => warning.includes('temperature and topP not sent'))).toBe(true);
    expect(completion.warnings.some((warning) => warning.includes('no price configured'))).toBe(true);
    expect(completion.costUsd).toBeUndefined();
  });

  it('merges consecutive turns of one role', () => {
    const { messages, system } = toAnthropicMessages(
      [
        { role: 'system', content: 'a' },
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
        { role: 'system', content: 'b' },
      ],
      'native',
    );
    expect(system).toBe('a\n\nb');
    expect(messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] }]);
  });

  it('draws n samples as n parallel calls with distinct sample indices', async () => {
    const api = await server((_request, index) => ({ body: anthropicMessage({ text: `sample body ${index}` }) }));
    const backbone = createAnthropicBackbone({ model: 'claude-test', apiKey: 'sk-test', baseURL: api.url });
    const completion = await backbone.complete(completionRequest({ samples: 3, sampleOffset: 2 }));

    expect(api.requests).toHaveLength(3);
    expect(completion.samples).toHaveLength(3);
    expect(new Set(completion.samples.map((sample) => sample.text)).size).toBe(3);
    expect(completion.exchanges.map((exchange) => exchange.sampleIndices).sort()).toEqual([[2], [3], [4]]);
    expect(completion.usage).toEqual({ inputTokens: 300, outputTokens: 60 });
  });

  it('waits as long as retry-after says after a 429, then succeeds', async () => {
    const api = await server([
      { status: 429, headers: { 'retry-after': '7' }, body: anthropicError('rate_limit_error', 'slow down') },
      { body: anthropicMessage({ text: 'done' }) },
    ]);
    const { sleeps, retry } = instantRetry();
    const backbone = createAnthropicBackbone({ model: 'claude-test', apiKey: 'sk-test', baseURL: api.url, retry });
    const completion = await backbone.complete(completionRequest());

    expect(api.requests).toHaveLength(2);
    expect(sleeps).toEqual([7000]);
    expect(completion.samples[0]?.text).toBe('done');
    expect(completion.exchanges).toHaveLength(2);
    expect(completion.exchanges[0]).toMatchObject({
      response: { status: 429, body: { error: { message: 'slow down' } } },
      error: { code: 'MODEL_RATE_LIMITED' },
    });
    expect(completion.exchanges[1]?.error).toBeUndefined();
  });

  it('gives up after a storm of 500s with a MODEL_FAULT that carries every attempt', async () => {
    const api = await server(() => ({ status: 500, body: anthropicError('api_error', 'internal') }));
    const { sleeps, retry } = instantRetry();
    const seen: number[] = [];
    const backbone = createAnthropicBackbone({
      model: 'claude-test',
      apiKey: 'sk-test',
      baseURL: api.url,
      maxRetries: 3,
      retry: { ...retry, baseDelayMs: 100 },
      onExchange: (exchange) => seen.push(exchange.response?.status ?? 0),
    });
    const error = await caught(backbone.complete(completionRequest()));

    expect(error.code).toBe('MODEL_FAULT');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('gave up after 4 attempts');
    expect((error.cause as BridleError).code).toBe('MODEL_FAULT');
    expect((error.cause as BridleError).retryable).toBe(true);
    expect(api.requests).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    // Exponential ceilings 100, 200, 400 with jitter in [ceiling/2, ceiling].
    sleeps.forEach((delay, index) => {
      const ceiling = 100 * 2 ** index;
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    });
    expect(ModelCallError.isModelCallError(error) && error.exchanges).toHaveLength(4);
    expect(seen).toEqual([500, 500, 500, 500]);
  });

  it('does not retry a 400', async () => {
    const api = await server(() => ({ status: 400, body: anthropicError('invalid_request_error', 'max_tokens: too large') }));
    const backbone = createAnthropicBackbone({ model: 'claude-test', apiKey: 'sk-test', baseURL: api.url, retry: instantRetry().retry });
    const error = await caught(backbone.complete(completionRequest()));
    expect(error.code).toBe('MODEL_FAULT');
    expect(error.message).toContain('HTTP 400: max_tokens: too large');
    expect(api.requests).toHaveLength(1);
  });

  it('reports a malformed body as MODEL_BAD_RESPONSE without retrying', async () => {
    const api = await server([
      { headers: { 'content-type': 'application/json' }, body: '{"type":"message","content":[' },
      { body: { type: 'message', content: 'not blocks' } },
    ]);
    const backbone = createAnthropicBackbone({ model: 'claude-test', apiKey: 'sk-test', baseURL: api.url, retry: instantRetry().retry });
    const truncated = await caught(backbone.complete(completionRequest()));
    expect(truncated.code).toBe('MODEL_BAD_RESPONSE');
    expect(truncated.message).toContain('body is not JSON');
    const wrongShape = await caught(backbone.complete(completionRequest({ sampleOffset: 1 })));
    expect(wrongShape.code).toBe('MODEL_BAD_RESPONSE');
    expect(wrongShape.message).toContain('not a Messages API message');
    expect(api.requests).toHaveLength(2);
  });

  it('times out a hung server, retries, then fails as a model fault caused by MODEL_TIMEOUT', async () => {
    const api = await server(() => ({ hang: true }));
    const backbone = createAnthropicBackbone({
      model: 'claude-test',
      apiKey: 'sk-test',
      baseURL: api.url,
      timeoutMs: 150,
      maxRetries: 1,
      retry: instantRetry().retry,
    });
    const error = await caught(backbone.complete(completionRequest()));
    expect(error.code).toBe('MODEL_FAULT');
    expect((error.cause as BridleError).code).toBe('MODEL_TIMEOUT');
    expect(api.requests).toHaveLength(2);
  });

  it('retries a connection reset', async () => {
    const api = await server([{ reset: true }, { body: anthropicMessage({ text: 'after reset' }) }]);
    const backbone = createAnthropicBackbone({ model: 'claude-test', apiKey: 'sk-test', baseURL: api.url, retry: instantRetry().retry });
    const completion = await backbone.complete(completionRequest());
    expect(completion.samples[0]?.text).toBe('after reset');
    expect(completion.exchanges[0]?.error?.code).toBe('MODEL_FAULT');
  });

  it('answers a re-run from the cache with zero requests', async () => {
    const folder = await temporaryFolder();
    onCleanup(folder.remove);
    const api = await server((_request, index) => ({ body: anthropicMessage({ text: `answer ${index}` }) }));
    const make = () =>
      createAnthropicBackbone({ model: 'claude-test', apiKey: 'sk-test', baseURL: api.url, cache: createResponseCache(folder.path), price: { inputPerMTok: 1, outputPerMTok: 1 } });
    const request = completionRequest({ samples: 2 });
    const first = await make().complete(request);
    expect(api.requests).toHaveLength(2);

    const second = await make().complete(request);
    expect(api.requests).toHaveLength(2);
    expect(second.cached).toBe(true);
    expect(second.samples).toEqual(first.samples);
    expect(second.usage).toEqual(first.usage);
    expect(second.costUsd).toBe(0);
    expect(second.exchanges).toEqual(first.exchanges);
  });

  it('stops at the token budget', async () => {
    const api = await server(() => ({ body: anthropicMessage({ text: 'x', inputTokens: 80, outputTokens: 40 }) }));
    const budget = createBudget({ maxTokens: 100 });
    const backbone = createAnthropicBackbone({ model: 'claude-test', apiKey: 'sk-test', baseURL: api.url, budget });
    await backbone.complete(completionRequest());
    const error = await caught(backbone.complete(completionRequest({ sampleOffset: 1 })));
    expect(error.code).toBe('BUDGET_EXHAUSTED');
    expect(error.message).toContain('120 of 100 tokens');
    expect(api.requests).toHaveLength(1);
    expect(budget.spent()).toMatchObject({ calls: 1, inputTokens: 80, outputTokens: 40, callsWithUnknownCost: 1 });
  });

  it('fails fast naming the variable when the key is missing', () => {
    expect(() => createProviderBackbone('anthropic/claude-test', {}, { env: {}, noCache: true })).toThrowError(
      expect.objectContaining({ code: 'MISSING_API_KEY', message: expect.stringContaining('ANTHROPIC_API_KEY') }),
    );
    expect(() =>
      createProviderBackbone('anthropic/claude-test', { backbones: { 'anthropic/claude-test': { apiKeyEnv: 'TEAM_KEY' } } }, { env: {}, noCache: true }),
    ).toThrowError(expect.objectContaining({ code: 'MISSING_API_KEY', message: 'anthropic/claude-test needs an API key: set TEAM_KEY in the environment' }));
  });

  it('builds from the configuration with the key and base URL from the environment', async () => {
    const api = await server([{ body: anthropicMessage({ text: 'configured' }) }]);
    const backbone = createProviderBackbone(
      'anthropic/claude-test',
      { backbones: { 'anthropic/claude-test': { sampling: { maxTokens: 99 }, toolMode: 'text' } } },
      { env: { ANTHROPIC_API_KEY: 'sk-env', ANTHROPIC_BASE_URL: api.url }, noCache: true },
    );
    expect(backbone.toolMode).toBe('text');
    const completion = await backbone.complete(completionRequest());
    expect(completion.samples[0]?.text).toBe('configured');
    expect(api.requests[0]?.headers.authorization).toBe('Bearer sk-env');
    expect(api.requests[0]?.body.max_tokens).toBe(99);
  });
});
