/**
 * The contract between the episode loop and the places harness code runs: the isolated-vm runner
 * (production and the meta-loop) and the trusted in-process runner (tests, overhead measurement).
 * Both take the same compiled harness and must give identical answers for the same inputs and seed.
 */
import type {
  Action,
  Candidate,
  Draft,
  HookName,
  Outcome,
  Prompt,
  ToolResult,
  View,
  JsonObject,
} from '../src/harness/api.ts';
import type { Folded, RealizeFold, RegulateFold } from '../src/harness/compose.ts';

/** One module of a harness, compiled to CommonJS JavaScript. */
export interface CompiledModule {
  /** File name within the harness folder, e.g. "tolerant-parse.ts". */
  file: string;
  /** The TypeScript source (kept for hashing, reports and diagnostics). */
  source: string;
  /** The compiled CommonJS JavaScript. */
  javascript: string;
}

/** A harness ready to load: its modules in order. The empty list is the baseline. */
export interface CompiledHarness {
  /** sha256 over the module files and their order: the harness's content hash. */
  contentHash: string;
  modules: CompiledModule[];
}

/** Why harness code was stopped. Recorded on the trajectory; the host goes on. */
export type SandboxViolationCode =
  | 'SANDBOX_TIMEOUT'
  | 'SANDBOX_MEMORY'
  | 'SANDBOX_BRIDGE_DENIED'
  | 'SANDBOX_RESULT_TOO_LARGE'
  | 'SANDBOX_UNSETTLED_PROMISE'
  | 'SANDBOX_THROW'
  | 'SANDBOX_INVALID_RESULT'
  | 'SANDBOX_LOAD_FAILED'
  | 'SANDBOX_WORKER_CRASH';

export interface SandboxViolation {
  code: SandboxViolationCode;
  /**
   * The hook being called, "load" while the modules were being loaded, or "episode" when an episode's
   * worker died or ran out its deadline outside any hook call we saw.
   */
  hook: HookName | 'load' | 'episode';
  /** The module at fault, when known. */
  module?: string;
  /** One line, no host stack trace. */
  message: string;
}

/** Limits applied to harness code. */
export interface SandboxLimits {
  /** Isolate heap limit in MiB (default 64). */
  memoryMiB: number;
  /** CPU time allowed per hook call, in ms (default 50). */
  hookTimeoutMs: number;
  /** CPU time allowed for the whole episode, in ms (default 2000). */
  episodeCpuMs: number;
  /** Largest hook result, in bytes of JSON (default 1 MiB). */
  maxResultBytes: number;
  /** Largest total module source, in bytes (default 512 KiB). */
  maxSourceBytes: number;
  /** Peek calls allowed per hook call (default 16). */
  maxPeeksPerHook: number;
  /**
   * Wall-clock time one call into the sandbox may take before the worker's watchdog kills the worker
   * (default 1000 ms). The backstop for builtins that ignore the CPU timeout; far above any legal hook.
   */
  hookDeadlineMs: number;
  /**
   * Wall-clock time an episode may spend outside model calls before the pool kills its worker; default
   * derived from the CPU budget and the step budget (see `episodeDeadlineMs()` in worker-pool terms).
   */
  episodeDeadlineMs?: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  memoryMiB: 64,
  hookTimeoutMs: 50,
  episodeCpuMs: 2000,
  maxResultBytes: 1024 * 1024,
  maxSourceBytes: 512 * 1024,
  maxPeeksPerHook: 16,
  hookDeadlineMs: 1000,
};

/** The JSON part of a View: what crosses the boundary. `peek` and `rng` are rebuilt on the far side. */
export type ViewState = Omit<View, 'peek' | 'rng'>;

/** The input of each hook call (the view goes beside it). */
export interface HookInputs {
  prepare: { prompt: Prompt };
  realize: { draft: Draft; allowResample: boolean };
  rank: { candidates: Candidate[] };
  guard: { action: Action };
  interpret: { outcome: Outcome };
  regulate: Record<string, never>;
}

/** The folded answer of each hook over all modules. */
export interface HookOutputs {
  prepare: Folded<Prompt>;
  realize: Folded<RealizeFold>;
  rank: Folded<number>;
  guard: Folded<string | null>;
  interpret: Folded<string>;
  regulate: Folded<RegulateFold>;
}

/** The outcome of one hook call: the folded value, or the violation that stopped it. */
export type HookCallResult<T> =
  | { ok: true; value: T; peeks: number }
  | { ok: false; violation: SandboxViolation };

/** What the host offers harness code during one episode. */
export interface SessionBridge {
  /** Seed of the episode: `view.rng` is seeded from it. */
  seed: number;
  /** A number naming the session in the hook probe (a worker uses its job id); default 0. */
  tag?: number;
  /**
   * Told, synchronously, where the session's code is about to run: each call's hook, then each module
   * as its code starts. For a job under suspicion of crashing its worker (a worker writes these to its
   * report pipe); it costs a call out of the isolate per module, so sessions are not traced otherwise.
   */
  trace?: (where: { hook: HookName | 'load'; module?: string }) => void;
  /**
   * Answer a read-only tool call (the environment session's `peek`). Throws a BridleError with code
   * `SANDBOX_BRIDGE_DENIED` for a tool that is not read-only; the runner turns that into a violation.
   */
  peek(tool: string, args: JsonObject): ToolResult;
}

/** A module's identity, read when the harness is loaded. */
export interface ModuleInfo {
  file: string;
  name: string;
  why: string;
  hooks: HookName[];
}

/** One episode's harness: a fresh context, closed at the end of the episode. */
export interface HarnessSession {
  /** The loaded modules, in order. */
  readonly modules: readonly ModuleInfo[];
  /** The hooks at least one module defines: the loop skips calls to the others. */
  readonly hooks: ReadonlySet<HookName>;
  call<K extends HookName>(hook: K, input: HookInputs[K], view: ViewState): Promise<HookCallResult<HookOutputs[K]>>;
  close(): Promise<void>;
}

/** The result of opening a session: the session, or why the harness could not be loaded. */
export type OpenResult = { ok: true; session: HarnessSession } | { ok: false; violation: SandboxViolation };

/** A place to run harness code. */
export interface HarnessRunner {
  readonly kind: 'isolate' | 'in-process';
  /** Load the harness into a fresh context for one episode. */
  open(harness: CompiledHarness, bridge: SessionBridge): Promise<OpenResult>;
  /** Release everything (isolates, compiled scripts). */
  dispose(): Promise<void>;
}
