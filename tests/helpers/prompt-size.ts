/**
 * The size of a Messages API request as a model would read it: the characters of the system prompt, every
 * text, tool-use input and tool-result block, and the tool schemas, divided by 4 (a common rule of thumb
 * for English and code; no tokenizer is available offline, so this is an estimate and is labelled so).
 * Scripted servers report it as `input_tokens`, so an engineer's usage in a scripted run is this estimate.
 */
export function estimateInputTokens(body: { system?: unknown; messages?: unknown[]; tools?: unknown[] }): number {
  let characters = 0;
  const add = (value: unknown): void => {
    if (typeof value === 'string') characters += value.length;
    else if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === 'object') {
      const block = value as { type?: string; text?: unknown; content?: unknown; input?: unknown };
      if (block.type === 'tool_use') characters += JSON.stringify(block.input ?? {}).length;
      else if (block.text !== undefined) add(block.text);
      else if (block.content !== undefined) add(block.content);
    }
  };
  add(body.system);
  for (const message of body.messages ?? []) add((message as { content?: unknown }).content);
  characters += JSON.stringify(body.tools ?? []).length;
  return Math.ceil(characters / 4);
}
