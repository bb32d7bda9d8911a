/**
 * tau2-bench's telecom data (src/tau2/domains/telecom/data_model.py and user_data_model.py) as zod
 * schemas, fields in the models' order with the models' defaults, so that records print as tau2 prints
 * them. The agent's side (db.toml) is lists of plans, devices, lines, customers and bills; here each list
 * is a table keyed by its id, in the file's order, which is the order tau2's scans see. The user's side
 * (user_db.toml) is one phone and its surroundings: each a table of one record, `main`.
 */
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { BridleError } from '../../src/errors.ts';
import type { DomainFolder } from '../tau2/data-folder.ts';

export const LINE_STATUSES = ['Active', 'Suspended', 'Pending Activation', 'Closed'] as const;
export const BILL_STATUSES = ['Draft', 'Issued', 'Awaiting Payment', 'Paid', 'Overdue', 'Disputed'] as const;
export const SIM_STATUSES = ['active', 'missing', 'locked_pin', 'locked_puk'] as const;
export const NETWORK_TECHNOLOGIES = ['none', '2G', '3G', '4G', '5G'] as const;
export const NETWORK_MODES = ['4g_5g_preferred', '4g_only', '3g_only', '2g_only'] as const;
export const SIGNAL_STRENGTHS = ['none', 'poor', 'fair', 'good', 'excellent'] as const;
export const PERFORMANCE_LEVELS = ['unknown', 'poor', 'fair', 'good', 'excellent'] as const;
export const NETWORK_STATUSES = ['connected', 'searching', 'no_service', 'emergency_only'] as const;
export const APN_NAMES = ['internet', 'broken'] as const;
export const APP_PERMISSIONS = ['sms', 'storage', 'phone', 'network'] as const;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date, YYYY-MM-DD' });
const dateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, { error: 'expected a date and time, YYYY-MM-DDTHH:MM:SS' });

const planSchema = z.strictObject({
  plan_id: z.string(),
  name: z.string(),
  data_limit_gb: z.number(),
  price_per_month: z.number(),
  data_refueling_price_per_gb: z.number(),
});

const deviceSchema = z.strictObject({
  device_id: z.string(),
  device_type: z.enum(['phone', 'router', 'tablet', 'watch', 'other']),
  model: z.string(),
  imei: z.string().nullable().default(null),
  is_esim_capable: z.boolean(),
  activated: z.boolean().default(false),
  activation_date: dateTime.nullable().default(null),
  last_esim_transfer_date: dateTime.nullable().default(null),
});

const lineSchema = z.strictObject({
  line_id: z.string(),
  phone_number: z.string(),
  status: z.enum(LINE_STATUSES).default('Pending Activation'),
  plan_id: z.string(),
  device_id: z.string().nullable().default(null),
  data_used_gb: z.number().default(0),
  data_refueling_gb: z.number().default(0),
  roaming_enabled: z.boolean().default(false),
  contract_end_date: date.nullable().default(null),
  last_plan_change_date: date.nullable().default(null),
  last_sim_replacement_date: date.nullable().default(null),
  suspension_start_date: date.nullable().default(null),
});

const lineItemSchema = z.strictObject({
  description: z.string(),
  amount: z.number(),
  date,
  item_type: z.string(),
});

const billSchema = z.strictObject({
  bill_id: z.string(),
  customer_id: z.string(),
  period_start: date,
  period_end: date,
  issue_date: date,
  total_due: z.number(),
  due_date: date,
  line_items: z.array(lineItemSchema).default([]),
  status: z.enum(BILL_STATUSES).default('Draft'),
});

const customerSchema = z.strictObject({
  customer_id: z.string(),
  full_name: z.string(),
  date_of_birth: z.string(),
  email: z.string(),
  phone_number: z.string(),
  address: z.strictObject({ street: z.string(), city: z.string(), state: z.string(), zip_code: z.string() }),
  account_status: z.enum(['Active', 'Suspended', 'Pending Verification', 'Closed']).default('Pending Verification'),
  payment_methods: z
    .array(z.strictObject({ method_type: z.enum(['Credit Card', 'Debit Card', 'PayPal']), account_number_last_4: z.string(), expiration_date: z.string() }))
    .default([]),
  line_ids: z.array(z.string()).default([]),
  bill_ids: z.array(z.string()).default([]),
  // tau2's default is a date (DEFAULT_START_DATE), though the field is a datetime.
  created_at: z.union([dateTime, date]).default('2025-01-01'),
  last_extension_date: date.nullable().default(null),
  goodwill_credit_used_this_year: z.number().default(0),
});

/** db.toml as tau2's TelecomDB reads it (no other top-level keys). */
const databaseFileSchema = z.strictObject({
  plans: z.array(planSchema).default([]),
  customers: z.array(customerSchema).default([]),
  lines: z.array(lineSchema).default([]),
  bills: z.array(billSchema).default([]),
  devices: z.array(deviceSchema).default([]),
});

const apnSettingsSchema = z.strictObject({
  apn_name: z.enum(APN_NAMES).default('internet'),
  reset_at_reboot: z.boolean().default(false),
  mms_apn: z.string().nullable().default('mms'),
  mmsc_url: z.string().nullable().default('http://mms.carrier.com/mms/wapenc'),
  mms_proxy: z.string().nullable().default(null),
  mms_port: z.number().int().nullable().default(null),
});

const vpnDetailsSchema = z.strictObject({
  server_address: z.string().nullable().default(null),
  protocol: z.string().nullable().default(null),
  server_performance: z.enum(PERFORMANCE_LEVELS).default('unknown'),
});

const permissionsSchema = z.strictObject({
  sms: z.boolean().default(false),
  storage: z.boolean().default(false),
  phone: z.boolean().default(false),
  network: z.boolean().default(false),
});

const appStatusSchema = z.strictObject({ app_name: z.string(), permissions: permissionsSchema.prefault({}) });

const phoneSchema = z.strictObject({
  sim_card_status: z.enum(SIM_STATUSES).default('active'),
  sim_card_missing: z.boolean().default(false),
  airplane_mode: z.boolean().default(false),
  network_signal_strength: z.enum(SIGNAL_STRENGTHS).default('good'),
  network_technology_connected: z.enum(NETWORK_TECHNOLOGIES).default('5G'),
  network_connection_status: z.enum(NETWORK_STATUSES).default('connected'),
  battery_level: z.number().int().default(80),
  data_enabled: z.boolean().default(true),
  roaming_enabled: z.boolean().default(false),
  network_mode_preference: z.enum(NETWORK_MODES).default('4g_5g_preferred'),
  active_apn_settings: apnSettingsSchema.prefault({}),
  wifi_enabled: z.boolean().default(false),
  wifi_connected: z.boolean().default(false),
  wifi_ssid: z.string().nullable().default(null),
  wifi_signal_strength: z.enum(SIGNAL_STRENGTHS).default('none'),
  wifi_calling_enabled: z.boolean().default(false),
  wifi_calling_mms_over_wifi: z.boolean().default(false),
  data_saver_mode: z.boolean().default(false),
  vpn_enabled_setting: z.boolean().default(false),
  vpn_connected: z.boolean().default(false),
  vpn_details: vpnDetailsSchema.nullable().default(null),
  app_statuses: z.record(z.string(), appStatusSchema).default(() => ({
    messaging: { app_name: 'messaging', permissions: { sms: true, storage: true, phone: true, network: false } },
    browser: { app_name: 'browser', permissions: { sms: false, storage: true, phone: false, network: true } },
  })),
});

const surroundingsSchema = z.strictObject({
  name: z.string().nullable().default(null),
  phone_number: z.string().nullable().default(null),
  is_abroad: z.boolean().default(false),
  roaming_allowed: z.boolean().default(false),
  signal_strength: z.partialRecord(z.enum(NETWORK_TECHNOLOGIES), z.enum(SIGNAL_STRENGTHS)).default(() => ({ '2G': 'poor', '3G': 'fair', '4G': 'good', '5G': 'excellent' }) as const),
  mobile_data_usage_exceeded: z.boolean().default(false),
  line_active: z.boolean().default(true),
  payment_request: z.strictObject({ bill_id: z.string(), amount_due: z.number(), paid: z.boolean().default(false) }).nullable().default(null),
});

/** user_db.toml as tau2's TelecomUserDB reads it. */
const userDatabaseFileSchema = z.strictObject({ device: phoneSchema.prefault({}), surroundings: surroundingsSchema.prefault({}) });

export type Plan = z.infer<typeof planSchema>;
export type Device = z.infer<typeof deviceSchema>;
export type Line = z.infer<typeof lineSchema>;
export type Bill = z.infer<typeof billSchema>;
export type LineItem = z.infer<typeof lineItemSchema>;
export type Customer = z.infer<typeof customerSchema>;
export type Phone = z.infer<typeof phoneSchema>;
export type ApnSettings = z.infer<typeof apnSettingsSchema>;
export type VpnDetails = z.infer<typeof vpnDetailsSchema>;
export type AppPermissions = z.infer<typeof permissionsSchema>;
export type Surroundings = z.infer<typeof surroundingsSchema>;
export type LineStatus = (typeof LINE_STATUSES)[number];
export type SignalStrength = (typeof SIGNAL_STRENGTHS)[number];
export type NetworkTechnology = (typeof NETWORK_TECHNOLOGIES)[number];
export type NetworkMode = (typeof NETWORK_MODES)[number];

/** The agent's database: tau2's lists as tables keyed by id, in the file's order. */
export interface TelecomDatabase {
  [table: string]: Record<string, unknown>;
  plans: Record<string, Plan>;
  customers: Record<string, Customer>;
  lines: Record<string, Line>;
  bills: Record<string, Bill>;
  devices: Record<string, Device>;
}

/**
 * The user's side: the phone, its surroundings, and the VPN profile tau2 connects to. tau2 keeps that
 * profile as one object shared by every connection (TelecomUserTools.default_vpn_details), which
 * break_vpn degrades in place; so it is state here too.
 */
export interface TelecomUserDatabase {
  [table: string]: Record<string, unknown>;
  /** The phone, under the key "main". */
  device: Record<string, Phone>;
  /** Where the phone is, under the key "main". */
  surroundings: Record<string, Surroundings>;
  /** The shared VPN profile, under the key "default". */
  vpn_profile: Record<string, VpnDetails>;
}

/** The VPN profile connect_vpn uses, before break_vpn degrades it. */
export const DEFAULT_VPN: VpnDetails = { server_address: '192.168.1.1', protocol: 'OpenVPN', server_performance: 'excellent' };

/** A fresh APN configuration (tau2's APNSettings()). */
export function defaultApnSettings(): ApnSettings {
  return apnSettingsSchema.parse({});
}

function readToml<Schema extends z.ZodType>(folder: DomainFolder, file: string, schema: Schema, what: string): z.infer<Schema> {
  const path = `${folder.folder}/${file}`;
  let value: unknown;
  try {
    value = parseToml(folder.text(file));
  } catch (error) {
    throw new BridleError('INVALID_ARGUMENT', `${path} is not valid TOML: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new BridleError('INVALID_ARGUMENT', `${path} does not look like tau2-bench's ${what}: ${issues.join('; ')}`);
  }
  return parsed.data;
}

function keyed<Item>(path: string, table: string, items: readonly Item[], idOf: (item: Item) => string): Record<string, Item> {
  const records: Record<string, Item> = {};
  for (const item of items) {
    const id = idOf(item);
    if (Object.hasOwn(records, id)) throw new BridleError('INVALID_ARGUMENT', `${path} has two ${table} with the id ${id}`);
    records[id] = item;
  }
  return records;
}

/** Read db.toml into tables keyed by id. */
export function loadTelecomDatabase(folder: DomainFolder): TelecomDatabase {
  const file = readToml(folder, 'db.toml', databaseFileSchema, 'telecom database');
  const path = `${folder.folder}/db.toml`;
  return {
    plans: keyed(path, 'plans', file.plans, (plan) => plan.plan_id),
    customers: keyed(path, 'customers', file.customers, (customer) => customer.customer_id),
    lines: keyed(path, 'lines', file.lines, (line) => line.line_id),
    bills: keyed(path, 'bills', file.bills, (bill) => bill.bill_id),
    devices: keyed(path, 'devices', file.devices, (device) => device.device_id),
  };
}

/** Read user_db.toml: the phone and its surroundings, with tau2's defaults for what the file leaves out. */
export function loadTelecomUserDatabase(folder: DomainFolder): TelecomUserDatabase {
  const file = readToml(folder, 'user_db.toml', userDatabaseFileSchema, 'telecom user database');
  return { device: { main: file.device }, surroundings: { main: file.surroundings }, vpn_profile: { default: { ...DEFAULT_VPN } } };
}
