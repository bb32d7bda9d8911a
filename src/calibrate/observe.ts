/**
 * Observations of one recorded episode, for fitting a sim profile. The environment is replayed from the
 * recorded actions (environments are deterministic given task and seed), so at every step the oracle
 * says what the correct next action was; each output is compared with it and each failure mode gets
 * an observation where it had a chance to occur. The chances are defined exactly as the sims define
 * them (src/models/sim: targets, slips, feedback reading), so that a fitted profile means what it says.
 */
import type { Environment, OracleStep } from '../contracts/environment.ts';
import type { Json, JsonObject, RawOutput, ToolSchema } from '../harness/api.ts';
import type { ToolMode } from '../contracts/backbone.ts';
import type { StepRecord, Trajectory } from '../agent/trajectory.ts';
import { agentTools } from '../agent/finish-tool.ts';
import { sameJson } from '../util/canonical-json.ts';
import { BridleError } from '../errors.ts';
import { literalPrefix } from '../util/pattern.ts';
import { applicableSlips, planStrings, schemaOf, substitutionOptions } from '../models/sim/corrupt.ts';
import { keyMention, toolMention, valueMention, type Mention } from '../models/sim/feedback.ts';
import type { SimMode } from '../models/sim/profiles.ts';
import { argumentHabitTargets, firstWrite, planCalls, sameStep, skipTarget, toCall, toolHabitTargets, writesRemain } from '../models/sim/targets.ts';
import { argumentByName, readOutput, type ReadOutput } from './read-output.ts';

/** One chance for a failure mode, and whether it happened. `key` is the argument or tool it is about, or "*". */
export interface ModeObservation {
  mode: SimMode;
  key: string;
  occurred: boolean;
  /** The step it was observed at. */
  step: number;
}

/** Something an output got wrong, and what feedback would have to name to fix it. */
export interface Deviation {
  mode: SimMode;
  key: string;
  repair: { kind: 'tool'; tool: string } | { kind: 'key' | 'value'; parameter: string; value: Json; tool: string } | null;
}

/** The step after a failed one: did the output repeat the failure, and did it follow named fixes? */
export interface AfterFailure {
  previous: Deviation[];
  repeated: boolean;
  /** The output gave up afresh (a new finish while work remained): decided before any repeat, so no chance to repeat. */
  gaveUp: boolean;
  /** A give-up was possible here and the failed output was itself a finish: a fresh give-up may read as a repeat. */
  ambiguous: boolean;
  /** The feedback named the correct next tool, or the correct name or value of one of its arguments. */
  namesAFix: boolean;
  /** For each earlier deviation whose fix the feedback named: among how many candidates, and whether it was fixed now. */
  named: { deviation: Deviation; candidates: number; followed: boolean }[];
}

/** A sample k > 0 beside sample 0 of the same call. */
export interface SampleObservation {
  first: Deviation[];
  identical: boolean;
}

export interface EpisodeObservations {
  id: string;
  /** What an `arguments` or `toolName` habit could attach to in this episode. */
  targets: { arguments: string[]; toolName: string[] };
  modes: ModeObservation[];
  afterFailure: AfterFailure[];
  samples: SampleObservation[];
  /** Whether the episode showed the residual belief, when it reached the step where it would. */
  residual?: boolean;
  outputs: number;
  /** Outputs in which no call could be found. */
  unreadable: number;
  /** Outputs that do not fit any failure mode (another tool, missing or extra arguments, a finish without cause). */
  unexplained: number;
  /** Set when the replay did not reproduce the recorded results: the episode is left out. */
  mismatch?: string;
}

interface Previous {
  failed: boolean;
  finished: boolean;
  wrote: boolean;
  feedback: string;
  chosen: { text: string; deviations: Deviation[]; finish: boolean };
}

/** How an output compares with the step the oracle intended. */
interface Classified {
  read: ReadOutput;
  deviations: Deviation[];
  /** Format deviation: not readable by the strict parser, or the tool name in another case. */
  formatDeviation: boolean;
  kind: 'finish' | 'call' | 'unreadable';
  /** The plan step the call carries out ('plan' = the next one, 'skip' = the write a skipped step leads to). */
  means?: { step: OracleStep; via: 'plan' | 'skip' };
  unknownName: boolean;
  slips: Map<string, 'key' | 'value'>;
  substituted: string[];
  unexplained: boolean;
}

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

/** Whether a written value is the intended one with a format slip a schema-driven coercion would undo. */
function sameUpToFormat(written: Json, intended: Json, pattern: string | undefined): boolean {
  if (sameJson(written, intended)) return true;
  if (Array.isArray(intended)) {
    if (!Array.isArray(written)) {
      if (typeof written === 'string' && /^\s*\[/.test(written)) {
        try {
          return sameJson(JSON.parse(written) as Json, intended);
        } catch {
          return false;
        }
      }
      return intended.length === 1 && sameUpToFormat(written, intended[0]!, pattern);
    }
    return written.length === intended.length && written.every((item, index) => sameUpToFormat(item, intended[index]!, pattern));
  }
  if (typeof intended === 'number') return typeof written === 'string' && Number(written.trim()) === intended;
  if (typeof intended === 'string' && typeof written === 'string') {
    const text = compact(written);
    if (text === intended || text.toLowerCase() === intended.toLowerCase()) return true;
    const prefix = pattern ? literalPrefix(pattern) : '';
    for (let length = 1; length <= prefix.length; length++) if (prefix.slice(0, length) + text === intended) return true;
    return written.trim() === intended;
  }
  return false;
}

function classify(read: ReadOutput, plan: readonly OracleStep[], tools: readonly ToolSchema[]): Classified {
  const next = plan[0]!;
  const intended = toCall(next);
  const slips = new Map<string, 'key' | 'value'>();
  const substituted: string[] = [];
  const base = { read, slips, substituted, unknownName: false, deviations: [] as Deviation[], unexplained: false };
  // Not the documented shape, or a known tool spelt in another case: format. A name that means no tool is another mode's.
  const formatDeviation = !read.parsed || (read.tool !== undefined && read.call !== null && read.call.tool !== read.tool);
  if (!read.call) return { ...base, formatDeviation: true, kind: 'unreadable' };
  if (read.tool === 'finish') return { ...base, formatDeviation, kind: 'finish' };
  const skip = skipTarget(plan);
  let means: Classified['means'];
  if (read.tool === intended.tool) means = { step: next, via: 'plan' };
  else if (skip && read.tool === toCall(skip).tool) means = { step: skip, via: 'skip' };
  else if (read.tool === undefined && intended.tool !== 'finish') {
    means = skip && sameArguments(read.call.arguments, toCall(skip).arguments) ? { step: skip, via: 'skip' } : { step: next, via: 'plan' };
  }
  if (!means) return { ...base, formatDeviation, kind: 'call', unexplained: true };
  const meant = toCall(means.step);
  const schema = schemaOf(tools, meant.tool);
  let unexplained = false;
  const used = new Set<string>();
  for (const [parameter, value] of Object.entries(meant.arguments)) {
    const found = argumentByName(read.call.arguments, parameter);
    if (!found) {
      unexplained = true;
      continue;
    }
    used.add(found.key);
    const property = schema?.parameters.properties[parameter];
    const pattern = property?.pattern ?? property?.items?.pattern;
    if (found.key !== parameter) slips.set(parameter, 'key');
    if (sameJson(found.value, value)) continue;
    if (sameUpToFormat(found.value, value, pattern)) slips.set(parameter, slips.has(parameter) ? 'key' : 'value');
    else substituted.push(parameter);
  }
  if (Object.keys(read.call.arguments).some((key) => !used.has(key))) unexplained = true;
  return { ...base, formatDeviation, kind: 'call', means, unknownName: read.tool === undefined, slips, substituted, unexplained };
}

function sameArguments(written: JsonObject, intended: JsonObject): boolean {
  return Object.entries(intended).every(([key, value]) => {
    const found = argumentByName(written, key);
    return found !== undefined && (sameJson(found.value, value) || sameUpToFormat(found.value, value, undefined));
  });
}

/** The deviations of a classified output at a step, with the fix each would need named. */
function deviationsOf(classified: Classified, plan: readonly OracleStep[], previous: Previous | undefined): Deviation[] {
  const next = plan[0]!;
  const tool = toCall(next).tool;
  const out: Deviation[] = [];
  if (classified.formatDeviation) out.push({ mode: 'format', key: '*', repair: null });
  if (classified.kind === 'finish' && next.action.kind !== 'finish') {
    const mode: SimMode | null = previous?.failed && !previous.finished ? 'giveUp' : previous && !previous.failed && previous.wrote && writesRemain(plan) ? 'prematureStop' : null;
    if (mode) out.push({ mode, key: '*', repair: { kind: 'tool', tool } });
  }
  const means = classified.means;
  if (classified.kind === 'call' && means) {
    const meant = toCall(means.step);
    if (means.via === 'skip') out.push({ mode: 'policy', key: '*', repair: { kind: 'tool', tool } });
    if (classified.unknownName) out.push({ mode: 'toolName', key: meant.tool, repair: { kind: 'tool', tool } });
    for (const [parameter, slip] of classified.slips) out.push({ mode: 'arguments', key: parameter, repair: { kind: slip, parameter, value: meant.arguments[parameter]!, tool: meant.tool } });
    if (means.via === 'plan' && next.purpose === 'write') {
      for (const parameter of classified.substituted) out.push({ mode: 'writeDrift', key: '*', repair: { kind: 'value', parameter, value: meant.arguments[parameter]!, tool: meant.tool } });
    }
  }
  return out;
}

function mentionOf(deviation: Deviation, feedback: string, tools: readonly ToolSchema[]): Mention {
  const repair = deviation.repair;
  if (!repair) return { named: false, candidates: 1 };
  if (repair.kind === 'tool') return toolMention(feedback, repair.tool, tools);
  const schema = schemaOf(tools, repair.tool);
  return repair.kind === 'key' ? keyMention(feedback, repair.parameter, schema) : valueMention(feedback, repair.value, schema?.parameters.properties[repair.parameter]);
}

/** An output as one comparable string (text and native calls). */
function rawKey(raw: RawOutput): string {
  return raw.toolCalls.length === 0 ? raw.text : JSON.stringify(raw);
}

/** The same fix: the same tool, or the same argument. */
function sameRepair(left: Deviation, right: Deviation): boolean {
  if (!left.repair || !right.repair) return left.repair === right.repair;
  if (left.repair.kind === 'tool' || right.repair.kind === 'tool') return left.repair.kind === right.repair.kind;
  return left.repair.parameter === right.repair.parameter;
}

function told(step: StepRecord): string {
  return step.regulate && 'inject' in step.regulate ? `${step.feedback}\n\n${step.regulate.inject}` : step.feedback;
}

/** Replay one trajectory and collect its observations. */
export function observeEpisode(trajectory: Trajectory, environment: Environment, toolMode: ToolMode): EpisodeObservations {
  const tools: ToolSchema[] = agentTools(environment);
  const id = `${trajectory.taskId}#${trajectory.trial}@${trajectory.seed}`;
  const session = environment.reset(trajectory.taskId, trajectory.seed);
  if (!session.oracle) throw new BridleError('INVALID_ARGUMENT', `calibrate: environment "${environment.name}" has no oracle, so what each step should have been cannot be replayed`);
  const oracle = session.oracle.bind(session);
  const initialPlan = oracle();
  const first = firstWrite(initialPlan);
  const trigger = first ? (first.confirm ?? first.write) : initialPlan.at(-1);
  const observations: EpisodeObservations = {
    id,
    targets: { arguments: [...argumentHabitTargets(initialPlan, tools).keys()], toolName: toolHabitTargets(initialPlan) },
    modes: [],
    afterFailure: [],
    samples: [],
    outputs: 0,
    unreadable: 0,
    unexplained: 0,
  };
  const results: string[] = [];
  let previous: Previous | undefined;
  let classifying = true;
  // An episode gives up at most once: after its first give-up there is no further chance to.
  let givenUp = false;

  for (const step of trajectory.steps) {
    const plan = oracle();
    const next = plan[0];
    if (classifying && next && step.samples.length > 0) {
      const reads = step.samples.map((sample) => readOutput(sample, toolMode, tools));
      const classified = reads.map((read) => classify(read, plan, tools));
      const deviations = classified.map((item) => deviationsOf(item, plan, previous));
      const primary = classified[0]!;
      const repeated = previous?.failed === true && rawKey(step.samples[0]!) === previous.chosen.text;
      observations.outputs += 1;
      if (primary.kind === 'unreadable') observations.unreadable += 1;

      // After a failed step: repetition, and the fixes the feedback named.
      let namedTool = false;
      const namedParameters = new Set<string>();
      if (previous?.failed) {
        const feedback = previous.feedback;
        namedTool = toolMention(feedback, toCall(next).tool, tools).named;
        const intended = toCall(next);
        const skip = skipTarget(plan);
        for (const call of [intended, ...(skip ? [toCall(skip)] : [])]) {
          const schema = schemaOf(tools, call.tool);
          for (const [parameter, value] of Object.entries(call.arguments)) {
            if (keyMention(feedback, parameter, schema).named || valueMention(feedback, value, schema?.parameters.properties[parameter]).named) namedParameters.add(parameter);
          }
        }
        const named = previous.chosen.deviations
          .filter((deviation) => deviation.mode !== 'giveUp' && deviation.mode !== 'prematureStop' && deviation.mode !== 'format')
          .flatMap((deviation) => {
            const mention = mentionOf(deviation, feedback, tools);
            if (!mention.named || primary.kind !== 'call') return [];
            const still = deviations[0]!.some((now) => now.mode === deviation.mode && now.key === deviation.key && sameRepair(now, deviation));
            return [{ deviation, candidates: mention.candidates, followed: !still }];
          });
        const gaveUp = primary.kind === 'finish' && next.action.kind !== 'finish' && !repeated;
        const giveUpChance = !previous.finished && next.action.kind !== 'finish';
        observations.afterFailure.push({ previous: previous.chosen.deviations, repeated, gaveUp, ambiguous: giveUpChance && previous.chosen.finish, namesAFix: namedTool || namedParameters.size > 0, named });
      }

      // Samples beside sample 0, when sample 0 is a fresh draft (not a repeat, not a followed fix, not a give-up).
      const lastAfter = previous?.failed ? observations.afterFailure.at(-1) : undefined;
      if (!repeated && !lastAfter?.namesAFix && !(lastAfter && primary.kind === 'finish')) {
        for (let index = 1; index < step.samples.length; index++) {
          observations.samples.push({ first: deviations[0]!, identical: rawKey(step.samples[index]!) === rawKey(step.samples[0]!) });
        }
      }

      // Chances per mode. After a failed step an output may be a verbatim repeat, and a fresh draw that
      // changes nothing is one too: which outputs are fresh there depends on what they say, so only
      // giving up (decided before any repeat) is counted there; every other mode at steps after a
      // success or at the start.
      const atTrigger = sameStep(next, trigger);
      const observe = (mode: SimMode, key: string, occurred: boolean) => observations.modes.push({ mode, key, occurred, step: step.index });
      const finishing = next.action.kind === 'finish';
      if (previous?.failed) {
        const afterFailure = observations.afterFailure.at(-1)!;
        // After an output that already finished (even one the parser rejected), a finish may be its repeat.
        if (!givenUp && !finishing && !previous.finished && !previous.chosen.finish && !atTrigger && !afterFailure.namesAFix && primary.kind !== 'unreadable') observe('giveUp', '*', primary.kind === 'finish');
      } else if (primary.kind === 'unreadable') {
        observe('format', '*', true);
      } else {
        observe('format', '*', primary.formatDeviation);
        // The residual shows where the first write (or its confirmation) is meant: next in the plan, or
        // reached by skipping a step; or, with no write, in the final answer.
        let residualNow = false;
        const firstMeant = primary.means !== undefined && first !== undefined && (sameStep(primary.means.step, first.write) || sameStep(primary.means.step, first.confirm));
        if ((atTrigger || firstMeant) && observations.residual === undefined) {
          residualNow =
            next.action.kind === 'finish'
              ? primary.kind === 'finish' && primary.read.call?.arguments.message !== next.action.message
              : (atTrigger && primary.kind === 'finish') || (firstMeant && primary.substituted.length > 0);
          observations.residual = residualNow;
        }
        if (residualNow) {
          classifying = false;
        } else {
          const stopChance = !finishing && previous !== undefined && previous.wrote && writesRemain(plan) && !atTrigger;
          if (stopChance) observe('prematureStop', '*', primary.kind === 'finish');
          if (primary.kind === 'finish') {
            if (!finishing && !stopChance) observations.unexplained += 1;
          } else if (finishing || primary.unexplained || !primary.means) {
            observations.unexplained += 1;
          } else {
            const meant = toCall(primary.means.step);
            const schema = schemaOf(tools, meant.tool);
            if (skipTarget(plan)) observe('policy', '*', primary.means.via === 'skip');
            observe('toolName', meant.tool, primary.unknownName);
            if (primary.means.via === 'plan' && next.purpose === 'write') {
              const seen = [...planStrings(planCalls(initialPlan)), ...results];
              if (substitutionOptions(meant, tools, seen).length > 0) observe('writeDrift', '*', primary.substituted.length > 0);
            }
            for (const [parameter, value] of Object.entries(meant.arguments)) {
              if (primary.substituted.includes(parameter)) continue;
              if (applicableSlips(parameter, value, schema?.parameters.properties[parameter]).length === 0) continue;
              observe('arguments', parameter, primary.slips.has(parameter));
            }
          }
        }
      }

      const chosen = step.chosen < step.samples.length ? step.chosen : 0;
      if ((deviations[chosen] ?? []).some((deviation) => deviation.mode === 'giveUp')) givenUp = true;
      previous = {
        failed: false,
        finished: false,
        wrote: false,
        feedback: told(step),
        chosen: { text: rawKey(step.samples[chosen]!), deviations: deviations[chosen] ?? [], finish: classified[chosen]?.kind === 'finish' },
      };
    } else {
      const chosen = step.samples[step.chosen];
      previous = { failed: false, finished: false, wrote: false, feedback: told(step), chosen: { text: chosen ? rawKey(chosen) : '', deviations: [], finish: false } };
    }

    // Replay what ran, and check the environment answers as it did.
    const ran = step.action !== null && step.rejection === undefined && step.blocked === undefined;
    previous.failed = step.rejection !== undefined || step.blocked !== undefined || step.result?.ok === false;
    previous.finished = step.action?.kind === 'finish';
    if (ran && step.action?.kind === 'call') {
      const action = step.action;
      const result = session.step(action.tool, action.arguments);
      if (!step.result || result.ok !== step.result.ok || result.output !== step.result.output) {
        observations.mismatch = `step ${step.index}: the replayed environment answered differently from the recording`;
        return observations;
      }
      results.push(result.output);
      previous.wrote = result.ok && !(tools.find((tool) => tool.name === action.tool)?.readOnly ?? true);
    } else if (ran && step.action?.kind === 'finish') {
      session.finish(step.action.message);
      break;
    }
  }
  return observations;
}
