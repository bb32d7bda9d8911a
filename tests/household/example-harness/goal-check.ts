import { defineModule, type View } from 'bridle/harness';

type Treatment = 'clean' | 'heat' | 'cool';
interface Task { object: string; receptacle: string | null; treatment: Treatment | null; count: number; lamp: boolean }

/** The task, from ALFWorld's phrasings of its six task types. */
function taskOf(instruction: string): Task | null {
  const line = /Your task is to: (.+)\.\s*$/.exec(instruction)?.[1];
  if (!line) return null;
  let match = /^(?:look at|examine the) ([a-z]+) (?:under|with) the desklamp$/.exec(line);
  if (match) return { object: match[1]!, receptacle: null, treatment: null, count: 1, lamp: true };
  match = /^(?:put|find) two ([a-z]+) (?:and put them )?(?:in|on) ([a-z]+)$/.exec(line);
  if (match) return { object: match[1]!, receptacle: match[2]!, treatment: null, count: 2, lamp: false };
  const adjectives: Record<string, Treatment> = { clean: 'clean', hot: 'heat', cool: 'cool' };
  match = /^put a (clean|hot|cool) ([a-z]+) (?:in|on) ([a-z]+)$/.exec(line);
  if (match) return { object: match[2]!, receptacle: match[3]!, treatment: adjectives[match[1]!]!, count: 1, lamp: false };
  match = /^(clean|heat|cool) some ([a-z]+) and put it (?:in|on) ([a-z]+)$/.exec(line);
  if (match) return { object: match[2]!, receptacle: match[3]!, treatment: match[1] as Treatment, count: 1, lamp: false };
  match = /^put (?:a|some) ([a-z]+) (?:in|on) ([a-z]+)$/.exec(line);
  if (match) return { object: match[1]!, receptacle: match[2]!, treatment: null, count: 1, lamp: false };
  return null;
}

const typeOf = (id: string) => id.replace(/ \d+$/, '');

/** What the successful calls so far did: where objects went, what was treated, the lamp. */
function replay(view: View) {
  const location = new Map<string, string>();
  const treated = new Map<string, Set<Treatment>>();
  let here: string | null = null;
  let lampOnAt: string | null = null;
  for (const step of view.trajectory) {
    const action = step.action;
    if (action?.kind !== 'call' || step.result?.ok !== true) continue;
    const args = action.arguments as Record<string, string>;
    if (action.tool === 'go_to') here = args.receptacle!;
    if (action.tool === 'take') location.set(args.object!, 'agent');
    if (action.tool === 'put') location.set(args.object!, args.receptacle!);
    if (action.tool === 'clean' || action.tool === 'heat' || action.tool === 'cool') {
      const set = treated.get(args.object!) ?? new Set<Treatment>();
      if (action.tool === 'heat') set.delete('cool');
      if (action.tool === 'cool') set.delete('heat');
      set.add(action.tool);
      treated.set(args.object!, set);
    }
    if (action.tool === 'use') lampOnAt = step.result.output.startsWith('You turn on') ? here : null;
  }
  return { location, treated, here, lampOnAt };
}

/**
 * Finish only when the task holds: the right object in the right kind of receptacle (treated where the
 * task says so), or held under the lit lamp. Otherwise name the one tool to use next.
 */
export default defineModule({
  name: 'goal-check',
  why: 'Episodes were finished while the object was not yet found, treated or placed.',
  guard(action, view) {
    if (action.kind !== 'finish') return undefined;
    const task = taskOf(view.instruction);
    if (!task) return undefined;
    const { location, treated, here, lampOnAt } = replay(view);
    const holding = /^You are carrying: a ([a-z]+ \d+)\.$/.exec(view.peek('inventory', {}).output)?.[1] ?? null;
    const seen = here ? view.peek('examine', { target: here }).output : '';
    const ok = (id: string) => task.treatment === null || (treated.get(id)?.has(task.treatment) ?? false);
    let next: string;
    if (task.lamp) {
      const holdingIt = holding !== null && typeOf(holding) === task.object;
      if (holdingIt && lampOnAt !== null && lampOnAt === here) return undefined;
      next = !holdingIt ? (holding !== null ? 'put' : nextFind(task, here, seen)) : here !== null && seen.includes('desklamp') ? 'use' : 'go_to';
    } else {
      const placed = [...location.entries()].filter(([id, at]) => typeOf(id) === task.object && typeOf(at) === task.receptacle && ok(id));
      if (placed.length >= task.count) return undefined;
      if (holding !== null && typeOf(holding) === task.object) {
        const appliance = task.treatment === 'clean' ? 'sinkbasin' : task.treatment === 'heat' ? 'microwave' : 'fridge';
        if (!ok(holding)) next = here !== null && typeOf(here) === appliance ? task.treatment! : 'go_to';
        else next = here !== null && typeOf(here) === task.receptacle ? (seen.endsWith('is closed.') ? 'open' : 'put') : 'go_to';
      } else {
        next = holding !== null ? 'put' : nextFind(task, here, seen);
      }
    }
    return { block: `Not done yet: the task does not hold. Next step: ${next}.` };
  },
});

function nextFind(task: Task, here: string | null, seen: string): string {
  if (here === null) return 'go_to';
  if (seen.endsWith('is closed.')) return 'open';
  return new RegExp(`\\b${task.object} \\d+`).test(seen) ? 'take' : 'go_to';
}
