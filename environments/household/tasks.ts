/**
 * The household tasks: an equal number of each of ALFWorld's six task types, each in its own seeded
 * room, worded as ALFWorld words them ("Your task is to: put a clean mug in cabinet."), split
 * train / validation / test stratified by kind.
 */
import { createRandom, dealSplits, seedOf, type Random, type TaskInfo } from '../../src/toolkit/index.ts';
import { BridleError } from '../../src/errors.ts';
import { OBJECT_TYPES, OPENABLE_TYPES, TREATMENTS, type RoomKind } from './catalog.ts';
import { TASK_KINDS, treatmentOf, type Goal, type TaskKind } from './goals.ts';
import { drawLayout, drawReceptacles, hidingPlaces } from './layout.ts';
import { describeRoom, type HouseholdState } from './world.ts';

/** A household task: the public instruction plus its goal and its room (private to the environment). */
export interface HouseholdTask extends TaskInfo {
  kind: TaskKind;
  goal: Goal;
  /** The room at the start of every episode of this task. */
  layout: HouseholdState;
}

/** Tasks per kind (six kinds). */
export const TASKS_PER_KIND = 17;

/** Rooms each kind can take place in: heating and cooling need a kitchen, cleaning a sink, the lamp a bedroom or living room. */
const ROOMS: Readonly<Record<TaskKind, readonly RoomKind[]>> = {
  'pick-and-place': ['kitchen', 'bathroom', 'bedroom', 'livingroom'],
  'clean-then-place': ['kitchen', 'bathroom'],
  'heat-then-place': ['kitchen'],
  'cool-then-place': ['kitchen'],
  'two-object': ['kitchen', 'bathroom', 'bedroom', 'livingroom'],
  'examine-under-lamp': ['bedroom', 'livingroom'],
};

/** Receptacle types a goal object is put "in" rather than "on". */
const IN_TYPES = new Set([...OPENABLE_TYPES, 'sinkbasin', 'bathtubbasin', 'garbagecan', 'coffeemachine', 'toaster']);

function phrase(goal: Goal, random: Random): string {
  const object = goal.object;
  const receptacle = goal.receptacle ?? '';
  const preposition = IN_TYPES.has(receptacle) ? 'in' : 'on';
  const options: Record<TaskKind, string[]> = {
    'pick-and-place': [`put a ${object} ${preposition} ${receptacle}.`, `put some ${object} ${preposition} ${receptacle}.`],
    'clean-then-place': [`put a clean ${object} ${preposition} ${receptacle}.`, `clean some ${object} and put it ${preposition} ${receptacle}.`],
    'heat-then-place': [`put a hot ${object} ${preposition} ${receptacle}.`, `heat some ${object} and put it ${preposition} ${receptacle}.`],
    'cool-then-place': [`put a cool ${object} ${preposition} ${receptacle}.`, `cool some ${object} and put it ${preposition} ${receptacle}.`],
    'two-object': [`put two ${object} ${preposition} ${receptacle}.`, `find two ${object} and put them ${preposition} ${receptacle}.`],
    'examine-under-lamp': [`look at ${object} under the desklamp.`, `examine the ${object} with the desklamp.`],
  };
  return random.pick(options[goal.kind]);
}

/** One task of a kind, or null when this draw cannot host it (the caller draws again). */
function drawTask(kind: TaskKind, random: Random): Omit<HouseholdTask, 'id' | 'split'> | null {
  const room = random.pick(ROOMS[kind]);
  const receptacles = drawReceptacles(room, random);
  const present = new Set(Object.values(receptacles).map((receptacle) => receptacle.type));
  const treatment = treatmentOf(kind);
  const appliance = treatment === null ? null : TREATMENTS[treatment].appliance;
  if (appliance !== null && !present.has(appliance)) return null;

  const candidates = Object.keys(OBJECT_TYPES).filter((type) => {
    const info = OBJECT_TYPES[type]!;
    return info.rooms.includes(room) && (treatment === null || info[TREATMENTS[treatment].able] === true);
  });
  const object = random.pick(candidates);
  let receptacle: string | undefined;
  if (kind !== 'examine-under-lamp') {
    const destinations = OBJECT_TYPES[object]!.homes.filter((type) => present.has(type) && type !== appliance);
    if (destinations.length === 0) return null;
    receptacle = random.pick(destinations);
  }
  const avoid = receptacle === undefined ? [] : [receptacle];
  if (hidingPlaces(receptacles, object, avoid).length === 0) return null;
  const copies = kind === 'two-object' ? random.int(2, 3) : random.int(1, 2);
  const layout = drawLayout({ room, object, copies, avoid }, receptacles, random);
  if (kind === 'examine-under-lamp' && !Object.values(layout.objects).some((item) => item.on !== undefined)) return null;

  const goal: Goal = { kind, object, ...(receptacle === undefined ? {} : { receptacle }) };
  const instruction = `${describeRoom(layout)}\n\nYour task is to: ${phrase(goal, random)}`;
  return { kind, goal, layout, instruction };
}

/** Draws of a room before giving up (a draw fails when, say, no object of the room can be hidden). */
const MAX_ATTEMPTS = 100;

/** Every task of the environment for a world seed. */
export function generateTasks(seed: number): HouseholdTask[] {
  const drafts: Omit<HouseholdTask, 'id' | 'split'>[] = [];
  for (const kind of TASK_KINDS) {
    for (let index = 0; index < TASKS_PER_KIND; index++) {
      let draft: Omit<HouseholdTask, 'id' | 'split'> | null = null;
      for (let attempt = 0; draft === null && attempt < MAX_ATTEMPTS; attempt++) draft = drawTask(kind, createRandom(seedOf('household-task', seed, kind, index, attempt)));
      if (draft === null) throw new BridleError('INTERNAL', `household: no room could host a ${kind} task for seed ${seed}`);
      drafts.push(draft);
    }
  }
  const splits = dealSplits(drafts, { seed, stratum: (draft) => draft.kind });
  return drafts.map((draft, index) => ({ ...draft, id: `household-${String(index + 1).padStart(3, '0')}`, split: splits[index]! }));
}
