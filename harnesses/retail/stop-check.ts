import { defineModule } from 'bridle/harness';

/** Which premature finishes to block. */
const CHECKS: { afterFailure: boolean; pendingCall: boolean; firstAfterWrite: boolean } = {
    "afterFailure": false,
    "pendingCall": true,
    "firstAfterWrite": true
  };
/** Calls that must be followed by the write they announce. */
const PENDING_CALLS: string[] = [
    "record_customer_confirmation"
  ];
/** Tools that change the world. */
const WRITES: string[] = [
    "cancel_pending_order",
    "exchange_delivered_order_items",
    "modify_pending_order_address",
    "modify_pending_order_items",
    "modify_pending_order_payment",
    "modify_user_address",
    "return_delivered_order_items",
    "transfer_to_human_agents"
  ];

export default defineModule({
    name: "stop-check",
    why: "Episodes were finished with work left: after an error, with a required pre-write call not followed by its write, or right after the first of several changes.",
    guard(action, view) {
      if (action.kind !== 'finish') return undefined;
      const steps = view.trajectory;
      const last = steps.at(-1);
      // A finish this guard blocked is not an error to recover from: only failed calls and rejected outputs count.
      const lastFailed = last !== undefined && last.action?.kind !== 'finish' && (last.rejection !== undefined || last.blocked !== undefined || last.result?.ok === false);
      if (CHECKS.afterFailure && lastFailed) {
        return { block: 'Do not give up after an error: read the error, correct the call and continue with the request.' };
      }
      const succeeded = steps.filter((step) => step.action?.kind === 'call' && step.result?.ok);
      const lastCall = succeeded.at(-1)?.action;
      if (CHECKS.pendingCall && lastCall?.kind === 'call' && PENDING_CALLS.includes(lastCall.tool)) {
        return { block: 'You called ' + lastCall.tool + ' but not the change it announces: make that change before finishing.' };
      }
      const triedBefore = steps.some((step) => step.action?.kind === 'finish');
      if (CHECKS.firstAfterWrite && !triedBefore && lastCall?.kind === 'call' && WRITES.includes(lastCall.tool)) {
        return { block: 'Before finishing, re-read the request: is every requested change done and every question answered? If so, finish again.' };
      }
      return undefined;
    },
  });
