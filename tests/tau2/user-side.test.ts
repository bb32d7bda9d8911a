/**
 * The tau2 machinery's extension points for a domain with a user side (what tau2's telecom needs),
 * exercised on a small synthetic domain written here: user-side tools and database, tau2's sync between
 * the sides, initialization actions and env_assertions through the domain's functions, gold actions
 * requested by the user, and a reward basis of ENV_ASSERTION and ACTION.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, param, refuse } from '../../src/toolkit/tools.ts';
import { createTau2Environment, type Tau2Environment } from '../../environments/tau2/domain.ts';
import { deepFreeze, type Tables } from '../../environments/tau2/store.ts';
import type { Tau2State } from '../../environments/tau2/world.ts';
import { followOracle } from './helpers.ts';

interface Carrier extends Tables {
  lines: Record<string, { line_id: string; status: 'active' | 'suspended' }>;
}
interface Handset extends Tables {
  phone: Record<string, { airplane_mode: boolean; connected: boolean }>;
}
type State = Tau2State<Carrier, Handset>;

const phone = (state: State) => state.userDb!.get('phone', 'main')!;

const task = (id: string, basis: string[]) => ({
  id,
  description: null,
  user_scenario: { persona: null, instructions: { domain: 'carrier', reason_for_call: 'My phone has no service.', known_info: 'Line L1.', unknown_info: null, task_instructions: 'Do what the agent asks.' } },
  ticket: 'The customer on line L1 has no service.',
  initial_state: { initialization_data: null, initialization_actions: [{ env_type: 'user', func_name: 'set_airplane', arguments: { on: true } }], message_history: null },
  evaluation_criteria: {
    actions: [
      { action_id: `${id}-0`, requestor: 'user', name: 'toggle_airplane', arguments: {}, info: null, compare_args: null },
      { action_id: `${id}-1`, requestor: 'assistant', name: 'resume_line', arguments: { line_id: 'L1' }, info: null, compare_args: ['line_id'] },
    ],
    env_assertions: [{ env_type: 'user', func_name: 'assert_connected', arguments: { expected: true }, assert_value: true, message: null }],
    communicate_info: null,
    nl_assertions: null,
    reward_basis: basis,
  },
});

let folder: string;
let environment: Tau2Environment<Carrier, Handset>;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'tau2-carrier-'));
  const domain = join(folder, 'tau2', 'carrier');
  mkdirSync(domain, { recursive: true });
  writeFileSync(join(domain, 'db.json'), JSON.stringify({ lines: { L1: { line_id: 'L1', status: 'suspended' } } }));
  writeFileSync(join(domain, 'policy.md'), 'Help the customer get service back.');
  writeFileSync(join(domain, 'tasks.json'), JSON.stringify([task('t1', ['ENV_ASSERTION', 'ACTION']), task('t2', ['ENV_ASSERTION', 'ACTION']), task('t3', ['DB'])]));
  writeFileSync(join(domain, 'split_tasks.json'), JSON.stringify({ train: ['t1', 't3'], test: ['t2'] }));
  environment = createTau2Environment<Carrier, Handset>(
    {
      name: 'tau2-carrier',
      domain: 'carrier',
      description: 'A synthetic carrier desk.',
      files: ['db.json', 'policy.md'],
      load: (files) => ({
        db: deepFreeze(files.json('db.json', z.custom<Carrier>(), 'database')),
        userDb: deepFreeze({ phone: { main: { airplane_mode: false, connected: false } } }),
        policy: files.text('policy.md'),
      }),
      tools: [
        defineTool<State>({
          name: 'resume_line',
          readOnly: false,
          description: 'Resume a suspended line.',
          parameters: { line_id: param.string() },
          run: (state, args) => {
            const line = state.db.edit('lines', String(args.line_id)) ?? refuse('Line not found');
            line.status = 'active';
            return 'resumed';
          },
        }),
      ],
      userTools: [
        defineTool<State>({
          name: 'toggle_airplane',
          readOnly: false,
          description: 'Toggle airplane mode.',
          run: (state) => {
            const handset = state.userDb!.edit('phone', 'main')!;
            handset.airplane_mode = !handset.airplane_mode;
            return `airplane mode ${handset.airplane_mode ? 'on' : 'off'}`;
          },
        }),
      ],
      sync: (state) => {
        const connected = state.db.get('lines', 'L1')!.status === 'active' && !phone(state).airplane_mode;
        if (phone(state).connected !== connected) state.userDb!.edit('phone', 'main')!.connected = connected;
      },
      runFunction: (state, call) => {
        if (call.func_name === 'set_airplane') state.userDb!.edit('phone', 'main')!.airplane_mode = Boolean(call.arguments.on);
        else if (call.func_name === 'assert_connected') return phone(state).connected === call.arguments.expected;
        else throw new Error(`no function ${call.func_name}`);
        return undefined;
      },
      purposeOf: () => 'write',
      ticketOf: (data) => data.ticket ?? '',
      kindOf: (data) => (data.id === 't3' ? 'db-only' : 'service'),
      maxSteps: 10,
    },
    { data: folder },
  );
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('a tau2 domain with a user side', () => {
  it('starts from the initialization actions and syncs the sides; ticket form gives the agent the user tools', () => {
    const session = environment.reset('t1', 0);
    expect(environment.tools.map((tool) => tool.name)).toEqual(['resume_line', 'toggle_airplane']);
    expect(environment.conversation!.tools.map((tool) => tool.name)).toEqual(['resume_line']);
    expect(environment.conversation!.userTools.map((tool) => tool.name)).toEqual(['toggle_airplane']);
    expect(environment.task('t1')).toMatchObject({ instruction: 'The customer on line L1 has no service.', kind: 'service' });
    expect(session.peek('resume_line', { line_id: 'L1' })).toMatchObject({ ok: false });
    // The gold replay (user's toggle, agent's resume) meets the assertion through sync.
    expect(environment.gold('t1').steps.map((step) => [step.ok, step.changed])).toEqual([[true, true], [true, true]]);
  });

  it('scores ENV_ASSERTION and ACTION as tau2 does, naming the assertion and the action that failed', () => {
    const partial = environment.reset('t1', 0);
    expect(partial.step('resume_line', { line_id: 'L1' }).ok).toBe(true);
    partial.finish('Done.');
    expect(partial.verify().checks.filter((check) => !check.passed).map((check) => check.name)).toEqual(['assertion:assert_connected', 'action:toggle_airplane']);

    const solved = environment.reset('t1', 0);
    followOracle(solved);
    expect(solved.verify()).toMatchObject({ success: true, reward: 1 });
  });

  it('compares the user side too when the basis is DB, naming its records', () => {
    const session = environment.reset('t3', 0);
    expect(session.step('resume_line', { line_id: 'L1' }).ok).toBe(true);
    session.finish('Done.');
    expect(session.verify().differences).toEqual([
      { table: 'user.phone', key: 'main', field: 'airplane_mode' },
      { table: 'user.phone', key: 'main', field: 'connected' },
    ]);
  });

  it('in conversational form the user makes the user-side calls: the oracle asks for them, and ACTION sees them', () => {
    const session = environment.conversation!.reset('t1', 0);
    const first = session.oracle()[0]!;
    expect(first).toMatchObject({ action: { kind: 'call', tool: 'respond' } });
    session.say(String(first.action.kind === 'call' ? first.action.arguments.message : ''));
    expect(session.userStep('toggle_airplane', {})).toEqual({ ok: true, output: 'airplane mode off' });
    session.hear('Done, airplane mode is off.');
    expect(session.oracle().map((step) => (step.action.kind === 'call' ? `${step.purpose}:${step.action.tool}` : 'finish'))).toEqual(['confirm:respond', 'write:resume_line', 'finish']);
    expect(session.step('resume_line', { line_id: 'L1' }).ok).toBe(true);
    session.hear('It works! ###STOP###', '###STOP###');
    expect(session.verify()).toMatchObject({ success: true });
  });
});
