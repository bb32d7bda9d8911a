/**
 * What a household room can hold: receptacle types per room, object types with the receptacles they
 * plausibly live in, and what can be done to them. Modelled on ALFWorld's four scene kinds (kitchen,
 * bathroom, bedroom, living room); the names are ALFWorld's, one word each, so ids read "cabinet 3".
 */

/** The four kinds of room a task takes place in. */
export type RoomKind = 'kitchen' | 'bathroom' | 'bedroom' | 'livingroom';

export const ROOM_KINDS: readonly RoomKind[] = ['kitchen', 'bathroom', 'bedroom', 'livingroom'];

/** Receptacles that must be opened before anything inside them can be seen, taken or put. */
export const OPENABLE_TYPES: ReadonlySet<string> = new Set(['cabinet', 'drawer', 'fridge', 'microwave', 'safe']);

/** Every receptacle type, in the order schemas list them. */
export const RECEPTACLE_TYPES: readonly string[] = [
  'armchair', 'bathtubbasin', 'bed', 'cabinet', 'coffeemachine', 'coffeetable', 'countertop', 'desk', 'diningtable',
  'drawer', 'dresser', 'fridge', 'garbagecan', 'microwave', 'safe', 'shelf', 'sidetable', 'sinkbasin', 'sofa',
  'stoveburner', 'toaster', 'toilet', 'tvstand',
];

/** How many receptacles of each type a room of a kind has: [least, most]. */
export const ROOM_RECEPTACLES: Readonly<Record<RoomKind, Readonly<Record<string, readonly [number, number]>>>> = {
  kitchen: {
    cabinet: [3, 6], coffeemachine: [1, 1], countertop: [1, 2], diningtable: [0, 1], drawer: [2, 4], fridge: [1, 1],
    garbagecan: [1, 1], microwave: [1, 1], shelf: [0, 2], sinkbasin: [1, 1], stoveburner: [2, 4], toaster: [1, 1],
  },
  bathroom: {
    bathtubbasin: [0, 1], cabinet: [2, 4], countertop: [1, 1], drawer: [1, 3], garbagecan: [1, 1], shelf: [1, 3],
    sinkbasin: [1, 2], toilet: [1, 1],
  },
  bedroom: {
    armchair: [0, 1], bed: [1, 1], desk: [1, 1], drawer: [2, 5], dresser: [0, 1], garbagecan: [1, 1], safe: [0, 1],
    shelf: [1, 3], sidetable: [1, 2],
  },
  livingroom: {
    armchair: [0, 2], cabinet: [1, 3], coffeetable: [1, 1], diningtable: [0, 1], drawer: [2, 4], garbagecan: [1, 1],
    shelf: [0, 2], sidetable: [1, 2], sofa: [1, 1], tvstand: [1, 1],
  },
};

/** What a kind of object is and what can be done to it. */
export interface ObjectType {
  /** Rooms it appears in. */
  rooms: readonly RoomKind[];
  /** Receptacle types it plausibly lies in, most likely first (the order a sensible search follows). */
  homes: readonly string[];
  /** Can be cleaned with a sinkbasin. */
  cleanable?: boolean;
  /** Can be heated with a microwave. */
  heatable?: boolean;
  /** Can be cooled with a fridge. */
  coolable?: boolean;
}

const FOOD = { cleanable: true, heatable: true, coolable: true } as const;
const DISH = { cleanable: true, heatable: true, coolable: true } as const;

export const OBJECT_TYPES: Readonly<Record<string, ObjectType>> = {
  // kitchen
  apple: { rooms: ['kitchen'], homes: ['fridge', 'countertop', 'diningtable', 'garbagecan'], ...FOOD },
  potato: { rooms: ['kitchen'], homes: ['fridge', 'countertop', 'diningtable', 'garbagecan', 'cabinet'], ...FOOD },
  tomato: { rooms: ['kitchen'], homes: ['fridge', 'countertop', 'diningtable', 'garbagecan'], ...FOOD },
  egg: { rooms: ['kitchen'], homes: ['fridge', 'countertop', 'diningtable', 'garbagecan'], ...FOOD },
  lettuce: { rooms: ['kitchen'], homes: ['fridge', 'countertop', 'diningtable'], cleanable: true, coolable: true },
  bread: { rooms: ['kitchen'], homes: ['countertop', 'diningtable', 'fridge', 'cabinet'], heatable: true, coolable: true },
  mug: { rooms: ['kitchen'], homes: ['cabinet', 'coffeemachine', 'countertop', 'shelf', 'diningtable', 'sinkbasin', 'fridge'], ...DISH },
  cup: { rooms: ['kitchen'], homes: ['cabinet', 'countertop', 'shelf', 'diningtable', 'sinkbasin', 'fridge'], ...DISH },
  plate: { rooms: ['kitchen'], homes: ['cabinet', 'countertop', 'shelf', 'diningtable', 'fridge'], ...DISH },
  bowl: { rooms: ['kitchen'], homes: ['cabinet', 'countertop', 'shelf', 'diningtable', 'fridge'], cleanable: true, coolable: true },
  pan: { rooms: ['kitchen'], homes: ['stoveburner', 'cabinet', 'countertop', 'diningtable'], cleanable: true, coolable: true },
  pot: { rooms: ['kitchen'], homes: ['stoveburner', 'cabinet', 'countertop', 'diningtable', 'fridge'], cleanable: true, coolable: true },
  knife: { rooms: ['kitchen'], homes: ['drawer', 'countertop', 'diningtable'], cleanable: true },
  fork: { rooms: ['kitchen'], homes: ['drawer', 'countertop', 'diningtable'], cleanable: true },
  spoon: { rooms: ['kitchen'], homes: ['drawer', 'countertop', 'diningtable'], cleanable: true },
  spatula: { rooms: ['kitchen'], homes: ['drawer', 'countertop', 'diningtable'], cleanable: true },
  saltshaker: { rooms: ['kitchen'], homes: ['cabinet', 'countertop', 'shelf', 'diningtable', 'drawer'] },
  peppershaker: { rooms: ['kitchen'], homes: ['cabinet', 'countertop', 'shelf', 'diningtable', 'drawer'] },
  dishsponge: { rooms: ['kitchen'], homes: ['sinkbasin', 'countertop', 'cabinet', 'drawer'], cleanable: true },
  winebottle: { rooms: ['kitchen'], homes: ['fridge', 'cabinet', 'countertop', 'diningtable', 'shelf'], coolable: true },
  // bathroom (and soap in kitchens)
  soapbottle: { rooms: ['kitchen', 'bathroom'], homes: ['cabinet', 'countertop', 'shelf', 'toilet'] },
  soapbar: { rooms: ['bathroom'], homes: ['cabinet', 'sinkbasin', 'countertop', 'toilet', 'bathtubbasin', 'shelf'], cleanable: true },
  cloth: { rooms: ['bathroom'], homes: ['cabinet', 'drawer', 'countertop', 'shelf', 'bathtubbasin', 'sinkbasin'], cleanable: true },
  spraybottle: { rooms: ['bathroom'], homes: ['cabinet', 'countertop', 'shelf', 'toilet', 'garbagecan'] },
  candle: { rooms: ['bathroom'], homes: ['cabinet', 'drawer', 'countertop', 'shelf', 'toilet'] },
  toiletpaper: { rooms: ['bathroom'], homes: ['cabinet', 'drawer', 'countertop', 'shelf', 'toilet', 'garbagecan'] },
  // bedroom and living room
  book: { rooms: ['bedroom', 'livingroom'], homes: ['drawer', 'desk', 'shelf', 'bed', 'sidetable', 'dresser', 'coffeetable', 'sofa'] },
  cd: { rooms: ['bedroom'], homes: ['drawer', 'safe', 'desk', 'shelf', 'sidetable', 'dresser', 'garbagecan'] },
  cellphone: { rooms: ['bedroom'], homes: ['drawer', 'safe', 'desk', 'bed', 'sidetable', 'dresser', 'shelf'] },
  pen: { rooms: ['bedroom'], homes: ['drawer', 'desk', 'shelf', 'sidetable', 'dresser', 'garbagecan'] },
  pencil: { rooms: ['bedroom'], homes: ['drawer', 'desk', 'shelf', 'sidetable', 'dresser', 'garbagecan'] },
  alarmclock: { rooms: ['bedroom'], homes: ['drawer', 'desk', 'sidetable', 'dresser', 'shelf'] },
  keychain: { rooms: ['bedroom', 'livingroom'], homes: ['drawer', 'safe', 'cabinet', 'sidetable', 'dresser', 'desk', 'shelf', 'coffeetable'] },
  creditcard: { rooms: ['bedroom', 'livingroom'], homes: ['drawer', 'safe', 'cabinet', 'desk', 'sidetable', 'dresser', 'shelf', 'coffeetable'] },
  pillow: { rooms: ['bedroom', 'livingroom'], homes: ['bed', 'sofa', 'armchair'] },
  laptop: { rooms: ['bedroom', 'livingroom'], homes: ['desk', 'bed', 'sofa', 'coffeetable', 'diningtable'] },
  remotecontrol: { rooms: ['livingroom'], homes: ['drawer', 'cabinet', 'sofa', 'armchair', 'coffeetable', 'sidetable', 'tvstand'] },
  newspaper: { rooms: ['livingroom'], homes: ['drawer', 'cabinet', 'sofa', 'coffeetable', 'sidetable', 'diningtable', 'armchair'] },
  statue: { rooms: ['livingroom'], homes: ['cabinet', 'coffeetable', 'sidetable', 'shelf', 'tvstand', 'diningtable'] },
  vase: { rooms: ['livingroom'], homes: ['cabinet', 'coffeetable', 'sidetable', 'shelf', 'tvstand', 'diningtable'] },
  watch: { rooms: ['livingroom'], homes: ['drawer', 'cabinet', 'coffeetable', 'sidetable', 'shelf'] },
};

/** The lamp used by "look at ... under the desklamp" tasks: a fixture that can be turned on, never carried. */
export const LAMP_TYPE = 'desklamp';

/** Where a desklamp stands. */
export const LAMP_HOMES: readonly string[] = ['desk', 'sidetable'];

/** Every object type an id may name (the lamp included), in the order schemas list them. */
export const OBJECT_TYPE_NAMES: readonly string[] = [...Object.keys(OBJECT_TYPES), LAMP_TYPE].sort();

/** The appliance each treatment needs, and the object flag it sets. */
export const TREATMENTS = {
  clean: { appliance: 'sinkbasin', flag: 'clean', able: 'cleanable' },
  heat: { appliance: 'microwave', flag: 'hot', able: 'heatable' },
  cool: { appliance: 'fridge', flag: 'cool', able: 'coolable' },
} as const;

export type Treatment = keyof typeof TREATMENTS;

/** "apple 1" → { type: "apple", number: 1 }; null when the text is not an id. */
export function parseId(id: string): { type: string; number: number } | null {
  const match = /^([a-z]+) (\d+)$/.exec(id);
  return match ? { type: match[1]!, number: Number(match[2]) } : null;
}

/** Order of ids: by type, then by number ("cabinet 2" before "cabinet 10"). */
export function compareIds(left: string, right: string): number {
  const a = parseId(left);
  const b = parseId(right);
  if (!a || !b) return left < right ? -1 : left > right ? 1 : 0;
  return a.type < b.type ? -1 : a.type > b.type ? 1 : a.number - b.number;
}
