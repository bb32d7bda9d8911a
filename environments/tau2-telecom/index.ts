/**
 * tau2-telecom: tau2-bench's telecom tech-support desk on bridle, read from the user's copy of the
 * benchmark's data (db.toml, user_db.toml, the policies, tasks.json, split_tasks.json). The customer's
 * phone is simulated as in tau2: its settings, the network search, mobile data, speed and MMS. Each task
 * starts from a broken phone or account (its initialization actions) and is judged as tau2 judges it: the
 * task's env_assertions on the final phone and account (mobile data works, the speed is excellent, MMS can
 * be sent, ...), and for some tasks the gold actions themselves (ACTION: a transfer to a human).
 * Ticket form is tau2's solo mode: the agent has the ticket, the solo policy and workflow, and operates
 * the phone itself; the conversational form gives the phone to the user simulator.
 */
import type { EnvironmentOptions } from '../../src/contracts/environment.ts';
import { createTau2Environment, type Tau2Environment } from '../tau2/domain.ts';
import { ticketOf as scenarioTicket } from '../tau2/scenario.ts';
import { deepFreeze } from '../tau2/store.ts';
import type { GoldAction, Tau2TaskData } from '../tau2/task-data.ts';
import { loadTelecomDatabase, loadTelecomUserDatabase, type TelecomDatabase, type TelecomUserDatabase } from './database.ts';
import { createFunctionRunner, syncTelecom } from './functions.ts';
import { oracleReads, repairsOf } from './oracle.ts';
import { TELECOM_TOOLS } from './tools.ts';
import { TELECOM_USER_TOOLS } from './user-tools.ts';

/** Step budget: gold plans take up to 12 fixes, after identifying the customer and reading the status bar. */
export const TAU2_TELECOM_MAX_STEPS = 30;

const IDENTIFY = new Set(['get_customer_by_phone', 'get_customer_by_id', 'get_customer_by_name']);
const READS = new Set([...[...TELECOM_TOOLS, ...TELECOM_USER_TOOLS].filter((tool) => tool.schema.readOnly).map((tool) => tool.schema.name)]);

function purposeOf(action: GoldAction) {
  if (IDENTIFY.has(action.name)) return 'identify' as const;
  return READS.has(action.name) ? ('inspect' as const) : ('write' as const);
}

/** The issue family, from the task id ("[mobile_data_issue]data_mode_off|...": mobile_data_issue); the ticket names it too. */
function kindOf(task: Tau2TaskData): string | undefined {
  return /^\[([a-z_]+)\]/.exec(task.id)?.[1];
}

/**
 * What tau2's solo agent is told besides the policy (its AGENT_SOLO_INSTRUCTION), in bridle's terms: the
 * loop's finish tool plays tau2's `done`.
 */
const TICKET_NOTE = `## Ticket form
You are given a ticket with the customer's request. You cannot communicate with the customer, only make tool calls: you have direct access to the customer's phone, and the device tools (check_status_bar, toggle_airplane_mode, reboot_device, ...) act on it. Plan and call the appropriate tools to solve the ticket, always following the policy. When you consider the ticket solved, or have escalated it with transfer_to_human_agents, end with the finish tool.`;

/** tau2's composition of a telecom policy: the main policy, then the tech support policy. */
const composePolicy = (main: string, techSupport: string) => `<main_policy>\n${main}\n</main_policy>\n<tech_support_policy>\n${techSupport}\n</tech_support_policy>`;

/** Build tau2-telecom from the data folder in `options.data`. */
export function createTau2Telecom(options: EnvironmentOptions = {}): Tau2Environment<TelecomDatabase, TelecomUserDatabase> {
  return createTau2Environment<TelecomDatabase, TelecomUserDatabase>(
    {
      name: 'tau2-telecom',
      domain: 'telecom',
      description:
        "tau2-bench's telecom tech support: a customer's phone has no service, no mobile data or cannot send MMS; diagnose it and fix it with the phone's tools (airplane mode, SIM, data, roaming, network mode, APN, VPN, app permissions, reboot) and the account's (roaming, data refueling, overdue bills and suspended lines), or transfer to a human, per the written policy and workflow. Judged as tau2-bench judges it: the task's assertions on the final phone and account state (service, mobile data, speed, MMS, refueled data, bills), and for some tasks the required actions themselves.",
      files: ['db.toml', 'user_db.toml', 'main_policy.md', 'main_policy_solo.md', 'tech_support_manual.md', 'tech_support_workflow_solo.md'],
      load: (folder) => ({
        db: deepFreeze(loadTelecomDatabase(folder)),
        userDb: deepFreeze(loadTelecomUserDatabase(folder)),
        // tau2's default telecom environment: the main policy and the tech support manual.
        policy: composePolicy(folder.text('main_policy.md'), folder.text('tech_support_manual.md')),
        // tau2's solo mode on its workflow policy: the solo main policy and the solo workflow.
        ticketPolicy: `${composePolicy(folder.text('main_policy_solo.md'), folder.text('tech_support_workflow_solo.md'))}\n\n${TICKET_NOTE}`,
      }),
      tools: TELECOM_TOOLS,
      userTools: TELECOM_USER_TOOLS,
      sync: syncTelecom,
      runFunction: createFunctionRunner(TELECOM_TOOLS, TELECOM_USER_TOOLS),
      purposeOf,
      oracleReads,
      repairsOf,
      transferTool: 'transfer_to_human_agents',
      ticketOf: (task) => task.ticket ?? scenarioTicket(task.user_scenario),
      kindOf,
      stratumName: 'issue family: service, mobile data, MMS',
      maxSteps: TAU2_TELECOM_MAX_STEPS,
    },
    options,
  );
}
