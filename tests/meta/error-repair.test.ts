/**
 * Repairs learnt from the environment's error messages (small synthetic trajectories, no environment):
 * refused calls paired with their error and the next success, the wrapper key under which the model
 * wrote the arguments the error said were missing, the evidence threshold, and the realize module that
 * reads them from there while correct calls pass unchanged.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Trajectory } from '../../src/agent/trajectory.ts';
import type { Action, JsonObject, ToolSchema } from '../../src/harness/api.ts';
import { FINISH_TOOL } from '../../src/agent/finish-tool.ts';
import { createHeuristicEngineer } from '../../src/meta/engineers/heuristic/index.ts';
import { mineArgumentRepairs, mineErrorPairs, objectsIn } from '../../src/meta/engineers/heuristic/error-repairs.ts';
import { createHarnessChecker } from '../../src/meta/check/index.ts';
import { mineFailures } from '../../src/meta/mine.ts';
import type { EngineerRequest, FailureGroup } from '../../src/meta/types.ts';
import type { HarnessFile } from '../../src/store/harness-files.ts';
import { compileHarness, createInProcessRunner } from '../../sandboxes/index.ts';
import type { ViewState } from '../../sandboxes/types.ts';
import { step, trajectory } from '../helpers/trajectories.ts';

const TOOLS: ToolSchema[] = [
  { name: 'run_query', description: 'Run a query.', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }, readOnly: false },
  FINISH_TOOL,
];
const MISSING = "Error: missing required argument 'query'";
const call = (tool: string, args: JsonObject): Action => ({ kind: 'call', tool, arguments: args });

/** A step whose output wrote the query under `key`, realized (by a parser that missed the key) with no arguments. */
function refused(index: number, key: string, query: string) {
  return step(index, JSON.stringify({ type: 'tool_use', name: 'run_query', [key]: { query } }), { action: call('run_query', {}), result: { ok: false, output: MISSING } });
}

function ran(index: number, query: string) {
  return step(index, JSON.stringify({ tool: 'run_query', arguments: { query } }), { action: call('run_query', { query }), result: { ok: true, output: '[]' } });
}

function episode(taskId: string, steps: ReturnType<typeof step>[], success = false): Trajectory {
  return trajectory({ taskId, success, steps: [...steps, step(steps.length, 'finish', { action: { kind: 'finish', message: 'done' } })] });
}

const train = [
  episode('t1', [refused(0, 'input', 'SELECT a FROM t1'), ran(1, 'SELECT a FROM t1')]),
  episode('t2', [refused(0, 'input', 'SELECT b FROM t2'), refused(1, 'input', 'SELECT b FROM t2')]),
  episode('t3', [ran(0, 'SELECT c FROM t3')], true),
  // One episode with another key: too little evidence for it.
  episode('t4', [refused(0, 'args', 'SELECT d FROM t4')]),
];

function request(group: FailureGroup, trajectories: Trajectory[], modules: HarnessFile[] = []): EngineerRequest {
  return { environment: { name: 'test-db', description: '', rules: '', tools: TOOLS }, apiTypes: '', modules, group, examples: [], rejected: [], train: trajectories };
}

const runner = createInProcessRunner();
afterAll(() => runner.dispose());

async function session(files: HarnessFile[]) {
  const opened = await runner.open(compileHarness(files), { seed: 1, peek: () => ({ ok: true, output: '' }) });
  if (!opened.ok) throw new Error(JSON.stringify(opened.violation));
  return opened.session;
}

const view: ViewState = { apiVersion: 1, environment: 'test-db', instruction: 'Answer.', tools: TOOLS, rules: '', step: 0, maxSteps: 10, trajectory: [] };

describe('mining error pairs', () => {
  it('pairs each refused call with its error and the next successful call of the same tool', () => {
    const pairs = mineErrorPairs(train, TOOLS);
    expect(pairs).toHaveLength(4);
    expect(pairs[0]).toMatchObject({ tool: 'run_query', arguments: {}, error: MISSING, next: { query: 'SELECT a FROM t1' }, episode: 0 });
    expect(pairs[1]!.next).toBeUndefined();
  });

  it('reads objects from a whole JSON text, or from each block in prose', () => {
    expect(objectsIn('{"a": {"b": 1}}')).toEqual([{ a: { b: 1 } }]);
    expect(objectsIn('Here: {"a": 1} and then {"c": "}"}.')).toEqual([{ a: 1 }, { c: '}' }]);
    expect(objectsIn('no json')).toEqual([]);
  });

  it('learns the wrapper key only where the error named the missing argument, in several episodes with several values', () => {
    expect(mineArgumentRepairs(train, TOOLS)).toEqual([{ kind: 'wrapped-arguments', tool: 'run_query', key: 'input', episodes: 2, values: 2 }]);
    // The same query in both episodes: one value is no evidence of a rule.
    const same = [episode('s1', [refused(0, 'input', 'SELECT 1')]), episode('s2', [refused(0, 'input', 'SELECT 1')])];
    expect(mineArgumentRepairs(same, TOOLS)).toEqual([]);
    // An error that names no argument of the tool explains nothing.
    const other = [0, 1].map((index) => episode(`o${index}`, [step(0, JSON.stringify({ name: 'run_query', input: { query: `SELECT ${index}` } }), { action: call('run_query', {}), result: { ok: false, output: 'Error: try again later' } })]));
    expect(mineArgumentRepairs(other, TOOLS)).toEqual([]);
  });
});

describe('the error-repair module', () => {
  it('reads the arguments from the learnt key before the call runs, and leaves correct calls unchanged', async () => {
    const group = mineFailures(train).find((candidate) => candidate.kind === 'environment-error')!;
    expect(group.signature).toBe('environment-error:run_query:missing required argument q');
    // An empty call breaks its schema, so coercion is offered first; once it is in the harness (and the
    // error remains, as coercion cannot invent a value), the chain offers the repair.
    const engineer = createHeuristicEngineer();
    const coercion = (await engineer.propose(request(group, train)))!;
    expect(coercion.files.map((file) => file.file)).toEqual(['schema-coerce.ts']);
    const proposal = (await engineer.propose(request(group, train, coercion.files)))!;
    expect(proposal.order).toEqual(['schema-coerce.ts', 'error-repair.ts']);
    expect(proposal.files.map((file) => file.file)).toEqual(['error-repair.ts']);
    expect(proposal.summary).toContain('under "input": 2 episodes, 2 values');
    const checked = createHarnessChecker({ corpus: { instructions: [], values: [] } }).check(proposal.files);
    expect(checked.ok ? 'ok' : checked.diagnostics).toBe('ok');

    const hooks = await session(proposal.files);
    // A group of another error of the same tool is no case for it, even with the key learnt from train.
    const notFound = (taskId: string, query: string) => episode(taskId, [ran(0, 'SELECT 0'), step(1, JSON.stringify({ tool: 'run_query', arguments: { query } }), { action: call('run_query', { query }), result: { ok: false, output: 'Error: table not found' } })]);
    const withOther = [...train, notFound('n1', 'SELECT 5'), notFound('n2', 'SELECT 6')];
    const other = mineFailures(withOther).find((candidate) => candidate.signature === 'environment-error:run_query:table not found')!;
    expect(await engineer.propose(request(other, withOther, coercion.files))).toBeNull();

    // The session folds the draft through the module and answers with the draft it ends with.
    const realize = async (text: string, action: Action | null) => {
      const result = await hooks.call('realize', { draft: { raw: { text, toolCalls: [] }, action }, allowResample: false }, view);
      if (!result.ok) throw new Error(JSON.stringify(result));
      return (result.value as { value: { action?: Action } | null }).value?.action ?? null;
    };
    const wrapped = JSON.stringify({ type: 'tool_use', name: 'run_query', input: { query: 'SELECT x FROM y' } });
    expect(await realize(wrapped, call('run_query', {}))).toEqual(call('run_query', { query: 'SELECT x FROM y' }));
    // In a fence, after prose.
    expect(await realize('Sure:\n```json\n' + wrapped + '\n```', call('run_query', {}))).toEqual(call('run_query', { query: 'SELECT x FROM y' }));
    // The same shape, unread by any parser, for a finish or a call: realized from the learnt key.
    expect(await realize(JSON.stringify({ type: 'tool_use', name: 'finish', input: { message: '["1"]' } }), null)).toEqual({ kind: 'finish', message: '["1"]' });
    expect(await realize(JSON.stringify({ type: 'tool_use', name: 'functions.run_query', input: { query: 'SELECT 4' } }), null)).toEqual(call('run_query', { query: 'SELECT 4' }));
    expect(await realize(JSON.stringify({ type: 'tool_use', name: 'finish', input: { text: 'done' } }), null)).toBeNull();
    // A correct call, a call under a key the evidence did not support, a finish, an unparsed output: untouched.
    const correct = call('run_query', { query: 'SELECT 1' });
    expect(await realize(JSON.stringify({ tool: 'run_query', input: { query: 'SELECT 2' }, arguments: { query: 'SELECT 1' } }), correct)).toEqual(correct);
    expect(await realize(JSON.stringify({ name: 'run_query', args: { query: 'SELECT 3' } }), call('run_query', {}))).toEqual(call('run_query', {}));
    expect(await realize('done', { kind: 'finish', message: 'done' })).toEqual({ kind: 'finish', message: 'done' });
    expect(await realize('I cannot tell.', null)).toBeNull();
    await hooks.close();
  });
});
