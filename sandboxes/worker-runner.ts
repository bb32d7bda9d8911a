/**
 * A `HarnessRunner` whose isolates live in a worker child process (runner-worker.ts): the same isolate
 * runner, limits and watchdog as bridle's episode workers, with hook calls over IPC. For `loadHarness`
 * in a production process that must not share its fate with harness code: a hook stuck in a builtin
 * that ignores the timeout, or an isolate that takes its process down, kills the worker, not the caller.
 * The call in progress answers with the violation (named by the worker's watchdog), other sessions open
 * in that worker with SANDBOX_WORKER_CRASH, and the next `open` starts a new worker.
 *
 * The price is a round trip per hook call (and per `view.peek`, which the worker asks the caller for
 * synchronously over a socket); bench/isolation.ts measures it. Only what changed in the view since the
 * previous call crosses.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BridleError, type BridleErrorCode } from '../src/errors.ts';
import type { HookName, StepView } from '../src/harness/api.ts';
import { FIXED_VIEW_FIELDS } from './dispatch.ts';
import { violation } from './session-host.ts';
import { forkWorker } from './worker-pool.ts';
import type {
  CompiledHarness,
  HarnessRunner,
  HarnessSession,
  HookCallResult,
  HookInputs,
  HookOutputs,
  ModuleInfo,
  OpenResult,
  SandboxLimits,
  SandboxViolation,
  SessionBridge,
  ViewState,
} from './types.ts';
import { readJsonLines } from './json-lines.ts';

/** What changed in a session's view since its previous call. */
export interface ViewDelta {
  step: number;
  fixed: Partial<ViewState>;
  /** The trajectory is its first `base` steps as sent before, then `tail`. */
  base: number;
  tail: StepView[];
}

/** Parent → worker. */
export type RunnerRequest =
  | { id: number; op: 'open'; session: number; harness: CompiledHarness; limits: Partial<SandboxLimits>; seed: number }
  | { id: number; op: 'call'; session: number; hook: HookName; input: unknown; view: ViewDelta }
  | { id: number; op: 'close'; session: number };

/** A request before the runner numbers it. */
type RequestBody = RunnerRequest extends infer Request ? (Request extends unknown ? Omit<Request, 'id'> : never) : never;

/** Worker → parent. */
export type RunnerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { code: BridleErrorCode; message: string } };

const WORKER_MODULE = fileURLToPath(new URL('./runner-worker.ts', import.meta.url));
const PIPE = 3;

interface Pending {
  session: number;
  hook: HookName | 'load';
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  sessions: Map<number, { bridge: SessionBridge; lost: SandboxViolation | undefined }>;
  /** The watchdog's last verdict. */
  verdict: Record<string, unknown> | undefined;
  dead: boolean;
  /** Requests waiting for the worker to be ready. */
  waiting: number;
}

/** Options of the worker runner. */
export interface WorkerRunnerOptions {
  /** What happens to the worker's stdout and stderr (default: inherited). */
  output?: 'inherit' | 'ignore';
}

/** Create a runner whose isolates run in a worker process. */
export function createWorkerRunner(limits: Partial<SandboxLimits> = {}, options: WorkerRunnerOptions = {}): HarnessRunner {
  let worker: Worker | undefined;
  let nextRequest = 1;
  let nextSession = 1;
  let disposed = false;

  function start(): Worker {
    const child = forkWorker(WORKER_MODULE, options.output ? { output: options.output } : {});
    let markReady: () => void = () => {};
    let failStart: (error: unknown) => void = () => {};
    const started: Worker = {
      child,
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        failStart = reject;
      }),
      pending: new Map(),
      sessions: new Map(),
      verdict: undefined,
      dead: false,
      waiting: 0,
    };
    readJsonLines(child.stdio[PIPE] as Readable, (line) => onLine(started, line));
    child.on('message', (reply: RunnerReply) => {
      if (reply.id === 0) {
        markReady();
        holdOpen(started);
        return;
      }
      const pending = started.pending.get(reply.id);
      if (!pending) return;
      started.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new BridleError(reply.error.code, reply.error.message));
    });
    child.once('exit', (code, signal) => {
      // The verdict was written before the kill: give the pipe a moment to deliver it.
      setTimeout(() => onDeath(started, code, signal), 100);
    });
    child.on('error', (error) => failStart(error));
    return started;
  }

  function onLine(owner: Worker, line: Record<string, unknown>): void {
    if (line.verdict === true) {
      owner.verdict = line;
      return;
    }
    const asked = line.peek as { session: number; tool: string; arguments: Record<string, unknown> } | undefined;
    if (!asked) return;
    const session = owner.sessions.get(asked.session);
    let answer: unknown;
    try {
      if (!session) throw new Error('the session is closed');
      answer = { ok: true, result: session.bridge.peek(asked.tool, asked.arguments as never) };
    } catch (error) {
      const denied = BridleError.isInstance(error) && error.code === 'SANDBOX_BRIDGE_DENIED';
      answer = { ok: false, denied, message: error instanceof Error ? error.message : String(error) };
    }
    (owner.child.stdio[PIPE] as Writable).write(`${JSON.stringify(answer)}\n`);
  }

  function onDeath(owner: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    if (owner.dead) return;
    owner.dead = true;
    if (worker === owner) worker = undefined;
    const verdict = owner.verdict;
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    for (const pending of owner.pending.values()) {
      const charged = verdict && verdict.job === pending.session;
      const stopped: SandboxViolation = charged
        ? {
            code: verdict.code === 'SANDBOX_MEMORY' ? 'SANDBOX_MEMORY' : 'SANDBOX_TIMEOUT',
            hook: pending.hook,
            ...(typeof verdict.module === 'string' ? { module: verdict.module } : {}),
            message: typeof verdict.message === 'string' ? verdict.message : how,
          }
        : violation('SANDBOX_WORKER_CRASH', pending.hook, `the sandbox worker process ${how}${verdict ? ' for another session' : ''}`);
      pending.resolve({ dead: stopped });
    }
    owner.pending.clear();
    for (const session of owner.sessions.values()) session.lost ??= violation('SANDBOX_WORKER_CRASH', 'load', `the sandbox worker process ${how}`);
  }

  /** The worker keeps the caller's process alive only while a request is waiting on it. */
  function holdOpen(owner: Worker): void {
    const handles = [owner.child, owner.child.channel, owner.child.stdio[PIPE]] as ({ ref?(): void; unref?(): void } | null | undefined)[];
    for (const handle of handles) {
      if (owner.pending.size > 0) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  async function request(owner: Worker, body: RequestBody, hook: HookName | 'load'): Promise<unknown> {
    owner.waiting++;
    owner.child.ref();
    try {
      await owner.ready;
    } finally {
      owner.waiting--;
    }
    if (owner.dead) return { dead: violation('SANDBOX_WORKER_CRASH', hook, 'the sandbox worker process is gone') };
    const id = nextRequest++;
    return new Promise((resolve, reject) => {
      const settle = (settled: (value: unknown) => void) => (value: unknown) => {
        settled(value);
        holdOpen(owner);
      };
      owner.pending.set(id, { session: body.session, hook, resolve: settle(resolve), reject: settle(reject) });
      holdOpen(owner);
      owner.child.send({ ...body, id } as RunnerRequest, (error: Error | null) => {
        if (error && owner.pending.delete(id)) resolve({ dead: violation('SANDBOX_WORKER_CRASH', hook, `the sandbox worker process cannot be reached: ${error.message}`) });
      });
    });
  }

  class RemoteSession implements HarnessSession {
    readonly hooks: ReadonlySet<HookName>;
    lost: SandboxViolation | undefined;
    private sentSteps = 0;
    private lastStep: string | undefined;
    private readonly sentFixed = new Map<string, unknown>();
    private closed = false;

    constructor(
      private readonly owner: Worker,
      readonly id: number,
      readonly modules: readonly ModuleInfo[],
      readonly bridge: SessionBridge,
    ) {
      this.hooks = new Set(modules.flatMap((module) => module.hooks));
    }

    async call<K extends HookName>(hook: K, input: HookInputs[K], view: ViewState): Promise<HookCallResult<HookOutputs[K]>> {
      if (this.closed) throw new BridleError('INTERNAL', `harness session is closed: cannot call ${hook}`);
      if (this.lost) return { ok: false, violation: { ...this.lost, hook } };
      const answer = (await request(this.owner, { op: 'call', session: this.id, hook, input, view: this.delta(view) }, hook)) as HookCallResult<HookOutputs[K]> | { dead: SandboxViolation };
      if ('dead' in answer) {
        this.lost = answer.dead;
        return { ok: false, violation: answer.dead };
      }
      return answer;
    }

    /** Only what changed: fixed fields by identity, steps appended since the last call. */
    private delta(view: ViewState): ViewDelta {
      const fixed: Record<string, unknown> = {};
      for (const key of FIXED_VIEW_FIELDS) {
        if (!this.sentFixed.has(key) || this.sentFixed.get(key) !== view[key]) {
          fixed[key] = view[key];
          this.sentFixed.set(key, view[key]);
        }
      }
      const trajectory = view.trajectory;
      let base = this.sentSteps;
      const known = base > 0 ? JSON.stringify(trajectory[base - 1]) : undefined;
      if (base > trajectory.length || known !== this.lastStep) base = 0;
      this.sentSteps = trajectory.length;
      this.lastStep = trajectory.length > 0 ? JSON.stringify(trajectory[trajectory.length - 1]) : undefined;
      return { step: view.step, fixed: fixed as Partial<ViewState>, base, tail: trajectory.slice(base) };
    }

    async close(): Promise<void> {
      if (this.closed) return;
      this.closed = true;
      this.owner.sessions.delete(this.id);
      if (!this.owner.dead) await request(this.owner, { op: 'close', session: this.id }, 'load');
    }
  }

  return {
    kind: 'isolate',
    async open(harness: CompiledHarness, bridge: SessionBridge): Promise<OpenResult> {
      if (disposed) throw new BridleError('INTERNAL', 'the worker runner is disposed');
      worker ??= start();
      const owner = worker;
      const id = nextSession++;
      const remote = new RemoteSession(owner, id, [], bridge);
      owner.sessions.set(id, remote);
      const answer = (await request(owner, { op: 'open', session: id, harness, limits, seed: bridge.seed }, 'load')) as
        | { ok: true; modules: ModuleInfo[] }
        | { ok: false; violation: SandboxViolation }
        | { dead: SandboxViolation };
      owner.sessions.delete(id);
      if ('dead' in answer) return { ok: false, violation: answer.dead };
      if (!answer.ok) return answer;
      const session = new RemoteSession(owner, id, answer.modules, bridge);
      owner.sessions.set(id, session);
      return { ok: true, session };
    },
    async dispose(): Promise<void> {
      disposed = true;
      const owner = worker;
      worker = undefined;
      if (!owner || owner.dead) return;
      const exited = new Promise<void>((resolve) => owner.child.once('exit', () => resolve()));
      if (owner.child.connected) owner.child.disconnect();
      const force = setTimeout(() => owner.child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(force);
    },
  };
}
