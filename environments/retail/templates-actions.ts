/**
 * Templates for tickets that ask for one kind of change: cancellations, order modifications, profile
 * address changes, returns and exchanges.
 */
import { CANCEL_REASONS, type Order, type User } from './data.ts';
import {
  cancelOrder,
  exchangeItems,
  modifyOrderAddress,
  modifyOrderItems,
  modifyOrderPayment,
  modifyUserAddress,
  returnItems,
  summaryQuestion,
} from './fragments.ts';
import { formatDollars } from './money.ts';
import { generateAddress } from './generate.ts';
import { amountPaid, giftCardOf, ordersWith, ownerOf, payerOf, planSwaps, sameAddress, uniqueItemName, userOrders } from './selection.ts';
import { composeTask, draftsFrom, type TaskDraft, type TemplateContext } from './task-draft.ts';

/** Cancel one pending order; some tickets give no order id, some ask for the refund amount. */
export function cancelOrderTasks(context: TemplateContext, count: number): TaskDraft[] {
  const { world, random } = context;
  return draftsFrom('cancel-order', random, ordersWith(world, 'pending'), count, (order, instance) => {
    const user = ownerOf(world, order);
    const itemName = instance % 3 === 2 ? uniqueItemName(world, user, order) : undefined;
    if (instance % 3 === 2 && !itemName) return null;
    const fragment = cancelOrder(world, random, order, random.pick(CANCEL_REASONS), { itemName, asksRefund: instance % 2 === 0 });
    return composeTask(context, 'cancel-order', itemName ? 'cancel-by-item-name' : 'cancel-by-id', user, [fragment], { authorise: true });
  });
}

/** Cancel two pending orders of the same customer, sometimes asking for the total refund. */
export function cancelTwoOrdersTasks(context: TemplateContext, count: number): TaskDraft[] {
  const { world, random } = context;
  const users = Object.values(world.users).filter((user) => userOrders(world, user, 'pending').length >= 2);
  return draftsFrom('cancel-two-orders', random, users, count, (user, instance) => {
    const [first, second] = random.shuffle(userOrders(world, user, 'pending')) as [Order, Order];
    const sameReason = instance % 2 === 0;
    const firstReason = random.pick(CANCEL_REASONS);
    const secondReason = sameReason ? firstReason : CANCEL_REASONS.find((reason) => reason !== firstReason) ?? firstReason;
    const fragments = [
      cancelOrder(world, random, first, firstReason, { asksRefund: false }),
      cancelOrder(world, random, second, secondReason, { asksRefund: false }),
    ];
    if (instance % 4 < 2) {
      // The combined refund makes the agent add the two amounts up.
      const total = formatDollars(amountPaid(first) + amountPaid(second));
      fragments.push(summaryQuestion(random.pick(['What is my total refund for both?', 'How much do I get back in total?']), `In total ${total} is refunded.`, [total]));
    }
    return composeTask(context, 'cancel-two-orders', 'cancel-two', user, fragments, { authorise: true });
  });
}

/** Ship a pending order to a new address, or back to the customer's default address. */
export function modifyOrderAddressTasks(context: TemplateContext, count: number): TaskDraft[] {
  const { world, random } = context;
  return draftsFrom('modify-order-address', random, ordersWith(world, 'pending'), count, (order, instance) => {
    const user = ownerOf(world, order);
    const toDefault = instance % 2 === 1;
    if (toDefault && sameAddress(order.address, user.address)) return null;
    const fragment = modifyOrderAddress(world, random, order, toDefault ? 'default' : generateAddress(random));
    return composeTask(context, 'modify-order-address', toDefault ? 'to-default-address' : 'to-new-address', user, [fragment], { authorise: true });
  });
}

/** Swap one or two items of a pending order for other options. */
export function modifyOrderItemsTasks(context: TemplateContext, count: number): TaskDraft[] {
  const { world, random } = context;
  return draftsFrom('modify-order-items', random, ordersWith(world, 'pending'), count, (order, instance) => {
    const swapCount = 1 + (instance % 2);
    const planned = planSwaps(world, order, swapCount, random);
    if (!planned) return null;
    const fragment = modifyOrderItems(world, random, order, planned.swaps, planned.method, instance % 4 < 2);
    return composeTask(context, 'modify-order-items', `swap-${swapCount}`, ownerOf(world, order), [fragment], { authorise: true });
  });
}

/** Pay a pending order with another of the customer's methods (a gift card only when it covers the total). */
export function modifyOrderPaymentTasks(context: TemplateContext, count: number): TaskDraft[] {
  const { world, random } = context;
  return draftsFrom('modify-order-payment', random, ordersWith(world, 'pending'), count, (order, instance) => {
    const user = ownerOf(world, order);
    const payer = payerOf(world, order);
    const total = amountPaid(order);
    const targets = Object.values(user.payment_methods).filter(
      (method) => method.id !== payer?.id && (method.source !== 'gift_card' || method.balance >= total),
    );
    if (!payer || targets.length === 0) return null;
    // Every fourth ticket moves the order onto a gift card that covers it (the balance-checked case).
    const giftCard = targets.find((target) => target.source === 'gift_card');
    if (instance % 4 === 3 && !giftCard) return null;
    const method = instance % 4 === 3 && giftCard ? giftCard : random.pick(targets);
    const fragment = modifyOrderPayment(world, random, order, method, instance % 2 === 0);
    return composeTask(context, 'modify-order-payment', `to-${method.source}`, user, [fragment], { authorise: true });
  });
}

/** Change the default address, to a new one or to the shipping address of one of the customer's orders. */
export function modifyUserAddressTasks(context: TemplateContext, count: number): TaskDraft[] {
  const { world, random } = context;
  return draftsFrom('modify-user-address', random, Object.values(world.users), count, (user: User, instance) => {
    if (instance % 3 === 2) {
      const source = userOrders(world, user).find((order) => !sameAddress(order.address, user.address));
      if (!source) return null;
      const fragment = modifyUserAddress(random, user, source.address, source);
      return composeTask(context, 'modify-user-address', 'from-order-address', user, [fragment], { authorise: true });
    }
    const fragment = modifyUserAddress(random, user, generateAddress(random));
    return composeTask(context, 'modify-user-address', 'to-new-address', user, [fragment], { authorise: true });
  });
}

/** Return some items of a delivered order, to the original method or the customer's gift card. */
export function returnItemsTasks(context: TemplateContext, count: number): TaskDraft[] {
  const { world, random } = context;
  return draftsFrom('return-items', random, ordersWith(world, 'delivered'), count, (order, instance) => {
    const user = ownerOf(world, order);
    const payer = payerOf(world, order);
    const giftCard = giftCardOf(user);
    const toGiftCard = instance % 2 === 1;
    if (!payer || (toGiftCard && (!giftCard || giftCard.id === payer.id))) return null;
    const chosen = random.shuffle(order.items).slice(0, random.int(1, order.items.length));
    const items = order.items.filter((item) => chosen.includes(item));
    const method = toGiftCard && giftCard ? giftCard : payer;
    const fragment = returnItems(world, random, order, items, method, instance % 4 !== 3);
    return composeTask(context, 'return-items', toGiftCard ? 'refund-to-gift-card' : 'refund-to-original', user, [fragment], { authorise: true });
  });
}

/** Exchange one or two items of a delivered order for other options. */
export function exchangeItemsTasks(context: TemplateContext, count: number): TaskDraft[] {
  const { world, random } = context;
  return draftsFrom('exchange-items', random, ordersWith(world, 'delivered'), count, (order, instance) => {
    const swapCount = 1 + (instance % 2);
    const planned = planSwaps(world, order, swapCount, random);
    if (!planned) return null;
    const fragment = exchangeItems(world, random, order, planned.swaps, planned.method, instance % 4 < 2);
    return composeTask(context, 'exchange-items', `swap-${swapCount}`, ownerOf(world, order), [fragment], { authorise: true });
  });
}
