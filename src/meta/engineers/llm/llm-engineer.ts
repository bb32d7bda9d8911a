/**
 * The `llm` engineer: a backbone (`anthropic/<model>` first-class through @anthropic-ai/sdk,
 * `openai/<model>` for OpenAI-compatible servers) writes harness modules from a failure group.
 *
 * The model is built by the providers (`createProviderBackbone`), so key resolution, retries with
 * backoff, the concurrency limit, the run's budget, the price table, the response cache and the recorded
 * exchanges are the same as for agent backbones. The cache key covers the whole conversation, which
 * starts with the versioned prompt: a new prompt version never reuses an old answer.
 *
 * Protocol: one reply is one answer. In native mode the model calls `write_module` once per file and
 * `remove_module` per deletion, and ends with a one-line summary; the tool results are sent only when
 * the conversation goes on (a correction or a repair), and they carry what became of each call. Servers
 * without tool use get the same job in text mode (fenced blocks that name their file); a native request
 * the server refuses because of its tools is retried once in text mode, and text mode sticks once it has
 * worked. A reply without tool calls is always read as fenced text too.
 *
 * A bad reply (no files, a bad file name, an oversized file, a cut-off reply) gets `correctionTurns`
 * follow-ups naming the problems; after that, and after a model fault, the answer is null and the reason
 * goes to `onFailure` with the tokens spent. Only a spent budget and internal errors throw.
 */
import type { RawOutput } from '../../../harness/api.ts';
import type { Backbone, Message } from '../../../contracts/backbone.ts';
import { BridleError, type BridleErrorCode } from '../../../errors.ts';
import { createProviderBackbone, parseBackboneId, type ProviderBackboneOptions, type ProviderConfig } from '../../../models/providers.ts';
import { ModelCallError } from '../../../models/shared/errors.ts';
import type { Engineer, EngineerRequest, EngineerUsage, Proposal } from '../../types.ts';
import { ENGINEER_TOOLS, parseReply, type CallOutcome } from './parse.ts';
import { addCompletion, emptyUsage, finalUsage, MODEL_FAULT_CODES, stopReasonOf, TRUNCATED, type RunningUsage } from './spend.ts';
import {
  LLM_PROMPT_VERSION,
  fillSection,
  loadPromptTemplate,
  renderFiles,
  renderHow,
  renderSystem,
  renderUser,
  type OutputMode,
  type PromptTemplate,
} from './prompt.ts';

/** `max_tokens` of each engineer call when none is configured: room for a few modules in full. */
export const LLM_ENGINEER_DEFAULT_MAX_TOKENS = 8192;
/** Most files one answer may write. */
export const LLM_ENGINEER_DEFAULT_MAX_FILES = 4;
/** Most characters of one module file. */
export const LLM_ENGINEER_DEFAULT_MAX_FILE_CHARS = 20_000;
/** Follow-ups sent after a reply that cannot be used, before giving up on the answer. */
export const LLM_ENGINEER_DEFAULT_CORRECTION_TURNS = 1;

/** Why an answer is null: handed to `onFailure`. */
export interface EngineerFailure {
  /** The engineer's id (the backbone id). */
  engineer: string;
  /** Which call gave up. */
  stage: 'propose' | 'repair';
  /** The failure group's signature. */
  signature: string;
  /** One line: why there is no proposal. */
  reason: string;
  /** Every problem with the last reply (empty after a model fault). */
  problems: string[];
  /** The error code, when a model call failed. */
  code?: BridleErrorCode;
  /** What the failed answer spent. */
  usage: EngineerUsage;
}

/** Settings of an LLM engineer. Provider settings (key, base URL, price, retries) come from `config`. */
export interface LlmEngineerOptions extends ProviderBackboneOptions {
  /** The backbone that writes the modules: `anthropic/<model>` or `openai/<model>` (any real provider id). */
  backbone: string;
  /** The project configuration (`backbones[id]` settings and the cache); default none. */
  config?: ProviderConfig;
  /** `max_tokens` of each call. Default 8192. */
  maxTokens?: number;
  /** Native tool use or fenced text; default: the backbone's tool mode (configured, else the provider's default). */
  toolMode?: OutputMode;
  /** Most files one answer may write. Default 4. */
  maxFiles?: number;
  /** Most characters of one file. Default 20 000. */
  maxFileChars?: number;
  /** Follow-ups after a reply that cannot be used. Default 1. */
  correctionTurns?: number;
  /** The prompt version (`prompt-v<N>.md` beside this module). Default 1. */
  promptVersion?: number;
  /** Told why an answer is null. */
  onFailure?: (failure: EngineerFailure) => void;
  /** Told each distinct provider warning once (an unknown price, the switch to text mode, ...). */
  onWarning?: (warning: string) => void;
  /** A backbone to use instead of building one from `config` (its id should equal `backbone`). */
  model?: Backbone;
}

/** An LLM engineer: an `Engineer` that also says which prompt it speaks. */
export interface LlmEngineer extends Engineer {
  /** The prompt version. */
  readonly promptVersion: number;
  /** The backbone id and the prompt version, e.g. `anthropic/claude-sonnet-4-5 (llm prompt v1)`: what produced a module. */
  readonly identity: string;
  /** How files are asked for right now: text once a server refused tools. */
  readonly mode: OutputMode;
}

/** The state of a conversation right after one answer, kept so `repair` can continue it. */
interface Snapshot {
  request: EngineerRequest;
  messages: Message[];
  mode: OutputMode;
  /** The last reply's tool calls, each answered at the start of the next turn. */
  calls: CallOutcome[];
}

/** Files and deletions being assembled over the turns of one answer. */
interface Draft {
  files: Map<string, string>;
  remove: Set<string>;
}

interface Reply {
  output: RawOutput;
  stopReason?: string;
}

/** A 400/422 that names tools or functions: the server (or model) has no tool use. */
function refusesTools(error: unknown): boolean {
  return ModelCallError.isModelCallError(error) && (error.status === 400 || error.status === 422) && /tool|function/i.test(error.message);
}

function sameDraft(draft: Draft, proposal: Proposal): boolean {
  if (draft.files.size !== proposal.files.length || draft.remove.size !== proposal.remove.length) return false;
  return proposal.files.every((file) => draft.files.get(file.file) === file.source) && proposal.remove.every((file) => draft.remove.has(file));
}

function describeDraft(draft: Draft): string {
  const parts: string[] = [];
  if (draft.files.size > 0) parts.push(`write ${[...draft.files.keys()].join(', ')}`);
  if (draft.remove.size > 0) parts.push(`remove ${[...draft.remove].join(', ')}`);
  return parts.join('; ');
}

/**
 * An engineer over a real backbone. Building it resolves the backbone, so a missing API key fails here,
 * with one line naming the variable.
 *
 * `propose` starts a conversation; `repair` continues the one behind the proposal it is given (or replays
 * a proposal it did not make as the model's own answer) and returns the whole candidate: the proposal's
 * files with the rewritten ones replaced. Each answer's `usage` counts only that answer's calls; a cache
 * hit reports the original tokens at no cost, as the backbones do.
 */
export function createLlmEngineer(options: LlmEngineerOptions): LlmEngineer {
  const id = options.backbone;
  const { provider } = parseBackboneId(id);
  if (provider === 'sim') {
    throw new BridleError('INVALID_ARGUMENT', `${id} cannot write modules: simulated backbones do not read prompts; use --engineer heuristic or a real backbone such as anthropic/claude-sonnet-4-5`);
  }
  const template: PromptTemplate = loadPromptTemplate(options.promptVersion ?? LLM_PROMPT_VERSION);
  const model: Backbone = options.model ?? createProviderBackbone(id, options.config ?? {}, options);
  const maxTokens = options.maxTokens ?? LLM_ENGINEER_DEFAULT_MAX_TOKENS;
  const maxFiles = options.maxFiles ?? LLM_ENGINEER_DEFAULT_MAX_FILES;
  const maxFileChars = options.maxFileChars ?? LLM_ENGINEER_DEFAULT_MAX_FILE_CHARS;
  const correctionTurns = Math.max(0, options.correctionTurns ?? LLM_ENGINEER_DEFAULT_CORRECTION_TURNS);
  let mode: OutputMode = options.toolMode ?? model.toolMode;
  const snapshots = new WeakMap<Proposal, Snapshot>();
  const warned = new Set<string>();
  const warn = (warning: string): void => {
    if (warned.has(warning)) return;
    warned.add(warning);
    options.onWarning?.(warning);
  };

  const systemMessage = (request: EngineerRequest, outputMode: OutputMode): Message => ({
    role: 'system',
    content: renderSystem(template, request, outputMode, { maxFiles, maxFileChars }),
  });

  /** One model call; a native request the server refuses for its tools is tried again in text mode. */
  const ask = async (conversation: Snapshot, usage: RunningUsage): Promise<Reply> => {
    const call = async (): Promise<Reply> => {
      usage.calls++;
      const completion = await model.complete({
        messages: conversation.messages,
        tools: conversation.mode === 'native' ? ENGINEER_TOOLS : [],
        toolMode: conversation.mode,
        sampling: { maxTokens },
        samples: 1,
        sampleOffset: 0,
      });
      addCompletion(usage, completion);
      for (const warning of completion.warnings) warn(warning);
      const output = completion.samples[0] ?? { text: '', toolCalls: [] };
      const reply: Reply = { output };
      const stopReason = stopReasonOf(completion);
      if (stopReason !== undefined) reply.stopReason = stopReason;
      return reply;
    };
    try {
      return await call();
    } catch (error) {
      if (conversation.mode !== 'native' || !refusesTools(error)) throw error;
      conversation.mode = 'text';
      conversation.messages[0] = systemMessage(conversation.request, 'text');
      const reply = await call();
      // Only a text reply that came back proves the server wants text: then every later answer uses it.
      mode = 'text';
      warn(`${id}: the server refused tool use (${(error as Error).message}); the engineer writes fenced code blocks instead`);
      return reply;
    }
  };

  /**
   * Turns until the draft is usable or the corrections are spent. `baseline` is the proposal under
   * repair (its files are the starting draft, and an unchanged draft is no answer).
   */
  const answer = async (
    stage: 'propose' | 'repair',
    conversation: Snapshot,
    draft: Draft,
    baseline: Proposal | undefined,
  ): Promise<Proposal | null> => {
    const { request } = conversation;
    const usage = emptyUsage();
    const existing = new Set(request.modules.map((module) => module.file));
    const fail = (reason: string, problems: string[], code?: BridleErrorCode): null => {
      const failure: EngineerFailure = { engineer: id, stage, signature: request.group.signature, reason, problems, usage: finalUsage(usage) };
      if (code !== undefined) failure.code = code;
      options.onFailure?.(failure);
      return null;
    };
    let summary: string | undefined;
    for (let turn = 0; ; turn++) {
      let reply: Reply;
      try {
        reply = await ask(conversation, usage);
      } catch (error) {
        if (BridleError.isInstance(error) && MODEL_FAULT_CODES.has(error.code)) return fail(error.message, [], error.code);
        throw error;
      }
      conversation.messages.push({ role: 'assistant', content: reply.output.text, toolCalls: reply.output.toolCalls });

      const parsed = parseReply(reply.output, { maxFileChars });
      const problems = [...parsed.problems];
      if (reply.stopReason !== undefined && TRUNCATED.has(reply.stopReason)) {
        problems.unshift(`the reply was cut off (stop reason "${reply.stopReason}" at ${maxTokens} tokens): write fewer, smaller files`);
      }
      if (reply.stopReason === 'refusal') problems.unshift('the model refused to answer');
      const calls = parsed.calls;
      /** A removal of a file that does not exist: a problem, and its tool call is answered as refused. */
      const refuseRemoval = (file: string, problem: string): void => {
        problems.push(problem);
        const call = calls.find((candidate) => candidate.outcome.kind === 'removed' && candidate.outcome.file === file);
        if (call) call.outcome = { kind: 'refused', problem };
      };
      for (const edit of parsed.edits) {
        if (edit.kind === 'write') {
          draft.files.set(edit.file, edit.source);
          draft.remove.delete(edit.file);
        } else if (existing.has(edit.file)) {
          draft.files.delete(edit.file);
          draft.remove.add(edit.file);
        } else if (draft.files.has(edit.file)) {
          // Removing a file this answer wrote withdraws it.
          draft.files.delete(edit.file);
        } else {
          refuseRemoval(edit.file, `remove_module: there is no module "${edit.file}" (the modules are ${existing.size > 0 ? [...existing].join(', ') : 'none'})`);
        }
      }
      if (draft.files.size > maxFiles) problems.push(`${draft.files.size} files (${[...draft.files.keys()].join(', ')}): at most ${maxFiles} per answer`);
      // After a correction request, a reply without edits can be right: it may only have dropped a bad call.
      if (turn === 0 && parsed.edits.length === 0 && problems.length === 0) problems.push(`no module was written: ${renderHow(template, conversation.mode)}`);
      if (baseline && problems.length === 0 && sameDraft(draft, baseline)) problems.push('the files are the same as the ones that failed the checks: change them to fix the diagnostics');
      if (draft.files.size === 0 && draft.remove.size === 0 && problems.length === 0) problems.push('the answer changes nothing');
      summary = parsed.summary ?? summary;
      conversation.calls = calls;

      if (problems.length === 0) {
        const proposal: Proposal = {
          files: [...draft.files].map(([file, source]) => ({ file, source })),
          remove: [...draft.remove],
          summary: summary ?? (stage === 'repair' && baseline ? baseline.summary : describeDraft(draft)),
          usage: finalUsage(usage),
        };
        snapshots.set(proposal, { ...conversation, messages: [...conversation.messages], calls: [...conversation.calls] });
        return proposal;
      }
      if (turn >= correctionTurns) {
        const replies = turn + 1;
        return fail(`${stage === 'repair' ? 'repair' : 'proposal'} unusable after ${replies} repl${replies === 1 ? 'y' : 'ies'}: ${problems[0]}`, problems);
      }
      followUp(conversation, fillSection(template, 'correct', { PROBLEMS: problems.map((problem) => `- ${problem}`).join('\n'), HOW: renderHow(template, conversation.mode) }), 'refused-only');
    }
  };

  /** Answer the last reply's tool calls, then say `text`. */
  const followUp = (conversation: Snapshot, text: string, written: 'refused-only' | 'checked'): void => {
    for (const call of conversation.calls) {
      const outcome = call.outcome;
      const content =
        outcome.kind === 'refused'
          ? fillSection(template, 'result-refused', { PROBLEM: outcome.problem })
          : outcome.kind === 'removed'
            ? fillSection(template, 'result-removed', { FILE: outcome.file })
            : written === 'checked'
              ? fillSection(template, 'result-checked', { FILE: outcome.file })
              : fillSection(template, 'result-written', { FILE: outcome.file, CHARS: outcome.chars });
      conversation.messages.push({ role: 'tool', toolCallId: call.callId, name: call.tool, content });
    }
    conversation.calls = [];
    conversation.messages.push({ role: 'user', content: text });
  };

  const start = (request: EngineerRequest): Snapshot => ({
    request,
    mode,
    calls: [],
    messages: [systemMessage(request, mode), { role: 'user', content: renderUser(template, request) }],
  });

  return {
    id,
    kind: 'single',
    model: parseBackboneId(id).model,
    promptVersion: template.version,
    identity: `${id} (llm prompt v${template.version})`,
    get mode() {
      return mode;
    },
    async propose(request) {
      return answer('propose', start(request), { files: new Map(), remove: new Set() }, undefined);
    },
    async repair(request, proposal, diagnostics) {
      const known = snapshots.get(proposal);
      let conversation: Snapshot;
      if (known) {
        conversation = { ...known, messages: [...known.messages], calls: [...known.calls] };
      } else {
        // A proposal this engineer did not make (or made before a restart): replay it as the model's own answer.
        conversation = start(request);
        conversation.messages.push({
          role: 'assistant',
          content: fillSection(template, 'previous', { FILES: renderFiles(proposal.files), SUMMARY: proposal.summary }),
        });
      }
      const files = proposal.files;
      const text = fillSection(template, 'repair', {
        FILES: [...files.map((file) => file.file), ...proposal.remove.map((file) => `removing ${file}`)].join(', ') || 'no files',
        DIAGNOSTICS: diagnostics.length > 0 ? diagnostics.map((diagnostic) => `- ${diagnostic}`).join('\n') : '(no diagnostics were given)',
        HOW: renderHow(template, conversation.mode),
      });
      followUp(conversation, text, 'checked');
      const draft: Draft = { files: new Map(files.map((file) => [file.file, file.source])), remove: new Set(proposal.remove) };
      return answer('repair', conversation, draft, proposal);
    },
  };
}
