/**
 * `bridle evolve --engineer claude-code/<model>`, end to end: the real Claude Agent SDK starts the real
 * Claude Code binary, which talks to a scripted Messages API server on 127.0.0.1 (ANTHROPIC_BASE_URL).
 * The scripted model browses the exported run store, writes a module into the scratch folder, runs
 * try_candidate (served in bridle's process), fixes the type error it reports, is refused a write to the
 * store and reads of the project and its run folder, and finishes; the edit then passes the real check, replay,
 * screen, activation and gate and is committed.
 *
 * The SDK is an optional peer dependency (about 400 MB with the Claude Code binary): CI installs it with
 * scripts/install-coding-agents.sh; without it this test is skipped with a line saying so.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.ts';
import { anthropicMessage, anthropicStream } from '../helpers/protocol-fixtures.ts';
import { estimateInputTokens } from '../helpers/prompt-size.ts';
import { git, temporaryProject } from '../helpers/repos.ts';
import { sealedTaskPattern } from '../helpers/sealed-tasks.ts';
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from '../helpers/scripted-server.ts';

const AGENTS_HOME = process.env.BRIDLE_CODING_AGENTS_HOME ?? join(homedir(), '.cache', 'bridle', 'coding-agents');
const AVAILABLE = existsSync(join(AGENTS_HOME, 'node_modules', '@anthropic-ai', 'claude-agent-sdk', 'package.json'));
if (!AVAILABLE) console.warn(`skipped: the Claude Code engineer test needs @anthropic-ai/claude-agent-sdk in ${AGENTS_HOME} (run: . scripts/install-coding-agents.sh)`);

const GOOD_MODULE = readFileSync(new URL('../fixtures/retail-example-harness/tolerant-parse.ts', import.meta.url), 'utf8');
const BROKEN_MODULE = GOOD_MODULE.replace("why: '", "guard() { return { blok: 'x' }; },\n  why: '");

let server: ScriptedServer | undefined;
const folders: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  while (folders.length > 0) rmSync(folders.pop()!, { recursive: true, force: true });
});

type Block = { type: string; text?: string; content?: unknown; tool_use_id?: string; is_error?: boolean; id?: string; name?: string };
type Body = { messages: { role: string; content: string | Block[] }[]; tools?: { name: string }[]; stream?: boolean };

const blocks = (content: string | Block[]): Block[] => (typeof content === 'string' ? [{ type: 'text', text: content }] : content);
const textOf = (content: unknown): string => (typeof content === 'string' ? content : Array.isArray(content) ? content.map((part: { text?: string }) => part.text ?? '').join('\n') : '');

/** Every tool result in a request, by tool_use id: its text and whether it is an error. */
function toolResults(body: Body): Map<string, { text: string; error: boolean }> {
  const results = new Map<string, { text: string; error: boolean }>();
  for (const message of body.messages) for (const block of blocks(message.content)) if (block.type === 'tool_result') results.set(block.tool_use_id!, { text: textOf(block.content), error: block.is_error === true });
  return results;
}

function prompt(body: Body): string {
  return body.messages.filter((message) => message.role === 'user').flatMap((message) => blocks(message.content)).map((block) => block.text ?? '').join('\n');
}

const use = (id: string, name: string, input: unknown) => ({ id, name, input });
const state: { signature?: string; root?: string } = {};

function answer(request: RecordedRequest) {
  const body = request.body as Body;
  const reply = (message: Record<string, unknown>) => (body.stream ? { headers: { 'content-type': 'text/event-stream' }, body: anthropicStream(message) } : { body: message });
  const text = prompt(body);
  const store = /The run store is in `([^`]+)`/.exec(text)?.[1];
  const signature = /Signature: `([^`]+)`/.exec(text)?.[1];
  // Only the engineer's own conversation (it is offered Write) follows the script; any side request gets plain text.
  if (!store || !signature || !(body.tools ?? []).some((tool) => tool.name === 'Write')) return reply(anthropicMessage({ text: 'ok' }));
  state.signature ??= signature;
  if (signature !== state.signature) return reply(anthropicMessage({ text: 'Summary: nothing to change for this group.' }));
  const scratch = join(dirname(store), 'harness');
  const turn = body.messages.filter((message) => message.role === 'assistant').length;
  const steps = [
    () => anthropicMessage({ text: 'Reading the store first.', toolUses: [use('tu_readme', 'Read', { file_path: join(store, 'README.md') }), use('tu_groups', 'Read', { file_path: join(store, 'failure-groups.json') })] }),
    () => anthropicMessage({ toolUses: [use('tu_episode', 'Read', { file_path: join(store, 'trajectories', 'head', '0.txt') })] }),
    () => anthropicMessage({ text: 'Writing a tolerant parser.', toolUses: [use('tu_write1', 'Write', { file_path: join(scratch, 'tolerant-parse.ts'), content: BROKEN_MODULE })] }),
    () => anthropicMessage({ toolUses: [use('tu_try1', 'mcp__bridle__try_candidate', {})] }),
    () => anthropicMessage({ text: 'Fixing the type error.', toolUses: [use('tu_write2', 'Write', { file_path: join(scratch, 'tolerant-parse.ts'), content: GOOD_MODULE })] }),
    () => anthropicMessage({ toolUses: [use('tu_try2', 'mcp__bridle__try_candidate', {})] }),
    () => anthropicMessage({ toolUses: [use('tu_evil', 'Write', { file_path: join(store, 'evil.ts'), content: 'export {};\n' }), use('tu_outside', 'Read', { file_path: join(state.root!, '.gitignore') }), use('tu_runs', 'Glob', { pattern: '**/*.jsonl', path: join(state.root!, '.bridle', 'runs') })] }),
    () => anthropicMessage({ text: 'Summary: parse actions out of sloppy output' }),
  ];
  return reply(steps[Math.min(turn, steps.length - 1)]!());
}

describe.skipIf(!AVAILABLE)('bridle evolve --engineer claude-code/<model> against a local Messages API server', () => {
  it('drives the real Claude Code binary through browse, edit, try_candidate, fix and finish, with writes pinned to the scratch folder', async () => {
    server = await startScriptedServer(answer);
    const { root, env } = temporaryProject('bridle-claude-code-');
    state.root = root;
    await runCliAsync(['init'], root, env);
    // The optional peer, installed outside the repository, found through the project's node_modules.
    symlinkSync(join(AGENTS_HOME, 'node_modules'), join(root, 'node_modules'));
    const config = mkdtempSync(join(tmpdir(), 'bridle-claude-config-'));
    folders.push(config, root);
    const result = await runCliAsync(
      ['evolve', '--env', 'retail', '--engineer', 'claude-code/claude-test', '--iterations', '1', '--trials', '1', '--train-trials', '1', '--no-pruning', '--json'],
      root,
      { ...env, ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: server.url, CLAUDE_CONFIG_DIR: config },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.engineer).toMatchObject({ id: 'claude-code/claude-test', kind: 'coding-agent' });
    if (output.commits.length !== 1) {
      // Say why nothing was committed: the engineer's and the pipeline's verdicts, from the journal.
      const journal = readFileSync(join(root, '.bridle', 'runs', output.runId, 'journal.jsonl'), 'utf8');
      console.log(journal.split('\n').filter((line) => /no-proposal|engineer-experiment|candidate-rejected/.test(line)).join('\n'));
    }
    expect(output.commits).toHaveLength(1);

    const requests = server.requests.map((request) => request.body as Body).filter((body) => prompt(body).includes(`Signature: \`${state.signature}\``));
    expect(requests.length).toBe(8);
    // Claude Code was offered exactly the pinned tools (plus bridle's experiment tool), and no shell.
    const offered = requests[0]!.tools!.map((tool) => tool.name);
    expect(offered).toEqual(expect.arrayContaining(['Read', 'Glob', 'Grep', 'Edit', 'Write', 'mcp__bridle__try_candidate']));
    expect(offered).not.toContain('Bash');
    expect(offered).not.toContain('WebFetch');

    const results = toolResults(requests.at(-1)!);
    expect(results.get('tu_readme')!.text).toContain('The run store (read-only)');
    expect(results.get('tu_groups')!.text).toContain(state.signature!);
    expect(results.get('tu_episode')!.text).toMatch(/head\/0 · task retail-\d+/);
    const try1 = JSON.parse(results.get('tu_try1')!.text);
    expect(try1).toMatchObject({ experiment: 1, stage: 'check', ok: false });
    expect(try1.diagnostics.join('\n')).toMatch(/tolerant-parse\.ts:\d+:\d+ TS2\d+/);
    const try2 = JSON.parse(results.get('tu_try2')!.text);
    expect(try2).toMatchObject({ experiment: 2, stage: 'done', ok: true });
    expect(results.get('tu_evil')).toMatchObject({ error: true });
    expect(results.get('tu_evil')!.text).toMatch(/only inside the scratch folder .*the run store is read-only/);
    // The project and its run folder (validation and test episodes live there) are out of reach.
    expect(results.get('tu_outside')).toMatchObject({ error: true });
    expect(results.get('tu_outside')!.text).toMatch(/Read is allowed only inside/);
    expect(results.get('tu_runs')).toMatchObject({ error: true });
    expect(results.get('tu_runs')!.text).toMatch(/Glob is allowed only inside/);
    expect(JSON.stringify(server.requests.map((request) => request.body))).not.toMatch(await sealedTaskPattern('retail'));

    if (process.env.BRIDLE_MEASURE_PROMPTS) {
      const perTurn = requests.map((body) => estimateInputTokens(body as never));
      console.log(`Claude Code engineer prompt size (estimated input tokens per turn): ${perTurn.join(', ')}; per proposal: ${perTurn.reduce((a, b) => a + b, 0)}`);
    }
    const branch = `bridle/retail/${output.runId}`;
    const message = git(root, ['log', '-1', '--format=%B', branch]);
    expect(message).toMatch(/^Bridle-Engineer: claude-code\/claude-test$/m);
    expect(message).toMatch(/^Bridle-Engineer-Kind: coding-agent$/m);
    expect(message).toMatch(/^Bridle-Engineer-Experiments: 2$/m);
    expect(message).toMatch(/^Bridle-Engineer-Tool-Calls: 10$/m);
    expect(git(root, ['show', `${branch}:harnesses/retail/tolerant-parse.ts`])).toBe(GOOD_MODULE.trimEnd());
  }, 240_000);
});
