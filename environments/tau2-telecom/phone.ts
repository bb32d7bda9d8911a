/**
 * The simulated phone of tau2-bench's telecom domain (src/tau2/domains/telecom/user_tools.py), step for
 * step: the network search after a setting changes, whether mobile data works, the speed test, whether
 * MMS can be sent, the status bar. The user's tools, the task set-up functions and the assertions all run
 * on these, so each follows the Python's checks in the Python's order.
 */
import type { Frozen } from '../tau2/store.ts';
import { pythonRound } from '../tau2/python.ts';
import { defaultApnSettings, type NetworkTechnology, type Phone, type SignalStrength, type Surroundings, type VpnDetails } from './database.ts';

/** The phone and where it is: what every device function reads. */
export interface Handset {
  device: Phone;
  surroundings: Surroundings;
  /** The VPN profile connect_vpn hands out (shared with break_vpn, as in tau2). */
  vpnProfile: VpnDetails;
}

/** A handset to read only. */
export type HandsetView = Frozen<Handset>;

/** The SIM's status as the phone sees it: a missing card wins over the card's own status. */
export function simStatus(device: Frozen<Phone>): Phone['sim_card_status'] {
  return device.sim_card_missing ? 'missing' : device.sim_card_status;
}

const SIGNAL_ICONS: Record<SignalStrength, string> = {
  none: '\u{1F4F5} No Signal',
  poor: '\u{1F4F6}\u00B9 Poor',
  fair: '\u{1F4F6}\u00B2 Fair',
  good: '\u{1F4F6}\u00B3 Good',
  excellent: '\u{1F4F6}\u2074 Excellent',
};

/** The status bar line, indicators joined by " | " (tau2's _check_status_bar). */
export function statusBar(device: Frozen<Phone>): string {
  const indicators: string[] = [];
  if (device.airplane_mode) {
    indicators.push('\u2708\uFE0F Airplane Mode');
  } else {
    indicators.push(SIGNAL_ICONS[device.network_signal_strength]);
    if (device.network_technology_connected !== 'none') indicators.push(device.network_technology_connected);
    if (device.data_enabled && device.network_technology_connected !== 'none') {
      indicators.push('\u{1F4F1} Data Enabled');
      if (device.data_saver_mode) indicators.push('\u{1F53D} Data Saver');
    } else {
      indicators.push('\u{1F4F5} Data Disabled');
    }
  }
  if (device.wifi_enabled && device.wifi_connected) indicators.push(device.wifi_ssid ? `\u{1F4E1} Connected to ${device.wifi_ssid}` : '\u{1F4E1} Enabled');
  if (device.vpn_connected) indicators.push('\u{1F512} VPN Connected');
  indicators.push(`\u{1F50B} ${device.battery_level}%`);
  return indicators.join(' | ');
}

const CONNECTS_TO: Record<Phone['network_mode_preference'], NetworkTechnology> = {
  '4g_5g_preferred': '5G',
  '4g_only': '4G',
  '3g_only': '3G',
  '2g_only': '2G',
};

/**
 * tau2's simulate_network_search: an active SIM connects with the preferred technology at the signal the
 * surroundings have for it (4G when "4G/5G preferred" finds no 5G); a missing or locked SIM, airplane
 * mode, a broken APN or an inactive line leave no service.
 */
export function networkSearch(handset: Handset): void {
  const { device, surroundings } = handset;
  const signalOf = (technology: NetworkTechnology): SignalStrength => surroundings.signal_strength[technology] ?? 'none';
  const noService = () => {
    device.network_connection_status = 'no_service';
    device.network_technology_connected = 'none';
    device.network_signal_strength = 'none';
  };
  if (simStatus(device) === 'active') {
    device.network_connection_status = 'connected';
    let technology = CONNECTS_TO[device.network_mode_preference] ?? '4G';
    if (technology === '5G' && signalOf('5G') === 'none') technology = '4G';
    device.network_technology_connected = technology;
    device.network_signal_strength = signalOf(technology);
  } else {
    noService();
  }
  if (device.airplane_mode) noService();
  if (device.active_apn_settings.apn_name === 'broken') noService();
  if (!surroundings.line_active) noService();
}

/** tau2's _get_mobile_data_working. */
export function mobileDataWorking(handset: HandsetView): boolean {
  const { device, surroundings } = handset;
  if (device.airplane_mode || device.network_signal_strength === 'none') return false;
  if (device.network_connection_status === 'no_service') return false;
  if (surroundings.is_abroad && (!device.roaming_enabled || !surroundings.roaming_allowed)) return false;
  if (!device.data_enabled) return false;
  if (surroundings.mobile_data_usage_exceeded) return false;
  return true;
}

const SPEED_RANGE: Record<NetworkTechnology, readonly [number, number]> = {
  '2G': [0.1, 0.4],
  '3G': [1.0, 5.0],
  '4G': [10.0, 100.0],
  '5G': [50.0, 500.0],
  none: [0.0, 0.0],
};

const SIGNAL_FACTOR: Record<SignalStrength, number> = { poor: 0.2, fair: 0.5, good: 0.8, excellent: 1.0, none: 0.0 };

/** Speed test descriptions, slowest first. */
export type SpeedDescription = 'Very Poor' | 'Poor' | 'Fair' | 'Good' | 'Excellent';

/** tau2's _run_speed_test: null and "No Connection" without mobile data, else the speed and its description. */
export function speedTest(handset: HandsetView): { speed: number | null; description: SpeedDescription | 'No Connection' } {
  if (!mobileDataWorking(handset)) return { speed: null, description: 'No Connection' };
  const device = handset.device;
  let factor = device.vpn_connected && device.vpn_details && device.vpn_details.server_performance === 'poor' ? 0.1 : 1.0;
  if (device.data_saver_mode) factor *= 0.2;
  const [low, high] = SPEED_RANGE[device.network_technology_connected] ?? [0.0, 0.0];
  // The same operations in the same order as the Python, so the float comes out identical.
  const speed = pythonRound(((low + high) / 2.0) * SIGNAL_FACTOR[device.network_signal_strength] * factor, 2);
  const description: SpeedDescription = speed < 1 ? 'Very Poor' : speed < 5 ? 'Poor' : speed < 25 ? 'Fair' : speed < 100 ? 'Good' : 'Excellent';
  return { speed, description };
}

/** tau2's _can_send_mms: working mobile data, 3G or better, no MMS over Wi-Fi calling, an MMSC URL, and the messaging app's SMS and storage permissions. */
export function canSendMms(handset: HandsetView): boolean {
  const device = handset.device;
  if (!mobileDataWorking(handset)) return false;
  if (device.network_technology_connected === '2G') return false;
  if (device.wifi_calling_enabled && device.wifi_calling_mms_over_wifi) return false;
  if (device.active_apn_settings.mmsc_url === null) return false;
  const messaging = Object.hasOwn(device.app_statuses, 'messaging') ? device.app_statuses.messaging : undefined;
  if (!messaging) return false;
  return messaging.permissions.storage && messaging.permissions.sms;
}

/** tau2's _disconnect_vpn: false when no VPN was connected. */
export function disconnectVpn(handset: Handset): boolean {
  if (!handset.device.vpn_connected) return false;
  handset.device.vpn_connected = false;
  handset.device.vpn_details = null;
  return true;
}

/** tau2's _connect_vpn: null when already connected; else connects with the shared VPN profile. */
export function connectVpn(handset: Handset): true | null {
  if (handset.device.vpn_connected) return null;
  handset.device.vpn_connected = true;
  handset.device.vpn_details = { ...handset.vpnProfile };
  return true;
}

/** tau2's _toggle_airplane_mode: the new state. Turning it on drops Wi-Fi and the VPN; either way the phone searches again. */
export function toggleAirplaneMode(handset: Handset): boolean {
  const device = handset.device;
  const wasOn = device.airplane_mode;
  device.airplane_mode = !wasOn;
  if (wasOn) {
    device.network_connection_status = 'searching';
    if (device.wifi_enabled) dropWifi(device);
  } else {
    dropWifi(device);
    if (device.vpn_connected) disconnectVpn(handset);
  }
  networkSearch(handset);
  return device.airplane_mode;
}

function dropWifi(device: Phone): void {
  device.wifi_connected = false;
  device.wifi_ssid = null;
  device.wifi_signal_strength = 'none';
}

/** tau2's _toggle_data: the new state, after a network search. */
export function toggleData(handset: Handset): boolean {
  handset.device.data_enabled = !handset.device.data_enabled;
  networkSearch(handset);
  return handset.device.data_enabled;
}

/** tau2's _toggle_roaming: the new state, after a network search. */
export function toggleRoaming(handset: Handset): boolean {
  handset.device.roaming_enabled = !handset.device.roaming_enabled;
  networkSearch(handset);
  return handset.device.roaming_enabled;
}

/** tau2's _toggle_data_saver_mode: the new state (no network search). */
export function toggleDataSaver(handset: Handset): boolean {
  handset.device.data_saver_mode = !handset.device.data_saver_mode;
  return handset.device.data_saver_mode;
}

/** tau2's _toggle_wifi: the new state, or null in airplane mode. */
export function toggleWifi(handset: Handset): boolean | null {
  const device = handset.device;
  if (device.airplane_mode) return null;
  device.wifi_enabled = !device.wifi_enabled;
  if (!device.wifi_enabled) dropWifi(device);
  return device.wifi_enabled;
}

/** tau2's _toggle_wifi_calling: the new state. */
export function toggleWifiCalling(handset: Handset): boolean {
  handset.device.wifi_calling_enabled = !handset.device.wifi_calling_enabled;
  return handset.device.wifi_calling_enabled;
}

/** tau2's _reboot_device: resets the APN when a reset is pending, then searches again; the lines it reports. */
export function reboot(handset: Handset): string {
  const lines: string[] = [];
  if (handset.device.active_apn_settings.reset_at_reboot) {
    lines.push('Resetting APN settings...');
    handset.device.active_apn_settings = defaultApnSettings();
  }
  lines.push('Restarting network services...');
  handset.device.network_connection_status = 'searching';
  networkSearch(handset);
  return lines.join('\n');
}
