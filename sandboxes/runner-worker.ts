/**
 * Entry point of the worker process behind `createWorkerRunner` (worker-runner.ts): it hosts isolate
 * runners for the sessions its parent opens, with the same limits and the same watchdog as the episode
 * workers, and answers open / call / close over IPC. `view.peek` is synchronous inside the isolate, so a
 * peek goes to the parent over the report pipe (fd 3, a socket both ways): the worker writes the request
 * and blocks reading the answer, while its main thread is inside the isolate's call.
 */
import { readSync, writeSync } from 'node:fs';
import { BridleError } from '../src/errors.ts';
import type { JsonObject, ToolResult } from '../src/harness/api.ts';
import { createIsolateRunner } from './isolate-runner.ts';
import { createProbe, readProbe } from './probe.ts';
import { startWatchdog } from './watchdog.ts';
import type { CompiledHarness, HarnessRunner, HarnessSession, SandboxLimits, ViewState } from './types.ts';
import type { RunnerReply, RunnerRequest, ViewDelta } from './worker-runner.ts';

const PIPE = 3;
const probe = createProbe();
const watchdog = startWatchdog({ probe: probe.buffer, reportFd: PIPE });
const runners = new Map<string, HarnessRunner>();
const sessions = new Map<number, { session: HarnessSession; view: ViewState }>();

function write(line: unknown): void {
  writeSync(PIPE, `${JSON.stringify(line)}\n`);
}

const buffer = Buffer.alloc(64 * 1024);
let unread = '';
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Read one line from the pipe, blocking (the main thread is inside an isolate call: nothing else can run). */
function readLine(): string {
  for (;;) {
    const newline = unread.indexOf('\n');
    if (newline >= 0) {
      const line = unread.slice(0, newline);
      unread = unread.slice(newline + 1);
      return line;
    }
    let read: number;
    try {
      read = readSync(PIPE, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      throw error;
    }
    if (read === 0) throw new BridleError('INTERNAL', 'the parent closed the peek channel');
    unread += buffer.toString('utf8', 0, read);
  }
}

/** Ask the parent's peek for a session, synchronously. */
function peek(session: number, tool: string, args: JsonObject): ToolResult {
  write({ peek: { session, tool, arguments: args } });
  const answer = JSON.parse(readLine()) as { ok: true; result: ToolResult } | { ok: false; denied: boolean; message: string };
  if (answer.ok) return answer.result;
  if (answer.denied) throw new BridleError('SANDBOX_BRIDGE_DENIED', answer.message);
  throw new Error(answer.message);
}

function runnerFor(limits: Partial<SandboxLimits>): HarnessRunner {
  const key = JSON.stringify(limits);
  let runner = runners.get(key);
  if (!runner) {
    runner = createIsolateRunner(limits, {
      probe,
      onSessionOpen: (tag, modules) => watchdog.name(tag, modules),
      onSessionClose: (tag) => watchdog.forget(tag),
      onCatastrophicError: (message) => {
        const reading = readProbe(probe.buffer);
        write({ job: reading.tag, verdict: true, code: 'SANDBOX_MEMORY', hook: reading.hook, message: `isolated-vm lost control of the isolate (${message}); the worker was killed` });
        process.kill(process.pid, 'SIGKILL');
      },
    });
    runners.set(key, runner);
  }
  return runner;
}

/** The session's view after applying what changed since the last call (fixed fields keep their identity). */
function applyDelta(held: { view: ViewState }, delta: ViewDelta): ViewState {
  const trajectory = [...held.view.trajectory.slice(0, delta.base), ...delta.tail];
  held.view = { ...held.view, ...delta.fixed, step: delta.step, trajectory };
  return held.view;
}

async function handle(request: RunnerRequest): Promise<RunnerReply> {
  switch (request.op) {
    case 'open': {
      const harness: CompiledHarness = request.harness;
      const opened = await runnerFor(request.limits).open(harness, {
        seed: request.seed,
        tag: request.session,
        peek: (tool, args) => peek(request.session, tool, args),
      });
      if (!opened.ok) return { id: request.id, ok: true, value: { ok: false, violation: opened.violation } };
      sessions.set(request.session, { session: opened.session, view: { trajectory: [] } as unknown as ViewState });
      return { id: request.id, ok: true, value: { ok: true, modules: opened.session.modules } };
    }
    case 'call': {
      const held = sessions.get(request.session);
      if (!held) throw new BridleError('INTERNAL', `no session ${request.session} in the sandbox worker`);
      const view = applyDelta(held, request.view);
      return { id: request.id, ok: true, value: await held.session.call(request.hook, request.input as never, view) };
    }
    case 'close': {
      const held = sessions.get(request.session);
      sessions.delete(request.session);
      await held?.session.close();
      return { id: request.id, ok: true, value: null };
    }
  }
}

process.on('message', (request: RunnerRequest) => {
  void handle(request).then(
    (reply) => process.send?.(reply),
    (error: unknown) =>
      process.send?.({
        id: request.id,
        ok: false,
        error: BridleError.isInstance(error) ? { code: error.code, message: error.message } : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
      } satisfies RunnerReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ id: 0, ok: true, value: 'ready' } satisfies RunnerReply);
