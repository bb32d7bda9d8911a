/**
 * The heuristic engineer's look-before-change capability on small synthetic trajectories (no environment):
 * which calls change what was there (learnt from the calls a failed policy check names, and from flags the
 * written rules mention), which looks came right before them in successful episodes, what the guard
 * blocks, the one look its feedback names, and that correct sequences go through.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Trajectory } from '../../src/agent/trajectory.ts';
import type { Action, JsonObject, StepView, ToolSchema } from '../../src/harness/api.ts';
import { FINISH_TOOL } from '../../src/agent/finish-tool.ts';
import { createHeuristicEngineer } from '../../src/meta/engineers/heuristic/index.ts';
import { callFeatures, commandFeatures, mineLookRules, pathTokens } from '../../src/meta/engineers/heuristic/look-evidence.ts';
import { createHarnessChecker } from '../../src/meta/check/index.ts';
import { mineFailures } from '../../src/meta/mine.ts';
import type { EngineerRequest } from '../../src/meta/types.ts';
import type { HarnessFile } from '../../src/store/harness-files.ts';
import { compileHarness, createInProcessRunner } from '../../sandboxes/index.ts';
import type { ViewState } from '../../sandboxes/types.ts';
import { step, trajectory } from '../helpers/trajectories.ts';

const text = { type: 'string' as const };
const TOOLS: ToolSchema[] = [
  { name: 'shell', description: 'Run a command line.', parameters: { type: 'object', properties: { command: text, folder: text }, required: ['command'] }, readOnly: false },
  { name: 'edit', description: 'Replace text in a file.', parameters: { type: 'object', properties: { path: text, old: text, new: text }, required: ['path', 'old', 'new'] }, readOnly: false },
  { name: 'save', description: 'Write a file.', parameters: { type: 'object', properties: { path: text, content: text }, required: ['path', 'content'] }, readOnly: false },
  { name: 'show', description: 'Print a file.', parameters: { type: 'object', properties: { path: text }, required: ['path'] }, readOnly: true },
  { name: 'dir', description: 'List a folder.', parameters: { type: 'object', properties: { path: text }, required: ['path'] }, readOnly: true },
  FINISH_TOOL,
];
const RULES = 'Look right before you change what was there (shred, edit, a > redirection, tidy --purge).';

const call = (tool: string, args: JsonObject): Action => ({ kind: 'call', tool, arguments: args });
type Move = [string, JsonObject, string?];

function episode(taskId: string, success: boolean, moves: Move[], detail?: string): Trajectory {
  const steps = moves.map(([tool, args, output = 'done'], index) => step(index, JSON.stringify({ tool, arguments: args }), { action: call(tool, args), result: { ok: true, output } }));
  steps.push(step(steps.length, 'finish', { action: { kind: 'finish', message: 'done' } }));
  const checks = detail === undefined ? [{ name: 'policy:look', passed: true }] : [{ name: 'policy:look', passed: false, detail }];
  return trajectory({ taskId, success, steps, verification: { success, reward: success ? 1 : 0, checks, differences: [] } });
}

const good = [
  // A question: commands with no look before them change nothing.
  episode('q1', true, [['shell', { command: 'grep -c x /srv/a.log' }], ['shell', { command: 'tidy --check /srv/a.log' }]]),
  episode('c1', true, [['shell', { command: 'grep x /etc/app.conf' }], ['show', { path: '/etc/app.conf' }], ['edit', { path: '/etc/app.conf', old: 'a', new: 'b' }], ['edit', { path: '/etc/app.conf', old: 'c', new: 'd' }]]),
  episode('c2', true, [['dir', { path: '/var/old' }], ['shell', { command: 'shred -u *.tmp', folder: '/var/old' }]]),
  episode('c3', true, [['shell', { command: 'wc -l /var/junk/x.tmp' }], ['dir', { path: '/var/junk' }], ['shell', { command: 'shred -u x.tmp', folder: '/var/junk' }]]),
  // A file the agent wrote itself needs no look.
  episode('c4', true, [['dir', { path: '/opt' }], ['save', { path: '/opt/run.sh', content: 'echo hi' }], ['shell', { command: 'shred run.sh', folder: '/opt' }]]),
  episode('c5', true, [['shell', { command: 'tidy --check .', folder: '/srv/site' }], ['shell', { command: 'tidy --purge .', folder: '/srv/site' }]]),
  episode('c6', true, [['show', { path: '/etc/motd' }], ['shell', { command: "echo 'hello' >> /etc/motd" }]]),
];
const bad = [
  episode('b1', false, [['shell', { command: 'grep x /etc/app.conf' }], ['edit', { path: '/etc/app.conf', old: 'a', new: 'b' }]], 'call 2 (edit) changed /etc/app.conf without a look at it right before'),
  episode('b2', false, [['shell', { command: 'grep -c x /var/old/a.tmp' }], ['shell', { command: 'shred -u *.tmp', folder: '/var/old' }]], 'call 2 (shell) changed /var/old/a.tmp without a look at it right before'),
];

const runner = createInProcessRunner();
afterAll(() => runner.dispose());

function request(train: Trajectory[]): EngineerRequest {
  const group = mineFailures(train).find((candidate) => candidate.signature === 'policy:look')!;
  return { environment: { name: 'test-machine', description: '', rules: RULES, tools: TOOLS }, apiTypes: '', modules: [], group, examples: [], rejected: [], train };
}

async function session(files: HarnessFile[]) {
  const opened = await runner.open(compileHarness(files), { seed: 1, peek: () => ({ ok: true, output: '' }) });
  if (!opened.ok) throw new Error(JSON.stringify(opened.violation));
  return opened.session;
}

function view(trajectory: StepView[]): ViewState {
  return { apiVersion: 1, environment: 'test-machine', instruction: 'Tidy up.', tools: TOOLS, rules: RULES, step: trajectory.length, maxSteps: 20, trajectory };
}

function done(moves: Move[]): StepView[] {
  return moves.map(([tool, args, output = 'done'], index) => ({ index, raw: { text: '', toolCalls: [] }, action: call(tool, args), feedback: output, result: { ok: true, output } }));
}

describe('reading command lines', () => {
  it('finds command words, their flags, commands run by -exec and xargs, and redirections onto files', () => {
    expect(commandFeatures("sort -fu req.txt -o req.txt && find . -name '*.py' -exec chmod +x {} +")).toEqual(['sort', 'sort -fu', 'sort -o', 'find', 'find -name', 'find -exec', 'chmod']);
    expect(commandFeatures('grep x a.log 2>/dev/null > out.txt | xargs rm -f')).toEqual(['grep', '>', 'xargs', 'rm', 'rm -f']);
    expect(commandFeatures('ls -l 2>/dev/null')).toEqual(['ls', 'ls -l']);
    expect(callFeatures('edit', { path: '/etc/app.conf', old: 'a', new: 'b' })).toEqual(['edit']);
    expect(pathTokens({ command: 'shred -u x.tmp', folder: '/var/junk' })).toEqual(['/var/junk/shred', '/var/junk/x.tmp', 'x.tmp', '/var/junk', 'junk']);
  });
});

describe('look before a change', () => {
  it('learns the changes a failed check names by their most general feature, and flags the rules mention', () => {
    const rules = mineLookRules([...good, ...bad], TOOLS, { rules: RULES });
    expect(rules.map(({ feature, looks, suggest }) => ({ feature, looks, suggest }))).toEqual([
      { feature: 'edit', looks: ['show'], suggest: { tool: 'show', key: 'path', whole: true } },
      { feature: 'shell:>', looks: ['show'], suggest: { tool: 'show', key: 'path', whole: false } },
      { feature: 'shell:shred', looks: ['dir'], suggest: { tool: 'dir', key: 'path', whole: true } },
      { feature: 'shell:tidy --purge', looks: ['shell:tidy'], suggest: { tool: 'shell', key: 'command', command: 'tidy', whole: false } },
    ]);
    // Without a failed check naming a call, nothing is learnt; `shell` alone is no change (questions run it first).
    expect(mineLookRules(good, TOOLS, { rules: RULES })).toEqual([]);
    expect(mineLookRules([...good, bad[1]!], TOOLS).map((rule) => rule.feature)).toEqual(['shell:shred']);
  });

  it('blocks a change without a look right before it, names one look with its value, and lets correct sequences through', async () => {
    const proposal = (await createHeuristicEngineer().propose(request([...good, ...bad])))!;
    expect(proposal.files.map((file) => file.file)).toEqual(['look-guard.ts']);
    const checked = createHarnessChecker({ corpus: { instructions: [], values: [] } }).check(proposal.files);
    expect(checked.ok ? 'ok' : checked.diagnostics).toBe('ok');
    const hooks = await session(proposal.files);
    const guard = async (action: Action, before: Move[]) => ((await hooks.call('guard', { action }, view(done(before)))) as { ok: true; value: { value: string | null } }).value.value;

    const edit = call('edit', { path: '/etc/app.conf', old: 'a', new: 'b' });
    expect(await guard(edit, [['shell', { command: 'grep x /etc/app.conf' }]])).toBe('Blocked: look at /etc/app.conf right before changing it. First call show with path "/etc/app.conf", then retry.');
    expect(await guard(edit, [['show', { path: '/etc/app.conf' }]])).toBeNull();
    // A look at another file does not count; a second change to what the agent already changed needs none.
    expect(await guard(edit, [['show', { path: '/etc/other.conf' }]])).not.toBeNull();
    expect(await guard(call('edit', { path: '/etc/app.conf', old: 'c', new: 'd' }), [['show', { path: '/etc/app.conf' }], ['edit', { path: '/etc/app.conf', old: 'a', new: 'b' }]])).toBeNull();

    const shred = call('shell', { command: 'shred -u *.tmp', folder: '/var/old' });
    expect(await guard(shred, [])).toBe('Blocked: look at /var/old right before changing it. First call dir with path "/var/old", then retry.');
    expect(await guard(shred, [['dir', { path: '/var/old' }]])).toBeNull();
    // What the agent wrote itself, and commands that change nothing, go through.
    expect(await guard(call('shell', { command: 'shred run.sh', folder: '/opt' }), [['save', { path: '/opt/run.sh', content: 'x' }]])).toBeNull();
    expect(await guard(call('shell', { command: 'grep -c x /srv/a.log' }), [])).toBeNull();

    const append = call('shell', { command: "echo 'x' >> /etc/motd" });
    expect(await guard(append, [['shell', { command: 'ls /etc' }]])).toBe('Blocked: look at /etc/motd right before changing it. First call show with path "/etc/motd", then retry.');
    expect(await guard(call('shell', { command: 'tidy --purge .', folder: '/srv/site' }), [])).toBe('Blocked: look at /srv/site right before changing it. First call shell with command "tidy /srv/site", then retry.');

    // Blocked once as it is: repeated, it goes through (the feedback is not being followed); another call is still blocked.
    const blocked = (index: number, action: Action): StepView => ({ index, raw: { text: '', toolCalls: [] }, action, blocked: 'x', feedback: 'x' });
    expect((await hooks.call('guard', { action: shred }, view([blocked(0, shred)]))) as unknown).toMatchObject({ ok: true, value: { value: null } });
    expect((await hooks.call('guard', { action: shred }, view([blocked(0, edit)]))) as unknown).toMatchObject({ ok: true, value: { value: expect.stringMatching(/^Blocked/) } });
    await hooks.close();
  });

  it('never blocks a call of the successful train episodes', async () => {
    const proposal = (await createHeuristicEngineer().propose(request([...good, ...bad])))!;
    const hooks = await session(proposal.files);
    for (const episodeOf of good) {
      const moves: Move[] = [];
      for (const recorded of episodeOf.steps) {
        if (recorded.action?.kind !== 'call') continue;
        const verdict = (await hooks.call('guard', { action: recorded.action }, view(done(moves)))) as { ok: true; value: { value: string | null } };
        expect([episodeOf.taskId, verdict.value.value]).toEqual([episodeOf.taskId, null]);
        moves.push([recorded.action.tool, recorded.action.arguments, recorded.result?.output]);
      }
    }
    await hooks.close();
  });
});
