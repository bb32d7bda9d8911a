import { describe, expect, it } from 'vitest';
import type { OracleStep } from '../../src/contracts/environment.ts';
import { createRetail } from '../../environments/retail/index.ts';
import { containsOutput, normaliseText } from '../../environments/retail/text-match.ts';
import { callsOf, finishMessageOf, play } from './helpers.ts';

const environment = createRetail();
const goldOf = (taskId: string) => environment.reset(taskId, 0).oracle();
const findTask = (accept: (plan: OracleStep[]) => boolean) => {
  const task = environment.tasks.find((candidate) => accept(goldOf(candidate.id)));
  if (!task) throw new Error('no such task');
  return task;
};
const writesOf = (plan: OracleStep[]) => plan.filter((step) => step.purpose === 'write' && step.action.kind === 'call' && step.action.tool !== 'transfer_to_human_agents');
const checkOf = (verification: { checks: { name: string; passed: boolean }[] }, name: string) => verification.checks.find((check) => check.name === name);

describe('retail verifier', () => {
  it('fails policy:confirmation for an unconfirmed write while the database matches', () => {
    const task = findTask((plan) => writesOf(plan).length === 1);
    const session = environment.reset(task.id, 0);
    const plan = session.oracle();
    play(session, plan.filter((step) => step.purpose !== 'confirm'));
    const verification = session.verify();
    expect(verification.success).toBe(false);
    expect(verification.reward).toBe(0);
    expect(checkOf(verification, 'database')?.passed).toBe(true);
    expect(checkOf(verification, 'policy:confirmation')?.passed).toBe(false);
    expect(verification.differences).toEqual([]);
  });

  it('fails policy:confirmation when the confirmed arguments differ from the write', () => {
    const task = findTask((plan) => writesOf(plan).some((step) => step.action.kind === 'call' && step.action.tool === 'cancel_pending_order'));
    const session = environment.reset(task.id, 0);
    const plan = session.oracle();
    for (const step of plan) {
      if (step.purpose === 'confirm' && step.action.kind === 'call') {
        const args = step.action.arguments as { action: string; arguments: Record<string, string> };
        session.step('record_customer_confirmation', { action: args.action, arguments: { ...args.arguments, extra: 'x' } });
      } else if (step.action.kind === 'call') {
        session.step(step.action.tool, step.action.arguments);
      } else {
        session.finish(step.action.message);
      }
    }
    expect(checkOf(session.verify(), 'policy:confirmation')?.passed).toBe(false);
  });

  it('reports table/key/field differences for a wrong write', () => {
    const task = findTask((plan) => writesOf(plan).length === 1 && writesOf(plan)[0]!.action.kind === 'call' && (writesOf(plan)[0]!.action as { tool: string }).tool === 'cancel_pending_order');
    const session = environment.reset(task.id, 0);
    const plan = session.oracle();
    const write = writesOf(plan)[0]!.action as { kind: 'call'; tool: string; arguments: { order_id: string; reason: string } };
    const wrongReason = write.arguments.reason === 'no longer needed' ? 'ordered by mistake' : 'no longer needed';
    const wrongArgs = { order_id: write.arguments.order_id, reason: wrongReason };
    play(session, [plan[0]!]);
    session.step('record_customer_confirmation', { action: 'cancel_pending_order', arguments: wrongArgs });
    expect(session.step('cancel_pending_order', wrongArgs).ok).toBe(true);
    session.finish(finishMessageOf(plan));
    const verification = session.verify();
    expect(verification.success).toBe(false);
    expect(checkOf(verification, 'database')?.passed).toBe(false);
    expect(checkOf(verification, 'policy:confirmation')?.passed).toBe(true);
    expect(verification.differences).toEqual([{ table: 'orders', key: write.arguments.order_id, field: 'cancel_reason' }]);
  });

  it('fails policy:identification when a write comes before the lookup', () => {
    const task = findTask((plan) => writesOf(plan).length === 1);
    const session = environment.reset(task.id, 0);
    const plan = session.oracle();
    play(session, [...plan.slice(1), plan[0]!].filter((step) => step.action.kind === 'call'));
    session.finish(finishMessageOf(plan));
    const verification = session.verify();
    expect(checkOf(verification, 'database')?.passed).toBe(true);
    expect(checkOf(verification, 'policy:identification')?.passed).toBe(false);
    expect(verification.success).toBe(false);
  });

  it('needs required outputs in the final message, in any spelling of the number', () => {
    // A task whose final message must state dollar amounts: finishing with a bare message fails it.
    const task = environment.tasks.find((candidate) => {
      const session = environment.reset(candidate.id, 0);
      const plan = session.oracle();
      play(session, callsOf(plan));
      session.finish('All done.');
      return /\$\d/.test(finishMessageOf(plan)) && session.verify().checks.some((check) => check.name === 'output:required' && !check.passed);
    });
    expect(task).toBeDefined();
    const plan = goldOf(task!.id);
    const withoutAmounts = environment.reset(task!.id, 0);
    play(withoutAmounts, callsOf(plan));
    withoutAmounts.finish('All done.');
    const verification = withoutAmounts.verify();
    expect(verification.success).toBe(false);
    expect(checkOf(verification, 'database')?.passed).toBe(true);
    const respelled = environment.reset(task!.id, 0);
    play(respelled, callsOf(plan));
    // The gold message shouted, with every amount written with thousands separators and without "$".
    const respelledMessage = finishMessageOf(plan)
      .replace(/\$(\d+\.\d\d)/g, (_, amount: string) => `USD ${Number(amount).toLocaleString('en-US')}`)
      .toUpperCase()
      .replace(/ /g, '  ');
    expect(respelledMessage).not.toContain('$');
    respelled.finish(respelledMessage);
    expect(respelled.verify().checks.filter((check) => check.name === 'output:required').every((check) => check.passed)).toBe(true);
  });

  it('normalises case, spacing, dollars and thousands separators but respects number boundaries', () => {
    expect(normaliseText('  Refund:\n $1,234.50 ')).toBe('refund: 1234.5');
    expect(containsOutput('Your refund is $1,234.50.', '1234.5')).toBe(true);
    expect(containsOutput('your refund is 1234.50 dollars', '$1,234.50')).toBe(true);
    expect(containsOutput('Status: PENDING (Item   Modified)', 'pending (item modified)')).toBe(true);
    expect(containsOutput('tracking 496231423182 and 346924675045', '346924675045')).toBe(true);
    expect(containsOutput('total 12.5', '$12.00')).toBe(false);
    expect(containsOutput('total 112', '$12')).toBe(false);
    expect(containsOutput('total $12.55', '$12.50')).toBe(false);
    expect(containsOutput('it was undelivered', 'delivered')).toBe(false);
  });

  it('passes a refusal task that changed nothing, even after a refused write attempt', () => {
    const task = findTask((plan) => writesOf(plan).length === 0 && !plan.some((step) => step.action.kind === 'call' && step.action.tool === 'transfer_to_human_agents') && /cannot be cancelled/.test(finishMessageOf(plan)));
    const session = environment.reset(task.id, 0);
    const plan = session.oracle();
    play(session, callsOf(plan));
    const read = plan.find((step) => step.action.kind === 'call' && step.action.tool === 'get_order_details')!.action;
    const orderId = read.kind === 'call' ? String(read.arguments.order_id) : '';
    expect(session.step('cancel_pending_order', { order_id: orderId, reason: 'no longer needed' }).ok).toBe(false);
    session.finish(finishMessageOf(plan));
    expect(session.verify().success).toBe(true);
  });

  it('requires a transfer exactly when the task calls for one', () => {
    const task = findTask((plan) => plan.some((step) => step.action.kind === 'call' && step.action.tool === 'transfer_to_human_agents'));
    const session = environment.reset(task.id, 0);
    const plan = session.oracle();
    play(session, plan.filter((step) => !(step.action.kind === 'call' && step.action.tool === 'transfer_to_human_agents')));
    const verification = session.verify();
    expect(checkOf(verification, 'policy:transfer')?.passed).toBe(false);
    expect(verification.success).toBe(false);
    const other = findTask((candidate) => writesOf(candidate).length === 1);
    const needless = environment.reset(other.id, 0);
    const otherPlan = needless.oracle();
    play(needless, callsOf(otherPlan));
    needless.step('transfer_to_human_agents', { summary: 'customer wants help' });
    needless.finish(finishMessageOf(otherPlan));
    expect(checkOf(needless.verify(), 'policy:transfer')?.passed).toBe(false);
  });

  it('fails an unfinished episode and ignores steps after the finish', () => {
    const task = findTask((plan) => writesOf(plan).length === 1);
    const session = environment.reset(task.id, 0);
    const plan = session.oracle();
    play(session, callsOf(plan));
    expect(checkOf(session.verify(), 'finished')?.passed).toBe(false);
    session.finish(finishMessageOf(plan));
    expect(session.step('get_user_details', { user_id: 'someone_else_1234' }).output).toMatch(/^Error: the episode is over/);
    expect(session.verify().success).toBe(true);
  });
});
