/**
 * `claude-code/<model>`: Claude Code as the engineer, through @anthropic-ai/claude-agent-sdk (an optional
 * peer dependency, imported only when this engineer is chosen). The SDK starts the Claude Code binary
 * that ships in its platform package; it talks to the Messages API at ANTHROPIC_BASE_URL (default
 * Anthropic's) with ANTHROPIC_API_KEY or the user's own Claude login.
 *
 * Permissions, pinned (and documented in docs/engineers.md):
 * - built-in tools: only Read, Glob, Grep, Edit, Write (`tools`); Bash, WebFetch, WebSearch and sub-agents
 *   are not offered at all, so there is no shell and no network beyond the model endpoint;
 * - no settings files are loaded (`settingSources: []`): a user's or project's allow rules, hooks or MCP
 *   servers cannot widen this;
 * - every permission request goes to `canUseTool`, which allows edits only inside the scratch folder and
 *   reads only inside the scratch and store folders; the store is also hashed before and after the run;
 * - non-essential traffic (telemetry, update checks) is turned off by environment variable;
 * - one MCP tool, `try_candidate`, served in this process: it measures the scratch folder on train.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { costOf } from '../../../models/shared/budget.ts';
import type { Price } from '../../../models/shared/types.ts';
import type { Engineer } from '../../types.ts';
import type { EngineerFailure } from '../llm/llm-engineer.ts';
import { createCodingAgentEngineer, type CodingAgentResult, type CodingAgentRunner } from './coding-agent.ts';
import { importOptionalPeer } from './optional-peer.ts';

/** The package and the version bridle is tested with. */
export const CLAUDE_AGENT_SDK = '@anthropic-ai/claude-agent-sdk';
export const CLAUDE_AGENT_SDK_VERSION = '0.3.332';

/** The built-in tools Claude Code gets, and the ones among them that write. */
export const CLAUDE_CODE_TOOLS = ['Read', 'Glob', 'Grep', 'Edit', 'Write'] as const;
const WRITE_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);
const READ_TOOLS = new Set(['Read', 'Glob', 'Grep', 'LS']);
/** Named explicitly too, so a preset or an alias can never bring them back. */
export const CLAUDE_CODE_DISALLOWED_TOOLS = ['Bash', 'WebFetch', 'WebSearch', 'Agent', 'Task'] as const;
const TRY_TOOL = 'try_candidate';
const TRY_TOOL_FULL = `mcp__bridle__${TRY_TOOL}`;

/** The part of the SDK bridle uses (typed here: the package is optional, so its types may be absent). */
export interface ClaudeAgentSdk {
  query(input: { prompt: string; options: Record<string, unknown> }): AsyncIterable<Record<string, unknown>>;
  createSdkMcpServer(options: { name: string; version?: string; tools: unknown[] }): unknown;
  tool(name: string, description: string, shape: Record<string, unknown>, handler: (args: Record<string, unknown>) => Promise<{ content: { type: 'text'; text: string }[]; isError?: boolean }>): unknown;
}

/** Import the SDK (from bridle's own dependencies, else from the project's); one line saying how to install it when it is missing. */
export async function loadClaudeAgentSdk(id: string, projectRoot: string): Promise<ClaudeAgentSdk> {
  return (await importOptionalPeer(CLAUDE_AGENT_SDK, projectRoot, `${id} needs the optional package ${CLAUDE_AGENT_SDK}: npm install ${CLAUDE_AGENT_SDK}@${CLAUDE_AGENT_SDK_VERSION} (about 400 MB with its Claude Code binary)`)) as ClaudeAgentSdk;
}

export interface ClaudeCodeEngineerOptions {
  /** The model Claude Code uses, e.g. `claude-sonnet-4-5`. */
  model: string;
  /** The SDK module (default: imported lazily). */
  sdk?: ClaudeAgentSdk;
  /** The project root: the SDK is also looked for in its node_modules. Default the current directory. */
  projectRoot?: string;
  /** Environment of the Claude Code process (default `process.env`): ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Keep Claude Code's own state in a private folder per proposal instead of the user's (tests; no login then). */
  privateHome?: boolean;
  /** Turn limit per proposal. */
  maxTurns?: number;
  /** Tokens per proposal (input, cache reads and writes, output); the run is stopped past it. */
  maxProposalTokens?: number;
  /** US dollars per proposal (Claude Code's own limit). */
  maxProposalCostUsd?: number;
  /** The model's price (from `backbones["anthropic/<model>"].price`): without it the cost is unknown. */
  price?: Price;
  onFailure?: (failure: EngineerFailure) => void;
  temporaryRoot?: string;
  /** Told about each line Claude Code writes to stderr. */
  onStderr?: (line: string) => void;
}

/** True when `path` is `folder` or inside it. */
export function inside(path: string, folder: string): boolean {
  const offset = relative(folder, resolve(folder, path));
  return offset === '' || (!offset.startsWith('..') && !isAbsolute(offset));
}

/**
 * The permission decision for one tool call: edits inside the scratch folder, reads inside the scratch
 * or store folders, the experiment tool, and nothing else.
 */
export function decideClaudeCodeTool(tool: string, input: Record<string, unknown>, folders: { scratch: string; store: string }): { allow: true } | { allow: false; reason: string } {
  if (tool === TRY_TOOL_FULL) return { allow: true };
  const target = [input.file_path, input.path, input.notebook_path].find((value): value is string => typeof value === 'string');
  if (WRITE_TOOLS.has(tool)) {
    if (target !== undefined && inside(target, folders.scratch)) return { allow: true };
    return { allow: false, reason: `${tool} is allowed only inside the scratch folder ${folders.scratch}; the run store is read-only` };
  }
  if (READ_TOOLS.has(tool)) {
    if (target === undefined || inside(target, folders.scratch) || inside(target, folders.store)) return { allow: true };
    return { allow: false, reason: `${tool} is allowed only inside ${folders.scratch} and ${folders.store}` };
  }
  return { allow: false, reason: `${tool} is not available to the engineer` };
}

function processEnv(base: Readonly<Record<string, string | undefined>>, home: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined && key !== 'CLAUDECODE') env[key] = value;
  env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC = '1';
  env.DISABLE_AUTOUPDATER = '1';
  env.DISABLE_TELEMETRY = '1';
  if (home !== undefined) env.CLAUDE_CONFIG_DIR = home;
  return env;
}

type Block = { type?: string; text?: string };
type MessageUsage = { input_tokens?: number; output_tokens?: number; cache_creation_input_tokens?: number; cache_read_input_tokens?: number };

const readTokens = (usage: MessageUsage | undefined): number => (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0);

/** Claude Code as an engineer. The SDK is imported on the first proposal, so a missing package fails there, in one line. */
export function createClaudeCodeEngineer(options: ClaudeCodeEngineerOptions): Engineer & { close(): Promise<void> } {
  const id = `claude-code/${options.model}`;
  let sdk: ClaudeAgentSdk | undefined = options.sdk;

  const run: CodingAgentRunner = async ({ prompt, workspace, tryCandidate, maxExperiments }) => {
    sdk ??= await loadClaudeAgentSdk(id, options.projectRoot ?? process.cwd());
    const abort = new AbortController();
    const result: CodingAgentResult = { finalText: '', inputTokens: 0, outputTokens: 0, calls: 0, toolCalls: 0 };
    let streamed = 0;
    const folders = { scratch: workspace.scratch, store: workspace.store };
    const sdkOptions: Record<string, unknown> = {
      model: options.model,
      cwd: workspace.scratch,
      additionalDirectories: [workspace.store],
      tools: [...CLAUDE_CODE_TOOLS],
      disallowedTools: [...CLAUDE_CODE_DISALLOWED_TOOLS],
      permissionMode: 'default',
      settingSources: [],
      persistSession: false,
      abortController: abort,
      env: processEnv(options.env ?? process.env, options.privateHome ? workspace.home : undefined),
      canUseTool: async (tool: string, input: Record<string, unknown>) => {
        const decision = decideClaudeCodeTool(tool, input, folders);
        return decision.allow ? { behavior: 'allow', updatedInput: input } : { behavior: 'deny', message: decision.reason };
      },
      stderr: (line: string) => options.onStderr?.(line),
      ...(options.maxTurns === undefined ? {} : { maxTurns: options.maxTurns }),
      ...(options.maxProposalCostUsd === undefined ? {} : { maxBudgetUsd: options.maxProposalCostUsd }),
    };
    if (tryCandidate) {
      const experiment = sdk.tool(TRY_TOOL, `Measure the harness in your working directory: type-check, lint, replay the correct train actions, and score it on the train tasks against the current harness. At most ${maxExperiments} calls.`, {}, async () => ({
        content: [{ type: 'text', text: await tryCandidate() }],
      }));
      sdkOptions.mcpServers = { bridle: sdk.createSdkMcpServer({ name: 'bridle', version: '1', tools: [experiment] }) };
    }
    try {
      for await (const message of sdk.query({ prompt, options: sdkOptions })) {
        if (message.type === 'assistant') {
          const inner = message.message as { content?: Block[]; usage?: MessageUsage } | undefined;
          result.toolCalls += (inner?.content ?? []).filter((block) => block.type === 'tool_use').length;
          const text = (inner?.content ?? []).filter((block) => block.type === 'text').map((block) => block.text ?? '').join('\n').trim();
          if (text !== '') result.finalText = text;
          streamed += readTokens(inner?.usage) + (inner?.usage?.output_tokens ?? 0);
          if (options.maxProposalTokens !== undefined && streamed >= options.maxProposalTokens) {
            result.error = `token budget per proposal spent (${streamed} >= ${options.maxProposalTokens})`;
            abort.abort();
          }
        } else if (message.type === 'result') {
          const usage = message.usage as MessageUsage | undefined;
          result.inputTokens = readTokens(usage);
          result.outputTokens = usage?.output_tokens ?? 0;
          result.calls = typeof message.num_turns === 'number' ? message.num_turns : result.calls;
          if (typeof message.result === 'string' && message.result.trim() !== '') result.finalText = message.result.trim();
          if (message.subtype !== 'success') result.error = `Claude Code stopped: ${String(message.subtype)}`;
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) result.error = `Claude Code failed: ${(error as Error).message.split('\n')[0]}`;
    }
    if (result.inputTokens === 0 && result.outputTokens === 0) result.inputTokens = streamed;
    const cost = costOf({ inputTokens: result.inputTokens, outputTokens: result.outputTokens }, options.price);
    if (cost !== undefined) result.costUsd = cost;
    return result;
  };

  return createCodingAgentEngineer({
    id,
    model: options.model,
    run,
    experiments: true,
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    ...(options.temporaryRoot ? { temporaryRoot: options.temporaryRoot } : {}),
  });
}
