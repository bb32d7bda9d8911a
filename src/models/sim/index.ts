/**
 * `sim/<profile>` backbones: deterministic, seeded policies built from an environment's oracle plus a
 * documented failure profile. They never read the prompt, so only code-level harness interventions can
 * help them. Their results are simulated and must be labelled so wherever they are shown.
 */
import type { Backbone, CompletionRequest, Completion } from '../../contracts/backbone.ts';
import { BridleError } from '../../errors.ts';
import { decide } from './decide.ts';
import { SIM_PROFILES, findSimProfile, type SimProfile } from './profiles.ts';

export { ORACLE_PROFILE, SIM_PROFILES, type SimProfile } from './profiles.ts';

/** The perfect simulated agent (the environment oracle's actions, uncorrupted). */
export const ORACLE_BACKBONE_ID = 'sim/oracle';

/** The default backbones of an evaluation: every simulated profile. */
export const DEFAULT_SIM_IDS: string[] = SIM_PROFILES.map((profile) => `sim/${profile.name}`);

const SIM_PREFIX = 'sim/';

/** Rough token estimate (4 characters a token), marked as an estimate on the trajectory. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function createSimBackbone(profile: SimProfile): Backbone {
  return {
    id: `${SIM_PREFIX}${profile.name}`,
    simulated: true,
    toolMode: 'text',
    async complete(request: CompletionRequest): Promise<Completion> {
      const episode = request.episode;
      if (!episode) {
        throw new BridleError('INVALID_ARGUMENT', `${SIM_PREFIX}${profile.name} is a simulated backbone: it only runs inside bridle's episode loop`);
      }
      const samples = Array.from({ length: request.samples }, (_unused, offset) =>
        decide(profile, episode, request.messages, request.sampleOffset + offset),
      );
      const promptTokens = request.messages.reduce((sum, message) => sum + estimateTokens(message.content), 0);
      return {
        samples,
        usage: {
          inputTokens: promptTokens * request.samples,
          outputTokens: samples.reduce((sum, sample) => sum + estimateTokens(sample.text), 0),
          estimated: true,
        },
        costUsd: 0,
        warnings: [],
      };
    },
  };
}

/** A backbone id as people should read it: simulated ones say so. */
export function labelBackboneId(id: string): string {
  return isSimId(id) ? `${id} (simulated)` : id;
}

/** True for a `sim/...` id. */
export function isSimId(id: string): boolean {
  return id.startsWith(SIM_PREFIX);
}

/** Resolve `sim/<profile>`; an unknown profile is a user error that lists the known ones. */
export function createSimBackboneById(id: string): Backbone {
  const profile = findSimProfile(id.slice(SIM_PREFIX.length));
  if (!profile) {
    throw new BridleError(
      'UNKNOWN_BACKBONE',
      `unknown simulated backbone "${id}"; known: ${[...SIM_PROFILES.map((known) => `${SIM_PREFIX}${known.name}`), ORACLE_BACKBONE_ID].join(', ')}`,
    );
  }
  return createSimBackbone(profile);
}
