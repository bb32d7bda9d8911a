/**
 * The read-only tools. They never touch the database they are given, which is what makes `peek` safe.
 */
import type { JsonObject, ToolResult } from '../../src/harness/api.ts';
import { toolError, toolResult } from '../../src/toolkit/tools.ts';
import { calculate } from './calculate.ts';
import type { RetailDatabase } from './data.ts';
import { roundCents } from './money.ts';

/** A tool implementation; arguments have already been validated against the tool's schema. */
export type ToolImplementation = (database: RetailDatabase, args: JsonObject) => ToolResult;

/** A failed call, with the environment's error text. */
export const failure = toolError;

/** A successful call returning a record as JSON text (a copy: callers cannot reach the live database). */
export const success = toolResult;

/** The read-only tools by name. */
export const READ_TOOLS: Readonly<Record<string, ToolImplementation>> = {
  find_user_id_by_email(database, args) {
    const email = String(args.email).trim().toLowerCase();
    const user = Object.values(database.users).find((candidate) => candidate.email.toLowerCase() === email);
    return user ? success(user.user_id) : failure('user not found');
  },

  find_user_id_by_name_zip(database, args) {
    const first = String(args.first_name).trim().toLowerCase();
    const last = String(args.last_name).trim().toLowerCase();
    const zip = String(args.zip).trim();
    const user = Object.values(database.users).find(
      (candidate) =>
        candidate.name.first_name.toLowerCase() === first && candidate.name.last_name.toLowerCase() === last && candidate.address.zip === zip,
    );
    return user ? success(user.user_id) : failure('user not found');
  },

  get_user_details(database, args) {
    const user = database.users[String(args.user_id)];
    return user ? success(user) : failure('user not found');
  },

  get_order_details(database, args) {
    const order = database.orders[String(args.order_id)];
    return order ? success(order) : failure('order not found');
  },

  get_product_details(database, args) {
    const productId = String(args.product_id);
    const product = database.products[productId];
    if (product) return success(product);
    // Product and item ids look alike; say so when the id is an item id, the commonest mix-up.
    const owner = Object.values(database.products).find((candidate) => productId in candidate.variants);
    return failure(owner ? `product not found ('${productId}' is an item id of product ${owner.product_id}, not a product id)` : 'product not found');
  },

  list_all_product_types(database) {
    const names = Object.values(database.products)
      .map((product) => [product.name, product.product_id] as const)
      .sort(([left], [right]) => left.localeCompare(right));
    return success(Object.fromEntries(names));
  },

  calculate(_database, args) {
    const calculation = calculate(String(args.expression));
    return calculation.ok ? success(String(roundCents(calculation.value))) : failure(`invalid expression: ${calculation.error}`);
  },
};
