/**
 * Engineer ids to engineers: "heuristic" (offline default); a backbone id (`anthropic/<model>`,
 * `openai/<model>`, `llamacpp/<path>`) for the LLM engineer, single-shot or agentic by `mode`; and the
 * coding agents `claude-code/<model>` and `codex/<model>` (optional peer dependencies, loaded lazily).
 */
import { loadConfig } from '../../config/index.ts';
import { BridleError } from '../../errors.ts';
import type { Engineer } from '../types.ts';
import type { CallGate } from '../../models/shared/gate.ts';
import { createHeuristicEngineer } from './heuristic/index.ts';
import { createLlmEngineer, type EngineerFailure } from './llm/index.ts';
import { createAgentEngineer } from './llm/agent-engineer.ts';
import { createProviderBackbone } from '../../models/providers.ts';
import { createClaudeCodeEngineer, loadClaudeAgentSdk } from './coding-agent/claude-code.ts';
import { CODEX_SDK, createCodexEngineer, loadCodexSdk } from './coding-agent/codex.ts';
import { packageModulesFolder } from './coding-agent/optional-peer.ts';

export const HEURISTIC_ENGINEER = 'heuristic';

/** How an LLM engineer works; `auto` picks the agent when the budget allows and the server has tool use. */
export type EngineerModeOption = 'auto' | 'single' | 'agent';

export interface CreateEngineerOptions {
  root: string;
  onFailure?: (failure: EngineerFailure) => void;
  onWarning?: (warning: string) => void;
  noCache?: boolean;
  /** LLM engineers: single-shot, agent, or auto (default). */
  mode?: EngineerModeOption;
  /** Agent and coding-agent engineers: limits per proposal. */
  proposal?: { maxTurns?: number; maxTokens?: number; maxCostUsd?: number };
  /** The run's engineer token budget: `auto` takes the agent only when it holds at least one full agent proposal. */
  runTokenBudget?: number;
  /** The run's call scheduler: the engineer's model calls share the backbone's limits with the episodes'. */
  gate?: CallGate;
}

const LLM_ENGINEER = /^(anthropic|openai|llamacpp)\/.+/;
const CODING_AGENT = /^(claude-code|codex)\/(.+)$/;

/** Build the engineer for an id. Unknown ids, missing keys and missing optional packages fail in one line. */
export async function createEngineer(id: string, options: CreateEngineerOptions): Promise<Engineer> {
  if (id === HEURISTIC_ENGINEER) return createHeuristicEngineer();
  const coding = CODING_AGENT.exec(id);
  if (coding) {
    const [, agent, model] = coding as unknown as [string, 'claude-code' | 'codex', string];
    const config = await loadConfig(options.root);
    const proposal = options.proposal ?? {};
    const shared = {
      model,
      projectRoot: options.root,
      ...(proposal.maxTokens === undefined ? {} : { maxProposalTokens: proposal.maxTokens }),
      ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    };
    if (agent === 'claude-code') {
      const price = config.backbones[`anthropic/${model}`]?.price;
      // Imported now, so a missing optional package fails here in one line, not at the first proposal.
      const sdk = await loadClaudeAgentSdk(id, options.root);
      return createClaudeCodeEngineer({
        ...shared,
        sdk,
        ...(price ? { price } : {}),
        ...(proposal.maxTurns === undefined ? {} : { maxTurns: proposal.maxTurns }),
        ...(proposal.maxCostUsd === undefined ? {} : { maxProposalCostUsd: proposal.maxCostUsd }),
      });
    }
    const price = config.backbones[`openai/${model}`]?.price;
    const sdk = await loadCodexSdk(id, options.root);
    const packagesFolder = packageModulesFolder(CODEX_SDK, options.root);
    return createCodexEngineer({ ...shared, sdk, ...(price ? { price } : {}), ...(packagesFolder ? { packagesFolder } : {}) });
  }
  if (!LLM_ENGINEER.test(id)) {
    throw new BridleError('INVALID_ARGUMENT', `unknown engineer "${id}": use "heuristic", a backbone id such as anthropic/claude-sonnet-4-5, or a coding agent (claude-code/<model>, codex/<model>)`);
  }
  const config = await loadConfig(options.root);
  const shared = {
    backbone: id,
    config,
    cwd: options.root,
    ...(options.noCache ? { noCache: true } : {}),
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    // The run's scheduler: the engineer's calls share the backbone's limits with the episodes'.
    ...(options.gate ? { gate: options.gate } : {}),
  };
  const mode = options.mode ?? 'auto';
  if (mode === 'single') return createLlmEngineer(shared);
  const proposal = options.proposal ?? {};
  const agentOptions = {
    ...shared,
    ...(proposal.maxTurns === undefined ? {} : { maxTurns: proposal.maxTurns }),
    ...(proposal.maxTokens === undefined ? {} : { maxProposalTokens: proposal.maxTokens }),
    ...(proposal.maxCostUsd === undefined ? {} : { maxProposalCostUsd: proposal.maxCostUsd }),
  };
  if (mode === 'agent') return createAgentEngineer(agentOptions);
  // auto: the agent when the server speaks native tool use and the run's budget holds a full agent proposal.
  const model = createProviderBackbone(id, config, { cwd: options.root, ...(options.noCache ? { noCache: true } : {}), ...(options.gate ? { gate: options.gate } : {}) });
  const tight = options.runTokenBudget !== undefined && proposal.maxTokens !== undefined && options.runTokenBudget < proposal.maxTokens;
  if (model.toolMode !== 'native' || tight) return createLlmEngineer({ ...shared, model });
  return createAgentEngineer({ ...agentOptions, model });
}
