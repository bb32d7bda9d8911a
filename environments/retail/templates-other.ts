/**
 * Templates for tickets that ask for information, that the policy forbids, that need a human, or that
 * combine several requests.
 */
import type { Order, User } from './data.ts';
import {
  cancelOrder,
  exchangeItems,
  giftCardBalance,
  handOff,
  modifyOrderAddress,
  modifyOrderItems,
  modifyOrderPayment,
  modifyUserAddress,
  orderTotalAndStatus,
  pendingOrderList,
  readOrder,
  readUser,
  refusal,
  returnItems,
  trackingInfo,
  variantPrice,
  type Fragment,
} from './fragments.ts';
import { generateAddress } from './generate.ts';
import { describeAddress, describeItem, describeMethod } from './phrasing.ts';
import { giftCardOf, payerOf, planSwaps, userOrders } from './selection.ts';
import { composeTask, draftsFrom, type TaskDraft, type TemplateContext } from './task-draft.ts';

/** One order of the user in one of the statuses, drawn at random, or undefined. */
function anyOrder(context: TemplateContext, user: User, ...statuses: Order['status'][]): Order | undefined {
  const orders = userOrders(context.world, user, ...statuses);
  return orders.length > 0 ? context.random.pick(orders) : undefined;
}

/** Information requests whose answers must appear in the final message. */
export function infoRequestTasks(context: TemplateContext, count: number): TaskDraft[] {
  const { world, random } = context;
  return draftsFrom('info-request', random, Object.values(world.users), count, (user, instance) => {
    const variant = instance % 5;
    let fragment: Fragment | undefined;
    let kind = '';
    if (variant === 0) {
      const order = anyOrder(context, user, 'processed', 'delivered');
      kind = 'tracking-number';
      fragment = order && trackingInfo(random, order);
    } else if (variant === 1) {
      const order = anyOrder(context, user, 'pending', 'processed', 'delivered');
      kind = 'order-total-and-status';
      fragment = order && orderTotalAndStatus(random, order);
    } else if (variant === 2) {
      const giftCard = giftCardOf(user);
      kind = 'gift-card-balance';
      fragment = giftCard && giftCardBalance(random, user, giftCard.balance);
    } else if (variant === 3) {
      // Bounded so the plan (one read per order) stays a reasonable length.
      const fits = userOrders(world, user, 'pending').length > 0 && user.orders.length <= 6;
      kind = 'pending-order-list';
      fragment = fits ? pendingOrderList(world, random, user) : undefined;
    } else {
      const product = random.pick(Object.values(world.products));
      kind = 'variant-price';
      fragment = variantPrice(random, product, random.pick(Object.values(product.variants)));
    }
    return fragment ? composeTask(context, 'info-request', kind, user, [fragment], { authorise: false }) : null;
  });
}

/** A refusal fragment for one of eight policy violations, or undefined when the user does not fit. */
function forbiddenRequest(context: TemplateContext, user: User, variant: number): { kind: string; fragment: Fragment } | undefined {
  const { world, random } = context;
  switch (variant) {
    case 0: {
      const order = anyOrder(context, user, 'delivered');
      return order && {
        kind: 'cancel-delivered',
        fragment: refusal(`Please cancel order ${order.order_id}, I no longer need it.`, [readOrder(order)], `Order ${order.order_id} has already been delivered, so it cannot be cancelled: only pending orders can be.`),
      };
    }
    case 1: {
      const order = anyOrder(context, user, 'processed');
      return order && {
        kind: 'cancel-processed',
        fragment: refusal(`I want to cancel order ${order.order_id} because I ordered it by mistake.`, [readOrder(order)], `Order ${order.order_id} is already processed, so it cannot be cancelled: only pending orders can be.`),
      };
    }
    case 2: {
      const order = anyOrder(context, user, 'processed');
      const item = order?.items[0];
      return order && item && {
        kind: 'return-processed',
        fragment: refusal(
          `I'd like to return ${describeItem(item)} from order ${order.order_id}, refunded to the original payment method.`,
          [readOrder(order)],
          `Order ${order.order_id} has not been delivered yet (it is processed), so it cannot be returned now.`,
        ),
      };
    }
    case 3: {
      const order = anyOrder(context, user, 'pending');
      return order && {
        kind: 'cancel-bad-reason',
        fragment: refusal(
          `Cancel order ${order.order_id}, ${random.pick(['I found it cheaper somewhere else', 'the delivery takes too long for my taste', 'I changed my mind about the brand'])}.`,
          [readOrder(order)],
          `I cannot cancel order ${order.order_id} for that reason: cancellations are only possible when the order is no longer needed or was ordered by mistake.`,
        ),
      };
    }
    case 4: {
      const order = userOrders(world, user, 'delivered').find((candidate) => payerOf(world, candidate)?.source !== 'credit_card');
      const card = Object.values(user.payment_methods).find((method) => method.source === 'credit_card');
      const item = order?.items[0];
      if (!order || !card || !item) return undefined;
      return {
        kind: 'refund-to-other-method',
        fragment: refusal(
          `Please return ${describeItem(item)} from order ${order.order_id} and refund it to ${describeMethod(card)}.`,
          [readUser(user), readOrder(order)],
          `I cannot send that refund to ${describeMethod(card).replace(/^my /, 'your ')}: a return refund can only go to the original payment method of order ${order.order_id} or to an existing gift card.`,
        ),
      };
    }
    case 5: {
      const order = random.pick(Object.values(world.orders).filter((candidate) => candidate.status === 'pending' && candidate.user_id !== user.user_id));
      return {
        kind: 'other-customer-order',
        fragment: refusal(
          `My neighbour asked me to cancel her order ${order.order_id}; she no longer needs it.`,
          [readOrder(order)],
          `Order ${order.order_id} does not belong to your account, so I cannot make changes to it.`,
        ),
      };
    }
    case 6: {
      const order = anyOrder(context, user, 'delivered');
      const item = order?.items[0];
      const other = item && random.pick(Object.values(world.products).filter((product) => product.product_id !== item.product_id));
      return order && item && other && {
        kind: 'exchange-other-product',
        fragment: refusal(
          `I'd like to exchange ${describeItem(item)} from order ${order.order_id} for something from your ${other.name} range instead.`,
          [readOrder(order)],
          `An exchange can only swap an item for another option of the same product, so the ${item.name} cannot be exchanged for a ${other.name}.`,
        ),
      };
    }
    default: {
      const order = anyOrder(context, user, 'processed');
      return order && {
        kind: 'modify-processed',
        fragment: refusal(
          `Please ship order ${order.order_id} to ${describeAddress(generateAddress(random))} instead.`,
          [readOrder(order)],
          `Order ${order.order_id} is already processed, so its address can no longer be changed: only pending orders can be modified.`,
        ),
      };
    }
  }
}

/** Requests the policy forbids: the correct outcome changes nothing and explains why. */
export function refuseRequestTasks(context: TemplateContext, count: number): TaskDraft[] {
  return draftsFrom('refuse-request', context.random, Object.values(context.world.users), count, (user, instance) => {
    const request = forbiddenRequest(context, user, instance % 8);
    return request ? composeTask(context, 'refuse-request', request.kind, user, [request.fragment], { authorise: true }) : null;
  });
}

/** Reasonable requests no tool can serve: the correct outcome is a hand-off to a human. */
export function transferRequestTasks(context: TemplateContext, count: number): TaskDraft[] {
  const { world, random } = context;
  return draftsFrom('transfer-request', random, Object.values(world.users), count, (user, instance) => {
    let fragment: Fragment | undefined;
    let kind = '';
    const variant = instance % 4;
    if (variant === 0) {
      const order = anyOrder(context, user, 'delivered');
      const item = order?.items[0];
      kind = 'damaged-item-compensation';
      fragment = order && item && handOff(
        `${describeItem(item).replace(/^the/, 'The')} from order ${order.order_id} arrived scratched. I want to keep it, but I'd like a partial refund as compensation.`,
        [readOrder(order)],
        `Customer ${user.user_id} wants partial compensation for a damaged ${item.name} in delivered order ${order.order_id} and wants to keep the item.`,
      );
    } else if (variant === 1) {
      const order = anyOrder(context, user, 'pending');
      const item = order?.items[0];
      kind = 'price-match';
      fragment = order && item && handOff(
        `I just saw ${describeItem(item)} from my order ${order.order_id} for less on another website. Please refund me the difference; I don't want to cancel.`,
        [readOrder(order)],
        `Customer ${user.user_id} asks for a price match on the ${item.name} in pending order ${order.order_id}.`,
      );
    } else if (variant === 2) {
      const order = anyOrder(context, user, 'processed');
      kind = 'expedite-shipping';
      fragment = order && handOff(
        `Could you upgrade order ${order.order_id} to express shipping? I need it by the weekend.`,
        [readOrder(order)],
        `Customer ${user.user_id} wants express shipping for processed order ${order.order_id}.`,
      );
    } else {
      const product = random.pick(Object.values(world.products));
      kind = 'new-order';
      fragment = handOff(
        `I'd like to place a new order for a ${product.name}, shipped to my default address.`,
        [readUser(user)],
        `Customer ${user.user_id} wants to place a new order for a ${product.name}.`,
      );
    }
    return fragment ? composeTask(context, 'transfer-request', kind, user, [fragment], { authorise: false }) : null;
  });
}

/** Two requests in one ticket, chosen by variant; undefined when the user does not fit. */
function requestPair(context: TemplateContext, user: User, variant: number): { kind: string; fragments: Fragment[]; askOrder?: number[] } | undefined {
  const { world, random } = context;
  const pending = anyOrder(context, user, 'pending');
  const delivered = userOrders(world, user, 'delivered').find((order) => payerOf(world, order));
  switch (variant) {
    case 0:
      return pending && {
        kind: 'cancel-and-user-address',
        fragments: [cancelOrder(world, random, pending, 'no longer needed', { asksRefund: true }), modifyUserAddress(random, user, generateAddress(random))],
      };
    case 1: {
      const shipped = userOrders(world, user, 'processed', 'delivered').find((order) => order.order_id !== delivered?.order_id);
      const payer = delivered && payerOf(world, delivered);
      const item = delivered?.items[0];
      return delivered && shipped && payer && item && {
        kind: 'return-and-tracking',
        fragments: [returnItems(world, random, delivered, [item], payer, true), trackingInfo(random, shipped)],
      };
    }
    case 2: {
      const order = userOrders(world, user, 'pending').find((candidate) => {
        const payer = payerOf(world, candidate);
        return payer && Object.values(user.payment_methods).some((method) => method.id !== payer.id && method.source !== 'gift_card');
      });
      const payer = order && payerOf(world, order);
      const method = Object.values(user.payment_methods).find((candidate) => candidate.id !== payer?.id && candidate.source !== 'gift_card');
      return order && method && {
        kind: 'order-address-and-payment',
        fragments: [modifyOrderAddress(world, random, order, generateAddress(random)), modifyOrderPayment(world, random, order, method, false)],
      };
    }
    case 3: {
      const exchanged = userOrders(world, user, 'delivered').find((order) => planSwaps(world, order, 1, random));
      const planned = exchanged ? planSwaps(world, exchanged, 1, random) : null;
      if (!exchanged || !planned || !pending) return undefined;
      return {
        kind: 'exchange-and-cancel',
        fragments: [exchangeItems(world, random, exchanged, planned.swaps, planned.method, true), cancelOrder(world, random, pending, 'ordered by mistake', { asksRefund: false })],
      };
    }
    case 4: {
      const order = userOrders(world, user, 'pending').find((candidate) => planSwaps(world, candidate, 1, random));
      const planned = order ? planSwaps(world, order, 1, random) : null;
      // The ticket asks for the item swap first, but the address must change first: after a swap the order is frozen.
      if (!order || !planned) return undefined;
      return {
        kind: 'order-address-then-items',
        fragments: [modifyOrderAddress(world, random, order, generateAddress(random)), modifyOrderItems(world, random, order, planned.swaps, planned.method, false)],
        askOrder: [1, 0],
      };
    }
    default: {
      const shipped = anyOrder(context, user, 'delivered');
      return pending && shipped && {
        kind: 'cancel-and-refused-cancel',
        fragments: [
          cancelOrder(world, random, pending, 'ordered by mistake', { asksRefund: true }),
          refusal(`And cancel order ${shipped.order_id} as well.`, [readOrder(shipped)], `Order ${shipped.order_id} has already been delivered, so it cannot be cancelled.`),
        ],
      };
    }
  }
}

/** Two requests in one ticket (including one that must be declined). */
export function combinedRequestTasks(context: TemplateContext, count: number): TaskDraft[] {
  const { world, random } = context;
  return draftsFrom('combined-request', random, Object.values(world.users), count, (user, instance) => {
    const pair = requestPair(context, user, instance % 6);
    if (!pair) return null;
    return composeTask(context, 'combined-request', pair.kind, user, pair.fragments, { authorise: true, askOrder: pair.askOrder });
  });
}
