/**
 * The agentic LLM engineer: the same backbones as the single-shot engineer (`anthropic/<model>` through
 * @anthropic-ai/sdk, `openai/<model>` for OpenAI-compatible servers, built by the providers with their
 * retries, concurrency limit, prices and response cache), driven over several turns of native tool use.
 * It reads what it chooses from the run store (train only, enforced by the store), runs experiments with
 * `try_candidate`, and ends by calling `submit`; the submitted files then go through the same check,
 * replay, screen, activation and gate as any proposal. The gate is not a tool: nothing it sees reaches
 * the engineer except the aggregate verdicts already recorded on earlier candidates.
 *
 * Limits per proposal: a turn limit (the last turn offers only `submit`), a token budget and a cost
 * budget (checked before every call), and the workbench's experiment limit. A proposal that ends without
 * a submission is null, with the reason and the spend handed to `onFailure`.
 */
import type { Backbone, Message } from '../../../contracts/backbone.ts';
import { BridleError, type BridleErrorCode } from '../../../errors.ts';
import { HARNESS_API_VERSION } from '../../../harness/api.ts';
import { createProviderBackbone, parseBackboneId, type ProviderBackboneOptions, type ProviderConfig } from '../../../models/providers.ts';
import { parseArguments } from '../../../models/shared/messages.ts';
import type { Engineer, EngineerRequest, Proposal } from '../../types.ts';
import { AGENT_TOOL_LIST, AGENT_TOOLS, answerToolCall, type SubmitLimits } from './agent-tools.ts';
import type { EngineerFailure } from './llm-engineer.ts';
import { LLM_ENGINEER_DEFAULT_MAX_FILE_CHARS, LLM_ENGINEER_DEFAULT_MAX_FILES, LLM_ENGINEER_DEFAULT_MAX_TOKENS } from './llm-engineer.ts';
import { fence, fillSection, loadSectionedPrompt, renderGroup, type SectionedPrompt } from './prompt.ts';
import { addCompletion, emptyUsage, finalUsage, MODEL_FAULT_CODES, type RunningUsage } from './spend.ts';

/** The agent prompt version (`prompt-agent-v<N>.md` beside this module). */
export const AGENT_PROMPT_VERSION = 1;
/** Default turn limit per proposal. */
export const AGENT_DEFAULT_MAX_TURNS = 24;
/** Default token budget (input + output, all turns) per proposal. */
export const AGENT_DEFAULT_MAX_PROPOSAL_TOKENS = 400_000;
/** Turns a repair may take after the candidate failed the check. */
export const AGENT_REPAIR_TURNS = 6;

export const AGENT_PROMPT_SECTIONS = ['system', 'user', 'no-modules', 'no-rejected', 'rejected', 'nudge', 'last-turn', 'repair', 'submitted', 'refused'] as const;
type AgentSection = (typeof AGENT_PROMPT_SECTIONS)[number];

/** Settings of an agentic engineer. Provider settings (key, base URL, price, retries) come from `config`. */
export interface AgentEngineerOptions extends ProviderBackboneOptions {
  /** `anthropic/<model>` or `openai/<model>`. */
  backbone: string;
  config?: ProviderConfig;
  /** `max_tokens` of each call. Default 8192. */
  maxTokens?: number;
  /** Turn limit per proposal. Default 24. */
  maxTurns?: number;
  /** Input + output tokens per proposal, all turns. Default 400 000. */
  maxProposalTokens?: number;
  /** US dollars per proposal (needs a price). */
  maxProposalCostUsd?: number;
  maxFiles?: number;
  maxFileChars?: number;
  promptVersion?: number;
  onFailure?: (failure: EngineerFailure) => void;
  onWarning?: (warning: string) => void;
  /** A backbone to use instead of building one from `config`. */
  model?: Backbone;
}

/** An agentic engineer. */
export interface AgentEngineer extends Engineer {
  readonly promptVersion: number;
  /** e.g. `anthropic/claude-sonnet-4-5 (agent prompt v1)`. */
  readonly identity: string;
}

/** A conversation kept after a submission, so `repair` can continue it. */
interface Conversation {
  request: EngineerRequest;
  messages: Message[];
  /** The submit call to answer when the conversation goes on. */
  submitCall?: { id: string; name: string };
}

function describeModules(request: EngineerRequest, template: SectionedPrompt<AgentSection>): string {
  if (request.modules.length === 0) return fillSection(template, 'no-modules');
  return request.modules.map((module) => `- ${module.file}`).join('\n');
}

function describeRejected(request: EngineerRequest, template: SectionedPrompt<AgentSection>): string {
  if (request.rejected.length === 0) return fillSection(template, 'no-rejected');
  const list = request.rejected.map((attempt) => `attempt ${attempt.attempt}${attempt.stale ? ' (against an earlier HEAD)' : ''}: ${attempt.reason.replace(/\s+/g, ' ').slice(0, 160)}`).join('; ');
  return fillSection(template, 'rejected', { COUNT: request.rejected.length, LIST: list });
}

/**
 * An agentic engineer over a real backbone. Building it resolves the backbone (a missing key fails here,
 * in one line). The backbone must speak native tool use: a text-mode backbone is refused with the fix.
 */
export function createAgentEngineer(options: AgentEngineerOptions): AgentEngineer {
  const id = options.backbone;
  const { provider, model: modelName } = parseBackboneId(id);
  if (provider === 'sim') {
    throw new BridleError('INVALID_ARGUMENT', `${id} cannot write modules: simulated backbones do not read prompts; use --engineer heuristic or a real backbone such as anthropic/claude-sonnet-4-5`);
  }
  const template = loadSectionedPrompt('prompt-agent', options.promptVersion ?? AGENT_PROMPT_VERSION, AGENT_PROMPT_SECTIONS);
  const model: Backbone = options.model ?? createProviderBackbone(id, options.config ?? {}, options);
  if (model.toolMode !== 'native') {
    throw new BridleError('CONFIG_INVALID', `${id} is configured with toolMode "text": the agent engineer needs native tool use (use --engineer-mode single for a text-only server)`);
  }
  const maxTokens = options.maxTokens ?? LLM_ENGINEER_DEFAULT_MAX_TOKENS;
  const maxTurns = Math.max(2, options.maxTurns ?? AGENT_DEFAULT_MAX_TURNS);
  const maxProposalTokens = options.maxProposalTokens ?? AGENT_DEFAULT_MAX_PROPOSAL_TOKENS;
  const limits: SubmitLimits = { maxFiles: options.maxFiles ?? LLM_ENGINEER_DEFAULT_MAX_FILES, maxFileChars: options.maxFileChars ?? LLM_ENGINEER_DEFAULT_MAX_FILE_CHARS };
  const conversations = new WeakMap<Proposal, Conversation>();
  const warned = new Set<string>();
  const warn = (warning: string): void => {
    if (warned.has(warning)) return;
    warned.add(warning);
    options.onWarning?.(warning);
  };

  const start = (request: EngineerRequest): Conversation => {
    const experiments = request.workbench?.maxExperiments ?? 0;
    const system = fillSection(template, 'system', {
      VERSION: template.version,
      API_VERSION: HARNESS_API_VERSION,
      API: fence(request.apiTypes.trim(), 'ts'),
      MAX_FILES: limits.maxFiles,
      MAX_FILE_CHARS: limits.maxFileChars,
      MAX_TURNS: maxTurns,
      MAX_EXPERIMENTS: experiments,
    });
    const user = fillSection(template, 'user', {
      ENVIRONMENT: request.environment.name,
      DESCRIPTION: request.environment.description.trim() || '(no description)',
      HEAD: request.workbench?.store.head() ?? 'HEAD',
      MODULES: describeModules(request, template),
      GROUP: renderGroup(request.group),
      REJECTED: describeRejected(request, template),
    });
    return { request, messages: [{ role: 'system', content: system }, { role: 'user', content: user }] };
  };

  /** Turns until `submit`, the turn limit or the budget; the submission becomes the proposal. */
  const run = async (stage: 'propose' | 'repair', conversation: Conversation, turns: number): Promise<Proposal | null> => {
    const { request } = conversation;
    const workbench = request.workbench;
    const usage: RunningUsage = { ...emptyUsage(), toolCalls: 0, experiments: 0 };
    const experimentsBefore = workbench?.experiments() ?? 0;
    const fail = (reason: string, code?: BridleErrorCode): null => {
      usage.experiments = (workbench?.experiments() ?? 0) - experimentsBefore;
      const failure: EngineerFailure = { engineer: id, stage, signature: request.group.signature, reason, problems: [], usage: finalUsage(usage) };
      if (code !== undefined) failure.code = code;
      options.onFailure?.(failure);
      return null;
    };
    if (!workbench) return fail('the agent engineer needs the run store (no workbench was given)');

    let silent = 0;
    for (let turn = 0; turn < turns; turn++) {
      const spent = usage.inputTokens + usage.outputTokens;
      if (spent >= maxProposalTokens) return fail(`token budget per proposal spent (${spent} >= ${maxProposalTokens}) before a submission`);
      if (options.maxProposalCostUsd !== undefined && !usage.unknownCost && (usage.costUsd ?? 0) >= options.maxProposalCostUsd) {
        return fail(`cost budget per proposal spent ($${(usage.costUsd ?? 0).toFixed(4)} >= $${options.maxProposalCostUsd}) before a submission`);
      }
      const last = turn === turns - 1;
      if (last) conversation.messages.push({ role: 'user', content: fillSection(template, 'last-turn') });
      usage.calls++;
      let completion;
      try {
        completion = await model.complete({
          messages: conversation.messages,
          tools: last ? [AGENT_TOOLS.submit] : AGENT_TOOL_LIST,
          toolMode: 'native',
          sampling: { maxTokens },
          samples: 1,
          sampleOffset: 0,
        });
      } catch (error) {
        if (BridleError.isInstance(error) && MODEL_FAULT_CODES.has(error.code)) return fail(error.message, error.code);
        throw error;
      }
      addCompletion(usage, completion);
      for (const warning of completion.warnings) warn(warning);
      const output = completion.samples[0] ?? { text: '', toolCalls: [] };
      conversation.messages.push({ role: 'assistant', content: output.text, toolCalls: output.toolCalls });
      if (output.toolCalls.length === 0) {
        // Twice without a tool call: the engineer has nothing to offer for this group.
        if (++silent >= 2) return fail(`the engineer stopped without submitting: ${output.text.replace(/\s+/g, ' ').trim().slice(0, 200) || '(empty reply)'}`);
        conversation.messages.push({ role: 'user', content: fillSection(template, 'nudge') });
        continue;
      }
      silent = 0;
      let submitted: Proposal | undefined;
      for (const call of output.toolCalls) {
        if (submitted) {
          // Calls after a submission in the same reply are not run: the submission ended the work.
          conversation.messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: fillSection(template, 'refused', { PROBLEM: 'not run: the proposal was already submitted' }) });
          continue;
        }
        usage.toolCalls = (usage.toolCalls ?? 0) + 1;
        const args = parseArguments(call.argumentsText);
        const answer =
          args === undefined
            ? { kind: 'result' as const, refused: true, content: fillSection(template, 'refused', { PROBLEM: `the arguments of ${call.name} are not a JSON object (was the reply cut off?)` }) }
            : await answerToolCall(workbench, call.name, args, limits);
        if (answer.kind === 'submit') {
          usage.experiments = workbench.experiments() - experimentsBefore;
          const { submission } = answer;
          submitted = { files: submission.files, remove: submission.remove, summary: submission.summary, usage: finalUsage(usage) };
          conversation.submitCall = { id: call.id, name: call.name };
          continue;
        }
        conversation.messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: answer.content });
      }
      if (submitted) {
        const messages = [...conversation.messages];
        const proposal: Proposal = { ...submitted, transcript: messages };
        conversations.set(proposal, { ...conversation, messages });
        return proposal;
      }
    }
    return fail(`no submission within ${turns} turns`);
  };

  return {
    id,
    kind: 'agent',
    model: modelName,
    promptVersion: template.version,
    identity: `${id} (agent prompt v${template.version})`,
    propose: (request) => run('propose', start(request), maxTurns),
    async repair(request, proposal, diagnostics) {
      const known = conversations.get(proposal);
      const conversation: Conversation = known ? { ...known, request, messages: [...known.messages] } : start(request);
      const files = [...proposal.files.map((file) => file.file), ...proposal.remove.map((file) => `removing ${file}`)].join(', ') || 'no files';
      if (conversation.submitCall) {
        conversation.messages.push({ role: 'tool', toolCallId: conversation.submitCall.id, name: conversation.submitCall.name, content: fillSection(template, 'submitted', { FILES: files }) });
        delete conversation.submitCall;
      }
      conversation.messages.push({
        role: 'user',
        content: fillSection(template, 'repair', {
          FILES: files,
          DIAGNOSTICS: diagnostics.length > 0 ? diagnostics.map((diagnostic) => `- ${diagnostic}`).join('\n') : '(no diagnostics were given)',
        }),
      });
      const repaired = await run('repair', conversation, AGENT_REPAIR_TURNS);
      if (!repaired) return null;
      // The candidate is the whole change: files the repair did not give again stay as they were.
      const files2 = new Map(proposal.files.map((file) => [file.file, file]));
      for (const file of repaired.files) files2.set(file.file, file);
      const merged: Proposal = { ...repaired, files: [...files2.values()], remove: [...new Set([...proposal.remove, ...repaired.remove])].filter((file) => !files2.has(file)) };
      const kept = conversations.get(repaired);
      if (kept) conversations.set(merged, kept);
      return merged;
    },
  };
}
