/**
 * The `llm` engineer: the real @anthropic-ai/sdk client (and the chat-completions provider) against a
 * scripted local server, asserting on the request bodies sent and the proposals read back.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BridleError } from '../../src/errors.ts';
import { createLlmEngineer, type EngineerFailure, type LlmEngineerOptions } from '../../src/meta/engineers/llm/index.ts';
import { parseFencedText } from '../../src/meta/engineers/llm/parse.ts';
import { fillSection, loadPromptTemplate, parsePromptTemplate, renderSystem, renderUser } from '../../src/meta/engineers/llm/prompt.ts';
import type { EngineerRequest, Proposal } from '../../src/meta/types.ts';
import { anthropicError, anthropicMessage, chatCompletion, TEST_TOOLS } from '../helpers/protocol-fixtures.ts';
import { instantRetry, temporaryFolder, useTestResources } from '../helpers/model-testing.ts';
import type { ScriptedServer } from '../helpers/scripted-server.ts';

const API_TYPES = readFileSync(new URL('../../src/harness/api.ts', import.meta.url), 'utf8');
const FINISH_CHECK = readFileSync(new URL('../fixtures/retail-example-harness/finish-check.ts', import.meta.url), 'utf8');

const REQUEST: EngineerRequest = {
  environment: {
    name: 'retail',
    description: 'A retail customer-service desk: orders, users, products.',
    rules: 'Identify the customer before any change. Cancel only pending orders.',
    tools: TEST_TOOLS,
  },
  apiTypes: API_TYPES,
  modules: [{ file: 'finish-check.ts', source: FINISH_CHECK }],
  group: {
    signature: 'environment-error:cancel_order:invalid-format',
    kind: 'environment-error',
    title: 'cancel_order refused an order id without its # prefix',
    tool: 'cancel_order',
    taskIds: ['retail-train-007', 'retail-train-012'],
    episodes: 3,
    evidence: ['Error: order id "W1001" does not match ^#W\\d+$'],
  },
  examples: [
    {
      taskId: 'retail-train-007',
      backbone: 'sim/scatter',
      instruction: 'Cancel my order W1001, I ordered it by mistake.',
      outcome: 'FAILURE; ended: step-budget',
      steps: ['model wrote "cancel_order W1001" → cancel_order({"order_id":"W1001"}) → ERROR: invalid order id'],
      omitted: 4,
      tokens: 300,
    },
  ],
  rejected: [],
  train: [],
};

const GOOD_MODULE = `import { defineModule } from 'bridle/harness';

export default defineModule({
  name: 'id-prefix',
  why: 'Order ids without their prefix were refused.',
  realize(draft) {
    return undefined;
  },
});
`;

const LOOP_MODULE = `import { defineModule } from 'bridle/harness';

export default defineModule({
  name: 'stall-stop',
  why: 'Repeated failures wasted the step budget.',
  regulate(view) {
    return view.trajectory.length > 30 ? { stop: 'stalled' } : undefined;
  },
});
`;

const BROKEN_MODULE = `import { defineModule } from 'bridle/harness';

export default defineModule({
  name: 'id-prefix',
  why: 'Order ids without their prefix were refused.',
  realize(draft) {
    const count: number = draft.raw.text;
    return undefined;
  },
});
`;

const FIXED_MODULE = BROKEN_MODULE.replace('const count: number = draft.raw.text;', 'const count: number = draft.raw.text.length;');

const { server, onCleanup } = useTestResources();

/** An anthropic engineer against `api`, no cache, instant retries; failures collected. */
function anthropicEngineer(api: ScriptedServer, overrides: Partial<LlmEngineerOptions> = {}) {
  const failures: EngineerFailure[] = [];
  const timing = instantRetry();
  const engineer = createLlmEngineer({
    backbone: 'anthropic/claude-test',
    config: { backbones: { 'anthropic/claude-test': { baseURL: api.url, price: { inputPerMTok: 3, outputPerMTok: 15 } } } },
    env: { ANTHROPIC_API_KEY: 'sk-test' },
    noCache: true,
    retry: timing.retry,
    onFailure: (failure) => failures.push(failure),
    ...overrides,
  });
  return { engineer, failures, sleeps: timing.sleeps };
}

function writeCall(id: string, file: string, source: string) {
  return { id, name: 'write_module', input: { file, source } };
}

/** The text of every block of a Messages API request's messages, joined. */
function textOf(body: { messages: { content: { type: string; text?: string; content?: string }[] }[] }): string {
  return body.messages
    .flatMap((message) => message.content)
    .map((block) => block.text ?? block.content ?? '')
    .join('\n');
}

describe('llm engineer over the Messages API', () => {
  it('turns two write_module calls into a proposal and sends the versioned prompt, the tools and the group', async () => {
    const api = await server([
      {
        body: anthropicMessage({
          text: 'Summary: Adds a prefix normaliser and a stall stop for refused order ids.\nI will write both modules now.',
          toolUses: [writeCall('toolu_01', 'id-prefix.ts', GOOD_MODULE), writeCall('toolu_02', 'stall-stop.ts', LOOP_MODULE)],
          inputTokens: 5000,
          outputTokens: 700,
        }),
      },
    ]);
    const { engineer, failures } = anthropicEngineer(api);
    expect(engineer.id).toBe('anthropic/claude-test');
    expect(engineer.identity).toBe('anthropic/claude-test (llm prompt v1)');

    const proposal = await engineer.propose(REQUEST);

    expect(failures).toEqual([]);
    expect(proposal).toEqual({
      files: [
        { file: 'id-prefix.ts', source: GOOD_MODULE },
        { file: 'stall-stop.ts', source: LOOP_MODULE },
      ],
      remove: [],
      summary: 'Adds a prefix normaliser and a stall stop for refused order ids.',
      usage: { inputTokens: 5000, outputTokens: 700, calls: 1, costUsd: (5000 * 3 + 700 * 15) / 1e6 },
    });

    expect(api.requests).toHaveLength(1);
    const request = api.requests[0]!;
    expect(request.path).toBe('/v1/messages');
    const body = request.body;
    expect(body.model).toBe('claude-test');
    expect(body.max_tokens).toBe(8192);
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
    expect(body.system).toContain('engineer prompt v1');
    expect(body.system).toContain(API_TYPES.trim());
    expect(body.system).toContain('Begin your reply with one line `Summary: ...`');
    expect(body.system).toContain('call the `write_module` tool once per file');
    expect(body.system).toContain('```ts\n/**\n * The harness API, version 1');
    expect(body.system).not.toMatch(/\{\{[A-Z_]+\}\}/);
    expect(body.tools.map((tool: { name: string }) => tool.name)).toEqual(['write_module', 'remove_module']);
    expect(body.tools[0].input_schema).toMatchObject({ type: 'object', required: ['file', 'source'] });
    expect(body.messages).toHaveLength(1);
    const user = textOf(body);
    expect(user).toContain('environment-error:cancel_order:invalid-format');
    expect(user).toContain('cancel_order refused an order id without its # prefix');
    expect(user).toContain('does not match ^#W\\d+$');
    expect(user).toContain('Identify the customer before any change.');
    expect(user).toContain('`cancel_order` (changes state)');
    expect(user).toContain('```ts file=finish-check.ts');
    expect(user).toContain('Instruction: Cancel my order W1001');
    expect(user).toContain('(none: this is the first attempt at this group)');
    // Task ids are never shown: a module must not name one.
    expect(user).not.toContain('retail-train-007');
    expect(user).not.toMatch(/\{\{[A-Z_]+\}\}/);
  });

  it('sends type-check diagnostics back as tool results and returns the repaired file', async () => {
    const api = await server([
      { body: anthropicMessage({ text: 'Adds an id normaliser.', toolUses: [writeCall('toolu_01', 'id-prefix.ts', BROKEN_MODULE)] }) },
      { body: anthropicMessage({ text: 'Fixed the type error.', toolUses: [writeCall('toolu_02', 'id-prefix.ts', FIXED_MODULE)], inputTokens: 900, outputTokens: 300 }) },
    ]);
    const { engineer, failures } = anthropicEngineer(api);
    const proposal = await engineer.propose(REQUEST);
    expect(proposal?.files).toEqual([{ file: 'id-prefix.ts', source: BROKEN_MODULE }]);

    const diagnostics = ["id-prefix.ts(7,11): error TS2322: Type 'string' is not assignable to type 'number'."];
    const repaired = await engineer.repair(REQUEST, proposal!, diagnostics);

    expect(failures).toEqual([]);
    expect(repaired).toEqual({
      files: [{ file: 'id-prefix.ts', source: FIXED_MODULE }],
      remove: [],
      summary: 'Fixed the type error.',
      usage: { inputTokens: 900, outputTokens: 300, calls: 1, costUsd: (900 * 3 + 300 * 15) / 1e6 },
    });
    expect(api.requests).toHaveLength(2);
    const second = api.requests[1]!.body;
    expect(second.system).toBe(api.requests[0]!.body.system);
    expect(second.messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(second.messages[1].content).toEqual([
      { type: 'text', text: 'Adds an id normaliser.' },
      { type: 'tool_use', id: 'toolu_01', name: 'write_module', input: { file: 'id-prefix.ts', source: BROKEN_MODULE } },
    ]);
    const [toolResult, text] = second.messages[2].content;
    expect(toolResult).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_01' });
    expect(toolResult.content).toContain('failed the checks');
    expect(text.type).toBe('text');
    expect(text.text).toContain(diagnostics[0]);
    expect(text.text).toContain('write each file you change again in full');
  });

  it('gives up on an irreparable candidate with a reason: no files, then a bad file name', async () => {
    const api = await server([
      { body: anthropicMessage({ text: 'Adds an id normaliser.', toolUses: [writeCall('toolu_01', 'id-prefix.ts', BROKEN_MODULE)] }) },
      { body: anthropicMessage({ text: 'I cannot see how to fix this.' }) },
      { body: anthropicMessage({ text: 'Here it is.', toolUses: [writeCall('toolu_03', 'harness/IdPrefix.ts', FIXED_MODULE)], inputTokens: 50, outputTokens: 10 }) },
    ]);
    const { engineer, failures } = anthropicEngineer(api);
    const proposal = await engineer.propose(REQUEST);
    const repaired = await engineer.repair(REQUEST, proposal!, ['id-prefix.ts(7,11): error TS2322']);

    expect(repaired).toBeNull();
    expect(api.requests).toHaveLength(3);
    // The correction turn named the problem.
    expect(textOf(api.requests[2]!.body)).toContain('no module was written');
    expect(failures).toHaveLength(1);
    const failure = failures[0]!;
    expect(failure).toMatchObject({ engineer: 'anthropic/claude-test', stage: 'repair', signature: REQUEST.group.signature });
    expect(failure.reason).toMatch(/^repair unusable after 2 replies: .*a file name has no folders/);
    expect(failure.usage).toMatchObject({ calls: 2, inputTokens: 150, outputTokens: 30 });
  });

  it('refuses a repair that rewrites the same broken file', async () => {
    const api = await server([
      { body: anthropicMessage({ text: 'Adds an id normaliser.', toolUses: [writeCall('toolu_01', 'id-prefix.ts', BROKEN_MODULE)] }) },
      { body: anthropicMessage({ text: 'Done.', toolUses: [writeCall('toolu_02', 'id-prefix.ts', BROKEN_MODULE)] }) },
    ]);
    const { engineer, failures } = anthropicEngineer(api, { correctionTurns: 0 });
    const proposal = await engineer.propose(REQUEST);
    expect(await engineer.repair(REQUEST, proposal!, ['id-prefix.ts(7,11): error TS2322'])).toBeNull();
    expect(failures[0]?.reason).toContain('the same as the ones that failed');
  });

  it('continues a proposal it did not make by replaying it as its own answer', async () => {
    const api = await server([{ body: anthropicMessage({ text: 'Fixed.', toolUses: [writeCall('toolu_09', 'id-prefix.ts', FIXED_MODULE)] }) }]);
    const { engineer } = anthropicEngineer(api);
    const foreign: Proposal = { files: [{ file: 'id-prefix.ts', source: BROKEN_MODULE }], remove: [], summary: 'An id normaliser.', usage: { inputTokens: 0, outputTokens: 0, calls: 0 } };
    const repaired = await engineer.repair(REQUEST, foreign, ['id-prefix.ts(7,11): error TS2322']);
    expect(repaired?.files).toEqual([{ file: 'id-prefix.ts', source: FIXED_MODULE }]);
    const body = api.requests[0]!.body;
    expect(body.messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(body.messages[1].content[0].text).toContain('```ts file=id-prefix.ts');
    expect(body.messages[2].content[0].text).toContain('error TS2322');
  });

  it('answers each tool call in a correction turn and keeps the files that were fine', async () => {
    const api = await server([
      {
        body: anthropicMessage({
          text: 'Summary: an id normaliser, and drop a module.',
          toolUses: [writeCall('toolu_01', 'id-prefix.ts', GOOD_MODULE), { id: 'toolu_02', name: 'remove_module', input: { file: 'ghost.ts' } }],
        }),
      },
      { body: anthropicMessage({ text: 'Right, nothing to remove: the normaliser alone.' }) },
    ]);
    const { engineer, failures } = anthropicEngineer(api);
    const proposal = await engineer.propose(REQUEST);
    expect(failures).toEqual([]);
    expect(proposal).toMatchObject({ files: [{ file: 'id-prefix.ts', source: GOOD_MODULE }], remove: [], summary: 'Right, nothing to remove: the normaliser alone.', usage: { calls: 2 } });
    const [written, refused, text] = api.requests[1]!.body.messages[2].content;
    expect(written).toEqual({ type: 'tool_result', tool_use_id: 'toolu_01', content: `Received id-prefix.ts (${GOOD_MODULE.length} characters).` });
    expect(refused.tool_use_id).toBe('toolu_02');
    expect(refused.content).toContain('Not accepted: remove_module: there is no module "ghost.ts" (the modules are finish-check.ts)');
    expect(text.text).toContain('Your reply could not be used');
  });

  it('answers a re-run from the response cache without a request', async () => {
    const folder = await temporaryFolder('bridle-engineer-');
    onCleanup(folder.remove);
    const api = await server([{ body: anthropicMessage({ text: 'Summary: an id normaliser.', toolUses: [writeCall('toolu_01', 'id-prefix.ts', GOOD_MODULE)] }) }]);
    const first = await anthropicEngineer(api, { noCache: false, cacheDir: folder.path }).engineer.propose(REQUEST);
    const again = await anthropicEngineer(api, { noCache: false, cacheDir: folder.path }).engineer.propose(REQUEST);
    expect(api.requests).toHaveLength(1);
    expect(again?.files).toEqual(first?.files);
    // A cache hit reports the tokens of the original answer and spends nothing.
    expect(again?.usage).toEqual({ ...first!.usage, costUsd: 0 });
  });

  it('reads fenced code blocks from a reply without tool calls', async () => {
    const reply = [
      'The ids lack their prefix; a realize hook can restore it from the schema pattern.',
      '',
      '```ts file=id-prefix.ts',
      GOOD_MODULE.trimEnd(),
      '```',
      '',
      '```typescript',
      '// file: stall-stop.ts',
      LOOP_MODULE.trimEnd(),
      '```',
      '',
      'remove: finish-check.ts',
      'Summary: restore id prefixes from the schema and stop stalled episodes.',
    ].join('\n');
    const api = await server([{ body: anthropicMessage({ text: reply }) }]);
    const { engineer } = anthropicEngineer(api);
    const proposal = await engineer.propose(REQUEST);
    expect(proposal).toMatchObject({
      files: [
        { file: 'id-prefix.ts', source: GOOD_MODULE },
        { file: 'stall-stop.ts', source: LOOP_MODULE },
      ],
      remove: ['finish-check.ts'],
      summary: 'restore id prefixes from the schema and stop stalled episodes.',
    });
  });

  it('asks a text-mode OpenAI-compatible server for fenced blocks, without tools', async () => {
    const api = await server([
      { body: chatCompletion({ choices: [{ content: `\`\`\`ts file=id-prefix.ts\n${GOOD_MODULE}\`\`\`\nSummary: restore id prefixes.` }], promptTokens: 400, completionTokens: 90 }) },
    ]);
    const engineer = createLlmEngineer({
      backbone: 'openai/qwen-test',
      config: { backbones: { 'openai/qwen-test': { baseURL: `${api.url}/v1`, toolMode: 'text' } } },
      env: {},
      noCache: true,
    });
    expect(engineer.mode).toBe('text');
    const proposal = await engineer.propose(REQUEST);
    expect(proposal).toEqual({
      files: [{ file: 'id-prefix.ts', source: GOOD_MODULE }],
      remove: [],
      summary: 'restore id prefixes.',
      // No price configured: the cost is unknown, so it is left out rather than guessed.
      usage: { inputTokens: 400, outputTokens: 90, calls: 1 },
    });
    const body = api.requests[0]!.body;
    expect(api.requests[0]!.path).toBe('/v1/chat/completions');
    expect(body).not.toHaveProperty('tools');
    expect(body.messages[0].role).toBe('system');
    expect(body.messages[0].content).toContain('```ts file=kebab-name.ts');
    expect(body.messages[0].content).not.toContain('call the `write_module` tool');
  });

  it('falls back to text mode when the server refuses tools', async () => {
    const api = await server([
      { status: 400, body: { error: { message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', type: 'BadRequestError' } } },
      { body: chatCompletion({ choices: [{ content: `\`\`\`ts file=id-prefix.ts\n${GOOD_MODULE}\`\`\`\nSummary: restore id prefixes.` }] }) },
      { body: chatCompletion({ choices: [{ content: `\`\`\`ts file=stall-stop.ts\n${LOOP_MODULE}\`\`\`\nSummary: stop stalls.` }] }) },
    ]);
    const warnings: string[] = [];
    const engineer = createLlmEngineer({
      backbone: 'openai/vllm-test',
      config: { backbones: { 'openai/vllm-test': { baseURL: `${api.url}/v1` } } },
      env: {},
      noCache: true,
      onWarning: (warning) => warnings.push(warning),
    });
    expect(engineer.mode).toBe('native');
    const proposal = await engineer.propose(REQUEST);
    expect(proposal?.files).toEqual([{ file: 'id-prefix.ts', source: GOOD_MODULE }]);
    expect(engineer.mode).toBe('text');
    expect(warnings.some((warning) => warning.includes('refused tool use'))).toBe(true);
    expect(api.requests[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(['write_module', 'remove_module']);
    expect(api.requests[1]!.body).not.toHaveProperty('tools');
    // Text mode sticks: the next answer does not try tools again.
    expect((await engineer.propose(REQUEST))?.files[0]?.file).toBe('stall-stop.ts');
    expect(api.requests).toHaveLength(3);
    expect(api.requests[2]!.body).not.toHaveProperty('tools');
  });

  it('reports a cut-off reply as the reason', async () => {
    const truncated = { ...anthropicMessage({ toolUses: [{ id: 'toolu_01', name: 'write_module', input: { file: 'id-prefix.ts' } }] }), stop_reason: 'max_tokens' };
    const api = await server([{ body: truncated }]);
    const { engineer, failures } = anthropicEngineer(api, { correctionTurns: 0, maxTokens: 1000 });
    expect(await engineer.propose(REQUEST)).toBeNull();
    expect(api.requests[0]!.body.max_tokens).toBe(1000);
    expect(failures[0]?.reason).toContain('cut off (stop reason "max_tokens" at 1000 tokens)');
    expect(failures[0]?.problems).toContain('write_module call 1: "source" must be the module\'s source as a string');
  });

  it('fails fast with one line naming the variable when the API key is missing', () => {
    let error: unknown;
    try {
      createLlmEngineer({ backbone: 'anthropic/claude-test', config: {}, env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(BridleError.isInstance(error)).toBe(true);
    expect((error as BridleError).code).toBe('MISSING_API_KEY');
    expect((error as BridleError).message).toContain('ANTHROPIC_API_KEY');
    expect((error as BridleError).message).not.toContain('\n');
    expect(() => createLlmEngineer({ backbone: 'sim/scatter', env: {} })).toThrow(/simulated backbones/);
  });

  it('retries a 429 after its retry-after and then succeeds', async () => {
    const api = await server([
      { status: 429, headers: { 'retry-after': '2' }, body: anthropicError('rate_limit_error', 'slow down') },
      { body: anthropicMessage({ text: 'Adds an id normaliser.', toolUses: [writeCall('toolu_01', 'id-prefix.ts', GOOD_MODULE)] }) },
    ]);
    const { engineer, sleeps, failures } = anthropicEngineer(api);
    const proposal = await engineer.propose(REQUEST);
    expect(proposal?.files).toEqual([{ file: 'id-prefix.ts', source: GOOD_MODULE }]);
    expect(sleeps).toEqual([2000]);
    expect(api.requests).toHaveLength(2);
    expect(api.requests[1]!.body).toEqual(api.requests[0]!.body);
    expect(failures).toEqual([]);
  });

  it('turns a model fault that outlasts the retries into a null answer with its code', async () => {
    const api = await server(() => ({ status: 500, body: anthropicError('api_error', 'overloaded') }));
    const { engineer, failures } = anthropicEngineer(api, {
      config: { backbones: { 'anthropic/claude-test': { baseURL: api.url, maxRetries: 1 } } },
    });
    expect(await engineer.propose(REQUEST)).toBeNull();
    expect(api.requests).toHaveLength(2);
    expect(failures[0]).toMatchObject({ stage: 'propose', code: 'MODEL_FAULT', problems: [], usage: { calls: 1, inputTokens: 0, outputTokens: 0 } });
    expect(failures[0]?.reason).toContain('gave up after 2 attempts');
  });
});

describe('llm engineer prompt', () => {
  it('renders rejected attempts with their reasons and asks for something different', () => {
    const template = loadPromptTemplate(1);
    const user = renderUser(template, {
      ...REQUEST,
      modules: [],
      rejected: [{ attempt: 1, files: [{ file: 'id-prefix.ts', source: BROKEN_MODULE }], reason: 'blocked a correct action in replay', diagnostics: ['guard blocked cancel_order on task 3'] }],
    });
    expect(user).toContain('## Attempt 1: rejected: blocked a correct action in replay');
    expect(user).toContain('- guard blocked cancel_order on task 3');
    expect(user).toContain('```ts file=id-prefix.ts');
    expect(user).toContain('Do something different');
    expect(user).toContain('(none: the harness is empty');
    const system = renderSystem(template, REQUEST, 'native', { maxFiles: 4, maxFileChars: 20000 });
    expect(system).toContain('At most 4 files per answer, at most 20000 characters each');
    expect(system).toContain("no `Math.random` (use `view.rng()`)");
    expect(system).toContain('never answers');
  });

  it('fills placeholders once and refuses unknown or missing ones', () => {
    const template = parsePromptTemplate(
      ['<!-- @system -->', 'v{{VERSION}}: {{API}}', ...['output-native', 'output-text', 'how-native', 'how-text', 'user', 'no-modules', 'no-rejected', 'rejected-note', 'correct', 'repair', 'previous', 'result-written', 'result-removed', 'result-refused', 'result-checked'].flatMap((name) => [`<!-- @${name} -->`, name])].join('\n'),
      9,
    );
    expect(fillSection(template, 'system', { VERSION: 9, API: 'literal {{RULES}} stays' })).toBe('v9: literal {{RULES}} stays');
    expect(() => fillSection(template, 'system', { VERSION: 9 })).toThrow(/needs \{\{API\}\}/);
    expect(() => fillSection(template, 'system', { VERSION: 9, API: '', EXTRA: 'x' })).toThrow(/no \{\{EXTRA\}\}/);
    expect(() => parsePromptTemplate('<!-- @system -->\nx', 2)).toThrow(/section @output-native is missing/);
  });

  it('parses fenced text: longer fences, removals, and blocks without a name', () => {
    const source = "import { defineModule } from 'bridle/harness';\nconst FENCE = '```';\nexport default defineModule({ name: 'fence-text', why: 'x' });\n";
    const parsed = parseFencedText(`\`\`\`\`ts file="fence-text.ts"\n${source}\`\`\`\`\n- remove: \`old-module.ts\`\n**Summary:** keeps fences.`, { maxFileChars: 1000 });
    expect(parsed.edits).toEqual([
      { kind: 'write', file: 'fence-text.ts', source },
      { kind: 'remove', file: 'old-module.ts' },
    ]);
    expect(parsed.summary).toBe('keeps fences.');
    expect(parseFencedText('```ts\nexport default 1;\n```', { maxFileChars: 1000 }).problems[0]).toContain('did not name its file');
    expect(parseFencedText('```ts file=big.ts\nxxxxxxxxxx\n```', { maxFileChars: 5 }).problems[0]).toContain('over the limit of 5');
  });
});
