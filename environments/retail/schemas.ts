/**
 * The tool schemas the agent sees. Id parameters carry their `pattern` and fixed choices their `enum`,
 * so harness code can validate and coerce arguments from the schemas alone.
 */
import type { ParameterSchema, ToolSchema } from '../../src/harness/api.ts';
import { CANCEL_REASONS } from './data.ts';

/** Id formats, anchored. */
export const ID_PATTERNS = {
  userId: '^[a-z]+_[a-z]+_\\d{4}$',
  orderId: '^#W\\d{7}$',
  productId: '^\\d{10}$',
  itemId: '^\\d{10}$',
  paymentMethodId: '^(credit_card|gift_card|paypal)_\\d{7}$',
} as const;

/** The tools that change the database; each needs a matching confirmation right before it. */
export const WRITE_TOOL_NAMES = [
  'cancel_pending_order',
  'modify_pending_order_items',
  'modify_pending_order_address',
  'modify_pending_order_payment',
  'modify_user_address',
  'return_delivered_order_items',
  'exchange_delivered_order_items',
] as const;
/** One database-changing tool. */
export type WriteToolName = (typeof WRITE_TOOL_NAMES)[number];

/** The tool that records a customer's confirmation (solo form of "ask the customer and get a yes"). */
export const CONFIRMATION_TOOL = 'record_customer_confirmation';
/** The hand-off tool. */
export const TRANSFER_TOOL = 'transfer_to_human_agents';
/** The identification tools: a successful call returns a user id. */
export const IDENTIFICATION_TOOLS = ['find_user_id_by_email', 'find_user_id_by_name_zip'] as const;

const orderId: ParameterSchema = { type: 'string', description: "The order id, '#W' followed by 7 digits, e.g. '#W0123456'.", pattern: ID_PATTERNS.orderId };
const userId: ParameterSchema = { type: 'string', description: "The user id, e.g. 'jane_doe_1234'.", pattern: ID_PATTERNS.userId };
const paymentMethodId: ParameterSchema = {
  type: 'string',
  description: "A payment method id from the user's profile, e.g. 'credit_card_0123456', 'gift_card_0123456' or 'paypal_0123456'.",
  pattern: ID_PATTERNS.paymentMethodId,
};
const itemIds = (description: string): ParameterSchema => ({
  type: 'array',
  description,
  items: { type: 'string', description: 'A 10-digit item id.', pattern: ID_PATTERNS.itemId },
});
const addressFields: Record<string, ParameterSchema> = {
  address1: { type: 'string', description: "Street line, e.g. '418 Juniper Lane'." },
  address2: { type: 'string', description: "Second line, e.g. 'Apt 12'; an empty string when there is none." },
  city: { type: 'string', description: 'City.' },
  state: { type: 'string', description: "Two-letter state code, e.g. 'OR'." },
  country: { type: 'string', description: "Country, e.g. 'USA'." },
  zip: { type: 'string', description: "Five-digit zip code, e.g. '97201'." },
};
const addressNames = Object.keys(addressFields);

function tool(
  name: string,
  description: string,
  properties: Record<string, ParameterSchema>,
  readOnly: boolean,
  required: string[] = Object.keys(properties),
): ToolSchema {
  return { name, description, parameters: { type: 'object', properties, required }, readOnly };
}

/** Every tool of the retail environment, reads first. */
export const RETAIL_TOOLS: readonly ToolSchema[] = [
  tool('find_user_id_by_email', 'Find a user id by email address. Returns the user id.', { email: { type: 'string', description: "The user's email, e.g. 'jane.doe@example.com'." } }, true),
  tool(
    'find_user_id_by_name_zip',
    "Find a user id by first name, last name and the zip code of the user's default address. Returns the user id.",
    {
      first_name: { type: 'string', description: "First name, e.g. 'Jane'." },
      last_name: { type: 'string', description: "Last name, e.g. 'Doe'." },
      zip: { type: 'string', description: "Zip code, e.g. '97201'.", pattern: '^\\d{5}$' },
    },
    true,
  ),
  tool('get_user_details', 'Get a user profile: name, email, default address, payment methods (with gift card balances) and order ids.', { user_id: userId }, true),
  tool('get_order_details', 'Get an order: status, address, items (with item ids, options and prices), fulfillments (tracking ids) and payment history.', { order_id: orderId }, true),
  tool(
    'get_product_details',
    'Get a product type and all its variants (item id, options, price, availability). Product ids and item ids are different things.',
    { product_id: { type: 'string', description: 'The 10-digit product id (not an item id).', pattern: ID_PATTERNS.productId } },
    true,
  ),
  tool('list_all_product_types', 'List every product type the shop sells, as a map from product name to product id.', {}, true),
  tool(
    'calculate',
    "Evaluate an arithmetic expression with numbers, + - * / and parentheses, e.g. '(49.99 + 12.5) * 2'. Returns the result rounded to 2 decimals.",
    { expression: { type: 'string', description: 'The expression to evaluate.' } },
    true,
  ),
  tool(
    CONFIRMATION_TOOL,
    "Record the customer's explicit confirmation of one write action, immediately before performing it. 'arguments' must be exactly the arguments the write will be called with.",
    {
      action: { type: 'string', description: 'The name of the write tool being confirmed.', enum: [...WRITE_TOOL_NAMES] },
      arguments: { type: 'object', description: 'The exact arguments object of the write being confirmed.' },
    },
    false,
  ),
  tool(
    'cancel_pending_order',
    "Cancel a pending order and refund its payments to the methods that paid. The order's status becomes 'cancelled'.",
    { order_id: orderId, reason: { type: 'string', description: 'Why the customer cancels.', enum: [...CANCEL_REASONS] } },
    false,
  ),
  tool(
    'modify_pending_order_items',
    "Swap items of a pending order for other options of the same products (all swaps in one call; possible once per order). The price difference is charged to or refunded to the given payment method. The status becomes 'pending (item modified)'.",
    {
      order_id: orderId,
      item_ids: itemIds('The item ids in the order to be modified.'),
      new_item_ids: itemIds('The new item ids, position by position; each must be an available variant of the same product.'),
      payment_method_id: paymentMethodId,
    },
    false,
  ),
  tool('modify_pending_order_address', 'Change the shipping address of a pending order.', { order_id: orderId, ...addressFields }, false, ['order_id', ...addressNames]),
  tool(
    'modify_pending_order_payment',
    'Pay a pending order with a different payment method of the user: the new method is charged and the old one refunded.',
    { order_id: orderId, payment_method_id: paymentMethodId },
    false,
  ),
  tool("modify_user_address", "Change a user's default address.", { user_id: userId, ...addressFields }, false, ['user_id', ...addressNames]),
  tool(
    'return_delivered_order_items',
    "Request a return of items of a delivered order. The refund goes to the original payment method or a gift card of the user. The status becomes 'return requested'.",
    {
      order_id: orderId,
      item_ids: itemIds('The item ids in the order to be returned.'),
      payment_method_id: paymentMethodId,
    },
    false,
  ),
  tool(
    'exchange_delivered_order_items',
    "Request an exchange of items of a delivered order for other options of the same products (all items in one call; once per order). The price difference is charged to or refunded to the given payment method. The status becomes 'exchange requested'.",
    {
      order_id: orderId,
      item_ids: itemIds('The item ids in the order to be exchanged.'),
      new_item_ids: itemIds('The new item ids, position by position; each must be an available variant of the same product.'),
      payment_method_id: paymentMethodId,
    },
    false,
  ),
  tool(
    TRANSFER_TOOL,
    'Hand the customer over to a human agent, with a summary of the request. Only for requests that cannot be handled with the other tools.',
    { summary: { type: 'string', description: "A short summary of the customer's request." } },
    false,
  ),
];

/** Schemas by tool name. */
export const TOOLS_BY_NAME: ReadonlyMap<string, ToolSchema> = new Map(RETAIL_TOOLS.map((schema) => [schema.name, schema]));

/** True for the tools that change the database. */
export function isWriteTool(name: string): name is WriteToolName {
  return (WRITE_TOOL_NAMES as readonly string[]).includes(name);
}
