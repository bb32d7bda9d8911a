/**
 * The retail world's records. Everything is plain JSON so the whole database can be cloned, hashed and
 * compared field by field.
 */

/** A postal address, as stored on users (default address) and orders (shipping address). */
export interface Address {
  /** Street line, e.g. "418 Juniper Lane". */
  address1: string;
  /** Second line (suite, apartment); may be empty. */
  address2: string;
  city: string;
  /** Two-letter state code. */
  state: string;
  country: string;
  zip: string;
}

/** A credit card on file. */
export interface CreditCard {
  source: 'credit_card';
  /** `credit_card_` + 7 digits. */
  id: string;
  /** Card network, e.g. "visa". */
  brand: string;
  /** Last four digits of the card number. */
  last_four: string;
}

/** A store gift card; its balance pays for orders and receives refunds. */
export interface GiftCard {
  source: 'gift_card';
  /** `gift_card_` + 7 digits. */
  id: string;
  /** Remaining balance in dollars (two decimals). */
  balance: number;
}

/** A PayPal account linked to the user. */
export interface PaypalAccount {
  source: 'paypal';
  /** `paypal_` + 7 digits. */
  id: string;
}

/** Any payment method a user can hold. */
export type PaymentMethod = CreditCard | GiftCard | PaypalAccount;

/** The kinds of payment method. */
export type PaymentSource = PaymentMethod['source'];

/** A customer. */
export interface User {
  /** `first_last_NNNN`, lower case. */
  user_id: string;
  name: { first_name: string; last_name: string };
  email: string;
  /** Default address. */
  address: Address;
  /** Payment methods keyed by their id (at most one of each source). */
  payment_methods: Record<string, PaymentMethod>;
  /** Ids of the user's orders, oldest first. */
  orders: string[];
}

/** One purchasable variant of a product. */
export interface Variant {
  /** 10 digits; unrelated to the product id. */
  item_id: string;
  /** Option values, e.g. { color: "teal", size: "M" }. */
  options: Record<string, string>;
  /** Whether the variant can be ordered now. */
  available: boolean;
  /** Unit price in dollars (two decimals). */
  price: number;
}

/** A product type with its variants. */
export interface Product {
  name: string;
  /** 10 digits. */
  product_id: string;
  /** Variants keyed by item id. */
  variants: Record<string, Variant>;
}

/** One line of an order: a snapshot of the variant at purchase time. */
export interface OrderItem {
  name: string;
  product_id: string;
  item_id: string;
  options: Record<string, string>;
  price: number;
}

/** One money movement on an order. */
export interface Transaction {
  transaction_type: 'payment' | 'refund';
  /** Dollars, always positive. */
  amount: number;
  payment_method_id: string;
}

/** One shipment of an order. */
export interface Fulfillment {
  /** Carrier tracking numbers (12 digits). */
  tracking_id: string[];
  /** The items this shipment carries. */
  item_ids: string[];
}

/** Every order status the tools can produce. */
export type OrderStatus =
  | 'pending'
  | 'pending (item modified)'
  | 'processed'
  | 'delivered'
  | 'cancelled'
  | 'return requested'
  | 'exchange requested';

/** The reasons a pending order may be cancelled for. */
export const CANCEL_REASONS = ['no longer needed', 'ordered by mistake'] as const;
/** One accepted cancellation reason. */
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** A customer order. Optional fields appear once the matching action has been taken. */
export interface Order {
  /** `#W` + 7 digits. */
  order_id: string;
  user_id: string;
  /** Shipping address. */
  address: Address;
  /** Ordered items; within one order every item is a different product. */
  items: OrderItem[];
  status: OrderStatus;
  /** Shipments (processed and delivered orders). */
  fulfillments: Fulfillment[];
  payment_history: Transaction[];
  /** Why the order was cancelled. */
  cancel_reason?: CancelReason;
  /** Items the customer asked to return. */
  return_items?: string[];
  /** Where the return refund goes. */
  return_payment_method_id?: string;
  /** Items the customer asked to exchange. */
  exchange_items?: string[];
  /** The replacement items, position by position. */
  exchange_new_items?: string[];
  /** Pays or receives the exchange's price difference. */
  exchange_payment_method_id?: string;
  /** New total minus old total of the exchanged items (negative: refund). */
  exchange_price_difference?: number;
}

/** The whole back office: three tables keyed by id. */
export interface RetailDatabase {
  users: Record<string, User>;
  products: Record<string, Product>;
  orders: Record<string, Order>;
}

/** The table names, for state comparisons. */
export const TABLES = ['users', 'products', 'orders'] as const;
