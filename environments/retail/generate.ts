/**
 * The world generator: one seed in, one complete retail database out. Only the seeded RNG is used, so
 * the same seed always gives the byte-identical database.
 */
import { createRandom, seedOf, type Random } from '../../src/util/random.ts';
import { PRODUCT_TYPES, type ProductType } from './catalog.ts';
import {
  CANCEL_REASONS,
  type Address,
  type Fulfillment,
  type Order,
  type OrderItem,
  type OrderStatus,
  type PaymentMethod,
  type PaymentSource,
  type Product,
  type RetailDatabase,
  type User,
  type Variant,
} from './data.ts';
import { roundCents, sumCents } from './money.ts';
import { CARD_BRANDS, FIRST_NAMES, LAST_NAMES, MAIL_DOMAINS, PLACES, STREETS } from './people.ts';

/** The world seed used when none is given. */
export const DEFAULT_WORLD_SEED = 20261125;

/** How many customers the world has. */
export const USER_COUNT = 60;

/**
 * How many orders of each status the world starts with (240 in all). Fixed counts rather than draws,
 * so every status is well represented under any seed.
 */
export const STATUS_COUNTS: Readonly<Record<'pending' | 'processed' | 'delivered' | 'cancelled', number>> = {
  pending: 72,
  processed: 48,
  delivered: 84,
  cancelled: 36,
};

/** Share of variants that can be ordered now. */
const AVAILABILITY = 0.8;
/** Share of orders shipped somewhere other than the customer's default address. */
const OTHER_ADDRESS_SHARE = 0.2;

/** Hands out unique random digit strings (ids never collide within one world). */
class IdMint {
  private readonly used = new Set<string>();

  constructor(private readonly random: Random) {}

  /** `length` digits, the first one non-zero, never handed out before. */
  digits(length: number): string {
    for (;;) {
      let text = String(this.random.int(1, 9));
      while (text.length < length) text += String(this.random.int(0, 9));
      if (!this.used.has(text)) {
        this.used.add(text);
        return text;
      }
    }
  }
}

/** Generate the whole database for a seed. */
export function generateWorld(seed: number = DEFAULT_WORLD_SEED): RetailDatabase {
  const random = createRandom(seedOf('retail-world', seed));
  const mint = new IdMint(random);
  const products = generateProducts(random, mint);
  const users = generateUsers(random, mint);
  const orders = generateOrders(random, mint, users, products);
  return { users: byKey(users, (user) => user.user_id), products: byKey(products, (product) => product.product_id), orders };
}

function byKey<T>(records: readonly T[], keyOf: (record: T) => string): Record<string, T> {
  const table: Record<string, T> = {};
  for (const record of records) table[keyOf(record)] = record;
  return table;
}

function generateProducts(random: Random, mint: IdMint): Product[] {
  return PRODUCT_TYPES.map((type) => {
    const combinations = random.shuffle(optionCombinations(type));
    const count = Math.min(combinations.length, random.int(4, 8));
    const variants: Record<string, Variant> = {};
    combinations.slice(0, count).forEach((options, index) => {
      const item_id = mint.digits(10);
      const [low, high] = type.priceRange;
      // The first two variants are always available so every product can be swapped for another option.
      const available = index < 2 || random.chance(AVAILABILITY);
      variants[item_id] = { item_id, options, available, price: roundCents(low + random.next() * (high - low)) };
    });
    return { name: type.name, product_id: mint.digits(10), variants };
  });
}

/** Every combination of a product type's option values, in catalog order. */
function optionCombinations(type: ProductType): Record<string, string>[] {
  let combinations: Record<string, string>[] = [{}];
  for (const [dimension, values] of Object.entries(type.options)) {
    combinations = combinations.flatMap((partial) => values.map((value) => ({ ...partial, [dimension]: value })));
  }
  return combinations;
}

function generateUsers(random: Random, mint: IdMint): User[] {
  const pairs = random.shuffle(FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => [first, last] as const)));
  return pairs.slice(0, USER_COUNT).map(([first_name, last_name]) => {
    const user_id = `${first_name.toLowerCase()}_${last_name.toLowerCase()}_${random.int(1000, 9999)}`;
    const email = `${first_name.toLowerCase()}.${last_name.toLowerCase()}${random.int(10, 99)}@${random.pick(MAIL_DOMAINS)}`;
    const sources = random.shuffle<PaymentSource>(['credit_card', 'gift_card', 'paypal']).slice(0, random.int(1, 3));
    const payment_methods: Record<string, PaymentMethod> = {};
    for (const source of sources) {
      const method = generatePaymentMethod(random, mint, source);
      payment_methods[method.id] = method;
    }
    return { user_id, name: { first_name, last_name }, email, address: generateAddress(random), payment_methods, orders: [] };
  });
}

function generatePaymentMethod(random: Random, mint: IdMint, source: PaymentSource): PaymentMethod {
  const id = `${source}_${mint.digits(7)}`;
  switch (source) {
    case 'credit_card':
      return { source, id, brand: random.pick(CARD_BRANDS), last_four: String(random.int(0, 9999)).padStart(4, '0') };
    case 'gift_card':
      return { source, id, balance: roundCents(random.int(0, 60000) / 100) };
    case 'paypal':
      return { source, id };
  }
}

/** A random address in one of the known places. */
export function generateAddress(random: Random): Address {
  const place = random.pick(PLACES);
  const address2 = random.chance(0.5) ? `${random.pick(['Suite', 'Apt', 'Unit'])} ${random.int(1, 999)}` : '';
  return {
    address1: `${random.int(10, 9999)} ${random.pick(STREETS)}`,
    address2,
    city: place.city,
    state: place.state,
    country: 'USA',
    zip: `${place.zipPrefix}${String(random.int(0, 99)).padStart(2, '0')}`,
  };
}

function generateOrders(random: Random, mint: IdMint, users: User[], products: Product[]): Record<string, Order> {
  const statuses = random.shuffle(
    Object.entries(STATUS_COUNTS).flatMap(([status, count]) => Array<OrderStatus>(count).fill(status as OrderStatus)),
  );
  // Every customer gets at least two orders; the rest go to random customers.
  const owners = statuses.map((_, index) => (index < users.length * 2 ? users[index % users.length] : random.pick(users)) as User);
  const orders: Record<string, Order> = {};
  statuses.forEach((status, index) => {
    const user = owners[index] as User;
    const order = generateOrder(random, mint, user, products, status);
    orders[order.order_id] = order;
    user.orders.push(order.order_id);
  });
  return orders;
}

function generateOrder(random: Random, mint: IdMint, user: User, products: Product[], status: OrderStatus): Order {
  const items: OrderItem[] = random
    .shuffle(products)
    .slice(0, random.int(1, 4))
    .map((product) => {
      const variant = random.pick(Object.values(product.variants));
      return { name: product.name, product_id: product.product_id, item_id: variant.item_id, options: { ...variant.options }, price: variant.price };
    });
  const total = sumCents(items.map((item) => item.price));
  const method = random.pick(Object.values(user.payment_methods));
  const order: Order = {
    order_id: `#W${mint.digits(7)}`,
    user_id: user.user_id,
    address: random.chance(OTHER_ADDRESS_SHARE) ? generateAddress(random) : { ...user.address },
    items,
    status,
    fulfillments: status === 'processed' || status === 'delivered' ? generateFulfillments(random, mint, items) : [],
    payment_history: [{ transaction_type: 'payment', amount: total, payment_method_id: method.id }],
  };
  if (status === 'cancelled') {
    order.payment_history.push({ transaction_type: 'refund', amount: total, payment_method_id: method.id });
    order.cancel_reason = random.pick(CANCEL_REASONS);
  }
  return order;
}

function generateFulfillments(random: Random, mint: IdMint, items: OrderItem[]): Fulfillment[] {
  const itemIds = items.map((item) => item.item_id);
  // Some multi-item orders ship in two parcels, each with its own tracking number.
  if (itemIds.length > 1 && random.chance(0.3)) {
    const cut = random.int(1, itemIds.length - 1);
    return [
      { tracking_id: [mint.digits(12)], item_ids: itemIds.slice(0, cut) },
      { tracking_id: [mint.digits(12)], item_ids: itemIds.slice(cut) },
    ];
  }
  return [{ tracking_id: [mint.digits(12)], item_ids: itemIds }];
}
