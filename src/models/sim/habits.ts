/**
 * An episode's habits: drawn once, from a seed of (profile, environment, task, episode seed) and the plan
 * of the initial state, never from anything a harness writes. Each mode has its own random stream, so a
 * mode's rate changes only that mode's draws.
 */
import type { EpisodeContext } from '../../contracts/backbone.ts';
import type { OracleStep } from '../../contracts/environment.ts';
import { createRandom, seedOf, type Random } from '../../util/random.ts';
import { planStrings, substitutionOptions, substitute, wrongToolNames, type Substitution } from './corrupt.ts';
import type { SimMode, SimProfile } from './profiles.ts';
import { randomFormat, type FormatChoice } from './render.ts';
import { argumentHabitTargets, firstWrite, planCalls, toCall, toolHabitTargets } from './targets.ts';

/** The residual: a consistent wrong belief about the episode's first write (or, without writes, its answer). */
export type ResidualBelief =
  | { kind: 'substitute'; substitution: Substitution; write: OracleStep; confirm?: OracleStep }
  | { kind: 'stop'; at: OracleStep[] }
  | { kind: 'answer' };

export interface EpisodeHabits {
  format?: FormatChoice;
  /** The argument and the slip kind this episode always gets wrong, with the seed of the slip's fixed choices. */
  arguments?: { parameter: string; kind: number; variant: number };
  /** The tool this episode always calls by a wrong name, and that name. */
  toolName?: { tool: string; name: string };
  policy: boolean;
  writeDrift: boolean;
  prematureStop: boolean;
  giveUp: boolean;
  residual?: ResidualBelief;
}

function stream(profile: SimProfile, context: EpisodeContext, part: string): Random {
  return createRandom(seedOf('sim-habit', part, profile.name, context.environment, context.taskId, context.seed));
}

function has(profile: SimProfile, context: EpisodeContext, mode: SimMode): Random | null {
  const random = stream(profile, context, mode);
  return random.chance(profile.modes[mode].habit) ? random : null;
}

export function drawHabits(profile: SimProfile, context: EpisodeContext): EpisodeHabits {
  const plan = context.initialPlan();
  const habits: EpisodeHabits = { policy: false, writeDrift: false, prematureStop: false, giveUp: false };

  const format = has(profile, context, 'format');
  if (format) habits.format = randomFormat(format);

  const argument = has(profile, context, 'arguments');
  const targets = argumentHabitTargets(plan, context.tools);
  if (argument && targets.size > 0) {
    const parameter = argument.pick([...targets.keys()]);
    habits.arguments = { parameter, kind: argument.pick(targets.get(parameter)!), variant: argument.int(0, 0x7fffffff) };
  }

  const tool = has(profile, context, 'toolName');
  const tools = toolHabitTargets(plan);
  if (tool && tools.length > 0) {
    const target = tool.pick(tools);
    const names = wrongToolNames(target, context.tools);
    if (names.length > 0) habits.toolName = { tool: target, name: tool.pick(names) };
  }

  habits.policy = has(profile, context, 'policy') !== null;
  habits.writeDrift = has(profile, context, 'writeDrift') !== null;
  habits.prematureStop = has(profile, context, 'prematureStop') !== null;
  habits.giveUp = has(profile, context, 'giveUp') !== null;

  const residual = stream(profile, context, 'residual');
  if (residual.chance(profile.residual)) habits.residual = residualBelief(plan, context, residual);
  return habits;
}

/**
 * The wrong belief: another valid value for one argument of the first write (drawn from the schema and
 * the plan's own values), kept in its confirmation too; or, when no such value exists, finishing right
 * before that write; without writes, a vague final answer.
 */
function residualBelief(plan: readonly OracleStep[], context: EpisodeContext, random: Random): ResidualBelief {
  const first = firstWrite(plan);
  if (!first) return { kind: 'answer' };
  const options = substitutionOptions(toCall(first.write), context.tools, planStrings(planCalls(plan)));
  if (options.length === 0) return { kind: 'stop', at: first.confirm ? [first.confirm, first.write] : [first.write] };
  return { kind: 'substitute', substitution: random.pick(options), write: first.write, ...(first.confirm ? { confirm: first.confirm } : {}) };
}

/** A call with the residual belief's substitution applied. */
export function believed(step: OracleStep, substitution: Substitution): OracleStep {
  const call = toCall(step);
  return step.action.kind === 'call' ? { ...step, action: { kind: 'call', tool: call.tool, arguments: substitute(call.arguments, substitution) } } : step;
}
