/** What one shopping episode changes: the options selected on items, and the one purchase. */

export interface Purchase {
  item_id: string;
  /** Option name → the value selected when the item was bought. */
  options: Record<string, string>;
}

export interface ShopState {
  /** Item id → option name → selected value. */
  selections: Record<string, Record<string, string>>;
  /** The purchase, once made (one per episode). */
  purchase: Purchase | null;
}

export function freshState(): ShopState {
  return { selections: {}, purchase: null };
}
