/**
 * Response bodies in the shapes the real APIs send (Messages API; chat completions), for scripted servers.
 */
import type { ToolSchema } from '../../src/harness/api.ts';

let messageCounter = 0;

/** A Messages API `message` with text and/or tool_use blocks. */
export function anthropicMessage(options: {
  text?: string;
  toolUses?: { id: string; name: string; input: unknown }[];
  inputTokens?: number;
  outputTokens?: number;
  model?: string;
}): Record<string, unknown> {
  const content: unknown[] = [];
  if (options.text !== undefined) content.push({ type: 'text', text: options.text, citations: null });
  for (const use of options.toolUses ?? []) content.push({ type: 'tool_use', id: use.id, name: use.name, input: use.input, caller: { type: 'direct' } });
  messageCounter++;
  return {
    id: `msg_test_${messageCounter}`,
    type: 'message',
    role: 'assistant',
    model: options.model ?? 'claude-test',
    content,
    stop_reason: (options.toolUses?.length ?? 0) > 0 ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: options.inputTokens ?? 100,
      output_tokens: options.outputTokens ?? 20,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      service_tier: 'standard',
    },
  };
}

/** A Messages API error body. */
export function anthropicError(type: string, message: string): Record<string, unknown> {
  return { type: 'error', error: { type, message }, request_id: 'req_test' };
}

/** A chat completion with one choice per entry. */
export function chatCompletion(options: {
  choices: { content?: string | null; toolCalls?: { id: string; name: string; arguments: string }[] }[];
  promptTokens?: number;
  completionTokens?: number;
  omitUsage?: boolean;
  model?: string;
}): Record<string, unknown> {
  messageCounter++;
  const body: Record<string, unknown> = {
    id: `chatcmpl-test-${messageCounter}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: options.model ?? 'test-model',
    choices: options.choices.map((choice, index) => ({
      index,
      message: {
        role: 'assistant',
        content: choice.content ?? null,
        ...(choice.toolCalls
          ? { tool_calls: choice.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }
          : {}),
      },
      finish_reason: choice.toolCalls ? 'tool_calls' : 'stop',
    })),
  };
  if (!options.omitUsage) {
    const prompt = options.promptTokens ?? 50;
    const completion = options.completionTokens ?? 10;
    body.usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }
  return body;
}

/** Two tools in the shape environments publish them. */
export const TEST_TOOLS: ToolSchema[] = [
  {
    name: 'get_order',
    description: 'Look up an order by id.',
    parameters: {
      type: 'object',
      properties: { order_id: { type: 'string', description: 'Order id such as #W1234', pattern: '^#W\\d+$' } },
      required: ['order_id'],
    },
    readOnly: true,
  },
  {
    name: 'cancel_order',
    description: 'Cancel a pending order.',
    parameters: {
      type: 'object',
      properties: {
        order_id: { type: 'string' },
        reason: { type: 'string', enum: ['no longer needed', 'ordered by mistake'] },
      },
      required: ['order_id', 'reason'],
    },
    readOnly: false,
  },
];

/**
 * A Messages API message (as `anthropicMessage` makes it) as the server-sent events a streaming client
 * reads: message_start, one start/delta/stop per content block, message_delta with the stop reason and
 * the output tokens, message_stop. (Claude Code always streams.)
 */
export function anthropicStream(message: Record<string, unknown>): string {
  const events: string[] = [];
  const event = (type: string, data: Record<string, unknown>) => events.push(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const usage = message.usage as { input_tokens: number; output_tokens: number };
  event('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } });
  (message.content as { type: string; text?: string; id?: string; name?: string; input?: unknown }[]).forEach((block, index) => {
    if (block.type === 'text') {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      event('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      event('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    event('content_block_stop', { index });
  });
  event('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  event('message_stop', {});
  return events.join('');
}

/**
 * A Responses API turn (what Codex reads) as server-sent events: one output item, function call or
 * assistant message, then `response.completed` with the usage.
 */
export function responsesStream(turn: number, item: { type: 'function_call'; name: string; arguments: string } | { type: 'message'; text: string }, usage = { input: 100, output: 20 }): string {
  const full =
    item.type === 'function_call'
      ? { id: `fc_${turn}`, type: 'function_call', status: 'completed', call_id: `call_${turn}`, name: item.name, arguments: item.arguments }
      : { id: `msg_${turn}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: item.text, annotations: [] }] };
  const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    event('response.created', { response: { id: `resp_${turn}`, object: 'response', status: 'in_progress', output: [] } }),
    event('response.output_item.added', { output_index: 0, item: full }),
    event('response.output_item.done', { output_index: 0, item: full }),
    event('response.completed', {
      response: { id: `resp_${turn}`, object: 'response', status: 'completed', output: [full], usage: { input_tokens: usage.input, input_tokens_details: { cached_tokens: 0 }, output_tokens: usage.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: usage.input + usage.output } },
    }),
  ].join('');
}
