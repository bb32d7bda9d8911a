/** Well-behaved harness modules, a view and a bridge for the sandbox tests. */
import { readFileSync } from 'node:fs';
import { BridleError } from '../../src/errors.ts';
import type { Action, Candidate, Draft, HookName, JsonObject, Outcome, RawOutput, StepView, ToolResult, ToolSchema } from '../../src/harness/api.ts';
import { compileHarness, type HarnessSource } from '../../sandboxes/compile.ts';
import type { CompiledHarness, HarnessRunner, HarnessSession, HookInputs, SessionBridge, ViewState } from '../../sandboxes/index.ts';

/** Realize: pull a JSON action out of prose; normalise key names against the schemas. */
export const TOLERANT_PARSE = `
import { defineModule, type Draft, type View } from 'bridle/harness';

function extract(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1).replace(/'/g, '"').replace(/,\\s*}/g, '}'));
  } catch {
    return undefined;
  }
}

export default defineModule({
  name: 'tolerant-parse',
  why: 'actions wrapped in prose, single quotes or trailing commas are rejected',
  realize(draft: Draft, view: View) {
    if (draft.action) return undefined;
    const found = extract(draft.raw.text) as Record<string, unknown> | undefined;
    if (!found) return { reject: 'Reply with one JSON object {"tool": ..., "arguments": {...}}.' };
    const tool = String(found.tool ?? found.name ?? found.Tool ?? '');
    const schema = view.tools.find((candidate) => candidate.name.toLowerCase() === tool.toLowerCase());
    if (!schema) return { reject: 'Unknown tool ' + tool + '. Valid tools: ' + view.tools.map((t) => t.name).join(', ') };
    const args = (found.arguments ?? found.args ?? {}) as Record<string, string>;
    return { action: { kind: 'call', tool: schema.name, arguments: args } };
  },
});
`;

/** Guard: block a destructive tool; module-level state counts calls (fresh per session). */
export const BLOCK_DELETE = `
import { defineModule } from 'bridle/harness';
let checked = 0;
export default defineModule({
  name: 'block-delete',
  why: 'the model deletes accounts the ticket never asked to delete',
  guard(action) {
    checked++;
    if (action.kind === 'call' && action.tool === 'delete_account') return { block: 'delete_account is never allowed (check #' + checked + ')' };
    return undefined;
  },
});
`;

/** Interpret: turn a not-found error into the next step. */
export const EXPLAIN_ERRORS = `
import { defineModule } from 'bridle/harness';
export default defineModule({
  name: 'explain-errors',
  why: 'the model repeats a lookup after "not found"',
  interpret(outcome) {
    if (outcome.result && !outcome.result.ok && outcome.text.includes('not found')) {
      return outcome.text + ' Hint: look the customer up with find_user first.';
    }
    return undefined;
  },
});
`;

/** Regulate: stop loops, warn near the step budget. */
export const LOOP_GUARD = `
import { defineModule, type View } from 'bridle/harness';
export default defineModule({
  name: 'loop-guard',
  why: 'the model repeats the same failed action',
  regulate(view: View) {
    const last = view.trajectory.slice(-3).map((step) => JSON.stringify(step.action));
    if (last.length === 3 && new Set(last).size === 1) return { resample: 3 };
    if (view.step >= view.maxSteps - 1) return { inject: 'One step left: finish now.' };
    return undefined;
  },
});
`;

/** Rank and prepare: uses view.rng and view.peek. */
export const PEEK_AND_RNG = `
import { defineModule, type Candidate, type View } from 'bridle/harness';
export default defineModule({
  name: 'peek-and-rng',
  why: 'the model does not know the order state',
  prepare(prompt, view: View) {
    const order = view.peek('get_order', { id: 'O-1' });
    return { system: prompt.system + '\\nOrder: ' + order.output + ' draw=' + view.rng().toFixed(6) };
  },
  rank(candidates: Candidate[], view: View) {
    const usable = candidates.filter((candidate) => candidate.action && !candidate.blocked);
    if (usable.length === 0) return undefined;
    return usable[Math.floor(view.rng() * usable.length)]!.index;
  },
});
`;

/** Async hook that settles within microtasks: must be awaited, not rejected. */
export const ASYNC_GUARD = `
import { defineModule } from 'bridle/harness';
export default defineModule({
  name: 'async-guard',
  why: 'exercises promise handling',
  async guard(action: any) {
    await null;
    await Promise.resolve();
    if (action.kind === 'call' && action.tool === 'refund') return { block: 'refunds need a confirmation first' };
    return undefined;
  },
} as any);
`;

export const WELL_BEHAVED: HarnessSource[] = [
  { file: 'tolerant-parse.ts', source: TOLERANT_PARSE },
  { file: 'block-delete.ts', source: BLOCK_DELETE },
  { file: 'explain-errors.ts', source: EXPLAIN_ERRORS },
  { file: 'loop-guard.ts', source: LOOP_GUARD },
  { file: 'peek-and-rng.ts', source: PEEK_AND_RNG },
  { file: 'async-guard.ts', source: ASYNC_GUARD },
];

let compiledWellBehaved: CompiledHarness | undefined;
export function wellBehaved(): CompiledHarness {
  compiledWellBehaved ??= compileHarness(WELL_BEHAVED);
  return compiledWellBehaved;
}

/** A one-module harness from inline source. */
export function single(source: string, file = 'module.ts'): CompiledHarness {
  return compileHarness([{ file, source }]);
}

/** A hostile module from tests/fixtures/hostile/. */
export function hostile(name: string): CompiledHarness {
  const source = readFileSync(new URL(`../fixtures/hostile/${name}.ts`, import.meta.url), 'utf8');
  return compileHarness([{ file: `${name}.ts`, source }]);
}

export const TOOLS: ToolSchema[] = [
  tool('find_user', true, { email: { type: 'string' } }),
  tool('get_order', true, { id: { type: 'string' } }),
  tool('refund', false, { order: { type: 'string' } }),
  tool('delete_account', false, { user: { type: 'string' } }),
  tool('finish', false, { message: { type: 'string' } }),
];

function tool(name: string, readOnly: boolean, properties: Record<string, { type: 'string' }>): ToolSchema {
  return {
    name,
    description: `The ${name} tool.`,
    parameters: { type: 'object', properties, required: Object.keys(properties) },
    readOnly,
  };
}

export function raw(text: string): RawOutput {
  return { text, toolCalls: [] };
}

export function step(index: number, action: Action | null, feedback = 'ok'): StepView {
  return { index, raw: raw(JSON.stringify(action)), action, feedback, ...(action ? { result: { ok: true, output: 'done' } } : {}) };
}

/** A view over a trajectory (the same array object is reused and appended to, like the episode loop). */
export function viewOf(trajectory: StepView[], overrides: Partial<ViewState> = {}): ViewState {
  return {
    apiVersion: 1,
    environment: 'test-shop',
    instruction: 'Refund order O-1 for ada@example.com.',
    tools: TOOLS,
    rules: 'Never delete accounts. Confirm before refunds.',
    step: trajectory.length,
    maxSteps: 8,
    trajectory,
    ...overrides,
  };
}

/** A bridge answering read-only tools and denying the rest, like the episode loop's. */
export function bridge(seed = 7, log: string[] = []): SessionBridge {
  return {
    seed,
    peek(name: string, args: JsonObject): ToolResult {
      log.push(`${name} ${JSON.stringify(args)}`);
      const schema = TOOLS.find((candidate) => candidate.name === name);
      if (!schema?.readOnly) throw new BridleError('SANDBOX_BRIDGE_DENIED', `peek denied: "${name}" is not a read-only tool`);
      return { ok: true, output: JSON.stringify({ id: args.id ?? args.email ?? null, status: 'delivered' }) };
    },
  };
}

export async function open(runner: HarnessRunner, harness: CompiledHarness, seed = 7): Promise<HarnessSession> {
  const opened = await runner.open(harness, bridge(seed));
  if (!opened.ok) throw new Error(`open failed: ${JSON.stringify(opened.violation)}`);
  return opened.session;
}

export const call: Action = { kind: 'call', tool: 'get_order', arguments: { id: 'O-1' } };

/** A scripted episode touching every hook; returns every HookCallResult in order. */
export async function script(session: HarnessSession): Promise<unknown[]> {
  const trajectory: StepView[] = [];
  const results: unknown[] = [];
  const run = async <K extends HookName>(hook: K, input: HookInputs[K]) => {
    results.push(await session.call(hook, input, viewOf(trajectory)));
  };
  const drafts: Draft[] = [
    { raw: raw('Sure! Here you go: {\'tool\': \'Find_User\', \'arguments\': {\'email\': \'ada@example.com\'},}'), action: null, error: 'not JSON' },
    { raw: raw('I cannot decide.'), action: null, error: 'not JSON' },
    { raw: raw('{"name": "teleport", "args": {}}'), action: null, error: 'not JSON' },
    { raw: raw('{"tool":"get_order","arguments":{"id":"O-1"}}'), action: call },
  ];
  for (let index = 0; index < 4; index++) {
    await run('prepare', { prompt: { system: 'You are a support agent.', observation: 'Ticket text' } });
    await run('realize', { draft: drafts[index] as Draft, allowResample: true });
    const candidates: Candidate[] = [
      { index: 0, raw: raw('a'), action: null, rejection: 'bad' },
      { index: 1, raw: raw('b'), action: call },
      { index: 2, raw: raw('c'), action: { kind: 'finish', message: 'done' } },
      { index: 3, raw: raw('d'), action: call, blocked: 'no' },
    ];
    await run('rank', { candidates });
    await run('guard', { action: index === 1 ? { kind: 'call', tool: 'delete_account', arguments: { user: 'u1' } } : call });
    await run('guard', { action: { kind: 'call', tool: 'refund', arguments: { order: 'O-1' } } });
    const outcome: Outcome = { action: call, result: { ok: false, output: 'Error: order not found' }, text: 'Error: order not found' };
    await run('interpret', { outcome });
    await run('interpret', { outcome: { action: call, result: { ok: true, output: '{}' }, text: '{}' } });
    trajectory.push(step(index, call, 'Error: order not found'));
    await run('regulate', {});
  }
  return results;
}
