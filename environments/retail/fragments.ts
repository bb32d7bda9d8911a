/**
 * Request fragments: one customer request each (what the ticket says, what the agent must read and
 * write, what the final message must say). Task templates compose one or more fragments into a ticket.
 */
import type { JsonObject } from '../../src/harness/api.ts';
import type { Random } from '../../src/util/random.ts';
import type { Address, CancelReason, Order, OrderItem, PaymentMethod, Product, RetailDatabase, User, Variant } from './data.ts';
import { formatDollars, sumCents } from './money.ts';
import { describeAddress, describeItem, describeMethod, describeOptions, joinList, nameMethod } from './phrasing.ts';
import type { WriteToolName } from './schemas.ts';
import { amountPaid, ownerOf, payerOf, swapDifference, userOrders, type Swap } from './selection.ts';

/** A tool call in a fragment's plan. */
export interface PlannedCall<Tool extends string = string> {
  tool: Tool;
  args: JsonObject;
}

/** One request of a ticket. */
export interface Fragment {
  /** The customer's words. */
  ask: string;
  /** Reads the agent needs for it. */
  reads: PlannedCall[];
  /** Writes it needs, in order (each gets a confirmation in the plan). */
  writes: PlannedCall<WriteToolName>[];
  /** What the final message says about it. */
  reply: string;
  /** Strings the final message must contain. */
  required: string[];
  /** Set when the request must be handed to a human: the hand-off summary. */
  transferSummary?: string;
}

const orderRead = (order: Order): PlannedCall => ({ tool: 'get_order_details', args: { order_id: order.order_id } });
const userRead = (user: User): PlannedCall => ({ tool: 'get_user_details', args: { user_id: user.user_id } });
const productRead = (productId: string): PlannedCall => ({ tool: 'get_product_details', args: { product_id: productId } });

/** The address fields as tool arguments. */
export function addressArgs(address: Address): JsonObject {
  return { address1: address.address1, address2: address.address2, city: address.city, state: address.state, country: address.country, zip: address.zip };
}

function refundTiming(method: PaymentMethod | undefined): string {
  return method?.source === 'gift_card' ? 'right away' : 'within 5 to 7 business days';
}

function reasonWords(random: Random, reason: CancelReason): string {
  return reason === 'no longer needed'
    ? random.pick(["I don't need it anymore", 'I no longer need it', "it turns out I don't need it"])
    : random.pick(['I ordered it by mistake', 'I placed it by accident', 'it was ordered by mistake']);
}

/**
 * Cancel a pending order. With `itemName` the ticket names the order by an item instead of its id, so
 * the agent has to find it among the customer's orders.
 */
export function cancelOrder(
  world: RetailDatabase,
  random: Random,
  order: Order,
  reason: CancelReason,
  options: { itemName?: string; asksRefund: boolean },
): Fragment {
  const user = ownerOf(world, order);
  const payer = payerOf(world, order);
  const refund = amountPaid(order);
  const reference = options.itemName ? `my pending order with the ${options.itemName} (I don't have the order number)` : `order ${order.order_id}`;
  const question = options.asksRefund ? ` ${random.pick(['How much will be refunded?', 'Please tell me the refund amount.', 'Let me know how much I get back.'])}` : '';
  return {
    ask: `${random.pick(['Please cancel', 'I want to cancel', 'Cancel'])} ${reference}, because ${reasonWords(random, reason)}.${question}`,
    reads: options.itemName ? [userRead(user), orderRead(order)] : [orderRead(order)],
    writes: [{ tool: 'cancel_pending_order', args: { order_id: order.order_id, reason } }],
    reply: `Order ${order.order_id} is cancelled; ${formatDollars(refund)} goes back to ${payer ? nameMethod(payer) : 'the original payment method'} ${refundTiming(payer)}.`,
    required: options.asksRefund ? [formatDollars(refund)] : [],
  };
}

/** Ship a pending order somewhere else: a new address, or the customer's default address. */
export function modifyOrderAddress(world: RetailDatabase, random: Random, order: Order, target: Address | 'default'): Fragment {
  const user = ownerOf(world, order);
  const address = target === 'default' ? user.address : target;
  const ask =
    target === 'default'
      ? `${random.pick(['Order', 'My order'])} ${order.order_id} is going to the wrong place: please ship it to the default address on my profile instead.`
      : random.pick([
          `Please ship order ${order.order_id} to ${describeAddress(address)} instead.`,
          `Could you send order ${order.order_id} to ${describeAddress(address)} instead?`,
          `I need order ${order.order_id} delivered to ${describeAddress(address)} instead.`,
        ]);
  return {
    ask,
    reads: target === 'default' ? [userRead(user), orderRead(order)] : [orderRead(order)],
    writes: [{ tool: 'modify_pending_order_address', args: { order_id: order.order_id, ...addressArgs(address) } }],
    reply: `Order ${order.order_id} will now ship to ${describeAddress(address)}.`,
    required: [],
  };
}

function swapWords(swaps: readonly Swap[], connector: 'to' | 'for'): string {
  return joinList(swaps.map((swap) => `${describeItem(swap.item)} ${connector} the one with ${describeOptions(swap.replacement.options)}`));
}

function differenceReply(difference: number, method: PaymentMethod): string {
  if (difference > 0) return `${formatDollars(difference)} is charged to ${nameMethod(method)}`;
  if (difference < 0) return `${formatDollars(-difference)} is refunded to ${nameMethod(method)}`;
  return 'there is no price difference';
}

/** Swap items of a pending order (once per order, all swaps in one call). */
export function modifyOrderItems(world: RetailDatabase, random: Random, order: Order, swaps: Swap[], method: PaymentMethod, asksDifference: boolean): Fragment {
  const user = ownerOf(world, order);
  const difference = swapDifference(swaps);
  const question = asksDifference ? ` ${random.pick(['What is the price difference?', 'Tell me how much the difference is.'])}` : '';
  return {
    ask:
      `On order ${order.order_id}, ${random.pick(['please change', "I'd like to switch", 'change'])} ${swapWords(swaps, 'to')}. ` +
      `Use ${describeMethod(method)} for any price difference. ${random.pick(["That's every item I want changed.", 'Nothing else in the order should change.'])}${question}`,
    reads: [userRead(user), orderRead(order), ...swaps.map((swap) => productRead(swap.item.product_id))],
    writes: [
      {
        tool: 'modify_pending_order_items',
        args: {
          order_id: order.order_id,
          item_ids: swaps.map((swap) => swap.item.item_id),
          new_item_ids: swaps.map((swap) => swap.replacement.item_id),
          payment_method_id: method.id,
        },
      },
    ],
    reply: `Order ${order.order_id} now has the new options; ${differenceReply(difference, method)}.`,
    required: asksDifference ? [formatDollars(Math.abs(difference))] : [],
  };
}

/** Pay a pending order with another method of the customer. */
export function modifyOrderPayment(world: RetailDatabase, random: Random, order: Order, method: PaymentMethod, asksAmount: boolean): Fragment {
  const user = ownerOf(world, order);
  const payer = payerOf(world, order);
  const amount = amountPaid(order);
  const question = asksAmount ? ` ${random.pick(['How much will be charged to it?', 'Please tell me the amount that moves over.'])}` : '';
  return {
    ask:
      random.pick([
        `Please switch the payment of order ${order.order_id} to ${describeMethod(method)}.`,
        `I want to pay for order ${order.order_id} with ${describeMethod(method)} instead.`,
        `Change the payment method of order ${order.order_id} to ${describeMethod(method)}.`,
      ]) + question,
    reads: [userRead(user), orderRead(order)],
    writes: [{ tool: 'modify_pending_order_payment', args: { order_id: order.order_id, payment_method_id: method.id } }],
    reply: `Order ${order.order_id} is now paid with ${nameMethod(method)} (${formatDollars(amount)}); ${payer ? nameMethod(payer) : 'the previous method'} is refunded ${refundTiming(payer)}.`,
    required: asksAmount ? [formatDollars(amount)] : [],
  };
}

/** Change the customer's default address, to a new address or to the address of one of their orders. */
export function modifyUserAddress(random: Random, user: User, address: Address, fromOrder?: Order): Fragment {
  const ask = fromOrder
    ? `Please make the shipping address of my order ${fromOrder.order_id} my default address.`
    : random.pick([
        `I moved: please change my default address to ${describeAddress(address)}.`,
        `Please set my default address to ${describeAddress(address)}.`,
        `My new default address is ${describeAddress(address)}; please update my profile.`,
      ]);
  return {
    ask,
    reads: fromOrder ? [userRead(user), orderRead(fromOrder)] : [userRead(user)],
    writes: [{ tool: 'modify_user_address', args: { user_id: user.user_id, ...addressArgs(address) } }],
    reply: `Your default address is now ${describeAddress(address)}.`,
    required: [],
  };
}

/** Return items of a delivered order, refunded to the original method or the customer's gift card. */
export function returnItems(world: RetailDatabase, random: Random, order: Order, items: OrderItem[], method: PaymentMethod, asksRefund: boolean): Fragment {
  const user = ownerOf(world, order);
  const refund = sumCents(items.map((item) => item.price));
  const destination = method.source === 'gift_card' && payerOf(world, order)?.id !== method.id ? 'my gift card' : random.pick(['the payment method I used', 'the original payment method', 'whatever I paid with']);
  const question = asksRefund ? ` ${random.pick(['What will the refund be?', 'How much will I get back in total?', 'Please tell me the refund total.'])}` : '';
  return {
    ask: `${random.pick(["I'd like to return", 'Please start a return for', 'I want to send back'])} ${joinList(items.map(describeItem))} from order ${order.order_id}, refunded to ${destination}.${question}`,
    reads: [userRead(user), orderRead(order)],
    writes: [{ tool: 'return_delivered_order_items', args: { order_id: order.order_id, item_ids: items.map((item) => item.item_id), payment_method_id: method.id } }],
    reply: `The return for order ${order.order_id} is requested; the refund of ${formatDollars(refund)} goes to ${nameMethod(method)} once the items arrive, and you will get an email with return instructions.`,
    required: asksRefund ? [formatDollars(refund)] : [],
  };
}

/** Exchange items of a delivered order for other options of the same products. */
export function exchangeItems(world: RetailDatabase, random: Random, order: Order, swaps: Swap[], method: PaymentMethod, asksDifference: boolean): Fragment {
  const user = ownerOf(world, order);
  const difference = swapDifference(swaps);
  const question = asksDifference ? ` ${random.pick(['How much is the price difference?', 'Let me know the difference in price.'])}` : '';
  return {
    ask:
      `${random.pick(["I'd like to exchange", 'Please exchange', 'I want to swap'])} ${swapWords(swaps, 'for')} from order ${order.order_id}. ` +
      `Settle any price difference with ${describeMethod(method)}. ${random.pick(["That's all I want to exchange.", 'No other items.'])}${question}`,
    reads: [userRead(user), orderRead(order), ...swaps.map((swap) => productRead(swap.item.product_id))],
    writes: [
      {
        tool: 'exchange_delivered_order_items',
        args: {
          order_id: order.order_id,
          item_ids: swaps.map((swap) => swap.item.item_id),
          new_item_ids: swaps.map((swap) => swap.replacement.item_id),
          payment_method_id: method.id,
        },
      },
    ],
    reply: `The exchange for order ${order.order_id} is requested; ${differenceReply(difference, method)}. You will get an email with return instructions.`,
    required: asksDifference ? [formatDollars(Math.abs(difference))] : [],
  };
}

/** Tell the tracking number(s) of a shipped order. */
export function trackingInfo(random: Random, order: Order): Fragment {
  const trackingIds = order.fulfillments.flatMap((fulfillment) => fulfillment.tracking_id);
  return {
    ask: random.pick([
      `What's the tracking number of order ${order.order_id}?`,
      `Can you give me the tracking number for order ${order.order_id}?`,
      `I need the tracking number of order ${order.order_id}.`,
    ]),
    reads: [orderRead(order)],
    writes: [],
    reply: `The tracking number${trackingIds.length > 1 ? 's' : ''} for order ${order.order_id}: ${joinList(trackingIds)}.`,
    required: trackingIds,
  };
}

/** Tell what an order cost and where it stands. */
export function orderTotalAndStatus(random: Random, order: Order): Fragment {
  const total = sumCents(order.items.map((item) => item.price));
  return {
    ask: `${random.pick(['How much was', 'What was the total of'])} order ${order.order_id}, and what is its status?`,
    reads: [orderRead(order)],
    writes: [],
    reply: `Order ${order.order_id} came to ${formatDollars(total)} and its status is ${order.status}.`,
    required: [formatDollars(total), order.status],
  };
}

/** Tell the gift card balance. */
export function giftCardBalance(random: Random, user: User, balance: number): Fragment {
  return {
    ask: random.pick(["What's the balance left on my gift card?", 'How much is left on my gift card?']),
    reads: [userRead(user)],
    writes: [],
    reply: `Your gift card balance is ${formatDollars(balance)}.`,
    required: [formatDollars(balance)],
  };
}

/** List the customer's pending orders (the agent has to open every order to see its status). */
export function pendingOrderList(world: RetailDatabase, random: Random, user: User): Fragment {
  const pending = userOrders(world, user, 'pending').map((order) => order.order_id);
  return {
    ask: random.pick(['Which of my orders are still pending? Please list their order numbers.', 'Could you tell me the order numbers of all my orders that are still pending?']),
    reads: [userRead(user), ...userOrders(world, user).map(orderRead)],
    writes: [],
    reply: `Your pending orders: ${joinList(pending)}.`,
    required: pending,
  };
}

/** Tell the price and availability of one product variant. */
export function variantPrice(random: Random, product: Product, variant: Variant): Fragment {
  return {
    ask: random.pick([
      `How much does the ${product.name} with ${describeOptions(variant.options)} cost, and is it in stock?`,
      `What is the price of the ${product.name} with ${describeOptions(variant.options)}, and can I order it right now?`,
    ]),
    reads: [{ tool: 'list_all_product_types', args: {} }, productRead(product.product_id)],
    writes: [],
    reply: `The ${product.name} with ${describeOptions(variant.options)} costs ${formatDollars(variant.price)} and is ${variant.available ? 'available' : 'currently not available'}.`,
    required: [formatDollars(variant.price)],
  };
}

/** A question about the other requests of the ticket (e.g. a combined total): nothing to read or write. */
export function summaryQuestion(ask: string, reply: string, required: string[]): Fragment {
  return { ask, reads: [], writes: [], reply, required };
}

/** A request the policy forbids: read what shows it, change nothing, explain. */
export function refusal(ask: string, reads: PlannedCall[], reply: string): Fragment {
  return { ask, reads, writes: [], reply, required: [] };
}

/** The read of an order, for refusals that hinge on its status or owner. */
export function readOrder(order: Order): PlannedCall {
  return orderRead(order);
}

/** The read of a profile, for refusals that hinge on the customer's payment methods. */
export function readUser(user: User): PlannedCall {
  return userRead(user);
}

/** A reasonable request no tool can serve: hand it to a human. */
export function handOff(ask: string, reads: PlannedCall[], summary: string): Fragment {
  return {
    ask,
    reads,
    writes: [],
    reply: 'I have transferred your request to a human agent, who will take it from here.',
    required: [],
    transferSummary: summary,
  };
}
