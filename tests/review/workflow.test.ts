/**
 * Review, adopt, revert, pin and load, end to end: one offline evolve run in a temporary git repository,
 * then each verb through the real `bridle` command (and `loadHarness` through a user's script and this
 * process) on its own copy of the project. Assertions read plain git, as a user would.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.ts';
import { anthropicMessage } from '../helpers/protocol-fixtures.ts';
import { startScriptedServer } from '../helpers/scripted-server.ts';
import { createRetail } from '../../environments/retail/index.ts';
import { loadHarness } from '../../src/api/load-harness.ts';
import { adoptRun } from '../../src/review/adopt.ts';
import { pinHarness } from '../../src/store/pins.ts';
import { parseAction } from '../../src/agent/parse-action.ts';
import { BridleError } from '../../src/errors.ts';
import { harnessContentHash } from '../../sandboxes/compile.ts';
import { BRIDLE_ROOT, ENV, bridle, copyProject, evolveProject, git, removeProjects, runScript, type EvolvedProject } from './project.ts';

const SCRIPT = new URL('./fixtures/reproduce-pin.ts', import.meta.url).pathname;
const WORKER_SCRIPT = new URL('./fixtures/worker-session.ts', import.meta.url).pathname;
const DOC = join(BRIDLE_ROOT, 'docs', 'production.md');
const BRIDLE_ENTRY = new URL('./fixtures/bridle-entry.ts', import.meta.url).pathname;
const HARNESS = 'harnesses/retail';

let project: EvolvedProject;

beforeAll(() => {
  project = evolveProject();
}, 120_000);

afterAll(() => removeProjects());

/** A copy of the project with the run adopted; setup goes through the library, the verbs' own tests through the CLI. */
async function adoptedCopy(): Promise<string> {
  const root = copyProject(project);
  expect((await adoptRun(project.runId, { root })).kind).toBe('fast-forward');
  return root;
}

/** An adopted copy with HEAD pinned as production. */
async function pinnedCopy(): Promise<string> {
  const root = await adoptedCopy();
  expect((await pinHarness({ root, environment: 'retail', rev: 'HEAD' })).unchanged).toBe(false);
  return root;
}

/** The content hash of the harness in a folder, computed from its files in manifest order. */
function folderHash(root: string): string {
  const manifest = JSON.parse(readFileSync(join(root, HARNESS, 'harness.json'), 'utf8')) as { modules: string[] };
  return harnessContentHash(manifest.modules.map((file) => ({ file, source: readFileSync(join(root, HARNESS, file), 'utf8') })));
}

function expectOneLineRefusal(result: { code: number | null; stderr: string }, message: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr.trimEnd()).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('the evolve run under review', () => {
  it('made at least two commits on its run branch', () => {
    expect(project.commits.length).toBeGreaterThanOrEqual(2);
    expect(git(project.root, 'rev-parse', project.branch)).toBe(project.commits.at(-1));
  });
});

describe('bridle review', () => {
  it('lists the run with its commits, held-out before → after, engineer, date and status', () => {
    const text = bridle(project.root, 'review');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${project.runId}\\s+retail\\s+${project.commits.length}\\s+\\d+\\.\\d% → \\d+\\.\\d%\\s+heuristic\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+not adopted$`, 'm'));
    const runs = JSON.parse(bridle(project.root, 'review', '--json').stdout);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId: project.runId, environment: 'retail', status: 'not adopted', base: project.base, engineer: 'heuristic' });
    expect(runs[0].heldout.after).toBeGreaterThan(runs[0].heldout.before);
  });

  it("lists one run's accepted commits: commit, module, failure group, delta with interval, tokens per episode, engineer, date", () => {
    const result = bridle(project.root, 'review', project.runId);
    expect(result.code).toBe(0);
    for (const sha of project.commits) {
      expect(result.stdout).toMatch(new RegExp(`^${sha.slice(0, 10)}\\s+[a-z0-9-]+\\.ts\\s+.+\\s+[+-]\\d+\\.\\d \\[[+-]\\d+\\.\\d, [+-]\\d+\\.\\d\\]\\s+~\\d+ → ~\\d+ \\([+-][\\d.]+%\\)\\s+heuristic\\s+\\d{4}-\\d\\d-\\d\\d`, 'm'));
    }
    const run = JSON.parse(bridle(project.root, 'review', project.runId, '--json').stdout);
    expect(run.commits.map((commit: { sha: string }) => commit.sha)).toEqual(project.commits);
    expect(run.commits[0].info).toMatchObject({ runId: project.runId, engineer: 'heuristic', candidate: expect.any(Number) });
    expect(run.rejected).toBeGreaterThan(0);
  });
});

describe('bridle show', () => {
  it('prints the diff of the harness modules, the score table and a fixed trajectory side by side within 160 columns', () => {
    const rev = `${project.branch}~${project.commits.length - 1}`;
    const result = bridle(project.root, 'show', rev);
    expect(result.code).toBe(0);
    const output = result.stdout;
    expect(output).toContain(`commit ${project.commits[0]}`);
    expect(output).toMatch(/^diff --git a\/harnesses\/retail\/[a-z0-9-]+\.ts b\/harnesses\/retail\/[a-z0-9-]+\.ts$/m);
    expect(output).toMatch(/^Held-out success, 24 validation tasks × 3 trials/m);
    expect(output).toMatch(/^Mean tokens per validation episode \(estimated\): \d+ → \d+ \([+-][\d.]+%; limit \+50%\)$/m);
    expect(output).toMatch(/^ {2}sim\/scatter \(simulated\) +\d+\.\d% → +\d+\.\d%/m);
    expect(output).toMatch(/^One validation episode this change fixed \(\d+ fixed, \d+ broken/m);
    const episode = output.slice(output.indexOf('One validation episode'));
    const lines = episode.split('\n').filter((line) => line !== '');
    expect(lines.find((line) => line.startsWith('BEFORE:'))).toMatch(/FAIL +│ AFTER: .* PASS$/);
    expect(lines.filter((line) => line.includes(' │ ')).length).toBeGreaterThanOrEqual(3);
    for (const line of lines.slice(1)) expect(Array.from(line).length).toBeLessThanOrEqual(160);
    // A sha prefix names the same commit.
    expect(bridle(project.root, 'show', project.commits[0]!.slice(0, 8), '--json').stdout).toContain(`"sha": "${project.commits[0]}"`);
  });

  it('says clearly when no fixed trajectory is available (the run folder is not on this machine)', () => {
    const root = copyProject(project);
    rmSync(join(root, '.bridle', 'runs'), { recursive: true, force: true });
    const result = bridle(root, 'show', project.commits[0]!);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No fixed trajectory available: the run folder \.bridle\/runs\/\S+ is not on this machine/m);
    expect(result.stdout).toContain('diff --git');
  });
});

describe('bridle adopt', () => {
  it('fast-forwards when the branch is still at the run\'s base, and says so when asked again', () => {
    const root = copyProject(project);
    const result = bridle(root, 'adopt', project.runId);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/by fast-forward/);
    expect(git(root, 'rev-parse', 'HEAD')).toBe(project.commits.at(-1));
    expect(git(root, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(root, HARNESS, 'harness.json'))).toBe(true);
    const again = bridle(root, 'adopt', project.runId);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already adopted/);
    // A merged run's branch may be deleted, as after a pull request: review still finds it in HEAD.
    git(root, 'branch', '-D', project.branch);
    const [run] = JSON.parse(bridle(root, 'review', '--json').stdout);
    expect(run).toMatchObject({ runId: project.runId, status: 'adopted' });
    expect(run.branch).toBeUndefined();
    expect(run.commits.map((commit: { sha: string }) => commit.sha)).toEqual(project.commits);
  });

  it('merges with "bridle: adopt <run-id>" when the branch moved without touching the harness', () => {
    const root = copyProject(project);
    writeFileSync(join(root, 'NOTES.md'), 'user work\n');
    git(root, 'add', 'NOTES.md');
    git(root, 'commit', '-q', '-m', 'user work');
    const userHead = git(root, 'rev-parse', 'HEAD');
    const result = bridle(root, 'adopt', project.runId);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/with merge commit [0-9a-f]{10}/);
    expect(git(root, 'log', '-1', '--format=%s')).toBe(`bridle: adopt ${project.runId}`);
    expect(git(root, 'log', '-1', '--format=%P')).toBe(`${userHead} ${project.commits.at(-1)}`);
    expect(git(root, 'rev-parse', `HEAD:${HARNESS}`)).toBe(git(root, 'rev-parse', `${project.branch}:${HARNESS}`));
    expect(readFileSync(join(root, 'NOTES.md'), 'utf8')).toBe('user work\n');
    expect(git(root, 'status', '--porcelain')).toBe('');
  });
});

describe('bridle revert', () => {
  it('reverts one module change on the current branch, merging harness.json and dropping its unvalidated scores', async () => {
    const root = await adoptedCopy();
    const first = project.commits[0]!;
    const removed = git(root, 'show', '--format=', '--name-only', first).split('\n').find((file) => file.endsWith('.ts'))!;
    const result = bridle(root, 'revert', first.slice(0, 10));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(git(root, 'log', '-1', '--format=%B')).toMatch(new RegExp(`^Revert "harness\\(retail\\): [\\s\\S]*This reverts commit ${first}\\.`));
    expect(existsSync(join(root, removed))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(root, HARNESS, 'harness.json'), 'utf8'));
    expect(manifest.modules).not.toContain(removed.split('/').pop());
    expect(manifest.modules.length).toBe(project.commits.length - 1);
    expect(manifest.scores).toBeUndefined();
    expect(git(root, 'status', '--porcelain')).toBe('');
  });
});

describe('bridle pin and bridle pins', () => {
  it('creates an annotated tag holding the content hash, the scores and the commit; moving it keeps the history', async () => {
    const root = await adoptedCopy();
    const first = bridle(root, 'pin', 'retail', 'HEAD~1');
    expect(first.code).toBe(0);
    const moved = bridle(root, 'pin', 'retail', 'HEAD', '--as', 'production');
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(/archived as bridle\/retail\/production@1/);

    expect(git(root, 'cat-file', '-t', 'refs/tags/bridle/retail/production')).toBe('tag');
    const message = git(root, 'tag', '-l', '--format=%(contents)', 'bridle/retail/production');
    const manifest = JSON.parse(readFileSync(join(root, HARNESS, 'harness.json'), 'utf8'));
    expect(message).toContain(`Bridle-Content-Hash: ${folderHash(root)}`);
    expect(message).toContain(`Bridle-Commit: ${project.commits.at(-1)}`);
    expect(message).toContain(`Bridle-Scores: ${JSON.stringify(manifest.scores)}`);
    expect(message).toContain(`Bridle-Measured: ${JSON.stringify(manifest.measured)}`);
    expect(git(root, 'rev-parse', 'bridle/retail/production@1^{commit}')).toBe(project.commits.at(-2));

    const pins = JSON.parse(bridle(root, 'pins', 'retail', '--json').stdout);
    expect(pins.map((pin: { tag: string; target: string; problem?: string }) => [pin.tag, pin.target, pin.problem ?? null])).toEqual([
      ['bridle/retail/production', project.commits.at(-1), null],
      ['bridle/retail/production@1', project.commits.at(-2), null],
    ]);
    expect(pins[0].pinnedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const listing = bridle(root, 'pins');
    expect(listing.stdout).toMatch(/^retail\/production\s+current\s+[0-9a-f]{10}\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+[0-9a-f]{12}\s+ok\s+sim\/scatter/m);
    expect(listing.stdout).toMatch(/^retail\/production\s+@1\s+/m);
  });
});

describe('loadHarness', () => {
  let pinned: string;
  beforeAll(async () => {
    pinned = await pinnedCopy();
  }, 30_000);

  it('lets a script reproduce the pinned held-out scores exactly, from git objects, not the working tree', () => {
    // An uncommitted edit in the checkout must not matter: the pin is read from git.
    const manifest = JSON.parse(readFileSync(join(pinned, HARNESS, 'harness.json'), 'utf8'));
    appendFileSync(join(pinned, HARNESS, manifest.modules[0]), '\nthrow new Error("working tree, not git");\n');
    const result = runScript(SCRIPT, [pinned], { snapshotOff: true });
    git(pinned, 'checkout', '--', HARNESS);
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout);
    expect(output.reproduced).toBe(true);
    expect(output.scores).toEqual(manifest.scores);
    for (const [backbone, score] of Object.entries(manifest.scores as Record<string, number>)) expect(output.scores[backbone].toFixed(4)).toBe(score.toFixed(4));
    expect(output.episodes).toBe(24 * manifest.measured.trials * manifest.measured.backbones.length);
    expect(output.trajectoryHashes).toEqual([output.contentHash]);
    expect(output.contentHash).toBe(folderHash(pinned));
  });

  it('fails fast with one line saying how to start node when --no-node-snapshot is missing', () => {
    const result = runScript(SCRIPT, [pinned], { snapshotOff: false });
    expect(result.code).toBe(2);
    const output = JSON.parse(result.stdout);
    expect(output.error).toBe('MISSING_DEPENDENCY');
    expect(output.message).toMatch(/--no-node-snapshot/);
    expect(output.message).toMatch(/NODE_OPTIONS=--no-node-snapshot/);
  });

  it('refuses an unknown pin, listing the pins', async () => {
    const error = await loadHarness({ env: 'retail', pin: 'staging', repo: pinned }).catch((caught: unknown) => caught);
    expect(BridleError.isInstance(error) && error.code).toBe('UNKNOWN_PIN');
    expect((error as Error).message).toMatch(/pins of retail: production/);
  });

  it('refuses a module edited after pinning (committed, tag re-pointed with the old message) as HARNESS_TAMPERED', async () => {
    const root = copyProject({ ...project, root: pinned });
    const message = git(root, 'tag', '-l', '--format=%(contents)', 'bridle/retail/production');
    const manifest = JSON.parse(readFileSync(join(root, HARNESS, 'harness.json'), 'utf8'));
    appendFileSync(join(root, HARNESS, manifest.modules.at(-1)), '\n// tuned by hand after review\n');
    git(root, 'commit', '-q', '-am', 'tweak a module');
    git(root, 'tag', '-f', '-a', '--cleanup=verbatim', '-m', message, 'bridle/retail/production', 'HEAD');
    const error = await loadHarness({ env: 'retail', repo: root }).catch((caught: unknown) => caught);
    expect(BridleError.isInstance(error) && error.code).toBe('HARNESS_TAMPERED');
    expect((error as Error).message).toMatch(/the harness changed after it was pinned/);
    expect(bridle(root, 'pins', 'retail').stdout).toMatch(/\sTAMPERED\s/);
  });

  it('refuses a pin whose message was forged (another content hash) as HARNESS_TAMPERED', async () => {
    const root = copyProject({ ...project, root: pinned });
    const message = git(root, 'tag', '-l', '--format=%(contents)', 'bridle/retail/production');
    const forged = message.replace(/^Bridle-Content-Hash: [0-9a-f]{64}$/m, `Bridle-Content-Hash: ${'0'.repeat(64)}`);
    expect(forged).not.toBe(message);
    git(root, 'tag', '-f', '-a', '--cleanup=verbatim', '-m', forged, 'bridle/retail/production', 'HEAD');
    const error = await loadHarness({ env: 'retail', repo: root }).catch((caught: unknown) => caught);
    expect(BridleError.isInstance(error) && error.code).toBe('HARNESS_TAMPERED');
  });

  it('gives step-level hooks for a user\'s own loop: sloppy output becomes an action, a policy-breaking one is blocked', async () => {
    const harness = await loadHarness({ env: 'retail', pin: 'production', repo: pinned });
    const environment = createRetail();
    const task = environment.tasks.find((candidate) => candidate.id === 'retail-001')!;
    const email = /[\w.]+@example\.net/.exec(task.instruction)![0];
    const order = /#W\d+/.exec(task.instruction)![0];
    const world = environment.reset(task.id, 7);
    // The user's "model": scripted outputs, the way a real one slips.
    const model = [
      `Sure, let me look the customer up first.\n\`\`\`json\n{'tool': 'find_user_id_by_email', 'arguments': {'email': '${email}'},}\n\`\`\``,
      JSON.stringify({ tool: 'cancel_pending_order', arguments: { order_id: order, reason: 'ordered by mistake' } }),
    ];
    const session = await harness.session({ instruction: task.instruction, tools: environment.tools, seed: 7, peek: (tool, args) => world.peek(tool, args) });
    try {
      const verdicts: string[] = [];
      let observation = task.instruction;
      for (const output of model) {
        const prompt = await session.prepare({ system: 'You are a support agent.', observation });
        expect(prompt.observation).toContain(observation.slice(0, 20));
        const realized = await session.realize(output);
        if (realized.kind !== 'action') throw new Error(`not realized: ${JSON.stringify(realized)}`);
        const blocked = await session.guard(realized.action);
        let text: string;
        let result;
        if (blocked) {
          text = blocked.block;
          verdicts.push(`blocked ${realized.action.kind === 'call' ? realized.action.tool : 'finish'}`);
        } else {
          result = realized.action.kind === 'call' ? world.step(realized.action.tool, realized.action.arguments) : { ok: true, output: 'finished' };
          text = result.output;
          verdicts.push(`ran ${realized.action.kind === 'call' ? realized.action.tool : 'finish'}: ${result.ok ? 'ok' : 'error'}`);
        }
        const feedback = await session.interpret({ action: realized.action, ...(result ? { result } : {}), text });
        session.record({ raw: output, action: realized.action, ...(blocked ? { blocked: blocked.block } : {}), ...(result ? { result } : {}), feedback });
        expect(await session.regulate()).toBeNull();
        observation = feedback;
      }
      // Without the harness the strict parser rejects the first output outright.
      expect(parseAction({ text: model[0]!, toolCalls: [] }, 'text').action).toBeNull();
      expect(verdicts).toEqual(['ran find_user_id_by_email: ok', 'blocked cancel_pending_order']);
      expect(session.trajectory).toHaveLength(2);
      expect(session.trajectory[1]!.blocked).toMatch(/record_customer_confirmation/);
      expect(session.fired.map((entry) => `${entry.step}:${entry.hook}`)).toEqual(expect.arrayContaining(['0:realize', '1:guard']));
      expect(world.verify().success).toBe(false);
    } finally {
      await session.close();
      await harness.close();
    }
  });

  it('with isolation: "worker", the same hooks answer from a worker process, and node needs no --no-node-snapshot', () => {
    const result = runScript(WORKER_SCRIPT, [pinned], { snapshotOff: false });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.sloppy).toMatchObject({ kind: 'action', action: { kind: 'call', tool: 'find_user_id_by_email' } });
    expect(output.write.block).toMatch(/record_customer_confirmation|find_user_id_by/);
  });

  it('runs the Anthropic SDK example of docs/production.md against a local Messages API: a sloppy call repaired, a policy slip blocked', async () => {
    // The example exactly as documented; only its "bridle" import points into this checkout.
    const documented = /```ts\n(\/\/ support-agent\.mts[\s\S]*?)```/.exec(readFileSync(DOC, 'utf8'))![1]!;
    const folder = mkdtempSync(join(tmpdir(), 'bridle-doc-example-'));
    symlinkSync(join(BRIDLE_ROOT, 'node_modules'), join(folder, 'node_modules'));
    const script = join(folder, 'support-agent.mts');
    writeFileSync(script, documented.replace("from 'bridle'", `from ${JSON.stringify(BRIDLE_ENTRY)}`));

    // The "model": the correct plan, but the first call's tool name mis-cased and the write tried before its confirmation.
    const plan = createRetail().reset('retail-077', 0).oracle();
    const calls = plan.map((step) => (step.action.kind === 'call' ? { name: step.action.tool, input: step.action.arguments } : { name: 'finish', input: { message: step.action.message } }));
    const write = plan.findIndex((step) => step.purpose === 'write');
    const confirm = plan.findIndex((step) => step.purpose === 'confirm');
    expect(confirm).toBeGreaterThan(0);
    const replies = [{ ...calls[0]!, name: calls[0]!.name.toUpperCase() }, ...calls.slice(1, confirm), calls[write]!, ...calls.slice(confirm)];
    const api = await startScriptedServer(replies.map((call, index) => ({ body: anthropicMessage({ toolUses: [{ id: `toolu_${index}`, name: call.name, input: call.input }] }) })));
    try {
      const child = spawn(process.execPath, ['--no-node-snapshot', '--import', pathToFileURL(join(BRIDLE_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, script], {
        cwd: pinned,
        env: { ...process.env, ...ENV, NODE_OPTIONS: '', ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: api.url },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/^solved: true$/m);
      expect(api.requests).toHaveLength(replies.length);
      const resultOf = (index: number) => {
        const messages = api.requests[index]!.body.messages as { role: string; content: unknown }[];
        return JSON.stringify(messages.at(-1)!.content);
      };
      // The mis-cased tool ran (realize repaired the name); the early write was blocked with the policy's reason.
      expect(resultOf(1)).not.toMatch(/unknown tool|not a tool/i);
      expect(resultOf(confirm + 1)).toMatch(/record_customer_confirmation/);
      expect(api.requests[0]!.body.tools.map((tool: { name: string }) => tool.name)).toContain('finish');
    } finally {
      await api.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('refusals: one line, exit code 2, no stack trace', () => {
  it('refuses a dirty tree, an unknown run, an unknown commit, an unknown pin and a stale base', async () => {
    const dirty = copyProject(project);
    appendFileSync(join(dirty, '.gitignore'), 'scratch/\n');
    const stale = copyProject(project);
    const manifestPath = join(stale, HARNESS, 'harness.json');
    writeFileSync(manifestPath, `${JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')) }, null, 4)}\n`);
    git(stale, 'commit', '-q', '-am', 'reformat the harness manifest by hand');
    const empty = copyProject(project);
    git(empty, 'branch', 'bridle/retail/evolve-retail-empty', 'HEAD');
    const [dirtyAdopt, dirtyRevert, unknownRun, unknownCommit, unknownPin, staleBase, emptyRun, unknownRev, noHarness] = await Promise.all([
      runCliAsync(['adopt', project.runId], dirty, ENV),
      runCliAsync(['revert', project.commits[0]!], dirty, ENV),
      runCliAsync(['adopt', 'evolve-retail-19990101-000000'], project.root, ENV),
      runCliAsync(['show', 'deadbeef'], project.root, ENV),
      runCliAsync(['pins', 'retail', 'staging'], project.root, ENV),
      runCliAsync(['adopt', project.runId], stale, ENV),
      runCliAsync(['adopt', 'evolve-retail-empty'], empty, ENV),
      runCliAsync(['pin', 'retail', 'no-such-rev'], project.root, ENV),
      runCliAsync(['pin', 'airline', 'HEAD'], project.root, ENV),
    ]);
    expectOneLineRefusal(dirtyAdopt, /^bridle: adopt: the working tree has uncommitted changes \(\.gitignore\): commit or stash them/);
    expectOneLineRefusal(dirtyRevert, /^bridle: "[0-9a-f]+" \([0-9a-f]{10}\) is not on the current branch|^bridle: revert: the working tree has uncommitted changes/);
    expectOneLineRefusal(unknownRun, /^bridle: no run "evolve-retail-19990101-000000" .*"bridle review" lists the runs$/);
    expectOneLineRefusal(unknownCommit, /^bridle: "deadbeef" names no commit/);
    expectOneLineRefusal(unknownPin, /^bridle: no pin "staging" \(tag bridle\/retail\/staging\); retail has no pins yet/);
    expectOneLineRefusal(staleBase, /^bridle: adopt: harnesses\/retail\/ changed on \S+ since run .* re-run "bridle evolve --env retail --base HEAD", or merge by hand/);
    expectOneLineRefusal(emptyRun, /^bridle: run "evolve-retail-empty" has no commits: every candidate was rejected, nothing to adopt/);
    expectOneLineRefusal(unknownRev, /^bridle: "no-such-rev" names no commit/);
    expectOneLineRefusal(noHarness, /^bridle: there is no harnesses\/airline\/ at HEAD/);
    // Nothing was touched by the refusals.
    expect(git(dirty, 'status', '--porcelain')).toBe('M .gitignore');
    expect(git(stale, 'log', '-1', '--format=%s')).toBe('reformat the harness manifest by hand');
  });

  it('refuses a revert that collides with a later edit of the module, changing nothing', async () => {
    const root = await adoptedCopy();
    const module = git(root, 'show', '--format=', '--name-only', project.commits[0]!).split('\n').find((file) => file.endsWith('.ts'))!;
    appendFileSync(join(root, module), '\n// reviewed and tuned by hand\n');
    git(root, 'commit', '-q', '-am', 'tune a module');
    const head = git(root, 'rev-parse', 'HEAD');
    expectOneLineRefusal(bridle(root, 'revert', project.commits[0]!), /^bridle: revert: reverting [0-9a-f]{10} conflicts with later changes \(harnesses\/retail\/[a-z0-9-]+\.ts\); nothing was changed: revert by hand with "git revert/);
    expect(git(root, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });

  it('refuses a revert on a dirty tree', async () => {
    const root = await adoptedCopy();
    appendFileSync(join(root, '.gitignore'), 'scratch/\n');
    expectOneLineRefusal(bridle(root, 'revert', project.commits[0]!), /^bridle: revert: the working tree has uncommitted changes \(\.gitignore\)/);
  });
});
