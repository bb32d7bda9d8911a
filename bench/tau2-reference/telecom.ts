/**
 * tau2-telecom against tau2-bench's own Python (used by check.ts): per task, the gold actions, a fuzzed
 * copy of them, and a random walk over every tool of both sides, each from the task's initial state
 * (its initialization actions). Compared: every tool message byte for byte, both sides' final records, and
 * the value of each of the task's env_assertions plus a battery of every assertion function tau2 has.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalEqual } from '../../src/toolkit/canonical.ts';
import type { JsonObject } from '../../src/harness/api.ts';
import type { Random } from '../../src/util/random.ts';
import { createRandom } from '../../src/util/random.ts';
import { createTau2Telecom } from '../../environments/tau2-telecom/index.ts';
import { createFunctionRunner } from '../../environments/tau2-telecom/functions.ts';
import { TELECOM_TOOLS } from '../../environments/tau2-telecom/tools.ts';
import { TELECOM_USER_TOOLS } from '../../environments/tau2-telecom/user-tools.ts';
import type { EnvironmentAssertion } from '../../environments/tau2/task-data.ts';

type Call = { name: string; arguments: JsonObject };
type Sequence = { id: string; task: string; init: unknown[]; calls: Call[]; assertions: EnvironmentAssertion[] };
type Reference = { steps: { ok: boolean; output: string }[]; assertions: (boolean | string)[]; db: Record<string, Record<string, unknown>>; user: Record<string, Record<string, unknown>> };

const CUSTOMERS = ['C1001', 'C1002', 'C1003', 'C1004', 'C9999'];
const LINES = ['L1001', 'L1002', 'L1003', 'L1004', 'L1009', 'L9999'];
const BILLS = ['B1001', 'B1002', 'B1003', 'B1005', 'B1006', 'B9999'];
const PARAMETERLESS = TELECOM_USER_TOOLS.filter((tool) => Object.keys(tool.schema.parameters.properties).length === 0).map((tool) => tool.schema.name);

/** Every assertion function tau2's telecom tools have, with values that come out either way. */
const BATTERY: EnvironmentAssertion[] = [
  ...[true, false].flatMap((expected) =>
    ['assert_airplane_mode_status', 'assert_mobile_data_status', 'assert_mobile_roaming_status', 'assert_mobile_data_saver_mode_status', 'assert_can_send_mms', 'assert_mobile_data_usage_exceeded'].map((func) => user(func, { expected_status: expected })),
  ),
  ...['connected', 'searching', 'no_service', 'emergency_only', 'offline'].map((status) => user('assert_service_status', { expected_status: status })),
  user('assert_internet_speed', { expected_speed: 200, expected_desc: 'excellent' }),
  user('assert_internet_speed', { expected_speed: 10 }),
  user('assert_internet_not_excellent', {}),
  agent('assert_data_refueling_amount', { customer_id: 'C1001', line_id: 'L1002', expected_amount: 2.0 }),
  agent('assert_line_status', { customer_id: 'C1001', line_id: 'L1002', expected_status: 'Active' }),
  agent('assert_no_overdue_bill', { overdue_bill_id: 'B1234321' }),
  agent('assert_overdue_bill_exists', { customer_id: 'C1001', overdue_bill_id: 'B1234321' }),
];

function user(func_name: string, args: JsonObject): EnvironmentAssertion {
  return { env_type: 'user', func_name, arguments: args, assert_value: true, message: null };
}
function agent(func_name: string, args: JsonObject): EnvironmentAssertion {
  return { env_type: 'assistant', func_name, arguments: args, assert_value: true, message: null };
}

/** A call of a random tool with plausible, sometimes wrong, arguments. */
function randomCall(random: Random): Call {
  const customer = () => (random.chance(0.7) ? 'C1001' : random.pick(CUSTOMERS));
  const line = () => (random.chance(0.6) ? 'L1002' : random.pick(LINES));
  const choices: (() => Call)[] = [
    () => ({ name: random.pick(PARAMETERLESS), arguments: {} }),
    () => ({ name: random.pick(PARAMETERLESS), arguments: {} }),
    () => ({ name: random.pick(PARAMETERLESS), arguments: {} }),
    () => ({ name: 'set_network_mode_preference', arguments: { mode: random.pick(['4g_5g_preferred', '4g_only', '3g_only', '2g_only', '5g_only', 'LTE']) } }),
    () => ({ name: random.pick(['check_app_status', 'check_app_permissions']), arguments: { app_name: random.pick(['messaging', 'browser', 'camera']) } }),
    () => ({ name: 'grant_app_permission', arguments: { app_name: random.pick(['messaging', 'browser', 'camera']), permission: random.pick(['sms', 'storage', 'Storage', 'phone', 'network', 'location']) } }),
    () => ({
      name: 'set_apn_settings',
      arguments: { apn_settings: random.pick<JsonObject>([{}, { apn_name: 'internet' }, { apn_name: 'broken' }, { apn_name: 'INTERNET' }, { mmsc_url: null }, { mms_port: '80' }, { mms_port: 1.5 }, { reset_at_reboot: 'yes' }, { reset_at_reboot: 2 }, { apn: 'internet' }, { apn_name: 'internet', mms_apn: 5 }]) },
    }),
    () => ({ name: random.pick(['get_customer_by_phone']), arguments: { phone_number: random.pick(['555-123-2002', '555-123-2001', '555-123-1002', '555-000-0000', '5551232002']) } }),
    () => ({ name: 'get_customer_by_id', arguments: { customer_id: random.pick(CUSTOMERS) } }),
    () => ({ name: 'get_customer_by_name', arguments: { full_name: random.pick(['John Smith', 'john smith', 'Sarah Johnson']), dob: random.pick(['1985-06-15', '1990-11-22', '1985-6-15']) } }),
    () => ({ name: 'get_details_by_id', arguments: { id: random.pick([...CUSTOMERS, ...LINES, ...BILLS, 'D1002', 'D9999', 'P1002', 'P9999', 'X1', '']) } }),
    () => ({ name: random.pick(['suspend_line', 'resume_line', 'enable_roaming', 'disable_roaming', 'get_data_usage']), arguments: { customer_id: customer(), line_id: line(), ...(random.chance(0.5) ? { reason: 'travel' } : {}) } }),
    () => ({ name: 'get_bills_for_customer', arguments: { customer_id: customer(), ...(random.chance(0.5) ? { limit: random.pick([-1, 0, 1, 2, 20]) } : {}) } }),
    () => ({ name: 'send_payment_request', arguments: { customer_id: customer(), bill_id: random.pick(BILLS) } }),
    () => ({ name: 'refuel_data', arguments: { customer_id: customer(), line_id: line(), gb_amount: random.pick([2, 0.5, 1.5, 0, -1, 3.25]) } }),
    () => ({ name: 'transfer_to_human_agents', arguments: { summary: 'needs a human' } }),
  ];
  const call = random.pick(choices)();
  // suspend_line needs its reason; leave it out only sometimes, to see tau2's missing-argument error.
  if (call.name === 'suspend_line' && !('reason' in call.arguments) && random.chance(0.8)) call.arguments.reason = 'travel';
  if (call.name !== 'suspend_line') delete call.arguments.reason;
  return call;
}

function mutate(call: Call, random: Random): Call {
  const keys = Object.keys(call.arguments);
  if (keys.length === 0) return random.chance(0.5) ? { name: random.pick(PARAMETERLESS), arguments: {} } : call;
  const key = random.pick(keys);
  const value = call.arguments[key];
  const changed = key === 'customer_id' ? random.pick(CUSTOMERS) : key === 'line_id' ? random.pick(LINES) : key === 'bill_id' ? random.pick(BILLS) : typeof value === 'number' ? random.pick([value + 1, 0, -value, value / 2]) : key === 'mode' ? random.pick(['2g_only', '3g_only', 'invalid']) : value;
  return { name: call.name, arguments: { ...call.arguments, [key]: changed as JsonObject[string] } };
}

/** Bills tau2 opens get a random id ("B" + 8 hex digits); both sides' are written the same way for the comparison. */
const normalise = (text: string) => text.replace(/B[0-9a-f]{8}\b/g, 'B<new>').replace(/errors\.pydantic\.dev\/2\.\d+/g, 'errors.pydantic.dev/2.x');

export function checkTelecom(data: string, tau2: string, work: string, seed: number): boolean {
  const environment = createTau2Telecom({ data });
  const runFunction = createFunctionRunner(TELECOM_TOOLS, TELECOM_USER_TOOLS);
  const random = createRandom(seed);
  const sequences: Sequence[] = [];
  for (const { id } of environment.tasks) {
    const task = environment.task(id);
    const gold = (task.criteria?.actions ?? []).map((action) => ({ name: action.name, arguments: action.arguments as JsonObject }));
    const base = { task: id, init: task.data.initial_state?.initialization_actions ?? [], assertions: [...(task.criteria?.env_assertions ?? []), ...BATTERY] };
    sequences.push({ ...base, id: `${id}/gold`, calls: gold });
    sequences.push({ ...base, id: `${id}/fuzz`, calls: gold.flatMap((call) => [mutate(call, random), call, ...(random.chance(0.3) ? [call] : []), ...(random.chance(0.4) ? [randomCall(random)] : [])]) });
    sequences.push({ ...base, id: `${id}/walk`, calls: Array.from({ length: 25 }, () => randomCall(random)) });
  }
  writeFileSync(join(work, 'telecom-in.json'), JSON.stringify(sequences));
  execFileSync('python3', [new URL('./replay.py', import.meta.url).pathname, tau2, environment.folder, 'telecom', join(work, 'telecom-in.json'), join(work, 'telecom-out.json')], { stdio: 'inherit' });
  const reference = JSON.parse(readFileSync(join(work, 'telecom-out.json'), 'utf8')) as Reference[];
  let calls = 0;
  let refused = 0;
  let assertions = 0;
  let departures = 0;
  const mismatches: string[] = [];
  sequences.forEach((sequence, index) => {
    const theirs = reference[index]!;
    const state = environment.createState(environment.task(sequence.task), 0);
    sequence.calls.forEach((call, position) => {
      const mine = environment.runner.run(state, call.name, call.arguments);
      const step = theirs.steps[position]!;
      calls += 1;
      if (!step.ok) refused += 1;
      // A call without a required argument: Python's TypeError there, bridle's dispatcher's words here (a known departure).
      if (!mine.ok && !step.ok && /missing \d+ required positional argument/.test(step.output) && mine.output.startsWith('Error: missing required argument')) departures += 1;
      else if (mine.ok !== step.ok || normalise(mine.output) !== normalise(step.output)) mismatches.push(`${sequence.id} call ${position} ${call.name}(${JSON.stringify(call.arguments)}):\n  tau2:   ${step.output.slice(0, 400)}\n  bridle: ${mine.output.slice(0, 400)}`);
    });
    sequence.assertions.forEach((assertion, position) => {
      let mine: boolean | string;
      try {
        mine = runFunction(state, assertion) === assertion.assert_value;
      } catch (error) {
        mine = `error: ${error instanceof Error ? error.message : String(error)}`;
      }
      const expected = theirs.assertions[position]!;
      assertions += 1;
      // Errors are compared as errors: bridle scores an assertion that raises as unmet.
      if (typeof mine === 'string' ? typeof expected !== 'string' : mine !== expected) mismatches.push(`${sequence.id} assertion ${assertion.func_name}(${JSON.stringify(assertion.arguments)}): tau2 ${String(expected)}, bridle ${String(mine)}`);
    });
    for (const [table, records] of Object.entries(theirs.db)) {
      const ours = Object.fromEntries(state.db.keys(table).map((key) => [key, state.db.get(table, key)]));
      if (!canonicalEqual(JSON.parse(normalise(JSON.stringify(ours))), JSON.parse(normalise(JSON.stringify(records))))) mismatches.push(`${sequence.id}: the ${table} differ`);
    }
    for (const table of ['device', 'surroundings']) {
      if (!canonicalEqual(state.userDb!.get(table, 'main'), theirs.user[table]!.main)) mismatches.push(`${sequence.id}: the phone's ${table} differs:\n  tau2:   ${JSON.stringify(theirs.user[table]!.main)}\n  bridle: ${JSON.stringify(state.userDb!.get(table, 'main'))}`);
    }
  });
  console.log(`tau2-telecom: ${sequences.length} sequences, ${calls} calls (${refused} refused by tau2), ${assertions} assertions: ${mismatches.length} mismatches (and ${departures} calls missing an argument, refused in bridle's words)`);
  for (const mismatch of mismatches.slice(0, 12)) console.log(mismatch);
  return mismatches.length === 0;
}
