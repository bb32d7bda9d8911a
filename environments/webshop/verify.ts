/**
 * WebShop's reward: the share of the goal's constraints the purchase meets — the product type, each
 * attribute, each option value, the price ceiling. Success only at 1. No purchase, no reward.
 */
import { check, verdict, type StateDifference, type Verification, type VerificationCheck } from '../../src/toolkit/index.ts';
import type { Product } from './catalog.ts';
import type { ShopState } from './state.ts';
import type { Goal } from './tasks.ts';

export function verifyPurchase(goal: Goal, state: ShopState, products: ReadonlyMap<string, Product>): Verification {
  const purchase = state.purchase;
  const product = purchase ? products.get(purchase.item_id) : undefined;
  if (!purchase || !product) {
    return verdict([check('purchase', false, 'nothing was bought')], { differences: [{ table: 'purchase', key: 'none' }] });
  }
  const constraints: VerificationCheck[] = [
    check('constraint:type', product.category === goal.category, `wanted ${goal.noun}, bought ${product.title}`),
    ...goal.attributes.map((attribute) => check(`constraint:attribute:${attribute}`, product.features.includes(attribute), `'${attribute}' ${product.features.includes(attribute) ? 'is' : 'is not'} a feature of ${product.id}`)),
    ...Object.entries(goal.options).map(([name, value]) => check(`constraint:option:${name}`, purchase.options[name] === value, `${name}: wanted ${value}, bought ${purchase.options[name] ?? 'none'}`)),
    check('constraint:price', product.price <= goal.maxPrice, `$${product.price.toFixed(2)} against a ceiling of $${goal.maxPrice.toFixed(2)}`),
  ];
  const met = constraints.filter((item) => item.passed).length;
  const differences: StateDifference[] = constraints
    .filter((item) => !item.passed)
    .map((item) => ({ table: 'purchase', key: product.id, field: item.name.slice('constraint:'.length) }));
  return verdict([check('purchase', true, `bought ${product.id}`), ...constraints], { differences, reward: met / constraints.length });
}
