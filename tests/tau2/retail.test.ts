/**
 * tau2-retail on the benchmark's own data: splits, the gold replay scoring 1.0 on every task, the
 * oracle from any state, tau2's reward naming what differs and what was not said, the tools' legal and
 * illegal calls with tau2's texts, and the two forms' texts.
 */
import { beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../src/harness/api.ts';
import { hashOf } from '../../src/toolkit/canonical.ts';
import { createTau2Retail } from '../../environments/tau2-retail/index.ts';
import type { RetailDatabase } from '../../environments/tau2-retail/database.ts';
import type { Tau2Environment } from '../../environments/tau2/domain.ts';
import { renderScenario } from '../../environments/tau2/scenario.ts';
import { describeWithBenchData } from '../helpers/bench-data.ts';
import { finishLikeTheOracle, followOracle, playGold } from './helpers.ts';

/**
 * Gold actions that fail, as they do in tau2-bench's own Python (checked against it): the benchmark's
 * reference trajectories include lookups of an email that does not exist, order ids without their 'W',
 * an exchange of an order that is not delivered, a gift card short of the difference. tau2 skips them.
 */
const FAILING_GOLD_ACTIONS = ['2:1', '3:1', '4:1', '12:4', '13:4', '21:5', '21:6', '21:8', '35:0', '37:0', '38:0', '39:0', '46:1', '46:2', '47:1', '47:2', '54:0', '55:0', '64:6', '67:0', '67:1', '68:0', '105:0'];

describeWithBenchData('tau2-retail', 'tau2/retail', (data) => {
  let environment: Tau2Environment<RetailDatabase>;
  beforeAll(() => {
    environment = createTau2Retail({ data });
  });

  it("keeps the benchmark's train/test ids and carves a third of train into validation, deterministically", () => {
    const splits = JSON.parse(readFileSync(join(data, 'tau2', 'retail', 'split_tasks.json'), 'utf8')) as { train: string[]; test: string[] };
    const ids = (split: string) => environment.tasks.filter((task) => task.split === split).map((task) => task.id);
    expect(new Set(ids('test'))).toEqual(new Set(splits.test));
    expect(new Set([...ids('train'), ...ids('validation')])).toEqual(new Set(splits.train));
    expect([ids('train').length, ids('validation').length, ids('test').length]).toEqual([49, 25, 40]);
    expect(environment.tasks.every((task) => task.kind === undefined)).toBe(true);
    expect(environment.splitNote).toMatch(/train\/test ids; validation is a third of train/);
    expect(createTau2Retail({ data }).tasks.map((task) => task.split)).toEqual(environment.tasks.map((task) => task.split));
    expect(environment.excluded).toEqual([]);
  });

  it('pins the task list: ids, splits and tickets', () => {
    expect(hashOf(environment.tasks.map((task) => [task.id, task.split, task.instruction]))).toBe('ac6934e2b3e6cc99f5d86b5ff9a1ac65c2b6a06e1eecbc014ac8e9def16d8d51');
  });

  it('replays the gold actions of every task with the outcomes tau2 has, and every task scores 1.0', () => {
    const failing: string[] = [];
    for (const task of environment.tasks) {
      environment.gold(task.id).steps.forEach((step, index) => {
        if (!step.ok) failing.push(`${task.id}:${index}`);
      });
      const session = playGold(environment, task.id);
      finishLikeTheOracle(session);
      const verdict = session.verify();
      expect(verdict, task.id).toMatchObject({ success: true, reward: 1, differences: [] });
    }
    expect(failing).toEqual(FAILING_GOLD_ACTIONS);
  });

  it('the oracle solves every task of every split', () => {
    for (const task of environment.tasks) {
      const session = environment.reset(task.id, 3);
      followOracle(session);
      expect(session.verify().success, task.id).toBe(true);
    }
  });

  it('the oracle gets back on track after wrong moves: a wrong address is redone, a change and its reversal are planned from the state', () => {
    // Task 78 changes an order's address: write a wrong one first.
    const session = environment.reset('78', 0);
    expect(session.step('modify_pending_order_address', { order_id: '#W5056519', address1: '1 Wrong Way', address2: '', city: 'Nowhere', state: 'NV', country: 'USA', zip: '89001' }).ok).toBe(true);
    followOracle(session);
    expect(session.verify().success).toBe(true);
    // Task 22 changes the user's address and then back: after a wrong address, the plan still ends right.
    const reverted = environment.reset('22', 0);
    expect(reverted.step('modify_user_address', { user_id: 'ethan_garcia_1261', address1: '9 Elsewhere', address2: '', city: 'Boston', state: 'MA', country: 'USA', zip: '02110' }).ok).toBe(true);
    followOracle(reverted);
    expect(reverted.verify().success).toBe(true);
    // After the whole gold plan nothing is left but the final message.
    expect(playGold(environment, '22').oracle().map((step) => step.action.kind)).toEqual(['finish']);
  });

  it('a run that changes one record wrongly scores 0 and names the record', () => {
    const session = environment.reset('88', 0);
    expect(session.step('cancel_pending_order', { order_id: '#W8835847', reason: 'no longer needed' }).ok).toBe(true);
    session.finish('Your order is cancelled.');
    const verdict = session.verify();
    expect(verdict.reward).toBe(0);
    expect(verdict.differences).toEqual([{ table: 'orders', key: '#W8835847', field: 'cancel_reason' }]);
    expect(verdict.checks.find((check) => check.name === 'database')).toMatchObject({ passed: false, detail: expect.stringContaining('orders.#W8835847.cancel_reason') });
  });

  it("a run that omits a required piece of information scores 0 and names it; tau2's matching ignores case and the message's commas", () => {
    const silent = playGold(environment, '33');
    silent.finish('Your address has been updated.');
    const verdict = silent.verify();
    expect(verdict.reward).toBe(0);
    expect(verdict.checks.filter((check) => !check.passed)).toEqual([{ name: 'output:communicate', passed: false, detail: "the agent never told the customer '1093.34'" }]);
    const told = playGold(environment, '33');
    told.finish('Done. The total was $1,093.34.');
    expect(told.verify().success).toBe(true);
  });

  it('a task without gold actions scores 0 once anything is changed', () => {
    const session = environment.reset('24', 0);
    const order = (environment.task('24').criteria!.actions ?? []).length;
    expect(order).toBe(0);
    finishLikeTheOracle(session);
    expect(session.verify().success).toBe(true);
    const changed = environment.reset('24', 0);
    expect(changed.step('modify_user_address', { user_id: 'ethan_garcia_1261', address1: '1 Main St', address2: '', city: 'Denver', state: 'CO', country: 'USA', zip: '80280' }).ok).toBe(true);
    finishLikeTheOracle(changed);
    expect(changed.verify()).toMatchObject({ success: false, differences: [{ table: 'users', key: 'ethan_garcia_1261', field: 'address' }] });
  });

  it('scores 0 without a stop, and at 10 tool errors (tau2 ends the episode there)', () => {
    const unfinished = playGold(environment, '88');
    expect(unfinished.verify().checks.find((check) => check.name === 'finished')).toMatchObject({ passed: false });
    const clumsy = playGold(environment, '88');
    for (let attempt = 0; attempt < 10; attempt++) clumsy.step('get_order_details', { order_id: '#W0000000' });
    finishLikeTheOracle(clumsy);
    expect(clumsy.verify().checks.find((check) => check.name === 'errors')).toMatchObject({ passed: false, detail: '10 tool error(s); tau2 ends an episode at 10 with reward 0' });
  });

  it("every write tool has a legal call, and an illegal one refused with tau2's text and no change", () => {
    const cases: [string, JsonObject, string][] = [
      ['cancel_pending_order', { order_id: '#W2378156', reason: 'no longer needed' }, 'Error: Non-pending order cannot be cancelled'],
      ['cancel_pending_order', { order_id: '#W8835847', reason: 'changed my mind' }, 'Error: Invalid reason'],
      ['exchange_delivered_order_items', { order_id: '#W8835847', item_ids: [], new_item_ids: [], payment_method_id: 'credit_card_0000000' }, 'Error: Non-delivered order cannot be exchanged'],
      ['modify_pending_order_items', { order_id: '#W2378156', item_ids: [], new_item_ids: [], payment_method_id: 'credit_card_0000000' }, 'Error: Non-pending order cannot be modified'],
      ['modify_pending_order_address', { order_id: '#W2378156', address1: 'a', address2: '', city: 'c', state: 's', country: 'USA', zip: '12345' }, 'Error: Non-pending order cannot be modified'],
      ['modify_pending_order_payment', { order_id: 'W8835847', payment_method_id: 'credit_card_0000000' }, 'Error: Order not found'],
      ['modify_user_address', { user_id: 'nobody_here_0000', address1: 'a', address2: '', city: 'c', state: 's', country: 'USA', zip: '12345' }, 'Error: User not found'],
      ['return_delivered_order_items', { order_id: '#W8835847', item_ids: [], payment_method_id: 'credit_card_0000000' }, 'Error: Non-delivered order cannot be returned'],
    ];
    for (const [tool, args, error] of cases) {
      const session = environment.reset('88', 0);
      const before = session.stateHash();
      expect(session.step(tool, args), tool).toEqual({ ok: false, output: error });
      expect(session.stateHash(), tool).toBe(before);
    }
    const writeTools = environment.tools.filter((tool) => !tool.readOnly).map((tool) => tool.name);
    for (const tool of writeTools) {
      const owner = environment.tasks.find((task) => environment.gold(task.id).steps.some((step) => step.ok && step.action.name === tool));
      expect(owner, `a task with a successful ${tool}`).toBeDefined();
      const step = environment.gold(owner!.id).steps.find((candidate) => candidate.ok && candidate.action.name === tool)!;
      expect(cases.some(([name]) => name === tool) || tool === 'transfer_to_human_agents', `${tool} has an illegal case`).toBe(true);
      expect(step.output.startsWith('Error'), tool).toBe(false);
    }
  });

  it("reads tau2's output format: a record as json.dumps prints it, keys and floats included", () => {
    const session = environment.reset('0', 0);
    const product = session.step('get_product_details', { product_id: '1656367028' });
    expect(product.output.startsWith('{"name": "Mechanical Keyboard", "product_id": "1656367028", "variants": {"9690244451": {"item_id": "9690244451", "options": {"switch type": "clicky", "backlight": "RGB", "size": "60%"}, "available": false, "price": 236.51}')).toBe(true);
    expect(session.peek('find_user_id_by_name_zip', { first_name: 'yusuf', last_name: 'ROSSI', zip: '19122' })).toEqual({ ok: true, output: 'yusuf_rossi_9620' });
    expect(session.peek('cancel_pending_order', { order_id: '#W2378156', reason: 'no longer needed' })).toMatchObject({ ok: false });
  });

  it("words the ticket from the whole user scenario and the user's brief as tau2 does", () => {
    const task = environment.task('88');
    for (const part of ['change the book shelf to 4 foot', 'daiki.silva6295@example.com', 'insecure, creative, direct']) expect(task.instruction).toContain(part);
    expect(environment.rules).toContain('## Ticket form');
    expect(environment.rules).toContain('the ticket is that confirmation');
    const brief = environment.conversation!.reset('88', 0).user;
    expect(brief.greeting).toBe('Hi! How can I help you today?');
    expect(brief.stopTokens).toEqual(['###STOP###', '###TRANSFER###', '###OUT-OF-SCOPE###']);
    expect(renderScenario(task.data.user_scenario)).toBe(
      'Instructions:\n\tDomain: retail\n\tReason for call:\n\t\tYou want to change the book shelf to 4 foot but with the same material and color. If it is not available, cancel the whole order and you will buy again. If the agent asks for the cancellation reason, you say you ordered by mistake.\n\tKnown info:\n\t\tYou name is Daiki Silva and your email is daiki.silva6295@example.com.\n\tTask instructions:\n\t\tYou are insecure, creative, direct, relaxing.',
    );
    expect(brief.instructions.endsWith(`<scenario>\n${renderScenario(task.data.user_scenario)}\n</scenario>`)).toBe(true);
    expect(environment.conversation!.rules).toContain('## Conversation');
    expect(environment.conversation!.tools.map((tool) => tool.name)).toEqual(environment.tools.map((tool) => tool.name));
  });

  it('plans a confirmation before each write in conversational form, and counts a message sent since the last write', () => {
    const session = environment.conversation!.reset('88', 0);
    const plan = session.oracle();
    expect(plan.map((step) => (step.action.kind === 'call' ? `${step.purpose}:${step.action.tool}` : 'finish'))).toEqual(['confirm:respond', 'write:cancel_pending_order', 'finish']);
    session.say('I will cancel #W8835847 because it was ordered by mistake. Confirm?');
    session.hear('yes');
    expect(session.oracle()[0]).toMatchObject({ purpose: 'write', action: { tool: 'cancel_pending_order' } });
  });
});
