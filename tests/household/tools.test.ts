import { describe, expect, it } from 'vitest';
import type { OracleSession } from '../../src/toolkit/index.ts';
import type { HouseholdState } from '../../environments/household/index.ts';
import { NOTHING_HAPPENS } from '../../environments/household/tools.ts';
import { household, taskOfKind } from './helpers.ts';

/** A small fixed room, so each case reads plainly: a kitchen corner, a desk corner. */
function room(): HouseholdState {
  return {
    room: 'kitchen',
    agent: { location: null },
    receptacles: {
      'countertop 1': { type: 'countertop', openable: false, open: true },
      'drawer 1': { type: 'drawer', openable: true, open: false },
      'fridge 1': { type: 'fridge', openable: true, open: false },
      'microwave 1': { type: 'microwave', openable: true, open: false },
      'sinkbasin 1': { type: 'sinkbasin', openable: false, open: true },
      'desk 1': { type: 'desk', openable: false, open: true },
    },
    objects: {
      'apple 1': { type: 'apple', location: 'countertop 1', clean: false, hot: false, cool: false },
      'mug 2': { type: 'mug', location: 'countertop 1', clean: false, hot: false, cool: false },
      'fork 1': { type: 'fork', location: 'drawer 1', clean: false, hot: false, cool: false },
      'saltshaker 1': { type: 'saltshaker', location: 'drawer 1', clean: false, hot: false, cool: false },
      'desklamp 1': { type: 'desklamp', location: 'desk 1', clean: false, hot: false, cool: false, on: false },
    },
  };
}

/** Run tool calls on a state with the environment's own dispatcher; returns the outputs. */
function run(state: HouseholdState, calls: [string, Record<string, string>][]): { ok: boolean; output: string }[] {
  return calls.map(([tool, args]) => household.runner.run(state, tool, args));
}

const nothing = { ok: false, output: NOTHING_HAPPENS };

describe('household tools: every state-changing tool, legal and illegal', () => {
  it('go_to: arrives and shows what is on or in the receptacle; nothing happens for the place you stand at or an unknown one', () => {
    const state = room();
    expect(run(state, [['go_to', { receptacle: 'countertop 1' }]])).toEqual([{ ok: true, output: 'You arrive at countertop 1. On the countertop 1, you see a apple 1, and a mug 2.' }]);
    expect(state.agent.location).toBe('countertop 1');
    expect(run(state, [['go_to', { receptacle: 'drawer 1' }]])[0]!.output).toBe('You arrive at drawer 1. The drawer 1 is closed.');
    expect(run(state, [['go_to', { receptacle: 'drawer 1' }], ['go_to', { receptacle: 'cabinet 9' }]])).toEqual([nothing, nothing]);
    expect(state.agent.location).toBe('drawer 1');
  });

  it('open and close: only the closed (open) receptacle you are at', () => {
    const state = room();
    expect(run(state, [['open', { receptacle: 'drawer 1' }]])).toEqual([nothing]);
    run(state, [['go_to', { receptacle: 'drawer 1' }]]);
    expect(run(state, [['close', { receptacle: 'drawer 1' }]])).toEqual([nothing]);
    expect(run(state, [['open', { receptacle: 'drawer 1' }]])).toEqual([{ ok: true, output: 'You open the drawer 1. The drawer 1 is open. In it, you see a fork 1, and a saltshaker 1.' }]);
    expect(run(state, [['open', { receptacle: 'drawer 1' }]])).toEqual([nothing]);
    expect(run(state, [['close', { receptacle: 'drawer 1' }]])).toEqual([{ ok: true, output: 'You close the drawer 1.' }]);
    expect(state.receptacles['drawer 1']!.open).toBe(false);
    run(state, [['go_to', { receptacle: 'countertop 1' }]]);
    expect(run(state, [['open', { receptacle: 'countertop 1' }]])).toEqual([nothing]);
  });

  it('take: from the reachable receptacle you are at, hands empty; never from a closed one, another place, or a lamp', () => {
    const state = room();
    expect(run(state, [['take', { object: 'apple 1', receptacle: 'countertop 1' }]])).toEqual([nothing]);
    run(state, [['go_to', { receptacle: 'drawer 1' }]]);
    expect(run(state, [['take', { object: 'fork 1', receptacle: 'drawer 1' }]])).toEqual([nothing]);
    run(state, [['go_to', { receptacle: 'countertop 1' }]]);
    expect(run(state, [['take', { object: 'apple 1', receptacle: 'drawer 1' }]])).toEqual([nothing]);
    expect(run(state, [['take', { object: 'apple 1', receptacle: 'countertop 1' }]])).toEqual([{ ok: true, output: 'You pick up the apple 1 from the countertop 1.' }]);
    expect(state.objects['apple 1']!.location).toBe('agent');
    expect(run(state, [['take', { object: 'mug 2', receptacle: 'countertop 1' }]])).toEqual([nothing]);
    run(state, [['put', { object: 'apple 1', receptacle: 'countertop 1' }], ['go_to', { receptacle: 'desk 1' }]]);
    expect(run(state, [['take', { object: 'desklamp 1', receptacle: 'desk 1' }]])).toEqual([nothing]);
  });

  it('put: the carried object, where you are, into an open receptacle', () => {
    const state = room();
    run(state, [['go_to', { receptacle: 'countertop 1' }], ['take', { object: 'apple 1', receptacle: 'countertop 1' }], ['go_to', { receptacle: 'fridge 1' }]]);
    expect(run(state, [['put', { object: 'apple 1', receptacle: 'fridge 1' }]])).toEqual([nothing]);
    expect(run(state, [['put', { object: 'mug 2', receptacle: 'fridge 1' }]])).toEqual([nothing]);
    run(state, [['open', { receptacle: 'fridge 1' }]]);
    expect(run(state, [['put', { object: 'apple 1', receptacle: 'countertop 1' }]])).toEqual([nothing]);
    expect(run(state, [['put', { object: 'apple 1', receptacle: 'fridge 1' }]])).toEqual([{ ok: true, output: 'You put the apple 1 in/on the fridge 1.' }]);
    expect(state.objects['apple 1']!.location).toBe('fridge 1');
  });

  it('clean, heat, cool: the carried object at the right appliance, closed or not; heating undoes cooling', () => {
    const state = room();
    run(state, [['go_to', { receptacle: 'countertop 1' }], ['take', { object: 'apple 1', receptacle: 'countertop 1' }]]);
    expect(run(state, [['clean', { object: 'apple 1', receptacle: 'sinkbasin 1' }]])).toEqual([nothing]);
    run(state, [['go_to', { receptacle: 'sinkbasin 1' }]]);
    expect(run(state, [['clean', { object: 'mug 2', receptacle: 'sinkbasin 1' }]])).toEqual([nothing]);
    expect(run(state, [['clean', { object: 'apple 1', receptacle: 'sinkbasin 1' }]])).toEqual([{ ok: true, output: 'You clean the apple 1 using the sinkbasin 1.' }]);
    run(state, [['go_to', { receptacle: 'fridge 1' }]]);
    expect(run(state, [['heat', { object: 'apple 1', receptacle: 'microwave 1' }]])).toEqual([nothing]);
    expect(run(state, [['cool', { object: 'apple 1', receptacle: 'fridge 1' }]])).toEqual([{ ok: true, output: 'You cool the apple 1 using the fridge 1.' }]);
    run(state, [['go_to', { receptacle: 'microwave 1' }]]);
    expect(run(state, [['heat', { object: 'apple 1', receptacle: 'microwave 1' }]])).toEqual([{ ok: true, output: 'You heat the apple 1 using the microwave 1.' }]);
    expect(state.objects['apple 1']).toMatchObject({ clean: true, hot: true, cool: false });
    expect(run(state, [['examine', { target: 'apple 1' }]])[0]!.output).toBe('This is a hot and clean apple 1.');
  });

  it('clean, heat, cool: nothing happens for an object that cannot take the treatment', () => {
    const state = room();
    run(state, [['go_to', { receptacle: 'drawer 1' }], ['open', { receptacle: 'drawer 1' }], ['take', { object: 'saltshaker 1', receptacle: 'drawer 1' }], ['go_to', { receptacle: 'sinkbasin 1' }]]);
    expect(run(state, [['clean', { object: 'saltshaker 1', receptacle: 'sinkbasin 1' }]])).toEqual([nothing]);
    expect(state.objects['saltshaker 1']!.clean).toBe(false);
  });

  it('use: switches the desklamp where you stand on and off, nowhere else', () => {
    const state = room();
    expect(run(state, [['use', { object: 'desklamp 1' }]])).toEqual([nothing]);
    run(state, [['go_to', { receptacle: 'desk 1' }]]);
    expect(run(state, [['use', { object: 'desklamp 1' }], ['use', { object: 'desklamp 1' }], ['use', { object: 'desklamp 2' }]])).toEqual([
      { ok: true, output: 'You turn on the desklamp 1.' },
      { ok: true, output: 'You turn off the desklamp 1.' },
      nothing,
    ]);
  });

  it('refuses malformed ids with the schema error before the world is asked', () => {
    const state = room();
    const [bad] = run(state, [['go_to', { receptacle: 'Countertop 1' }]]);
    expect(bad!.ok).toBe(false);
    expect(bad!.output).toMatch(/^Error: argument 'receptacle' has an invalid format: 'Countertop 1' does not match/);
    expect(run(state, [['heat', { object: 'apple 1', receptacle: 'fridge 1' }]])[0]!.output).toMatch(/^Error: argument 'receptacle' has an invalid format/);
    expect(household.tools.find((tool) => tool.name === 'heat')!.parameters.properties.receptacle!.pattern).toBe('^microwave \\d+$');
  });
});

describe('household read-only tools', () => {
  it('inventory, look and examine answer as ALFWorld does and change nothing', () => {
    const state = room();
    const before = household.hashState(state);
    expect(run(state, [['look', {}], ['inventory', {}], ['examine', { target: 'countertop 1' }]])).toEqual([
      { ok: true, output: 'You are in the middle of a room. Looking quickly around you, you see a countertop 1, a desk 1, a drawer 1, a fridge 1, a microwave 1, and a sinkbasin 1.' },
      { ok: true, output: 'You are not carrying anything.' },
      nothing,
    ]);
    expect(household.hashState(state)).toBe(before);
    run(state, [['go_to', { receptacle: 'countertop 1' }], ['take', { object: 'mug 2', receptacle: 'countertop 1' }]]);
    const after = household.hashState(state);
    expect(run(state, [['look', {}], ['inventory', {}], ['examine', { target: 'countertop 1' }], ['examine', { target: 'mug 2' }], ['examine', { target: 'fork 1' }]])).toEqual([
      { ok: true, output: 'You are facing the countertop 1. Next to it, you see nothing.' },
      { ok: true, output: 'You are carrying: a mug 2.' },
      { ok: true, output: 'On the countertop 1, you see a apple 1.' },
      { ok: true, output: "There's nothing special about mug 2." },
      nothing,
    ]);
    expect(household.hashState(state)).toBe(after);
  });

  it('peek reaches the read-only tools of a live episode and is refused the others', () => {
    const session: OracleSession = household.reset(taskOfKind('pick-and-place'), 0);
    const before = session.stateHash();
    expect(session.peek('look', {}).output).toMatch(/^You are in the middle of a room/);
    expect(session.peek('inventory', {})).toEqual({ ok: true, output: 'You are not carrying anything.' });
    expect(session.peek('go_to', { receptacle: 'drawer 1' })).toEqual({ ok: false, output: 'Error: peek only allows read-only tools' });
    expect(session.stateHash()).toBe(before);
    expect(household.tools.filter((tool) => tool.readOnly).map((tool) => tool.name)).toEqual(['examine', 'inventory', 'look']);
  });
});
