/**
 * Process-level chaos (issue #12): workers killed under a running eval and evolve, evolve itself killed
 * at every journal phase and resumed, a real-backbone eval killed and run again, provider faults, bad
 * input, and a long load. Each compares with what an undisturbed run does, or with what bridle promises.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRetail } from '../../environments/retail/index.ts';
import { evaluatePlan, type EvaluationPlan } from '../../src/agent/evaluate.ts';
import { createPoolExecutor } from '../../src/agent/executor.ts';
import { withoutTimings, type Trajectory } from '../../src/agent/trajectory.ts';
import { createRunScheduler } from '../../src/models/scheduling.ts';
import { readHarnessDirectory } from '../../src/store/harness-files.ts';
import { BIN, runCli } from '../helpers/cli.ts';
import { EXAMPLE_HARNESS_DIR } from '../helpers/episodes.ts';
import { git, runBranches, temporaryProject, treesOf } from '../helpers/repos.ts';
import { descendants, episodeWorkers, record, sleep } from './chaos-log.ts';
import { processAlive } from '../../src/util/process-alive.ts';

const environment = createRetail();
const example = readHarnessDirectory(EXAMPLE_HARNESS_DIR, 'retail');
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function project() {
  const made = temporaryProject('bridle-chaos-');
  folders.push(made.root);
  return made;
}

/** Run the CLI in the background; resolves with its outcome; `pid` is known at once. */
function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { pid: child.pid!, done };
}

/** Kill a process and everything under it; returns every pid it signalled. */
function killTree(pid: number): number[] {
  const pids = [...descendants(pid), pid].reverse();
  for (const child of pids) {
    try {
      process.kill(child, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  return pids;
}

/** Until the kernel has taken every one of `pids` away (a SIGKILL lands when a process leaves the kernel), at most `ms`. */
async function gone(pids: number[], ms = 10_000): Promise<void> {
  for (const started = Date.now(); pids.some(processAlive) && Date.now() - started < ms; ) await sleep(50);
}

const EVOLVE = ['--iterations', '2', '--trials', '1', '--train-trials', '1'];

describe('workers killed under a running evaluation', () => {
  it('kill -9 of a worker mid-episode during eval: every episode recorded, none charged, the same trajectories as an undisturbed run', async () => {
    const plan: EvaluationPlan = {
      runId: 'chaos',
      environment,
      environmentRef: { name: 'retail' },
      backbones: ['sim/mixed'],
      tasks: { split: 'test' },
      trials: 1,
      seed: 0,
      harness: example,
      runner: 'isolate',
      // 40 ms a model call: episodes last long enough to be caught in the middle.
      backboneOptions: { simLatencyMs: 40 },
    };
    const run = async (chaos: boolean) => {
      const executor = createPoolExecutor({ size: 2, scheduler: createRunScheduler({ backbones: { 'sim/mixed': { maxConcurrency: 8 } } }) });
      let killed = 0;
      const killer = chaos
        ? (async () => {
            for (let attempt = 0; attempt < 100 && killed === 0; attempt++) {
              await sleep(300);
              const [worker] = episodeWorkers(process.pid);
              if (worker !== undefined) {
                process.kill(worker, 'SIGKILL');
                killed++;
              }
            }
          })()
        : Promise.resolve();
      try {
        const { trajectories } = await evaluatePlan(plan, executor, { concurrency: 8 });
        await killer;
        return { trajectories, killed };
      } finally {
        await executor.close();
      }
    };
    const reference = await run(false);
    const chaotic = await run(true);
    const charged = chaotic.trajectories.filter((trajectory) => trajectory.violations.length > 0).length;
    const same = JSON.stringify(chaotic.trajectories.map(withoutTimings)) === JSON.stringify(reference.trajectories.map(withoutTimings));
    const observed = `${chaotic.killed} worker killed; ${chaotic.trajectories.length} of ${reference.trajectories.length} episodes recorded, ${charged} charged, trajectories ${same ? 'identical to' : 'DIFFERENT from'} the undisturbed run`;
    const passed = chaotic.killed === 1 && chaotic.trajectories.length === reference.trajectories.length && charged === 0 && same;
    record({ attack: 'kill -9 an episode worker mid-episode during eval', expected: 'the pool heals; the episodes in flight run again; same results as undisturbed', observed, passed });
    expect(passed, observed).toBe(true);
  });

  it('kill -9 of a worker during evolve: the run completes with exactly the commits of an undisturbed run', async () => {
    const { root, env } = project();
    runCli(['init'], root, env);
    const reference = JSON.parse(runCli(['evolve', '--env', 'retail', ...EVOLVE, '--json'], root, env).stdout);
    const running = cli(['evolve', '--env', 'retail', ...EVOLVE, '--json'], root, env);
    let killed = 0;
    for (let attempt = 0; attempt < 600 && killed === 0; attempt++) {
      await sleep(100);
      const workers = episodeWorkers(running.pid);
      if (workers.length > 0 && attempt > 20) {
        process.kill(workers[0]!, 'SIGKILL');
        killed++;
      }
    }
    const outcome = await running.done;
    const output = outcome.code === 0 ? JSON.parse(outcome.stdout) : undefined;
    const same = output !== undefined && JSON.stringify(treesOf(root, `bridle/retail/${output.runId}`)) === JSON.stringify(treesOf(root, `bridle/retail/${reference.runId}`));
    const observed = `${killed} worker killed; exit ${outcome.code}; ${output?.commits.length ?? '?'} commits (undisturbed: ${reference.commits.length}); trees ${same ? 'identical' : 'DIFFERENT'}`;
    const passed = killed === 1 && outcome.code === 0 && same;
    record({ attack: 'kill -9 an episode worker during bridle evolve', expected: 'the run completes with the commits an undisturbed run makes', observed, passed });
    expect(passed, `${observed}\n${outcome.stderr}`).toBe(true);
  });
});

describe('bridle evolve killed at every journal phase', () => {
  it('SIGKILL at each phase, then --resume: exactly the commits of an undisturbed run, no stray worktree, lock or temp file', async () => {
    const { root, env } = project();
    runCli(['init'], root, env);
    const reference = JSON.parse(runCli(['evolve', '--env', 'retail', ...EVOLVE, '--json'], root, env).stdout);
    const journal = readFileSync(join(root, '.bridle', 'runs', reference.runId, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    // Every kind of event the run journals, at its first occurrence; and the sealed test phase (which journals nothing until run-end).
    const phases = [...new Set(journal.map((event) => event.type))].filter((type) => type !== 'run-start');
    const failures: string[] = [];
    const observedPhases: string[] = [];
    for (const phase of [...phases, 'test']) {
      const before = new Set(runBranches(root));
      let killedRun: { code: number | null };
      if (phase === 'test') {
        // Killed half a second into the sealed test phase (after the last iteration-end).
        const running = cli(['evolve', '--env', 'retail', ...EVOLVE], root, env);
        let runId: string | undefined;
        let killed: number[] = [];
        for (let attempt = 0; attempt < 3000; attempt++) {
          await sleep(100);
          runId ??= runBranches(root).find((branch) => !before.has(branch))?.split('/')[2];
          if (!runId) continue;
          const path = join(root, '.bridle', 'runs', runId, 'journal.jsonl');
          const ends = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((line) => line.includes('"iteration-end"')).length : 0;
          if (ends >= 2) {
            await sleep(500);
            killed = killTree(running.pid);
            break;
          }
        }
        killedRun = await running.done;
        // As a user would resume: once the killed processes are gone, not while the kernel still tears them down.
        await gone(killed);
      } else {
        killedRun = runCli(['evolve', '--env', 'retail', ...EVOLVE], root, { ...env, BRIDLE_FAULT_INJECTION: `${phase}:1` });
      }
      const runId = runBranches(root).find((branch) => !before.has(branch))?.split('/')[2];
      if (!runId) {
        failures.push(`${phase}: no run branch after the kill (exit ${killedRun.code})`);
        continue;
      }
      const resumed = runCli(['evolve', '--resume', runId, '--json'], root, env);
      if (resumed.code !== 0) {
        failures.push(`${phase}: resume exited ${resumed.code}: ${resumed.stderr.trim().split('\n')[0]}`);
        continue;
      }
      const output = JSON.parse(resumed.stdout);
      const same = JSON.stringify(treesOf(root, `bridle/retail/${runId}`)) === JSON.stringify(treesOf(root, `bridle/retail/${reference.runId}`));
      const strays = [
        existsSync(join(root, '.bridle', 'worktrees', runId)) ? 'worktree' : '',
        existsSync(join(root, '.bridle', 'locks', `${runId}.lock`)) ? 'lock' : '',
        readdirSync(join(root, '.bridle', 'runs', runId)).some((name) => name.includes('.tmp-')) ? 'temp file' : '',
        git(root, ['worktree', 'list', '--porcelain']).match(/^worktree /gm)!.length !== 1 ? 'git worktree' : '',
      ].filter(Boolean);
      if (!same || output.commits.length !== reference.commits.length || strays.length > 0) {
        failures.push(`${phase}: ${output.commits.length} commits, trees ${same ? 'same' : 'different'}, strays: ${strays.join(', ') || 'none'}`);
      }
      observedPhases.push(phase);
    }
    const observed = failures.length === 0 ? `resumed after a kill at each of ${observedPhases.length} phases (${observedPhases.join(', ')}): same commits, nothing stray` : failures.join('; ');
    record({ attack: 'SIGKILL bridle evolve at every journal phase, then --resume', expected: 'exactly the commits of an undisturbed run; no stray worktree, lock or temp file', observed, passed: failures.length === 0 });
    expect(failures).toEqual([]);
  });
});

/** A chat-completions server: `answer(index, res, req)` decides each response; counts requests and answers. */
async function faultServer(answer: (index: number, response: import('node:http').ServerResponse, body: string) => void) {
  const state = { requests: [] as string[] };
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      state.requests.push(body);
      answer(state.requests.length - 1, response, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const FINISH_BODY = JSON.stringify({
  id: 'chaos',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'finish', arguments: '{"message":"Done."}' } }] } }],
  usage: { prompt_tokens: 100, completion_tokens: 10 },
});

function finish(response: import('node:http').ServerResponse, delayMs = 0): void {
  setTimeout(() => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(FINISH_BODY);
  }, delayMs);
}

describe('real backbones', () => {
  it('a real-backbone eval killed mid-run and run again: finished episodes cost zero new requests', async () => {
    const server = await faultServer((_index, response) => finish(response, 300));
    try {
      const { root } = project();
      writeFileSync(join(root, 'bridle.config.ts'), `export default { backbones: { 'openai/fake': { baseURL: '${server.url}', maxConcurrency: 4 } } };\n`);
      const args = ['eval', '--env', 'retail', '--backbone', 'openai/fake', '--split', 'test', '--trials', '1', '--harness', 'none', '--json'];
      const first = cli(args, root);
      while (server.state.requests.length < 14) await sleep(50);
      killTree(first.pid);
      await first.done;
      const [firstRun] = readdirSync(join(root, '.bridle', 'runs'));
      const finished = readFileSync(join(root, '.bridle', 'runs', firstRun!, 'trajectories.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as Trajectory).instruction);
      const before = server.state.requests.length;
      const second = await cli(args, root).done;
      const again = server.state.requests.slice(before);
      const repeated = again.filter((body) => finished.some((instruction) => body.includes(JSON.stringify(instruction).slice(1, -1))));
      const output = second.code === 0 ? JSON.parse(second.stdout) : undefined;
      const observed = `killed after ${before} requests with ${finished.length} episodes finished; the rerun made ${again.length} requests, ${repeated.length} of them for a finished episode; ${output?.backbones[0].episodes ?? '?'} episodes`;
      const passed = second.code === 0 && repeated.length === 0 && again.length <= 36 - finished.length && output.backbones[0].episodes === 36;
      record({ attack: 'a real-backbone eval killed mid-run (SIGKILL), then run again', expected: 'finished episodes cost zero new requests (the response cache)', observed, passed });
      expect(passed, observed).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('provider faults (429 storms with retry-after, 5xx, slow and truncated bodies, invalid JSON, wrong schema, resets): retries, the budget holds, the run continues, the report counts the faults', async () => {
    const kinds = ['429', '500', 'slow', 'truncated', 'reset', 'invalid-json', 'wrong-schema', 'ok', 'ok', 'ok'];
    const server = await faultServer((index, response) => {
      const kind = kinds[index % kinds.length]!;
      switch (kind) {
        case '429':
          response.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '100' });
          response.end('{"error":{"message":"rate limited"}}');
          return;
        case '500':
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end('{"error":{"message":"internal"}}');
          return;
        case 'slow':
          response.writeHead(200, { 'content-type': 'application/json' });
          response.write(FINISH_BODY.slice(0, 40));
          setTimeout(() => response.end(FINISH_BODY.slice(40)), 800);
          return;
        case 'truncated':
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(FINISH_BODY.length + 100) });
          response.write(FINISH_BODY.slice(0, 50));
          setTimeout(() => response.socket?.destroy(), 50);
          return;
        case 'reset':
          response.socket?.destroy();
          return;
        case 'invalid-json':
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"choices": [ not json');
          return;
        case 'wrong-schema':
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"choices": [{"message": {"tool_calls": [{"function": {"arguments": "{}"}}]}}]}');
          return;
        default:
          finish(response);
      }
    });
    try {
      const { root } = project();
      // 1500 tokens: about 13 successful calls of 110 tokens, fewer than the 36 episodes want.
      writeFileSync(join(root, 'bridle.config.ts'), `export default { backbones: { 'openai/fake': { baseURL: '${server.url}', maxConcurrency: 4, maxRetries: 6, timeoutMs: 5000 } }, budgets: { maxTokens: 1500 } };\n`);
      const result = await cli(['eval', '--env', 'retail', '--backbone', 'openai/fake', '--split', 'test', '--trials', '1', '--harness', 'none', '--no-cache', '--json'], root).done;
      const output = result.code === 0 ? JSON.parse(result.stdout) : undefined;
      const calls = output?.calls[0];
      const reasons = output?.backbones[0].endReasons ?? {};
      const spent = output?.spend.tokens ?? Infinity;
      const observed = output
        ? `exit 0; ${calls.granted} calls, ${calls.rateLimited} rate-limited and ${calls.endpointFailures} endpoint failures retried; episodes: ${JSON.stringify(reasons)}; ${spent} tokens spent of 1500${output.budgetStop ? '; stopped by the budget' : ''}`
        : `exit ${result.code}: ${result.stderr.trim().split('\n')[0]}`;
      // In flight when the budget ran out: at most maxConcurrency calls of 110 tokens past it.
      const passed =
        output !== undefined && calls.rateLimited > 0 && calls.endpointFailures > 0 && (reasons['model-fault'] ?? 0) > 0 && (reasons.finished ?? 0) > 0 && output.budgetStop !== undefined && spent <= 1500 + 4 * 110;
      record({ attack: 'provider faults from a local server: 429 + retry-after, 500, slow body, truncated body, reset, invalid JSON, wrong tool-call schema', expected: 'transient faults retried, malformed answers recorded as model faults, the budget holds, the run completes, the report counts the faults', observed, passed });
      expect(passed, observed).toBe(true);
    } finally {
      await server.close();
    }
  });
});
