/**
 * The tools that change the database, with the shop's state rules: which status allows what, which
 * items may replace which, who pays a price difference and where refunds go. A refused call changes
 * nothing: every check runs before the first mutation.
 */
import type { JsonObject } from '../../src/harness/api.ts';
import { canonicalJson } from '../../src/toolkit/canonical.ts';
import type { Address, CancelReason, Order, OrderItem, PaymentMethod, RetailDatabase } from './data.ts';
import { roundCents, sumCents } from './money.ts';
import { failure, success, type ToolImplementation } from './read-tools.ts';

/** The net amount each payment method has paid for an order (payments minus refunds), in history order. */
export function netPaidByMethod(order: Order): Map<string, number> {
  const net = new Map<string, number>();
  for (const transaction of order.payment_history) {
    const sign = transaction.transaction_type === 'payment' ? 1 : -1;
    net.set(transaction.payment_method_id, roundCents((net.get(transaction.payment_method_id) ?? 0) + sign * transaction.amount));
  }
  return net;
}

function addressFrom(args: JsonObject): Address {
  return {
    address1: String(args.address1),
    address2: String(args.address2),
    city: String(args.city),
    state: String(args.state),
    country: String(args.country),
    zip: String(args.zip),
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** The user's payment method with this id (a method of another user counts as not found). */
function userMethod(database: RetailDatabase, userId: string, methodId: string): PaymentMethod | undefined {
  return database.users[userId]?.payment_methods[methodId];
}

/** Moves a gift card's balance by `delta` dollars; other methods hold no balance. */
function adjustGiftCard(method: PaymentMethod | undefined, delta: number): void {
  if (method?.source === 'gift_card') method.balance = roundCents(method.balance + delta);
}

/** The order items named by `itemIds`, or the error text for the first that is missing or repeated. */
function pickItems(order: Order, itemIds: string[], verb: string): OrderItem[] | string {
  if (itemIds.length === 0) return `no items given to ${verb}`;
  const picked: OrderItem[] = [];
  for (const itemId of itemIds) {
    const item = order.items.find((candidate) => candidate.item_id === itemId);
    if (!item) return `item ${itemId} not found in order ${order.order_id}`;
    if (picked.includes(item)) return `item ${itemId} is listed more than once`;
    picked.push(item);
  }
  return picked;
}

/** The replacement variants for `items`, or the error text for the first that does not qualify. */
function pickReplacements(database: RetailDatabase, items: OrderItem[], newItemIds: string[]): OrderItem[] | string {
  if (newItemIds.length !== items.length) {
    return `the number of new items (${newItemIds.length}) must match the number of items (${items.length})`;
  }
  const replacements: OrderItem[] = [];
  for (const [index, item] of items.entries()) {
    const newItemId = newItemIds[index] as string;
    const variant = database.products[item.product_id]?.variants[newItemId];
    if (!variant || !variant.available) return `new item ${newItemId} not found or not available`;
    if (newItemId === item.item_id) return `new item ${newItemId} is the same as the item it replaces`;
    replacements.push({ name: item.name, product_id: item.product_id, item_id: variant.item_id, options: { ...variant.options }, price: variant.price });
  }
  return replacements;
}

/** Checks shared by item swaps (modify and exchange): the items, the replacements and who pays. */
function planSwap(
  database: RetailDatabase,
  order: Order,
  args: JsonObject,
  verb: string,
): { items: OrderItem[]; replacements: OrderItem[]; method: PaymentMethod; difference: number } | string {
  const items = pickItems(order, stringList(args.item_ids), verb);
  if (typeof items === 'string') return items;
  const replacements = pickReplacements(database, items, stringList(args.new_item_ids));
  if (typeof replacements === 'string') return replacements;
  const method = userMethod(database, order.user_id, String(args.payment_method_id));
  if (!method) return 'payment method not found';
  const difference = roundCents(sumCents(replacements.map((item) => item.price)) - sumCents(items.map((item) => item.price)));
  if (method.source === 'gift_card' && difference > method.balance) return 'insufficient gift card balance to pay for the price difference';
  return { items, replacements, method, difference };
}

/** The order to act on, or the error text when it does not exist or is not in `status`. */
function orderIn(database: RetailDatabase, orderId: unknown, status: Order['status'], refusal: string): Order | string {
  const order = database.orders[String(orderId)];
  if (!order) return 'order not found';
  if (order.status !== status) return refusal;
  return order;
}

/** The database-changing tools by name (the confirmation and transfer tools change no table). */
export const WRITE_TOOLS: Readonly<Record<string, ToolImplementation>> = {
  cancel_pending_order(database, args) {
    const order = orderIn(database, args.order_id, 'pending', 'non-pending order cannot be cancelled');
    if (typeof order === 'string') return failure(order);
    for (const [methodId, paid] of netPaidByMethod(order)) {
      if (paid <= 0) continue;
      order.payment_history.push({ transaction_type: 'refund', amount: paid, payment_method_id: methodId });
      // Gift cards are refunded at once; cards and PayPal settle outside the shop.
      adjustGiftCard(userMethod(database, order.user_id, methodId), paid);
    }
    order.status = 'cancelled';
    order.cancel_reason = String(args.reason) as CancelReason;
    return success(order);
  },

  modify_pending_order_address(database, args) {
    const order = orderIn(database, args.order_id, 'pending', 'non-pending order cannot be modified');
    if (typeof order === 'string') return failure(order);
    order.address = addressFrom(args);
    return success(order);
  },

  modify_pending_order_payment(database, args) {
    const order = orderIn(database, args.order_id, 'pending', 'non-pending order cannot be modified');
    if (typeof order === 'string') return failure(order);
    const newMethod = userMethod(database, order.user_id, String(args.payment_method_id));
    if (!newMethod) return failure('payment method not found');
    const paying = [...netPaidByMethod(order)].filter(([, paid]) => paid > 0);
    if (paying.length !== 1) return failure('the order must be paid by exactly one payment method to change it');
    const [oldMethodId, amount] = paying[0] as [string, number];
    if (oldMethodId === newMethod.id) return failure('the new payment method must be different from the current one');
    if (newMethod.source === 'gift_card' && amount > newMethod.balance) return failure('insufficient gift card balance to pay for the order');
    order.payment_history.push(
      { transaction_type: 'payment', amount, payment_method_id: newMethod.id },
      { transaction_type: 'refund', amount, payment_method_id: oldMethodId },
    );
    adjustGiftCard(newMethod, -amount);
    adjustGiftCard(userMethod(database, order.user_id, oldMethodId), amount);
    return success(order);
  },

  modify_pending_order_items(database, args) {
    const order = orderIn(database, args.order_id, 'pending', 'non-pending order cannot be modified');
    if (typeof order === 'string') return failure(order);
    const swap = planSwap(database, order, args, 'modify');
    if (typeof swap === 'string') return failure(swap);
    if (swap.difference !== 0) {
      order.payment_history.push({
        transaction_type: swap.difference > 0 ? 'payment' : 'refund',
        amount: Math.abs(swap.difference),
        payment_method_id: swap.method.id,
      });
    }
    adjustGiftCard(swap.method, -swap.difference);
    order.items = order.items.map((item) => swap.replacements[swap.items.indexOf(item)] ?? item);
    order.status = 'pending (item modified)';
    return success(order);
  },

  modify_user_address(database, args) {
    const user = database.users[String(args.user_id)];
    if (!user) return failure('user not found');
    user.address = addressFrom(args);
    return success(user);
  },

  return_delivered_order_items(database, args) {
    const order = orderIn(database, args.order_id, 'delivered', 'non-delivered order cannot be returned');
    if (typeof order === 'string') return failure(order);
    const items = pickItems(order, stringList(args.item_ids), 'return');
    if (typeof items === 'string') return failure(items);
    const method = userMethod(database, order.user_id, String(args.payment_method_id));
    if (!method) return failure('payment method not found');
    const original = order.payment_history.some((transaction) => transaction.payment_method_id === method.id && transaction.transaction_type === 'payment');
    if (!original && method.source !== 'gift_card') return failure('payment method should be either the original payment method or a gift card');
    order.status = 'return requested';
    // Sorted so that the same request in another order leaves the same state.
    order.return_items = items.map((item) => item.item_id).sort();
    order.return_payment_method_id = method.id;
    return success(order);
  },

  exchange_delivered_order_items(database, args) {
    const order = orderIn(database, args.order_id, 'delivered', 'non-delivered order cannot be exchanged');
    if (typeof order === 'string') return failure(order);
    const swap = planSwap(database, order, args, 'exchange');
    if (typeof swap === 'string') return failure(swap);
    const pairs = swap.items.map((item, index) => [item.item_id, (swap.replacements[index] as OrderItem).item_id] as const);
    pairs.sort(([left], [right]) => left.localeCompare(right));
    order.status = 'exchange requested';
    order.exchange_items = pairs.map(([oldId]) => oldId);
    order.exchange_new_items = pairs.map(([, newId]) => newId);
    order.exchange_payment_method_id = swap.method.id;
    order.exchange_price_difference = swap.difference;
    return success(order);
  },
};

/** The solo-form confirmation: changes no table, but the session log keeps it for the verifier. */
export function recordConfirmation(args: JsonObject): string {
  return `Confirmation recorded: the customer confirmed ${String(args.action)} with arguments ${canonicalJson(args.arguments)}`;
}

/** The transfer's reply. */
export const TRANSFER_REPLY = 'Transfer successful. A human agent will take over; tell the customer they are being transferred.';
