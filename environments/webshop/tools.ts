/**
 * The shop's tools, as a shopper's clicks become calls: search the catalogue (read-only, paged), view an
 * item (read-only), select an option value on an item, and buy it. Refusals say exactly what to do next.
 */
import { defineTool, param, refuse, toolResult, type ToolDefinition } from '../../src/toolkit/index.ts';
import { ITEM_ID_PATTERN, type Product } from './catalog.ts';
import type { CatalogSearch } from './search.ts';
import type { ShopState } from './state.ts';

const itemId = param.string({ pattern: ITEM_ID_PATTERN, description: "An item id from the search results, e.g. 'B0A1B2C3D4'." });

/** Tool names the verifier and the oracle refer to. */
export const TOOL = { search: 'search', view: 'view_item', select: 'select_option', buy: 'buy_now' } as const;

export function createTools(products: ReadonlyMap<string, Product>, search: CatalogSearch): ToolDefinition<ShopState>[] {
  const productOf = (id: unknown): Product => products.get(String(id)) ?? refuse(`no item '${String(id)}' in the catalogue`);
  return [
    defineTool<ShopState>({
      name: TOOL.search,
      readOnly: true,
      description: 'Search the catalogue. Returns one page of results (10 per page): item id, title and price, best matches first.',
      parameters: {
        query: param.string({ description: "Words describing the product, e.g. 'gluten free cookies'." }),
        page: param.integer({ description: 'The results page, from 1 (default 1).', minimum: 1 }),
      },
      required: ['query'],
      run: (_state, args) => {
        const query = String(args.query).trim();
        if (query === '') refuse('the search query is empty');
        const page = args.page === undefined ? 1 : Number(args.page);
        const result = search.page(query, page);
        if (page > result.pages) refuse(`page ${page} does not exist: the search '${query}' has ${result.pages} page${result.pages === 1 ? '' : 's'}`);
        return toolResult(result);
      },
    }),
    defineTool<ShopState>({
      name: TOOL.view,
      readOnly: true,
      description: "Open an item's page: title, brand, price, features, the options it offers (name → values) and a description.",
      parameters: { item_id: itemId },
      run: (_state, args) => {
        const product = productOf(args.item_id);
        return toolResult({ item_id: product.id, title: product.title, brand: product.brand, price: product.price, features: product.features, options: product.options, description: product.description });
      },
    }),
    defineTool<ShopState>({
      name: TOOL.select,
      readOnly: false,
      description: "Select a value for one of an item's options (e.g. size, color) before buying it. Values must be written exactly as the item page lists them.",
      parameters: {
        item_id: itemId,
        option: param.string({ description: "The option's name as the item page shows it, e.g. 'size'." }),
        value: param.string({ description: "One of the values the item offers for that option, e.g. 'large'." }),
      },
      run: (state, args) => {
        if (state.purchase) refuse('the order is already placed: options can no longer be changed');
        const product = productOf(args.item_id);
        const option = String(args.option);
        const values = product.options[option];
        if (!values) refuse(`item ${product.id} has no option '${option}'; its options are: ${Object.keys(product.options).join(', ')}`);
        const value = String(args.value);
        if (!values.includes(value)) refuse(`'${value}' is not available for ${option} of item ${product.id}; choose one of: ${values.join(', ')}`);
        state.selections[product.id] = { ...state.selections[product.id], [option]: value };
        return `Selected ${option}: ${value} for ${product.id}.`;
      },
    }),
    defineTool<ShopState>({
      name: TOOL.buy,
      readOnly: false,
      description: 'Buy the item with the options selected on it. Every option of the item must be selected first. One purchase per request.',
      parameters: { item_id: itemId },
      run: (state, args) => {
        if (state.purchase) refuse(`you already bought ${state.purchase.item_id}: one purchase per request`);
        const product = productOf(args.item_id);
        const selected = state.selections[product.id] ?? {};
        const missing = Object.keys(product.options).filter((name) => selected[name] === undefined);
        if (missing.length > 0) refuse(`select ${missing.join(' and ')} for item ${product.id} before buying (select_option)`);
        state.purchase = { item_id: product.id, options: { ...selected } };
        const chosen = Object.entries(selected).map(([name, value]) => `${name} ${value}`).join(', ');
        return `Order placed: ${product.title} (${product.id}), ${chosen}, $${product.price.toFixed(2)}.`;
      },
    }),
  ];
}
