/**
 * The state of one household episode and how the world words it. The wording follows ALFWorld's text
 * engine ("You arrive at countertop 1. On the countertop 1, you see a apple 1, and a mug 2.").
 */
import type { RoomKind } from './catalog.ts';
import { compareIds, OPENABLE_TYPES } from './catalog.ts';

/** A receptacle: a place to go to, which holds objects. */
export interface Receptacle {
  /** Its type, e.g. "drawer". */
  type: string;
  /** True for drawers, cabinets, fridges, microwaves and safes. */
  openable: boolean;
  /** Whether it is open now (always true for surfaces). */
  open: boolean;
}

/** Where the agent carries an object: an object's `location` is this while it is held. */
export const CARRIED = 'agent';

/** An object in the room. */
export interface Item {
  /** Its type, e.g. "apple". */
  type: string;
  /** The receptacle id it lies in, or {@link CARRIED} while the agent holds it. */
  location: string;
  /** Cleaned with a sinkbasin. */
  clean: boolean;
  /** Heated with a microwave. */
  hot: boolean;
  /** Cooled with a fridge. */
  cool: boolean;
  /** Lamps only: switched on. */
  on?: boolean;
}

/** One episode's world, as tables keyed by id (so the verifier can name what differs). */
export interface HouseholdState {
  /** The kind of room. */
  room: RoomKind;
  /** Where the agent stands: a receptacle id, or null in the middle of the room (the start). */
  agent: { location: string | null };
  receptacles: Record<string, Receptacle>;
  objects: Record<string, Item>;
}

/** The object the agent carries, if any (one at a time). */
export function carried(state: HouseholdState): string | null {
  for (const [id, item] of Object.entries(state.objects)) if (item.location === CARRIED) return id;
  return null;
}

/** The ids of the objects in a receptacle, in reading order. */
export function contents(state: HouseholdState, receptacle: string): string[] {
  return Object.keys(state.objects)
    .filter((id) => state.objects[id]!.location === receptacle)
    .sort(compareIds);
}

/** The receptacle ids of the room, in the order ALFWorld lists them (type, then number from high to low). */
export function listingOrder(state: HouseholdState): string[] {
  return Object.keys(state.receptacles).sort((left, right) => {
    const byType = state.receptacles[left]!.type.localeCompare(state.receptacles[right]!.type);
    return byType !== 0 ? byType : compareIds(right, left);
  });
}

/** "a apple 1, a mug 2, and a fork 1" (ALFWorld uses "a" throughout); "nothing" for none. */
export function listThings(ids: readonly string[]): string {
  if (ids.length === 0) return 'nothing';
  const items = ids.map((id) => `a ${id}`);
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`;
}

/** What is seen of a receptacle from in front of it. */
export function describeReceptacle(state: HouseholdState, id: string): string {
  const receptacle = state.receptacles[id]!;
  if (receptacle.openable) {
    return receptacle.open ? `The ${id} is open. In it, you see ${listThings(contents(state, id))}.` : `The ${id} is closed.`;
  }
  return `On the ${id}, you see ${listThings(contents(state, id))}.`;
}

/** What is seen of an object at hand. */
export function describeObject(state: HouseholdState, id: string): string {
  const item = state.objects[id]!;
  if (item.on !== undefined) return `This ${id} is ${item.on ? 'on' : 'off'}.`;
  if (item.clean && item.hot) return `This is a hot and clean ${id}.`;
  if (item.clean && item.cool) return `This is a cool and clean ${id}.`;
  if (item.hot) return `This is a hot ${id}.`;
  if (item.clean) return `This is a clean ${id}.`;
  if (item.cool) return `This is a cold ${id}.`;
  return `There's nothing special about ${id}.`;
}

/** The view from the middle of the room: every receptacle. */
export function describeRoom(state: HouseholdState): string {
  return `You are in the middle of a room. Looking quickly around you, you see ${listThings(listingOrder(state))}.`;
}

/** True when the objects inside a receptacle can be seen and reached (surfaces, or open). */
export function isReachable(state: HouseholdState, receptacle: string): boolean {
  const found = state.receptacles[receptacle];
  return found !== undefined && (!found.openable || found.open);
}

/** A fresh receptacle record of a type. */
export function newReceptacle(type: string): Receptacle {
  const openable = OPENABLE_TYPES.has(type);
  return { type, openable, open: !openable };
}
