import { describe, expect, it } from 'vitest';
import { createRetail, DEFAULT_WORLD_SEED } from '../../environments/retail/index.ts';
import { generateWorld } from '../../environments/retail/generate.ts';
import { calculate } from '../../environments/retail/calculate.ts';
import type { Order } from '../../environments/retail/data.ts';
import { netPaidByMethod } from '../../environments/retail/write-tools.ts';

const environment = createRetail();
const world = generateWorld(DEFAULT_WORLD_SEED);
const orders = Object.values(world.orders);
const firstWith = (status: Order['status']) => orders.find((order) => order.status === status)!;
const session = () => environment.reset('retail-001', 0);
const otherProductItem = (order: Order) =>
  Object.values(world.products).find((product) => product.product_id !== order.items[0]!.product_id)!.variants;

describe('retail tools', () => {
  it('answer reads with JSON records and plain user ids', () => {
    const user = Object.values(world.users)[0]!;
    const live = session();
    expect(live.step('find_user_id_by_email', { email: user.email.toUpperCase() })).toEqual({ ok: true, output: user.user_id });
    expect(live.step('find_user_id_by_name_zip', { first_name: user.name.first_name, last_name: user.name.last_name, zip: user.address.zip }).output).toBe(user.user_id);
    expect(JSON.parse(live.step('get_user_details', { user_id: user.user_id }).output)).toEqual(user);
    const order = orders[0]!;
    expect(JSON.parse(live.step('get_order_details', { order_id: order.order_id }).output)).toEqual(order);
    const types = JSON.parse(live.step('list_all_product_types', {}).output) as Record<string, string>;
    expect(Object.keys(types)).toHaveLength(Object.keys(world.products).length);
  });

  it('return realistic error texts for wrong ids and states', () => {
    const live = session();
    const delivered = firstWith('delivered');
    const pending = firstWith('pending');
    const processed = firstWith('processed');
    expect(live.step('get_order_details', { order_id: '#W0000000' })).toEqual({ ok: false, output: 'Error: order not found' });
    expect(live.step('get_user_details', { user_id: 'nobody_here_1234' })).toEqual({ ok: false, output: 'Error: user not found' });
    expect(live.step('find_user_id_by_email', { email: 'nobody@example.com' }).output).toBe('Error: user not found');
    expect(live.step('get_product_details', { product_id: '0000000001' }).output).toBe('Error: product not found');
    expect(live.step('get_product_details', { product_id: pending.items[0]!.item_id }).output).toMatch(/^Error: product not found \('\d{10}' is an item id/);
    expect(live.step('cancel_pending_order', { order_id: delivered.order_id, reason: 'no longer needed' }).output).toBe('Error: non-pending order cannot be cancelled');
    expect(live.step('modify_pending_order_payment', { order_id: processed.order_id, payment_method_id: 'paypal_0000000' }).output).toBe('Error: non-pending order cannot be modified');
    expect(live.step('modify_pending_order_payment', { order_id: pending.order_id, payment_method_id: 'paypal_0000000' }).output).toBe('Error: payment method not found');
    expect(live.step('return_delivered_order_items', { order_id: pending.order_id, item_ids: [pending.items[0]!.item_id], payment_method_id: 'paypal_0000000' }).output).toBe(
      'Error: non-delivered order cannot be returned',
    );
    expect(live.step('exchange_delivered_order_items', { order_id: pending.order_id, item_ids: [], new_item_ids: [], payment_method_id: 'paypal_0000000' }).output).toBe(
      'Error: non-delivered order cannot be exchanged',
    );
    const foreignItem = Object.keys(otherProductItem(pending))[0]!;
    const payer = [...netPaidByMethod(pending).keys()][0]!;
    expect(
      live.step('modify_pending_order_items', { order_id: pending.order_id, item_ids: [pending.items[0]!.item_id], new_item_ids: [foreignItem], payment_method_id: payer }).output,
    ).toBe(`Error: new item ${foreignItem} not found or not available`);
    expect(live.step('return_delivered_order_items', { order_id: delivered.order_id, item_ids: ['1111111111'], payment_method_id: payer }).output).toBe(
      `Error: item 1111111111 not found in order ${delivered.order_id}`,
    );
    expect(live.stateHash()).toBe(environment.worldHash);
  });

  it('refuse a gift card that cannot cover the amount', () => {
    const live = session();
    const target = orders.find((order) => {
      if (order.status !== 'pending') return false;
      const paid = [...netPaidByMethod(order).entries()];
      const card = Object.values(world.users[order.user_id]!.payment_methods).find((method) => method.source === 'gift_card');
      return card && card.balance < paid[0]![1] && paid[0]![0] !== card.id;
    });
    expect(target).toBeDefined();
    const card = Object.values(world.users[target!.user_id]!.payment_methods).find((method) => method.source === 'gift_card')!;
    expect(live.step('modify_pending_order_payment', { order_id: target!.order_id, payment_method_id: card.id }).output).toBe(
      'Error: insufficient gift card balance to pay for the order',
    );
    const swap = orders
      .filter((order) => order.status === 'pending')
      .flatMap((order) => {
        const gift = Object.values(world.users[order.user_id]!.payment_methods).find((method) => method.source === 'gift_card');
        return order.items.flatMap((item) =>
          Object.values(world.products[item.product_id]!.variants)
            .filter((variant) => variant.available && gift !== undefined && variant.price - item.price > gift.balance)
            .map((variant) => ({ order, item, variant, gift: gift! })),
        );
      })[0];
    expect(swap).toBeDefined();
    if (swap) {
      expect(
        live.step('modify_pending_order_items', { order_id: swap.order.order_id, item_ids: [swap.item.item_id], new_item_ids: [swap.variant.item_id], payment_method_id: swap.gift.id }).output,
      ).toBe('Error: insufficient gift card balance to pay for the price difference');
    }
    expect(live.stateHash()).toBe(environment.worldHash);
  });

  it('apply write semantics: cancel refunds, items once, one return per order', () => {
    const live = session();
    const pending = orders.find((order) => order.status === 'pending' && order.items.some((item) => Object.values(world.products[item.product_id]!.variants).some((variant) => variant.available && variant.item_id !== item.item_id)))!;
    const item = pending.items.find((candidate) => Object.values(world.products[candidate.product_id]!.variants).some((variant) => variant.available && variant.item_id !== candidate.item_id))!;
    const replacement = Object.values(world.products[item.product_id]!.variants).find((variant) => variant.available && variant.item_id !== item.item_id)!;
    const method = Object.values(world.users[pending.user_id]!.payment_methods).find((candidate) => candidate.source !== 'gift_card') ?? Object.values(world.users[pending.user_id]!.payment_methods)[0]!;
    const modified = live.step('modify_pending_order_items', { order_id: pending.order_id, item_ids: [item.item_id], new_item_ids: [replacement.item_id], payment_method_id: method.id });
    if (method.source !== 'gift_card' || modified.ok) {
      expect(modified.ok).toBe(true);
      const order = JSON.parse(modified.output) as Order;
      expect(order.status).toBe('pending (item modified)');
      expect(order.items.map((line) => line.item_id)).toContain(replacement.item_id);
      expect(live.step('modify_pending_order_items', { order_id: pending.order_id, item_ids: [replacement.item_id], new_item_ids: [item.item_id], payment_method_id: method.id }).output).toBe(
        'Error: non-pending order cannot be modified',
      );
      expect(live.step('cancel_pending_order', { order_id: pending.order_id, reason: 'no longer needed' }).output).toBe('Error: non-pending order cannot be cancelled');
    }
    const other = orders.find((order) => order.status === 'pending' && order.order_id !== pending.order_id)!;
    const cancelled = JSON.parse(live.step('cancel_pending_order', { order_id: other.order_id, reason: 'ordered by mistake' }).output) as Order;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancel_reason).toBe('ordered by mistake');
    expect(cancelled.payment_history.at(-1)).toMatchObject({ transaction_type: 'refund', amount: other.payment_history[0]!.amount });
    const delivered = firstWith('delivered');
    const payer = delivered.payment_history[0]!.payment_method_id;
    const returned = JSON.parse(live.step('return_delivered_order_items', { order_id: delivered.order_id, item_ids: [delivered.items[0]!.item_id], payment_method_id: payer }).output) as Order;
    expect(returned).toMatchObject({ status: 'return requested', return_items: [delivered.items[0]!.item_id], return_payment_method_id: payer });
    expect(live.step('return_delivered_order_items', { order_id: delivered.order_id, item_ids: [delivered.items[0]!.item_id], payment_method_id: payer }).output).toBe(
      'Error: non-delivered order cannot be returned',
    );
  });

  it('validate arguments against the schemas', () => {
    const live = session();
    const unknown = live.step('get_orders', {});
    expect(unknown.ok).toBe(false);
    expect(unknown.output).toMatch(/^Error: unknown tool 'get_orders'\. Available tools: find_user_id_by_email, /);
    expect(live.step('get_order_details', {}).output).toBe("Error: missing required argument 'order_id'");
    expect(live.step('get_order_details', { order_id: 1234567 }).output).toBe("Error: argument 'order_id' must be a string");
    expect(live.step('get_order_details', { order_id: '1234567' }).output).toBe("Error: argument 'order_id' has an invalid format: '1234567' does not match ^#W\\d{7}$");
    expect(live.step('get_order_details', { order_id: '#W1234567', verbose: true }).output).toMatch(/^Error: unexpected argument 'verbose' for tool 'get_order_details'/);
    expect(live.step('return_delivered_order_items', { order_id: '#W1234567', item_ids: '1234567890', payment_method_id: 'paypal_1234567' }).output).toBe(
      "Error: argument 'item_ids' must be a list of strings",
    );
    expect(live.step('return_delivered_order_items', { order_id: '#W1234567', item_ids: ['12345'], payment_method_id: 'paypal_1234567' }).output).toMatch(
      /^Error: argument 'item_ids' contains an invalid id '12345'/,
    );
    expect(live.step('cancel_pending_order', { order_id: '#W1234567', reason: 'too expensive' }).output).toBe(
      'Error: argument \'reason\' must be one of: "no longer needed", "ordered by mistake" (got "too expensive")',
    );
    expect(live.step('record_customer_confirmation', { action: 'get_order_details', arguments: {} }).output).toMatch(/^Error: argument 'action' must be one of/);
    expect(live.step('record_customer_confirmation', { action: 'cancel_pending_order', arguments: 'yes' }).output).toBe("Error: argument 'arguments' must be an object");
  });

  it('peek runs reads without mutation or logging and refuses other tools', () => {
    const live = session();
    const plan = live.oracle();
    const pending = firstWith('pending');
    const user = world.users[pending.user_id]!;
    expect(live.peek('find_user_id_by_email', { email: user.email })).toEqual({ ok: true, output: user.user_id });
    expect(live.peek('get_order_details', { order_id: pending.order_id }).ok).toBe(true);
    expect(live.peek('calculate', { expression: '2 * 21' }).output).toBe('42');
    expect(live.peek('cancel_pending_order', { order_id: pending.order_id, reason: 'no longer needed' })).toEqual({ ok: false, output: 'Error: peek only allows read-only tools' });
    expect(live.peek('record_customer_confirmation', { action: 'cancel_pending_order', arguments: {} }).output).toBe('Error: peek only allows read-only tools');
    expect(live.peek('get_orders', {}).output).toMatch(/^Error: unknown tool 'get_orders'/);
    expect(live.stateHash()).toBe(environment.worldHash);
    expect(live.oracle()).toEqual(plan);
    expect(JSON.parse(live.step('get_order_details', { order_id: pending.order_id }).output).status).toBe('pending');
  });

  it('calculate is arithmetic only', () => {
    expect(calculate('(1 + 2) * 3 / 4')).toEqual({ ok: true, value: 2.25 });
    expect(calculate('-2 * -(3 - 5)')).toEqual({ ok: true, value: -4 });
    expect(calculate('.5 + 1.25')).toEqual({ ok: true, value: 1.75 });
    expect(calculate('2 / 0')).toEqual({ ok: false, error: 'division by zero' });
    expect(calculate('process.exit(1)').ok).toBe(false);
    expect(calculate('constructor.constructor("return 1")()').ok).toBe(false);
    expect(calculate('1 +').ok).toBe(false);
    expect(calculate('(1 + 2').ok).toBe(false);
    expect(calculate('('.repeat(200) + '1' + ')'.repeat(200)).ok).toBe(false);
    const live = session();
    expect(live.step('calculate', { expression: '49.99 + 12.555' })).toEqual({ ok: true, output: '62.55' });
    expect(live.step('calculate', { expression: 'Math.random()' }).output).toMatch(/^Error: invalid expression: unexpected character 'M'/);
  });
});
