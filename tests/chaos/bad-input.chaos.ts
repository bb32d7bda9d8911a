/**
 * Bad input and a hostile host: each refused with one clear line and exit code 2 (0 done, 1 a bug in
 * bridle, 2 refused: README), and nothing written; a corrupt cache entry is a miss, not a failure.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync } from '../helpers/cli.ts';
import { git, temporaryProject } from '../helpers/repos.ts';
import { record } from './chaos-log.ts';

const folders: string[] = [];
const mounts: string[] = [];
afterAll(() => {
  for (const mount of mounts) {
    try {
      execFileSync('umount', [mount]);
    } catch {
      // Already gone.
    }
  }
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Every file under `root` with its size and modification time (what "nothing written" compares). */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      if (name === '.git') continue;
      const path = join(folder, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else out.push(`${relative(root, path)} ${stat.size} ${stat.mtimeMs}`);
    }
  };
  walk(root);
  return out.sort();
}

function plainFolder(): string {
  const { root } = temporaryProject('bridle-bad-');
  folders.push(root);
  return root;
}

/** Run a refusal case: one line on stderr, exit code 2, nothing written; record the row. */
function refusal(attack: string, root: string, args: string[], message: RegExp, env: Record<string, string> = {}, options: { nothingWritten?: boolean } = {}) {
  const before = snapshot(root);
  const result = runCli(args, root, env);
  const after = snapshot(root);
  const lines = result.stderr.trimEnd().split('\n');
  const last = lines.at(-1) ?? '';
  const unchanged = JSON.stringify(before) === JSON.stringify(after);
  const passed = result.code === 2 && message.test(last) && !/\n\s+at /.test(result.stderr) && (options.nothingWritten === false || unchanged) && lines.filter((line) => line.startsWith('bridle')).length === 1;
  record({
    attack,
    expected: `one line, exit 2${options.nothingWritten === false ? '' : ', nothing written'}`,
    observed: `exit ${result.code}: ${last}${options.nothingWritten === false ? '' : unchanged ? ' (nothing written)' : ' (FILES CHANGED)'}`,
    passed,
  });
  expect(result.code, result.stderr).toBe(2);
  expect(last).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  if (options.nothingWritten !== false) expect(after).toEqual(before);
}

/** Mount a tmpfs; undefined when this machine does not allow it. */
function tmpfs(at: string, options: string): boolean {
  mkdirSync(at, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { stdio: 'ignore' });
    mounts.push(at);
    return true;
  } catch {
    return false;
  }
}

describe('bad input and a hostile host', () => {
  it('malformed bridle.config.ts', () => {
    const root = plainFolder();
    writeFileSync(join(root, 'bridle.config.ts'), 'export default { eval: { env: "retail", \n');
    refusal('a malformed bridle.config.ts (syntax error)', root, ['eval', '--tasks', 'retail-001'], /^bridle: bridle\.config\.ts could not be loaded: .*ERROR: /);
  });

  it('unknown config key', () => {
    const root = plainFolder();
    writeFileSync(join(root, 'bridle.config.ts'), 'export default { evall: { env: "retail" } };\n');
    refusal('an unknown key in bridle.config.ts', root, ['eval', '--env', 'retail'], /^bridle: bridle\.config\.ts is invalid: evall: unknown key; did you mean "eval"\?/);
  });

  it.each([
    ['an unknown environment', ['eval', '--env', 'nope'], /^bridle: unknown environment "nope"/],
    ['an unknown backbone', ['eval', '--env', 'retail', '--backbone', 'sim/nope'], /^bridle: unknown simulated backbone "sim\/nope"/],
    ['an unknown split', ['eval', '--env', 'retail', '--split', 'dev'], /^bridle eval: .*--split must be one of train, validation, test/],
  ] as const)('%s', (attack, args, message) => {
    refusal(attack, plainFolder(), [...args], message);
  });

  it('missing API key', () => {
    const root = plainFolder();
    refusal('a real backbone without its API key', root, ['eval', '--env', 'retail', '--backbone', 'anthropic/claude-x', '--tasks', 'retail-001'], /^bridle: anthropic\/claude-x needs an API key: set ANTHROPIC_API_KEY/, { ANTHROPIC_API_KEY: '' });
  });

  it('not a git repository', () => {
    refusal('bridle evolve outside a git repository', plainFolder(), ['evolve', '--env', 'retail'], /^bridle: ".*" is not inside a git repository/);
  });

  describe('on an evolve run', () => {
    let root = '';
    let env: Record<string, string> = {};
    let runId = '';
    beforeAll(() => {
      ({ root, env } = temporaryProject('bridle-bad-run-'));
      folders.push(root);
      runCli(['init'], root, env);
      const output = JSON.parse(runCli(['evolve', '--env', 'retail', '--iterations', '2', '--trials', '1', '--train-trials', '1', '--no-pruning', '--json'], root, env).stdout);
      runId = output.runId;
      expect(output.commits.length).toBeGreaterThan(0);
    }, 600_000);

    it('dirty tree on adopt', () => {
      appendFileSync(join(root, 'harnesses', 'retail', 'harness.json'), '\n');
      try {
        refusal('bridle adopt with uncommitted changes in the checkout', root, ['adopt', runId], /^bridle: adopt: the working tree has uncommitted changes \(harnesses\/retail\/harness\.json\)/, env);
      } finally {
        git(root, ['checkout', '--', 'harnesses']);
      }
    });

    it('corrupt journal line', () => {
      const journal = join(root, '.bridle', 'runs', runId, 'journal.jsonl');
      const original = readFileSync(journal, 'utf8');
      const lines = original.split('\n');
      writeFileSync(journal, [...lines.slice(0, 2), '{"type": "iteration-st', ...lines.slice(2)].join('\n'));
      try {
        refusal('a corrupt line in the middle of a run journal, then --resume', root, ['evolve', '--resume', runId], /^bridle: .*journal\.jsonl:3 is not JSON/, env);
      } finally {
        writeFileSync(journal, original);
      }
    });

    it('a second process on a running run', () => {
      const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
      mkdirSync(join(root, '.bridle', 'locks'), { recursive: true });
      writeFileSync(join(root, '.bridle', 'locks', `${runId}.lock`), JSON.stringify({ pid: sleeper.pid, host: hostname(), startedAt: new Date().toISOString() }));
      try {
        refusal('bridle evolve --resume of a run another live process holds', root, ['evolve', '--resume', runId], new RegExp(`^bridle: run ${runId} is in use by process ${sleeper.pid}`), env);
      } finally {
        sleeper.kill('SIGKILL');
        rmSync(join(root, '.bridle', 'locks', `${runId}.lock`), { force: true });
      }
    });
  });

  it('unwritable .bridle/ (a read-only mount)', (context) => {
    const root = plainFolder();
    if (!tmpfs(join(root, '.bridle'), 'ro,size=64k')) {
      context.skip();
      return;
    }
    refusal('a read-only .bridle/', root, ['eval', '--env', 'retail', '--tasks', 'retail-001', '--trials', '1', '--backbone', 'sim/mixed'], /^bridle: mkdir .*\.bridle\/runs\/.* failed: the folder cannot be created/);
  });

  it('a full disk (a 32 KiB tmpfs under .bridle/)', (context) => {
    const root = plainFolder();
    if (!tmpfs(join(root, '.bridle'), 'size=32k')) {
      context.skip();
      return;
    }
    refusal('a full disk under .bridle/ in the middle of an eval', root, ['eval', '--env', 'retail', '--split', 'test', '--trials', '1', '--backbone', 'sim/mixed', '--harness', 'none'], /^bridle: write failed: no space left on the device \(ENOSPC\)/, {}, { nothingWritten: false });
  });

  it('a corrupt response-cache entry is a miss: asked again, rewritten, the run goes on', async () => {
    let requests = 0;
    const body = JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'finish', arguments: '{"message":"Done."}' } }] } }], usage: { prompt_tokens: 10, completion_tokens: 2 } });
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        requests++;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const root = plainFolder();
      writeFileSync(join(root, 'bridle.config.ts'), `export default { backbones: { 'openai/fake': { baseURL: 'http://127.0.0.1:${(server.address() as AddressInfo).port}/v1' } } };\n`);
      const args = ['eval', '--env', 'retail', '--backbone', 'openai/fake', '--tasks', 'retail-001', '--trials', '1', '--harness', 'none', '--json'];
      // The server answers from this process: the CLI must not block its event loop (runCliAsync).
      expect((await runCliAsync(args, root)).code).toBe(0);
      const cacheRoot = join(root, '.bridle', 'cache');
      const [prefix] = readdirSync(cacheRoot);
      const [entry] = readdirSync(join(cacheRoot, prefix!));
      writeFileSync(join(cacheRoot, prefix!, entry!), '{"version": 1, "key": "trunc');
      const second = await runCliAsync(args, root);
      const rewritten = existsSync(join(cacheRoot, prefix!, entry!)) && readFileSync(join(cacheRoot, prefix!, entry!), 'utf8').includes('"samples"');
      const passed = second.code === 0 && requests === 2 && rewritten && second.stderr === '';
      record({ attack: 'a corrupt entry in the response cache', expected: 'a miss: the call goes out again and the entry is rewritten; the run completes', observed: `exit ${second.code}; ${requests - 1} new request; entry ${rewritten ? 'rewritten' : 'NOT rewritten'}`, passed });
      expect(passed).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
