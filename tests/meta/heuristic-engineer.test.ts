import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINISH_TOOL } from '../../src/agent/finish-tool.ts';
import type { Trajectory } from '../../src/agent/trajectory.ts';
import { createHeuristicEngineer } from '../../src/meta/engineers/heuristic/index.ts';
import { mineImmediateCallRules, minePriorCallRules } from '../../src/meta/engineers/heuristic/evidence.ts';
import { createHarnessChecker } from '../../src/meta/check/index.ts';
import { buildLeakCorpus } from '../../src/meta/check/leak-scan.ts';
import { mineFailures } from '../../src/meta/mine.ts';
import { analyzeReplay } from '../../src/meta/replay.ts';
import type { EngineerRequest, FailureGroup } from '../../src/meta/types.ts';
import { emptyHarness, type HarnessFile } from '../../src/store/harness-files.ts';
import { createRetail } from '../../environments/retail/index.ts';
import { evaluateLocally } from '../helpers/episodes.ts';

const environment = createRetail();
const tools = [...environment.tools, FINISH_TOOL];
let train: Trajectory[];
let groups: FailureGroup[];

function request(group: FailureGroup, modules: HarnessFile[] = [], rejected: EngineerRequest['rejected'] = []): EngineerRequest {
  return { environment: { name: environment.name, description: environment.description, rules: environment.rules, tools }, apiTypes: '', modules, group, examples: [], rejected, train };
}

beforeAll(async () => {
  train = (await evaluateLocally({ backbones: ['sim/mixed'], harness: emptyHarness('retail'), runner: 'in-process', split: 'train', trials: 3 })).trajectories;
  groups = mineFailures(train);
});

describe('heuristic engineer', () => {
  it('answers the main failure kinds with modules that pass the checker and never block or alter a correct action', async () => {
    const engineer = createHeuristicEngineer();
    const checker = createHarnessChecker({ corpus: buildLeakCorpus(environment) });
    const files = new Map<string, HarnessFile>();
    const kinds = new Set<string>();
    for (const group of groups) {
      const proposal = await engineer.propose(request(group));
      if (!proposal) continue;
      kinds.add(group.kind);
      for (const file of proposal.files) {
        const checked = checker.check([file]);
        expect(checked.ok ? 'ok' : checked.diagnostics, file.file).toBe('ok');
        files.set(file.file, file);
      }
    }
    expect([...kinds]).toEqual(expect.arrayContaining(['parse', 'loop', 'policy', 'give-up', 'environment-error']));
    expect([...files.keys()].sort()).toEqual(['known-tools.ts', 'loop-breaker.ts', 'policy-guard.ts', 'schema-coerce.ts', 'stop-check.ts', 'tolerant-parse.ts']);

    // Every generated module, alone, passes the correct train episodes untouched (the oracle replay).
    for (const file of files.values()) {
      const harness = { label: file.file, manifest: { apiVersion: 1 as const, environment: 'retail', modules: [file.file] }, files: [file] };
      const replay = analyzeReplay((await evaluateLocally({ backbones: ['sim/oracle'], harness, runner: 'isolate', split: 'train' })).trajectories);
      expect(replay.findings, file.file).toEqual([]);
    }
  });

  it('mines the policy from successful episodes: identify before writes, a matching confirmation right before each database write', () => {
    const prior = minePriorCallRules(train, tools);
    expect(prior).toHaveLength(1);
    expect(prior[0]!.requires).toEqual(['find_user_id_by_email', 'find_user_id_by_name_zip']);
    expect(prior[0]!.tools).not.toContain('transfer_to_human_agents');
    const immediate = mineImmediateCallRules(train, tools);
    expect(immediate.map((rule) => rule.tool)).toEqual([
      'cancel_pending_order',
      'exchange_delivered_order_items',
      'modify_pending_order_address',
      'modify_pending_order_items',
      'modify_pending_order_payment',
      'modify_user_address',
      'return_delivered_order_items',
    ]);
    expect(new Set(immediate.map((rule) => JSON.stringify([rule.requires, rule.template])))).toEqual(
      new Set([JSON.stringify(['record_customer_confirmation', { action: '$tool', arguments: '$arguments' }])]),
    );
  });

  it('moves to another variant after a rejection, and has nothing more once the variants are spent', async () => {
    const engineer = createHeuristicEngineer();
    const loop = groups.find((group) => group.kind === 'loop')!;
    const first = (await engineer.propose(request(loop)))!;
    const second = (await engineer.propose(request(loop, [], [{ attempt: 1, files: first.files, reason: 'gate: within noise' }])))!;
    expect(second.files[0]!.source).not.toBe(first.files[0]!.source);
    expect(await engineer.propose(request(loop, [], [{ attempt: 1, files: first.files, reason: 'x' }, { attempt: 2, files: second.files, reason: 'y' }]))).toBeNull();
    expect(await engineer.propose(request({ ...loop, kind: 'sandbox', signature: 'sandbox:SANDBOX_TIMEOUT' }))).toBeNull();
  });

  it('places modules by stage: parsing before coercion before guards', async () => {
    const engineer = createHeuristicEngineer();
    const parse = groups.find((group) => group.kind === 'parse')!;
    const proposal = (await engineer.propose(request(parse, [{ file: 'policy-guard.ts', source: '' }, { file: 'loop-breaker.ts', source: '' }])))!;
    expect(proposal.order).toEqual(['tolerant-parse.ts', 'policy-guard.ts', 'loop-breaker.ts']);
  });

  it('is generic: its templates name no tool, table or word of any particular environment', () => {
    const directory = new URL('../../src/meta/engineers/heuristic/', import.meta.url).pathname;
    const sources = (function collect(path: string): string[] {
      return readdirSync(path).flatMap((name) => (statSync(join(path, name)).isDirectory() ? collect(join(path, name)) : [readFileSync(join(path, name), 'utf8')]));
    })(directory)
      .join('\n')
      .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // comments may give examples; code may not

    for (const word of [...environment.tools.map((tool) => tool.name), 'retail', 'order_id', 'customer', 'confirmation', 'gift_card', '#W']) {
      expect(sources.toLowerCase().includes(word.toLowerCase()), word).toBe(false);
    }
  });
});
