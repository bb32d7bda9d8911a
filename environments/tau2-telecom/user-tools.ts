/**
 * The customer's phone as tools (src/tau2/domains/telecom/user_tools.py): what the user simulator can do
 * in tau2's conversation, and what the agent operates itself in ticket form (tau2's solo mode). Texts are
 * tau2's, status bar included; a device setting the tool cannot take is answered the way tau2 answers it
 * (often as a normal reply, not an error).
 */
import { defineTool, param, type ToolDefinition, type ToolSpec } from '../../src/toolkit/tools.ts';
import type { Frozen } from '../tau2/store.ts';
import { validateModel, type FieldRule } from '../tau2/pydantic.ts';
import { pythonFloatRepr, pythonRepr } from '../tau2/python.ts';
import type { TelecomState } from './account.ts';
import { APN_NAMES, APP_PERMISSIONS, NETWORK_MODES, defaultApnSettings, type ApnSettings, type NetworkMode, type VpnDetails } from './database.ts';
import {
  canSendMms,
  connectVpn,
  disconnectVpn,
  networkSearch,
  reboot,
  simStatus,
  speedTest,
  statusBar,
  toggleAirplaneMode,
  toggleData,
  toggleDataSaver,
  toggleRoaming,
  toggleWifi,
  toggleWifiCalling,
  type Handset,
  type HandsetView,
} from './phone.ts';

/** The phone, to change (the first change of an episode copies it out of the shared base). */
export function handsetOf(state: TelecomState): Handset {
  const side = state.userDb!;
  return { device: side.edit('device', 'main')!, surroundings: side.edit('surroundings', 'main')!, vpnProfile: side.edit('vpn_profile', 'default')! };
}

/** The phone, to read. */
export function handsetView(state: TelecomState): HandsetView {
  const side = state.userDb!;
  return { device: side.get('device', 'main')!, surroundings: side.get('surroundings', 'main')!, vpnProfile: side.get('vpn_profile', 'default')! };
}

const withStatusBar = (text: string, handset: HandsetView) => `${text}\nStatus Bar: ${statusBar(handset.device)}`;
const onOff = (on: boolean) => (on ? 'ON' : 'OFF');
const yesNo = (yes: boolean) => (yes ? 'Yes' : 'No');

/** tau2 calls the tool with the arguments as given; the tool answers odd values itself. */
const phoneTool = (spec: ToolSpec<TelecomState>) => defineTool<TelecomState>({ ...spec, validation: { values: false } });

/** A tool that reads the phone. */
const readTool = (name: string, description: string, read: (handset: HandsetView) => string) => phoneTool({ name, description, readOnly: true, run: (state) => read(handsetView(state)) });

/** A tool that changes the phone. */
const writeTool = (name: string, description: string, write: (handset: Handset) => string) => phoneTool({ name, description, readOnly: false, run: (state) => write(handsetOf(state)) });

const SPEED_ADVICE: Record<string, string> = {
  'Very Poor': 'Connection is very slow. Basic web browsing might be difficult.',
  Poor: 'Connection is slow. Web browsing may be sluggish, streaming difficult.',
  Fair: 'Connection is okay for web browsing and some standard definition streaming.',
  Good: 'Connection is good for most activities, including HD streaming.',
  Excellent: 'Connection is very fast.',
};

const SIM_MESSAGES = {
  active: 'Your SIM card is active and working.',
  missing: 'No SIM card detected in the phone.',
  locked_pin: 'The SIM card is locked with a PIN code.',
  locked_puk: 'The SIM card is locked with a PUK code.',
} as const;

/** APNSettings' fields, as pydantic checks them. */
const APN_FIELDS: readonly FieldRule[] = [
  { name: 'apn_name', type: { enum: APN_NAMES }, optional: true },
  { name: 'reset_at_reboot', type: 'bool', optional: true },
  { name: 'mms_apn', type: 'str', optional: true, nullable: true },
  { name: 'mmsc_url', type: 'str', optional: true, nullable: true },
  { name: 'mms_proxy', type: 'str', optional: true, nullable: true },
  { name: 'mms_port', type: 'int', optional: true, nullable: true },
];

/** Python's repr of a VPN's model dump, as check_vpn_status prints it (the enum member shows as such). */
function vpnRepr(details: Frozen<VpnDetails>): string {
  const performance = `<PerformanceLevel.${details.server_performance.toUpperCase()}: '${details.server_performance}'>`;
  return `{'server_address': ${pythonRepr(details.server_address)}, 'protocol': ${pythonRepr(details.protocol)}, 'server_performance': ${performance}}`;
}

function grantedPermissions(permissions: Frozen<Record<string, boolean>>): string[] {
  return Object.entries(permissions)
    .filter(([, allowed]) => allowed)
    .map(([name]) => name.replaceAll('_', ' ').toLowerCase());
}

/** Runs an app tool on the named app's granted permissions, or answers as tau2 does when it is not installed. */
function withApp(state: TelecomState, args: Record<string, unknown>, answer: (name: string, granted: string[]) => string): string {
  const name = String(args.app_name);
  const app = appOf(handsetView(state), name);
  return app ? answer(name, grantedPermissions(app.permissions)) : `App '${name}' not found on this phone.`;
}

export const TELECOM_USER_TOOLS: readonly ToolDefinition<TelecomState>[] = [
  readTool(
    'check_status_bar',
    "Shows what icons are currently visible in your phone's status bar (the area at the top of the screen): network signal strength, mobile data status (enabled, disabled, data saver), Wi-Fi status, and battery level.",
    (handset) => `Status Bar: ${statusBar(handset.device)}`,
  ),
  readTool(
    'check_network_status',
    "Checks your phone's connection status to cellular networks and Wi-Fi: airplane mode, signal strength, network type, whether mobile data is enabled, and whether data roaming is enabled.",
    ({ device }) => {
      const lines = [
        `Airplane Mode: ${onOff(device.airplane_mode)}`,
        `SIM Card Status: ${simStatus(device)}`,
        `Cellular Connection: ${device.network_connection_status}`,
        `Cellular Signal: ${device.network_signal_strength}`,
        `Cellular Network Type: ${device.network_technology_connected}`,
        `Mobile Data Enabled: ${yesNo(device.data_enabled)}`,
        `Data Roaming Enabled: ${yesNo(device.roaming_enabled)}`,
        `Wi-Fi Radio: ${onOff(device.wifi_enabled)}`,
        `Wi-Fi Connected: ${yesNo(device.wifi_connected)}`,
      ];
      if (device.wifi_connected) lines.push(`Connected Wi-Fi Network: ${device.wifi_ssid ?? 'None'}`);
      return lines.join('\n');
    },
  ),
  readTool('check_network_mode_preference', 'Shows the current network mode preference.', ({ device }) => `Network Mode Preference: ${device.network_mode_preference}`),
  phoneTool({
    name: 'set_network_mode_preference',
    readOnly: false,
    description: 'Changes the type of cellular network your phone prefers to connect to (e.g., 5G, LTE/4G, 3G). Higher-speed networks (LTE/5G) provide faster data but may use more battery.',
    parameters: { mode: param.string({ enum: [...NETWORK_MODES], description: "The preferred network mode: '4g_5g_preferred', '4g_only', '3g_only' or '2g_only'." }) },
    run: (state, args) => {
      const handset = handsetOf(state);
      const mode = String(args.mode);
      if (!(NETWORK_MODES as readonly string[]).includes(mode)) {
        return withStatusBar(`Failed to set network mode: '${mode}' is not a valid option. Please use one of: ${NETWORK_MODES.join(', ')}`, handset);
      }
      handset.device.network_mode_preference = mode as NetworkMode;
      networkSearch(handset);
      return withStatusBar(`Preferred Network Mode set to: ${mode}`, handset);
    },
  }),
  readTool(
    'run_speed_test',
    'Measures your current internet connection speed (download speed), with what the connection is good for.',
    (handset) => {
      const { speed, description } = speedTest(handset);
      if (speed === null) return `Speed test failed: ${description}.`;
      return `Speed Test Result: ${speed.toFixed(2)} Mbps (${description}). ${SPEED_ADVICE[description] ?? ''}`;
    },
  ),
  writeTool(
    'toggle_airplane_mode',
    'Toggles Airplane Mode ON or OFF. When ON, it disconnects all wireless communications including cellular, Wi-Fi, and Bluetooth. Returns the new state.',
    (handset) => withStatusBar(`Airplane Mode is now ${onOff(toggleAirplaneMode(handset))}.`, handset),
  ),
  readTool(
    'check_sim_status',
    'Checks if your SIM card is working correctly and shows its current status: active, missing, or locked with a PIN or PUK code.',
    ({ device }) => SIM_MESSAGES[simStatus(device)],
  ),
  writeTool('reseat_sim_card', 'Simulates removing and reinserting your SIM card. This can help resolve recognition issues.', (handset) => {
    handset.device.sim_card_missing = false;
    networkSearch(handset);
    return withStatusBar('SIM card re-seated successfully.', handset);
  }),
  writeTool(
    'toggle_data',
    "Toggles your phone's mobile data ON or OFF: whether your phone can use cellular data for internet access when Wi-Fi is unavailable. Returns the new state.",
    (handset) => withStatusBar(`Mobile Data is now ${onOff(toggleData(handset))}.`, handset),
  ),
  writeTool(
    'toggle_roaming',
    "Toggles Data Roaming ON or OFF. When ON, your phone can use data networks in areas outside your carrier's coverage. Returns the new state.",
    (handset) => withStatusBar(`Data Roaming is now ${onOff(toggleRoaming(handset))}.`, handset),
  ),
  readTool('check_data_restriction_status', 'Checks if your phone has any data-limiting features active: whether Data Saver mode is on.', ({ device }) =>
    device.data_saver_mode ? 'Data Saver mode is ON (limits data usage).' : 'Data Saver mode is OFF.',
  ),
  writeTool(
    'toggle_data_saver_mode',
    'Toggles Data Saver mode ON or OFF. When ON, it reduces data usage, which may affect data speed. Returns the new state.',
    (handset) => withStatusBar(`Data Saver Mode is now ${onOff(toggleDataSaver(handset))}.`, handset),
  ),
  readTool(
    'check_apn_settings',
    "Checks the technical APN settings your phone uses to connect to your carrier's mobile data network: the APN name and the MMSC URL for picture messaging.",
    ({ device }) => {
      const settings = device.active_apn_settings;
      return `Current APN Name: ${settings.apn_name || 'Not Set'}\nMMSC URL (for picture messages): ${settings.mmsc_url || 'Not Set'}\n(These are technical settings, usually best left unchanged.)`;
    },
  ),
  phoneTool({
    name: 'set_apn_settings',
    readOnly: false,
    description: 'Sets the APN settings for the phone.',
    parameters: {
      apn_settings: param.object({
        description: "The APN settings; fields left out take their defaults, e.g. {'apn_name': 'internet', 'mmsc_url': 'http://mms.carrier.com/mms/wapenc'}.",
        properties: {
          apn_name: param.string({ enum: [...APN_NAMES], description: "The APN: 'internet'." }),
          reset_at_reboot: param.boolean({ description: 'Whether the settings reset at the next reboot.' }),
          mms_apn: param.string({ description: "The APN for MMS, e.g. 'mms'." }),
          mmsc_url: param.string({ description: "The MMS center's URL, e.g. 'http://mms.carrier.com/mms/wapenc'." }),
          mms_proxy: param.string({ description: 'The MMS proxy, if the network needs one.' }),
          mms_port: param.integer({ description: 'The MMS proxy port, if the network needs one.' }),
        },
        required: [],
      }),
    },
    run: (state, args) => {
      const fields = validateModel('APNSettings', args.apn_settings as Record<string, unknown>, APN_FIELDS, { forbidExtra: true });
      const settings = { ...defaultApnSettings(), ...fields } as ApnSettings;
      const handset = handsetOf(state);
      handset.device.active_apn_settings = settings;
      networkSearch(handset);
      return withStatusBar(`APN settings set to: ${settings.apn_name}`, handset);
    },
  }),
  writeTool('reset_apn_settings', 'Resets your APN settings to the default settings (applied at the next reboot).', (handset) => {
    handset.device.active_apn_settings.reset_at_reboot = true;
    networkSearch(handset);
    return withStatusBar('APN settings will reset at reboot.', handset);
  }),
  readTool(
    'check_wifi_status',
    "Checks your Wi-Fi connection status: whether Wi-Fi is on, which network you're connected to (if any), and the signal strength.",
    ({ device }) => {
      if (!device.wifi_enabled) return 'Wi-Fi is turned OFF.';
      if (device.wifi_connected) return `Wi-Fi is ON and connected to '${device.wifi_ssid ?? 'None'}'. Signal strength: ${device.wifi_signal_strength}.`;
      return 'Wi-Fi is ON but not connected to any network.';
    },
  ),
  writeTool(
    'toggle_wifi',
    "Toggles your phone's Wi-Fi radio ON or OFF: whether your phone can discover and connect to wireless networks for internet access. Returns the new state.",
    (handset) => {
      const on = toggleWifi(handset);
      if (on === null) return withStatusBar('Cannot change Wi-Fi settings while Airplane Mode is ON.', handset);
      return withStatusBar(`Wi-Fi is now ${onOff(on)}.`, handset);
    },
  ),
  readTool(
    'check_wifi_calling_status',
    'Checks if Wi-Fi Calling is enabled on your device. This feature allows you to make and receive calls over a Wi-Fi network instead of using the cellular network.',
    ({ device }) => `Wi-Fi Calling is currently turned ${onOff(device.wifi_calling_enabled)}.`,
  ),
  writeTool(
    'toggle_wifi_calling',
    'Toggles Wi-Fi Calling ON or OFF: making and receiving calls over Wi-Fi instead of the cellular network, which can help where the cellular signal is weak. Returns the new state.',
    (handset) => withStatusBar(`Wi-Fi Calling is now ${onOff(toggleWifiCalling(handset))}.`, handset),
  ),
  readTool(
    'check_vpn_status',
    "Checks if you're using a VPN (Virtual Private Network) connection: whether a VPN is on and connected, with its connection details.",
    ({ device }) => {
      if (device.vpn_connected) return device.vpn_details ? `VPN is ON and connected. Details: ${vpnRepr(device.vpn_details)}` : 'VPN is ON and connected (no specific details available).';
      return device.vpn_enabled_setting ? 'VPN is turned ON in settings, but currently not connected.' : 'VPN is turned OFF.';
    },
  ),
  writeTool('connect_vpn', 'Connects to your VPN (Virtual Private Network).', (handset) => (connectVpn(handset) === null ? 'VPN already connected.' : withStatusBar('VPN connected successfully.', handset))),
  writeTool(
    'disconnect_vpn',
    'Disconnects any active VPN (Virtual Private Network) connection, which stops routing your internet traffic through a VPN server (this can affect connection speed or access to content).',
    (handset) => withStatusBar(disconnectVpn(handset) ? 'VPN disconnected successfully.' : 'No active VPN connection to disconnect.', handset),
  ),
  readTool('check_installed_apps', 'Returns the name of all installed apps on the phone.', ({ device }) => `The following apps are installed on the phone: ${Object.keys(device.app_statuses).join(', ')}`),
  phoneTool({
    name: 'check_app_status',
    readOnly: true,
    description: 'Checks detailed information about a specific app: its permissions.',
    parameters: { app_name: param.string({ description: "The app's name, e.g. 'messaging'." }) },
    run: (state, args) =>
      withApp(state, args, (name, granted) => {
        const lines = [`Status for App: ${name}`];
        if (granted.length === 0) lines.push(' - Permissions: None granted.');
        else lines.push(' - Permissions Granted:', ...granted.map((permission) => `   - ${permission}`));
        return lines.join('\n');
      }),
  }),
  phoneTool({
    name: 'check_app_permissions',
    readOnly: true,
    description: 'Checks what permissions a specific app currently has (access to features such as SMS, storage, phone or network).',
    parameters: { app_name: param.string({ description: "The app's name, e.g. 'messaging'." }) },
    run: (state, args) =>
      withApp(state, args, (name, granted) =>
        granted.length === 0 ? `App '${name}' currently has no permissions granted.` : `App '${name}' has permission for: ${granted.join(', ')}.`),
  }),
  phoneTool({
    name: 'grant_app_permission',
    readOnly: false,
    description: 'Gives a specific permission to an app (like access to storage or SMS). Some app functions need it to work properly.',
    parameters: {
      app_name: param.string({ description: "The app to grant the permission to, e.g. 'messaging'." }),
      permission: param.string({ enum: [...APP_PERMISSIONS], description: "The permission to grant, in lower case: 'sms', 'storage', 'phone' or 'network'." }),
    },
    run: (state, args) => {
      const handset = handsetOf(state);
      const name = String(args.app_name);
      const permission = String(args.permission).toLowerCase();
      const app = Object.hasOwn(handset.device.app_statuses, name) ? handset.device.app_statuses[name] : undefined;
      let message: string;
      if (!app) message = `Error. App '${name}' not found. Cannot grant permission.`;
      else if (!Object.hasOwn(app.permissions, permission)) message = `Error. Permission '${permission}' not tracked for app '${name}', available permissions: ${pythonRepr(Object.keys(app.permissions))}`;
      else {
        app.permissions[permission as keyof typeof app.permissions] = true;
        message = `Success. Permission '${permission}' granted to app '${name}'.`;
      }
      return withStatusBar(message, handset);
    },
  }),
  readTool('can_send_mms', 'Checks if the default messaging app can send MMS messages.', (handset) =>
    canSendMms(handset) ? 'Your messaging app can send MMS messages.' : 'Your messaging app cannot send MMS messages.',
  ),
  writeTool(
    'reboot_device',
    'Restarts your phone completely. This can help resolve many temporary software glitches by refreshing all running services and connections.',
    (handset) => withStatusBar(reboot(handset), handset),
  ),
  readTool('check_payment_request', 'Checks if the agent has sent you a payment request.', ({ surroundings }) => {
    const request = surroundings.payment_request;
    return request === null ? 'No payment request has been made.' : `You have a payment request for bill ${request.bill_id} of ${pythonFloatRepr(request.amount_due)} USD.`;
  }),
  phoneTool({
    name: 'make_payment',
    readOnly: false,
    description: 'Makes a payment for the bill that the agent has sent you.',
    run: (state) => {
      if (handsetView(state).surroundings.payment_request === null) return 'You do not have a payment request.';
      const request = handsetOf(state).surroundings.payment_request!;
      request.paid = true;
      return `Payment of ${pythonFloatRepr(request.amount_due)} USD has been made for bill ${request.bill_id}.`;
    },
  }),
];

function appOf(handset: HandsetView, name: string) {
  return Object.hasOwn(handset.device.app_statuses, name) ? handset.device.app_statuses[name] : undefined;
}
