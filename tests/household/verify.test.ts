import { describe, expect, it } from 'vitest';
import { createRandom, seedOf, type OracleSession } from '../../src/toolkit/index.ts';
import { episode, followOracle, household, play, taskOfKind } from './helpers.ts';

/** Play the oracle's calls up to (not including) the first call of a tool, e.g. to skip a clean. */
function playUntil(session: OracleSession, tool: string): void {
  for (;;) {
    const next = session.oracle()[0]!;
    if (next.action.kind === 'finish' || next.action.tool === tool) return;
    play(session, [next]);
  }
}

function failing(session: OracleSession): string[] {
  return session.verify().checks.filter((item) => !item.passed).map((item) => item.name);
}

describe('household verifier', () => {
  it('a premature finish fails the goal and names the object that is not in place', () => {
    const id = taskOfKind('pick-and-place');
    const task = household.task(id);
    const session = episode(id);
    session.finish('Done.');
    const verification = session.verify();
    expect(verification.success).toBe(false);
    expect(failing(session)).toEqual(['goal:object-in-place']);
    const wanted = Object.keys(task.layout.objects).filter((object) => object.startsWith(`${task.goal.object} `));
    expect(verification.differences).toHaveLength(1);
    expect(verification.differences[0]).toMatchObject({ table: 'objects', field: 'location' });
    expect(wanted).toContain(verification.differences[0]!.key);
  });

  it('a reached goal without finish is not a success', () => {
    const session = episode(taskOfKind('pick-and-place'));
    const plan = session.oracle();
    play(session, plan.slice(0, -1));
    expect(failing(session)).toEqual(['finished']);
    expect(session.verify().success).toBe(false);
  });

  it('placing an object without cleaning it fails goal:object-cleaned and names its clean field; the oracle picks it up again', () => {
    const id = taskOfKind('clean-then-place');
    const session = episode(id);
    playUntil(session, 'clean');
    // Skip the clean: carry the object straight to its destination and put it there.
    const goal = household.task(id).goal;
    const held = session.peek('inventory', {}).output.replace(/^You are carrying: a (.+)\.$/, '$1');
    const destination = household.task(id).layout.receptacles;
    const target = Object.keys(destination).find((receptacle) => destination[receptacle]!.type === goal.receptacle)!;
    expect(session.step('go_to', { receptacle: target }).ok).toBe(true);
    if (destination[target]!.openable) expect(session.step('open', { receptacle: target }).ok).toBe(true);
    expect(session.step('put', { object: held, receptacle: target }).ok).toBe(true);
    expect(failing(session)).toEqual(['goal:object-cleaned', 'finished']);
    expect(session.verify().differences).toEqual([{ table: 'objects', key: held, field: 'clean' }]);
    expect(session.oracle()[0]!.action).toEqual({ kind: 'call', tool: 'take', arguments: { object: held, receptacle: target } });
    followOracle(session);
    expect(session.verify().success).toBe(true);
  });

  it('two-object: one placed is not enough, and the next object to place is named', () => {
    const id = taskOfKind('two-object');
    const session = episode(id);
    playUntil(session, 'put');
    play(session, [session.oracle()[0]!]);
    expect(failing(session)).toEqual(['goal:second-object-in-place', 'finished']);
    const differences = session.verify().differences;
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatchObject({ table: 'objects', field: 'location' });
    expect(differences[0]!.key.startsWith(`${household.task(id).goal.object} `)).toBe(true);
  });

  it('examine-under-lamp: the object must be held where the lit lamp stands', () => {
    const id = taskOfKind('examine-under-lamp');
    const session = episode(id);
    playUntil(session, 'use');
    expect(failing(session)).toEqual(['goal:light-on', 'finished']);
    const lamp = session.oracle()[0]!;
    if (lamp.action.kind !== 'call') throw new Error('expected the use of the lamp');
    expect(session.verify().differences).toEqual([{ table: 'objects', key: lamp.action.arguments.object, field: 'on' }]);
    play(session, [lamp]);
    expect(failing(session)).toEqual(['finished']);
    // Switching the lamp off again undoes the goal; the oracle switches it back on.
    play(session, [lamp]);
    expect(failing(session)).toEqual(['goal:light-on', 'finished']);
    expect(session.oracle()[0]).toEqual(lamp);
    followOracle(session);
    expect(session.verify().success).toBe(true);
  });
});

describe('household oracle from states reached by mistakes', () => {
  it('a wrong object in hand is put down first', () => {
    const id = taskOfKind('pick-and-place');
    const task = household.task(id);
    const [receptacle, other] = Object.entries(task.layout.objects).map(([object, item]) => [item.location, object] as const).find(([location, object]) => !task.layout.receptacles[location]!.openable && !object.startsWith(task.goal.object) && !object.startsWith('desklamp'))!;
    const session = episode(id);
    play(session, [
      { action: { kind: 'call', tool: 'go_to', arguments: { receptacle } }, purpose: 'inspect' },
      { action: { kind: 'call', tool: 'take', arguments: { object: other, receptacle } }, purpose: 'write' },
    ]);
    expect(session.oracle()[0]!.action).toEqual({ kind: 'call', tool: 'put', arguments: { object: other, receptacle } });
    followOracle(session);
    expect(session.verify().success).toBe(true);
  });

  it('after seeded random moves (many of them inadmissible), following the oracle solves every task', () => {
    for (const task of household.tasks) {
      const session = episode(task.id);
      const random = createRandom(seedOf('wander', task.id));
      const state = household.task(task.id).layout;
      const receptacles = Object.keys(state.receptacles);
      const objects = Object.keys(state.objects);
      let here = '';
      for (let move = 0; move < 12; move++) {
        const object = random.pick(objects);
        const choice = random.int(0, 7);
        const target = random.pick(receptacles);
        const call: [string, Record<string, string>] =
          choice === 0 ? ['go_to', { receptacle: target }]
          : choice === 1 ? ['open', { receptacle: here || target }]
          : choice === 2 ? ['take', { object, receptacle: here || target }]
          : choice === 3 ? ['put', { object, receptacle: here || target }]
          : choice === 4 ? ['close', { receptacle: here || target }]
          : choice === 5 ? ['use', { object: 'desklamp 1' }]
          : choice === 6 ? ['heat', { object, receptacle: 'microwave 1' }]
          : ['go_to', { receptacle: target }];
        const result = session.step(call[0], call[1]);
        if (call[0] === 'go_to' && result.ok) here = target;
      }
      const steps = followOracle(session);
      expect(session.verify().success, task.id).toBe(true);
      expect(steps, task.id).toBeLessThanOrEqual(38);
    }
  });
});
