/**
 * `bridle evolve --engineer codex/<model>`, end to end: the real Codex SDK starts the real Codex binary,
 * which speaks the Responses API to a scripted server on 127.0.0.1 (OPENAI_BASE_URL). The scripted model
 * reads the exported run store through Codex's sandboxed shell, adds a module with apply_patch, is
 * refused a write to the store and a network connection by the sandbox, finds the project (and its run
 * folder) absent from the sandbox, and finishes; the edit then
 * passes the real check, replay, screen, activation and gate and is committed.
 *
 * The SDK is an optional peer dependency (about 420 MB with the Codex binary): CI installs it with
 * scripts/install-coding-agents.sh; without it this test is skipped with a line saying so.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.ts';
import { responsesStream } from '../helpers/protocol-fixtures.ts';
import { git, temporaryProject } from '../helpers/repos.ts';
import { sealedTaskPattern } from '../helpers/sealed-tasks.ts';
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from '../helpers/scripted-server.ts';

const AGENTS_HOME = process.env.BRIDLE_CODING_AGENTS_HOME ?? join(homedir(), '.cache', 'bridle', 'coding-agents');
const AVAILABLE = existsSync(join(AGENTS_HOME, 'node_modules', '@openai', 'codex-sdk', 'package.json'));
if (!AVAILABLE) console.warn(`skipped: the Codex engineer test needs @openai/codex-sdk in ${AGENTS_HOME} (run: . scripts/install-coding-agents.sh)`);

const GOOD_MODULE = readFileSync(new URL('../fixtures/retail-example-harness/tolerant-parse.ts', import.meta.url), 'utf8');

let server: ScriptedServer | undefined;
const folders: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  while (folders.length > 0) rmSync(folders.pop()!, { recursive: true, force: true });
});

type Item = { type: string; role?: string; content?: { type: string; text?: string }[]; call_id?: string; output?: string; name?: string; arguments?: string };
type Body = { input?: Item[] };

function promptOf(body: Body): string {
  return (body.input ?? []).filter((item) => item.type === 'message' && item.role === 'user').flatMap((item) => item.content ?? []).map((part) => part.text ?? '').join('\n');
}

const state: { signature?: string; root?: string; leaks: number } = { leaks: 0 };

function answer(request: RecordedRequest) {
  if (!request.path.endsWith('/responses')) {
    if (request.path.includes('leak')) state.leaks++;
    return { status: 404, body: { error: { message: 'not here' } } };
  }
  const body = request.body as Body;
  const stream = (turn: number, item: Parameters<typeof responsesStream>[1]) => ({ headers: { 'content-type': 'text/event-stream' }, body: responsesStream(turn, item) });
  const prompt = promptOf(body);
  const store = /The run store is in `([^`]+)`/.exec(prompt)?.[1];
  const signature = /Signature: `([^`]+)`/.exec(prompt)?.[1];
  const turn = (body.input ?? []).filter((item) => item.type === 'function_call').length;
  if (!store || !signature) return stream(turn, { type: 'message', text: 'ok' });
  state.signature ??= signature;
  if (signature !== state.signature) return stream(turn, { type: 'message', text: 'Summary: nothing to change for this group.' });
  const scratch = join(dirname(store), 'harness');
  const exec = (cmd: string) => ({ type: 'function_call' as const, name: 'exec_command', arguments: JSON.stringify({ cmd }) });
  const patch = `*** Begin Patch\n*** Add File: ${join(scratch, 'tolerant-parse.ts')}\n${GOOD_MODULE.replace(/\n$/, '').split('\n').map((line) => `+${line}`).join('\n')}\n*** End Patch\n`;
  const steps = [
    exec(`cat ${join(store, 'README.md')}`),
    exec(`head -c 1500 ${join(store, 'failure-groups.json')}`),
    exec(`apply_patch <<'PATCH'\n${patch}PATCH\n`),
    exec(`echo 'export {};' > ${join(store, 'evil.ts')}`),
    exec(`node -e "fetch('${server!.url}/leak').then(() => console.log('network open'), (error) => console.log('network blocked', error.cause?.code ?? error.message))"`),
    // The project's run folder holds validation and test episodes: it does not exist inside the sandbox.
    exec(`ls ${join(state.root!, '.bridle', 'runs')}; cat ${join(state.root!, '.gitignore')}`),
  ];
  const step = steps[turn];
  return stream(turn, step ?? { type: 'message', text: 'Summary: parse actions out of sloppy output' });
}

describe.skipIf(!AVAILABLE)('bridle evolve --engineer codex/<model> against a local Responses API server', () => {
  it('drives the real Codex binary: reads the store, adds a module, and its sandbox refuses the store and the network', async () => {
    server = await startScriptedServer(answer);
    const { root, env } = temporaryProject('bridle-codex-');
    state.root = root;
    await runCliAsync(['init'], root, env);
    symlinkSync(join(AGENTS_HOME, 'node_modules'), join(root, 'node_modules'));
    const codexHome = mkdtempSync(join(tmpdir(), 'bridle-codex-home-'));
    folders.push(codexHome, root);
    const result = await runCliAsync(
      ['evolve', '--env', 'retail', '--engineer', 'codex/test-model', '--iterations', '1', '--trials', '1', '--train-trials', '1', '--no-pruning', '--json'],
      root,
      { ...env, OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: 'test-key', CODEX_HOME: codexHome },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.engineer).toMatchObject({ id: 'codex/test-model', kind: 'coding-agent' });

    const requests = server.requests.filter((request) => request.path.endsWith('/responses')).map((request) => request.body as Body).filter((body) => promptOf(body).includes(`Signature: \`${state.signature}\``));
    expect(requests.length).toBe(7);
    expect(requests.every((body) => JSON.stringify(body).includes('"stream":true'))).toBe(true);
    const outputs = new Map((requests.at(-1)!.input ?? []).filter((item) => item.type === 'function_call_output').map((item) => [item.call_id!, item.output ?? '']));
    expect(outputs.get('call_0')).toContain('The run store (read-only)');
    expect(outputs.get('call_1')).toContain(state.signature!);
    expect(outputs.get('call_2')).toMatch(/Success\. Updated the following files:\s*\nA .*tolerant-parse\.ts/);
    expect(outputs.get('call_3')).toMatch(/Read-only file system/);
    expect(outputs.get('call_4')).toMatch(/network blocked/);
    expect(outputs.get('call_5')).toMatch(/ls: cannot access '.*\.bridle\/runs': No such file or directory/);
    expect(outputs.get('call_5')).toMatch(/cat: .*\.gitignore: No such file or directory/);
    expect(state.leaks).toBe(0);
    expect(JSON.stringify(requests)).not.toMatch(await sealedTaskPattern('retail'));

    if (process.env.BRIDLE_MEASURE_PROMPTS) {
      // Responses API bodies: the instructions, the input items and the tool schemas, as JSON text / 4 (rough).
      const perTurn = requests.map((body) => Math.ceil(JSON.stringify({ instructions: (body as { instructions?: string }).instructions, input: body.input, tools: (body as { tools?: unknown }).tools }).length / 4));
      console.log(`Codex engineer prompt size (estimated input tokens per turn): ${perTurn.join(', ')}; per proposal: ${perTurn.reduce((a, b) => a + b, 0)}`);
    }
    if (output.commits.length !== 1) {
      // Say why nothing was committed: the engineer's and the pipeline's verdicts, from the journal.
      const journal = readFileSync(join(root, '.bridle', 'runs', output.runId, 'journal.jsonl'), 'utf8');
      console.log(journal.split('\n').filter((line) => /no-proposal|candidate-rejected/.test(line)).join('\n'));
    }
    expect(output.commits).toHaveLength(1);
    const branch = `bridle/retail/${output.runId}`;
    const message = git(root, ['log', '-1', '--format=%B', branch]);
    expect(message).toMatch(/^Bridle-Engineer: codex\/test-model$/m);
    expect(message).toMatch(/^Bridle-Engineer-Kind: coding-agent$/m);
    expect(message).toMatch(/^Bridle-Engineer-Tokens: 700 in, 140 out$/m);
    expect(message).toMatch(/^Bridle-Engineer-Experiments: 0$/m);
    expect(git(root, ['show', `${branch}:harnesses/retail/tolerant-parse.ts`])).toBe(GOOD_MODULE.trimEnd());
  }, 240_000);
});
