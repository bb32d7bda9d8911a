/**
 * What the telecom oracle knows beyond the gold actions: the reads tau2's policy requires first (identify
 * the customer by the phone number of the ticket, then look at the phone's status bar, where every path of
 * the troubleshooting workflow starts), and how to undo a change the agent made off the gold path: a phone
 * setting is toggled or set back, the account's roaming and line status restored, missing data refueled.
 */
import type { GoldAction, Tau2TaskData } from '../tau2/task-data.ts';
import { customerByPhone, lineByPhone, type TelecomState } from './account.ts';
import { APP_PERMISSIONS, defaultApnSettings } from './database.ts';
import { handsetView } from './user-tools.ts';

const action = (requestor: 'assistant' | 'user', name: string, args: Record<string, unknown> = {}): GoldAction => ({
  action_id: `oracle-${name}`,
  requestor,
  name,
  arguments: args,
  info: null,
  compare_args: null,
});

/** The phone number the task's customer calls about (its set_user_info initialization action). */
function phoneOf(task: Tau2TaskData): string | undefined {
  const call = (task.initial_state?.initialization_actions ?? []).find((entry) => entry.env_type === 'user' && entry.func_name === 'set_user_info');
  return typeof call?.arguments.phone_number === 'string' ? call.arguments.phone_number : undefined;
}

/** "You must first identify the customer", then the workflow's first step: check the status bar. */
export function oracleReads(task: Tau2TaskData): GoldAction[] {
  const phone = phoneOf(task);
  return [...(phone === undefined ? [] : [action('assistant', 'get_customer_by_phone', { phone_number: phone })]), action('user', 'check_status_bar')];
}

const same = (left: unknown, right: unknown) => JSON.stringify(left) === JSON.stringify(right);

/** The calls that take `state`'s phone and account settings to those of `target`, a state of the gold replay. */
export function repairsOf(state: TelecomState, target: TelecomState): GoldAction[] {
  const repairs: GoldAction[] = [];
  const phone = handsetView(state).surroundings.phone_number;
  if (phone !== null) {
    const line = lineByPhone(state, phone);
    const wanted = lineByPhone(target, phone);
    const ids = { customer_id: customerByPhone(state, phone).customer_id, line_id: line.line_id };
    if (line.status === 'Suspended' && wanted.status === 'Active') repairs.push(action('assistant', 'resume_line', ids));
    if (line.roaming_enabled !== wanted.roaming_enabled) repairs.push(action('assistant', wanted.roaming_enabled ? 'enable_roaming' : 'disable_roaming', ids));
    const missing = Math.round((wanted.data_refueling_gb - line.data_refueling_gb) * 100) / 100;
    if (missing > 0) repairs.push(action('assistant', 'refuel_data', { ...ids, gb_amount: missing }));
  }
  // A payment request the gold path does not have (a wrong bill): paying it is the only way to clear it.
  const request = handsetView(state).surroundings.payment_request;
  if (request !== null && !same(request, handsetView(target).surroundings.payment_request)) repairs.push(action('user', 'make_payment'));
  const now = handsetView(state).device;
  const want = handsetView(target).device;
  const toggles = [
    ['airplane_mode', 'toggle_airplane_mode'],
    ['data_enabled', 'toggle_data'],
    ['roaming_enabled', 'toggle_roaming'],
    ['data_saver_mode', 'toggle_data_saver_mode'],
    ['wifi_calling_enabled', 'toggle_wifi_calling'],
    ['wifi_enabled', 'toggle_wifi'],
  ] as const;
  if (now.sim_card_missing && !want.sim_card_missing) repairs.push(action('user', 'reseat_sim_card'));
  for (const [field, tool] of toggles) if (now[field] !== want[field]) repairs.push(action('user', tool));
  if (now.network_mode_preference !== want.network_mode_preference) repairs.push(action('user', 'set_network_mode_preference', { mode: want.network_mode_preference }));
  if (now.vpn_connected && !want.vpn_connected) repairs.push(action('user', 'disconnect_vpn'));
  for (const [app, status] of Object.entries(want.app_statuses)) {
    const current = Object.hasOwn(now.app_statuses, app) ? now.app_statuses[app] : undefined;
    for (const permission of APP_PERMISSIONS) if (current && status.permissions[permission] && !current.permissions[permission]) repairs.push(action('user', 'grant_app_permission', { app_name: app, permission }));
  }
  if (!same(now.active_apn_settings, want.active_apn_settings)) {
    // The workflow's fix: reset the APN settings, applied by a reboot.
    if (same(want.active_apn_settings, defaultApnSettings())) repairs.push(action('user', 'reset_apn_settings'), action('user', 'reboot_device'));
    else repairs.push(action('user', 'set_apn_settings', { apn_settings: { ...want.active_apn_settings } }));
  }
  const network = (device: typeof now) => [device.network_connection_status, device.network_technology_connected, device.network_signal_strength];
  if (repairs.length === 0 && !same(network(now), network(want))) repairs.push(action('user', 'reboot_device'));
  return repairs;
}
