/**
 * What tau2 runs on the telecom world besides tools: the functions its tasks name in
 * `initialization_actions` (they break the phone or the account: airplane mode on, SIM out, data used up,
 * a line suspended for an overdue bill, ...) and in `env_assertions` (is mobile data working, is the
 * speed excellent, can MMS be sent, ...), and tau2's sync between the carrier's records and the phone
 * (TelecomEnvironment.sync_tools). A function is looked up on the side the call names, as tau2's getattr
 * does: the side's own functions, then its tools.
 */
import type { JsonObject } from '../../src/harness/api.ts';
import { createToolRunner, type ToolDefinition } from '../../src/toolkit/tools.ts';
import type { EnvironmentCall } from '../tau2/task-data.ts';
import {
  addDays,
  billById,
  billsAwaitingPayment,
  customerById,
  customerByPhone,
  editTargetLine,
  firstOfMonth,
  lineById,
  lineByPhone,
  planById,
  targetLine,
  TODAY,
  type TelecomState,
} from './account.ts';
import { NETWORK_STATUSES, type Bill, type LineStatus } from './database.ts';
import { canSendMms, connectVpn, mobileDataWorking, networkSearch, simStatus, speedTest, toggleAirplaneMode, toggleData, toggleDataSaver, toggleRoaming, toggleWifiCalling } from './phone.ts';
import { handsetOf, handsetView } from './user-tools.ts';

type Arguments = Record<string, unknown>;
type TelecomFunction = (state: TelecomState, args: Arguments) => unknown;

/** A failed `assert` inside one of tau2's set-up functions. */
class AssertionFailure extends Error {}

function pythonAssert(condition: boolean, what: string): void {
  if (!condition) throw new AssertionFailure(`tau2's set-up check failed: ${what}`);
}

/** Python's keyword call: every argument named, none missing (defaults given by the function). */
function argument<T>(args: Arguments, name: string, fallback?: T): T {
  if (Object.hasOwn(args, name)) return args[name] as T;
  if (fallback !== undefined) return fallback;
  throw new TypeError(`missing 1 required positional argument: '${name}'`);
}

/** Turn a toggle until it reads `on` (tau2's turn_*_on / turn_*_off). */
function turn(toggle: (handset: ReturnType<typeof handsetOf>) => boolean, on: boolean): TelecomFunction {
  return (state) => {
    const handset = handsetOf(state);
    if (toggle(handset) !== on) toggle(handset);
  };
}

const USER_FUNCTIONS: Record<string, TelecomFunction> = {
  set_user_info: (state, args) => {
    const surroundings = handsetOf(state).surroundings;
    surroundings.name = argument<string>(args, 'name');
    surroundings.phone_number = argument<string>(args, 'phone_number');
  },
  set_user_location: (state, args) => {
    handsetOf(state).surroundings.is_abroad = argument<boolean>(args, 'abroad');
  },
  simulate_network_search: (state) => networkSearch(handsetOf(state)),
  turn_airplane_mode_on: turn(toggleAirplaneMode, true),
  turn_airplane_mode_off: turn(toggleAirplaneMode, false),
  unseat_sim_card: (state) => {
    const handset = handsetOf(state);
    handset.device.sim_card_missing = true;
    networkSearch(handset);
    pythonAssert(simStatus(handset.device) === 'missing', 'the SIM card is missing');
  },
  lock_sim_card: (state, args) => {
    const handset = handsetOf(state);
    const mode = argument<string>(args, 'mode');
    if (mode === 'pin') handset.device.sim_card_status = 'locked_pin';
    else if (mode === 'puk') handset.device.sim_card_status = 'locked_puk';
    networkSearch(handset);
  },
  turn_data_on: (state) => {
    handsetOf(state).device.data_enabled = true;
  },
  turn_data_off: turn(toggleData, false),
  turn_roaming_on: turn(toggleRoaming, true),
  turn_roaming_off: turn(toggleRoaming, false),
  turn_data_saver_mode_on: turn(toggleDataSaver, true),
  turn_data_saver_mode_off: turn(toggleDataSaver, false),
  break_apn_settings: (state) => {
    const handset = handsetOf(state);
    handset.device.active_apn_settings.apn_name = 'broken';
    networkSearch(handset);
    pythonAssert(handset.device.network_connection_status === 'no_service', 'a broken APN leaves no service');
  },
  break_apn_mms_setting: (state) => {
    const handset = handsetOf(state);
    handset.device.active_apn_settings.mmsc_url = null;
    pythonAssert(!canSendMms(handset), 'MMS cannot be sent without an MMSC URL');
  },
  set_wifi_calling: (state, args) => {
    const handset = handsetOf(state);
    const enabled = argument<boolean>(args, 'enabled');
    if (handset.device.wifi_calling_enabled !== enabled) toggleWifiCalling(handset);
    const mmsOverWifi = argument<boolean | null>(args, 'mms_over_wifi', null);
    if (mmsOverWifi !== null) handset.device.wifi_calling_mms_over_wifi = mmsOverWifi;
  },
  remove_app_permission: (state, args) => {
    const device = handsetOf(state).device;
    const name = argument<string>(args, 'app_name');
    const permission = argument<string>(args, 'permission').toLowerCase();
    const app = Object.hasOwn(device.app_statuses, name) ? device.app_statuses[name] : undefined;
    if (app && Object.hasOwn(app.permissions, permission)) app.permissions[permission as keyof typeof app.permissions] = false;
  },
  /**
   * tau2 connects the VPN and then degrades the connection's details in place; those details are the
   * object every later connection reuses, so the degradation sticks to the VPN profile.
   */
  break_vpn: (state) => {
    const handset = handsetOf(state);
    connectVpn(handset);
    const shared = JSON.stringify(handset.device.vpn_details) === JSON.stringify(handset.vpnProfile);
    handset.device.vpn_details!.server_performance = 'poor';
    if (shared) handset.vpnProfile.server_performance = 'poor';
  },
  assert_airplane_mode_status: (state, args) => handsetView(state).device.airplane_mode === argument(args, 'expected_status'),
  assert_service_status: (state, args) => {
    const expected = argument<string>(args, 'expected_status');
    if (!(NETWORK_STATUSES as readonly string[]).includes(expected)) throw new Error(`'${expected}' is not a valid NetworkStatus`);
    return handsetView(state).device.network_connection_status === expected;
  },
  assert_mobile_data_status: (state, args) => mobileDataWorking(handsetView(state)) === argument(args, 'expected_status'),
  assert_mobile_roaming_status: (state, args) => handsetView(state).device.roaming_enabled === argument(args, 'expected_status'),
  assert_mobile_data_saver_mode_status: (state, args) => handsetView(state).device.data_saver_mode === argument(args, 'expected_status'),
  assert_internet_speed: (state, args) => {
    const { speed, description } = speedTest(handsetView(state));
    const expectedSpeed = argument<number>(args, 'expected_speed');
    const expectedDescription = argument<string | null>(args, 'expected_desc', null);
    const measured = speed ?? 0;
    return expectedDescription === null ? measured >= expectedSpeed : measured >= expectedSpeed && description.toLowerCase() === expectedDescription.toLowerCase();
  },
  assert_internet_not_excellent: (state) => speedTest(handsetView(state)).description.toLowerCase() !== 'excellent',
  assert_can_send_mms: (state, args) => canSendMms(handsetView(state)) === argument(args, 'expected_status'),
  assert_mobile_data_usage_exceeded: (state, args) => handsetView(state).surroundings.mobile_data_usage_exceeded === argument(args, 'expected_status'),
};

const AGENT_FUNCTIONS: Record<string, TelecomFunction> = {
  set_data_usage: (state, args) => {
    const line = editTargetLine(state, argument(args, 'customer_id'), argument(args, 'line_id'));
    line.data_used_gb = argument<number>(args, 'data_used_gb');
  },
  /** Opens an overdue bill for last month's plan charge and suspends the line (optionally ending its contract). */
  suspend_line_for_overdue_bill: (state, args) => {
    const customerId = argument<string>(args, 'customer_id');
    const lineId = argument<string>(args, 'line_id');
    const newBillId = argument<string>(args, 'new_bill_id');
    const contractEnded = argument<boolean>(args, 'contract_ended');
    const line = lineById(state, lineId);
    if (line.status !== 'Active') throw new Error('Line must be active to suspend for unpaid bill');
    const amount = planById(state, line.plan_id).price_per_month;
    if (amount <= 0) throw new Error('Amount must be positive for overdue bill');
    const customer = customerById(state, customerId);
    if (customer.bill_ids.some((id) => billById(state, id).status === 'Overdue')) throw new Error('Customer already has an overdue bill');
    const lastMonthEnd = addDays(firstOfMonth(TODAY), -1);
    const lastMonthStart = firstOfMonth(lastMonthEnd);
    const bill: Bill = {
      bill_id: newBillId,
      customer_id: customerId,
      period_start: lastMonthStart,
      period_end: lastMonthEnd,
      issue_date: lastMonthStart,
      total_due: 0 + amount,
      due_date: addDays(lastMonthStart, 14),
      line_items: [{ description: `Charge for line ${line.line_id}`, amount, date: TODAY, item_type: amount > 0 ? 'Charge' : 'Credit' }],
      status: 'Overdue',
    };
    state.db.put('bills', newBillId, bill);
    state.db.edit('customers', customerId)!.bill_ids.push(newBillId);
    const suspended = state.db.edit('lines', lineId)!;
    suspended.status = 'Suspended';
    suspended.suspension_start_date = TODAY;
    if (contractEnded) suspended.contract_end_date = lastMonthEnd;
  },
  assert_data_refueling_amount: (state, args) =>
    Math.abs(targetLine(state, argument(args, 'customer_id'), argument(args, 'line_id')).data_refueling_gb - argument<number>(args, 'expected_amount')) < 1e-6,
  assert_line_status: (state, args) => targetLine(state, argument(args, 'customer_id'), argument(args, 'line_id')).status === argument<LineStatus>(args, 'expected_status'),
  assert_overdue_bill_exists: (state, args) => {
    const customer = customerById(state, argument(args, 'customer_id'));
    const billId = argument<string>(args, 'overdue_bill_id');
    if (!customer.bill_ids.includes(billId)) throw new Error(`Overdue bill ${billId} not found`);
    if (billById(state, billId).status !== 'Overdue') throw new Error(`Overdue bill ${billId} is not overdue`);
    return true;
  },
  assert_no_overdue_bill: (state, args) => {
    const bill = state.db.get('bills', argument(args, 'overdue_bill_id'));
    return bill === undefined || bill.status === 'Paid';
  },
};

/**
 * tau2's TelecomEnvironment.sync_tools: the phone learns from the carrier's records whether its line is
 * active, roaming is allowed and the data allowance is used up; a paid payment request marks its bill
 * paid; a bill awaiting payment becomes the phone's payment request.
 */
export function syncTelecom(state: TelecomState): void {
  const current = handsetView(state).surroundings;
  if (current.phone_number === null) return;
  const line = lineByPhone(state, current.phone_number);
  const plan = planById(state, line.plan_id);
  const wanted = {
    line_active: line.status === 'Active',
    roaming_allowed: line.roaming_enabled,
    mobile_data_usage_exceeded: line.data_used_gb >= plan.data_limit_gb + line.data_refueling_gb,
  };
  // Only write what changes: the first write of an episode copies the record out of the shared base.
  const surroundings = () => handsetOf(state).surroundings;
  for (const [key, value] of Object.entries(wanted) as [keyof typeof wanted, boolean][]) if (current[key] !== value) surroundings()[key] = value;
  const request = handsetView(state).surroundings.payment_request;
  if (request?.paid) {
    billById(state, request.bill_id);
    state.db.edit('bills', request.bill_id)!.status = 'Paid';
    surroundings().payment_request = null;
  }
  if (handsetView(state).surroundings.payment_request === null) {
    const awaiting = billsAwaitingPayment(state, customerByPhone(state, current.phone_number));
    if (awaiting.length !== 0) surroundings().payment_request = { bill_id: awaiting[0]!.bill_id, amount_due: awaiting[0]!.total_due, paid: false };
  }
}

/**
 * Runs a function an initialization action or an assertion names, as tau2's run_env_function_call does:
 * on the side it names, followed by tau2's sync.
 */
export function createFunctionRunner(agentTools: readonly ToolDefinition<TelecomState>[], userTools: readonly ToolDefinition<TelecomState>[]) {
  const runners = { assistant: createToolRunner(agentTools), user: createToolRunner(userTools) };
  const functions = { assistant: AGENT_FUNCTIONS, user: USER_FUNCTIONS };
  return (state: TelecomState, call: EnvironmentCall): unknown => {
    const own = functions[call.env_type][call.func_name];
    let result: unknown;
    if (own) {
      result = own(state, call.arguments);
    } else if (runners[call.env_type].schema(call.func_name)) {
      const outcome = runners[call.env_type].run(state, call.func_name, call.arguments as JsonObject);
      if (!outcome.ok) throw new Error(outcome.output);
      result = outcome.output;
    } else {
      throw new Error(`'${call.env_type === 'user' ? 'TelecomUserTools' : 'TelecomTools'}' object has no attribute '${call.func_name}'`);
    }
    syncTelecom(state);
    return result;
  };
}
