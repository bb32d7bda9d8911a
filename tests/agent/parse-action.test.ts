import { describe, expect, it } from 'vitest';
import { parseAction } from '../../src/agent/parse-action.ts';

const text = (value: string) => ({ text: value, toolCalls: [] });

describe('strict default parser', () => {
  it('accepts exactly {"tool", "arguments"}', () => {
    expect(parseAction(text('{"tool":"get_order_details","arguments":{"order_id":"#W1"}}'), 'text').action).toEqual({
      kind: 'call',
      tool: 'get_order_details',
      arguments: { order_id: '#W1' },
    });
    expect(parseAction(text('  {"tool":"finish","arguments":{"message":"bye"}}\n'), 'text').action).toEqual({ kind: 'finish', message: 'bye' });
  });

  it.each([
    ['prose around JSON', 'Sure: {"tool":"a","arguments":{}}', /not a single JSON object/],
    ['fences', '```json\n{"tool":"a","arguments":{}}\n```', /not a single JSON object/],
    ['synonym keys', '{"name":"a","args":{}}', /expected the keys "tool" and "arguments", got "name", "args"/],
    ['an array', '[{"tool":"a","arguments":{}}]', /not a JSON object/],
    ['finish without message', '{"tool":"finish","arguments":{}}', /needs a "message"/],
  ])('rejects %s with a reason', (_name, output, reason) => {
    const draft = parseAction(text(output), 'text');
    expect(draft.action).toBeNull();
    expect(draft.error).toMatch(reason);
  });

  it('reads the first native tool call and rejects text-only turns', () => {
    const call = { id: 'c1', name: 'get_user_details', argumentsText: '{"user_id":"a_b_1234"}' };
    expect(parseAction({ text: '', toolCalls: [call] }, 'native').action).toEqual({ kind: 'call', tool: 'get_user_details', arguments: { user_id: 'a_b_1234' } });
    expect(parseAction({ text: 'hello', toolCalls: [] }, 'native').error).toMatch(/No tool call/);
    expect(parseAction({ text: '', toolCalls: [{ ...call, argumentsText: '{bad' }] }, 'native').error).toMatch(/not valid JSON/);
  });
});
