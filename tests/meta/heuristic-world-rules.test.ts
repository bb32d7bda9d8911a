/**
 * The heuristic engineer's capabilities for worlds with state (small synthetic trajectories, no
 * environment): goal checks failing at a finish mined as premature stops, argument provenance learnt
 * from successful episodes (a write acts on what the latest call of some tool named), the call a failed
 * write likely missed, repeated give-ups, and an unknown tool name resolved by its arguments alone.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Trajectory } from '../../src/agent/trajectory.ts';
import type { Action, JsonObject, StepView, ToolSchema } from '../../src/harness/api.ts';
import { FINISH_TOOL } from '../../src/agent/finish-tool.ts';
import { createHeuristicEngineer } from '../../src/meta/engineers/heuristic/index.ts';
import { mineArgumentSourceRules, mineCompanionCalls } from '../../src/meta/engineers/heuristic/evidence.ts';
import { mineCompanionCues } from '../../src/meta/engineers/heuristic/companion-cues.ts';
import { argumentGuard } from '../../src/meta/engineers/heuristic/templates/argument-guard.ts';
import { createHarnessChecker } from '../../src/meta/check/index.ts';
import { mineFailures, signaturesOf } from '../../src/meta/mine.ts';
import type { EngineerRequest, FailureGroup } from '../../src/meta/types.ts';
import type { HarnessFile } from '../../src/store/harness-files.ts';
import { compileHarness, createInProcessRunner } from '../../sandboxes/index.ts';
import type { ViewState } from '../../sandboxes/types.ts';
import { step, trajectory } from '../helpers/trajectories.ts';

const place = { type: 'string' as const, pattern: '^[a-z]+ \\d+$' };
const TOOLS: ToolSchema[] = [
  { name: 'walk', description: 'Walk to a place.', parameters: { type: 'object', properties: { place }, required: ['place'] }, readOnly: false },
  { name: 'unlock', description: 'Unlock a place.', parameters: { type: 'object', properties: { place }, required: ['place'] }, readOnly: false },
  { name: 'grab', description: 'Grab a thing from a place.', parameters: { type: 'object', properties: { thing: place, place }, required: ['thing', 'place'] }, readOnly: false },
  { name: 'look', description: 'Look around.', parameters: { type: 'object', properties: {}, required: [] }, readOnly: true },
  FINISH_TOOL,
];

const call = (tool: string, args: JsonObject): Action => ({ kind: 'call', tool, arguments: args });
type Move = [string, JsonObject, boolean?];

/** An episode of calls (each ok unless its third element is false), then a finish. */
function episode(taskId: string, success: boolean, moves: Move[], checks: Trajectory['verification']['checks'] = []): Trajectory {
  const steps = moves.map(([tool, args, ok = true], index) => step(index, JSON.stringify({ tool, arguments: args }), { action: call(tool, args), result: { ok, output: ok ? 'done' : 'Nothing happens.' } }));
  steps.push(step(steps.length, 'finish', { action: { kind: 'finish', message: 'done' } }));
  return trajectory({ taskId, success, steps, verification: { success, reward: success ? 1 : 0, checks, differences: [] } });
}

const good = [
  episode('t1', true, [['walk', { place: 'shelf 1' }], ['grab', { thing: 'cup 1', place: 'shelf 1' }]]),
  episode('t2', true, [['walk', { place: 'box 2' }], ['unlock', { place: 'box 2' }], ['grab', { thing: 'pen 1', place: 'box 2' }]]),
  episode('t3', true, [['walk', { place: 'shelf 1' }], ['look', {}], ['walk', { place: 'box 1' }], ['unlock', { place: 'box 1' }], ['grab', { thing: 'key 1', place: 'box 1' }]]),
];
// Grabbed from a place it never walked to.
const bad = episode('t4', false, [['walk', { place: 'shelf 1' }], ['grab', { thing: 'cup 2', place: 'box 3' }, false]], [{ name: 'goal:thing-held', passed: false }]);

function request(group: FailureGroup, train: Trajectory[]): EngineerRequest {
  return { environment: { name: 'test-world', description: '', rules: '', tools: TOOLS }, apiTypes: '', modules: [], group, examples: [], rejected: [], train };
}

const runner = createInProcessRunner();
afterAll(() => runner.dispose());

async function session(files: HarnessFile[]) {
  const opened = await runner.open(compileHarness(files), { seed: 1, peek: () => ({ ok: true, output: '' }) });
  if (!opened.ok) throw new Error(JSON.stringify(opened.violation));
  return opened.session;
}

function view(trajectory: StepView[]): ViewState {
  return { apiVersion: 1, environment: 'test-world', instruction: 'Grab a key.', tools: TOOLS, rules: '', step: trajectory.length, maxSteps: 20, trajectory };
}

function done(index: number, action: Action, ok = true, feedback = 'done'): StepView {
  return { index, raw: { text: JSON.stringify(action), toolCalls: [] }, action, feedback, result: { ok, output: ok ? 'done' : 'Nothing happens.' } };
}

describe('mining goal checks', () => {
  it('calls a finish with a goal check failing a premature stop; one failing only a policy check is not', () => {
    const unfinished = episode('t8', false, [['walk', { place: 'shelf 1' }]], [{ name: 'goal:thing-held', passed: false }, { name: 'finished', passed: true }]);
    expect(signaturesOf(unfinished).map((signature) => signature.signature)).toContain('premature-stop');
    const policyOnly = episode('t5', false, [['walk', { place: 'shelf 1' }]], [{ name: 'policy:order', passed: false }, { name: 'finished', passed: true }]);
    expect(signaturesOf(policyOnly).map((signature) => signature.signature)).not.toContain('premature-stop');
  });
});

describe('argument provenance', () => {
  it('learns that a write acts on what the latest call of another tool named, even a tool that is not read-only', () => {
    const rules = mineArgumentSourceRules([...good, bad], TOOLS);
    expect(rules.map(({ tool, key, source, sourceKey }) => `${tool}.${key} ← ${source}.${sourceKey}`)).toEqual(['grab.place ← walk.place']); // unlock: two occurrences are too few
    // Without a failed episode it would have blocked, nothing is worth a guard.
    expect(mineArgumentSourceRules(good, TOOLS)).toEqual([]);
    // A value that never varies is no evidence of a source.
    const constant = [0, 1, 2].map((index) => episode(`c${index}`, true, [['walk', { place: 'shelf 1' }], ['grab', { thing: `cup ${index}`, place: 'shelf 1' }]]));
    expect(mineArgumentSourceRules([...constant, bad], TOOLS)).toEqual([]);
  });

  it('finds the call on the same value alone that successful episodes sometimes made in between', () => {
    const rules = mineArgumentSourceRules([...good, bad], TOOLS);
    expect(mineCompanionCalls([...good, bad], rules, TOOLS)).toEqual([{ write: 'grab', key: 'place', tool: 'unlock', toolKey: 'place', support: 2 }]);
  });

  it('emits a guard that names the one call and value to make, and a hint after a failed write', async () => {
    const group = mineFailures([...good, bad]).find((candidate) => candidate.signature === 'environment-error:grab:nothing happens')!;
    const proposal = (await createHeuristicEngineer().propose(request(group, [...good, bad])))!;
    expect(proposal.files.map((file) => file.file)).toEqual(['argument-guard.ts']);
    const checked = createHarnessChecker({ corpus: { instructions: [], values: [] } }).check(proposal.files);
    expect(checked.ok ? 'ok' : checked.diagnostics).toBe('ok');

    const hooks = await session(proposal.files);
    const walked = [done(0, call('walk', { place: 'shelf 1' }))];
    const blocked = await hooks.call('guard', { action: call('grab', { thing: 'cup 2', place: 'box 3' }) }, view(walked));
    expect(blocked).toMatchObject({ ok: true, value: { value: 'Blocked: place "box 3" must be the place of your latest walk call. First call walk with place "box 3", then retry.' } });
    expect(await hooks.call('guard', { action: call('grab', { thing: 'cup 1', place: 'shelf 1' }) }, view(walked))).toMatchObject({ ok: true, value: { value: null } });

    // At the right place, the write failed without saying why: suggest the companion call, once.
    const grab = call('grab', { thing: 'cup 1', place: 'shelf 1' });
    const failed = [...walked, done(1, grab, false, 'Nothing happens.')];
    const hinted = await hooks.call('interpret', { outcome: { action: grab, result: { ok: false, output: 'Nothing happens.' }, text: 'Nothing happens.' } }, view(failed));
    expect(hinted).toMatchObject({ ok: true, value: { value: 'Nothing happens.\nIf "shelf 1" needs it, first call unlock with place "shelf 1", then retry.' } });
    const unlocked = [...walked, done(1, call('unlock', { place: 'shelf 1' })), done(2, grab, false, 'Nothing happens.')];
    expect(await hooks.call('interpret', { outcome: { action: grab, result: { ok: false, output: 'Nothing happens.' }, text: 'Nothing happens.' } }, view(unlocked))).toMatchObject({ ok: true, value: { value: 'Nothing happens.' } });
    await hooks.close();
  });
});

describe('argument guard feedback that fits the state', () => {
  type Said = [string, JsonObject, string];
  const said = (taskId: string, success: boolean, moves: Said[]) => {
    const steps = moves.map(([tool, args, output], index) => step(index, JSON.stringify({ tool, arguments: args }), { action: call(tool, args), result: { ok: true, output } }));
    steps.push(step(steps.length, 'finish', { action: { kind: 'finish', message: 'done' } }));
    return trajectory({ taskId, success, steps, verification: { success, reward: success ? 1 : 0, checks: [], differences: [] } });
  };
  const train = [
    said('s1', true, [['walk', { place: 'shelf 1' }, 'You reach shelf 1. On it: cup 1.'], ['grab', { thing: 'cup 1', place: 'shelf 1' }, 'Got cup 1.']]),
    said('s2', true, [['walk', { place: 'box 2' }, 'You reach box 2. It is locked.'], ['unlock', { place: 'box 2' }, 'Inside: pen 1.'], ['grab', { thing: 'pen 1', place: 'box 2' }, 'Got pen 1.']]),
    said('s3', true, [['walk', { place: 'shelf 1' }, 'You reach shelf 1. On it: nothing.'], ['walk', { place: 'box 1' }, 'You reach box 1. It is locked.'], ['unlock', { place: 'box 1' }, 'Inside: key 1.'], ['grab', { thing: 'key 1', place: 'box 1' }, 'Got key 1.']]),
    said('s4', true, [['walk', { place: 'box 4' }, 'You reach box 4. It is locked.'], ['unlock', { place: 'box 4' }, 'Inside: ring 1.'], ['grab', { thing: 'ring 1', place: 'box 4' }, 'Got ring 1.']]),
    said('s5', false, [['walk', { place: 'shelf 1' }, 'You reach shelf 1. On it: nothing.'], ['unlock', { place: 'box 3' }, 'Inside: cup 2.']]),
  ];
  const walkTo = (place: string, output: string): StepView => ({ ...done(0, call('walk', { place })), result: { ok: true, output } });

  it('learns the words of the source output that call for the companion', () => {
    const rules = mineArgumentSourceRules(train, TOOLS);
    expect(rules.map(({ tool, key, source, sourceKey }) => `${tool}.${key} ← ${source}.${sourceKey}`)).toEqual(['grab.place ← walk.place', 'unlock.place ← walk.place']);
    const companions = mineCompanionCalls(train, rules, TOOLS);
    expect(companions.map(({ write, tool }) => `${tool} before ${write}`)).toEqual(['unlock before grab']);
    expect(mineCompanionCues(train, rules, companions)).toEqual([['is', 'locked']]);
  });

  it('names the companion when the output calls for it, the latest value when the thing showed up, else the source call', async () => {
    const group: FailureGroup = { signature: 'policy:order', kind: 'policy', title: 'policy check failed: order', taskIds: ['s5'], episodes: 1, evidence: [] };
    const generated = argumentGuard({ request: request(group, train), failures: [train[4]!], variant: 0 })!;
    expect(generated.summary).toMatch(/suggest unlock before grab/);
    const hooks = await session([{ file: generated.file, source: generated.source }]);
    const verdict = async (action: Action, trajectory: StepView[]) => ((await hooks.call('guard', { action }, view(trajectory))) as { ok: true; value: { value: string | null } }).value.value;
    const locked = walkTo('box 2', 'You reach box 2. It is locked.');
    // At a locked place, grabbing elsewhere: the one call that unblocks the grab here.
    expect(await verdict(call('grab', { thing: 'pen 1', place: 'shelf 9' }), [locked])).toBe('Blocked: first call unlock with place "box 2", then retry.');
    // Unlocking the wrong place while standing at a locked one: the value to use.
    expect(await verdict(call('unlock', { place: 'box 5' }), [locked])).toBe('Blocked: place must be the place you named last. Retry with place "box 2".');
    // The thing showed up since the walk: the place to grab it from.
    const opened = [locked, { ...done(1, call('unlock', { place: 'box 2' })), result: { ok: true, output: 'Inside: pen 1.' } }];
    expect(await verdict(call('grab', { thing: 'pen 1', place: 'shelf 9' }), opened)).toBe('Blocked: place must be the place you named last. Retry with place "box 2".');
    // Nothing calls for the companion and the thing is not here: go where it is.
    expect(await verdict(call('grab', { thing: 'cup 2', place: 'box 3' }), [walkTo('shelf 1', 'You reach shelf 1. On it: nothing.')])).toBe(
      'Blocked: place "box 3" must be the place of your latest walk call. First call walk with place "box 3", then retry.',
    );
    expect(await verdict(call('grab', { thing: 'pen 1', place: 'box 2' }), opened)).toBeNull();
    await hooks.close();
  });
});

describe('stop check after an error', () => {
  it('blocks a repeated give-up twice with the error repeated, and lets it through when the episode is stuck', async () => {
    const group = mineFailures([...good, episode('t6', false, [['walk', { place: 'box 1' }, false]])]).find((candidate) => candidate.kind === 'give-up')!;
    const proposal = (await createHeuristicEngineer().propose(request(group, [...good, bad])))!;
    expect(proposal.files.map((file) => file.file)).toEqual(['stop-check.ts']);
    const hooks = await session(proposal.files);
    const finish: Action = { kind: 'finish', message: 'sorry' };
    const failedWalk = done(0, call('walk', { place: 'box 1' }), false, 'Nothing happens. Try walk with place "box 2".');
    const blockedFinish = (index: number): StepView => ({ index, raw: { text: 'sorry', toolCalls: [] }, action: finish, blocked: 'x', feedback: 'x' });
    const verdict = async (trajectory: StepView[]) => (await hooks.call('guard', { action: finish }, view(trajectory))) as { ok: true; value: { value: string | null } };
    expect((await verdict([failedWalk])).value.value).toMatch(/^Do not give up after an error.*The error was: Nothing happens\. Try walk with place "box 2"\.$/);
    expect((await verdict([failedWalk, blockedFinish(1)])).value.value).toMatch(/^Do not give up/);
    expect((await verdict([failedWalk, blockedFinish(1), blockedFinish(2)])).value.value).toBeNull();
    // The same failed output three times in a row: stuck, so the give-up goes through.
    const stuck = [0, 1, 2].map((index) => ({ ...failedWalk, index }));
    expect((await verdict(stuck)).value.value).toBeNull();
    await hooks.close();
  });
});

describe('unknown tool names', () => {
  it('maps a name that shares no word with any tool to the one tool whose parameters its arguments fit', async () => {
    const unknown = (taskId: string) => trajectory({ taskId, steps: [step(0, 'x', { action: call('fetch', { thing: 'cup 1', place: 'shelf 1' }), result: { ok: false, output: "Error: unknown tool 'fetch'. Available tools: walk" } })] });
    const group = mineFailures([unknown('t7')]).find((candidate) => candidate.kind === 'unknown-tool')!;
    const proposal = (await createHeuristicEngineer().propose(request(group, [unknown('t7')])))!;
    const hooks = await session(proposal.files);
    const realize = (action: Action) => hooks.call('realize', { draft: { raw: { text: '', toolCalls: [] }, action }, allowResample: false }, view([]));
    expect(await realize(call('fetch', { thing: 'cup 1', place: 'shelf 1' }))).toMatchObject({ ok: true, value: { value: { action: call('grab', { thing: 'cup 1', place: 'shelf 1' }) } } });
    // Two tools take a place alone: no guess.
    expect(await realize(call('go', { place: 'shelf 1' }))).toMatchObject({ ok: true, value: { value: { action: call('go', { place: 'shelf 1' }) } } });
    await hooks.close();
  });
});
