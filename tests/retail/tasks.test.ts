import { describe, expect, it } from 'vitest';
import { createRetail } from '../../environments/retail/index.ts';
import { callsOf, play } from './helpers.ts';

const environment = createRetail();

describe('retail tasks', () => {
  it('has 96 tasks split 36 / 24 / 36 with unique ids', () => {
    const sizes = { train: 0, validation: 0, test: 0 };
    for (const task of environment.tasks) sizes[task.split]++;
    expect(environment.tasks).toHaveLength(96);
    expect(sizes).toEqual({ train: 36, validation: 24, test: 36 });
    expect(new Set(environment.tasks.map((task) => task.id)).size).toBe(96);
  });

  it('tickets carry identification details', () => {
    for (const task of environment.tasks) {
      expect(task.instruction).toMatch(/@example\.(com|org|net)|zip (code )?(is )?\d{5}/);
    }
  });

  it('every gold plan, replayed through step and finish, verifies as a success', () => {
    for (const task of environment.tasks) {
      const session = environment.reset(task.id, 0);
      const plan = session.oracle();
      expect(plan[0]?.purpose, task.id).toBe('identify');
      expect(plan.length, task.id).toBeGreaterThanOrEqual(3);
      expect(plan.length, task.id).toBeLessThanOrEqual(14);
      play(session, callsOf(plan));
      expect(session.oracle(), task.id).toEqual([plan[plan.length - 1]]);
      play(session, plan.slice(-1));
      const verification = session.verify();
      expect(verification.checks.filter((check) => !check.passed), task.id).toEqual([]);
      expect(verification).toMatchObject({ success: true, reward: 1, differences: [] });
    }
  });

  it('confirms every write of a gold plan right before it', () => {
    for (const task of environment.tasks) {
      const plan = environment.reset(task.id, 0).oracle();
      plan.forEach((step, index) => {
        if (step.purpose !== 'write' || step.action.kind !== 'call' || step.action.tool === 'transfer_to_human_agents') return;
        const before = plan[index - 1];
        expect(before?.action).toEqual({ kind: 'call', tool: 'record_customer_confirmation', arguments: { action: step.action.tool, arguments: step.action.arguments } });
      });
    }
  });

  it('the oracle skips what is done, including a write made without its confirmation', () => {
    const task = environment.tasks.find((candidate) => {
      const plan = environment.reset(candidate.id, 0).oracle();
      return plan.filter((step) => step.purpose === 'write').length === 2;
    });
    expect(task).toBeDefined();
    const session = environment.reset(task!.id, 0);
    const plan = session.oracle();
    const firstWrite = plan.findIndex((step) => step.purpose === 'write');
    play(session, [plan[0]!, plan[firstWrite]!]);
    const remaining = session.oracle();
    expect(remaining).not.toContainEqual(plan[firstWrite]);
    expect(remaining).not.toContainEqual(plan[firstWrite - 1]);
    expect(remaining[remaining.length - 1]?.purpose).toBe('finish');
    // After a matching confirmation, only the write itself remains of that pair.
    const secondConfirm = plan.findIndex((step, index) => index > firstWrite && step.purpose === 'confirm');
    play(session, [plan[secondConfirm]!]);
    const afterConfirm = session.oracle();
    expect(afterConfirm).not.toContainEqual(plan[secondConfirm]);
    expect(afterConfirm).toContainEqual(plan[secondConfirm + 1]);
  });
});
