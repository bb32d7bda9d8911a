/**
 * `calibrate(options)`: fit a sim profile to the recorded trajectories of any backbone (DESIGN.md §4: an
 * offline twin to rehearse on before spending real tokens). Every rate comes with the evidence it rests
 * on and a likelihood-ratio interval; the profile is what `bridle.config.ts` can hold under `sims`.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Environment } from '../contracts/environment.ts';
import { loadConfig } from '../config/index.ts';
import { openEnvironment } from '../environment/load.ts';
import type { Trajectory } from '../agent/trajectory.ts';
import { BridleError } from '../errors.ts';
import { isSimId } from '../models/ids.ts';
import { SIM_MODES, type SimMode, type SimProfile } from '../models/sim/profiles.ts';
import { toProfileInput, type SimProfileInput } from '../models/sim/profile-schema.ts';
import { readTrajectoriesFile, runDirectory, runsRoot } from '../store/runs.ts';
import { binomialInterval, dilutedInterval, fitMixture, type Interval, type MixtureFit } from './estimate.ts';
import { observeEpisode, type EpisodeObservations } from './observe.ts';

export { observeEpisode, type EpisodeObservations } from './observe.ts';

export interface CalibrateOptions {
  /** Project root holding `.bridle/runs` (default: the current directory). */
  root?: string;
  /** Run ids under `.bridle/runs`, or folders holding a `trajectories.jsonl`. */
  runs: string[];
  /** Whose trajectories to fit; required when the runs hold several backbones. */
  backbone?: string;
  /** Name of the profile (default: `twin-of-<model>`). */
  name?: string;
  /** Confidence level of the intervals (default 0.95). */
  confidence?: number;
}

/** One fitted rate. */
export interface FittedRate {
  /** `format.habit`, `compliance`, ... */
  rate: string;
  /** The estimate and its interval; null when the runs hold no evidence for it. */
  interval: Interval | null;
  /** The value written into the profile (the estimate, or the default when there is no evidence). */
  value: number;
  /** What the estimate rests on, in words and counts. */
  evidence: string;
}

export interface CalibrationResult {
  backbone: string;
  simulated: boolean;
  environments: string[];
  /** Episodes fitted, and episodes left out because their replay did not reproduce the recording. */
  episodes: number;
  skipped: number;
  confidence: number;
  /** The profile (name included) and the form `bridle.config.ts` holds under `sims[name]`. */
  profile: SimProfile;
  config: SimProfileInput;
  rates: FittedRate[];
  /** Model outputs read, with those in which no call could be found, and those no failure mode explains. */
  outputs: { total: number; unreadable: number; unexplained: number };
}

/** Values for rates the runs hold no evidence about (written into the profile, and said so). */
const NO_EVIDENCE = { perseveration: 0.5, compliance: 0.5, sampleCorrelation: 0.5 };

/** Read the trajectories of run ids or folders. */
export function readRuns(root: string, runs: readonly string[]): Trajectory[] {
  if (runs.length === 0) throw new BridleError('INVALID_ARGUMENT', 'calibrate: name at least one run (an id under .bridle/runs, or a folder with trajectories.jsonl)');
  return runs.flatMap((run) => {
    const folder = existsSync(resolve(root, run)) && statSync(resolve(root, run)).isDirectory() ? resolve(root, run) : runDirectory(root, run);
    const file = join(folder, 'trajectories.jsonl');
    if (!existsSync(file)) throw new BridleError('UNKNOWN_RUN', `no trajectories for run "${run}": looked for ${file} (runs live under ${runsRoot(root)})`);
    return readTrajectoriesFile(file);
  });
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function modelName(backbone: string): string {
  return backbone.slice(backbone.indexOf('/') + 1).replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase() || 'model';
}

export async function calibrate(options: CalibrateOptions): Promise<CalibrationResult> {
  const root = resolve(options.root ?? process.cwd());
  const trajectories = readRuns(root, options.runs);
  const backbones = [...new Set(trajectories.map((trajectory) => trajectory.backbone.id))].sort();
  const backbone = options.backbone ?? (backbones.length === 1 ? backbones[0] : undefined);
  if (!backbone) {
    throw new BridleError('INVALID_ARGUMENT', `calibrate: the runs hold ${backbones.length === 0 ? 'no trajectories' : `several backbones (${backbones.join(', ')}): choose one with --backbone`}`);
  }
  const own = trajectories.filter((trajectory) => trajectory.backbone.id === backbone);
  if (own.length === 0) throw new BridleError('INVALID_ARGUMENT', `calibrate: the runs hold no trajectories of ${backbone} (they hold ${backbones.join(', ')})`);
  // Environments by the name the trajectories carry: built in, or declared in the project's configuration.
  const config = await loadConfig(root);
  const environments = new Map<string, Environment>();
  for (const name of new Set(own.map((trajectory) => trajectory.environment))) environments.set(name, (await openEnvironment(name, { root, config })).environment);
  return calibrateTrajectories(own, { name: options.name ?? `twin-of-${modelName(backbone)}`, confidence: options.confidence ?? 0.95, environments: (name) => environments.get(name)! });
}

/** Fit a profile to trajectories of one backbone (the library core of `calibrate`). */
export function calibrateTrajectories(trajectories: readonly Trajectory[], options: { name: string; confidence?: number; environments: (name: string) => Environment }): CalibrationResult {
  const confidence = options.confidence ?? 0.95;
  const environmentOf = options.environments;
  const native = trajectories.some((trajectory) => trajectory.steps.some((step) => step.samples.some((sample) => sample.toolCalls.length > 0)));
  const all = trajectories.map((trajectory) => observeEpisode(trajectory, environmentOf(trajectory.environment), native ? 'native' : 'text'));
  const episodes = all.filter((episode) => episode.mismatch === undefined);
  const fits = new Map<SimMode, MixtureFit>();
  for (const mode of SIM_MODES) {
    fits.set(
      mode,
      fitMixture(
        episodes.map((episode) => ({
          targets: mode === 'arguments' ? episode.targets.arguments : mode === 'toolName' ? episode.targets.toolName : ['*'],
          observations: episode.modes.filter((observation) => observation.mode === mode),
        })),
        confidence,
      ),
    );
  }
  const habitProbability = (episode: number, mode: SimMode, key: string) => fits.get(mode)!.posterior[episode]?.get(key) ?? 0;
  // Only confidently classified slips count: a habit taken for a one-off slip (or the reverse) would
  // make repeats, identical samples and "followed" fixes look more (or less) likely than they are.
  // The classification must hold anywhere in the habit rate's interval, not just at its estimate.
  const oneOff = (episode: number, mode: SimMode, key: string) => (fits.get(mode)!.posteriorHigh[episode]?.get(key) ?? 0) < 0.1;
  const habitual = (episode: number, mode: SimMode, key: string) => (fits.get(mode)!.posteriorLow[episode]?.get(key) ?? 0) >= 0.9;
  const persistent = (mode: SimMode) => mode !== 'giveUp' && mode !== 'prematureStop';

  // Perseveration: repeats after failures a fresh draw would not have reproduced.
  let repeats = 0;
  let chances = 0;
  // Compliance: habits whose fix the feedback named, and whether the next output had it fixed.
  const followed: { candidates: number; followed: boolean }[] = [];
  // Sample correlation: samples beside a sample 0 with a one-off slip.
  let identical = 0;
  let pairs = 0;
  episodes.forEach((episode, index) => {
    for (const after of episode.afterFailure) {
      if (!after.namesAFix && !after.gaveUp && !after.ambiguous && after.previous.some((deviation) => !persistent(deviation.mode) || oneOff(index, deviation.mode, deviation.key))) {
        chances += 1;
        if (after.repeated) repeats += 1;
      }
      for (const item of after.named) if (habitual(index, item.deviation.mode, item.deviation.key)) followed.push({ candidates: item.candidates, followed: item.followed });
    }
    for (const sample of episode.samples) {
      if (sample.first.some((deviation) => persistent(deviation.mode) && oneOff(index, deviation.mode, deviation.key)) && !sample.first.some((deviation) => persistent(deviation.mode) && !oneOff(index, deviation.mode, deviation.key) && !habitual(index, deviation.mode, deviation.key))) {
        pairs += 1;
        if (sample.identical) identical += 1;
      }
    }
  });
  const residualSeen = episodes.filter((episode) => episode.residual !== undefined);
  const residualCount = residualSeen.filter((episode) => episode.residual).length;

  const rates: FittedRate[] = [];
  const modes = {} as SimProfile['modes'];
  for (const mode of SIM_MODES) {
    const fit = fits.get(mode)!;
    const habitEpisodes = fit.posterior.reduce((sum, map) => sum + [...map.values()].reduce((a, b) => a + b, 0), 0);
    const counts = `${fit.counts.occurred} of ${fit.counts.chances} chances in ${fit.counts.episodes} episodes; ~${habitEpisodes.toFixed(1)} episodes with the habit`;
    rates.push({ rate: `${mode}.habit`, interval: fit.habit, value: round(fit.habit?.estimate ?? 0), evidence: fit.habit ? counts : 'no chance to show it' });
    rates.push({ rate: `${mode}.noise`, interval: fit.noise, value: round(fit.noise?.estimate ?? 0), evidence: fit.noise ? counts : 'no chance to show it' });
    modes[mode] = { habit: round(fit.habit?.estimate ?? 0), noise: round(fit.noise?.estimate ?? 0) };
  }
  const perseveration = binomialInterval(repeats, chances, confidence);
  const compliance = dilutedInterval(followed, confidence);
  const correlation = binomialInterval(identical, pairs, confidence);
  const residual = binomialInterval(residualCount, residualSeen.length, confidence);
  const follows = followed.filter((item) => item.followed).length;
  rates.push(
    { rate: 'perseveration', interval: perseveration, value: round(perseveration?.estimate ?? NO_EVIDENCE.perseveration), evidence: perseveration ? `${repeats} verbatim repeats of ${chances} retries after a one-off slip` : `no retry after a one-off slip: kept at ${NO_EVIDENCE.perseveration}` },
    { rate: 'compliance', interval: compliance, value: round(compliance?.estimate ?? NO_EVIDENCE.compliance), evidence: compliance ? `${follows} of ${followed.length} named fixes followed (mean ${mean(followed.map((item) => item.candidates)).toFixed(1)} candidates named)` : `no feedback named a fix of a habit: kept at ${NO_EVIDENCE.compliance}` },
    { rate: 'sampleCorrelation', interval: correlation, value: round(correlation?.estimate ?? NO_EVIDENCE.sampleCorrelation), evidence: correlation ? `${identical} of ${pairs} extra samples identical to a sample 0 with a one-off slip` : `no extra samples beside a one-off slip: kept at ${NO_EVIDENCE.sampleCorrelation}` },
    { rate: 'residual', interval: residual, value: round(residual?.estimate ?? 0), evidence: residual ? `${residualCount} of ${residualSeen.length} episodes that reached their first write (or answer)` : 'no episode reached its first write' },
  );
  const backbone = trajectories[0]?.backbone.id ?? 'unknown';
  const profile: SimProfile = {
    name: options.name,
    summary: `calibrated from ${episodes.length} episodes of ${backbone}`,
    modes,
    perseveration: rates.find((rate) => rate.rate === 'perseveration')!.value,
    compliance: rates.find((rate) => rate.rate === 'compliance')!.value,
    sampleCorrelation: rates.find((rate) => rate.rate === 'sampleCorrelation')!.value,
    residual: rates.find((rate) => rate.rate === 'residual')!.value,
  };
  return {
    backbone,
    simulated: isSimId(backbone),
    environments: [...new Set(trajectories.map((trajectory) => trajectory.environment))].sort(),
    episodes: episodes.length,
    skipped: all.length - episodes.length,
    confidence,
    profile,
    config: toProfileInput(profile),
    rates,
    outputs: {
      total: episodes.reduce((sum, episode) => sum + episode.outputs, 0),
      unreadable: episodes.reduce((sum, episode) => sum + episode.unreadable, 0),
      unexplained: episodes.reduce((sum, episode) => sum + episode.unexplained, 0),
    },
  };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}
