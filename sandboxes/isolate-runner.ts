/**
 * The isolated-vm runner: production and the meta-loop run harness code here.
 *
 * Each session (one episode) has an isolate of its own while it is open, with the memory limit, so the
 * limit is per episode however many episodes a worker runs at once, and one episode's memory death ends
 * no other. Isolates are pooled: a closed session's isolate serves the next session of the same harness
 * (a new isolate costs about 3 ms, a context in a warm one a fraction of that); an isolate never serves
 * two harnesses, and one that saw a violation is disposed rather than reused (a terminated call can
 * leave its microtasks queued in the isolate). Each harness is compiled once per isolate into one script
 * (the prelude followed by the load of its modules), and each session gets a fresh context, so nothing
 * an episode does to its globals is visible to the next. Only strings cross: JSON text in, JSON text
 * out, and the single host callback for `view.peek`. Every dispatcher operation runs with `timeout` set
 * to what is left of the hook's CPU allowance and of the episode's CPU budget (measured with
 * the calling thread's CPU time: a synchronous call runs the isolate on this thread, and isolated-vm's
 * own `isolate.cpuTime` counts the time the thread waits for a core, which a loaded machine turns into
 * spurious violations), and is written to the hook probe, so a stop from outside names its module.
 *
 * When a session closes, the runner prepares the next context in its isolate in the background
 * (isolated-vm's async calls run off the host thread, here while the host finishes the episode and sets
 * up the next), loaded with the same harness. Module top-level code cannot reach the seed, the bridge or
 * a clock, so loading it before the episode changes nothing it can observe; the CPU of a load done
 * ahead is not charged to the episode.
 *
 * Some builtins neither check for interrupts nor respect the heap limit (`new Array(5e7).fill(0)`): no
 * limit here stops them. The worker's watchdog (watchdog.ts) does, by killing the process.
 */
import ivm from 'isolated-vm';
import { assertNodeSnapshotDisabled } from './node-snapshot.ts';
import { BridleError } from '../src/errors.ts';
import type { HookName } from '../src/harness/api.ts';
import type { DispatchConfig } from './dispatch.ts';
import { PROBE_GLOBAL, harnessScriptSource, moduleScriptSource } from './prelude.ts';
import { createProbe, type CallLimits, type HookProbe } from './probe.ts';
import { HostSession, PeekHost, decodeLoad, violation, type CallMeter, type ChannelAnswer, type DispatchChannel } from './session-host.ts';
import {
  DEFAULT_SANDBOX_LIMITS,
  type CompiledHarness,
  type HarnessRunner,
  type OpenResult,
  type SandboxLimits,
  type SandboxViolation,
  type SessionBridge,
} from './types.ts';

/** Options of the isolate runner beyond its limits. */
export interface IsolateRunnerOptions {
  /**
   * Called when V8 loses control of an isolate (isolated-vm's `onCatastrophicError`). isolated-vm says
   * the process must then end; the default prints the message and aborts, which the worker pool records
   * as a crashed worker.
   */
  onCatastrophicError?: (message: string) => void;
  /**
   * The probe to write hook calls into (a worker shares it with its watchdog thread); default: a private
   * one, still used to name the module a timeout or a memory death stopped.
   */
  probe?: HookProbe;
  /** Told the module names of each session as it opens (a worker tells its watchdog), keyed by the session's tag. */
  onSessionOpen?: (tag: number, modules: readonly string[]) => void;
  /** Told when a session closes. */
  onSessionClose?: (tag: number) => void;
}

/** Idle isolates kept for the next sessions; more are disposed. */
const MAX_IDLE_ISOLATES = 8;
/** A heap larger than this when its session ends retires the isolate (a fresh one is about 1 MiB). */
const RECYCLE_HEAP_BYTES = 16 * 1024 * 1024;
const TIMED_OUT = 'Script execution timed out.';
/**
 * The limits are CPU time, but isolated-vm's `timeout` is wall time: a call may take this many times
 * its CPU allowance on the clock before isolated-vm stops it, and its CPU use is checked after it
 * returns. So a loaded machine does not turn a slow-but-legal hook into a violation, while a loop that
 * never returns is still stopped, at this multiple of the limit.
 */
const WALL_PER_CPU = 10;

type Entry = ivm.Reference<(...args: unknown[]) => string>;
type CompiledScript = { ok: true; script: ivm.Script } | { ok: false; violation: SandboxViolation };

/** One isolate, serving one harness, one session at a time. */
interface IsolateState {
  isolate: ivm.Isolate;
  /** The harness it serves. */
  hash: string;
  compiled: CompiledScript;
  /** The context prepared for the next session, loading in the background. */
  spare: Promise<Prepared | undefined> | undefined;
  /** Set when the isolate ran out of memory or was disposed. */
  lost: boolean;
}

/** A context with a harness loaded, not yet started. */
interface Prepared {
  context: ivm.Context;
  entry: Entry;
}

/** CPU time of this thread so far, in nanoseconds (getrusage: a few ms of resolution, enough for limits in tens of ms). */
function threadCpuNanoseconds(): number {
  const usage = process.threadCpuUsage();
  return (usage.user + usage.system) * 1000;
}

/** Thrown inside `open` when the isolate turned out disposed before any harness code ran: try a new one. */
class IsolateGone extends Error {}

function defaultCatastrophe(message: string): void {
  process.stderr.write(`bridle: isolated-vm lost control of an isolate (${message}); aborting as isolated-vm requires\n`);
  process.abort();
}

/** Create the isolated-vm runner. */
export function createIsolateRunner(limits: Partial<SandboxLimits> = {}, options: IsolateRunnerOptions = {}): HarnessRunner {
  assertNodeSnapshotDisabled();
  return new IsolateRunner({ ...DEFAULT_SANDBOX_LIMITS, ...limits }, options);
}

class IsolateRunner implements HarnessRunner {
  readonly kind = 'isolate' as const;
  private readonly idle: IsolateState[] = [];
  private readonly busy = new Set<IsolateState>();
  private disposed = false;
  readonly probe: HookProbe;
  readonly callLimits: CallLimits;
  /** The probe's memory, ready to be copied into each context. */
  private readonly probeCopy: ivm.ExternalCopy<SharedArrayBuffer>;

  constructor(
    private readonly limits: SandboxLimits,
    private readonly options: IsolateRunnerOptions,
  ) {
    this.probe = options.probe ?? createProbe();
    // The watchdog must never beat isolated-vm's own (wall-clock) timeout to a call it can stop.
    this.callLimits = { deadlineMs: Math.max(limits.hookDeadlineMs, 2 * WALL_PER_CPU * limits.hookTimeoutMs), memoryMiB: limits.memoryMiB };
    this.probeCopy = new ivm.ExternalCopy(this.probe.buffer);
  }

  async open(harness: CompiledHarness, bridge: SessionBridge): Promise<OpenResult> {
    for (let attempt = 0; ; attempt++) {
      if (this.disposed) throw new BridleError('INTERNAL', 'the isolate runner is disposed');
      const state = this.acquire(harness);
      try {
        return await this.openIn(state, harness, bridge);
      } catch (error) {
        if (!(error instanceof IsolateGone) || attempt > 0) throw error;
        // Disposed behind our back (isolated-vm disposes an isolate over its limit on its own thread).
      }
    }
  }

  private async openIn(state: IsolateState, harness: CompiledHarness, bridge: SessionBridge): Promise<OpenResult> {
    let kept = false;
    let tainted = false;
    const files = harness.modules.map((module) => module.file);
    const tag = bridge.tag ?? 0;
    const peekHost = new PeekHost(bridge, this.limits);
    let prepared = await this.takeSpare(state);
    let channel: IsolateChannel | undefined;
    // While loading, a module is known by its file; once loaded, by its name.
    this.options.onSessionOpen?.(tag, files);
    try {
      if (!state.compiled.ok) return { ok: false, violation: { ...state.compiled.violation } };
      const script = state.compiled.script;
      let charged = 0;
      if (!prepared) {
        let context: ivm.Context;
        try {
          context = state.isolate.createContextSync();
          this.probeInto(context);
        } catch (error) {
          this.lose(state);
          throw new IsolateGone(error instanceof Error ? error.message : String(error));
        }
        const before = threadCpuNanoseconds();
        this.probe.enter(tag, 'load', this.callLimits);
        try {
          const entry = script.runSync(context, { reference: true, timeout: this.limits.hookTimeoutMs * WALL_PER_CPU }) as Entry;
          prepared = { context, entry };
        } catch (error) {
          release(context);
          throw error;
        } finally {
          this.probe.leave();
          charged = threadCpuNanoseconds() - before;
        }
        if (charged / 1e6 > this.limits.hookTimeoutMs) throw new Error(TIMED_OUT);
      }
      channel = new IsolateChannel(this, state, prepared.context, prepared.entry, this.limits, charged, tag, (index) => files[index], bridge.trace);
      prepared = undefined;
      const meter: CallMeter = { cpuNanoseconds: 0 };
      const loaded = channel.apply(['loaded'], 'load', meter);
      const decoded = loaded.ok ? decodeLoad(loaded.text, files) : { ok: false as const, violation: loaded.violation };
      if (!decoded.ok) {
        tainted = !loaded.ok;
        return decoded;
      }
      const names = decoded.modules.map((module) => module.name);
      channel.nameModules((index) => names[index]);
      this.options.onSessionOpen?.(tag, names);
      const opened = channel;
      const trace = bridge.trace;
      const traced = trace ? [new ivm.Callback((index: number) => trace({ hook: opened.hook, ...moduleOf(names[index]) }))] : [];
      const started = channel.apply(['start', JSON.stringify({ seed: bridge.seed }), new ivm.Callback(peekHost.handler), ...traced], 'load', meter);
      if (!started.ok) {
        tainted = true;
        return { ok: false, violation: started.violation };
      }
      channel = undefined;
      kept = true;
      const session: HostSession = new HostSession(decoded.modules, opened, peekHost, () => {
        this.options.onSessionClose?.(tag);
        this.giveBack(state, session.stopped);
      });
      return { ok: true, session };
    } catch (error) {
      if (error instanceof IsolateGone) throw error;
      tainted = true;
      const failed = this.classify(state, error, 'load').violation;
      const file = files[this.probe.module()];
      return { ok: false, violation: file === undefined || failed.module !== undefined ? failed : { ...failed, module: file } };
    } finally {
      channel?.close();
      if (prepared) releasePrepared(prepared);
      if (!kept) {
        this.options.onSessionClose?.(tag);
        this.giveBack(state, tainted);
      }
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const state of [...this.idle.splice(0), ...this.busy]) {
      const spare = await this.takeSpare(state);
      if (spare) releasePrepared(spare);
      this.lose(state);
    }
    this.busy.clear();
    this.probeCopy.release();
  }

  /** Turn an error thrown by isolated-vm into a violation; a memory death loses the isolate. */
  classify(state: IsolateState, error: unknown, hook: HookName | 'load', episodeLimited = false): { violation: SandboxViolation; fatal: boolean } {
    const message = error instanceof Error ? error.message : String(error);
    // isolated-vm disposes an isolate over its limit from its own thread: "is disposed" can come first.
    if (state.isolate.isDisposed || /memory limit|is disposed/i.test(message)) {
      this.lose(state);
      return { fatal: true, violation: violation('SANDBOX_MEMORY', hook, `the harness exceeded the isolate memory limit of ${this.limits.memoryMiB} MiB`) };
    }
    if (message === TIMED_OUT) {
      const detail = episodeLimited
        ? `the episode CPU budget of ${this.limits.episodeCpuMs} ms is spent`
        : `${hook} ran longer than ${this.limits.hookTimeoutMs} ms`;
      return { fatal: true, violation: violation('SANDBOX_TIMEOUT', hook, detail) };
    }
    return { fatal: false, violation: violation(hook === 'load' ? 'SANDBOX_LOAD_FAILED' : 'SANDBOX_THROW', hook, message) };
  }

  /** Hand a fresh context the probe (the harness script takes it and deletes the global). */
  private probeInto(context: ivm.Context): void {
    context.global.setSync(PROBE_GLOBAL, this.probeCopy.copyInto());
  }

  /** An isolate for a session of `harness`: an idle one of the same harness, else a new one. */
  private acquire(harness: CompiledHarness): IsolateState {
    let state: IsolateState | undefined;
    for (let index = this.idle.length - 1; index >= 0; index--) {
      const candidate = this.idle[index]!;
      if (candidate.lost || candidate.isolate.isDisposed) {
        this.idle.splice(index, 1);
        this.lose(candidate);
      } else if (candidate.hash === harness.contentHash && !state) {
        this.idle.splice(index, 1);
        state = candidate;
      } else if (candidate.hash !== harness.contentHash) {
        // An isolate never serves two harnesses: what one left in it must not meet another.
        this.idle.splice(index, 1);
        this.lose(candidate);
      }
    }
    if (!state) {
      const isolate = new ivm.Isolate({
        memoryLimit: this.limits.memoryMiB,
        onCatastrophicError: this.options.onCatastrophicError ?? defaultCatastrophe,
      });
      state = { isolate, hash: harness.contentHash, compiled: this.compile(isolate, harness), spare: undefined, lost: false };
    }
    this.busy.add(state);
    return state;
  }

  /** The end of a session: its isolate goes back to the idle pool, or is disposed after a violation. */
  private giveBack(state: IsolateState, tainted: boolean): void {
    this.busy.delete(state);
    if (this.disposed || tainted || state.lost || state.isolate.isDisposed || this.idle.length >= MAX_IDLE_ISOLATES || this.grown(state)) {
      this.lose(state);
      return;
    }
    if (state.compiled.ok) state.spare = this.prepareAsync(state, state.compiled.script);
    this.idle.push(state);
  }

  /**
   * An isolate whose heap has grown well past what a fresh one needs is retired rather than reused: V8
   * lets a heap fill towards its limit before collecting it, and a worker running many episodes at once
   * keeps many isolates, each of which could otherwise hold up to the limit for the rest of the run.
   */
  private grown(state: IsolateState): boolean {
    try {
      return state.isolate.getHeapStatisticsSync().total_heap_size > RECYCLE_HEAP_BYTES;
    } catch {
      return true;
    }
  }

  private lose(state: IsolateState): void {
    state.lost = true;
    this.busy.delete(state);
    if (state.compiled.ok) release(state.compiled.script);
    if (!state.isolate.isDisposed) {
      try {
        state.isolate.dispose();
      } catch {
        // Already gone: nothing left to free.
      }
    }
  }

  /** The harness's script in a new isolate. */
  private compile(isolate: ivm.Isolate, harness: CompiledHarness): CompiledScript {
    const config: DispatchConfig = {
      maxResultBytes: this.limits.maxResultBytes,
      maxPeeksPerHook: this.limits.maxPeeksPerHook,
      files: harness.modules.map((module) => module.file),
    };
    try {
      return { ok: true, script: isolate.compileScriptSync(harnessScriptSource(harness.modules, config), { filename: `file:///harness/${harness.contentHash}.js` }) };
    } catch (error) {
      return { ok: false, violation: this.compileFailure(isolate, harness, error) };
    }
  }

  /** Name the module that does not compile (compiling each alone is cheap, and this is rare). */
  private compileFailure(isolate: ivm.Isolate, harness: CompiledHarness, error: unknown): SandboxViolation {
    for (const module of harness.modules) {
      try {
        release(isolate.compileScriptSync(moduleScriptSource(module.javascript)));
      } catch (moduleError) {
        const detail = moduleError instanceof Error ? moduleError.message : String(moduleError);
        return violation('SANDBOX_LOAD_FAILED', 'load', `${module.file} does not compile: ${detail}`, module.file);
      }
    }
    return violation('SANDBOX_LOAD_FAILED', 'load', `the harness does not compile: ${error instanceof Error ? error.message : String(error)}`);
  }

  private async takeSpare(state: IsolateState): Promise<Prepared | undefined> {
    const pending = state.spare;
    state.spare = undefined;
    const spare = pending ? await pending : undefined;
    if (spare && (state.lost || state.isolate.isDisposed)) {
      releasePrepared(spare);
      return undefined;
    }
    return spare;
  }

  private async prepareAsync(state: IsolateState, script: ivm.Script): Promise<Prepared | undefined> {
    let context: ivm.Context | undefined;
    try {
      context = await state.isolate.createContext();
      await context.global.set(PROBE_GLOBAL, this.probeCopy.copyInto());
      // A load that overruns here is not charged: it is run again in the foreground, timed and named.
      const entry = (await script.run(context, { reference: true, timeout: this.limits.hookTimeoutMs * WALL_PER_CPU })) as Entry;
      const prepared: Prepared = { context, entry };
      context = undefined;
      return prepared;
    } catch {
      // Whatever went wrong happens again in the foreground, where it is timed and recorded.
      return undefined;
    } finally {
      if (context) release(context);
    }
  }
}

/** One session's way into its context: the dispatcher entry, with the CPU limits applied per operation. */
class IsolateChannel implements DispatchChannel {
  private closed = false;

  constructor(
    private readonly runner: IsolateRunner,
    private readonly state: IsolateState,
    private readonly context: ivm.Context,
    private readonly entry: Entry,
    private readonly limits: SandboxLimits,
    /** CPU spent by this session's operations so far, in nanoseconds. */
    private cpuNanoseconds: number,
    /** The session's tag, written to the probe with each call. */
    private readonly tag: number,
    /** The module at a probe index: its file while loading, its name once loaded. */
    private moduleAt: (index: number) => string | undefined,
    private readonly trace: SessionBridge['trace'],
  ) {}

  /** The hook of the call in progress (or the last one), for trace lines. */
  hook: HookName | 'load' = 'load';

  nameModules(moduleAt: (index: number) => string | undefined): void {
    this.moduleAt = moduleAt;
  }

  invoke(operation: 'call' | 'resume', payload: string, hook: HookName, meter: CallMeter): ChannelAnswer {
    return this.apply([operation, payload], hook, meter);
  }

  /** Apply the dispatcher entry synchronously within what is left of the hook's and the episode's CPU. */
  apply(args: unknown[], hook: HookName | 'load', meter: CallMeter): ChannelAnswer {
    if (this.state.lost || this.closed) {
      const why = this.state.lost ? "the session's isolate is gone (the runner was disposed)" : 'the session is closed';
      return { ok: false, fatal: true, violation: violation('SANDBOX_WORKER_CRASH', hook, why) };
    }
    const episodeLeft = this.limits.episodeCpuMs - this.cpuNanoseconds / 1e6;
    const hookLeft = this.limits.hookTimeoutMs - meter.cpuNanoseconds / 1e6;
    if (episodeLeft <= 0) {
      return { ok: false, fatal: true, violation: violation('SANDBOX_TIMEOUT', hook, `the episode CPU budget of ${this.limits.episodeCpuMs} ms is spent`) };
    }
    if (hookLeft <= 0) {
      return { ok: false, fatal: true, violation: violation('SANDBOX_TIMEOUT', hook, `${hook} ran longer than ${this.limits.hookTimeoutMs} ms`) };
    }
    const allowance = Math.min(hookLeft, episodeLeft);
    const timeout = Math.max(1, Math.ceil(allowance * WALL_PER_CPU));
    this.hook = hook;
    this.trace?.({ hook });
    const before = threadCpuNanoseconds();
    const probe = this.runner.probe;
    probe.enter(this.tag, hook, this.runner.callLimits);
    let text: unknown;
    let failure: { error: unknown } | undefined;
    try {
      text = this.entry.applySync(undefined, args as never[], { timeout });
    } catch (error) {
      failure = { error };
    } finally {
      probe.leave();
    }
    const used = threadCpuNanoseconds() - before;
    this.cpuNanoseconds += used;
    meter.cpuNanoseconds += used;
    if (failure || used / 1e6 >= allowance) {
      const classified = this.runner.classify(this.state, failure ? failure.error : new Error(TIMED_OUT), hook, episodeLeft < hookLeft);
      // A timeout or a memory death comes from outside the dispatcher: the probe says whose code ran.
      const module = this.moduleAt(probe.module());
      if (module !== undefined && classified.violation.module === undefined) classified.violation.module = module;
      return { ok: false, ...classified };
    }
    if (typeof text !== 'string') {
      return { ok: false, fatal: false, violation: violation('SANDBOX_INVALID_RESULT', hook, `the sandbox answered ${hook} with malformed data`) };
    }
    return { ok: true, text };
  }

  async drain(): Promise<void> {
    // isolated-vm runs the isolate's microtask checkpoint before applySync returns: nothing left to drain.
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    release(this.entry);
    release(this.context);
  }
}

function moduleOf(name: string | undefined): { module?: string } {
  return name === undefined ? {} : { module: name };
}

function releasePrepared(prepared: Prepared): void {
  release(prepared.entry);
  release(prepared.context);
}

function release(handle: { release(): void }): void {
  try {
    handle.release();
  } catch {
    // The isolate is already disposed; its handles went with it.
  }
}
