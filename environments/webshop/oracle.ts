/**
 * The oracle: the first product in the ranking of the oracle's query that meets the goal (found on its
 * results page), opened, every option selected (the goal's values, the first offered value for the
 * rest), bought, and a final message. From any state: what is done is skipped; after a wrong purchase only
 * the final message remains, because a purchase cannot be undone.
 */
import { callStep, finishStep, type CallRecord, type OracleStep } from '../../src/toolkit/index.ts';
import type { Product } from './catalog.ts';
import { PAGE_SIZE, type CatalogSearch } from './search.ts';
import type { ShopState } from './state.ts';
import { TOOL } from './tools.ts';
import { meetsGoal, type WebshopTask } from './tasks.ts';

/** The product the oracle buys and the results page it appears on. */
export interface Target {
  product: Product;
  page: number;
}

export function findTarget(task: WebshopTask, search: CatalogSearch, products: ReadonlyMap<string, Product>): Target | undefined {
  const ranked = search.rank(task.query);
  const index = ranked.findIndex((id) => meetsGoal(products.get(id)!, task.goal));
  return index === -1 ? undefined : { product: products.get(ranked[index]!)!, page: Math.floor(index / PAGE_SIZE) + 1 };
}

export function remainingPlan(task: WebshopTask, target: Target, state: ShopState, calls: readonly CallRecord[], products: ReadonlyMap<string, Product>): OracleStep[] {
  if (state.purchase) {
    const bought = products.get(state.purchase.item_id);
    return [finishStep(bought ? `I bought ${bought.title} (${bought.id}).` : 'The order is placed.')];
  }
  const { product } = target;
  const done = calls.filter((call) => call.result.ok);
  const viewed = done.some((call) => call.tool === TOOL.view && call.args.item_id === product.id);
  const found = done.some((call) => call.tool === TOOL.search && call.result.output.includes(`"${product.id}"`));
  const plan: OracleStep[] = [];
  if (!viewed && !found) plan.push(callStep(TOOL.search, target.page === 1 ? { query: task.query } : { query: task.query, page: target.page }, 'inspect'));
  if (!viewed) plan.push(callStep(TOOL.view, { item_id: product.id }, 'inspect'));
  const selected = state.selections[product.id] ?? {};
  for (const [name, values] of Object.entries(product.options)) {
    const value = task.goal.options[name] ?? values[0]!;
    if (selected[name] !== value) plan.push(callStep(TOOL.select, { item_id: product.id, option: name, value }, 'write'));
  }
  plan.push(callStep(TOOL.buy, { item_id: product.id }, 'write'));
  plan.push(finishStep(`I bought ${product.title} (${product.id}) for $${product.price.toFixed(2)}.`));
  return plan;
}
