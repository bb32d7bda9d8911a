/**
 * Shopping tasks: a goal drawn from a real product (its category, some of its attributes, option values
 * it offers, a price ceiling above its price), worded as a shopper would ask. The product the goal was
 * drawn from is not the answer: any product meeting every constraint is.
 */
import { createRandom, dealSplits, seedOf, type Random, type TaskInfo } from '../../src/toolkit/index.ts';
import type { Product } from './catalog.ts';
import { CATEGORIES } from './categories.ts';

/** What the shopper wants. */
export interface Goal {
  category: string;
  /** The product noun as the shopper says it. */
  noun: string;
  attributes: string[];
  /** Option name → required value. */
  options: Record<string, string>;
  /** Highest acceptable price, in dollars. */
  maxPrice: number;
}

export interface WebshopTask extends TaskInfo {
  goal: Goal;
  /** The query the oracle searches with (the noun and the attributes). */
  query: string;
}

export const TASK_COUNT = 150;

/** True when a product with these selections meets every constraint of the goal. */
export function meetsGoal(product: Product, goal: Goal): boolean {
  return (
    product.category === goal.category &&
    goal.attributes.every((attribute) => product.features.includes(attribute)) &&
    Object.entries(goal.options).every(([name, value]) => product.options[name]?.includes(value)) &&
    product.price <= goal.maxPrice
  );
}

const OPENINGS = ["i'm looking for", 'i need', 'find me', 'i want to buy', 'please get me', 'can you find'];

function optionPhrase(name: string, value: string): string {
  switch (name) {
    case 'size':
    case 'capacity':
    case 'thickness':
      return `in size ${value}`;
    case 'pack':
      return `in a ${value} pack`;
    case 'color':
      return `in ${value} color`;
    case 'model':
      return `for ${value}`;
    default:
      return `with ${value} ${name}`;
  }
}

/** The request as a shopper types it: lower case, attributes and options in a random order. */
function instructionOf(goal: Goal, random: Random): string {
  const attributes = goal.attributes.length > 1 ? `${goal.attributes.slice(0, -1).join(', ')} and ${goal.attributes.at(-1)}` : (goal.attributes[0] ?? '');
  const options = random.shuffle(Object.entries(goal.options)).map(([name, value]) => optionPhrase(name, value));
  return `${random.pick(OPENINGS)} ${attributes} ${goal.noun} ${options.join(' and ')}, and price lower than ${goal.maxPrice.toFixed(2)} dollars`.replace(/\s+/g, ' ');
}

function goalFrom(product: Product, random: Random): Goal {
  const category = CATEGORIES.find((candidate) => candidate.id === product.category)!;
  const attributes = random.shuffle(product.features).slice(0, random.int(1, Math.min(3, product.features.length)));
  const names = random.shuffle(Object.keys(product.options)).slice(0, random.int(1, Object.keys(product.options).length));
  const options = Object.fromEntries(names.sort().map((name) => [name, random.pick(product.options[name]!)]));
  // A ceiling a little above the price, in whole dollars: cheaper look-alikes may not meet the rest.
  const maxPrice = Math.ceil(product.price * (1.05 + random.next() * 0.5));
  return { category: category.id, noun: category.noun, attributes: attributes.sort(), options, maxPrice };
}

/** Tasks for a catalogue: goals spread over the categories, split train / validation / test by category. */
export function generateTasks(products: readonly Product[], seed: number): WebshopTask[] {
  const random = createRandom(seedOf('webshop-tasks', seed));
  const drafts: Omit<WebshopTask, 'id' | 'split'>[] = [];
  for (let index = 0; index < TASK_COUNT; index++) {
    const category = CATEGORIES[index % CATEGORIES.length]!;
    const product = random.pick(products.filter((candidate) => candidate.category === category.id));
    const goal = goalFrom(product, random);
    drafts.push({ instruction: instructionOf(goal, random), kind: goal.category, goal, query: [...goal.attributes, goal.noun].join(' ') });
  }
  const splits = dealSplits(drafts, { seed: seedOf('webshop-splits', seed), shares: { train: 0.4, validation: 0.25, test: 0.35 }, stratum: (draft) => draft.kind ?? '' });
  return drafts.map((draft, index) => ({ ...draft, id: `webshop-${String(index + 1).padStart(3, '0')}`, split: splits[index]! }));
}
