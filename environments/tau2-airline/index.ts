/**
 * tau2-airline: tau2-bench's airline desk on bridle, read from the user's copy of the benchmark's data
 * (db.json, policy.md, tasks.json, split_tasks.json). Tools with the benchmark's semantics, its reward
 * (final database against the gold replay, and the required information said to the customer), ticket
 * form by default and the benchmark's conversational form with `--user <backbone>`.
 */
import type { EnvironmentOptions } from '../../src/contracts/environment.ts';
import { createTau2Environment, type Tau2Environment } from '../tau2/domain.ts';
import { deepFreeze } from '../tau2/store.ts';
import type { GoldAction } from '../tau2/task-data.ts';
import { airlineDatabaseSchema, type AirlineDatabase } from './database.ts';
import { AIRLINE_TOOLS } from './tools.ts';

/** Step budget: gold plans take up to 13 calls; tau2 itself allows 100 messages (about 50 agent turns). */
export const TAU2_AIRLINE_MAX_STEPS = 30;

const READS = new Set(['calculate', 'get_reservation_details', 'list_all_airports', 'search_direct_flight', 'search_onestop_flight', 'get_flight_status']);

/** The airline policy identifies the customer by the user id they give: reading that profile is the identification. */
function purposeOf(action: GoldAction) {
  if (action.name === 'get_user_details') return 'identify' as const;
  return READS.has(action.name) ? ('inspect' as const) : ('write' as const);
}

/** Build tau2-airline from the data folder in `options.data`. */
export function createTau2Airline(options: EnvironmentOptions = {}): Tau2Environment<AirlineDatabase> {
  return createTau2Environment<AirlineDatabase>(
    {
      name: 'tau2-airline',
      domain: 'airline',
      description:
        "tau2-bench's airline desk: book, change and cancel flight reservations, change bags and passengers, compensate with certificates, per the written policy (cancellation and change rules the tools do not enforce). Judged as tau2-bench judges it: the final database must equal the one the task's gold actions produce (compared by hash), and every required piece of information must appear in the agent's messages to the customer.",
      files: ['db.json', 'policy.md'],
      load: (folder) => ({
        db: deepFreeze(folder.json('db.json', airlineDatabaseSchema, 'airline database')),
        policy: folder.text('policy.md'),
      }),
      tools: AIRLINE_TOOLS,
      purposeOf,
      transferTool: 'transfer_to_human_agents',
      maxSteps: TAU2_AIRLINE_MAX_STEPS,
    },
    options,
  );
}
