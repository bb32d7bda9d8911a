/**
 * The retail tools, with tau2-bench's semantics (src/tau2/domains/retail/tools.py): the same names,
 * arguments, checks in the same order, error texts, rounding and mutations, including what a failing call
 * has already changed and the one known quirk (modify_pending_order_items gives every modified item the
 * price and options of the last new item). The reward replays the gold actions through these tools, so
 * they must agree with the Python call for call.
 */
import type { JsonObject } from '../../src/harness/api.ts';
import { defineTool, param, refuse, type ToolDefinition, type ToolSpec } from '../../src/toolkit/tools.ts';
import { ALL_FLOATS, pythonJson, pythonRound } from '../tau2/python.ts';
import type { Tau2State } from '../tau2/world.ts';
import { CANCEL_REASONS, type Address, type Order, type PaymentMethod, type RetailDatabase, type User } from './database.ts';
import { calculateSpec, transferSpec } from '../tau2/shared-tools.ts';

/** A retail episode's world. */
export type RetailState = Tau2State<RetailDatabase>;

const ID = {
  order: '^#W\\d{7}$',
  user: '^[a-z]+_[a-z]+_\\d{4}$',
  product: '^\\d{10}$',
  item: '^\\d{10}$',
  paymentMethod: '^(credit_card|gift_card|paypal)_\\d{7}$',
  zip: '^\\d{5}$',
} as const;

const orderId = param.string({ pattern: ID.order, description: "The order id: '#W' and 7 digits, e.g. '#W0000000' (mind the '#')." });
const userId = param.string({ pattern: ID.user, description: "The user id, e.g. 'sara_doe_4960'." });
const paymentMethodId = (what: string) =>
  param.string({ pattern: ID.paymentMethod, description: `${what}, from the user's or the order's details, e.g. 'gift_card_0000000' or 'credit_card_0000000'.` });
const itemIds = (description: string) => param.array(param.string({ pattern: ID.item, description: "A 10-digit item id, e.g. '1008292230'." }), { description });
const address = {
  address1: param.string({ description: "First address line, e.g. '123 Main St'." }),
  address2: param.string({ description: "Second address line, e.g. 'Apt 1', or '' when there is none." }),
  city: param.string({ description: "City, e.g. 'San Francisco'." }),
  state: param.string({ description: "State, e.g. 'CA'." }),
  country: param.string({ description: "Country, e.g. 'USA'." }),
  zip: param.string({ pattern: ID.zip, description: "Five-digit zip code, e.g. '12345'." }),
};
const CONFIRM = 'List the details to the customer and get their explicit confirmation (yes) before calling it.';

const json = (value: unknown) => pythonJson(value, ALL_FLOATS);
/** The address model's own field order (as tau2 stores it), whatever the argument order. */
const addressOf = (args: JsonObject): Address => ({
  address1: String(args.address1),
  address2: String(args.address2),
  city: String(args.city),
  country: String(args.country),
  state: String(args.state),
  zip: String(args.zip),
});

function order(state: RetailState, id: string): Order {
  return state.db.edit('orders', id) ?? refuse('Order not found');
}

function user(state: RetailState, id: string): User {
  return state.db.edit('users', id) ?? refuse('User not found');
}

function paymentMethod(state: RetailState, userId: string, id: string): PaymentMethod {
  const owner = user(state, userId);
  return Object.hasOwn(owner.payment_methods, id) ? owner.payment_methods[id]! : refuse('Payment method not found');
}

function variant(state: RetailState, productId: string, variantId: string) {
  const product = state.db.get('products', productId) ?? refuse('Product not found');
  return Object.hasOwn(product.variants, variantId) ? product.variants[variantId]! : refuse('Variant not found');
}

/**
 * A retail tool. The schema shows id formats and choices, but the tool itself judges the values, so a
 * malformed id gets tau2's own answer ("Order not found"), as in the benchmark.
 */
const retailTool = (spec: ToolSpec<RetailState>) => defineTool<RetailState>({ ...spec, validation: { values: false } });

const count = (list: readonly string[], item: string) => list.filter((entry) => entry === item).length;
const strings = (value: unknown) => (value as string[]).map(String);

export const RETAIL_TOOLS: readonly ToolDefinition<RetailState>[] = [
  retailTool(calculateSpec('(129.99 - 54.04) * 2')),
  retailTool({
    name: 'cancel_pending_order',
    readOnly: false,
    description: `Cancel a pending order (a processed or delivered one cannot be cancelled). The order becomes 'cancelled' and its payments are refunded: at once onto a gift card, otherwise in 5-7 business days. ${CONFIRM} Returns the order.`,
    parameters: { order_id: orderId, reason: param.string({ enum: [...CANCEL_REASONS], description: "Why: 'no longer needed' or 'ordered by mistake'." }) },
    run: (state, args) => {
      const target = order(state, String(args.order_id));
      if (target.status !== 'pending') refuse('Non-pending order cannot be cancelled');
      const reason = String(args.reason);
      if (!(CANCEL_REASONS as readonly string[]).includes(reason)) refuse('Invalid reason');
      const refunds = [];
      for (const payment of target.payment_history) {
        refunds.push({ transaction_type: 'refund' as const, amount: payment.amount, payment_method_id: payment.payment_method_id });
        const method = paymentMethod(state, user(state, target.user_id).user_id, payment.payment_method_id);
        if (method.source === 'gift_card') method.balance = pythonRound(method.balance + payment.amount, 2);
      }
      target.status = 'cancelled';
      target.cancel_reason = reason as Order['cancel_reason'];
      target.payment_history.push(...refunds);
      return json(target);
    },
  }),
  retailTool({
    name: 'exchange_delivered_order_items',
    readOnly: false,
    description: `Exchange items of a delivered order for available items of the same product with other options. A delivered order can be returned or exchanged only once. ${CONFIRM} Returns the order.`,
    parameters: {
      order_id: orderId,
      item_ids: itemIds('The item ids to exchange; the same id may appear more than once.'),
      new_item_ids: itemIds('The item ids to exchange them for, position by position, each of the same product as the item it replaces.'),
      payment_method_id: paymentMethodId('The payment method that pays or receives the price difference'),
    },
    run: (state, args) => {
      const target = order(state, String(args.order_id));
      if (target.status !== 'delivered') refuse('Non-delivered order cannot be exchanged');
      const itemIdsGiven = strings(args.item_ids);
      const newItemIds = strings(args.new_item_ids);
      const ordered = target.items.map((item) => item.item_id);
      for (const itemId of itemIdsGiven) if (count(itemIdsGiven, itemId) > count(ordered, itemId)) refuse(`Number of ${itemId} not found.`);
      if (itemIdsGiven.length !== newItemIds.length) refuse('The number of items to be exchanged should match.');
      let difference = 0;
      itemIdsGiven.forEach((itemId, index) => {
        const item = target.items.find((candidate) => candidate.item_id === itemId) ?? refuse(`Item ${itemId} not found`);
        const replacement = variant(state, item.product_id, newItemIds[index]!);
        if (!replacement.available) refuse(`New item ${newItemIds[index]} not found or available`);
        difference += replacement.price - item.price;
      });
      difference = pythonRound(difference, 2);
      const method = paymentMethod(state, target.user_id, String(args.payment_method_id));
      if (method.source === 'gift_card' && method.balance < difference) refuse('Insufficient gift card balance to pay for the price difference');
      target.status = 'exchange requested';
      target.exchange_items = [...itemIdsGiven].sort();
      target.exchange_new_items = [...newItemIds].sort();
      target.exchange_payment_method_id = String(args.payment_method_id);
      target.exchange_price_difference = difference;
      return json(target);
    },
  }),
  retailTool({
    name: 'find_user_id_by_name_zip',
    readOnly: true,
    description: "Find a user id by first name, last name and zip code. Look users up by email first; use this only when the customer cannot give an email or it was not found.",
    parameters: {
      first_name: param.string({ description: "The customer's first name, e.g. 'John'." }),
      last_name: param.string({ description: "The customer's last name, e.g. 'Doe'." }),
      zip: param.string({ pattern: ID.zip, description: "The customer's zip code, e.g. '12345'." }),
    },
    run: (state, args) => {
      const first = String(args.first_name).toLowerCase();
      const last = String(args.last_name).toLowerCase();
      for (const key of state.db.keys('users')) {
        const candidate = state.db.get('users', key)!;
        if (candidate.name.first_name.toLowerCase() === first && candidate.name.last_name.toLowerCase() === last && candidate.address.zip === args.zip) return key;
      }
      return refuse('User not found');
    },
  }),
  retailTool({
    name: 'find_user_id_by_email',
    readOnly: true,
    description: 'Find a user id by email address.',
    parameters: { email: param.string({ description: "The customer's email, e.g. 'something@example.com'." }) },
    run: (state, args) => {
      const email = String(args.email).toLowerCase();
      for (const key of state.db.keys('users')) if (state.db.get('users', key)!.email.toLowerCase() === email) return key;
      return refuse('User not found');
    },
  }),
  retailTool({
    name: 'get_order_details',
    readOnly: true,
    description: 'Get the status and details of an order.',
    parameters: { order_id: orderId },
    run: (state, args) => json(state.db.get('orders', String(args.order_id)) ?? refuse('Order not found')),
  }),
  retailTool({
    name: 'get_product_details',
    readOnly: true,
    description: 'Get the inventory of a product: its variants (item ids), their options, availability and prices. A product id is not an item id.',
    parameters: { product_id: param.string({ pattern: ID.product, description: "The 10-digit product id, e.g. '6086499569'." }) },
    run: (state, args) => json(state.db.get('products', String(args.product_id)) ?? refuse('Product not found')),
  }),
  retailTool({
    name: 'get_user_details',
    readOnly: true,
    description: "Get a user's details: name, address, email, payment methods and orders.",
    parameters: { user_id: userId },
    run: (state, args) => json(state.db.get('users', String(args.user_id)) ?? refuse('User not found')),
  }),
  retailTool({
    name: 'list_all_product_types',
    readOnly: true,
    description: 'List every product type (the store has 50) as a JSON object from product name to product id, sorted by name. Each product has variant items with their own item ids and options.',
    run: (state) => {
      const byName: Record<string, string> = {};
      for (const product of state.db.values('products')) byName[product.name] = product.product_id;
      const sorted = Object.fromEntries(Object.entries(byName).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
      return pythonJson(sorted);
    },
  }),
  retailTool({
    name: 'modify_pending_order_address',
    readOnly: false,
    description: `Change the shipping address of a pending order. ${CONFIRM} Returns the order.`,
    parameters: { order_id: orderId, ...address },
    run: (state, args) => {
      const target = order(state, String(args.order_id));
      if (!target.status.includes('pending')) refuse('Non-pending order cannot be modified');
      target.address = addressOf(args);
      return json(target);
    },
  }),
  retailTool({
    name: 'modify_pending_order_items',
    readOnly: false,
    description: `Change items of a pending order to available items of the same product with other options. Possible once per order: collect every item first. ${CONFIRM} Returns the order.`,
    parameters: {
      order_id: orderId,
      item_ids: itemIds('The item ids to change; the same id may appear more than once.'),
      new_item_ids: itemIds('The item ids to change them to, position by position, each of the same product as the item it replaces.'),
      payment_method_id: paymentMethodId('The payment method that pays or receives the price difference'),
    },
    run: (state, args) => {
      const target = order(state, String(args.order_id));
      if (target.status !== 'pending') refuse('Non-pending order cannot be modified');
      const itemIdsGiven = strings(args.item_ids);
      const newItemIds = strings(args.new_item_ids);
      const ordered = target.items.map((item) => item.item_id);
      for (const itemId of itemIdsGiven) if (count(itemIdsGiven, itemId) > count(ordered, itemId)) refuse(`${itemId} not found`);
      if (itemIdsGiven.length !== newItemIds.length) refuse('The number of items to be exchanged should match');
      let difference = 0;
      let lastVariant: ReturnType<typeof variant> | undefined;
      itemIdsGiven.forEach((itemId, index) => {
        if (itemId === newItemIds[index]) refuse('The new item id should be different from the old item id');
        const item = target.items.find((candidate) => candidate.item_id === itemId) ?? refuse(`Item ${itemId} not found`);
        lastVariant = variant(state, item.product_id, newItemIds[index]!);
        if (!lastVariant.available) refuse(`New item ${newItemIds[index]} not found or available`);
        difference += lastVariant.price - item.price;
      });
      const method = paymentMethod(state, target.user_id, String(args.payment_method_id));
      if (method.source === 'gift_card' && method.balance < difference) refuse('Insufficient gift card balance to pay for the new item');
      target.payment_history.push({ transaction_type: difference > 0 ? 'payment' : 'refund', amount: Math.abs(difference), payment_method_id: String(args.payment_method_id) });
      if (method.source === 'gift_card') method.balance = pythonRound(method.balance - difference, 2);
      itemIdsGiven.forEach((itemId, index) => {
        const item = target.items.find((candidate) => candidate.item_id === itemId) ?? refuse(`Item ${itemId} not found`);
        item.item_id = newItemIds[index]!;
        // tau2 gives every modified item the price and options of the last new item (a known quirk, kept:
        // the gold replay runs through the same code).
        item.price = lastVariant!.price;
        item.options = { ...lastVariant!.options };
      });
      target.status = 'pending (item modified)';
      return json(target);
    },
  }),
  retailTool({
    name: 'modify_pending_order_payment',
    readOnly: false,
    description: `Pay a pending order with another of the user's payment methods; the old one is refunded. ${CONFIRM} Returns the order.`,
    parameters: { order_id: orderId, payment_method_id: paymentMethodId('The new payment method') },
    run: (state, args) => {
      const target = order(state, String(args.order_id));
      if (!target.status.includes('pending')) refuse('Non-pending order cannot be modified');
      const newId = String(args.payment_method_id);
      const method = paymentMethod(state, target.user_id, newId);
      const first = target.payment_history[0];
      if (target.payment_history.length !== 1 || first?.transaction_type !== 'payment') refuse('There should be exactly one payment for a pending order');
      if (first!.payment_method_id === newId) refuse('The new payment method should be different from the current one');
      const amount = first!.amount;
      if (method.source === 'gift_card' && method.balance < amount) refuse('Insufficient gift card balance to pay for the order');
      target.payment_history.push(
        { transaction_type: 'payment', amount, payment_method_id: newId },
        { transaction_type: 'refund', amount, payment_method_id: first!.payment_method_id },
      );
      if (method.source === 'gift_card') method.balance = pythonRound(method.balance - amount, 2);
      const old = paymentMethod(state, target.user_id, target.payment_history[0]!.payment_method_id);
      if (old.source === 'gift_card') old.balance = pythonRound(old.balance + amount, 2);
      return json(target);
    },
  }),
  retailTool({
    name: 'modify_user_address',
    readOnly: false,
    description: `Change a user's default address. ${CONFIRM} Returns the user.`,
    parameters: { user_id: userId, ...address },
    run: (state, args) => {
      const target = user(state, String(args.user_id));
      target.address = addressOf(args);
      return json(target);
    },
  }),
  retailTool({
    name: 'return_delivered_order_items',
    readOnly: false,
    description: `Return items of a delivered order: it becomes 'return requested' and the customer gets an email on how to send them back. The refund goes to the original payment method or a gift card of the user. ${CONFIRM} Returns the order.`,
    parameters: {
      order_id: orderId,
      item_ids: itemIds('The item ids to return; the same id may appear more than once.'),
      payment_method_id: paymentMethodId('The payment method that receives the refund: the original one, or a gift card'),
    },
    run: (state, args) => {
      const target = order(state, String(args.order_id));
      if (target.status !== 'delivered') refuse('Non-delivered order cannot be returned');
      const owner = user(state, target.user_id);
      const methodId = String(args.payment_method_id);
      const method = paymentMethod(state, owner.user_id, methodId);
      if (method.source !== 'gift_card' && methodId !== (target.payment_history[0] ?? refuse('list index out of range')).payment_method_id) {
        refuse('Payment method should be the original payment method');
      }
      const itemIdsGiven = strings(args.item_ids);
      const ordered = target.items.map((item) => item.item_id);
      for (const itemId of itemIdsGiven) if (count(itemIdsGiven, itemId) > count(ordered, itemId)) refuse('Some item not found');
      target.status = 'return requested';
      target.return_items = [...itemIdsGiven].sort();
      target.return_payment_method_id = methodId;
      return json(target);
    },
  }),
  retailTool(transferSpec()),
];
