/**
 * `bridle evolve --engineer anthropic/<model>` in agentic mode, end to end against a scripted Messages API
 * server on 127.0.0.1: the engineer browses the run store (groups, trajectories), is refused a validation
 * episode, drafts a module that fails the type-check, reads the diagnostics from try_candidate, fixes it,
 * sees its train scores, and submits; the change then passes the real check, replay, screen, activation
 * and gate, and is committed with the engineer's spend in its trailers.
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.ts';
import { anthropicMessage } from '../helpers/protocol-fixtures.ts';
import { estimateInputTokens } from '../helpers/prompt-size.ts';
import { git, temporaryProject } from '../helpers/repos.ts';
import { sealedTaskPattern } from '../helpers/sealed-tasks.ts';
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from '../helpers/scripted-server.ts';

const GOOD_MODULE = readFileSync(new URL('../fixtures/retail-example-harness/tolerant-parse.ts', import.meta.url), 'utf8');
/** The same module with a type error: a guard verdict misspelt. */
const BROKEN_MODULE = GOOD_MODULE.replace("why: '", "guard() { return { blok: 'x' }; },\n  why: '");

let server: ScriptedServer | undefined;
const projects: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  while (projects.length > 0) rmSync(projects.pop()!, { recursive: true, force: true });
});

type Block = { type: string; id?: string; text?: string; content?: string; tool_use_id?: string; name?: string; input?: unknown };
type Body = { system?: string; messages: { role: string; content: string | Block[] }[]; tools: { name: string }[] };

function blocks(message: Body['messages'][number]): Block[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

/** The tool results the request carries back for the previous turn's calls, by tool_use id. */
function toolResults(body: Body): Map<string, string> {
  const results = new Map<string, string>();
  const last = body.messages.at(-1);
  if (last?.role === 'user') for (const block of blocks(last)) if (block.type === 'tool_result') results.set(block.tool_use_id!, block.content ?? '');
  return results;
}

/** The engineer's turn within its conversation (0 for the first request of a proposal). */
function turnOf(body: Body): number {
  return body.messages.filter((message) => message.role === 'assistant').length;
}

function firstUserText(body: Body): string {
  return blocks(body.messages[0]!).map((block) => block.text ?? '').join('\n');
}

const use = (id: string, name: string, input: unknown) => ({ id, name, input });

/**
 * The scripted engineer. Its first proposal browses, experiments and submits; any later proposal (another
 * group) declines twice without a tool call, which ends it.
 */
function script(request: RecordedRequest): Record<string, unknown> {
  const body = request.body as Body;
  const usage = { inputTokens: estimateInputTokens(body), outputTokens: 200 };
  const signature = /Signature: `([^`]+)`/.exec(firstUserText(body))?.[1] ?? '';
  const results = toolResults(body);
  firstProposal.signature ??= signature;
  if (signature !== firstProposal.signature) return anthropicMessage({ text: 'Nothing more to offer for this group.', ...usage });
  switch (turnOf(body)) {
    case 0:
      return anthropicMessage({ text: 'Let me look at the failure groups and a few episodes of mine.', toolUses: [use('toolu_groups', 'list_failure_groups', {}), use('toolu_list', 'list_trajectories', { group: signature, outcome: 'failure', limit: 2 })], ...usage });
    case 1: {
      const listed = JSON.parse(results.get('toolu_list')!) as { rows: { id: string }[] };
      return anthropicMessage({
        text: 'Reading one episode; and checking whether the held-out episodes are visible.',
        toolUses: [use('toolu_read', 'read_trajectory', { id: listed.rows[0]!.id, format: 'compressed' }), use('toolu_peek', 'read_trajectory', { id: 'iteration-1-head-validation/0' }), use('toolu_split', 'list_trajectories', { split: 'validation' })],
        ...usage,
      });
    }
    case 2:
      return anthropicMessage({ text: 'A tolerant parser should fix these. Trying a draft.', toolUses: [use('toolu_try1', 'try_candidate', { files: [{ file: 'tolerant-parse.ts', source: BROKEN_MODULE }] })], ...usage });
    case 3:
      return anthropicMessage({ text: 'The type-check caught a misspelt verdict. Fixing it.', toolUses: [use('toolu_try2', 'try_candidate', { files: [{ file: 'tolerant-parse.ts', source: GOOD_MODULE }] })], ...usage });
    default:
      return anthropicMessage({ text: 'It beats HEAD on train and fires on the group. Submitting.', toolUses: [use('toolu_submit', 'submit', { summary: 'parse actions out of sloppy output', files: [{ file: 'tolerant-parse.ts', source: GOOD_MODULE }] })], ...usage });
  }
}
const firstProposal: { signature?: string } = {};

describe('bridle evolve --engineer anthropic/<model> (agentic by default) against a local Messages API server', () => {
  it('browses, is refused validation episodes, experiments, fixes, submits, and commits the module with its spend', async () => {
    server = await startScriptedServer((request) => ({ body: script(request) }));
    const { root, env } = temporaryProject('bridle-agent-');
    projects.push(root);
    await runCliAsync(['init'], root, env);
    const result = await runCliAsync(
      ['evolve', '--env', 'retail', '--engineer', 'anthropic/claude-test', '--iterations', '1', '--trials', '1', '--train-trials', '1', '--no-pruning', '--engineer-turns', '8', '--json'],
      root,
      { ...env, ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: server.url },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.engineer).toMatchObject({ id: 'anthropic/claude-test', kind: 'agent' });

    const requests = server.requests.map((request) => request.body as Body);
    const proposal = requests.filter((body) => /Signature: `/.test(firstUserText(body)) && firstUserText(body).includes(firstProposal.signature!));
    expect(proposal.map(turnOf)).toEqual([0, 1, 2, 3, 4]);
    // The first request: the agent prompt, every store tool, and no tool that could reach the gate.
    expect(proposal[0]!.system).toContain('agent prompt v1');
    expect(proposal[0]!.tools.map((tool) => tool.name)).toEqual([
      'list_failure_groups',
      'list_trajectories',
      'read_trajectory',
      'grep_trajectories',
      'list_candidates',
      'read_candidate',
      'read_modules',
      'read_harness_api',
      'read_environment',
      'try_candidate',
      'submit',
    ]);

    // What each tool answered, as the engineer read it in its next turn.
    const turn1 = toolResults(proposal[1]!);
    expect(JSON.parse(turn1.get('toolu_groups')!)[0]).toMatchObject({ signature: firstProposal.signature });
    const listed = JSON.parse(turn1.get('toolu_list')!);
    expect(listed.rows).toHaveLength(2);
    expect(listed.rows.every((row: { id: string; success: boolean }) => row.id.startsWith('head/') && !row.success)).toBe(true);
    const turn2 = toolResults(proposal[2]!);
    expect(JSON.parse(turn2.get('toolu_read')!)).toMatchObject({ format: 'compressed', id: listed.rows[0].id });
    expect(turn2.get('toolu_peek')).toMatch(/^refused \(STORE_SPLIT_REFUSED\): .*validation split is not visible to engineers/);
    expect(turn2.get('toolu_split')).toMatch(/^refused \(STORE_SPLIT_REFUSED\)/);
    const try1 = JSON.parse(toolResults(proposal[3]!).get('toolu_try1')!);
    expect(try1).toMatchObject({ experiment: 1, stage: 'check', ok: false, message: 'type check failed', remaining: 3 });
    expect(try1.diagnostics.join('\n')).toMatch(/tolerant-parse\.ts:\d+:\d+ TS2\d+/);
    const try2 = JSON.parse(toolResults(proposal[4]!).get('toolu_try2')!);
    expect(try2).toMatchObject({ experiment: 2, stage: 'done', ok: true, trajectories: 'experiment-2', remaining: 2 });
    expect(try2.train.draftMean).toBeGreaterThan(try2.train.headMean);
    expect(try2.activation.firedOn).toBeGreaterThan(0);
    expect(Object.keys(try2.train.draft)).toEqual(['sim/mixed']);
    // Nothing the engineer was sent names a validation or test task.
    expect(JSON.stringify(requests)).not.toMatch(await sealedTaskPattern('retail'));

    if (output.commits.length !== 1) {
      // Say why nothing was committed: the engineer's and the pipeline's verdicts, from the journal.
      const journal = readFileSync(join(root, '.bridle', 'runs', output.runId, 'journal.jsonl'), 'utf8');
      console.log(journal.split('\n').filter((line) => /no-proposal|engineer-experiment|candidate-rejected/.test(line)).join('\n'));
    }
    expect(output.commits).toHaveLength(1);

    // The commit names the engineer, its model and its spend; the candidate keeps its experiments.
    const branch = `bridle/retail/${output.runId}`;
    const message = git(root, ['log', '-1', '--format=%B', branch]);
    expect(message).toMatch(/^Bridle-Engineer: anthropic\/claude-test$/m);
    expect(message).toMatch(/^Bridle-Engineer-Kind: agent$/m);
    expect(message).toMatch(/^Bridle-Engineer-Model: claude-test$/m);
    expect(message).toMatch(/^Bridle-Engineer-Calls: 5$/m);
    expect(message).toMatch(/^Bridle-Engineer-Tool-Calls: 8$/m);
    expect(message).toMatch(/^Bridle-Engineer-Experiments: 2$/m);
    expect(message).toMatch(/^Bridle-Engineer-Cost: unknown$/m);
    const tokens = /^Bridle-Engineer-Tokens: (\d+) in, (\d+) out$/m.exec(message)!;
    expect(Number(tokens[1])).toBe(proposal.reduce((sum, body) => sum + estimateInputTokens(body), 0));
    expect(git(root, ['show', `${branch}:harnesses/retail/tolerant-parse.ts`])).toBe(GOOD_MODULE.trimEnd());

    const directory = join(root, '.bridle', 'runs', output.runId);
    const record = JSON.parse(readFileSync(join(directory, 'candidates', '001', 'candidate.json'), 'utf8'));
    expect(record.stage).toBe('accepted');
    expect(record.experiments.map((entry: { stage: string }) => entry.stage)).toEqual(['check', 'done']);
    expect(record.usage).toMatchObject({ calls: 5, toolCalls: 8, experiments: 2 });
    expect(record.diff).toContain('+++ b/tolerant-parse.ts');
    const transcript = JSON.parse(readFileSync(join(directory, 'candidates', '001', 'engineer-transcript.json'), 'utf8'));
    expect(transcript.filter((message: { role: string }) => message.role === 'assistant')).toHaveLength(5);
    expect(JSON.stringify(transcript)).toContain('refused (STORE_SPLIT_REFUSED)');
    const journal = readFileSync(join(directory, 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(journal.filter((event) => event.type === 'engineer-experiment').map((event) => [event.candidate, event.stage])).toEqual([
      [1, 'check'],
      [1, 'done'],
    ]);
    expect(readdirSync(join(directory, 'candidates'))).toEqual(['001']);

    // Review and the report show the engineer's spend.
    const review = await runCliAsync(['review', output.runId], root, env);
    expect(review.stdout).toMatch(/agent claude-test · [\d.]+k\+1\.0k tok · cost unknown · 5 calls · 8 tool calls · 2 experiments/);
    const report = await runCliAsync(['report', output.runId], root, env);
    expect(report.code).toBe(0);
    expect(readFileSync(join(directory, 'report.html'), 'utf8')).toContain('8 tool calls · 2 experiments');
    expect(readFileSync(join(directory, 'report.html'), 'utf8')).toMatch(/engineer spend agent claude-test · [\d.]+k\+1\.0k tok · cost unknown · 5 calls · 8 tool calls · 2 experiments/);
    if (process.env.BRIDLE_TRANSCRIPT) {
      // The final request holds the whole conversation: docs/engineers.md quotes it.
      writeFileSync(process.env.BRIDLE_TRANSCRIPT, JSON.stringify(proposal.at(-1), null, 1));
    }
    if (process.env.BRIDLE_MEASURE_PROMPTS) {
      const perTurn = proposal.map((body) => estimateInputTokens(body));
      console.log(`agent engineer prompt size (estimated input tokens per turn): ${perTurn.join(', ')}; per proposal: ${perTurn.reduce((a, b) => a + b, 0)}`);
    }
  }, 180_000);
});
