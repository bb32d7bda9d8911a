/** The shop's public description (for engineers) and its rules (for the agent). */

export const WEBSHOP_DESCRIPTION =
  'A web shop with a generated catalogue of about 1,100 products in 20 categories, behind full-text search (10 results a page). ' +
  'Each request names a product type, attributes (which appear among an item\'s features), option values and a price ceiling. ' +
  'The agent searches, opens items, selects every option of the item it buys, and buys once. ' +
  "Judged as WebShop judges: the reward is the share of the request's constraints (type, each attribute, each option, price) the purchase meets; success only when all are met.";

export const WEBSHOP_RULES = [
  'You shop on behalf of a customer. Buy exactly one item that meets every requirement of the request:',
  '- the product type, every attribute asked for (an item has an attribute when it is listed in its features), each option value asked for, and a price at or below the ceiling;',
  '- search the catalogue, open promising items with view_item and check their features, options and price before choosing;',
  '- select a value for every option of the item with select_option before buy_now (the values the request names, any offered value for the others), spelled exactly as the item page lists them;',
  '- buy once with buy_now; a purchase cannot be undone. Then finish with a short message naming what you bought.',
].join('\n');
