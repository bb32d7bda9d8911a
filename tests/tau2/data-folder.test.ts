/**
 * Where tau2 data may live and how a wrong folder is reported: the shared bench-data layout, a plain
 * tau2-bench checkout (and its `data`, `domains` and domain folders), one line for anything missing or
 * malformed, tau2's own user-simulator guidelines when the checkout has them.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createTau2Retail } from '../../environments/tau2-retail/index.ts';
import { openEnvironment } from '../../src/environment/load.ts';
import { listEnvironments } from '../../src/environment/catalog.ts';
import { expectBridleError } from '../helpers/errors.ts';
import { describeWithBenchData } from '../helpers/bench-data.ts';

const FILES = ['db.json', 'policy.md', 'tasks.json', 'split_tasks.json'];

describeWithBenchData('tau2 data folders', 'tau2/retail', (data) => {
  const temporary: string[] = [];
  afterAll(() => {
    for (const folder of temporary) rmSync(folder, { recursive: true, force: true });
  });

  /** A tau2-bench checkout in a temporary folder, its retail files linked to the bench data. */
  function checkout(options: { guidelines?: string } = {}): string {
    const root = mkdtempSync(join(tmpdir(), 'tau2-checkout-'));
    temporary.push(root);
    const domain = join(root, 'data', 'tau2', 'domains', 'retail');
    mkdirSync(domain, { recursive: true });
    for (const file of FILES) symlinkSync(join(data, 'tau2', 'retail', file), join(domain, file));
    if (options.guidelines) {
      mkdirSync(join(root, 'data', 'tau2', 'user_simulator'), { recursive: true });
      writeFileSync(join(root, 'data', 'tau2', 'user_simulator', 'simulation_guidelines.md'), options.guidelines);
    }
    return root;
  }

  it('reads the shared layout and every level of a tau2-bench checkout', () => {
    const shared = createTau2Retail({ data });
    expect(shared.folder).toBe(join(data, 'tau2', 'retail'));
    const root = checkout();
    for (const folder of [root, join(root, 'data'), join(root, 'data', 'tau2', 'domains'), join(root, 'data', 'tau2', 'domains', 'retail')]) {
      const environment = createTau2Retail({ data: folder });
      expect(environment.folder, folder).toBe(join(root, 'data', 'tau2', 'domains', 'retail'));
      expect(environment.tasks.map((task) => task.split)).toEqual(shared.tasks.map((task) => task.split));
    }
  });

  it("uses tau2-bench's own user-simulator guidelines when the checkout has them", () => {
    const environment = createTau2Retail({ data: checkout({ guidelines: '# Guidelines from the checkout' }) });
    expect(environment.conversation!.reset('88', 0).user.instructions.startsWith('# Guidelines from the checkout\n\n<scenario>\n')).toBe(true);
    expect(createTau2Retail({ data }).conversation!.reset('88', 0).user.instructions.startsWith('# Playing the customer')).toBe(true);
  });

  it('says in one line what is missing or malformed', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tau2-empty-'));
    temporary.push(empty);
    const missingFolder = expectBridleError(() => createTau2Retail({ data: empty }), 'MISSING_FILE', /./);
    expect(missingFolder.message).toBe(`no tau2 retail data in ${empty}: expected ${join(empty, 'tau2', 'retail')}/ (the shared bench-data layout) or ${join(empty, 'data', 'tau2', 'domains', 'retail')}/ (a tau2-bench checkout), holding db.json, policy.md, tasks.json, split_tasks.json`);

    const partial = join(empty, 'tau2', 'retail');
    mkdirSync(partial, { recursive: true });
    symlinkSync(join(data, 'tau2', 'retail', 'db.json'), join(partial, 'db.json'));
    expect(expectBridleError(() => createTau2Retail({ data: empty }), 'MISSING_FILE', /./).message).toBe(`${partial} is missing policy.md, tasks.json, split_tasks.json (tau2 retail needs db.json, policy.md, tasks.json, split_tasks.json)`);

    for (const file of ['policy.md', 'split_tasks.json']) symlinkSync(join(data, 'tau2', 'retail', file), join(partial, file));
    writeFileSync(join(partial, 'tasks.json'), '[{"id": 3}]');
    const malformed = expectBridleError(() => createTau2Retail({ data: empty }), 'INVALID_ARGUMENT', /./);
    expect(malformed.message).toMatch(/tasks\.json does not look like tau2-bench's task file: 0\.id: .*; 0\.user_scenario: /);
    expect(malformed.message).not.toContain('\n');
    writeFileSync(join(partial, 'tasks.json'), '[{');
    expect(expectBridleError(() => createTau2Retail({ data: empty }), 'INVALID_ARGUMENT', /./).message).toMatch(/tasks\.json is not valid JSON: /);

    expect(expectBridleError(() => createTau2Retail({}), 'INVALID_ARGUMENT', /./).message).toContain('tau2-retail reads tau2-bench\'s retail data: pass --data <dir>');
  });

  it('opens by name only with a data folder, and bridle envs lists it with counts when one is given', async () => {
    const context = { root: process.cwd(), config: { environments: {} } };
    await expect(openEnvironment('tau2-retail', context)).rejects.toThrow(/tau2-retail reads its tasks from a data folder: pass --data <dir>/);
    const without = (await listEnvironments(context)).find((listing) => listing.name === 'tau2-retail');
    expect(without).toMatchObject({ unavailable: 'needs --data <dir>' });
    const listed = (await listEnvironments({ ...context, data })).find((listing) => listing.name === 'tau2-airline');
    expect(listed).toMatchObject({ tasks: { train: 20, validation: 10, test: 20 }, source: `built in, data from ${data}` });
    expect(listed?.splitNote).toContain("the benchmark's train/test ids");
  });
});
