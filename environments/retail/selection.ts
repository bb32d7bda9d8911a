/**
 * Questions the task generator asks of a world: which orders are in which state, which items can be
 * swapped, who paid. Read-only over the database.
 */
import type { Random } from '../../src/util/random.ts';
import type { Order, OrderItem, OrderStatus, PaymentMethod, RetailDatabase, User, Variant } from './data.ts';
import { roundCents, sumCents } from './money.ts';
import { netPaidByMethod } from './write-tools.ts';

/** Orders with one of the statuses, in table order. */
export function ordersWith(world: RetailDatabase, ...statuses: OrderStatus[]): Order[] {
  return Object.values(world.orders).filter((order) => statuses.includes(order.status));
}

/** The owner of an order. */
export function ownerOf(world: RetailDatabase, order: Order): User {
  const user = world.users[order.user_id];
  if (!user) throw new Error(`order ${order.order_id} has no owner`);
  return user;
}

/** A user's orders with one of the statuses. */
export function userOrders(world: RetailDatabase, user: User, ...statuses: OrderStatus[]): Order[] {
  return user.orders.map((orderId) => world.orders[orderId] as Order).filter((order) => statuses.length === 0 || statuses.includes(order.status));
}

/** The single method that currently pays for the order, if exactly one does. */
export function payerOf(world: RetailDatabase, order: Order): PaymentMethod | undefined {
  const paying = [...netPaidByMethod(order)].filter(([, paid]) => paid > 0);
  if (paying.length !== 1) return undefined;
  return ownerOf(world, order).payment_methods[(paying[0] as [string, number])[0]];
}

/** What the customer has paid net for an order. */
export function amountPaid(order: Order): number {
  return sumCents([...netPaidByMethod(order).values()].filter((paid) => paid > 0));
}

/** The user's gift card, if any (users hold at most one). */
export function giftCardOf(user: User): Extract<PaymentMethod, { source: 'gift_card' }> | undefined {
  for (const method of Object.values(user.payment_methods)) if (method.source === 'gift_card') return method;
  return undefined;
}

/** Available variants of the item's product other than the item itself. */
export function alternativesOf(world: RetailDatabase, item: OrderItem): Variant[] {
  const product = world.products[item.product_id];
  return product ? Object.values(product.variants).filter((variant) => variant.available && variant.item_id !== item.item_id) : [];
}

/** One planned item swap: the item in the order and the variant replacing it. */
export interface Swap {
  item: OrderItem;
  replacement: Variant;
}

/** The price difference of swaps (new minus old). */
export function swapDifference(swaps: readonly Swap[]): number {
  return roundCents(sumCents(swaps.map((swap) => swap.replacement.price)) - sumCents(swaps.map((swap) => swap.item.price)));
}

/**
 * Up to `count` swaps for items of the order, and a payment method of the owner that can settle the
 * difference (a gift card only when its balance covers a positive difference); null when impossible.
 */
export function planSwaps(world: RetailDatabase, order: Order, count: number, random: Random): { swaps: Swap[]; method: PaymentMethod } | null {
  const swappable = random.shuffle(order.items.filter((item) => alternativesOf(world, item).length > 0));
  if (swappable.length < count) return null;
  const chosen = swappable.slice(0, count);
  // Keep the order's own item order so the plan reads like the order.
  const swaps = order.items
    .filter((item) => chosen.includes(item))
    .map((item) => ({ item, replacement: random.pick(alternativesOf(world, item)) }));
  const difference = swapDifference(swaps);
  const method = random
    .shuffle(Object.values(ownerOf(world, order).payment_methods))
    .find((candidate) => candidate.source !== 'gift_card' || difference <= candidate.balance);
  return method ? { swaps, method } : null;
}

/** An item name that appears in exactly one of the user's orders (that order), for tickets without an order id. */
export function uniqueItemName(world: RetailDatabase, user: User, order: Order): string | undefined {
  const others = userOrders(world, user).filter((other) => other.order_id !== order.order_id);
  return order.items.map((item) => item.name).find((name) => !others.some((other) => other.items.some((item) => item.name === name)));
}

/** True when two addresses are the same in every field. */
export function sameAddress(left: Order['address'], right: Order['address']): boolean {
  return (Object.keys(left) as (keyof Order['address'])[]).every((field) => left[field] === right[field]);
}
