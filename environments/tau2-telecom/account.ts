/**
 * The carrier's side of tau2-bench's telecom world (src/tau2/domains/telecom/tools.py): looking records up
 * the way the Python does (a scan in the file's order, with its error texts), the fixed clock, and the
 * record changes shared by the agent's tools, the task set-up functions and tau2's sync.
 */
import { hashOf } from '../../src/toolkit/canonical.ts';
import { refuse } from '../../src/toolkit/tools.ts';
import type { Frozen } from '../tau2/store.ts';
import type { Tau2State } from '../tau2/world.ts';
import type { Bill, Customer, Line, Plan, TelecomDatabase, TelecomUserDatabase } from './database.ts';

/** A telecom episode's world: the carrier's records and the customer's phone. */
export type TelecomState = Tau2State<TelecomDatabase, TelecomUserDatabase>;

/** tau2's get_today(): the telecom world's fixed date. */
export const TODAY = '2025-02-25';

/** Days added to an ISO date (YYYY-MM-DD), in the calendar. */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

/** The first day of the month of an ISO date (Python's `day.replace(day=1)`). */
export function firstOfMonth(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/** The first day of the month after `day`'s (Python's `date(year, month + 1, 1)`, December rolling over). */
export function firstOfNextMonth(day: string): string {
  return firstOfMonth(addDays(firstOfMonth(day), 32));
}

export function customerById(state: TelecomState, id: string): Frozen<Customer> {
  return state.db.get('customers', id) ?? refuse(`Customer with ID ${id} not found`);
}

export function lineById(state: TelecomState, id: string): Frozen<Line> {
  return state.db.get('lines', id) ?? refuse(`Line with ID ${id} not found`);
}

export function planById(state: TelecomState, id: string): Frozen<Plan> {
  return state.db.get('plans', id) ?? refuse(`Plan with ID ${id} not found`);
}

export function billById(state: TelecomState, id: string): Frozen<Bill> {
  return state.db.get('bills', id) ?? refuse(`Bill with ID ${id} not found`);
}

/** tau2's _get_line_by_phone: the first line with this number. */
export function lineByPhone(state: TelecomState, phone: string): Frozen<Line> {
  return state.db.values('lines').find((line) => line.phone_number === phone) ?? refuse(`Line with phone number ${phone} not found`);
}

/** tau2's get_customer_by_phone: the first customer whose contact number, or one of whose lines, has this number. */
export function customerByPhone(state: TelecomState, phone: string): Frozen<Customer> {
  for (const customer of state.db.values('customers')) {
    if (customer.phone_number === phone) return customer;
    for (const lineId of customer.line_ids) if (lineById(state, lineId).phone_number === phone) return customer;
  }
  return refuse(`Customer with phone number ${phone} not found`);
}

/** tau2's _get_target_line: a line of this customer's. */
export function targetLine(state: TelecomState, customerId: string, lineId: string): Frozen<Line> {
  const customer = customerById(state, customerId);
  if (!customer.line_ids.includes(lineId)) refuse(`Line ${lineId} not found for customer ${customerId}`);
  return lineById(state, lineId);
}

/** The same line, to change. */
export function editTargetLine(state: TelecomState, customerId: string, lineId: string): Line {
  return state.db.edit('lines', targetLine(state, customerId, lineId).line_id)!;
}

/** tau2's _get_bills_awaiting_payment: the customer's bills awaiting payment, in the customer's order. */
export function billsAwaitingPayment(state: TelecomState, customer: Frozen<Customer>): Frozen<Bill>[] {
  return customer.bill_ids.map((id) => billById(state, id)).filter((bill) => bill.status === 'Awaiting Payment');
}

/**
 * tau2's _apply_one_time_charge: a charge (or credit) on the customer's draft bill, opening one for next
 * month when there is none. tau2 names a new bill "B" + 8 random hex digits (uuid4); here the 8 digits
 * come from a hash of the customer and their bills, so the same episode always opens the same bill.
 */
export function applyOneTimeCharge(state: TelecomState, customerId: string, amount: number, description: string): void {
  const customer = customerById(state, customerId);
  let draft: Frozen<Bill> | undefined;
  for (const id of customer.bill_ids) {
    const bill = billById(state, id);
    if (bill.status === 'Draft') {
      draft = bill;
      break;
    }
  }
  if (!draft) {
    const start = firstOfNextMonth(TODAY);
    const bill: Bill = {
      bill_id: `B${hashOf(['telecom-draft-bill', customerId, customer.bill_ids]).slice(0, 8)}`,
      customer_id: customerId,
      period_start: start,
      period_end: addDays(firstOfNextMonth(start), -1),
      issue_date: start,
      total_due: 0,
      due_date: addDays(start, 14),
      line_items: [],
      status: 'Draft',
    };
    state.db.put('bills', bill.bill_id, bill);
    state.db.edit('customers', customerId)!.bill_ids.push(bill.bill_id);
    draft = bill;
  }
  const bill = state.db.edit('bills', draft.bill_id)!;
  bill.line_items.push({ description, amount, date: TODAY, item_type: amount < 0 ? 'Credit' : 'Charge' });
  bill.total_due += amount;
}
