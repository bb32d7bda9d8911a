/** The household environment's public texts: its description for engineers and the rules the agent reads. */
import type { FinishWording } from '../../src/toolkit/index.ts';

/** Step budget per episode, as in AgentBench's ALFWorld task. */
export const HOUSEHOLD_MAX_STEPS = 50;

export const HOUSEHOLD_DESCRIPTION =
  'An ALFWorld-like text world: one generated room per task (kitchen, bathroom, bedroom or living room) with ' +
  'receptacles and objects, the objects to find hidden in closed receptacles. Six task types: pick-and-place, ' +
  'clean-then-place, heat-then-place, cool-then-place, two-object, examine-under-lamp. One tool per verb of ' +
  "ALFWorld's grammar; an impossible action answers only \"Nothing happens.\" (a failed step). Judged when the " +
  'agent finishes: every goal condition must hold (goal:object-in-place, goal:object-cleaned / -heated / -cooled, ' +
  'goal:second-object-in-place, goal:object-held, goal:light-on) and the agent must have finished; differences ' +
  'name the object (or the agent) whose location or state is wrong.';

export const HOUSEHOLD_RULES = `You are in a room of a house, with a task to do in it. The first message lists the room's receptacles and your task.
Each tool is one command of the world: go_to ("go to drawer 1"), open and close ("open drawer 1"), take ("take apple 1 from countertop 1"), put ("put apple 1 in/on fridge 1"), clean / heat / cool ("heat potato 1 with microwave 1"), use ("use desklamp 1"), and the read-only examine, inventory and look.
- You start in the middle of the room. You act on the receptacle you have gone to, on what lies in or on it, and on what you carry. Objects and receptacles are named by type and number ("mug 2", "cabinet 3"), exactly as the world prints them.
- Drawers, cabinets, fridges, microwaves and safes are closed until you open them: you cannot see, take or put anything inside a closed one. Look for objects where they are likely to be, and remember where you have looked.
- You carry one object at a time: put one down before taking another.
- Clean an object with a sinkbasin, heat it with a microwave, cool it with a fridge: go there while carrying it (no need to open the microwave or the fridge).
- "Look at X under the desklamp" (or "examine X with the desklamp"): carry an X to where the desklamp stands and turn the desklamp on (use it) while you hold the X. Using a lamp that is on turns it off.
- Any object of the named type and any receptacle of the named type will do ("put a mug in cabinet": any mug, any cabinet).
- An action that is not possible right now does nothing: the world answers only "Nothing happens." and the step is spent.
- When the task is done, call finish. The room is judged at that moment, so do not finish early and do not undo your work. You have ${HOUSEHOLD_MAX_STEPS} steps.`;

export const HOUSEHOLD_FINISH: FinishWording = {
  description:
    'End the episode once the task is done. The room is judged when you call it: every part of the task must hold then (for "look at X under the desklamp": while you still hold the X where the lit desklamp stands).',
  message: "A short note on what you did, e.g. 'I put a clean mug 1 in/on the cabinet 2.'",
};
