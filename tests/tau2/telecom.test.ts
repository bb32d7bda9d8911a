/**
 * tau2-telecom on the benchmark's own data: splits and the task pin, the gold replay scoring 1.0 on every
 * task, tau2's reward (assertions, actions) naming what failed, the oracle from any state, the tools' legal
 * and refused calls with tau2's texts, and the phone simulation's outputs. The full comparison with tau2's
 * Python is bench/tau2-reference/check.ts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { JsonObject } from '../../src/harness/api.ts';
import { hashOf } from '../../src/toolkit/canonical.ts';
import { createTau2Telecom } from '../../environments/tau2-telecom/index.ts';
import type { TelecomDatabase, TelecomUserDatabase } from '../../environments/tau2-telecom/database.ts';
import type { Tau2Environment } from '../../environments/tau2/domain.ts';
import { describeWithBenchData } from '../helpers/bench-data.ts';
import { followOracle } from './helpers.ts';

const REFUEL_TASK = '[mobile_data_issue]data_mode_off|data_usage_exceeded[PERSONA:None]';
const SIM_TASK = '[service_issue]airplane_mode_on|unseat_sim_card[PERSONA:None]';
const NETWORK_TASK = '[mobile_data_issue]airplane_mode_on|bad_network_preference[PERSONA:Hard]';
const TRANSFER_TASK = '[service_issue]airplane_mode_on|lock_sim_card_pin[PERSONA:Easy]';
const BILL_TASK = '[service_issue]airplane_mode_on|overdue_bill_suspension[PERSONA:None]';

describeWithBenchData('tau2-telecom', 'tau2/telecom', (data) => {
  let environment: Tau2Environment<TelecomDatabase, TelecomUserDatabase>;
  const play = (taskId: string, skip: (name: string, index: number) => boolean = () => false) => {
    const session = environment.reset(taskId, 0);
    (environment.task(taskId).criteria?.actions ?? []).forEach((action, index) => {
      if (!skip(action.name, index)) expect(session.step(action.name, action.arguments as JsonObject).ok, `${taskId}: ${action.name}`).toBe(true);
    });
    return session;
  };
  const failed = (session: ReturnType<typeof play>) => session.verify().checks.filter((check) => !check.passed).map((check) => check.name);
  beforeAll(() => {
    environment = createTau2Telecom({ data });
  });

  it("keeps the benchmark's train/test ids, carves a third of train into validation by issue family, and pins tasks and world", () => {
    const splits = JSON.parse(readFileSync(join(data, 'tau2', 'telecom', 'split_tasks.json'), 'utf8')) as { train: string[]; test: string[] };
    const ids = (split: string) => environment.tasks.filter((task) => task.split === split).map((task) => task.id);
    expect(new Set(ids('test'))).toEqual(new Set(splits.test));
    expect(new Set([...ids('train'), ...ids('validation')])).toEqual(new Set(splits.train));
    expect([ids('train').length, ids('validation').length, ids('test').length]).toEqual([49, 25, 40]);
    expect(environment.excluded).toEqual([]);
    const kinds = (split: string) => new Set(environment.tasks.filter((task) => task.split === split).map((task) => task.kind));
    for (const split of ['train', 'validation', 'test']) expect(kinds(split)).toEqual(new Set(['mms_issue', 'mobile_data_issue', 'service_issue']));
    // The ticket is the task's own (tau2's solo mode); the rules are the solo policy and workflow.
    expect(environment.task(REFUEL_TASK).instruction).toBe(environment.task(REFUEL_TASK).data.ticket);
    expect(environment.rules).toMatch(/^<main_policy>\n# Telecom Agent Policy/);
    expect(environment.rules).toContain('As an agent, you have direct access to the user\'s device');
    expect(environment.conversation!.rules).toContain('<tech_support_policy>\n# Introduction');
    expect(environment.tools).toHaveLength(13 + 30);
    expect(environment.conversation!.userTools).toHaveLength(30);
    expect(hashOf(environment.tasks.map((task) => [task.id, task.split, task.kind, task.instruction]))).toBe('d4edc2eddab0d00d7b7ccda5ddd073f55ce7ef226979084d026abf58639893cb');
    expect(hashOf(environment.tasks.map((task) => environment.hashState(environment.createState(environment.task(task.id), 0))))).toBe('b080c0bacb89bdd39eafc8134ecf6ed5a28bee61992c2be46781e7c1d5ea0b2a');
  });

  it('replays the gold actions of every task without a tool error, and every task scores 1.0', () => {
    for (const task of environment.tasks) {
      expect(environment.gold(task.id).steps.filter((step) => !step.ok), task.id).toEqual([]);
      const session = play(task.id);
      session.finish('Done.');
      expect(session.verify(), task.id).toMatchObject({ success: true, reward: 1 });
    }
  });

  it('a run that leaves one assertion false scores 0 and names it, with the records that depart from the gold replay', () => {
    const session = play(SIM_TASK, (name) => name === 'reseat_sim_card');
    session.finish('Done.');
    const verdict = session.verify();
    expect(verdict.reward).toBe(0);
    expect(failed(session)).toEqual(['assertion:assert_service_status']);
    expect(verdict.checks.find((check) => check.name === 'assertion:assert_service_status')!.detail).toBe('assert_service_status({"expected_status":"connected"}) should be true, and is not');
    expect(verdict.differences).toContainEqual({ table: 'user.device', key: 'main', field: 'sim_card_missing' });
  });

  it('a run that changes one record wrongly scores 0 and names it', () => {
    const session = play(REFUEL_TASK, (name) => name === 'refuel_data');
    expect(session.step('refuel_data', { customer_id: 'C1001', line_id: 'L1002', gb_amount: 3.0 }).ok).toBe(true);
    session.finish('Done.');
    const verdict = session.verify();
    expect(verdict.reward).toBe(0);
    expect(failed(session)).toEqual(['assertion:assert_data_refueling_amount']);
    expect(verdict.differences).toEqual([
      { table: 'bills', key: 'B1003', field: 'line_items' },
      { table: 'bills', key: 'B1003', field: 'total_due' },
      { table: 'lines', key: 'L1002', field: 'data_refueling_gb' },
    ]);
  });

  it('ACTION counts where the task says so: a locked SIM must be handed to a human', () => {
    const session = environment.reset(TRANSFER_TASK, 0);
    session.finish('Your SIM is locked.');
    expect(failed(session)).toEqual(['action:transfer_to_human_agents']);
    const transferred = play(TRANSFER_TASK);
    transferred.finish('YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON.');
    expect(transferred.verify().success).toBe(true);
  });

  it('the oracle identifies the customer, reads the status bar, and solves every task of every split', () => {
    expect(environment.reset(NETWORK_TASK, 0).oracle().map((step) => (step.action.kind === 'call' ? `${step.purpose}:${step.action.tool}` : step.purpose))).toEqual([
      'identify:get_customer_by_phone',
      'inspect:check_status_bar',
      'write:toggle_airplane_mode',
      'write:set_network_mode_preference',
      'finish',
    ]);
    for (const task of environment.tasks) {
      const session = environment.reset(task.id, 1);
      followOracle(session);
      expect(session.verify().success, task.id).toBe(true);
    }
  });

  it('after wrong moves the oracle undoes them and still solves the task; an irreversible one is planned around', () => {
    const session = environment.reset(NETWORK_TASK, 0);
    expect(session.step('set_network_mode_preference', { mode: '2g_only' }).ok).toBe(true);
    expect(session.step('toggle_data_saver_mode', {}).ok).toBe(true);
    expect(session.step('disable_roaming', { customer_id: 'C1001', line_id: 'L1002' }).ok).toBe(true);
    const plan = session.oracle().flatMap((step) => (step.action.kind === 'call' && step.purpose === 'write' ? [step.action.tool] : []));
    expect(plan).toEqual(expect.arrayContaining(['toggle_data_saver_mode', 'toggle_airplane_mode', 'set_network_mode_preference']));
    followOracle(session);
    expect(session.verify().success).toBe(true);

    // A payment request for the wrong bill blocks the right one until it is paid: the oracle clears it.
    const billing = environment.reset(BILL_TASK, 0);
    expect(billing.step('send_payment_request', { customer_id: 'C1001', bill_id: 'B1002' }).ok).toBe(true);
    followOracle(billing);
    expect(billing.verify().success).toBe(true);

    // Too much data refueled cannot be taken back: the plan still fixes the phone, and the task is lost.
    const lost = environment.reset(REFUEL_TASK, 0);
    expect(lost.step('refuel_data', { customer_id: 'C1001', line_id: 'L1002', gb_amount: 3.0 }).ok).toBe(true);
    followOracle(lost);
    expect(failed(lost)).toEqual(['assertion:assert_data_refueling_amount']);
  });

  it("every write tool has a legal call, and an illegal one refused or declined in tau2's words, without a change", () => {
    const cases: [string, JsonObject, { ok: boolean; output: string }][] = [
      ['suspend_line', { customer_id: 'C1001', line_id: 'L1003', reason: 'travel' }, { ok: false, output: 'Error: Line must be active to suspend' }],
      ['resume_line', { customer_id: 'C1001', line_id: 'L1001' }, { ok: false, output: 'Error: Line must be suspended to resume' }],
      ['send_payment_request', { customer_id: 'C1001', bill_id: 'B1004' }, { ok: false, output: 'Error: Bill B1004 not found for customer C1001' }],
      ['enable_roaming', { customer_id: 'C1002', line_id: 'L1002' }, { ok: false, output: 'Error: Line L1002 not found for customer C1002' }],
      ['disable_roaming', { customer_id: 'C9999', line_id: 'L1002' }, { ok: false, output: 'Error: Customer with ID C9999 not found' }],
      ['refuel_data', { customer_id: 'C1001', line_id: 'L1002', gb_amount: 0 }, { ok: false, output: 'Error: Refuel amount must be positive' }],
      [
        'set_apn_settings',
        { apn_settings: { apn_name: 'fast', mms_port: 'x' } },
        {
          ok: false,
          output:
            "Error: 2 validation errors for APNSettings\napn_name\n  Input should be 'internet' or 'broken' [type=enum, input_value='fast', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.10/v/enum\nmms_port\n  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='x', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.10/v/int_parsing",
        },
      ],
      ['set_network_mode_preference', { mode: '5g_only' }, { ok: true, output: "Failed to set network mode: '5g_only' is not a valid option. Please use one of: 4g_5g_preferred, 4g_only, 3g_only, 2g_only" }],
      ['grant_app_permission', { app_name: 'camera', permission: 'storage' }, { ok: true, output: "Error. App 'camera' not found. Cannot grant permission." }],
      ['make_payment', {}, { ok: true, output: 'You do not have a payment request.' }],
      ['toggle_wifi', {}, { ok: true, output: 'Cannot change Wi-Fi settings while Airplane Mode is ON.' }],
      ['disconnect_vpn', {}, { ok: true, output: 'No active VPN connection to disconnect.' }],
    ];
    for (const [tool, args, expected] of cases) {
      const session = environment.reset(SIM_TASK, 0);
      const before = session.stateHash();
      const result = session.step(tool, args);
      expect(result.ok, tool).toBe(expected.ok);
      expect(result.output.startsWith(expected.output), `${tool}: ${result.output}`).toBe(true);
      expect(session.stateHash(), tool).toBe(before);
    }
    // The toggles and the rest cannot fail in tau2; each has a legal call in some task's gold actions or here.
    const legal: [string, JsonObject][] = [
      ['transfer_to_human_agents', { summary: 'SIM locked' }],
      ['suspend_line', { customer_id: 'C1001', line_id: 'L1001', reason: 'travel' }],
      ['disable_roaming', { customer_id: 'C1002', line_id: 'L1004' }],
      ['connect_vpn', {}],
      ['toggle_wifi_calling', {}],
      ['set_apn_settings', { apn_settings: { apn_name: 'internet' } }],
    ];
    for (const [tool, args] of legal) expect(environment.reset(REFUEL_TASK, 0).step(tool, args).ok, tool).toBe(true);
    const gold = new Set(environment.tasks.flatMap((task) => environment.gold(task.id).steps.filter((step) => step.ok).map((step) => step.action.name)));
    for (const schema of environment.tools.filter((tool) => !tool.readOnly)) {
      const hasLegal = gold.has(schema.name) || legal.some(([name]) => name === schema.name) || ['toggle_wifi', 'disconnect_vpn'].includes(schema.name);
      expect(hasLegal, `${schema.name} has a legal call`).toBe(true);
      const cannotFail = ['transfer_to_human_agents', 'toggle_airplane_mode', 'toggle_data', 'toggle_roaming', 'toggle_data_saver_mode', 'toggle_wifi_calling', 'reseat_sim_card', 'reset_apn_settings', 'reboot_device', 'connect_vpn'];
      expect(cases.some(([name]) => name === schema.name) || cannotFail.includes(schema.name), `${schema.name} has an illegal case`).toBe(true);
    }
  });

  it("answers as tau2's phone and desk answer: status bar, speed test, VPN details, numbers in dicts as text", () => {
    const session = environment.reset(REFUEL_TASK, 0);
    expect(session.step('check_status_bar', {}).output).toBe('Status Bar: \u{1F4F6}\u2074 Excellent | 5G | \u{1F4F5} Data Disabled | \u{1F50B} 80%');
    expect(session.step('run_speed_test', {}).output).toBe('Speed test failed: No Connection.');
    expect(session.step('get_data_usage', { customer_id: 'C1001', line_id: 'L1002' }).output).toBe(
      '{"line_id": "L1002", "data_used_gb": "15.1", "data_limit_gb": "15.0", "data_refueling_gb": "0.0", "cycle_end_date": "2025-02-28"}',
    );
    session.step('toggle_data', {});
    expect(session.step('refuel_data', { customer_id: 'C1001', line_id: 'L1002', gb_amount: 2 }).output).toBe(
      '{"message": "Successfully added 2.0 GB of data for line L1002 for $4.00", "new_data_refueling_gb": "2.0", "charge": "4.0"}',
    );
    expect(session.step('run_speed_test', {}).output).toBe('Speed Test Result: 275.00 Mbps (Excellent). Connection is very fast.');
    expect(session.step('toggle_data_saver_mode', {}).ok).toBe(true);
    expect(session.step('run_speed_test', {}).output).toBe('Speed Test Result: 55.00 Mbps (Good). Connection is good for most activities, including HD streaming.');
    expect(session.step('connect_vpn', {}).ok).toBe(true);
    expect(session.step('check_vpn_status', {}).output).toBe(
      "VPN is ON and connected. Details: {'server_address': '192.168.1.1', 'protocol': 'OpenVPN', 'server_performance': <PerformanceLevel.EXCELLENT: 'excellent'>}",
    );
    expect(JSON.parse(session.step('get_customer_by_phone', { phone_number: '555-123-2002' }).output)).toMatchObject({ customer_id: 'C1001', created_at: '2025-01-15 10:30:00' });
    expect(session.step('get_customer_by_phone', { phone_number: '555-000-0000' }).output).toBe('Error: Customer with phone number 555-000-0000 not found');

    // break_vpn degrades the VPN profile itself, as tau2's shared default does: a reconnection is slow too.
    const vpn = environment.reset('[mobile_data_issue]bad_network_preference|bad_vpn|user_abroad_roaming_enabled_off[PERSONA:Easy]', 0);
    expect(vpn.step('disconnect_vpn', {}).ok).toBe(true);
    vpn.step('connect_vpn', {});
    expect(vpn.step('check_vpn_status', {}).output).toContain("<PerformanceLevel.POOR: 'poor'>");
  });

  it('reads the TOML databases through zod, and a malformed one is one line naming the file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tau2-telecom-'));
    try {
      cpSync(join(data, 'tau2', 'telecom'), join(folder, 'tau2', 'telecom'), { recursive: true });
      writeFileSync(join(folder, 'tau2', 'telecom', 'user_db.toml'), '[device]\nairplane_mode = "sometimes"\n');
      expect(() => createTau2Telecom({ data: folder })).toThrow(/user_db\.toml does not look like tau2-bench's telecom user database: device\.airplane_mode: /);
      writeFileSync(join(folder, 'tau2', 'telecom', 'db.toml'), '[[plans]\n');
      expect(() => createTau2Telecom({ data: folder })).toThrow(/db\.toml is not valid TOML: /);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

