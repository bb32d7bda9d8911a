/**
 * Task goals and how they are judged. Goals name types, as ALFWorld's do: "put a clean mug in cabinet"
 * is met by any mug and any cabinet. Each goal condition is a named check; where one fails, the
 * differences name the object (or the agent) whose location or state is not what the goal needs.
 */
import { check, type StateDifference, type VerificationCheck } from '../../src/toolkit/index.ts';
import { LAMP_TYPE, TREATMENTS, type Treatment } from './catalog.ts';
import { CARRIED, type HouseholdState } from './world.ts';

/** The six task kinds (ALFWorld's task types). Public: the instruction says as much. */
export type TaskKind = 'pick-and-place' | 'clean-then-place' | 'heat-then-place' | 'cool-then-place' | 'two-object' | 'examine-under-lamp';

export const TASK_KINDS: readonly TaskKind[] = ['pick-and-place', 'clean-then-place', 'heat-then-place', 'cool-then-place', 'two-object', 'examine-under-lamp'];

/** What a task asks for. */
export interface Goal {
  kind: TaskKind;
  /** The object type to handle, e.g. "mug". */
  object: string;
  /** The receptacle type to place it in (all kinds but examine-under-lamp). */
  receptacle?: string;
}

/** The treatment a kind needs before placing, if any. */
export function treatmentOf(kind: TaskKind): Treatment | null {
  if (kind === 'clean-then-place') return 'clean';
  if (kind === 'heat-then-place') return 'heat';
  if (kind === 'cool-then-place') return 'cool';
  return null;
}

/** How many objects the goal places. */
export function placedCount(goal: Goal): number {
  return goal.kind === 'two-object' ? 2 : goal.kind === 'examine-under-lamp' ? 0 : 1;
}

/** Objects of the goal's type, in id order. */
export function objectsOfType(state: HouseholdState, type: string): string[] {
  return Object.keys(state.objects)
    .filter((id) => state.objects[id]!.type === type)
    .sort();
}

/** True when an object lies in a receptacle of the goal's type. */
export function inTarget(state: HouseholdState, goal: Goal, id: string): boolean {
  const location = state.objects[id]!.location;
  return goal.receptacle !== undefined && state.receptacles[location]?.type === goal.receptacle;
}

/** True when an object has had the treatment the goal needs (always, for kinds without one). */
export function treated(state: HouseholdState, goal: Goal, id: string): boolean {
  const treatment = treatmentOf(goal.kind);
  return treatment === null || state.objects[id]![TREATMENTS[treatment].flag];
}

/** The objects that already count for a placing goal: of its type, in a target receptacle, treated. */
export function placedObjects(state: HouseholdState, goal: Goal): string[] {
  return objectsOfType(state, goal.object).filter((id) => inTarget(state, goal, id) && treated(state, goal, id));
}

/** The desklamp at the agent's location, if any. */
export function lampHere(state: HouseholdState): string | null {
  const here = state.agent.location;
  if (here === null) return null;
  return Object.keys(state.objects).find((id) => state.objects[id]!.type === LAMP_TYPE && state.objects[id]!.location === here) ?? null;
}

/** The room's desklamp (rooms of examine tasks have exactly one). */
export function roomLamp(state: HouseholdState): string | null {
  return Object.keys(state.objects).find((id) => state.objects[id]!.type === LAMP_TYPE) ?? null;
}

/** The judgement of the goal on a state: named checks (without `finished`) and what differs. */
export function judgeGoal(state: HouseholdState, goal: Goal): { checks: VerificationCheck[]; differences: StateDifference[] } {
  const checks: VerificationCheck[] = [];
  const differences: StateDifference[] = [];
  const differ = (key: string, field: string, table = 'objects') => {
    if (!differences.some((known) => known.table === table && known.key === key && known.field === field)) differences.push({ table, key, field });
  };
  const ofType = objectsOfType(state, goal.object);
  // The object the agent is most plausibly working on: the carried one, else the first of the type.
  const focus = ofType.find((id) => state.objects[id]!.location === CARRIED) ?? ofType[0]!;

  if (goal.kind === 'examine-under-lamp') {
    const holding = ofType.some((id) => state.objects[id]!.location === CARRIED);
    checks.push(check('goal:object-held', holding, holding ? `a ${goal.object} is in your hands` : `no ${goal.object} is in your hands`));
    if (!holding) differ(focus, 'location');
    const lamp = lampHere(state);
    const lit = lamp !== null && state.objects[lamp]!.on === true;
    checks.push(check('goal:light-on', lit, lit ? `the ${lamp} where you stand is on` : 'no lit desklamp where you stand'));
    if (!lit) {
      if (lamp !== null) {
        differ(lamp, 'on');
      } else {
        differ('agent', 'location', 'agent');
        const anyLamp = roomLamp(state);
        if (anyLamp !== null && state.objects[anyLamp]!.on !== true) differ(anyLamp, 'on');
      }
    }
    return { checks, differences };
  }

  const where = `${goal.receptacle}`;
  const inPlace = ofType.filter((id) => inTarget(state, goal, id));
  // Objects still to place, the carried one first.
  const outside = ofType.filter((id) => !inTarget(state, goal, id)).sort((left, right) => Number(state.objects[right]!.location === CARRIED) - Number(state.objects[left]!.location === CARRIED));
  const outsideFocus = outside[0];
  const placedOne = inPlace.length >= 1;
  checks.push(check('goal:object-in-place', placedOne, placedOne ? `${inPlace[0]} is in/on a ${where}` : `no ${goal.object} is in/on a ${where}`));
  if (!placedOne && outsideFocus) differ(outsideFocus, 'location');

  const treatment = treatmentOf(goal.kind);
  if (treatment !== null) {
    const flag = TREATMENTS[treatment].flag;
    const done = inPlace.filter((id) => state.objects[id]![flag]);
    const name = treatment === 'clean' ? 'goal:object-cleaned' : treatment === 'heat' ? 'goal:object-heated' : 'goal:object-cooled';
    const adjective = treatment === 'clean' ? 'clean' : treatment === 'heat' ? 'hot' : 'cool';
    checks.push(check(name, done.length >= 1, done.length >= 1 ? `${done[0]} in/on a ${where} is ${adjective}` : `no ${adjective} ${goal.object} is in/on a ${where}`));
    if (done.length === 0) {
      const untreated = inPlace[0] ?? outsideFocus;
      if (untreated) differ(untreated, flag);
    }
  }

  if (goal.kind === 'two-object') {
    const two = inPlace.length >= 2;
    checks.push(check('goal:second-object-in-place', two, two ? `${inPlace[0]} and ${inPlace[1]} are in/on a ${where}` : `${inPlace.length} of 2 ${goal.object}s are in/on a ${where}`));
    if (!two) for (const id of outside.slice(0, 2 - inPlace.length)) differ(id, 'location');
  }
  return { checks, differences };
}

/** True when every goal condition holds. */
export function goalMet(state: HouseholdState, goal: Goal): boolean {
  return judgeGoal(state, goal).checks.every((item) => item.passed);
}
