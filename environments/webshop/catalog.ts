/**
 * The generated catalogue: about 1,100 products across the categories, each with a brand, a title,
 * features (its attributes), the option values it offers and a price. Seeded: the same seed, the same shop.
 */
import { createRandom, seedOf, type Random } from '../../src/toolkit/index.ts';
import { CATEGORIES, type Category } from './categories.ts';

export interface Product {
  /** "B0" and eight letters or digits, like an ASIN. */
  id: string;
  category: string;
  title: string;
  brand: string;
  /** The product's attributes, as its page lists them. */
  features: string[];
  /** Option name → the values this product offers, in display order. */
  options: Record<string, string[]>;
  price: number;
  description: string;
}

/** The pattern item ids follow. */
export const ITEM_ID_PATTERN = '^B0[0-9A-Z]{8}$';

export const PRODUCTS_PER_CATEGORY = 56;

const ID_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

function titleCase(text: string): string {
  return text.replace(/\b([a-z])/g, (letter) => letter.toUpperCase());
}

function itemId(random: Random, taken: Set<string>): string {
  for (;;) {
    const id = `B0${Array.from({ length: 8 }, () => random.pick([...ID_ALPHABET])).join('')}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/** A subset of `values` in their original order: at least `min`, at most all. */
function subset<T>(random: Random, values: readonly T[], min: number, max: number): T[] {
  const count = random.int(Math.min(min, values.length), Math.min(max, values.length));
  const chosen = new Set(random.shuffle(values).slice(0, count));
  return values.filter((value) => chosen.has(value));
}

function productOf(category: Category, random: Random, id: string): Product {
  const brand = random.pick(category.brands);
  const features = random.shuffle(category.attributes).slice(0, random.int(2, 4));
  const options: Record<string, string[]> = {};
  for (const option of category.options) options[option.name] = subset(random, option.values, 2, 5);
  const [low, high] = category.price;
  // Prices end in .99, .49 or .00 as shops price them.
  const price = Math.floor(low + random.next() * (high - low)) + random.pick([0.99, 0.49, 0]);
  const lead = features.slice(0, random.int(1, 2)).map(titleCase).join(' ');
  const title = `${brand} ${lead} ${titleCase(category.noun)}${features[2] ? `, ${titleCase(features[2])}` : ''}`;
  const description = `${titleCase(category.noun)} by ${brand}. ${features.map(titleCase).join('. ')}. Choose your ${Object.keys(options).join(' and ')}.`;
  return { id, category: category.id, title, brand, features, options, price: Math.round(price * 100) / 100, description };
}

/** Generate the catalogue for a seed, categories in order, products in generation order. */
export function generateCatalog(seed: number): Product[] {
  const taken = new Set<string>();
  const products: Product[] = [];
  for (const category of CATEGORIES) {
    const random = createRandom(seedOf('webshop-catalog', seed, category.id));
    for (let index = 0; index < PRODUCTS_PER_CATEGORY; index++) products.push(productOf(category, random, itemId(random, taken)));
  }
  return products;
}
