/**
 * The dispatcher: the half of a harness session that lives where the harness code runs.
 *
 * It loads the modules (a `require` that knows only `bridle/harness`), rebuilds the `View` of each hook
 * call from JSON (`peek` through the host bridge, `rng` seeded per session), runs the fold of
 * src/harness/compose.ts, and answers with a JSON envelope whose size it checks before anything leaves.
 * The isolate prelude embeds this file's compiled JavaScript and the in-process runner imports it, so
 * both runners share one implementation. Like compose.ts it must stay self-contained: imports of the
 * harness API, compose.ts and random.ts only, no Node APIs, no closures over host state; everything
 * arrives as JSON text or through the one `peek` function.
 *
 * Hook results are JSON-cloned (with a byte budget) as each module returns them, so compose.ts only ever
 * sees plain data and a hostile getter, proxy or oversize value is charged to the module that made it.
 * A hook that returns a promise is awaited across a microtask drain: the fold stops, the host drains
 * the microtask queue, and the fold is replayed from a log of the module answers so far (no module runs
 * twice). A promise still pending after the drain can never settle (there are no timers or I/O in a
 * harness), which makes the `SANDBOX_UNSETTLED_PROMISE` verdict deterministic.
 */
import { HARNESS_API_VERSION, HOOK_NAMES, defineModule } from '../src/harness/api.ts';
import type { HarnessModule, HookName, Json, JsonObject, StepView, ToolResult, View } from '../src/harness/api.ts';
import {
  HookResultError,
  foldGuard,
  foldInterpret,
  foldPrepare,
  foldRank,
  foldRealize,
  foldRegulate,
} from '../src/harness/compose.ts';
import { createRng, seedOf } from '../src/util/random.ts';
import type { HookInputs, SandboxViolationCode, ViewState } from './types.ts';

// Captured before any module code runs: a module that patches these globals only confuses its own
// session, and the host re-checks every answer anyway.
const jsonParse = JSON.parse;
const jsonStringify = JSON.stringify;
const freeze = Object.freeze;
const objectKeys = Object.keys;
const defineProperty = Object.defineProperty;
const isArray = Array.isArray;
const NativePromise = Promise;
const NativeInt32Array = Int32Array;
// hardenRealm removes the global: keep the constructor to recognise the probe's memory.
const NativeSharedArrayBuffer: typeof SharedArrayBuffer | undefined = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : undefined;

/**
 * The probe: a few 32-bit cells of shared memory the host and the dispatcher both see. The dispatcher
 * writes the index of the module whose code is running (or ran last) into `PROBE_MODULE_CELL` (a plain
 * store, no call across the boundary), so the host can name the module when a hook is stopped from
 * outside: an isolated-vm timeout, a memory death, or the worker's watchdog killing the process. The
 * host resets it to -1 (no module) before each call.
 */
export const PROBE_MODULE_CELL = 3;

/** Settings of one context's harness, sent with `load`. */
export interface DispatchConfig {
  /** Largest hook result in bytes of JSON (also the cap on one module's answer and on peek arguments). */
  maxResultBytes: number;
  /** Peek calls allowed per hook call. */
  maxPeeksPerHook: number;
  /** The module file names, in load order (for messages). */
  files: string[];
}

/** What `start` needs: what makes the session an episode's. */
export interface DispatchStart {
  /** The episode seed; `view.rng` is seeded from it. */
  seed: number;
}

/** A CommonJS module body as the loader calls it. */
export type ModuleFactory = (
  exports: Record<string, unknown>,
  require: (specifier: string) => unknown,
  module: { exports: unknown },
) => void;

/**
 * The host side of `view.peek`: takes the tool name and the arguments as JSON text, answers with the
 * JSON text of a `PeekReply`. In the isolate this is the single host callback.
 */
export type PeekFunction = (tool: string, argumentsJson: string) => string;

/** The host's answer to a peek. */
export type PeekReply = { ok: true; result: ToolResult } | { ok: false; message: string };

/** The fields of a view that stay the same through an episode: sent only when they change. */
export const FIXED_VIEW_FIELDS = ['apiVersion', 'environment', 'instruction', 'tools', 'rules', 'maxSteps'] as const;

/** One hook call, as the host sends it. */
export interface DispatchRequest {
  hook: HookName;
  input: HookInputs[HookName];
  /** The view's step index. */
  step: number;
  /** The fixed view fields that changed since the previous call (all of them on the first call). */
  fixed: Partial<Pick<ViewState, (typeof FIXED_VIEW_FIELDS)[number]>>;
  /** The trajectory is the first `base` steps already sent, followed by `tail`. */
  base: number;
  tail: StepView[];
}

/** Codes the dispatcher itself can report; timeouts and memory are the host's to detect. */
export type DispatchFaultCode = Extract<
  SandboxViolationCode,
  | 'SANDBOX_THROW'
  | 'SANDBOX_INVALID_RESULT'
  | 'SANDBOX_RESULT_TOO_LARGE'
  | 'SANDBOX_UNSETTLED_PROMISE'
  | 'SANDBOX_BRIDGE_DENIED'
  | 'SANDBOX_LOAD_FAILED'
>;

/** Why a load or a hook call failed, as it crosses the boundary. */
export interface FaultEnvelope {
  ok: false;
  code: DispatchFaultCode;
  message: string;
  module?: string;
}

/** A loaded module's identity. */
export interface LoadedModuleInfo {
  name: string;
  why: string;
  hooks: HookName[];
}

/** The answer to `load`. */
export type LoadEnvelope = { ok: true; modules: LoadedModuleInfo[] } | FaultEnvelope;

/** The answer to `call` and `resume`: a value, a fault, or a hook waiting on a promise (drain, then resume). */
export type CallEnvelope = { ok: true; value: unknown; peeks: number } | FaultEnvelope | { pending: true };

/**
 * The dispatcher's single entry point; every answer is JSON text.
 * - `load`: a JSON `DispatchConfig`, the probe's shared memory (or undefined) and the module factories →
 *   a `LoadEnvelope`. Runs the modules' top level, which cannot reach the seed, the bridge or the probe,
 *   so a context can be loaded before its episode.
 * - `loaded`: the `load` answer again (for a context whose modules were loaded by a script).
 * - `start`: a JSON `DispatchStart`, the peek function and, for a traced session, a function told each
 *   module index as its code starts to run → `{"ok":true}`. Makes the session an episode's.
 * - `call`: a JSON `DispatchRequest` → a `CallEnvelope`; `resume` (no payload) → a `CallEnvelope`.
 */
export type DispatchEntry = {
  (operation: 'load', payload: string, probe: SharedArrayBuffer | undefined, ...factories: ModuleFactory[]): string;
  (operation: 'loaded'): string;
  (operation: 'start', payload: string, peek: PeekFunction, trace?: (module: number) => void): string;
  (operation: 'call' | 'resume', payload: string): string;
};

const MAX_MESSAGE = 300;
const MAX_NAME = 200;
const MAX_WHY = 2000;
const MAX_DEPTH = 64;
const MAX_PEEK_TOOL = 200;

class Fault {
  constructor(
    readonly code: DispatchFaultCode,
    readonly message: string,
    readonly module: string | undefined,
  ) {}
}

/** Thrown through the fold when a hook returned a promise: the host drains microtasks and resumes. */
const PENDING: unknown = freeze({ pending: true });

class BudgetExceeded {}
class NotJson {
  constructor(readonly detail: string) {}
}

interface LoadedModule {
  /** Position in the harness (the probe's module cell holds it while the module's code runs). */
  index: number;
  info: LoadedModuleInfo;
  object: Record<string, unknown>;
  functions: Partial<Record<HookName, (...args: unknown[]) => unknown>>;
}

interface PendingAnswer {
  module: string;
  index: number;
  settled: boolean;
  failed: boolean;
  value: unknown;
}

type LoggedAnswer = { kind: 'value'; value: unknown } | { kind: 'fault'; fault: Fault } | { kind: 'pending'; pending: PendingAnswer };

interface ActiveCall {
  hook: HookName;
  input: HookInputs[HookName];
  view: View;
  peeks: number;
  /** A fault that decides the call whatever the fold returns (a bridge denial, a forbidden import). */
  sticky: Fault | undefined;
  /** The module whose hook is running, for attributing peek denials. */
  module: string | undefined;
  /** Module answers in fold order, replayed after a promise settles. */
  log: LoggedAnswer[];
  cursor: number;
}

/** Collapse whitespace and cut, so every message is one short line. */
export function oneLine(text: string, max: number = MAX_MESSAGE): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Describe a thrown value in one line without running arbitrary code more than needed and never with a stack. */
export function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) {
      const name = typeof error.name === 'string' && error.name ? error.name : 'Error';
      const message = typeof error.message === 'string' ? error.message : '';
      return oneLine(message ? `${name}: ${message}` : name);
    }
  } catch {
    return 'threw an error that cannot be described';
  }
  switch (typeof error) {
    case 'string':
      return oneLine(`threw a non-Error value: ${jsonStringify(error.length > MAX_MESSAGE ? error.slice(0, MAX_MESSAGE) : error)}`);
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return `threw a non-Error value: ${String(error)}`;
    case 'symbol':
      return 'threw a non-Error value: a symbol';
    case 'function':
      return 'threw a non-Error value: a function';
    default:
      if (error === null) return 'threw a non-Error value: null';
      try {
        return isArray(error) ? 'threw a non-Error value: an array' : 'threw a non-Error value: an object';
      } catch {
        return 'threw a non-Error value: an object';
      }
  }
}

/** UTF-8 length of a string, computed only when the quick bounds cannot decide. */
function exceedsBytes(text: string, max: number): boolean {
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      index++;
    } else bytes += 3;
    if (bytes > max) return true;
  }
  return false;
}

function isObjectLike(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/**
 * Copy a value as JSON would (toJSON, undefined and functions dropped, non-finite numbers as null) into
 * fresh plain data, charging `budget.left` about one unit per byte; throws BudgetExceeded or NotJson.
 */
function cloneJson(value: unknown, budget: { left: number }, depth: number): Json | undefined {
  switch (typeof value) {
    case 'string':
      budget.left -= value.length + 2;
      if (budget.left < 0) throw new BudgetExceeded();
      return value;
    case 'number':
      budget.left -= 8;
      if (budget.left < 0) throw new BudgetExceeded();
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      budget.left -= 5;
      if (budget.left < 0) throw new BudgetExceeded();
      return value;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new NotJson('a bigint');
  }
  if (value === null) {
    budget.left -= 4;
    if (budget.left < 0) throw new BudgetExceeded();
    return null;
  }
  if (depth >= MAX_DEPTH) throw new NotJson(`data nested deeper than ${MAX_DEPTH} levels (or a cycle)`);
  const source = value as Record<string, unknown>;
  const toJSON = source.toJSON;
  if (typeof toJSON === 'function') return cloneJson(toJSON.call(source), budget, depth + 1);
  budget.left -= 2;
  if (budget.left < 0) throw new BudgetExceeded();
  if (isArray(source)) {
    const list = source as unknown[];
    const length = list.length;
    const copy: Json[] = [];
    for (let index = 0; index < length; index++) {
      budget.left -= 1;
      const element = cloneJson(list[index], budget, depth + 1);
      copy.push(element === undefined ? null : element);
    }
    return copy;
  }
  const copy: { [key: string]: Json } = {};
  for (const key of objectKeys(source)) {
    budget.left -= key.length + 4;
    if (budget.left < 0) throw new BudgetExceeded();
    const element = cloneJson(source[key], budget, depth + 1);
    if (element === undefined) continue;
    if (key === '__proto__') defineProperty(copy, key, { value: element, enumerable: true, writable: true, configurable: true });
    else copy[key] = element;
  }
  return copy;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const key of objectKeys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    freeze(value);
  }
  return value;
}

/**
 * Remove from a realm (isolate only) what the harness API does not need and a hostile module could use:
 * the clock, `Math.random`, the sources of GC-dependent behaviour, shared memory, and WebAssembly (whose
 * memory is allocated outside the isolate's heap and so escapes its limit).
 */
export function hardenRealm(realm: typeof globalThis): void {
  const noClock = () => new Error('there is no clock in a harness module (Date.now, new Date() and performance are not available)');
  defineProperty(realm.Math, 'random', {
    value: function random(): number {
      throw new Error('Math.random is not available in a harness module: use view.rng()');
    },
    writable: false,
    configurable: false,
  });
  const OriginalDate = realm.Date;
  const SafeDate = function Date(this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined || args.length === 0) throw noClock();
    return Reflect.construct(OriginalDate, args, new.target);
  } as unknown as DateConstructor;
  defineProperty(SafeDate, 'prototype', { value: OriginalDate.prototype, writable: false });
  defineProperty(SafeDate, 'parse', { value: OriginalDate.parse, writable: true, configurable: true });
  defineProperty(SafeDate, 'UTC', { value: OriginalDate.UTC, writable: true, configurable: true });
  defineProperty(SafeDate, 'now', {
    value: function now(): number {
      throw noClock();
    },
    writable: false,
    configurable: false,
  });
  defineProperty(OriginalDate.prototype, 'constructor', { value: SafeDate, writable: true, configurable: true });
  defineProperty(realm, 'Date', { value: SafeDate, writable: false, configurable: false });
  const loose = realm as unknown as Record<string, unknown>;
  // WebAssembly memory lives outside the isolate's heap limit; the harness API needs none of these (and the lint forbids console).
  for (const name of ['performance', 'WeakRef', 'FinalizationRegistry', 'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'console']) delete loose[name];
  const intl = loose.Intl as Record<string, unknown> | undefined;
  if (intl) delete intl.DateTimeFormat;
}

/** Create the dispatcher entry point of one realm: one `load`, one `start`, then the calls of one episode. */
export function createDispatchEntry(): DispatchEntry {
  let session: Session | undefined;
  let loaded = '';
  const entry = (operation: string, payload: string, ...extra: unknown[]): string => {
    if (operation === 'load') {
      if (session) throw new Error('this context already has a harness');
      const [probe, ...factories] = extra;
      session = new Session(jsonParse(payload) as DispatchConfig, NativeSharedArrayBuffer && probe instanceof NativeSharedArrayBuffer ? probe : undefined);
      loaded = session.load(factories as ModuleFactory[]);
      return loaded;
    }
    if (!session) throw new Error('no harness is loaded');
    if (operation === 'loaded') return loaded;
    if (operation === 'start') {
      const peek = extra[0];
      if (typeof peek !== 'function') throw new Error('start needs the peek function');
      const trace = extra[1];
      session.start(jsonParse(payload) as DispatchStart, peek as PeekFunction, typeof trace === 'function' ? (trace as (module: number) => void) : undefined);
      return '{"ok":true}';
    }
    if (operation === 'call') return session.call(payload);
    if (operation === 'resume') return session.resume();
    throw new Error(`unknown operation ${jsonStringify(operation)}`);
  };
  return entry as DispatchEntry;
}

class Session {
  private readonly modules: LoadedModule[] = [];
  private readonly wrapped: HarnessModule[] = [];
  private rng: (() => number) | undefined;
  private host: PeekFunction | undefined;
  /** Told each module index as its code starts (traced sessions only: it costs a call to the host). */
  private trace: ((module: number) => void) | undefined;
  private readonly known: StepView[] = [];
  private trajectory: readonly StepView[] = freeze([]);
  private readonly fixed: Record<string, unknown> = {};
  private active: ActiveCall | undefined;
  private loadFault: Fault | undefined;
  private loading = false;
  /** The probe's cells, or a private stand-in when the host gave none. */
  private readonly cells: Int32Array;

  constructor(
    private readonly config: DispatchConfig,
    probe: SharedArrayBuffer | undefined,
  ) {
    this.cells = new NativeInt32Array(probe ?? new ArrayBuffer((PROBE_MODULE_CELL + 1) * 4));
  }

  /**
   * Tell the host whose code runs now. The cell keeps the last module until the host's next call resets
   * it, so a call that returned over its CPU allowance is charged to the module that ran last.
   */
  private running(index: number): void {
    this.cells[PROBE_MODULE_CELL] = index;
    this.trace?.(index);
  }

  start(start: DispatchStart, host: PeekFunction, trace: ((module: number) => void) | undefined): void {
    this.trace = trace;
    if (this.rng) throw new Error('the session has already started');
    this.rng = createRng(seedOf('bridle/view.rng', start.seed));
    this.host = host;
  }

  load(factories: ModuleFactory[]): string {
    const api = freeze({ HARNESS_API_VERSION, HOOK_NAMES: freeze([...HOOK_NAMES]), defineModule });
    const names = new Set<string>();
    this.loading = true;
    try {
      for (let index = 0; index < factories.length; index++) {
        const file = this.config.files[index] ?? `module ${index + 1}`;
        this.running(index);
        const loaded = this.loadOne(factories[index] as ModuleFactory, file, api, names, index);
        if (loaded instanceof Fault) return this.faultText(loaded);
        this.modules.push(loaded);
        this.wrapped.push(this.wrap(loaded));
      }
    } finally {
      this.loading = false;
    }
    return jsonStringify({ ok: true, modules: this.modules.map((module) => module.info) } satisfies LoadEnvelope);
  }

  private loadOne(factory: ModuleFactory, file: string, api: unknown, names: Set<string>, index: number): LoadedModule | Fault {
    const require = (specifier: unknown): unknown => {
      if (specifier === 'bridle/harness') return api;
      const shown = typeof specifier === 'string' ? jsonStringify(oneLine(specifier, 80)) : 'a non-string specifier';
      const fault = new Fault('SANDBOX_LOAD_FAILED', `imports ${shown}: a harness module may import only 'bridle/harness'`, this.active?.module ?? file);
      if (this.loading) this.loadFault ??= fault;
      else if (this.active) this.active.sticky ??= fault;
      throw new Error(fault.message);
    };
    const module: { exports: unknown } = { exports: {} };
    try {
      factory.call(module.exports, module.exports as Record<string, unknown>, require, module);
    } catch (error) {
      return this.loadFault ?? new Fault('SANDBOX_LOAD_FAILED', `${file} failed to load: ${describeThrown(error)}`, file);
    }
    if (this.loadFault) return this.loadFault;
    try {
      const exported = module.exports;
      const object = isObjectLike(exported) ? exported.default : undefined;
      if (!isObjectLike(object)) {
        return new Fault('SANDBOX_LOAD_FAILED', `${file} has no default export of a module object (export default defineModule({ name, why, ... }))`, file);
      }
      const name = object.name;
      const why = object.why;
      if (typeof name !== 'string' || !name.trim() || name.length > MAX_NAME) {
        return new Fault('SANDBOX_LOAD_FAILED', `${file}: the module object has no name (a short non-empty string)`, file);
      }
      if (typeof why !== 'string' || why.length > MAX_WHY) {
        return new Fault('SANDBOX_LOAD_FAILED', `${file}: module "${name}" has no why (the one-line failure it addresses)`, name);
      }
      if (names.has(name)) return new Fault('SANDBOX_LOAD_FAILED', `${file}: module name "${name}" is used twice in the harness`, name);
      names.add(name);
      const hooks: HookName[] = [];
      const functions: LoadedModule['functions'] = {};
      for (const hook of HOOK_NAMES) {
        const value = object[hook];
        if (value === undefined || value === null) continue;
        if (typeof value !== 'function') return new Fault('SANDBOX_LOAD_FAILED', `module "${name}": ${hook} is not a function`, name);
        hooks.push(hook);
        functions[hook] = value as (...args: unknown[]) => unknown;
      }
      return { index, info: { name, why: oneLine(why, MAX_WHY), hooks }, object, functions };
    } catch (error) {
      return new Fault('SANDBOX_LOAD_FAILED', `${file}: reading the module object failed: ${describeThrown(error)}`, file);
    }
  }

  /** The module as compose.ts sees it: its name and a wrapper per hook that logs, clones and attributes. */
  private wrap(module: LoadedModule): HarnessModule {
    const wrapper: Record<string, unknown> = { name: module.info.name, why: module.info.why };
    for (const hook of module.info.hooks) {
      wrapper[hook] = (...args: unknown[]) => this.invoke(module, hook, args);
    }
    return wrapper as unknown as HarnessModule;
  }

  private invoke(module: LoadedModule, hook: HookName, args: unknown[]): unknown {
    const call = this.active;
    if (!call) throw new Error('no hook call is active');
    if (call.cursor < call.log.length) {
      const logged = call.log[call.cursor++] as LoggedAnswer;
      if (logged.kind === 'value') return logged.value;
      if (logged.kind === 'fault') throw logged.fault;
      throw PENDING;
    }
    const name = module.info.name;
    const record = (answer: LoggedAnswer): LoggedAnswer => {
      call.log.push(answer);
      call.cursor++;
      return answer;
    };
    const fail = (fault: Fault): never => {
      record({ kind: 'fault', fault });
      throw fault;
    };
    let out: unknown;
    call.module = name;
    this.running(module.index);
    try {
      out = (module.functions[hook] as (...args: unknown[]) => unknown).apply(module.object, args);
    } catch (error) {
      if (error instanceof Fault) fail(error);
      fail(new Fault('SANDBOX_THROW', `module "${name}" ${hook} threw: ${describeThrown(error)}`, name));
    } finally {
      call.module = undefined;
    }
    let then: unknown;
    try {
      then = isObjectLike(out) ? out.then : undefined;
    } catch (error) {
      fail(new Fault('SANDBOX_THROW', `module "${name}" ${hook} returned a value whose "then" threw: ${describeThrown(error)}`, name));
    }
    if (typeof then === 'function') {
      // The probe keeps naming this module: its continuations run in the microtask drain that follows.
      const pending: PendingAnswer = { module: name, index: module.index, settled: false, failed: false, value: undefined };
      try {
        NativePromise.resolve(out).then(
          (value) => {
            pending.settled = true;
            pending.value = value;
          },
          (error: unknown) => {
            pending.settled = true;
            pending.failed = true;
            pending.value = error;
          },
        );
      } catch (error) {
        fail(new Fault('SANDBOX_THROW', `module "${name}" ${hook} returned a promise that threw: ${describeThrown(error)}`, name));
      }
      record({ kind: 'pending', pending });
      throw PENDING;
    }
    // Getters and toJSON met while copying the answer are the module's code too.
    const cloned = this.clone(out, name, hook);
    if (cloned instanceof Fault) fail(cloned);
    record({ kind: 'value', value: cloned });
    return cloned;
  }

  private clone(value: unknown, module: string, hook: HookName): unknown {
    try {
      return cloneJson(value, { left: this.config.maxResultBytes }, 0);
    } catch (error) {
      if (error instanceof BudgetExceeded) {
        return new Fault('SANDBOX_RESULT_TOO_LARGE', `module "${module}" ${hook} returned more than ${this.config.maxResultBytes} bytes`, module);
      }
      if (error instanceof NotJson) return new Fault('SANDBOX_INVALID_RESULT', `module "${module}" ${hook} returned ${error.detail}, which is not JSON data`, module);
      return new Fault('SANDBOX_THROW', `module "${module}" ${hook} returned a value that threw while being read: ${describeThrown(error)}`, module);
    }
  }

  call(payload: string): string {
    if (!this.rng) throw new Error('the session has not started');
    const request = jsonParse(payload) as DispatchRequest;
    this.update(request);
    const call: ActiveCall = {
      hook: request.hook,
      input: request.input,
      view: undefined as unknown as View,
      peeks: 0,
      sticky: undefined,
      module: undefined,
      log: [],
      cursor: 0,
    };
    call.view = this.view(request.step, call);
    this.active = call;
    return this.run(call);
  }

  resume(): string {
    const call = this.active;
    const last = call?.log[call.log.length - 1];
    if (!call || last?.kind !== 'pending') throw new Error('no hook call is waiting on a promise');
    const pending = last.pending;
    this.running(pending.index);
    if (!pending.settled) {
      return this.finish(
        call,
        new Fault(
          'SANDBOX_UNSETTLED_PROMISE',
          `module "${pending.module}" ${call.hook} returned a promise that does not settle (hooks must answer synchronously)`,
          pending.module,
        ),
      );
    }
    if (pending.failed) {
      call.log[call.log.length - 1] = {
        kind: 'fault',
        fault: new Fault('SANDBOX_THROW', `module "${pending.module}" ${call.hook} rejected: ${describeThrown(pending.value)}`, pending.module),
      };
    } else {
      const cloned = this.clone(pending.value, pending.module, call.hook);
      call.log[call.log.length - 1] = cloned instanceof Fault ? { kind: 'fault', fault: cloned } : { kind: 'value', value: cloned };
    }
    call.cursor = 0;
    return this.run(call);
  }

  private update(request: DispatchRequest): void {
    const fixed = request.fixed as Record<string, unknown>;
    for (const key of objectKeys(fixed)) this.fixed[key] = deepFreeze(fixed[key]);
    if (request.base !== this.known.length || request.tail.length > 0) {
      this.known.length = Math.min(request.base, this.known.length);
      for (const step of request.tail) this.known.push(deepFreeze(step));
      this.trajectory = freeze(this.known.slice());
    }
  }

  private view(step: number, call: ActiveCall): View {
    const rng = this.rng as () => number;
    return freeze({
      apiVersion: this.fixed.apiVersion as typeof HARNESS_API_VERSION,
      environment: this.fixed.environment as string,
      instruction: this.fixed.instruction as string,
      tools: this.fixed.tools as View['tools'],
      rules: this.fixed.rules as string,
      step,
      maxSteps: this.fixed.maxSteps as number,
      trajectory: this.trajectory,
      peek: (tool: string, args: JsonObject): ToolResult => this.peek(call, tool, args),
      rng: () => rng(),
    });
  }

  private peek(call: ActiveCall, tool: unknown, args: unknown): ToolResult {
    if (this.active !== call) throw new Error('view.peek is only available during the hook call that received the view');
    const deny = (message: string): never => {
      call.sticky ??= new Fault('SANDBOX_BRIDGE_DENIED', message, call.module);
      throw new Error(`bridge denied: ${message}`);
    };
    if (typeof tool !== 'string' || tool.length > MAX_PEEK_TOOL) deny('view.peek(tool, arguments): the tool must be a tool name');
    if (!isObjectLike(args) || typeof args === 'function' || isArray(args)) deny('view.peek(tool, arguments): the arguments must be an object');
    let argumentsJson = '';
    try {
      argumentsJson = jsonStringify(cloneJson(args, { left: this.config.maxResultBytes }, 0));
    } catch {
      deny(`view.peek(${jsonStringify(tool)}): the arguments are not JSON data within ${this.config.maxResultBytes} bytes`);
    }
    if (call.peeks >= this.config.maxPeeksPerHook) deny(`more than ${this.config.maxPeeksPerHook} peeks in one hook call`);
    call.peeks++;
    const reply = jsonParse((this.host as PeekFunction)(tool as string, argumentsJson)) as PeekReply;
    if (!reply.ok) return deny(reply.message);
    return { ok: reply.result.ok, output: reply.result.output };
  }

  private run(call: ActiveCall): string {
    let value: unknown;
    try {
      value = this.fold(call);
    } catch (error) {
      if (error === PENDING) return '{"pending":true}';
      if (error instanceof Fault) return this.finish(call, error);
      if (error instanceof HookResultError) return this.finish(call, new Fault('SANDBOX_INVALID_RESULT', oneLine(error.message), error.module));
      return this.finish(call, new Fault('SANDBOX_THROW', `${call.hook} failed: ${describeThrown(error)}`, undefined));
    }
    return this.finish(call, value);
  }

  private fold(call: ActiveCall): unknown {
    const modules = this.wrapped;
    const view = call.view;
    switch (call.hook) {
      case 'prepare':
        return foldPrepare(modules, (call.input as HookInputs['prepare']).prompt, view);
      case 'realize': {
        const input = call.input as HookInputs['realize'];
        return foldRealize(modules, input.draft, view, input.allowResample);
      }
      case 'rank':
        return foldRank(modules, (call.input as HookInputs['rank']).candidates, view);
      case 'guard':
        return foldGuard(modules, (call.input as HookInputs['guard']).action, view);
      case 'interpret':
        return foldInterpret(modules, (call.input as HookInputs['interpret']).outcome, view);
      case 'regulate':
        return foldRegulate(modules, view);
      default:
        throw new Error(`unknown hook ${jsonStringify(call.hook)}`);
    }
  }

  /** End the call: a sticky fault wins; the answer is checked against the size limit before it leaves. */
  private finish(call: ActiveCall, outcome: unknown): string {
    this.active = undefined;
    const fault = call.sticky ?? (outcome instanceof Fault ? outcome : undefined);
    if (fault) return this.faultText(fault);
    const text = jsonStringify({ ok: true, value: outcome, peeks: call.peeks });
    if (exceedsBytes(text, this.config.maxResultBytes)) {
      const fired = (outcome as { fired?: unknown }).fired;
      const module = isArray(fired) && typeof fired[fired.length - 1] === 'string' ? (fired[fired.length - 1] as string) : undefined;
      return this.faultText(new Fault('SANDBOX_RESULT_TOO_LARGE', `the ${call.hook} result is over ${this.config.maxResultBytes} bytes`, module));
    }
    return text;
  }

  private faultText(fault: Fault): string {
    const envelope: FaultEnvelope = { ok: false, code: fault.code, message: oneLine(fault.message) };
    if (fault.module !== undefined) envelope.module = fault.module;
    return jsonStringify(envelope);
  }
}
