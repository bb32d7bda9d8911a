import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.ts';
import { anthropicMessage } from '../helpers/protocol-fixtures.ts';
import { estimateInputTokens } from '../helpers/prompt-size.ts';
import { git, temporaryProject } from '../helpers/repos.ts';
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from '../helpers/scripted-server.ts';

const GOOD_MODULE = readFileSync(new URL('../fixtures/retail-example-harness/tolerant-parse.ts', import.meta.url), 'utf8');
/** The same module with a type error: a guard verdict misspelt. */
const BROKEN_MODULE = GOOD_MODULE.replace("why: '", "guard() { return { blok: 'x' }; },\n  why: '");

function writeModule(id: string, source: string) {
  return anthropicMessage({ text: 'Summary: parse actions out of sloppy output', toolUses: [{ id, name: 'write_module', input: { file: 'tolerant-parse.ts', source } }] });
}

function isRepair(request: RecordedRequest): boolean {
  return JSON.stringify(request.body.messages).includes('TS2');
}

let server: ScriptedServer | undefined;
const projects: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  while (projects.length > 0) rmSync(projects.pop()!, { recursive: true, force: true });
});

async function evolveWith(script: (request: RecordedRequest) => Record<string, unknown>) {
  server = await startScriptedServer((request) => ({ body: script(request) }));
  const { root, env } = temporaryProject('bridle-llm-');
  projects.push(root);
  await runCliAsync(['init'], root, env);
  const result = await runCliAsync(
    ['evolve', '--env', 'retail', '--engineer', 'anthropic/claude-test', '--engineer-mode', 'single', '--iterations', '1', '--trials', '1', '--train-trials', '1', '--no-pruning', '--json'],
    root,
    { ...env, ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: server.url },
  );
  return { root, result, requests: server.requests };
}

describe('bridle evolve --engineer anthropic/<model> against a local Messages API server', () => {
  it('repairs a module that fails type-checking on the second turn, then gates and commits it', async () => {
    let proposals = 0;
    const { root, result, requests } = await evolveWith((request) => {
      if (isRepair(request)) return writeModule('toolu_fix', GOOD_MODULE);
      proposals += 1;
      return proposals === 1 ? writeModule('toolu_1', BROKEN_MODULE) : anthropicMessage({ text: 'Summary: nothing more to offer.' });
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.engineer.id).toBe('anthropic/claude-test');
    expect(output.engineer.tokens).toBeGreaterThan(0);
    expect(output.commits).toHaveLength(1);

    // The repair request carried the type-checker's diagnostics back to the model.
    const repair = requests.find(isRepair)!;
    expect(JSON.stringify(repair.body.messages)).toMatch(/tolerant-parse\.ts:\d+:\d+ TS2\d+/);
    expect(requests[0]!.path).toBe('/v1/messages');
    expect(requests[0]!.body.tools.map((tool: { name: string }) => tool.name)).toContain('write_module');

    const branch = `bridle/retail/${output.runId}`;
    expect(git(root, ['log', '-1', '--format=%B', branch])).toMatch(/^Bridle-Engineer: anthropic\/claude-test/m);
    expect(git(root, ['show', `${branch}:harnesses/retail/tolerant-parse.ts`])).toBe(GOOD_MODULE.trimEnd());
    if (process.env.BRIDLE_MEASURE_PROMPTS) {
      const sizes = requests.map((request) => estimateInputTokens(request.body));
      console.log(`single-shot engineer prompt size (estimated input tokens per request): ${sizes.join(', ')} (proposal, repair, then the next groups' proposals)`);
    }
  }, 120_000);

  it('rejects an irreparable module with its diagnostics and commits nothing', async () => {
    const { root, result } = await evolveWith((request) => writeModule(isRepair(request) ? 'toolu_again' : 'toolu_1', BROKEN_MODULE.replace('blok', isRepair(request) ? 'blocc' : 'blok')));
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.commits).toHaveLength(0);
    const directory = join(root, '.bridle', 'runs', output.runId, 'candidates');
    const records = readdirSync(directory).map((name) => JSON.parse(readFileSync(join(directory, name, 'candidate.json'), 'utf8')));
    expect(records[0]).toMatchObject({ stage: 'check', reason: 'type check failed' });
    expect(records[0].diagnostics.join('\n')).toMatch(/tolerant-parse\.ts:\d+:\d+ TS2\d+/);
  }, 120_000);
});
