/**
 * Backbone ids (`provider/model`) to backbones: `sim/<profile>` built in, `anthropic/...`, `openai/...`
 * and `llamacpp/...` from the providers with the project's `bridle.config.ts`.
 */
import type { Backbone } from '../contracts/backbone.ts';
import { BridleError } from '../errors.ts';
import { loadConfig } from '../config/index.ts';
import { createProviderBackbone, isRealProviderId, REAL_PROVIDERS } from './providers.ts';
import type { Budget } from './shared/budget.ts';
import type { CallGate } from './shared/gate.ts';
import { realSleep } from './shared/retry.ts';
import { createSimBackboneById, toSimProfile } from './sim/index.ts';
import { isSimId } from './ids.ts';

/** Options for resolving backbones. Plain JSON: it crosses into workers. */
export interface BackboneOptions {
  /** Folder whose bridle.config.ts configures providers and declares sim profiles; also the root of the response cache. */
  configRoot?: string;
  /** Bypass the response cache. */
  noCache?: boolean;
  /** Override the base URL of a real backbone (the --base-url flag). */
  baseURL?: string;
  /**
   * For the throughput bench only: simulated backbones wait this long per call and take a slot of the
   * run's scheduler for it, like a real model, so the scheduler can be measured with nothing but sims.
   */
  simLatencyMs?: number;
}

/** What the process running the episodes adds: the run's scheduler and spend ledger. */
export interface BackboneServices {
  budget?: Budget;
  gate?: CallGate;
}

export { DEFAULT_SIM_IDS } from './sim/index.ts';

/** Resolve a backbone id. Unknown ids and missing keys fail here, before any episode runs. */
export async function resolveBackbone(id: string, options: BackboneOptions = {}, services: BackboneServices = {}): Promise<Backbone> {
  if (isSimId(id)) {
    const sim = await resolveSim(id, options);
    return options.simLatencyMs ? withLatency(sim, options.simLatencyMs, services.gate) : sim;
  }
  if (!isRealProviderId(id)) {
    throw new BridleError(
      'UNKNOWN_BACKBONE',
      `unknown backbone "${id}": use provider/model with provider one of sim, ${REAL_PROVIDERS.join(', ')} (e.g. sim/scatter, anthropic/claude-sonnet-4-5, openai/qwen2.5-7b-instruct)`,
    );
  }
  const root = options.configRoot ?? process.cwd();
  const config = await loadConfig(root);
  return createProviderBackbone(id, config, {
    cwd: root,
    ...(options.noCache ? { noCache: true } : {}),
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    ...(services.budget ? { budget: services.budget } : {}),
    ...(services.gate ? { gate: services.gate } : {}),
  });
}

/** A simulated backbone that takes `latencyMs` per call, holding a slot of the scheduler while it waits. */
function withLatency(backbone: Backbone, latencyMs: number, gate: CallGate | undefined): Backbone {
  return {
    id: backbone.id,
    simulated: backbone.simulated,
    toolMode: backbone.toolMode,
    async complete(request) {
      const ticket = await gate?.acquire({ backbone: backbone.id, tokens: 0 }, request.signal);
      try {
        await realSleep(latencyMs, request.signal);
        const completion = await backbone.complete(request);
        ticket?.release({ kind: 'ok', usage: completion.usage });
        return completion;
      } catch (error) {
        ticket?.release({ kind: 'aborted' });
        throw error;
      }
    },
  };
}

/** Built-in profiles need no configuration; any other name may be declared under `sims` in the config. */
async function resolveSim(id: string, options: BackboneOptions): Promise<Backbone> {
  try {
    return createSimBackboneById(id);
  } catch (error) {
    const config = await loadConfig(options.configRoot ?? process.cwd());
    const declared = Object.entries(config.sims ?? {}).map(([name, input]) => toSimProfile(name, input));
    if (declared.length === 0) throw error;
    return createSimBackboneById(id, declared);
  }
}
