/**
 * The web shop: a generated catalogue of about 1,100 products behind full-text search, with result pages,
 * item pages, option selection and a purchase. Tasks ask for a product with given attributes, options and
 * a price ceiling; the reward is WebShop's share of constraints met (success only at 1).
 */
import { BridleError } from '../../src/errors.ts';
import { defineEnvironment, hashOf, type DefinedEnvironment, type OracleSession } from '../../src/toolkit/index.ts';
import { generateCatalog } from './catalog.ts';
import { CATEGORIES } from './categories.ts';
import { findTarget, remainingPlan, type Target } from './oracle.ts';
import { WEBSHOP_DESCRIPTION, WEBSHOP_RULES } from './policy.ts';
import { createCatalogSearch } from './search.ts';
import { freshState, type ShopState } from './state.ts';
import { generateTasks, type WebshopTask } from './tasks.ts';
import { createTools } from './tools.ts';
import { verifyPurchase } from './verify.ts';

export const DEFAULT_WEBSHOP_SEED = 11;
/** Step budget: searching, comparing a few items, selecting and buying fit well inside it. */
export const WEBSHOP_MAX_STEPS = 20;

export interface WebshopEnvironment extends DefinedEnvironment<ShopState, WebshopTask, OracleSession> {
  /** sha256 of the catalogue, for pinning the generated shop. */
  readonly catalogHash: string;
}

export function createWebshop(options: { seed?: number } = {}): WebshopEnvironment {
  const seed = options.seed ?? DEFAULT_WEBSHOP_SEED;
  const catalog = generateCatalog(seed);
  const products = new Map(catalog.map((product) => [product.id, product]));
  const nouns = new Map(CATEGORIES.map((category) => [category.id, category.noun]));
  const search = createCatalogSearch(catalog, (category) => nouns.get(category) ?? category);
  const tasks = generateTasks(catalog, seed);
  const targets = new Map<string, Target>();
  for (const task of tasks) {
    const target = findTarget(task, search, products);
    // Every goal is drawn from a real product that the oracle's query finds: a miss is a generator bug.
    if (!target) throw new BridleError('INTERNAL', `webshop task ${task.id} has no product the oracle can find`);
    targets.set(task.id, target);
  }
  const environment = defineEnvironment<ShopState, WebshopTask>({
    name: 'webshop',
    description: WEBSHOP_DESCRIPTION,
    rules: WEBSHOP_RULES,
    tools: createTools(products, search),
    tasks,
    maxSteps: WEBSHOP_MAX_STEPS,
    finish: { description: 'End the session with a short message to the shopper saying what you bought (after buy_now).', message: 'Your final message to the shopper.' },
    createState: () => freshState(),
    verify: ({ task, state }) => verifyPurchase(task.goal, state, products),
    oracle: ({ task, state, calls }) => remainingPlan(task, targets.get(task.id)!, state, calls, products),
  });
  return { ...environment, catalogHash: hashOf(catalog) };
}
