/** Engineer ids to engineers: "heuristic" (offline default) or a backbone id for the LLM engineer. */
import { loadConfig } from '../../config/index.ts';
import { BridleError } from '../../errors.ts';
import type { Engineer } from '../types.ts';
import type { CallGate } from '../../models/shared/gate.ts';
import { createHeuristicEngineer } from './heuristic/index.ts';
import { createLlmEngineer, type EngineerFailure } from './llm/index.ts';

export const HEURISTIC_ENGINEER = 'heuristic';

export async function createEngineer(
  id: string,
  options: { root: string; onFailure?: (failure: EngineerFailure) => void; noCache?: boolean; gate?: CallGate },
): Promise<Engineer> {
  if (id === HEURISTIC_ENGINEER) return createHeuristicEngineer();
  if (!/^(anthropic|openai|llamacpp)\/.+/.test(id)) {
    throw new BridleError('INVALID_ARGUMENT', `unknown engineer "${id}": use "heuristic" or a backbone id such as anthropic/claude-sonnet-4-5`);
  }
  const config = await loadConfig(options.root);
  return createLlmEngineer({
    backbone: id,
    config,
    cwd: options.root,
    ...(options.noCache ? { noCache: true } : {}),
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    // The run's scheduler: the engineer's calls share the backbone's limits with the episodes'.
    ...(options.gate ? { gate: options.gate } : {}),
  });
}
