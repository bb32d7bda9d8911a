/**
 * The task set: every template's drafts, split deterministically, numbered, and each gold plan replayed
 * on a fresh world to fix the expected final state.
 */
import type { Split, TaskInfo } from '../../src/contracts/environment.ts';
import { BridleError } from '../../src/errors.ts';
import { createRandom, seedOf } from '../../src/util/random.ts';
import { cloneJson, hashOf } from '../../src/toolkit/canonical.ts';
import type { RetailDatabase } from './data.ts';
import { runTool } from './tools.ts';
import { TEMPLATE_NAMES, type TaskDraft, type TemplateContext, type TemplateName } from './task-draft.ts';
import {
  cancelOrderTasks,
  cancelTwoOrdersTasks,
  exchangeItemsTasks,
  modifyOrderAddressTasks,
  modifyOrderItemsTasks,
  modifyOrderPaymentTasks,
  modifyUserAddressTasks,
  returnItemsTasks,
} from './templates-actions.ts';
import { combinedRequestTasks, infoRequestTasks, refuseRequestTasks, transferRequestTasks } from './templates-other.ts';

/** A task with everything the verifier and the oracle need. */
export interface RetailTask extends TaskDraft, TaskInfo {
  /** sha256 of the database after the gold plan ran on a fresh world. */
  expectedHash: string;
}

/** Tasks per template (12 templates × 8 = 96). */
export const TASKS_PER_TEMPLATE = 8;

/**
 * The split of each template's instances, position by position: 3 train, 2 validation, 3 test out of 8,
 * so every split gets every template (36 / 24 / 36 in all).
 */
const SPLIT_PATTERN: readonly Split[] = ['train', 'validation', 'test', 'train', 'test', 'validation', 'train', 'test'];

const TEMPLATES: Readonly<Record<TemplateName, (context: TemplateContext, count: number) => TaskDraft[]>> = {
  'cancel-order': cancelOrderTasks,
  'cancel-two-orders': cancelTwoOrdersTasks,
  'modify-order-address': modifyOrderAddressTasks,
  'modify-order-items': modifyOrderItemsTasks,
  'modify-order-payment': modifyOrderPaymentTasks,
  'modify-user-address': modifyUserAddressTasks,
  'return-items': returnItemsTasks,
  'exchange-items': exchangeItemsTasks,
  'info-request': infoRequestTasks,
  'refuse-request': refuseRequestTasks,
  'transfer-request': transferRequestTasks,
  'combined-request': combinedRequestTasks,
};

/** The database after running a plan's calls on a copy of `world`; throws if a gold call fails (a generator bug). */
export function replayPlan(world: RetailDatabase, draft: Pick<TaskDraft, 'plan'>, label: string): RetailDatabase {
  const database = cloneJson(world);
  for (const [index, step] of draft.plan.entries()) {
    if (step.action.kind !== 'call') continue;
    const result = runTool(database, step.action.tool, step.action.arguments);
    if (!result.ok) throw new BridleError('INTERNAL', `retail gold plan of ${label} fails at step ${index} (${step.action.tool}): ${result.output}`);
  }
  return database;
}

/** Generate all tasks of a world. */
export function generateTasks(world: RetailDatabase, worldSeed: number): RetailTask[] {
  const placed: { draft: TaskDraft; split: Split }[] = [];
  for (const template of TEMPLATE_NAMES) {
    const context: TemplateContext = { world, random: createRandom(seedOf('retail-tasks', worldSeed, template)) };
    TEMPLATES[template](context, TASKS_PER_TEMPLATE).forEach((draft, index) => {
      placed.push({ draft, split: SPLIT_PATTERN[index % SPLIT_PATTERN.length] as Split });
    });
  }
  // Shuffled before numbering so that ids say nothing about the template.
  const ordered = createRandom(seedOf('retail-task-order', worldSeed)).shuffle(placed);
  return ordered.map(({ draft, split }, index) => {
    const id = `retail-${String(index + 1).padStart(3, '0')}`;
    return { ...draft, id, split, expectedHash: hashOf(replayPlan(world, draft, id)) };
  });
}
