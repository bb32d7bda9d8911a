/** The environment toolkit's pieces, each on its own: tools, sessions, splits, verdicts, differences, plans. */
import { describe, expect, it } from 'vitest';
import {
  callStep,
  carveValidation,
  check,
  compareRecords,
  createToolRunner,
  dealSplits,
  defineEnvironment,
  defineTool,
  finishStep,
  param,
  refuse,
  remainingPlan,
  toolResult,
  verdict,
  type CallRecord,
  type TaskInfo,
} from '../../src/toolkit/index.ts';
import { expectBridleError } from '../helpers/errors.ts';

interface Counter {
  value: number;
}

const read = defineTool<Counter>({ name: 'read_counter', readOnly: true, description: 'Read the counter.', run: (state) => toolResult({ value: state.value }) });
const add = defineTool<Counter>({
  name: 'add',
  readOnly: false,
  description: 'Add to the counter.',
  parameters: { amount: param.integer({ description: 'How much.', minimum: 1 }), note: param.string({ pattern: '^N-\\d+$' }) },
  required: ['amount'],
  run: (state, args) => {
    if (Number(args.amount) > 10) refuse('at most 10 at a time');
    state.value += Number(args.amount);
    return `now ${state.value}`;
  },
});
const broken = defineTool<Counter>({ name: 'broken', readOnly: true, description: 'A bug.', run: () => { throw new TypeError('boom'); } });

type CounterTask = TaskInfo & { target: number };
const tasks: CounterTask[] = [
  { id: 't-1', split: 'train', instruction: 'Reach 3.', target: 3 },
  { id: 't-2', split: 'test', instruction: 'Reach 5.', target: 5, kind: 'five' },
];

const counter = () =>
  defineEnvironment<Counter, CounterTask>({
    name: 'counter',
    description: 'A counter.',
    rules: 'Add in steps of at most 10.',
    tools: [read, add, broken],
    tasks,
    maxSteps: 5,
    createState: () => ({ value: 0 }),
    verify: ({ task, state, finalMessage }) => verdict([check('state', state.value === task.target), check('finished', finalMessage !== null)]),
    oracle: ({ task, state }) => [...(state.value < task.target ? [callStep('add', { amount: task.target - state.value }, 'write')] : []), finishStep('done')],
  });

describe('tools', () => {
  it('checks names and arguments before running, and words refusals as the environment would', () => {
    const runner = createToolRunner([read, add]);
    const state = { value: 0 };
    expect(runner.run(state, 'nope', {})).toEqual({ ok: false, output: "Error: unknown tool 'nope'. Available tools: read_counter, add" });
    expect(runner.run(state, 'add', {})).toEqual({ ok: false, output: "Error: missing required argument 'amount'" });
    expect(runner.run(state, 'add', { amount: '2' })).toEqual({ ok: false, output: "Error: argument 'amount' must be an integer" });
    expect(runner.run(state, 'add', { amount: 2, note: 'x' }).output).toBe("Error: argument 'note' has an invalid format: 'x' does not match ^N-\\d+$");
    expect(runner.run(state, 'add', { amount: 2, extra: 1 }).output).toBe("Error: unexpected argument 'extra' for tool 'add'. Expected arguments: 'amount', 'note'");
    expect(runner.run(state, 'add', { amount: 11 })).toEqual({ ok: false, output: 'Error: at most 10 at a time' });
    expect(state.value).toBe(0);
    expect(runner.run(state, 'add', { amount: 2 })).toEqual({ ok: true, output: 'now 2' });
    expect(runner.run(state, 'read_counter', {})).toEqual({ ok: true, output: '{"value":2}' });
  });

  it('does not hide a bug in a tool, and refuses malformed declarations', () => {
    expectBridleError(() => createToolRunner([broken]).run({ value: 0 }, 'broken', {}), 'INTERNAL', /tool "broken" failed: boom/);
    expectBridleError(() => defineTool({ name: 'bad name', readOnly: true, description: '', run: () => '' }), 'INVALID_ARGUMENT', /must be an identifier/);
    expectBridleError(() => defineTool({ name: 'x', readOnly: true, description: '', required: ['y'], run: () => '' }), 'INVALID_ARGUMENT', /requires arguments it does not declare: y/);
    expectBridleError(() => createToolRunner([read, read]), 'INVALID_ARGUMENT', /two tools are named "read_counter"/);
  });
});

describe('defineEnvironment', () => {
  it('gives sessions their mechanics: a log, peek for read-only tools only, finish once, a state hash', () => {
    const environment = counter();
    expect(environment.tasks).toEqual([
      { id: 't-1', split: 'train', instruction: 'Reach 3.' },
      { id: 't-2', split: 'test', instruction: 'Reach 5.', kind: 'five' },
    ]);
    expect(environment.hasOracle).toBe(true);
    const session = environment.reset('t-1', 0);
    const fresh = session.stateHash();
    expect(session.peek('add', { amount: 1 })).toEqual({ ok: false, output: 'Error: peek only allows read-only tools' });
    expect(session.peek('read_counter', {}).output).toBe('{"value":0}');
    expect(session.oracle()).toEqual([callStep('add', { amount: 3 }, 'write'), finishStep('done')]);
    session.step('add', { amount: 3 });
    expect(session.stateHash()).not.toBe(fresh);
    expect(session.oracle()).toEqual([finishStep('done')]);
    session.finish('done');
    session.finish('rewritten');
    expect(session.step('add', { amount: 1 })).toEqual({ ok: false, output: 'Error: the episode is over (a final message was already sent)' });
    expect(session.verify()).toEqual({ success: true, reward: 1, checks: [{ name: 'state', passed: true }, { name: 'finished', passed: true }], differences: [] });
    expect(environment.reset('t-1', 0).stateHash()).toBe(fresh);
  });

  it('refuses a spec with duplicate ids, bad splits, no tasks, or its own finish tool', () => {
    const base = { name: 'x', description: '', rules: '', tools: [read], maxSteps: 3, createState: () => ({ value: 0 }), verify: () => verdict([]) };
    expectBridleError(() => defineEnvironment({ ...base, tasks: [tasks[0]!, tasks[0]!] }), 'INVALID_ARGUMENT', /task id "t-1" appears twice/);
    expectBridleError(() => defineEnvironment({ ...base, tasks: [{ ...tasks[0]!, split: 'dev' as 'test' }] }), 'INVALID_ARGUMENT', /split "dev"/);
    expectBridleError(() => defineEnvironment({ ...base, tasks: [] }), 'INVALID_ARGUMENT', /there are no tasks/);
    const finish = defineTool<Counter>({ name: 'finish', readOnly: false, description: '', run: () => '' });
    expectBridleError(() => defineEnvironment({ ...base, tools: [finish], tasks }), 'INVALID_ARGUMENT', /"finish" is the loop's own tool/);
  });

  it('has no oracle on its sessions when the spec has none', () => {
    const { oracle: _unused, ...spec } = { name: 'plain', description: '', rules: '', tools: [read], tasks, maxSteps: 3, createState: () => ({ value: 0 }), verify: () => verdict([]), oracle: undefined };
    const environment = defineEnvironment<Counter, CounterTask>(spec);
    expect(environment.hasOracle).toBe(false);
    expect(environment.reset('t-1', 0).oracle).toBeUndefined();
  });
});

describe('dealSplits and carveValidation', () => {
  const items = Array.from({ length: 100 }, (_unused, index) => ({ id: index, kind: ['a', 'b', 'c', 'd'][index % 4]! }));

  it('hits the shares exactly overall and spreads every stratum over every split, deterministically', () => {
    const splits = dealSplits(items, { seed: 1, shares: { train: 0.4, validation: 0.25, test: 0.35 }, stratum: (item) => item.kind });
    const count = (split: string, kind?: string) => splits.filter((value, index) => value === split && (!kind || items[index]!.kind === kind)).length;
    expect([count('train'), count('validation'), count('test')]).toEqual([40, 25, 35]);
    for (const kind of ['a', 'b', 'c', 'd']) {
      expect(count('train', kind)).toBeGreaterThanOrEqual(9);
      expect(count('validation', kind)).toBeGreaterThanOrEqual(5);
      expect(count('test', kind)).toBeGreaterThanOrEqual(8);
    }
    expect(dealSplits(items, { seed: 1, stratum: (item) => item.kind })).toEqual(dealSplits(items, { seed: 1, stratum: (item) => item.kind }));
    expect(dealSplits(items, { seed: 2 })).not.toEqual(dealSplits(items, { seed: 1 }));
  });

  it('carves a third of train into validation', () => {
    const splits = carveValidation(items.slice(0, 30), { seed: 'bench' });
    expect(splits.filter((split) => split === 'validation')).toHaveLength(10);
    expect(new Set(splits)).toEqual(new Set(['train', 'validation']));
  });
});

describe('verdict and compareRecords', () => {
  it('ties the reward to the checks', () => {
    expect(verdict([check('a', true)], { reward: 1 }).success).toBe(true);
    expect(verdict([check('a', false)], { reward: 0.5 })).toMatchObject({ success: false, reward: 0.5 });
    expectBridleError(() => verdict([check('a', false)], { reward: 1 }), 'INTERNAL', /reward 1 disagrees/);
    expectBridleError(() => verdict([check('a', true)], { reward: 0.5 }), 'INTERNAL', /reward 0.5 disagrees/);
  });

  it('names the table, record and field that differ', () => {
    const expected = { orders: { o1: { status: 'open', total: 3 }, o2: { status: 'open' } }, users: [{ name: 'a' }], version: 1 };
    const actual = { orders: { o1: { status: 'closed', total: 3 }, o3: { status: 'open' } }, users: [{ name: 'b' }], version: 2 };
    expect(compareRecords(actual, expected)).toEqual([
      { table: 'orders', key: 'o1', field: 'status' },
      { table: 'orders', key: 'o2' },
      { table: 'orders', key: 'o3' },
      { table: 'users', key: '0', field: 'name' },
      { table: 'version', key: '*' },
    ]);
    expect(compareRecords(expected, structuredClone(expected))).toEqual([]);
  });
});

describe('remainingPlan', () => {
  const plan = [callStep('find', { who: 'a' }, 'identify'), callStep('write', { n: 1 }, 'write'), callStep('write', { n: 1 }, 'write'), finishStep('ok')];
  const call = (tool: string, args: CallRecord['args'], ok = true): CallRecord => ({ tool, args, result: { ok, output: '' } });

  it('counts reads anywhere, writes in order, failed calls never, and keeps the finish', () => {
    expect(remainingPlan(plan, [])).toEqual(plan);
    expect(remainingPlan(plan, [call('write', { n: 1 })])).toEqual([plan[0], plan[2], plan[3]]);
    expect(remainingPlan(plan, [call('write', { n: 1 }), call('find', { who: 'a' }), call('write', { n: 1 }, false)])).toEqual([plan[2], plan[3]]);
    expect(remainingPlan(plan, [call('find', { who: 'a' }), call('write', { n: 1 }), call('write', { n: 1 })])).toEqual([plan[3]]);
  });
});
