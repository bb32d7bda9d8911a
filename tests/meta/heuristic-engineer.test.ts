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
import { step, trajectory } from '../helpers/trajectories.ts';
import { runEpisode } from '../../src/agent/episode.ts';
import type { Backbone } from '../../src/contracts/backbone.ts';
import { compileHarness } from '../../sandboxes/compile.ts';
import { createInProcessRunner } from '../../sandboxes/in-process-runner.ts';

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
    expect([...files.keys()].sort()).toEqual(['argument-guard.ts', 'known-tools.ts', 'loop-breaker.ts', 'policy-guard.ts', 'schema-coerce.ts', 'stop-check.ts', 'tolerant-parse.ts']);

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

  describe('learns from the outputs it sees', () => {
    const rejection = 'Invalid action: the reply is not a single JSON object. Reply with exactly one JSON object and nothing else.';
    const failedWith = (taskId: string, text: string, fields: Parameters<typeof step>[2] = { rejection }) => trajectory({ taskId, steps: [step(0, text, fields)] });
    const taskId = environment.tasks.find((task) => task.split === 'train')!.id;

    /** The action a generated module realizes from `text`, run in a real episode. */
    async function realized(files: HarnessFile[], text: string) {
      const backbone: Backbone = {
        id: 'test/scripted',
        simulated: false,
        toolMode: 'text',
        async complete(request) {
          return { samples: Array.from({ length: request.samples }, () => ({ text, toolCalls: [] })), usage: { inputTokens: 1, outputTokens: 1 }, warnings: [] };
        },
      };
      const episode = await runEpisode({ runId: 't', environment, taskId, seed: 1, trial: 0, backbone, harness: { label: 't', compiled: compileHarness(files) }, runner: createInProcessRunner(), maxSteps: 1 });
      return episode.steps[0]!.action;
    }

    it('takes its key synonyms from rejected outputs, and knows no others but the documented and OpenAI shapes', async () => {
      const engineer = createHeuristicEngineer();
      const invented = '{"verb": "get_order_details", "payload": "{\\"order_id\\": \\"#W0000001\\"}"}';
      const learnt = mineFailures([failedWith(taskId, invented)]).find((group) => group.kind === 'parse')!;
      const proposal = (await engineer.propose({ ...request(learnt), train: [failedWith(taskId, invented)] }))!;
      const source = proposal.files[0]!.source;
      expect(source).toMatch(/const TOOL_KEYS: string\[\] = \[\s*"tool",\s*"name",\s*"verb"\s*\]/);
      expect(source).toMatch(/const ARGUMENT_KEYS: string\[\] = \[\s*"arguments",\s*"payload"\s*\]/);
      expect(await realized(proposal.files, invented)).toEqual({ kind: 'call', tool: 'get_order_details', arguments: { order_id: '#W0000001' } });

      const plain = '```json\n{"tool": "get_order_details", "arguments": {"order_id": "#W0000001"}}\n```';
      const fenced = mineFailures([failedWith(taskId, plain)]).find((group) => group.kind === 'parse')!;
      const baseline = (await engineer.propose({ ...request(fenced), train: [failedWith(taskId, plain)] }))!.files[0]!.source;
      expect(baseline).toMatch(/const TOOL_KEYS: string\[\] = \[\s*"tool",\s*"name"\s*\]/);
      expect(baseline).toMatch(/const ARGUMENT_KEYS: string\[\] = \[\s*"arguments"\s*\]/);
      expect(await realized(proposal.files, '{"function": "get_order_details", "input": {"order_id": "#W0000001"}}')).toBeNull(); // never seen, not guessed
    });

    it('maps an unknown tool name to the tool it meant: seen in the failures, or by its arguments and words', async () => {
      const engineer = createHeuristicEngineer();
      const call = (tool: string) => ({ kind: 'call' as const, tool, arguments: { order_id: '#W0000001' } });
      const failed = trajectory({
        taskId,
        steps: [
          step(0, '', { action: call('obtain_order_details'), result: { ok: false, output: "Error: unknown tool 'obtain_order_details'" } }),
          step(1, '', { action: call('get_order_details'), result: { ok: true, output: '{}' } }),
        ],
      });
      const group = mineFailures([failed]).find((candidate) => candidate.kind === 'unknown-tool')!;
      const proposal = (await engineer.propose({ ...request(group), train: [failed] }))!;
      expect(proposal.files[0]!.source).toMatch(/"obtain_order_details": "get_order_details"/);
      expect(await realized(proposal.files, JSON.stringify({ tool: 'obtain_order_details', arguments: { order_id: '#W0000001' } }))).toEqual(call('get_order_details'));
      // A spelling never seen: the only tool whose parameters fit and whose name shares words with it.
      expect(await realized(proposal.files, JSON.stringify({ tool: 'functions.read_order_details', arguments: { order_id: '#W0000001' } }))).toEqual(call('get_order_details'));
    });
  });
});
