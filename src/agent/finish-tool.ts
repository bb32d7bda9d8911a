/** The loop's built-in tool that ends an episode; every environment's agent sees it. */
import type { ToolSchema } from '../harness/api.ts';
import { RESPOND_TOOL_NAME, type Environment, type FinishWording } from '../contracts/environment.ts';

export const FINISH_TOOL_NAME = 'finish';

/** The default wording: service desks end with a reply to the customer. */
const DEFAULT_WORDING: FinishWording = {
  description:
    'End the episode with your final reply to the customer. Call it once every request is handled (or refused per policy); state any information the customer asked for in the message.',
  message: 'Your final reply to the customer.',
};

/** The `finish` tool as worded by `wording` (the default when absent). */
export function finishTool(wording: FinishWording = DEFAULT_WORDING): ToolSchema {
  return {
    name: FINISH_TOOL_NAME,
    description: wording.description,
    parameters: { type: 'object', properties: { message: { type: 'string', description: wording.message } }, required: ['message'] },
    readOnly: false,
  };
}

/** The default `finish` tool. */
export const FINISH_TOOL: ToolSchema = finishTool();

/** Every tool the agent of an environment sees: the environment's own, then `finish`. */
export function agentTools(environment: Pick<Environment, 'tools' | 'finish'>): ToolSchema[] {
  return [...environment.tools, finishTool(environment.finish)];
}

/** The loop's tool for messaging the user in conversational form; its result is the user's reply. */
export const RESPOND_TOOL: ToolSchema = {
  name: RESPOND_TOOL_NAME,
  description: "Send a message to the customer and wait for their answer, which is this tool's result. Use it to ask for what you need, to give information, and to get their explicit confirmation before a change.",
  parameters: { type: 'object', properties: { message: { type: 'string', description: 'Your message to the customer.' } }, required: ['message'] },
  readOnly: false,
};

/** Every tool the agent sees in conversational form: the environment's own for that form, `respond`, then `finish`. */
export function conversationTools(environment: Pick<Environment, 'conversation' | 'finish'>): ToolSchema[] {
  return [...(environment.conversation?.tools ?? []), RESPOND_TOOL, finishTool(environment.finish)];
}
