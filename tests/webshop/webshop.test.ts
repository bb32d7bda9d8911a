/** The web shop: the generated catalogue and tasks, its tools legal and illegal, the reward, and the oracle. */
import { describe, expect, it } from 'vitest';
import { createWebshop, type WebshopEnvironment } from '../../environments/webshop/index.ts';
import { hashOf, type OracleStep } from '../../src/toolkit/index.ts';

const shop: WebshopEnvironment = createWebshop();

function play(session: ReturnType<WebshopEnvironment['reset']>, steps: readonly OracleStep[]): void {
  for (const step of steps) {
    if (step.action.kind === 'finish') session.finish(step.action.message);
    else expect(session.step(step.action.tool, step.action.arguments).ok, `${step.action.tool} ${JSON.stringify(step.action.arguments)}`).toBe(true);
  }
}

/** A task whose oracle item has at least two options, for the option cases. */
const twoOptions = shop.tasks.find((task) => {
  const plan = shop.reset(task.id, 0).oracle();
  return plan.filter((step) => step.action.kind === 'call' && step.action.tool === 'select_option').length >= 2;
})!;
/** The argument of the plan's first call of `tool`. */
function argumentOf(plan: readonly OracleStep[], tool: string, name: string, where: (args: Record<string, unknown>) => boolean = () => true): string {
  for (const step of plan) if (step.action.kind === 'call' && step.action.tool === tool && where(step.action.arguments)) return String(step.action.arguments[name]);
  throw new Error(`the plan has no ${tool} call`);
}
const itemOf = (plan: readonly OracleStep[]) => ({ arguments: { item_id: argumentOf(plan, 'view_item', 'item_id') } });

describe('webshop', () => {
  it('pins the generated catalogue and task list for the default seed, and regenerates them identically', () => {
    expect(shop.catalogHash).toBe('3e18380c5c65cbd76ed2af79dde4c2cce6e1becc8bcbcd8c05b9ac40b12c243d');
    expect(hashOf(shop.tasks)).toBe('d9a29e59f041c8eac277e5cd7abb63733658be3ec8ded64724e95b172581378e');
    expect(createWebshop().catalogHash).toBe(shop.catalogHash);
    expect(createWebshop({ seed: 12 }).catalogHash).not.toBe(shop.catalogHash);
  });

  it('has at least 100 tasks, a test split of at least 30%, every category in every split', () => {
    expect(shop.tasks.length).toBeGreaterThanOrEqual(100);
    const test = shop.tasks.filter((task) => task.split === 'test');
    expect(test.length / shop.tasks.length).toBeGreaterThanOrEqual(0.3);
    const kinds = new Set(shop.tasks.map((task) => task.kind));
    for (const split of ['train', 'validation', 'test'] as const) {
      expect(new Set(shop.tasks.filter((task) => task.split === split).map((task) => task.kind)).size, split).toBe(kinds.size);
    }
  });

  it('has at least 1,000 products behind search, ranked deterministically', () => {
    const first = JSON.parse(shop.reset(shop.tasks[0]!.id, 0).peek('search', { query: 'organic coffee' }).output) as { total: number; results: { item_id: string }[] };
    const again = JSON.parse(shop.reset(shop.tasks[1]!.id, 0).peek('search', { query: 'organic coffee' }).output) as typeof first;
    expect(first.results).toHaveLength(10);
    expect(again).toEqual(first);
    const everything = new Set<string>();
    for (const query of ['cookies', 'coffee', 'tea', 'shirt', 'shoes', 'headphones', 'shampoo', 'candle', 'case', 'backpack', 'mat', 'bottle', 'food', 'lamp', 'socks', 'sunscreen', 'blanket', 'powder', 'notebook', 'pan']) {
      const session = shop.reset(shop.tasks[0]!.id, 0);
      const { pages } = JSON.parse(session.peek('search', { query }).output) as { pages: number };
      for (let page = 1; page <= pages; page++) {
        for (const result of (JSON.parse(session.peek('search', { query, page }).output) as { results: { item_id: string }[] }).results) everything.add(result.item_id);
      }
    }
    expect(everything.size).toBeGreaterThanOrEqual(1000);
  });

  it('the oracle solves every task of every split', () => {
    for (const task of shop.tasks) {
      const session = shop.reset(task.id, 0);
      play(session, session.oracle());
      const verification = session.verify();
      expect(verification.success, `${task.id}: ${JSON.stringify(verification.checks.filter((check) => !check.passed))}`).toBe(true);
      expect(verification.reward).toBe(1);
    }
  });

  it('refuses bad searches and unknown items, and answers good ones', () => {
    const session = shop.reset(shop.tasks[0]!.id, 0);
    expect(session.step('search', { query: '  ' })).toEqual({ ok: false, output: 'Error: the search query is empty' });
    expect(session.step('search', { query: 'organic coffee', page: 99 }).output).toMatch(/^Error: page 99 does not exist: the search 'organic coffee' has \d+ pages$/);
    expect(session.step('view_item', { item_id: 'B0ZZZZZZZZ' })).toEqual({ ok: false, output: "Error: no item 'B0ZZZZZZZZ' in the catalogue" });
    expect(session.step('view_item', { item_id: 'B12' }).output).toMatch(/^Error: argument 'item_id' has an invalid format/);
    expect(session.step('search', { query: 'organic coffee' }).ok).toBe(true);
  });

  it('selects only options and values an item offers, and buys only with every option selected, once', () => {
    const session = shop.reset(twoOptions.id, 0);
    const plan = session.oracle();
    const itemId = itemOf(plan).arguments.item_id;
    const page = JSON.parse(session.peek('view_item', { item_id: itemId }).output) as { options: Record<string, string[]> };
    const [first, second] = Object.keys(page.options) as [string, string];
    expect(session.step('select_option', { item_id: itemId, option: 'flavour', value: 'x' }).output).toBe(`Error: item ${itemId} has no option 'flavour'; its options are: ${Object.keys(page.options).join(', ')}`);
    expect(session.step('select_option', { item_id: itemId, option: first, value: 'nope' }).output).toBe(`Error: 'nope' is not available for ${first} of item ${itemId}; choose one of: ${page.options[first]!.join(', ')}`);
    expect(session.step('select_option', { item_id: itemId, option: first, value: page.options[first]![0]! }).ok).toBe(true);
    expect(session.step('buy_now', { item_id: itemId }).output).toBe(`Error: select ${second} for item ${itemId} before buying (select_option)`);
    expect(session.step('select_option', { item_id: itemId, option: second, value: page.options[second]![0]! }).ok).toBe(true);
    expect(session.step('buy_now', { item_id: itemId }).output).toMatch(/^Order placed: /);
    expect(session.step('buy_now', { item_id: itemId }).output).toBe(`Error: you already bought ${itemId}: one purchase per request`);
    expect(session.step('select_option', { item_id: itemId, option: first, value: page.options[first]![0]! }).output).toBe('Error: the order is already placed: options can no longer be changed');
  });

  it('gives partial reward and names the unmet constraint; nothing bought scores 0', () => {
    const task = shop.task(twoOptions.id);
    const [name, wanted] = Object.entries(task.goal.options)[0]!;
    const session = shop.reset(task.id, 0);
    const plan = session.oracle();
    const itemId = itemOf(plan).arguments.item_id;
    const offered = (JSON.parse(session.peek('view_item', { item_id: itemId }).output) as { options: Record<string, string[]> }).options[name]!;
    const wrong = offered.find((value) => value !== wanted)!;
    // Follow the plan, but select the wrong value for the wanted option.
    play(session, plan.map((step) => (step.action.kind === 'call' && step.action.tool === 'select_option' && step.action.arguments.option === name ? { ...step, action: { ...step.action, arguments: { ...step.action.arguments, value: wrong } } } : step)));
    const verification = session.verify();
    const total = 2 + task.goal.attributes.length + Object.keys(task.goal.options).length;
    expect(verification.success).toBe(false);
    expect(verification.reward).toBeCloseTo((total - 1) / total);
    expect(verification.checks.find((check) => check.name === `constraint:option:${name}`)).toEqual({ name: `constraint:option:${name}`, passed: false, detail: `${name}: wanted ${wanted}, bought ${wrong}` });
    expect(verification.differences).toEqual([{ table: 'purchase', key: itemId, field: `option:${name}` }]);

    const idle = shop.reset(task.id, 0);
    idle.finish('I could not find it.');
    expect(idle.verify()).toMatchObject({ success: false, reward: 0, checks: [{ name: 'purchase', passed: false }] });
  });

  it('the oracle recovers from a wrong selection, and after a wrong purchase only finishes', () => {
    const session = shop.reset(twoOptions.id, 0);
    const plan = session.oracle();
    const itemId = itemOf(plan).arguments.item_id;
    const options = (JSON.parse(session.peek('view_item', { item_id: itemId }).output) as { options: Record<string, string[]> }).options;
    const [name, values] = Object.entries(options)[0]!;
    const wanted = argumentOf(plan, 'select_option', 'value', (args) => args.option === name);
    session.step('select_option', { item_id: itemId, option: name, value: values.find((value) => value !== wanted)! });
    play(session, session.oracle());
    expect(session.verify().success).toBe(true);

    const wrongBuy = shop.reset(twoOptions.id, 0);
    const other = (JSON.parse(wrongBuy.peek('search', { query: 'frying pan' }).output) as { results: { item_id: string }[] }).results[0]!.item_id;
    const otherOptions = (JSON.parse(wrongBuy.peek('view_item', { item_id: other }).output) as { options: Record<string, string[]> }).options;
    for (const [option, offered] of Object.entries(otherOptions)) wrongBuy.step('select_option', { item_id: other, option, value: offered[0]! });
    expect(wrongBuy.step('buy_now', { item_id: other }).ok).toBe(true);
    expect(wrongBuy.oracle().map((step) => step.purpose)).toEqual(['finish']);
  });
});
