/**
 * What each side is told about a task. Ticket (solo) form: the agent gets the user scenario as one
 * request, under a policy note on what "ask the customer" becomes. Conversational form: the user
 * simulator gets tau2-bench's system prompt (its simulation guidelines, then `<scenario>` holding
 * `str(user_scenario)`), and the agent opens with tau2's greeting.
 */
import type { UserBrief } from '../../src/contracts/environment.ts';
import type { UserScenario } from './task-data.ts';

/** tau2's first agent message (orchestrator.DEFAULT_FIRST_AGENT_MESSAGE). */
export const GREETING = 'Hi! How can I help you today?';

/** tau2's user stop tokens (user/base.py): goal reached, transferred, scenario exhausted. */
export const STOP_TOKENS = ['###STOP###', '###TRANSFER###', '###OUT-OF-SCOPE###'] as const;

/** The message tau2's policies prescribe after a transfer to a human. */
export const TRANSFER_MESSAGE = 'YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON.';

/** Python's textwrap.indent: the prefix goes before every line that is not blank. */
function indent(text: string, prefix: string): string {
  return text
    .split(/(?<=\n)/)
    .map((line) => (line.trim() === '' ? line : prefix + line))
    .join('');
}

/** `str(user_scenario)` exactly as tau2 writes it into the user simulator's prompt. */
export function renderScenario(scenario: UserScenario): string {
  const lines: string[] = [];
  if (scenario.persona !== null) lines.push('Persona:', indent(scenario.persona, '\t'));
  lines.push('Instructions:');
  const instructions = scenario.instructions;
  if (typeof instructions === 'string') {
    lines.push(indent(instructions, '\t'));
  } else {
    const parts = [`Domain: ${instructions.domain}`, `Reason for call:\n${indent(instructions.reason_for_call, '\t')}`];
    if (instructions.known_info !== null) parts.push(`Known info:\n${indent(instructions.known_info, '\t')}`);
    if (instructions.unknown_info !== null) parts.push(`Unknown info:\n${indent(instructions.unknown_info, '\t')}`);
    parts.push(`Task instructions:\n${indent(instructions.task_instructions, '\t')}`);
    lines.push(indent(parts.join('\n'), '\t'));
  }
  return lines.join('\n');
}

/**
 * The ticket: the user scenario as one written request. Every part of the scenario is kept (the reason,
 * what the customer knows and does not know, how they want it handled), in the customer's own brief.
 */
export function ticketOf(scenario: UserScenario): string {
  const section = (title: string, text: string) => `${title}\n${indent(text.trim(), '  ')}`;
  const parts = ['A customer sent this ticket. They are not on the line: the ticket is everything they will tell you. It is their own brief, so "you" in it means the customer.'];
  if (scenario.persona !== null) parts.push(section('About the customer:', scenario.persona));
  const instructions = scenario.instructions;
  if (typeof instructions === 'string') {
    parts.push(section('The request:', instructions));
  } else {
    parts.push(section('Reason for contacting us:', instructions.reason_for_call));
    if (instructions.known_info !== null) parts.push(section('What the customer can tell you:', instructions.known_info));
    if (instructions.unknown_info !== null) parts.push(section('What the customer does not know:', instructions.unknown_info));
    parts.push(section('How the customer wants it handled:', instructions.task_instructions));
  }
  return parts.join('\n\n');
}

/**
 * The note that turns the policy into its solo form. Nothing here adds a step that tau2's reward would
 * see: the ticket stands in for the customer's answers, including their confirmation.
 */
export const TICKET_FORM_NOTE = `## Ticket form
There is no live conversation: you work from a ticket, and the customer cannot answer questions.
- Authenticate the customer from the details in the ticket with the lookup tools, as the policy requires.
- Where the policy says to list the action details and obtain the customer's explicit confirmation (yes), the ticket is that confirmation, for exactly the actions and choices it asks for. Take no action it does not ask for.
- Where the ticket makes a choice depend on what you find ("if ..., then ..."), look it up and act accordingly. Deny what the policy does not allow.
- Information the customer asks for goes in your final message.
- To transfer, call transfer_to_human_agents and end with the message '${TRANSFER_MESSAGE}'.
- End with the finish tool: its message is the reply the customer receives.`;

/** The note added to the policy in conversational form: how to talk to the user. */
export const CONVERSATION_NOTE = `## Conversation
You are talking with the customer. Send them a message with the respond tool; its result is their reply. Make one tool call or send one message per turn. Call finish with your last message when the conversation is over.`;

/** Our own wording of tau2's user-simulation guidelines, used when the data folder does not ship tau2's. */
const GUIDELINES = `# Playing the customer
You are a customer talking with a customer service agent. Play the customer in the scenario below, realistically.

## How to play
- Write one message at a time, as a customer would in a chat.
- Keep to the scenario. Invent nothing it does not give you: whatever it does not mention, you do not know.
- Say things in your own words; do not copy the scenario's sentences.
- Give information only when the agent asks for it, a little at a time.

## Ending
- Keep going until the scenario's goal is reached; then write ###STOP### to end the conversation.
- If you are transferred to another agent, write ###TRANSFER###.
- If the agent asks for something the scenario gives you nothing to go on, write ###OUT-OF-SCOPE###.`;

const GUIDELINES_WITH_TOOLS = `# Playing the customer
You are a customer talking with a customer service agent. Play the customer in the scenario below, realistically. You have tools for actions on your side (your device), which the agent may ask you to perform.

## How to play
- Each turn, either send the agent a message or make one tool call, never both.
- Keep to the scenario. Invent nothing it does not give you: whatever it does not mention, you do not know.
- Never make up what a tool would return: base what you tell the agent on the results of your tool calls.
- If a tool call fails, correct it and try again.
- Say things in your own words; do not copy the scenario's sentences.
- Give information only when the agent asks for it, a little at a time.
- Call a tool only when the agent asks you to, or to answer the agent's question. If you are unsure what to do, ask.
- If the agent asks for several actions at once, say you can do one at a time and ask which first.
- The agent does not see your tool calls, only your messages.

## Ending
- Keep going until the scenario's goal is reached; then write ###STOP### to end the conversation.
- Once the agent has clearly said you are being transferred to another agent, write ###TRANSFER###.
- If the agent asks for something the scenario gives you nothing to go on, write ###OUT-OF-SCOPE###.`;

/** tau2's guideline files, by whether the user has tools. */
export const GUIDELINE_FILES = { plain: 'simulation_guidelines.md', tools: 'simulation_guidelines_tools.md' } as const;

/**
 * The user simulator's brief, shaped as tau2's user system prompt: the guidelines (tau2's own text when
 * the data folder has it, else our wording of the same rules), then the scenario.
 */
export function userBriefOf(scenario: UserScenario, options: { hasTools: boolean; guidelines?: string }): UserBrief {
  const guidelines = options.guidelines ?? (options.hasTools ? GUIDELINES_WITH_TOOLS : GUIDELINES);
  return {
    instructions: `${guidelines}\n\n<scenario>\n${renderScenario(scenario)}\n</scenario>`,
    greeting: GREETING,
    stopTokens: [...STOP_TOKENS],
  };
}
