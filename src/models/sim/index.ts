/**
 * `sim/<profile>` backbones: deterministic, seeded policies built from an environment's oracle plus a
 * documented failure profile (built in, or declared in `bridle.config.ts`). Of the prompt they read
 * only, after a failed step, the feedback they were told (see feedback.ts); everything else they draw
 * from the profile, the episode's seed, the tool schemas, the oracle's plan and the environment's own
 * results. Their results are simulated and must be labelled so wherever they are shown.
 */
import type { Backbone, CompletionRequest, Completion, Message } from '../../contracts/backbone.ts';
import { BridleError } from '../../errors.ts';
import { ORACLE_BACKBONE_ID, SIM_PREFIX } from '../ids.ts';
import { decide } from './decide.ts';
import { BUILT_IN_PROFILE_NAMES, SIM_PROFILES, findBuiltInProfile, type SimProfile } from './profiles.ts';

export { ORACLE_PROFILE, SIM_PROFILES, SIM_MODES, MODE_DESCRIPTIONS, type SimProfile, type SimMode, type ModeRates } from './profiles.ts';
export { simProfileInputSchema, simsConfigSchema, toSimProfile, toProfileInput, type SimProfileInput } from './profile-schema.ts';
export { ORACLE_BACKBONE_ID, isSimId, labelBackboneId } from '../ids.ts';

/** The default backbones of an evaluation: every built-in simulated profile. */
export const DEFAULT_SIM_IDS: string[] = SIM_PROFILES.map((profile) => `${SIM_PREFIX}${profile.name}`);

/** Rough token estimate (4 characters a token); reading lengths never changes a draw. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function messageTokens(message: Message): number {
  const calls = message.role === 'assistant' ? (message.toolCalls ?? []).reduce((sum, call) => sum + estimateTokens(call.name + call.argumentsText), 0) : 0;
  return estimateTokens(message.content) + calls;
}

export function createSimBackbone(profile: SimProfile): Backbone {
  const id = `${SIM_PREFIX}${profile.name}`;
  return {
    id,
    simulated: true,
    toolMode: 'text',
    async complete(request: CompletionRequest): Promise<Completion> {
      const episode = request.episode;
      if (!episode) throw new BridleError('INVALID_ARGUMENT', `${id} is a simulated backbone: it only runs inside bridle's episode loop`);
      const samples = Array.from({ length: request.samples }, (_unused, offset) => decide(profile, episode, request.sampleOffset + offset));
      // Every sample reads the whole prompt: k samples cost k times the input, as they would with a real model.
      const promptTokens = request.messages.reduce((sum, message) => sum + messageTokens(message), 0);
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

/**
 * Resolve `sim/<profile>` among the built-in profiles and `extra` (the profiles of `bridle.config.ts`);
 * an unknown profile is a user error that lists the known ones.
 */
export function createSimBackboneById(id: string, extra: readonly SimProfile[] = []): Backbone {
  const name = id.slice(SIM_PREFIX.length);
  const profile = findBuiltInProfile(name) ?? extra.find((candidate) => candidate.name === name);
  if (!profile) {
    const known = [...BUILT_IN_PROFILE_NAMES.filter((known) => `${SIM_PREFIX}${known}` !== ORACLE_BACKBONE_ID), ...extra.map((candidate) => candidate.name)];
    throw new BridleError(
      'UNKNOWN_BACKBONE',
      `unknown simulated backbone "${id}"; known: ${[...known.map((known) => `${SIM_PREFIX}${known}`), ORACLE_BACKBONE_ID].join(', ')} (declare your own under sims in bridle.config.ts)`,
    );
  }
  return createSimBackbone(profile);
}
