/**
 * The household tools: one tool per verb of ALFWorld's action grammar.
 *
 * Why one tool per verb and not a single `act("take apple 1 from countertop 1")` tool: harness modules
 * read tool schemas, not prose. Per verb, every slot has its own pattern (an object id, a receptacle id,
 * and for heat/cool/clean/use the one receptacle or object type that verb works with), so a module can
 * coerce "Apple 1" or "1" against the pattern, check that a heat goes to a microwave, and learn
 * preconditions per verb; failure mining groups "take failed" apart from "put failed". With one command
 * tool the grammar would live only in a description, every slip would be a free-text parse problem, and
 * every failure would look the same. The outputs stay ALFWorld's, word for word.
 *
 * Inadmissible actions: ALFWorld answers an action that is impossible in the current state with only
 * "Nothing happens.", and so do these tools, with `ok: false`. The step counts, the world does not change,
 * and the failure is visible on the trajectory (failure mining, loop detection and `interpret` modules see
 * it as a failed step); the text says nothing more, exactly as in ALFWorld. Arguments that do not fit a
 * schema (a malformed id) are refused by the toolkit with its usual "Error: ..." text, before the world
 * is consulted: those are format problems, not moves in the world.
 */
import { defineTool, param, type ToolDefinition, type ToolResult } from '../../src/toolkit/index.ts';
import { LAMP_TYPE, OBJECT_TYPE_NAMES, OBJECT_TYPES, RECEPTACLE_TYPES, TREATMENTS, type Treatment } from './catalog.ts';
import { CARRIED, carried, describeObject, describeReceptacle, describeRoom, isReachable, listThings, type HouseholdState } from './world.ts';

/** ALFWorld's only answer to an inadmissible action. */
export const NOTHING_HAPPENS = 'Nothing happens.';

const nothing = (): ToolResult => ({ ok: false, output: NOTHING_HAPPENS });

const alternatives = (names: readonly string[]) => `^(${names.join('|')}) \\d+$`;

/** An object id: its type and number, e.g. "apple 1". */
export const OBJECT_ID = alternatives(OBJECT_TYPE_NAMES);
/** A receptacle id: its type and number, e.g. "countertop 1". */
export const RECEPTACLE_ID = alternatives(RECEPTACLE_TYPES);
/** Anything that can be examined. */
export const THING_ID = alternatives([...new Set([...OBJECT_TYPE_NAMES, ...RECEPTACLE_TYPES])].sort());

const objectParam = (what: string) => param.string({ pattern: OBJECT_ID, description: `${what}, as the world names it: type and number, e.g. 'apple 1' or 'mug 2'.` });
const receptacleParam = (what: string) =>
  param.string({ pattern: RECEPTACLE_ID, description: `${what}, as the world names it: type and number, e.g. 'countertop 1' or 'drawer 2'.` });

type Tool = ToolDefinition<HouseholdState>;

const goTo: Tool = defineTool<HouseholdState>({
  name: 'go_to',
  readOnly: false,
  description: "Go to a receptacle (ALFWorld: 'go to countertop 1'). On arrival you see what is on it, or whether it is closed.",
  parameters: { receptacle: receptacleParam('The receptacle to go to') },
  run(state, args) {
    const target = String(args.receptacle);
    if (!state.receptacles[target] || state.agent.location === target) return nothing();
    state.agent.location = target;
    return `You arrive at ${target}. ${describeReceptacle(state, target)}`;
  },
});

const open: Tool = defineTool<HouseholdState>({
  name: 'open',
  readOnly: false,
  description: "Open the closed receptacle you are at: a drawer, cabinet, fridge, microwave or safe (ALFWorld: 'open drawer 1'). Shows what is inside.",
  parameters: { receptacle: receptacleParam('The receptacle to open') },
  run(state, args) {
    const target = String(args.receptacle);
    const receptacle = state.receptacles[target];
    if (!receptacle || state.agent.location !== target || !receptacle.openable || receptacle.open) return nothing();
    receptacle.open = true;
    return `You open the ${target}. ${describeReceptacle(state, target)}`;
  },
});

const close: Tool = defineTool<HouseholdState>({
  name: 'close',
  readOnly: false,
  description: "Close the open receptacle you are at (ALFWorld: 'close drawer 1').",
  parameters: { receptacle: receptacleParam('The receptacle to close') },
  run(state, args) {
    const target = String(args.receptacle);
    const receptacle = state.receptacles[target];
    if (!receptacle || state.agent.location !== target || !receptacle.openable || !receptacle.open) return nothing();
    receptacle.open = false;
    return `You close the ${target}.`;
  },
});

const take: Tool = defineTool<HouseholdState>({
  name: 'take',
  readOnly: false,
  description:
    "Pick up an object from the receptacle you are at (ALFWorld: 'take apple 1 from countertop 1'). Your hands must be empty: you carry one object at a time.",
  parameters: { object: objectParam('The object to pick up'), receptacle: receptacleParam('The receptacle it lies in or on (where you are)') },
  run(state, args) {
    const id = String(args.object);
    const from = String(args.receptacle);
    const item = state.objects[id];
    if (!item || item.location !== from || state.agent.location !== from || !isReachable(state, from)) return nothing();
    if (item.type === LAMP_TYPE || carried(state) !== null) return nothing();
    item.location = CARRIED;
    return `You pick up the ${id} from the ${from}.`;
  },
});

const put: Tool = defineTool<HouseholdState>({
  name: 'put',
  readOnly: false,
  description: "Put the object you carry in or on the receptacle you are at; a closed one must be opened first (ALFWorld: 'put apple 1 in/on fridge 1').",
  parameters: { object: objectParam('The object you carry'), receptacle: receptacleParam('The receptacle to put it in or on (where you are)') },
  run(state, args) {
    const id = String(args.object);
    const to = String(args.receptacle);
    const item = state.objects[id];
    if (!item || item.location !== CARRIED || state.agent.location !== to || !isReachable(state, to)) return nothing();
    item.location = to;
    return `You put the ${id} in/on the ${to}.`;
  },
});

function treatmentTool(treatment: Treatment, name: string, example: string): Tool {
  const { appliance, flag, able } = TREATMENTS[treatment];
  return defineTool<HouseholdState>({
    name,
    readOnly: false,
    description: `${name[0]!.toUpperCase()}${name.slice(1)} the object you carry with the ${appliance} you are at (ALFWorld: '${example}'). It need not be opened.`,
    parameters: {
      object: objectParam(`The object you carry`),
      receptacle: param.string({ pattern: `^${appliance} \\d+$`, description: `The ${appliance} you are at, e.g. '${appliance} 1'.` }),
    },
    run(state, args) {
      const id = String(args.object);
      const at = String(args.receptacle);
      const item = state.objects[id];
      if (!item || item.location !== CARRIED || !state.receptacles[at] || state.agent.location !== at) return nothing();
      if (OBJECT_TYPES[item.type]?.[able] !== true) return nothing();
      item[flag] = true;
      // Heating undoes cooling and the other way round; cleaning is independent of both.
      if (flag === 'hot') item.cool = false;
      if (flag === 'cool') item.hot = false;
      return `You ${name} the ${id} using the ${at}.`;
    },
  });
}

const use: Tool = defineTool<HouseholdState>({
  name: 'use',
  readOnly: false,
  description: "Switch a desklamp at the receptacle you are at on or off (ALFWorld: 'use desklamp 1').",
  parameters: { object: param.string({ pattern: `^${LAMP_TYPE} \\d+$`, description: `The desklamp, e.g. '${LAMP_TYPE} 1'.` }) },
  run(state, args) {
    const id = String(args.object);
    const lamp = state.objects[id];
    if (!lamp || lamp.on === undefined || state.agent.location === null || lamp.location !== state.agent.location) return nothing();
    lamp.on = !lamp.on;
    return `You turn ${lamp.on ? 'on' : 'off'} the ${id}.`;
  },
});

const examine: Tool = defineTool<HouseholdState>({
  name: 'examine',
  readOnly: true,
  description:
    "Look closely at the receptacle you are at, at an object in it, or at the object you carry (ALFWorld: 'examine mug 1'). Read-only: changes nothing.",
  parameters: { target: param.string({ pattern: THING_ID, description: "A receptacle or object id, e.g. 'drawer 1' or 'apple 1'." }) },
  run(state, args) {
    const id = String(args.target);
    if (state.receptacles[id]) return state.agent.location === id ? describeReceptacle(state, id) : nothing();
    const item = state.objects[id];
    if (!item) return nothing();
    const atHand = item.location === CARRIED || (item.location === state.agent.location && isReachable(state, item.location));
    return atHand ? describeObject(state, id) : nothing();
  },
});

const inventory: Tool = defineTool<HouseholdState>({
  name: 'inventory',
  readOnly: true,
  description: "What you carry (ALFWorld: 'inventory'). Read-only.",
  parameters: {},
  run(state) {
    const held = carried(state);
    return held === null ? 'You are not carrying anything.' : `You are carrying: ${listThings([held])}.`;
  },
});

const look: Tool = defineTool<HouseholdState>({
  name: 'look',
  readOnly: true,
  description: "Where you are (ALFWorld: 'look'): the receptacle you face, or the room's receptacles from its middle. Read-only.",
  parameters: {},
  run(state) {
    const here = state.agent.location;
    return here === null ? describeRoom(state) : `You are facing the ${here}. Next to it, you see nothing.`;
  },
});

/** Every tool, in the order the agent sees them. */
export const HOUSEHOLD_TOOLS: readonly Tool[] = [
  goTo,
  open,
  close,
  take,
  put,
  treatmentTool('clean', 'clean', 'clean apple 1 with sinkbasin 1'),
  treatmentTool('heat', 'heat', 'heat potato 1 with microwave 1'),
  treatmentTool('cool', 'cool', 'cool apple 1 with fridge 1'),
  use,
  examine,
  inventory,
  look,
];
