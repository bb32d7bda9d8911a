/**
 * The isolated-vm runner: production and the meta-loop run harness code here.
 *
 * One isolate (with the memory limit) serves every session, and each harness is compiled once per
 * isolate into one script (the prelude followed by the load of its modules). Each session gets a fresh
 * context, so nothing an episode does to its globals is visible to the next. Only strings cross: JSON
 * text in, JSON text out, and the single host callback for `view.peek`. Every dispatcher operation runs
 * with `timeout` set to what is left of the hook's CPU allowance and of the episode's CPU budget
 * (measured with `isolate.cpuTime`). An isolate that runs out of memory is replaced for the next
 * session; sessions still open on it end.
 *
 * A fresh context costs a few hundred microseconds to create and load, so when a session closes, the
 * runner prepares the next context in the background (isolated-vm's async calls run off the host
 * thread, here while the host finishes the episode and sets up the next), loaded with the same harness:
 * episodes of one harness come in runs. Module top-level code
 * cannot reach the seed, the bridge or a clock, so loading it before the episode changes nothing it can
 * observe; the CPU of a load done ahead is not charged to the episode.
 */
import ivm from 'isolated-vm';
import { assertNodeSnapshotDisabled } from './node-snapshot.ts';
import { BridleError } from '../src/errors.ts';
import type { HookName } from '../src/harness/api.ts';
import type { DispatchConfig } from './dispatch.ts';
import { harnessScriptSource, moduleScriptSource } from './prelude.ts';
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
}

const MAX_CACHED_HARNESSES = 32;
const TIMED_OUT = 'Script execution timed out.';

type Entry = ivm.Reference<(...args: unknown[]) => string>;
type CachedHarness = { ok: true; script: ivm.Script } | { ok: false; violation: SandboxViolation };

interface IsolateState {
  isolate: ivm.Isolate;
  /** Compiled harness scripts by content hash, least recently used first. */
  harnesses: Map<string, CachedHarness>;
  channels: Set<IsolateChannel>;
  /** Set when the isolate ran out of memory (or was disposed): its sessions are over. */
  lost: boolean;
}

/** A context with a harness loaded, not yet started. */
interface Prepared {
  state: IsolateState;
  hash: string;
  context: ivm.Context;
  entry: Entry;
}

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
  private state: IsolateState | undefined;
  private spare: Promise<Prepared | undefined> | undefined;
  private disposed = false;

  constructor(
    private readonly limits: SandboxLimits,
    private readonly options: IsolateRunnerOptions,
  ) {}

  async open(harness: CompiledHarness, bridge: SessionBridge): Promise<OpenResult> {
    if (this.disposed) throw new BridleError('INTERNAL', 'the isolate runner is disposed');
    let prepared = await this.takeSpare(harness.contentHash);
    const state = this.current();
    const cached = this.script(state, harness);
    if (!cached.ok) return { ok: false, violation: { ...cached.violation } };
    const files = harness.modules.map((module) => module.file);
    const peekHost = new PeekHost(bridge, this.limits);
    let channel: IsolateChannel | undefined;
    try {
      let charged = 0;
      if (!prepared) {
        const context = state.isolate.createContextSync();
        const before = state.isolate.cpuTime;
        try {
          const entry = cached.script.runSync(context, { reference: true, timeout: this.limits.hookTimeoutMs }) as Entry;
          prepared = { state, hash: harness.contentHash, context, entry };
        } catch (error) {
          release(context);
          throw error;
        } finally {
          if (!state.isolate.isDisposed) charged = Number(state.isolate.cpuTime - before);
        }
      }
      channel = new IsolateChannel(this, state, prepared.context, prepared.entry, this.limits, charged);
      prepared = undefined;
      const meter: CallMeter = { cpuNanoseconds: 0 };
      const loaded = channel.apply(['loaded'], 'load', meter);
      const decoded = loaded.ok ? decodeLoad(loaded.text, files) : { ok: false as const, violation: loaded.violation };
      if (!decoded.ok) return decoded;
      const started = channel.apply(['start', JSON.stringify({ seed: bridge.seed }), new ivm.Callback(peekHost.handler)], 'load', meter);
      if (!started.ok) return { ok: false, violation: started.violation };
      const opened = channel;
      const session = new HostSession(decoded.modules, opened, peekHost, () => this.replenish(state, harness));
      state.channels.add(opened);
      channel = undefined;
      return { ok: true, session };
    } catch (error) {
      return { ok: false, violation: this.classify(state, error, 'load').violation };
    } finally {
      channel?.close();
      if (prepared) releasePrepared(prepared);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const spare = await this.takeSpare(undefined);
    if (spare) releasePrepared(spare);
    const state = this.state;
    this.state = undefined;
    if (state) this.retire(state);
  }

  /** Turn an error thrown by isolated-vm into a violation; a memory death retires the isolate. */
  classify(state: IsolateState, error: unknown, hook: HookName | 'load', episodeLimited = false): { violation: SandboxViolation; fatal: boolean } {
    const message = error instanceof Error ? error.message : String(error);
    if (state.lost) {
      return { fatal: true, violation: violation('SANDBOX_WORKER_CRASH', hook, 'the isolate was lost when another session ran out of memory') };
    }
    if (state.isolate.isDisposed || /memory limit/i.test(message)) {
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

  private lose(state: IsolateState): void {
    state.lost = true;
    if (this.state === state) this.state = undefined;
    this.retire(state);
  }

  private retire(state: IsolateState): void {
    // Sessions still open on the isolate answer with a violation from now on.
    for (const channel of [...state.channels]) channel.close();
    state.channels.clear();
    for (const cached of state.harnesses.values()) if (cached.ok) release(cached.script);
    state.harnesses.clear();
    if (!state.isolate.isDisposed) {
      try {
        state.isolate.dispose();
      } catch {
        // Already gone: nothing left to free.
      }
    }
  }

  private current(): IsolateState {
    if (this.state && !this.state.lost && !this.state.isolate.isDisposed) return this.state;
    const isolate = new ivm.Isolate({
      memoryLimit: this.limits.memoryMiB,
      onCatastrophicError: this.options.onCatastrophicError ?? defaultCatastrophe,
    });
    this.state = { isolate, harnesses: new Map(), channels: new Set(), lost: false };
    return this.state;
  }

  /** The harness's script in this isolate, compiled on first use. */
  private script(state: IsolateState, harness: CompiledHarness): CachedHarness {
    const known = state.harnesses.get(harness.contentHash);
    if (known) {
      state.harnesses.delete(harness.contentHash);
      state.harnesses.set(harness.contentHash, known);
      return known;
    }
    const config: DispatchConfig = {
      maxResultBytes: this.limits.maxResultBytes,
      maxPeeksPerHook: this.limits.maxPeeksPerHook,
      files: harness.modules.map((module) => module.file),
    };
    let cached: CachedHarness;
    try {
      cached = { ok: true, script: state.isolate.compileScriptSync(harnessScriptSource(harness.modules, config), { filename: `file:///harness/${harness.contentHash}.js` }) };
    } catch (error) {
      cached = { ok: false, violation: this.compileFailure(state, harness, error) };
    }
    state.harnesses.set(harness.contentHash, cached);
    while (state.harnesses.size > MAX_CACHED_HARNESSES) {
      const [oldest, evicted] = state.harnesses.entries().next().value as [string, CachedHarness];
      state.harnesses.delete(oldest);
      if (evicted.ok) release(evicted.script);
    }
    return cached;
  }

  /** Name the module that does not compile (compiling each alone is cheap, and this is rare). */
  private compileFailure(state: IsolateState, harness: CompiledHarness, error: unknown): SandboxViolation {
    for (const module of harness.modules) {
      try {
        release(state.isolate.compileScriptSync(moduleScriptSource(module.javascript)));
      } catch (moduleError) {
        const detail = moduleError instanceof Error ? moduleError.message : String(moduleError);
        return violation('SANDBOX_LOAD_FAILED', 'load', `${module.file} does not compile: ${detail}`, module.file);
      }
    }
    return violation('SANDBOX_LOAD_FAILED', 'load', `the harness does not compile: ${error instanceof Error ? error.message : String(error)}`);
  }

  private async takeSpare(hash: string | undefined): Promise<Prepared | undefined> {
    const pending = this.spare;
    this.spare = undefined;
    const spare = pending ? await pending : undefined;
    if (spare && (spare.hash !== hash || spare.state !== this.state || spare.state.lost || spare.state.isolate.isDisposed)) {
      releasePrepared(spare);
      return undefined;
    }
    return spare;
  }

  /** Prepare the next context in the background, loaded with the harness whose session just closed. */
  private replenish(state: IsolateState, harness: CompiledHarness): void {
    if (this.disposed || this.spare || state.lost || state !== this.state) return;
    const cached = state.harnesses.get(harness.contentHash);
    if (!cached?.ok) return;
    this.spare = this.prepareAsync(state, harness.contentHash, cached.script);
  }

  private async prepareAsync(state: IsolateState, hash: string, script: ivm.Script): Promise<Prepared | undefined> {
    let context: ivm.Context | undefined;
    try {
      context = await state.isolate.createContext();
      const entry = (await script.run(context, { reference: true, timeout: this.limits.hookTimeoutMs })) as Entry;
      const prepared: Prepared = { state, hash, context, entry };
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
  ) {}

  invoke(operation: 'call' | 'resume', payload: string, hook: HookName, meter: CallMeter): ChannelAnswer {
    return this.apply([operation, payload], hook, meter);
  }

  /** Apply the dispatcher entry synchronously within what is left of the hook's and the episode's CPU. */
  apply(args: unknown[], hook: HookName | 'load', meter: CallMeter): ChannelAnswer {
    if (this.state.lost || this.closed) {
      const why = this.state.lost ? 'the isolate was lost when another session ran out of memory' : 'the isolate runner was disposed';
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
    const timeout = Math.max(1, Math.ceil(Math.min(hookLeft, episodeLeft)));
    const isolate = this.state.isolate;
    const before = isolate.cpuTime;
    try {
      const text: unknown = this.entry.applySync(undefined, args as never[], { timeout });
      if (typeof text !== 'string') {
        return { ok: false, fatal: false, violation: violation('SANDBOX_INVALID_RESULT', hook, `the sandbox answered ${hook} with malformed data`) };
      }
      return { ok: true, text };
    } catch (error) {
      return { ok: false, ...this.runner.classify(this.state, error, hook, episodeLeft < hookLeft) };
    } finally {
      if (!isolate.isDisposed) {
        const used = Number(isolate.cpuTime - before);
        this.cpuNanoseconds += used;
        meter.cpuNanoseconds += used;
      }
    }
  }

  async drain(): Promise<void> {
    // isolated-vm runs the isolate's microtask checkpoint before applySync returns: nothing left to drain.
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.state.channels.delete(this);
    release(this.entry);
    release(this.context);
  }
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
