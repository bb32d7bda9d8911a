/**
 * `codex/<model>`: OpenAI's Codex as the engineer, through @openai/codex-sdk (an optional peer
 * dependency, imported only when this engineer is chosen). The SDK starts the Codex CLI binary that
 * ships in its platform package; Codex speaks the Responses API to its model endpoint: OpenAI's by
 * default (with CODEX_API_KEY / OPENAI_API_KEY or the user's Codex login), or, when OPENAI_BASE_URL is
 * set, that server, declared as a provider of its own (HTTP only, no WebSocket).
 *
 * Permissions, pinned (and documented in docs/engineers.md). Codex reads and edits through its shell
 * tool (`apply_patch` included), so a shell cannot be withheld; every command runs in Codex's sandbox
 * (bubblewrap and seccomp on Linux) under a permission profile of bridle's own:
 * - filesystem: the minimal system paths and Codex's own package folder readable, the run store
 *   readable, the scratch folder (the project root) writable, and nothing else visible at all: not
 *   the user's project, not its `.bridle/runs/` (which holds validation and test episodes), not $HOME;
 * - network: off for commands (the profile's default), web search disabled: only the Codex process
 *   itself talks to its model endpoint;
 * - `approvalPolicy: never`: nothing can be escalated out of the sandbox;
 * - the store folder is hashed before and after the run, and a changed store discards the proposal.
 * (`sandboxMode` is not passed: the legacy sandbox settings would replace the profile.)
 * Codex gets no try_candidate tool (it has no in-process tool channel here); it reads the run store and
 * writes, and the candidate is measured after it finishes.
 */
import type { Engineer } from '../../types.ts';
import { costOf } from '../../../models/shared/budget.ts';
import type { Price } from '../../../models/shared/types.ts';
import type { EngineerFailure } from '../llm/llm-engineer.ts';
import { createCodingAgentEngineer, type CodingAgentResult, type CodingAgentRunner } from './coding-agent.ts';
import { importOptionalPeer } from './optional-peer.ts';

export const CODEX_SDK = '@openai/codex-sdk';
export const CODEX_SDK_VERSION = '0.163.0';
/** The provider name bridle declares for an OPENAI_BASE_URL server, and the variable its key travels in. */
const PROVIDER = 'bridle';
const KEY_VARIABLE = 'BRIDLE_CODEX_API_KEY';

/** The part of the SDK bridle uses (typed here: the package is optional). */
export interface CodexSdk {
  Codex: new (options: Record<string, unknown>) => {
    startThread(options: Record<string, unknown>): { runStreamed(input: string, options?: Record<string, unknown>): Promise<{ events: AsyncIterable<Record<string, unknown>> }> };
  };
}

export async function loadCodexSdk(id: string, projectRoot: string): Promise<CodexSdk> {
  return (await importOptionalPeer(CODEX_SDK, projectRoot, `${id} needs the optional package ${CODEX_SDK}: npm install ${CODEX_SDK}@${CODEX_SDK_VERSION} (about 420 MB with its Codex binary)`)) as CodexSdk;
}

export interface CodexEngineerOptions {
  /** The model Codex uses. */
  model: string;
  sdk?: CodexSdk;
  projectRoot?: string;
  /** Environment (default `process.env`): OPENAI_BASE_URL, CODEX_API_KEY / OPENAI_API_KEY, CODEX_HOME. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Keep Codex's state (CODEX_HOME) in a private folder per proposal instead of the user's (tests; no login then). */
  privateHome?: boolean;
  /** Tokens per proposal; the run is stopped past it. */
  maxProposalTokens?: number;
  price?: Price;
  /** The `node_modules` folder holding Codex's packages: readable in the sandbox, so Codex can run its own sandbox helper. */
  packagesFolder?: string;
  onFailure?: (failure: EngineerFailure) => void;
  temporaryRoot?: string;
}

/** The name of the permission profile bridle defines for Codex. */
export const CODEX_PERMISSION_PROFILE = 'bridle-engineer';

/** The thread options bridle pins. */
export function codexThreadOptions(model: string, scratch: string): Record<string, unknown> {
  return { model, workingDirectory: scratch, skipGitRepoCheck: true, approvalPolicy: 'never', webSearchMode: 'disabled' };
}

/**
 * The permission profile, as a `--config` override (a TOML inline table: its keys are paths, which the
 * SDK's dotted-key flattening cannot carry): read the minimal system paths, Codex's own packages and the
 * store; write the project root (the scratch folder); nothing else exists inside the sandbox.
 */
export function codexPermissionOverrides(readable: readonly string[]): string[] {
  const entries = [`":minimal"="read"`, ...readable.map((path) => `${JSON.stringify(path)}="read"`), `":project_roots"={"."="write"}`];
  return [`default_permissions=${JSON.stringify(CODEX_PERMISSION_PROFILE)}`, `permissions.${CODEX_PERMISSION_PROFILE}.filesystem={${entries.join(', ')}}`];
}

export function createCodexEngineer(options: CodexEngineerOptions): Engineer & { close(): Promise<void> } {
  const id = `codex/${options.model}`;
  let sdk: CodexSdk | undefined = options.sdk;

  const run: CodingAgentRunner = async ({ prompt, workspace }) => {
    sdk ??= await loadCodexSdk(id, options.projectRoot ?? process.cwd());
    const base = options.env ?? process.env;
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
    if (options.privateHome) env.CODEX_HOME = workspace.home;
    const config: Record<string, unknown> = {};
    const baseURL = base.OPENAI_BASE_URL;
    if (baseURL) {
      const key = base.CODEX_API_KEY ?? base.OPENAI_API_KEY;
      if (key) env[KEY_VARIABLE] = key;
      config.model_provider = PROVIDER;
      config.model_providers = { [PROVIDER]: { name: PROVIDER, base_url: baseURL, wire_api: 'responses', ...(key ? { env_key: KEY_VARIABLE } : {}), supports_websockets: false } };
    }
    const readable = [workspace.store, ...(options.packagesFolder ? [options.packagesFolder] : [])];
    const codex = new sdk.Codex({ env, config, configOverrides: codexPermissionOverrides(readable) });
    const thread = codex.startThread(codexThreadOptions(options.model, workspace.scratch));
    const result: CodingAgentResult = { finalText: '', inputTokens: 0, outputTokens: 0, calls: 0, toolCalls: 0 };
    const abort = new AbortController();
    try {
      const { events } = await thread.runStreamed(prompt, { signal: abort.signal });
      for await (const event of events) {
        if (event.type === 'item.completed') {
          const item = event.item as { type?: string; text?: string };
          if (item.type === 'agent_message' && typeof item.text === 'string') result.finalText = item.text;
          if (item.type === 'command_execution' || item.type === 'file_change' || item.type === 'mcp_tool_call') result.toolCalls++;
        } else if (event.type === 'turn.completed') {
          const usage = event.usage as { input_tokens?: number; output_tokens?: number } | undefined;
          result.inputTokens += usage?.input_tokens ?? 0;
          result.outputTokens += usage?.output_tokens ?? 0;
          result.calls++;
          if (options.maxProposalTokens !== undefined && result.inputTokens + result.outputTokens >= options.maxProposalTokens) {
            result.error = `token budget per proposal spent (${result.inputTokens + result.outputTokens} >= ${options.maxProposalTokens})`;
            abort.abort();
          }
        } else if (event.type === 'turn.failed') {
          result.error = `Codex failed: ${String((event.error as { message?: string } | undefined)?.message ?? 'turn failed').split('\n')[0]}`;
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) result.error ??= `Codex failed: ${(error as Error).message.split('\n')[0]}`;
    }
    const cost = costOf({ inputTokens: result.inputTokens, outputTokens: result.outputTokens }, options.price);
    if (cost !== undefined) result.costUsd = cost;
    return result;
  };

  return createCodingAgentEngineer({
    id,
    model: options.model,
    run,
    experiments: false,
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    ...(options.temporaryRoot ? { temporaryRoot: options.temporaryRoot } : {}),
  });
}
