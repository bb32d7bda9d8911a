/**
 * When a companion call is needed (evidence.ts, `mineCompanionCalls`): the words every source output
 * showed when successful episodes went on to make the companion call on the same value, and that no source
 * output showed when they made the write there without it (the place said it was closed, the record said
 * it was locked). Read from
 * the outputs alone, so a guard can name the companion only where the state calls for it.
 */
import type { Trajectory } from '../../../agent/trajectory.ts';
import type { ArgumentSourceRule, CompanionCall } from './evidence.ts';

/** Lower-case words of an output, without those of the value it is about. */
export function outputWords(output: string, value: string): string[] {
  const own = new Set(value.toLowerCase().match(/[a-z]+/g) ?? []);
  return [...new Set(output.toLowerCase().match(/[a-z]+/g) ?? [])].filter((word) => !own.has(word));
}

/** The cue of each companion: words of the source output that tell it is needed (empty when none tells). */
export function mineCompanionCues(train: readonly Trajectory[], rules: readonly ArgumentSourceRule[], companions: readonly CompanionCall[]): string[][] {
  return companions.map((companion) => {
    const rule = rules.find((candidate) => candidate.tool === companion.write && candidate.key === companion.key);
    if (!rule) return [];
    const followed: string[][] = [];
    const skipped: string[][] = [];
    for (const trajectory of train.filter((episode) => episode.success)) {
      const calls = trajectory.steps.filter((step) => step.action?.kind === 'call' && step.result?.ok);
      calls.forEach((step, index) => {
        const action = step.action;
        if (action?.kind !== 'call' || action.tool !== rule.source) return;
        const value = action.arguments[rule.sourceKey];
        if (typeof value !== 'string') return;
        const next = calls.slice(index + 1).findIndex((later) => later.action?.kind === 'call' && later.action.tool === rule.source);
        const until = next < 0 ? calls.length : index + 1 + next;
        const window = calls.slice(index + 1, until).map((later) => later.action).filter((later) => later?.kind === 'call');
        const made = window.some((later) => later.tool === companion.tool && later.arguments[companion.toolKey] === value);
        const wrote = window.some((later) => later.tool === companion.write && later.arguments[companion.key] === value);
        // Only visits that led to the companion or to the write itself tell when the companion is needed.
        if (made) followed.push(outputWords(step.result!.output, value));
        else if (wrote) skipped.push(outputWords(step.result!.output, value));
      });
    }
    if (followed.length < 2 || skipped.length === 0) return [];
    const never = new Set(skipped.flat());
    return followed[0]!.filter((word) => !never.has(word) && followed.every((words) => words.includes(word))).sort();
  });
}
