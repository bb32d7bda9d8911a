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
