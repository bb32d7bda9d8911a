/**
 * One sim decision: the oracle's next correct step, corrupted through the profile's failure modes.
 * A pure function of (profile, episode context, sample index): the same inputs give the same output.
 */
import type { RawOutput } from '../../harness/api.ts';
import type { EpisodeContext, Message } from '../../contracts/backbone.ts';
import type { OracleStep } from '../../contracts/environment.ts';
import { createRandom, seedOf, type Random } from '../../util/random.ts';
import { RESAMPLE_PERSEVERATION_FACTOR, type SimProfile } from './profiles.ts';
import { renderClean, renderNoisy, type IntendedCall } from './render.ts';
import { hallucinateToolName, plausibleSubstitution, slipArgument, substitute, type Substitution } from './corrupt.ts';

const FINISH = 'finish';
const GIVE_UP_MESSAGES = [
  "I'm sorry, I wasn't able to complete your request.",
  'Apologies, something went wrong on my side and I could not finish this.',
];
const PREMATURE_MESSAGES = ['All set: your request has been handled.', 'Done. Is there anything else I can help with?', 'I have taken care of everything.'];

function toCall(step: OracleStep): IntendedCall {
  return step.action.kind === 'finish'
    ? { tool: FINISH, arguments: { message: step.action.message } }
    : { tool: step.action.tool, arguments: step.action.arguments };
}

/**
 * The episode's consistent wrong belief (the residual share no harness can fix): a substitution in the
 * first write, drawn only from what is fixed for the whole episode (the schema and the instruction), or,
 * when none exists, stopping right before that write.
 */
function residualBelief(profile: SimProfile, context: EpisodeContext, firstWrite: IntendedCall, instruction: Message[]): Substitution | 'stop' | null {
  const random = createRandom(seedOf('sim-episode', profile.name, context.environment, context.taskId, context.seed));
  if (!random.chance(profile.residual)) return null;
  return plausibleSubstitution(firstWrite, context.tools, instruction, random) ?? 'stop';
}

export function decide(profile: SimProfile, context: EpisodeContext, messages: readonly Message[], sampleIndex: number): RawOutput {
  const random: Random = createRandom(seedOf('sim', profile.name, context.environment, context.taskId, context.seed, context.step, sampleIndex));
  const last = context.history.at(-1);

  // Perseveration: the failed output again, verbatim.
  if (last?.failed) {
    const chance = sampleIndex === 0 ? profile.perseveration : profile.perseveration * RESAMPLE_PERSEVERATION_FACTOR;
    if (random.chance(chance)) return { text: last.raw.text, toolCalls: [...last.raw.toolCalls] };
  }

  // Give-up: after errors, abandon the episode with an apology.
  const failures = consecutiveFailures(context);
  if (failures > 0 && random.chance(profile.giveUp * Math.min(failures, 3))) {
    return render({ tool: FINISH, arguments: { message: random.pick(GIVE_UP_MESSAGES) } }, profile, random);
  }

  const plan = context.oracle();
  const next = plan[0];
  if (!next) return { text: renderClean({ tool: FINISH, arguments: { message: 'Done.' } }), toolCalls: [] };
  const firstWriteIndex = plan.findIndex((step) => step.purpose === 'write');
  const firstWrite = firstWriteIndex >= 0 ? plan[firstWriteIndex]! : undefined;
  let intended = toCall(next);
  let purpose = next.purpose;

  // Residual: a consistent wrong belief about the episode's first write.
  const wroteBefore = context.history.some((entry) => entry.wrote);
  if (firstWrite && !wroteBefore) {
    const firstUser = messages.filter((message) => message.role === 'user').slice(0, 1);
    const belief = residualBelief(profile, context, toCall(firstWrite), firstUser);
    if (belief === 'stop' && next === firstWrite) {
      return render({ tool: FINISH, arguments: { message: random.pick(PREMATURE_MESSAGES) } }, profile, random);
    }
    if (belief && belief !== 'stop' && (next === firstWrite || (next.purpose === 'confirm' && firstWriteIndex === 1))) {
      intended = { tool: intended.tool, arguments: substitute(intended.arguments, belief) };
    }
  }

  // Policy slip: skip identification or confirmation and go straight to the write.
  if (firstWrite && (purpose === 'confirm' || purpose === 'identify') && random.chance(profile.policySlip)) {
    intended = toCall(firstWrite);
    purpose = 'write';
  }

  // Write drift: the write differs from what was just confirmed.
  if (purpose === 'write' && random.chance(profile.writeDrift)) {
    const drift = plausibleSubstitution(intended, context.tools, messages, random);
    if (drift) intended = { tool: intended.tool, arguments: substitute(intended.arguments, drift) };
  }

  // Premature stop while work remains, most likely right after a successful write.
  const workRemains = plan.some((step) => step.purpose === 'write');
  if (workRemains && random.chance(profile.prematureStop * (last?.wrote ? 3 : 0.5))) {
    return render({ tool: FINISH, arguments: { message: random.pick(PREMATURE_MESSAGES) } }, profile, random);
  }

  if (intended.tool !== FINISH) {
    if (random.chance(profile.hallucination)) {
      intended = { tool: hallucinateToolName(intended.tool, context.tools, random), arguments: intended.arguments };
    } else if (random.chance(profile.argumentSlip)) {
      intended = slipArgument(intended, context.tools, random) ?? intended;
    }
  }
  return render(intended, profile, random);
}

function consecutiveFailures(context: EpisodeContext): number {
  let count = 0;
  for (let index = context.history.length - 1; index >= 0 && context.history[index]!.failed; index--) count++;
  return count;
}

function render(call: IntendedCall, profile: SimProfile, random: Random): RawOutput {
  const text = random.chance(profile.formatNoise) ? renderNoisy(call, random) : renderClean(call);
  return { text, toolCalls: [] };
}
