/**
 * The oracle: the correct remaining plan from any state. It knows where every object is, and searches
 * the way a sensible agent would: it visits the receptacles where the object type plausibly lies, most
 * likely first (opening closed ones), skips those the agent has already seen inside, and stops at the
 * first that holds a usable object; an object the agent has already seen it fetches directly. From a
 * state reached by mistakes it recovers: a wrong object in hand is put down where the agent stands, a
 * placed object that still needs cleaning (heating, cooling) is picked up again, a lamp switched off is
 * switched on.
 *
 * The plan is built by running a greedy policy on a copy of the state through the tools themselves, so
 * every planned call is one the world accepts. Purposes:
 * - `identify`: the search, the moves and openings that find which object the task is about (they turn
 *   "a mug" into "mug 2, in cabinet 3", as finding a customer turns an email into a user id). Acting on
 *   an object before finding it (taking "mug 2 from cabinet 3" from the middle of the room) is the
 *   household's version of skipping an identification, and the world answers it with "Nothing happens.".
 * - `inspect`: other moves and openings (to the sink, the microwave, the destination, an object already
 *   seen); they change nothing the goal is about.
 * - `write`: take, put, clean, heat, cool and use, which change the objects the goal is about.
 * - `finish`.
 */
import { BridleError } from '../../src/errors.ts';
import { callStep, cloneJson, createToolRunner, finishStep, type CallRecord, type JsonObject, type OracleStep } from '../../src/toolkit/index.ts';
import { TREATMENTS, compareIds } from './catalog.ts';
import { goalMet, inTarget, objectsOfType, placedObjects, roomLamp, treated, treatmentOf, type Goal } from './goals.ts';
import { searchOrder } from './search.ts';
import { HOUSEHOLD_TOOLS } from './tools.ts';
import { CARRIED, carried, isReachable, type HouseholdState } from './world.ts';

const runner = createToolRunner(HOUSEHOLD_TOOLS);

/** More moves than any plan needs (the longest are about 30): a bound that turns a planner bug into an error. */
const MAX_MOVES = 120;

interface Move {
  tool: string;
  args: JsonObject;
  purpose: 'identify' | 'inspect' | 'write';
}

const go = (receptacle: string, purpose: Move['purpose'] = 'inspect'): Move => ({ tool: 'go_to', args: { receptacle }, purpose });
const open = (receptacle: string, purpose: Move['purpose'] = 'inspect'): Move => ({ tool: 'open', args: { receptacle }, purpose });

/** The receptacle whose inside a successful call showed the agent, if any. */
export function revealedBy(call: CallRecord): string | null {
  if (!call.result.ok || call.result.output.endsWith(' is closed.')) return null;
  if (call.tool === 'go_to' || call.tool === 'open') return String(call.args.receptacle);
  if (call.tool === 'examine' && /^(On the|The) /.test(call.result.output)) return String(call.args.target);
  return null;
}

/** True when the carried object serves the goal (else it is in the way: one object at a time). */
function useful(state: HouseholdState, goal: Goal, id: string): boolean {
  if (state.objects[id]!.type !== goal.object) return false;
  return goal.kind === 'examine-under-lamp' || placedObjects(state, goal).length < (goal.kind === 'two-object' ? 2 : 1);
}

/** Objects the goal can still use: of its type and not already counting for it. */
function usable(state: HouseholdState, goal: Goal): string[] {
  const ofType = objectsOfType(state, goal.object);
  if (goal.kind === 'examine-under-lamp') return ofType;
  return ofType.filter((id) => !(inTarget(state, goal, id) && treated(state, goal, id)));
}

/** The next move from a state, or null when the goal holds (time to finish). */
export function nextMove(state: HouseholdState, goal: Goal, searched: ReadonlySet<string>): Move | null {
  if (goalMet(state, goal)) return null;
  const here = state.agent.location;
  const held = carried(state);

  if (held !== null) {
    // Hands are full only after a take, so the agent stands at a receptacle.
    const at = here!;
    if (!useful(state, goal, held)) return isReachable(state, at) ? { tool: 'put', args: { object: held, receptacle: at }, purpose: 'write' } : open(at);
    const treatment = treatmentOf(goal.kind);
    if (treatment !== null && !treated(state, goal, held)) {
      const appliance = TREATMENTS[treatment].appliance;
      if (state.receptacles[at]!.type === appliance) return { tool: treatment, args: { object: held, receptacle: at }, purpose: 'write' };
      return go(firstOfType(state, appliance));
    }
    if (goal.kind === 'examine-under-lamp') {
      const lamp = roomLamp(state)!;
      if (state.objects[lamp]!.location !== at) return go(state.objects[lamp]!.location);
      return { tool: 'use', args: { object: lamp }, purpose: 'write' };
    }
    if (state.receptacles[at]!.type !== goal.receptacle) return go(firstOfType(state, goal.receptacle!));
    return isReachable(state, at) ? { tool: 'put', args: { object: held, receptacle: at }, purpose: 'write' } : open(at);
  }

  const candidates = usable(state, goal);
  const order = searchOrder(state.receptacles, goal.object);
  const target = order.findIndex((id) => !searched.has(id) && candidates.some((candidate) => state.objects[candidate]!.location === id));
  const toVisit = target === -1 ? [] : order.slice(0, target + 1).filter((id) => !searched.has(id));
  if (here !== null) {
    const found = candidates.find((id) => state.objects[id]!.location === here);
    if (found !== undefined && isReachable(state, here)) return { tool: 'take', args: { object: found, receptacle: here }, purpose: 'write' };
    if (!isReachable(state, here) && (found !== undefined || toVisit.includes(here))) return open(here, 'identify');
  }
  // An object the agent has already seen is fetched directly; otherwise the search goes on.
  const seen = candidates.filter((id) => searched.has(state.objects[id]!.location)).map((id) => state.objects[id]!.location);
  if (seen.length > 0) return go(seen.sort((left, right) => rank(order, left) - rank(order, right) || compareIds(left, right))[0]!);
  if (toVisit.length > 0) return go(toVisit[0]!, 'identify');
  const anywhere = candidates.map((id) => state.objects[id]!.location).filter((location) => location !== CARRIED).sort(compareIds);
  if (anywhere.length === 0) throw new BridleError('INTERNAL', `household oracle: no ${goal.object} left to use`);
  return go(anywhere[0]!, 'identify');
}

function rank(order: readonly string[], id: string): number {
  const index = order.indexOf(id);
  return index === -1 ? order.length : index;
}

function firstOfType(state: HouseholdState, type: string): string {
  const found = Object.keys(state.receptacles)
    .filter((id) => state.receptacles[id]!.type === type)
    .sort(compareIds)[0];
  if (found === undefined) throw new BridleError('INTERNAL', `household oracle: the room has no ${type}`);
  return found;
}

/** The correct remaining plan from a state, given the calls so far (what the agent has seen inside). */
export function planFrom(state: HouseholdState, goal: Goal, calls: readonly CallRecord[]): OracleStep[] {
  const world = cloneJson(state);
  const searched = new Set(calls.map(revealedBy).filter((id): id is string => id !== null));
  const plan: OracleStep[] = [];
  for (let count = 0; count <= MAX_MOVES; count++) {
    const move = nextMove(world, goal, searched);
    if (move === null) {
      plan.push(finishStep(finishMessage(world, goal)));
      return plan;
    }
    const result = runner.run(world, move.tool, move.args);
    if (!result.ok) throw new BridleError('INTERNAL', `household oracle planned ${move.tool}(${JSON.stringify(move.args)}), which the world refused: ${result.output}`);
    const revealed = revealedBy({ tool: move.tool, args: move.args, result });
    if (revealed !== null) searched.add(revealed);
    plan.push(callStep(move.tool, move.args, move.purpose));
  }
  throw new BridleError('INTERNAL', `household oracle: no plan within ${MAX_MOVES} moves for ${JSON.stringify(goal)}`);
}

function finishMessage(state: HouseholdState, goal: Goal): string {
  if (goal.kind === 'examine-under-lamp') {
    const held = carried(state);
    return `I am looking at the ${held} under the ${roomLamp(state)}.`;
  }
  const placed = placedObjects(state, goal);
  return `I put the ${placed.join(' and the ')} in/on the ${state.objects[placed[0]!]!.location}.`;
}
