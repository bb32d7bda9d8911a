/**
 * The user simulator of the conversational form: a backbone playing the user from the environment's
 * brief (tau2-bench's protocol). It sees the conversation from the user's side (the agent's messages as
 * its input, its own as its output), may call the user-side tools before it answers (each call runs on
 * the session and its result goes back to it), and ends the conversation with a stop token. Everything
 * it does is recorded for the trajectory. Simulated backbones cannot play the user: they act from an
 * oracle of the agent's task and have no notion of a customer.
 */
import type { JsonObject, RawOutput, ToolSchema } from '../harness/api.ts';
import type { Backbone, Message, Sampling } from '../contracts/backbone.ts';
import type { ConversationSession, Environment } from '../contracts/environment.ts';
import { resolveBackbone, type BackboneOptions } from '../models/registry.ts';
import { BridleError } from '../errors.ts';
import type { UserExchange, UserTurn } from './trajectory.ts';

/** Most tool calls the user may make before answering one agent message. */
export const MAX_USER_TOOL_CALLS = 10;

/** What a user-simulator call cost. */
export interface UserSpend {
  inputTokens: number;
  outputTokens: number;
  modelCalls: number;
  /** Tokens of calls that were neither cached nor estimated. */
  billedTokens: number;
  /** Dollars of those calls; undefined once any price was unknown. */
  costUsd: number | undefined;
}

/** A user simulator for one episode. */
export interface UserSimulator {
  /** Deliver an agent message and get the user's reply (after any tool calls on the user's side). */
  reply(agentMessage: string): Promise<UserExchange>;
  /** What the simulator's calls have cost so far. */
  readonly spend: UserSpend;
}

/** Refuse a backbone that cannot play the user. */
export function assertUserBackbone(backbone: Pick<Backbone, 'id' | 'simulated'>): void {
  if (backbone.simulated) {
    throw new BridleError(
      'INVALID_ARGUMENT',
      `the user simulator must be a real backbone (--user anthropic/<model> or openai/<model>); ${backbone.id} is simulated: it acts from the agent's oracle and cannot play a customer`,
    );
  }
}

/** Check up front that a user backbone can play an environment's conversational form (one line when not). */
export async function assertConversational(environment: Pick<Environment, 'name' | 'conversation'>, user: string, options: BackboneOptions): Promise<void> {
  if (!environment.conversation) {
    throw new BridleError('INVALID_ARGUMENT', `environment "${environment.name}" has no conversational form, so it takes no user backbone (--user): it runs in ticket form`);
  }
  assertUserBackbone(await resolveBackbone(user, options));
}

export function createUserSimulator(input: { backbone: Backbone; session: ConversationSession; tools: readonly ToolSchema[]; sampling?: Sampling; signal?: AbortSignal }): UserSimulator {
  const { backbone, session, tools } = input;
  assertUserBackbone(backbone);
  const toolNames = new Set(tools.map((tool) => tool.name));
  // The conversation as the user's model sees it: the agent speaks as "user", the simulator as "assistant".
  const history: Message[] = [];
  const spend: UserSpend = { inputTokens: 0, outputTokens: 0, modelCalls: 0, billedTokens: 0, costUsd: 0 };
  const system = backbone.toolMode === 'text' && tools.length > 0 ? `${session.user.instructions}\n\n${textToolInstructions(tools)}` : session.user.instructions;

  async function call(turn: UserTurn[]): Promise<RawOutput> {
    let completion;
    try {
      completion = await backbone.complete({
        messages: [{ role: 'system', content: system }, ...history],
        tools,
        toolMode: backbone.toolMode,
        sampling: input.sampling ?? {},
        samples: 1,
        sampleOffset: 0,
        ...(input.signal ? { signal: input.signal } : {}),
      });
    } finally {
      spend.modelCalls += 1;
    }
    const raw = completion.samples[0];
    if (!raw) throw new BridleError('MODEL_BAD_RESPONSE', 'the user simulator returned no sample');
    spend.inputTokens += completion.usage.inputTokens;
    spend.outputTokens += completion.usage.outputTokens;
    if (!completion.cached && !completion.usage.estimated) {
      spend.billedTokens += completion.usage.inputTokens + completion.usage.outputTokens;
      spend.costUsd = completion.costUsd === undefined || spend.costUsd === undefined ? undefined : spend.costUsd + completion.costUsd;
    }
    turn.push({ raw, calls: [], usage: { inputTokens: completion.usage.inputTokens, outputTokens: completion.usage.outputTokens, estimated: completion.usage.estimated === true } });
    return raw;
  }

  return {
    spend,
    async reply(agentMessage) {
      session.say(agentMessage);
      history.push({ role: 'user', content: agentMessage });
      const turns: UserTurn[] = [];
      try {
        for (let round = 0; ; round++) {
          const raw = await call(turns);
          const calls = toolCallsOf(raw, backbone.toolMode, toolNames);
          if (calls.length === 0) {
            const reply = raw.text;
            const stop = session.user.stopTokens.find((token) => reply.includes(token));
            history.push({ role: 'assistant', content: reply });
            session.hear(reply, stop);
            return { agent: agentMessage, turns, reply, ...(stop === undefined ? {} : { stop }) };
          }
          if (round >= MAX_USER_TOOL_CALLS) {
            return { agent: agentMessage, turns, reply: '', fault: `the user simulator made more than ${MAX_USER_TOOL_CALLS} tool calls without answering` };
          }
          history.push(backbone.toolMode === 'native' ? { role: 'assistant', content: raw.text, toolCalls: raw.toolCalls } : { role: 'assistant', content: raw.text });
          for (const pending of calls) {
            const result = pending.arguments === null ? { ok: false, output: `Error: the arguments of ${pending.tool} are not a JSON object` } : session.userStep(pending.tool, pending.arguments);
            turns.at(-1)!.calls!.push({ tool: pending.tool, arguments: pending.arguments ?? {}, result });
            history.push(
              backbone.toolMode === 'native' && pending.id !== undefined
                ? { role: 'tool', toolCallId: pending.id, name: pending.tool, content: result.output }
                : { role: 'user', content: `Result of ${pending.tool}: ${result.output}` },
            );
          }
        }
      } catch (error) {
        const detail = BridleError.isInstance(error) ? `${error.code}: ${error.message}` : `INTERNAL: ${String(error)}`;
        return { agent: agentMessage, turns, reply: '', fault: `user simulator: ${detail}` };
      }
    },
  };
}

/** How a model without native tool calls uses the user's tools. */
function textToolInstructions(tools: readonly ToolSchema[]): string {
  const listed = tools.map((tool) => `- ${tool.name}: ${tool.description}\n  parameters: ${JSON.stringify(tool.parameters)}`).join('\n');
  return `# Your tools\n${listed}\n\nTo use one, reply with exactly one JSON object and nothing else: {"tool": "<tool name>", "arguments": {...}}. You will get its result. Any other reply is a message to the agent.`;
}

interface PendingCall {
  id?: string;
  tool: string;
  arguments: JsonObject | null;
}

/** The user-side tool calls in one output: native calls, or (text mode) one JSON action naming a user tool. */
function toolCallsOf(raw: RawOutput, toolMode: Backbone['toolMode'], userTools: ReadonlySet<string>): PendingCall[] {
  if (userTools.size === 0) return [];
  if (toolMode === 'native') {
    return raw.toolCalls.map((call) => ({ id: call.id, tool: call.name, arguments: parseObject(call.argumentsText.trim() === '' ? '{}' : call.argumentsText) }));
  }
  const parsed = parseObject(raw.text.trim());
  if (parsed && typeof parsed.tool === 'string' && userTools.has(parsed.tool)) {
    const args = parsed.arguments;
    return [{ tool: parsed.tool, arguments: typeof args === 'object' && args !== null && !Array.isArray(args) ? args : null }];
  }
  return [];
}

function parseObject(text: string): JsonObject | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
  } catch {
    return null;
  }
}
