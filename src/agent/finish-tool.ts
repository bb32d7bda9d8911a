/** The loop's built-in tool that ends an episode; every environment's agent sees it. */
import type { ToolSchema } from '../harness/api.ts';

export const FINISH_TOOL_NAME = 'finish';

export const FINISH_TOOL: ToolSchema = {
  name: FINISH_TOOL_NAME,
  description:
    'End the episode with your final reply to the customer. Call it once every request is handled (or refused per policy); state any information the customer asked for in the message.',
  parameters: {
    type: 'object',
    properties: { message: { type: 'string', description: 'Your final reply to the customer.' } },
    required: ['message'],
  },
  readOnly: false,
};
