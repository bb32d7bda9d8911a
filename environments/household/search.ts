/**
 * Where to look for an object type: the receptacles it plausibly lies in, most likely type first, then
 * by number. The generator hides objects along this order and the oracle searches along it, so the
 * length of a search is a property of the task, not of the oracle.
 */
import { OBJECT_TYPES, compareIds } from './catalog.ts';
import type { Receptacle } from './world.ts';

/** The receptacle ids a search for `type` visits, in order. */
export function searchOrder(receptacles: Readonly<Record<string, Receptacle>>, type: string): string[] {
  const homes = OBJECT_TYPES[type]?.homes ?? [];
  return Object.keys(receptacles)
    .filter((id) => homes.includes(receptacles[id]!.type))
    .sort((left, right) => homes.indexOf(receptacles[left]!.type) - homes.indexOf(receptacles[right]!.type) || compareIds(left, right));
}
