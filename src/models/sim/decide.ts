/**
 * One sim decision: the oracle's next correct step, corrupted through the episode's habits and the
 * sample's noise. A pure function of (profile, episode context, sample index): the same inputs give the
 * same output, and nothing of the prompt is an input (the feedback of a failed step aside, feedback.ts).
 *
 * Order of a decision:
 * 1. Samples k > 0 are a copy of sample 0 with probability `sampleCorrelation`.
 * 2. A fresh draft: the plan's next step through the residual belief, then give-up, premature stop,
 *    policy skip, write drift, tool name and argument slips (habit, else noise), then the format.
 * 3. After a failed step only: if the feedback names the fix of a fault the draft has (the correct next
 *    tool, or the correct name or value of an argument), it is followed with probability
 *    `compliance / candidates named`, for this step only (the habit stays: a model that was corrected
 *    once slips back at the next chance). Otherwise a draft that gives up goes out. Otherwise the
 *    failed output is repeated verbatim with probability `perseveration`. Otherwise the fresh draft.
 */
import type { RawOutput, ToolSchema } from '../../harness/api.ts';
import type { EpisodeContext } from '../../contracts/backbone.ts';
import type { OracleStep } from '../../contracts/environment.ts';
import { sameJson } from '../../util/canonical-json.ts';
import { createRandom, seedOf, type Random } from '../../util/random.ts';
import { applicableSlips, applySlip, planStrings, schemaOf, substitute, substitutionOptions, wrongToolNames, type ArgumentFault } from './corrupt.ts';
import { followProbability, keyMention, toolMention, valueMention } from './feedback.ts';
import { believed, drawHabits, type EpisodeHabits } from './habits.ts';
import type { SimMode, SimProfile } from './profiles.ts';
import { randomFormat, renderClean, renderStyled, type IntendedCall } from './render.ts';
import { FINISH, planCalls, sameStep, skipTarget, toCall, writesRemain } from './targets.ts';

const GIVE_UP_MESSAGES = [
  "I'm sorry, I wasn't able to complete your request.",
  'Apologies, something went wrong on my side and I could not finish this.',
  'Unfortunately I cannot proceed with this request.',
];
const PREMATURE_MESSAGES = ['All set: your request has been handled.', 'Done. Is there anything else I can help with?', 'I have taken care of everything.'];
const VAGUE_ANSWERS = ['I looked into it and everything appears to be in order.', 'There is nothing more to report on this request.'];

/** An output being decided, with what in it is wrong in a way feedback could fix. */
interface Draft {
  call: IntendedCall;
  /** The call is not the oracle's next tool: it gives up, stops early, skips a step or misnames the tool. */
  toolFault: boolean;
  /** Arguments whose name or value is wrong, with the value the sim meant (what feedback must name). */
  argumentFaults: (ArgumentFault & { meant: IntendedCall })[];
  /** The draft abandons the episode after a failure. */
  givesUp?: boolean;
}

interface DraftOptions {
  /** False when following feedback that named the correct next tool. */
  toolFaults: boolean;
  /** Arguments whose fix the feedback named and the sim follows. */
  exempt: ReadonlySet<string>;
}

class Decision {
  constructor(
    readonly profile: SimProfile,
    readonly context: EpisodeContext,
    readonly habits: EpisodeHabits,
    readonly plan: readonly OracleStep[],
    readonly sampleIndex: number,
  ) {}

  /** A random stream of this step and sample, one per purpose, so that draws do not shift each other. */
  random(...part: string[]): Random {
    const { profile, context } = this;
    return createRandom(seedOf('sim', ...part, profile.name, context.environment, context.taskId, context.seed, context.step, this.sampleIndex));
  }

  /** True when the mode's habit is on, or its noise strikes this sample. */
  strikes(mode: SimMode, habit: boolean, random = this.random(mode)): boolean {
    return habit || random.chance(this.profile.modes[mode].noise);
  }

  get tools(): readonly ToolSchema[] {
    return this.context.tools;
  }

  draft(options: DraftOptions): Draft {
    const { habits, plan, context } = this;
    const next = plan[0]!;
    const last = context.history.at(-1);
    const residual = habits.residual;
    if (residual?.kind === 'stop' && residual.at.some((step) => sameStep(step, next))) {
      return { call: finish(this.random('residual').pick(PREMATURE_MESSAGES)), toolFault: false, argumentFaults: [] };
    }
    if (residual?.kind === 'answer' && next.action.kind === 'finish') {
      return { call: finish(this.random('residual').pick(VAGUE_ANSWERS)), toolFault: false, argumentFaults: [] };
    }

    let step = next;
    let toolFault = false;
    if (options.toolFaults && next.action.kind !== 'finish') {
      if (last?.failed && last.action?.kind !== 'finish' && !this.hasGivenUp() && this.strikes('giveUp', habits.giveUp)) {
        return { call: finish(this.random('giveUp', 'message').pick(GIVE_UP_MESSAGES)), toolFault: true, argumentFaults: [], givesUp: true };
      }
      if (last && !last.failed && last.wrote && writesRemain(plan) && this.strikes('prematureStop', habits.prematureStop)) {
        return { call: finish(this.random('prematureStop', 'message').pick(PREMATURE_MESSAGES)), toolFault: true, argumentFaults: [] };
      }
      const skip = skipTarget(plan);
      if (skip && this.strikes('policy', habits.policy)) {
        step = skip;
        toolFault = true;
      }
    }

    const meant = toCall(residual?.kind === 'substitute' && (sameStep(step, residual.write) || sameStep(step, residual.confirm)) ? believed(step, residual.substitution) : step);
    if (meant.tool === FINISH) return { call: meant, toolFault, argumentFaults: [] };
    let call = meant;
    const argumentFaults: Draft['argumentFaults'] = [];

    // Write drift: the plan's own write (not one reached by skipping) with one argument changed.
    if (step === next && next.purpose === 'write') {
      const random = this.random('writeDrift');
      if (this.strikes('writeDrift', habits.writeDrift, random)) {
        const choices = substitutionOptions(call, this.tools, this.seenStrings()).filter((choice) => !options.exempt.has(choice.parameter));
        if (choices.length > 0) {
          const pick = habits.writeDrift ? this.episodeRandom('writeDrift', call.tool).pick(choices) : random.pick(choices);
          call = { tool: call.tool, arguments: substitute(call.arguments, pick) };
          argumentFaults.push({ parameter: pick.parameter, repair: 'value', meant });
        }
      }
    }

    // Argument slips: the habit's argument every time, any other argument at the noise rate.
    const schema = schemaOf(this.tools, meant.tool);
    const names = new Map(Object.keys(meant.arguments).map((key) => [key, key]));
    const slip = (key: string, kind: number, fixed: Random) => {
      const property = schema?.parameters.properties[key];
      if (!property || argumentFaults.some((fault) => fault.parameter === key)) return;
      const applied = applySlip(call, names.get(key)!, kind, property, fixed);
      call = applied.call;
      names.set(key, applied.key);
      argumentFaults.push({ parameter: key, repair: applied.fault.repair, meant });
    };
    const habit = habits.arguments;
    if (habit && habit.parameter in meant.arguments && !options.exempt.has(habit.parameter)) {
      const kinds = applicableSlips(habit.parameter, meant.arguments[habit.parameter]!, schema?.parameters.properties[habit.parameter]);
      if (kinds.includes(habit.kind)) slip(habit.parameter, habit.kind, createRandom(habit.variant));
    }
    for (const key of Object.keys(meant.arguments).sort()) {
      if (key === habit?.parameter && argumentFaults.some((fault) => fault.parameter === key)) continue;
      const kinds = applicableSlips(key, meant.arguments[key]!, schema?.parameters.properties[key]);
      const random = this.random('arguments', key);
      if (kinds.length > 0 && random.chance(this.profile.modes.arguments.noise) && !options.exempt.has(key)) slip(key, random.pick(kinds), random);
    }

    // Tool name: the habit's tool always under its wrong name, any tool at the noise rate.
    if (options.toolFaults) {
      const random = this.random('toolName');
      if (habits.toolName && habits.toolName.tool === call.tool) {
        call = { tool: habits.toolName.name, arguments: call.arguments };
        toolFault = true;
      } else if (random.chance(this.profile.modes.toolName.noise)) {
        const wrong = wrongToolNames(call.tool, this.tools);
        if (wrong.length > 0) {
          call = { tool: random.pick(wrong), arguments: call.arguments };
          toolFault = true;
        }
      }
    }
    return { call, toolFault, argumentFaults };
  }

  /** Giving up happens once: a sim told to go on after giving up does not give up again. */
  hasGivenUp(): boolean {
    return this.context.history.some((entry) => GIVE_UP_MESSAGES.some((message) => entry.raw.text.includes(message)));
  }

  /** A per-episode stream (the same at every step), for habits whose details are drawn where they apply. */
  episodeRandom(...part: string[]): Random {
    const { profile, context } = this;
    return createRandom(seedOf('sim-habit', ...part, profile.name, context.environment, context.taskId, context.seed));
  }

  /** Strings the plan and the environment's own results have shown: where wrong-but-valid values come from. */
  seenStrings(): string[] {
    const results = this.context.history.flatMap((entry) => (entry.result ? [entry.result.output] : []));
    return [...planStrings(planCalls(this.context.initialPlan())), ...results];
  }

  /** After a failed step: the draft with the fixes the feedback named and the sim follows, or null. */
  follow(feedback: string, draft: Draft): Draft | null {
    const compliance = this.profile.compliance;
    let toolFaults = true;
    if (draft.toolFault) {
      const mention = toolMention(feedback, toCall(this.plan[0]!).tool, this.tools);
      if (this.random('follow', 'tool').chance(followProbability(compliance, mention))) toolFaults = false;
    }
    const current = toolFaults ? draft : this.draft({ toolFaults: false, exempt: new Set() });
    const exempt = new Set<string>();
    for (const fault of current.argumentFaults) {
      const schema = schemaOf(this.tools, fault.meant.tool);
      const mention =
        fault.repair === 'key'
          ? keyMention(feedback, fault.parameter, schema)
          : valueMention(feedback, fault.meant.arguments[fault.parameter]!, schema?.parameters.properties[fault.parameter]);
      if (this.random('follow', fault.parameter).chance(followProbability(compliance, mention))) exempt.add(fault.parameter);
    }
    if (toolFaults && exempt.size === 0) return null;
    return exempt.size === 0 ? current : this.draft({ toolFaults, exempt });
  }

  render(call: IntendedCall): RawOutput {
    const random = this.random('format');
    if (this.habits.format) return { text: renderStyled(call, this.habits.format, random), toolCalls: [] };
    if (random.chance(this.profile.modes.format.noise)) return { text: renderStyled(call, randomFormat(random), random), toolCalls: [] };
    return { text: renderClean(call), toolCalls: [] };
  }
}

function finish(message: string): IntendedCall {
  return { tool: FINISH, arguments: { message } };
}

/**
 * The plan as the sim believes it: with a residual substitution, its own wrong confirmation counts as
 * the confirmation of the first write, and its own wrong write as that write done.
 */
function beliefPlan(context: EpisodeContext, habits: EpisodeHabits): OracleStep[] {
  const plan = context.oracle();
  const residual = habits.residual;
  if (residual?.kind !== 'substitute') return plan;
  const done = context.history.filter((entry) => !entry.failed && entry.action?.kind === 'call').map((entry) => entry.action!);
  const matches = (step: OracleStep | undefined) => step !== undefined && done.some((action) => action.kind === 'call' && sameJson({ tool: action.tool, arguments: action.arguments }, toCall(believed(step, residual.substitution)) as never));
  const isWrite = (step: OracleStep) => sameStep(step, residual.write);
  const isConfirm = (step: OracleStep) => residual.confirm !== undefined && sameStep(step, residual.confirm);
  if (matches(residual.write)) return plan.filter((step) => !isWrite(step) && !isConfirm(step));
  const lastDone = done.at(-1);
  const confirmedWrongly = residual.confirm !== undefined && lastDone?.kind === 'call' && sameJson({ tool: lastDone.tool, arguments: lastDone.arguments }, toCall(believed(residual.confirm, residual.substitution)) as never);
  return confirmedWrongly ? plan.filter((step) => !isConfirm(step)) : plan;
}

export function decide(profile: SimProfile, context: EpisodeContext, sampleIndex: number): RawOutput {
  const habits = drawHabits(profile, context);
  const plan = beliefPlan(context, habits);
  const decision = new Decision(profile, context, habits, plan, sampleIndex);
  if (sampleIndex > 0 && decision.random('correlate').chance(profile.sampleCorrelation)) return decide(profile, context, 0);
  if (plan.length === 0) return { text: renderClean(finish('Done.')), toolCalls: [] };
  const draft = decision.draft({ toolFaults: true, exempt: new Set() });
  const last = context.history.at(-1);
  if (last?.failed) {
    const followed = decision.follow(last.feedback, draft);
    if (followed) return decision.render(followed.call);
    if (!draft.givesUp && decision.random('perseveration').chance(profile.perseveration)) return { text: last.raw.text, toolCalls: [...last.raw.toolCalls] };
  }
  return decision.render(draft.call);
}
