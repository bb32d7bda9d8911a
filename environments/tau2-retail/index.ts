/**
 * tau2-retail: tau2-bench's retail service desk on bridle, read from the user's copy of the benchmark's
 * data (db.json, policy.md, tasks.json, split_tasks.json). Tools with the benchmark's semantics, its
 * reward (final database against the gold replay, and the required information said to the customer),
 * ticket form by default and the benchmark's conversational form with `--user <backbone>`.
 */
import type { EnvironmentOptions } from '../../src/contracts/environment.ts';
import { createTau2Environment, type Tau2Environment } from '../tau2/domain.ts';
import { deepFreeze } from '../tau2/store.ts';
import type { GoldAction } from '../tau2/task-data.ts';
import { retailDatabaseSchema, type RetailDatabase } from './database.ts';
import { RETAIL_TOOLS } from './tools.ts';

/** Step budget: gold plans take up to 15 calls; tau2 itself allows 100 messages (about 50 agent turns). */
export const TAU2_RETAIL_MAX_STEPS = 30;

const IDENTIFY = new Set(['find_user_id_by_email', 'find_user_id_by_name_zip']);
const READS = new Set(['calculate', 'get_order_details', 'get_product_details', 'get_user_details', 'list_all_product_types']);

function purposeOf(action: GoldAction) {
  if (IDENTIFY.has(action.name)) return 'identify' as const;
  return READS.has(action.name) ? ('inspect' as const) : ('write' as const);
}

/** Build tau2-retail from the data folder in `options.data`. */
export function createTau2Retail(options: EnvironmentOptions = {}): Tau2Environment<RetailDatabase> {
  return createTau2Environment<RetailDatabase>(
    {
      name: 'tau2-retail',
      domain: 'retail',
      description:
        "tau2-bench's retail desk: authenticate the customer, then cancel or modify pending orders, return or exchange delivered ones, change addresses, answer questions, per the written policy. Judged as tau2-bench judges it: the final database must equal the one the task's gold actions produce (compared by hash), and every required piece of information must appear in the agent's messages to the customer.",
      files: ['db.json', 'policy.md'],
      load: (folder) => ({
        db: deepFreeze(folder.json('db.json', retailDatabaseSchema, 'retail database')),
        policy: folder.text('policy.md'),
      }),
      tools: RETAIL_TOOLS,
      purposeOf,
      transferTool: 'transfer_to_human_agents',
      maxSteps: TAU2_RETAIL_MAX_STEPS,
    },
    options,
  );
}
