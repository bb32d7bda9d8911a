/**
 * Backbone ids (`provider/model`) to backbones: `sim/<profile>` built in, `anthropic/...`, `openai/...`
 * and `llamacpp/...` from the providers with the project's `bridle.config.ts`.
 */
import type { Backbone } from '../contracts/backbone.ts';
import { BridleError } from '../errors.ts';
import { loadConfig } from '../config/index.ts';
import { createProviderBackbone, isRealProviderId, REAL_PROVIDERS } from './providers.ts';
import type { Budget } from './shared/budget.ts';
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
}

export { DEFAULT_SIM_IDS } from './sim/index.ts';

/** Resolve a backbone id. Unknown ids and missing keys fail here, before any episode runs. */
export async function resolveBackbone(id: string, options: BackboneOptions = {}, budget?: Budget): Promise<Backbone> {
  if (isSimId(id)) {
    // Built-in profiles need no configuration; any other name may be declared under `sims`.
    try {
      return createSimBackboneById(id);
    } catch (error) {
      const config = await loadConfig(options.configRoot ?? process.cwd());
      const declared = Object.entries(config.sims ?? {}).map(([name, input]) => toSimProfile(name, input));
      if (declared.length === 0) throw error;
      return createSimBackboneById(id, declared);
    }
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
    ...(budget ? { budget } : {}),
  });
}
