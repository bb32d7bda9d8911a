/**
 * A generated task before it gets its id, split and expected state: the ticket text and the gold plan,
 * composed from request fragments.
 */
import type { OracleStep } from '../../src/contracts/environment.ts';
import { BridleError } from '../../src/errors.ts';
import type { Random } from '../../src/util/random.ts';
import type { RetailDatabase, User } from './data.ts';
import type { Fragment } from './fragments.ts';
import { authorisation, greeting, signOff, type IdentifyBy } from './phrasing.ts';
import { PlanBuilder } from './plan.ts';

/** The task templates, each contributing the same number of tasks. */
export const TEMPLATE_NAMES = [
  'cancel-order',
  'cancel-two-orders',
  'modify-order-address',
  'modify-order-items',
  'modify-order-payment',
  'modify-user-address',
  'return-items',
  'exchange-items',
  'info-request',
  'refuse-request',
  'transfer-request',
  'combined-request',
] as const;
/** One task template. */
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** A task as a template produces it. */
export interface TaskDraft {
  /** The template that made it. */
  template: TemplateName;
  /** The template's variant (e.g. "cancel-delivered" for a refusal), for reports. Private: it can give the answer away. */
  variant: string;
  /** The customer the ticket comes from. */
  userId: string;
  /** The ticket text. */
  instruction: string;
  /** The gold plan: identify, reads, confirm + write pairs, (transfer,) finish. */
  plan: OracleStep[];
  /** Strings the final message must contain. */
  requiredOutputs: string[];
  /** Whether the correct outcome includes a hand-off to a human. */
  expectsTransfer: boolean;
}

/** What a template works with. */
export interface TemplateContext {
  /** The fresh generated world (templates only read it). */
  world: RetailDatabase;
  /** The template's own seeded RNG. */
  random: Random;
}

/** Build one draft from a pool candidate, or null when the candidate does not fit this instance. */
export type DraftBuilder<Candidate> = (candidate: Candidate, instance: number) => TaskDraft | null;

/**
 * `count` drafts from a shuffled pool. Each instance takes the first unused candidate that fits it, so
 * instances use different records and a rare variant can still find its fitting record further on.
 */
export function draftsFrom<Candidate>(template: TemplateName, random: Random, pool: readonly Candidate[], count: number, build: DraftBuilder<Candidate>): TaskDraft[] {
  const candidates = random.shuffle(pool);
  const used = new Set<number>();
  const drafts: TaskDraft[] = [];
  for (let instance = 0; instance < count; instance++) {
    for (const [position, candidate] of candidates.entries()) {
      if (used.has(position)) continue;
      const draft = build(candidate, instance);
      if (!draft) continue;
      used.add(position);
      drafts.push(draft);
      break;
    }
    if (drafts.length === instance) {
      throw new BridleError('INTERNAL', `retail task template ${template} found no record for instance ${instance + 1} of ${count} in this world`);
    }
  }
  return drafts;
}

/** Compose fragments into a ticket and its gold plan. */
export function composeTask(
  context: TemplateContext,
  template: TemplateName,
  variant: string,
  user: User,
  fragments: readonly Fragment[],
  options: { authorise: boolean; askOrder?: readonly number[] },
): TaskDraft {
  const { random } = context;
  const by: IdentifyBy = random.chance(0.5) ? 'email' : 'name_zip';
  const closing = options.authorise ? authorisation(random) : signOff(random);
  // The ticket may word the requests in another order than the plan must perform them.
  const asks = (options.askOrder ?? fragments.map((_, index) => index)).map((index) => (fragments[index] as Fragment).ask);
  const instruction = [greeting(random, user, by), ...asks, closing].join(' ');
  const plan = new PlanBuilder(user, by);
  for (const fragment of fragments) for (const read of fragment.reads) plan.inspect(read.tool, read.args);
  for (const fragment of fragments) for (const write of fragment.writes) plan.write(write.tool, write.args);
  let expectsTransfer = false;
  for (const fragment of fragments) {
    if (fragment.transferSummary === undefined) continue;
    plan.transfer(fragment.transferSummary);
    expectsTransfer = true;
  }
  return {
    template,
    variant,
    userId: user.user_id,
    instruction,
    plan: plan.finish(fragments.map((fragment) => fragment.reply).join(' ')),
    requiredOutputs: fragments.flatMap((fragment) => fragment.required),
    expectsTransfer,
  };
}
