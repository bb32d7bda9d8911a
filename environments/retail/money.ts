/** Dollar arithmetic: every result is rounded to cents so that replays in any order give equal states. */

/** Round to two decimals. */
export function roundCents(amount: number): number {
  return Math.round((amount + Number.EPSILON) * 100) / 100;
}

/** Sum amounts, rounded to cents. */
export function sumCents(amounts: readonly number[]): number {
  return roundCents(amounts.reduce((total, amount) => total + amount, 0));
}

/** "$1234.50" style text, as the gold messages write amounts. */
export function formatDollars(amount: number): string {
  return `$${roundCents(amount).toFixed(2)}`;
}
