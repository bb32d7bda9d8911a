/**
 * tau2-airline on the benchmark's own data: splits, the gold replay scoring 1.0 on every task, the
 * oracle from any state, tau2's reward (nl_assertions do not count), and the tools' legal and illegal
 * calls with tau2's texts, pydantic's included.
 */
import { beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../src/harness/api.ts';
import { hashOf } from '../../src/toolkit/canonical.ts';
import { createTau2Airline } from '../../environments/tau2-airline/index.ts';
import type { AirlineDatabase } from '../../environments/tau2-airline/database.ts';
import type { Tau2Environment } from '../../environments/tau2/domain.ts';
import { describeWithBenchData } from '../helpers/bench-data.ts';
import { finishLikeTheOracle, followOracle, playGold } from './helpers.ts';

describeWithBenchData('tau2-airline', 'tau2/airline', (data) => {
  let environment: Tau2Environment<AirlineDatabase>;
  beforeAll(() => {
    environment = createTau2Airline({ data });
  });

  it("keeps the benchmark's train/test ids and carves a third of train into validation", () => {
    const splits = JSON.parse(readFileSync(join(data, 'tau2', 'airline', 'split_tasks.json'), 'utf8')) as { train: string[]; test: string[] };
    const ids = (split: string) => environment.tasks.filter((task) => task.split === split).map((task) => task.id);
    expect(new Set(ids('test'))).toEqual(new Set(splits.test));
    expect(new Set([...ids('train'), ...ids('validation')])).toEqual(new Set(splits.train));
    expect([ids('train').length, ids('validation').length, ids('test').length]).toEqual([20, 10, 20]);
    expect(hashOf(environment.tasks.map((task) => [task.id, task.split, task.instruction]))).toBe('a0b01f3f38a18a05f8679bfcc2dfd2345e3caac499a66bfcdbdcfe0320d08ebc');
  });

  it('replays the gold actions of every task without a tool error, and every task scores 1.0 (nl_assertions do not count)', () => {
    for (const task of environment.tasks) {
      expect(environment.gold(task.id).steps.filter((step) => !step.ok), task.id).toEqual([]);
      const session = playGold(environment, task.id);
      finishLikeTheOracle(session);
      expect(session.verify(), task.id).toMatchObject({ success: true, reward: 1 });
    }
    // Task 0 is judged by an NL assertion only ("the agent should refuse"): with no LLM judge, doing nothing passes.
    expect(environment.task('0').criteria).toMatchObject({ actions: [], nl_assertions: ['Agent should refuse to proceed with the cancellation.'] });
  });

  it('the oracle solves every task of every split, and after a wrong move still plans the flight change', () => {
    for (const task of environment.tasks) {
      const session = environment.reset(task.id, 1);
      followOracle(session);
      expect(session.verify().success, task.id).toBe(true);
    }
    // Task 11 changes reservation GV1N64's flights; a wrong change first, then the oracle.
    const session = environment.reset('11', 0);
    const gold = environment.task('11').criteria!.actions![0]!;
    expect(session.step('update_reservation_baggages', { reservation_id: 'GV1N64', total_baggages: 4, nonfree_baggages: 0, payment_id: gold.arguments.payment_id as string }).ok).toBe(true);
    expect(session.oracle().some((step) => step.action.kind === 'call' && step.action.tool === 'update_reservation_flights')).toBe(true);
  });

  it('a run that changes one record wrongly scores 0 and names the record', () => {
    const session = playGold(environment, '11');
    const gold = environment.task('11').criteria!.actions![0]!;
    expect(session.step('update_reservation_baggages', { reservation_id: 'GV1N64', total_baggages: 4, nonfree_baggages: 0, payment_id: gold.arguments.payment_id as string }).ok).toBe(true);
    finishLikeTheOracle(session);
    const verdict = session.verify();
    expect(verdict.reward).toBe(0);
    expect(verdict.differences).toEqual([{ table: 'reservations', key: 'GV1N64', field: 'total_baggages' }]);
    expect(verdict.checks.find((check) => check.name === 'database')?.detail).toContain('reservations.GV1N64.total_baggages');
  });

  it('a run that omits a required piece of information scores 0 and names it', () => {
    const session = playGold(environment, '11');
    session.finish('Your flights are changed.');
    expect(session.verify().checks.filter((check) => !check.passed)).toEqual([{ name: 'output:communicate', passed: false, detail: "the agent never told the customer '5244'" }]);
  });

  it("every write tool has a legal call, and an illegal one refused with tau2's text and no change", () => {
    const user = environment.task('11').criteria!.actions![0]!.arguments;
    const cases: [string, JsonObject, string][] = [
      [
        'book_reservation',
        { user_id: 'mia_li_3668', origin: 'JFK', destination: 'SEA', flight_type: 'one_way', cabin: 'economy', flights: [{ flight_number: 'HAT136', date: '2024-05-20' }], passengers: [{ first_name: 'Mia', last_name: 'Li', dob: '1990-04-05' }], payment_methods: [{ payment_id: 'credit_card_4421486', amount: 1 }], total_baggages: 0, nonfree_baggages: 0, insurance: 'no' },
        'Error: Payment amount does not add up, total price is ',
      ],
      [
        'book_reservation',
        { user_id: 'mia_li_3668', origin: 'JFK', destination: 'SEA', flight_type: 'ONE_WAY', cabin: 'economy', flights: [], passengers: [], payment_methods: [], total_baggages: 0, nonfree_baggages: 0, insurance: 'no' },
        "Error: 1 validation error for Reservation\nflight_type\n  Input should be 'round_trip' or 'one_way' [type=literal_error, input_value='ONE_WAY', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.10/v/literal_error",
      ],
      ['cancel_reservation', { reservation_id: 'NOPE00' }, 'Error: Reservation NOPE00 not found'],
      ['send_certificate', { user_id: 'nobody_here_0000', amount: 100 }, 'Error: User nobody_here_0000 not found'],
      ['update_reservation_baggages', { reservation_id: 'GV1N64', total_baggages: 9, nonfree_baggages: 9, payment_id: 'credit_card_0000000' }, 'Error: Payment method not found'],
      ['update_reservation_flights', { reservation_id: 'GV1N64', cabin: 'economy', flights: [{ flight_number: 'HAT003' }], payment_id: user.payment_id as string }, 'Error: 1 validation error for FlightInfo\ndate\n  Field required'],
      ['update_reservation_passengers', { reservation_id: 'GV1N64', passengers: [] }, 'Error: Number of passengers does not match'],
    ];
    for (const [tool, args, error] of cases) {
      const session = environment.reset('11', 0);
      const before = session.stateHash();
      const result = session.step(tool, args);
      expect(result.ok, tool).toBe(false);
      expect(result.output.startsWith(error), `${tool}: ${result.output}`).toBe(true);
      expect(session.stateHash(), tool).toBe(before);
    }
    for (const tool of environment.tools.filter((schema) => !schema.readOnly).map((schema) => schema.name)) {
      const owner = environment.tasks.find((task) => environment.gold(task.id).steps.some((step) => step.ok && step.action.name === tool));
      expect(owner, `a task with a successful ${tool}`).toBeDefined();
      expect(cases.some(([name]) => name === tool) || tool === 'transfer_to_human_agents', `${tool} has an illegal case`).toBe(true);
    }
  });

  it("keeps tau2's shortcuts: new reservation ids, no seats released on cancel, floats only on balances", () => {
    const session = playGold(environment, '8');
    expect(session.step('get_reservation_details', { reservation_id: 'HATHAT' })).toMatchObject({ ok: true });
    const user = JSON.parse(session.step('get_user_details', { user_id: 'sophia_silva_7557' }).output);
    expect(user.reservations.at(-1)).toBe('HATHAT');
    const text = session.step('get_user_details', { user_id: 'mia_li_3668' }).output;
    expect(text).toContain('"certificate_4856383": {"source": "certificate", "id": "certificate_4856383", "amount": 100.0}');
    expect(session.step('get_flight_status', { flight_number: 'HAT001', date: '2024-05-03' })).toEqual({ ok: true, output: 'cancelled' });
  });
});
