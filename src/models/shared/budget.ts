/**
 * The per-run spend ledger: tokens and dollars actually spent (cache hits spend nothing), checked before
 * every call. Calls already in flight when the limit is reached still land, so a run can end slightly
 * past its limit, by at most the calls that were running concurrently.
 *
 * Prices come only from the configuration. A model without a price has an unknown cost: it is counted
 * as such and never guessed, and a dollar limit cannot see it (the ledger says how many calls it missed).
 */
import { BridleError } from '../../errors.ts';
import type { Usage } from '../../contracts/backbone.ts';
import type { Price, RawCaller } from './types.ts';

/** Limits of one run. Absent means unlimited. */
export interface BudgetLimits {
  /** Most input plus output tokens the run may spend. */
  maxTokens?: number;
  /** Most US dollars the run may spend (calls of models without a price are not counted). */
  maxCostUsd?: number;
}

/** What a run has spent so far. */
export interface BudgetSpend {
  /** Calls that reached a model (cache hits excluded). */
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Dollars spent by the calls whose model has a price. */
  costUsd: number;
  /** Calls whose model has no price in the configuration: their cost is unknown. */
  callsWithUnknownCost: number;
}

/** The ledger shared by every backbone of a run. */
export interface Budget {
  readonly limits: BudgetLimits;
  /** Throws BUDGET_EXHAUSTED when a limit is already reached. `label` names the backbone asking. */
  check(label: string): void;
  /** Record one call that reached a model. `costUsd` undefined means the price is unknown. */
  record(usage: Usage, costUsd: number | undefined): void;
  /** A copy of what was spent so far. */
  spent(): BudgetSpend;
}

export function createBudget(limits: BudgetLimits = {}): Budget {
  const spend: BudgetSpend = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, callsWithUnknownCost: 0 };
  return {
    limits: { ...limits },
    check(label) {
      const tokens = spend.inputTokens + spend.outputTokens;
      if (limits.maxTokens !== undefined && tokens >= limits.maxTokens) {
        throw new BridleError(
          'BUDGET_EXHAUSTED',
          `${label}: token budget exhausted (${tokens} of ${limits.maxTokens} tokens spent; raise budgets.maxTokens in bridle.config.ts)`,
        );
      }
      if (limits.maxCostUsd !== undefined && spend.costUsd >= limits.maxCostUsd) {
        throw new BridleError(
          'BUDGET_EXHAUSTED',
          `${label}: cost budget exhausted ($${spend.costUsd.toFixed(4)} of $${limits.maxCostUsd} spent; raise budgets.maxCostUsd in bridle.config.ts)`,
        );
      }
    },
    record(usage, costUsd) {
      spend.calls++;
      spend.inputTokens += usage.inputTokens;
      spend.outputTokens += usage.outputTokens;
      if (costUsd === undefined) spend.callsWithUnknownCost++;
      else spend.costUsd += costUsd;
    },
    spent() {
      return { ...spend };
    },
  };
}

/** Dollars for `usage` at `price`; undefined when the price is unknown. */
export function costOf(usage: Usage, price: Price | undefined): number | undefined {
  if (!price) return undefined;
  return (usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1_000_000;
}

/** Wrap a caller so each call is checked against the budget before it runs and recorded after. */
export function withBudget(caller: RawCaller, budget: Budget, price: Price | undefined, label: string): RawCaller {
  return async (request) => {
    budget.check(label);
    const result = await caller(request);
    if (!result.cached) budget.record(result.usage, costOf(result.usage, price));
    return result;
  };
}
