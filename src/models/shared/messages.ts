/**
 * Conversation helpers shared by the providers.
 */
import type { Json, JsonObject, ToolSchema } from '../../harness/api.ts';
import type { Message } from '../../contracts/backbone.ts';

/**
 * The conversation for text-action mode: no native tool turns may reach a provider that was sent no
 * tools, so tool calls become JSON text on the assistant turn and tool results become user turns.
 */
export function flattenToolTurns(messages: readonly Message[]): Message[] {
  return messages.map((message): Message => {
    if (message.role === 'assistant' && message.toolCalls && message.toolCalls.length > 0) {
      const calls = message.toolCalls.map((call) => `{"tool": ${JSON.stringify(call.name)}, "arguments": ${call.argumentsText || '{}'}}`);
      return { role: 'assistant', content: [message.content, ...calls].filter((part) => part !== '').join('\n') };
    }
    if (message.role === 'tool') {
      return { role: 'user', content: `Result of ${message.name}:\n${message.content}` };
    }
    return message;
  });
}

/** Parse a tool call's argument text into an object; `undefined` when it is not a JSON object. */
export function parseArguments(argumentsText: string): JsonObject | undefined {
  try {
    const value = JSON.parse(argumentsText === '' ? '{}' : argumentsText) as Json;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A tool's parameter schema as plain JSON Schema (the fields bridle knows, nothing else). */
export function toolParametersJsonSchema(tool: ToolSchema): JsonObject {
  return JSON.parse(JSON.stringify(tool.parameters)) as JsonObject;
}
