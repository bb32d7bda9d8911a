/**
 * The agent's tools of tau2-bench's telecom desk (src/tau2/domains/telecom/tools.py): the same names,
 * arguments, checks in the same order, error texts and changes. Output is what tau2's environment sends
 * the agent (Environment.to_json_str): a record as its model dump in JSON (dates as Python prints them,
 * float fields as floats), and in a dict every number as Python's str() of it.
 */
import { defineTool, param, refuse, type ToolDefinition, type ToolSpec } from '../../src/toolkit/tools.ts';
import type { JsonObject } from '../../src/harness/api.ts';
import type { Frozen } from '../tau2/store.ts';
import { pythonFloatRepr, pythonJson, pythonRound } from '../tau2/python.ts';
import { transferSpec } from '../tau2/shared-tools.ts';
import {
  addDays,
  applyOneTimeCharge,
  billById,
  billsAwaitingPayment,
  customerById,
  customerByPhone,
  editTargetLine,
  firstOfNextMonth,
  lineById,
  planById,
  targetLine,
  TODAY,
  type TelecomState,
} from './account.ts';

const FLOAT_FIELDS = new Set(['data_limit_gb', 'price_per_month', 'data_refueling_price_per_gb', 'data_used_gb', 'data_refueling_gb', 'amount', 'total_due', 'goodwill_credit_used_this_year', 'amount_due']);
const DATE_TIME_FIELDS = new Set(['created_at', 'activation_date', 'last_esim_transfer_date']);

/** A record as tau2 prints its model dump: datetimes as str(datetime) ("2025-01-15 10:30:00"). */
function dump(record: Frozen<object>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(record)) {
    out[key] = DATE_TIME_FIELDS.has(key) && typeof value === 'string' ? value.replace('T', ' ') : (value as JsonObject[string]);
  }
  return out;
}

/** tau2's json.dumps of model dumps (float fields written as floats). */
export function telecomJson(value: unknown): string {
  return pythonJson(value, (path) => FLOAT_FIELDS.has(String(path.at(-1))));
}

const ID = {
  customer: '^C\\d{4}$',
  line: '^L\\d{4}$',
  bill: '^B[0-9A-Za-z]+$',
  phone: '^\\d{3}-\\d{3}-\\d{4}$',
  date: '^\\d{4}-\\d{2}-\\d{2}$',
  any: '^[CLDBP][0-9A-Za-z]+$',
} as const;

const customerId = param.string({ pattern: ID.customer, description: "The customer's id, e.g. 'C1001'." });
const lineId = param.string({ pattern: ID.line, description: "The line's id, e.g. 'L1002'." });

/** tau2 calls the tool with the arguments as given: the tool judges values (a malformed id is "not found"). */
const telecomTool = (spec: ToolSpec<TelecomState>) => defineTool<TelecomState>({ ...spec, validation: { values: false } });

export const TELECOM_TOOLS: readonly ToolDefinition<TelecomState>[] = [
  telecomTool({
    name: 'get_customer_by_phone',
    readOnly: true,
    description: "Find a customer by their contact phone number or the phone number of one of their lines. Returns the customer's profile.",
    parameters: { phone_number: param.string({ pattern: ID.phone, description: "The phone number, e.g. '555-123-2002'." }) },
    run: (state, args) => telecomJson(dump(customerByPhone(state, String(args.phone_number)))),
  }),
  telecomTool({
    name: 'get_customer_by_id',
    readOnly: true,
    description: "Get a customer by their customer id. Returns the customer's profile.",
    parameters: { customer_id: customerId },
    run: (state, args) => telecomJson(dump(customerById(state, String(args.customer_id)))),
  }),
  telecomTool({
    name: 'get_customer_by_name',
    readOnly: true,
    description: 'Search customers by full name and date of birth (the date of birth tells similar names apart). Returns the list of matching customers, possibly empty.',
    parameters: {
      full_name: param.string({ description: "The customer's full name, e.g. 'John Smith' (any case)." }),
      dob: param.string({ pattern: ID.date, description: "The date of birth, YYYY-MM-DD, e.g. '1985-06-15'." }),
    },
    run: (state, args) => {
      const name = String(args.full_name).toLowerCase();
      return telecomJson(state.db.values('customers').filter((customer) => customer.full_name.toLowerCase() === name && customer.date_of_birth === args.dob).map(dump));
    },
  }),
  telecomTool({
    name: 'get_details_by_id',
    readOnly: true,
    description: "Get the details of a customer, line, device, bill or plan by its id (the first letter says which: 'C1001', 'L1002', 'D1002', 'B1002', 'P1002').",
    parameters: { id: param.string({ pattern: ID.any, description: "The id, e.g. 'L1002'." }) },
    run: (state, args) => {
      const id = String(args.id);
      if (id.startsWith('L')) return telecomJson(dump(lineById(state, id)));
      if (id.startsWith('D')) return telecomJson(dump(state.db.get('devices', id) ?? refuse(`Device with ID ${id} not found`)));
      if (id.startsWith('B')) return telecomJson(dump(billById(state, id)));
      if (id.startsWith('C')) return telecomJson(dump(customerById(state, id)));
      if (id.startsWith('P')) return telecomJson(dump(planById(state, id)));
      return refuse(`Unknown ID format or type: ${id}`);
    },
  }),
  telecomTool({
    name: 'suspend_line',
    readOnly: false,
    description: "Suspend a customer's active line (at most 6 months; a $5/month holding fee applies). The line must be Active. Returns the updated line.",
    parameters: { customer_id: customerId, line_id: lineId, reason: param.string({ description: "Why the line is suspended, e.g. 'customer travelling'." }) },
    run: (state, args) => {
      const line = editTargetLine(state, String(args.customer_id), String(args.line_id));
      if (line.status !== 'Active') refuse('Line must be active to suspend');
      line.status = 'Suspended';
      line.suspension_start_date = TODAY;
      return telecomJson({ message: 'Line suspended successfully. $5/month holding fee will apply.', line: dump(line) });
    },
  }),
  telecomTool({
    name: 'resume_line',
    readOnly: false,
    description: "Resume a customer's suspended (or pending activation) line. Returns the updated line.",
    parameters: { customer_id: customerId, line_id: lineId },
    run: (state, args) => {
      const line = editTargetLine(state, String(args.customer_id), String(args.line_id));
      if (line.status !== 'Suspended' && line.status !== 'Pending Activation') refuse('Line must be suspended to resume');
      line.status = 'Active';
      line.suspension_start_date = null;
      return telecomJson({ message: 'Line resumed successfully', line: dump(line) });
    },
  }),
  telecomTool({
    name: 'get_bills_for_customer',
    readOnly: true,
    description: "List a customer's bills, most recently issued first.",
    parameters: { customer_id: customerId, limit: param.integer({ description: 'The most bills to return (default 12).' }) },
    required: ['customer_id'],
    run: (state, args) => {
      const customer = customerById(state, String(args.customer_id));
      const bills = customer.bill_ids.map((id) => billById(state, id));
      // Python's sorted(..., reverse=True) is stable: bills issued the same day keep their order.
      const sorted = bills.map((bill, index) => ({ bill, index })).sort((left, right) => (left.bill.issue_date === right.bill.issue_date ? left.index - right.index : left.bill.issue_date < right.bill.issue_date ? 1 : -1));
      const limit = args.limit === undefined ? 12 : Number(args.limit);
      return telecomJson(sorted.slice(0, limit < 0 ? Math.max(0, sorted.length + limit) : limit).map((entry) => dump(entry.bill)));
    },
  }),
  telecomTool({
    name: 'send_payment_request',
    readOnly: false,
    description: "Send the customer a payment request for one of their bills: the bill becomes 'Awaiting Payment'. Only one bill may await payment at a time. It does not check whether the bill is already paid: check the bill's status first.",
    parameters: { customer_id: customerId, bill_id: param.string({ pattern: ID.bill, description: "The bill's id, e.g. 'B1002'." }) },
    run: (state, args) => {
      const customer = customerById(state, String(args.customer_id));
      if (billsAwaitingPayment(state, customer).length !== 0) refuse('A bill is already awaiting payment for this customer');
      const billId = String(args.bill_id);
      if (!customer.bill_ids.includes(billId)) refuse(`Bill ${billId} not found for customer ${customer.customer_id}`);
      billById(state, billId);
      state.db.edit('bills', billId)!.status = 'Awaiting Payment';
      return `Payment request sent to the customer for bill ${billId}`;
    },
  }),
  telecomTool({
    name: 'get_data_usage',
    readOnly: true,
    description: "A line's data usage in the current billing cycle: data used, the plan's data limit, data refueled, and the cycle's end date.",
    parameters: { customer_id: customerId, line_id: lineId },
    run: (state, args) => {
      const line = targetLine(state, String(args.customer_id), String(args.line_id));
      const plan = planById(state, line.plan_id);
      return telecomJson({
        line_id: String(args.line_id),
        data_used_gb: pythonFloatRepr(line.data_used_gb),
        data_limit_gb: pythonFloatRepr(plan.data_limit_gb),
        data_refueling_gb: pythonFloatRepr(line.data_refueling_gb),
        cycle_end_date: addDays(firstOfNextMonth(TODAY), -1),
      });
    },
  }),
  telecomTool({
    name: 'enable_roaming',
    readOnly: false,
    description: 'Enable international roaming on a line.',
    parameters: { customer_id: customerId, line_id: lineId },
    run: (state, args) => {
      const line = editTargetLine(state, String(args.customer_id), String(args.line_id));
      if (line.roaming_enabled) return 'Roaming was already enabled';
      line.roaming_enabled = true;
      return 'Roaming enabled successfully';
    },
  }),
  telecomTool({
    name: 'disable_roaming',
    readOnly: false,
    description: 'Disable international roaming on a line.',
    parameters: { customer_id: customerId, line_id: lineId },
    run: (state, args) => {
      const line = editTargetLine(state, String(args.customer_id), String(args.line_id));
      if (!line.roaming_enabled) return 'Roaming was already disabled';
      line.roaming_enabled = false;
      return 'Roaming disabled successfully';
    },
  }),
  telecomTool(transferSpec("Transfer the customer to a human agent, with a summary of their issue. Transfer only if the customer explicitly asks for a human agent, or if the policy and the tools you have cannot solve the customer's issue.")),
  telecomTool({
    name: 'refuel_data',
    readOnly: false,
    description: "Add data to a line for the current cycle ('refuel'), charged on the customer's bill at the plan's price per GB. Returns the new refueled amount and the charge.",
    parameters: { customer_id: customerId, line_id: lineId, gb_amount: param.number({ description: 'The data to add, in GB, e.g. 2.0.' }) },
    run: (state, args) => {
      const customerIdValue = String(args.customer_id);
      const line = editTargetLine(state, customerIdValue, String(args.line_id));
      const amount = Number(args.gb_amount);
      if (amount <= 0) refuse('Refuel amount must be positive');
      const plan = planById(state, line.plan_id);
      const charge = amount * plan.data_refueling_price_per_gb;
      line.data_refueling_gb += amount;
      // gb_amount is a float in tau2's signature and in its gold actions: it prints as one ("2.0").
      applyOneTimeCharge(state, customerIdValue, charge, `Data refueling: ${pythonFloatRepr(amount)} GB at $${pythonFloatRepr(plan.data_refueling_price_per_gb)}/GB`);
      return telecomJson({
        message: `Successfully added ${pythonFloatRepr(amount)} GB of data for line ${String(args.line_id)} for $${pythonFixed(charge, 2)}`,
        new_data_refueling_gb: pythonFloatRepr(line.data_refueling_gb),
        charge: pythonFloatRepr(charge),
      });
    },
  }),
];

/** Python's `f"{value:.{digits}f}"`: the exact binary value rounded half to even. */
export function pythonFixed(value: number, digits: number): string {
  return pythonRound(value, digits).toFixed(digits);
}
