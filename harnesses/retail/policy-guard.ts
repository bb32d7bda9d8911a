import { defineModule, type Json, type StepView } from 'bridle/harness';

/** Before any of these writes, one of the required calls must have succeeded. */
const PRIOR: { tools: string[]; requires: string[] }[] = [
    {
      "tools": [
        "cancel_pending_order",
        "exchange_delivered_order_items",
        "modify_pending_order_address",
        "modify_pending_order_items",
        "modify_pending_order_payment",
        "modify_user_address",
        "record_customer_confirmation",
        "return_delivered_order_items"
      ],
      "requires": [
        "find_user_id_by_email",
        "find_user_id_by_name_zip"
      ]
    }
  ];
/** Right before each write, this call must have succeeded with arguments built from the write. */
const IMMEDIATE: { tool: string; requires: string; template: Record<string, string> }[] = [
    {
      "tool": "cancel_pending_order",
      "requires": "record_customer_confirmation",
      "template": {
        "action": "$tool",
        "arguments": "$arguments"
      }
    },
    {
      "tool": "exchange_delivered_order_items",
      "requires": "record_customer_confirmation",
      "template": {
        "action": "$tool",
        "arguments": "$arguments"
      }
    },
    {
      "tool": "modify_pending_order_address",
      "requires": "record_customer_confirmation",
      "template": {
        "action": "$tool",
        "arguments": "$arguments"
      }
    },
    {
      "tool": "modify_pending_order_items",
      "requires": "record_customer_confirmation",
      "template": {
        "action": "$tool",
        "arguments": "$arguments"
      }
    },
    {
      "tool": "modify_pending_order_payment",
      "requires": "record_customer_confirmation",
      "template": {
        "action": "$tool",
        "arguments": "$arguments"
      }
    },
    {
      "tool": "modify_user_address",
      "requires": "record_customer_confirmation",
      "template": {
        "action": "$tool",
        "arguments": "$arguments"
      }
    },
    {
      "tool": "return_delivered_order_items",
      "requires": "record_customer_confirmation",
      "template": {
        "action": "$tool",
        "arguments": "$arguments"
      }
    }
  ];

function canonical(value: Json | undefined): string {
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  if (value && typeof value === 'object') {
    return '{' + Object.keys(value).sort().map((key) => JSON.stringify(key) + ':' + canonical(value[key])).join(',') + '}';
  }
  return JSON.stringify(value ?? null);
}

function succeededCalls(trajectory: readonly StepView[]): { tool: string; arguments: { [key: string]: Json } }[] {
  const calls: { tool: string; arguments: { [key: string]: Json } }[] = [];
  for (const step of trajectory) {
    if (step.action && step.action.kind === 'call' && step.result?.ok) calls.push({ tool: step.action.tool, arguments: step.action.arguments });
  }
  return calls;
}

export default defineModule({
    name: "policy-guard",
    why: "Writes ran without the calls the policy requires before them (seen in every successful episode), so episodes broke the policy or changed the wrong thing.",
    guard(action, view) {
      if (action.kind !== 'call') return undefined;
      const calls = succeededCalls(view.trajectory);
      const prior = PRIOR.find((rule) => rule.tools.includes(action.tool));
      if (prior && !calls.some((call) => prior.requires.includes(call.tool))) {
        return { block: 'Blocked: first call ' + prior.requires.join(' or ') + ' (required before any change).' };
      }
      const rule = IMMEDIATE.find((candidate) => candidate.tool === action.tool);
      if (!rule) return undefined;
      const expected: { [key: string]: Json } = {};
      for (const [key, source] of Object.entries(rule.template)) expected[key] = source === '$tool' ? action.tool : action.arguments;
      const last = calls.at(-1);
      if (last && last.tool === rule.requires && canonical(last.arguments) === canonical(expected)) return undefined;
      // The required call was made for this change but with other arguments: the change must use those.
      const argumentsKey = Object.keys(rule.template).find((key) => rule.template[key] === '$arguments');
      const toolKey = Object.keys(rule.template).find((key) => rule.template[key] === '$tool');
      if (last && last.tool === rule.requires && argumentsKey !== undefined && (toolKey === undefined || last.arguments[toolKey] === action.tool)) {
        return { block: 'Blocked: the arguments differ from the ones just recorded. Use exactly ' + JSON.stringify(last.arguments[argumentsKey]) + ', or record the new ones first.' };
      }
      return { block: 'Blocked: first call ' + rule.requires + ' with ' + JSON.stringify(expected) + ' (the arguments must match exactly).' };
    },
  });
