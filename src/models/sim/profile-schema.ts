/**
 * Sim profiles as data: the zod schema of a profile in `bridle.config.ts` (`sims: { 'my-sim': {...} }`)
 * and in the files `bridle calibrate --write` produces. Strict: an unknown key is an error. Omitted rates
 * are 0, so a profile says only what its backbone gets wrong.
 */
import { z } from 'zod';
import { BUILT_IN_PROFILE_NAMES, SIM_MODES, type SimMode, type SimProfile } from './profiles.ts';

const rate = z.number().min(0, { error: 'a rate is a probability: write a number from 0 to 1' }).max(1, { error: 'a rate is a probability: write a number from 0 to 1' });

/** One mode's rates. */
export const modeRatesSchema = z.strictObject({
  /** Probability that an episode has the habit. */
  habit: rate.default(0),
  /** Probability of a one-off slip at each chance. */
  noise: rate.default(0),
});

/** A profile as written in the configuration (its name is the key it is written under). */
export const simProfileInputSchema = z.strictObject({
  /** One line: what this profile mostly gets wrong. */
  summary: z.string().min(1).optional(),
  /** Rates per failure mode; omitted modes are 0. */
  modes: z.strictObject(Object.fromEntries(SIM_MODES.map((mode) => [mode, modeRatesSchema.optional()])) as Record<SimMode, z.ZodOptional<typeof modeRatesSchema>>).default({} as never),
  /** After a failed step, probability of repeating the failed output verbatim. */
  perseveration: rate.default(0),
  /** Probability of following feedback that names the fix (divided by the number of candidates named). */
  compliance: rate.default(0),
  /** Share of samples k > 0 identical to sample 0. */
  sampleCorrelation: rate.default(0),
  /** Per episode: a consistent wrong belief about the first write. */
  residual: rate.default(0),
});

/** What a user writes for one profile. */
export type SimProfileInput = z.input<typeof simProfileInputSchema>;

/** Profile names: kebab-case, and not one of the built-in names. */
export const simProfileNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'a sim profile name is lower-case letters, digits and dashes, e.g. "my-sim"' })
  .refine((name) => !BUILT_IN_PROFILE_NAMES.includes(name), {
    error: (issue) => `"${String(issue.input)}" is a built-in sim profile; give yours another name (built-in: ${BUILT_IN_PROFILE_NAMES.join(', ')})`,
  });

/** The `sims` section of the configuration. */
export const simsConfigSchema = z.record(simProfileNameSchema, simProfileInputSchema);

/** A validated profile input under its name, as the sims use it. */
export function toSimProfile(name: string, input: z.output<typeof simProfileInputSchema>): SimProfile {
  const modes = Object.fromEntries(SIM_MODES.map((mode) => [mode, input.modes[mode] ?? { habit: 0, noise: 0 }])) as SimProfile['modes'];
  return {
    name,
    summary: input.summary ?? 'defined in bridle.config.ts',
    modes,
    perseveration: input.perseveration,
    compliance: input.compliance,
    sampleCorrelation: input.sampleCorrelation,
    residual: input.residual,
  };
}

/** A profile as the configuration holds it (everything but the name). */
export function toProfileInput(profile: SimProfile): z.output<typeof simProfileInputSchema> {
  const { name: _name, ...rest } = profile;
  return rest;
}
