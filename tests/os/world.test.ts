import { afterAll, describe, expect, it } from 'vitest';
import { createOs } from '../../environments/os/index.ts';
import { HOME } from '../../environments/os/machine.ts';
import { viewOf } from '../../environments/os/tree.ts';
import { hashOf } from '../../src/toolkit/index.ts';

const os = createOs();
afterAll(() => os.shell.close());

/** Everything generated for a task: the public face, the tree, the goal and the gold plan. */
function fingerprint(environment: ReturnType<typeof createOs>) {
  return environment.tasks.map((info) => {
    const task = environment.task(info.id);
    return { info, world: task.world, goal: task.goal, inspects: task.inspects, writes: task.writes, finalMessage: task.finalMessage, difficulty: task.difficulty };
  });
}

describe('os: generated world and tasks', () => {
  it('is pinned for the default seed', () => {
    expect(os.tasks).toHaveLength(80);
    expect(hashOf(fingerprint(os))).toBe('1403317a8d3884fc6ad0865d38827bc7058c6986069df9a31a4adb27f26a37d3');
  });

  it('is the same for the same seed and different for another', () => {
    const again = createOs();
    const other = createOs({ seed: 10 });
    expect(hashOf(fingerprint(again))).toBe(hashOf(fingerprint(os)));
    expect(hashOf(fingerprint(other))).not.toBe(hashOf(fingerprint(os)));
    again.shell.close();
    other.shell.close();
  });

  it('deals at least 30% of the tasks to test, every family to every split', () => {
    const counts = { train: 0, validation: 0, test: 0 };
    for (const task of os.tasks) counts[task.split] += 1;
    expect(counts.test / os.tasks.length).toBeGreaterThanOrEqual(0.3);
    expect(counts).toEqual({ train: 32, validation: 20, test: 28 });
    const families = new Set(os.tasks.map((task) => task.kind));
    expect([...families].sort()).toEqual(['accounts', 'admin', 'logs', 'media', 'project', 'records', 'scripts']);
    for (const family of families) {
      for (const split of ['train', 'validation', 'test'] as const) expect(os.tasks.some((task) => task.kind === family && task.split === split)).toBe(true);
    }
  });

  it('has three difficulty levels, questions, changes and scripts in every split', () => {
    const tasks = os.tasks.map((info) => os.task(info.id));
    expect(new Set(tasks.map((task) => task.difficulty))).toEqual(new Set(['easy', 'medium', 'hard']));
    for (const split of ['train', 'validation', 'test'] as const) {
      const kinds = new Set(tasks.filter((task) => task.split === split).map((task) => task.goal.kind));
      expect(kinds).toEqual(new Set(['answer', 'state', 'script']));
    }
  });

  it('keeps answers and expected trees out of the public task', () => {
    for (const info of os.tasks) {
      expect(Object.keys(info).sort()).toEqual(['id', 'instruction', 'kind', 'split']);
      const task = os.task(info.id);
      // Longer answers (an address, a name, a path) must not be given away; a small number may well appear.
      if (task.goal.kind === 'answer' && task.goal.answer.type === 'text' && task.finalMessage.length >= 4) {
        expect(info.instruction).not.toContain(task.finalMessage);
      }
    }
  });

  it('gives a fresh session the task tree, at home, at the start time, whatever the episode seed', () => {
    const info = os.tasks[0]!;
    const first = os.reset(info.id, 1);
    const second = os.reset(info.id, 2);
    expect(first.stateHash()).toBe(second.stateHash());
    expect(first.stateHash()).toBe(hashOf(viewOf(os.task(info.id).world)));
    expect(os.createState(os.task(info.id), 1).cwd).toBe(HOME);
  });

  it('leaves every task tree unchanged through the shell when a command changes nothing', () => {
    for (const info of os.tasks) {
      const task = os.task(info.id);
      const { machine } = os.shell.run(os.createState(task, 0), ['true']);
      expect(viewOf(machine.files), info.id).toEqual(viewOf(task.world));
    }
  });
});
