import { defineModule } from 'bridle/harness';

const NOTHING = 'Nothing happens.';

/**
 * ALFWorld's "Nothing happens." says nothing about why. Add what the agent could see for itself: where it
 * stands, what lies there, what it carries, and (for the usual causes) the one tool that fixes it.
 */
export default defineModule({
  name: 'situation',
  why: 'Impossible actions answer only "Nothing happens.", and agents repeated them or varied them blindly.',
  interpret(outcome, view) {
    if (outcome.action?.kind !== 'call' || outcome.result?.ok !== false || outcome.result.output !== NOTHING) return undefined;
    const where = /^You are facing the ([a-z]+ \d+)\./.exec(view.peek('look', {}).output);
    const here = where ? where[1]! : null;
    const carrying = view.peek('inventory', {}).output;
    const holding = /^You are carrying: a ([a-z]+ \d+)\.$/.exec(carrying)?.[1] ?? null;
    const seen = here ? view.peek('examine', { target: here }).output : '';
    const closed = here !== null && seen === `The ${here} is closed.`;
    const tool = outcome.action.tool;
    const args = outcome.action.arguments;
    let hint = '';
    if (here === null) hint = 'You are in the middle of the room: go_to a receptacle first.';
    else if (closed && (tool === 'take' || tool === 'put')) hint = `The ${here} is closed: open it first.`;
    else if ((tool === 'take' || tool === 'put' || tool === 'open' || tool === 'close') && args.receptacle !== here) hint = `You can only act on the ${here} here.`;
    else if (tool === 'take' && holding !== null) hint = `Your hands are full (${holding}): put it down first.`;
    else if (tool === 'put' && holding !== null && args.object !== holding) hint = `You carry ${holding}.`;
    return `${outcome.text} You are at ${here ?? 'the middle of the room'}. ${seen} ${carrying} ${hint}`.replace(/\s+/g, ' ').trim();
  },
});
