import { describe, expect, it } from 'vitest';
import { createHousehold } from '../../environments/household/index.ts';
import { TASK_KINDS } from '../../environments/household/goals.ts';
import { OBJECT_TYPES } from '../../environments/household/catalog.ts';
import { hashOf } from '../../src/toolkit/index.ts';
import { episode, followOracle, household, play } from './helpers.ts';

describe('household tasks', () => {
  it('has 102 tasks, 17 of each of the six kinds, split 41 / 25 / 36 with every kind in every split', () => {
    expect(household.tasks).toHaveLength(102);
    const sizes = { train: 0, validation: 0, test: 0 };
    for (const task of household.tasks) sizes[task.split]++;
    expect(sizes).toEqual({ train: 41, validation: 25, test: 36 });
    expect(sizes.test / household.tasks.length).toBeGreaterThanOrEqual(0.3);
    for (const kind of TASK_KINDS) {
      const ofKind = household.tasks.filter((task) => task.kind === kind);
      expect(ofKind, kind).toHaveLength(17);
      for (const split of ['train', 'validation', 'test'] as const) expect(ofKind.some((task) => task.split === split), `${kind} in ${split}`).toBe(true);
    }
    expect(new Set(household.tasks.map((task) => task.id)).size).toBe(102);
  });

  it('pins the generated tasks and rooms for the default seed', () => {
    expect(household.tasksHash).toBe('c4d9165adcb0b6567b0188852f72ad9388a5c648c35ed38f786d2b36aa4e12b9');
    expect(hashOf(household.tasks)).toBe(hashOf(createHousehold().tasks));
    const task = household.task('household-001');
    expect(household.hashState(household.createState(task, 0))).toBe(household.hashState(household.createState(task, 99)));
    expect(createHousehold({ seed: 12 }).tasksHash).not.toBe(household.tasksHash);
  });

  it('words every instruction as ALFWorld does: the room, then the task', () => {
    for (const task of household.tasks) {
      expect(task.instruction, task.id).toMatch(/^You are in the middle of a room\. Looking quickly around you, you see a [a-z]+ \d+(, a [a-z]+ \d+)*, and a [a-z]+ \d+\.\n\nYour task is to: .+\.$/);
    }
  });

  it('hides every object a task needs in a closed receptacle, so the agent must search', () => {
    for (const id of household.tasks.map((task) => task.id)) {
      const task = household.task(id);
      const wanted = Object.entries(task.layout.objects).filter(([, item]) => item.type === task.goal.object);
      expect(wanted.length, id).toBeGreaterThanOrEqual(task.kind === 'two-object' ? 2 : 1);
      for (const [, item] of wanted) {
        const receptacle = task.layout.receptacles[item.location]!;
        expect(receptacle.openable && !receptacle.open, `${id}: ${item.type} in ${item.location}`).toBe(true);
        expect(receptacle.type, id).not.toBe(task.goal.receptacle);
        expect(OBJECT_TYPES[item.type]!.homes, id).toContain(receptacle.type);
      }
    }
  });

  it('the oracle solves every task of every split, planned whole and followed step by step', () => {
    const lengths: number[] = [];
    for (const task of household.tasks) {
      const whole = episode(task.id);
      const plan = whole.oracle();
      expect(plan.at(-1)?.purpose, task.id).toBe('finish');
      expect(plan.length, task.id).toBeLessThanOrEqual(30);
      play(whole, plan);
      expect(whole.verify(), task.id).toMatchObject({ success: true, reward: 1, differences: [] });

      const stepwise = episode(task.id);
      lengths.push(followOracle(stepwise));
      expect(stepwise.verify().success, task.id).toBe(true);
    }
    expect(Math.max(...lengths)).toBeLessThanOrEqual(30);
  });

  it('tags purposes honestly: the search identifies, other moves and openings inspect, changing objects writes', () => {
    for (const task of household.tasks) {
      const plan = episode(task.id).oracle();
      expect(plan.at(-1)?.purpose, task.id).toBe('finish');
      let found = false;
      for (const step of plan) {
        if (step.action.kind === 'finish') continue;
        const tool = step.action.tool;
        if (tool === 'take') found = true;
        if (['take', 'put', 'clean', 'heat', 'cool', 'use'].includes(tool)) expect(step.purpose, `${task.id} ${tool}`).toBe('write');
        else if (step.purpose === 'identify') expect(['go_to', 'open'], task.id).toContain(tool);
        else expect(step.purpose, `${task.id} ${tool}`).toBe('inspect');
      }
      // Every task starts with a search (its objects are hidden), and the object is found before it is taken.
      expect(found, task.id).toBe(true);
      expect(plan[0]!.purpose, task.id).toBe('identify');
      const firstTake = plan.findIndex((step) => step.action.kind === 'call' && step.action.tool === 'take');
      expect(plan[firstTake - 1]!.purpose, task.id).toBe('identify');
    }
  });
});
