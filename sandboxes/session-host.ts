/**
 * The host half of a harness session, shared by both runners: it encodes each hook call (only what
 * changed since the previous call crosses), answers `view.peek` through the bridge with its own count
 * and cap, decodes the dispatcher's envelopes and re-checks every answer before the episode loop sees it.
 * What differs between runners — how an operation reaches the dispatcher and what limits apply — sits
 * behind `DispatchChannel`.
 */
import { BridleError } from '../src/errors.ts';
import { HOOK_NAMES, type Action, type HookName, type JsonObject, type StepView } from '../src/harness/api.ts';
import { FIXED_VIEW_FIELDS, oneLine, type CallEnvelope, type DispatchRequest, type LoadEnvelope, type PeekReply } from './dispatch.ts';
import type {
  HarnessSession,
  HookCallResult,
  HookInputs,
  HookOutputs,
  ModuleInfo,
  SandboxLimits,
  SandboxViolation,
  SandboxViolationCode,
  SessionBridge,
  ViewState,
} from './types.ts';

/** CPU spent by one hook call so far, for channels that enforce a per-call limit. */
export interface CallMeter {
  cpuNanoseconds: number;
}

/** The dispatcher's JSON answer, or the violation that stopped the operation in the channel itself. */
export type ChannelAnswer = { ok: true; text: string } | { ok: false; violation: SandboxViolation; fatal: boolean };

/** How a session's operations reach its dispatcher. */
export interface DispatchChannel {
  /** Run `call` or `resume` synchronously. */
  invoke(operation: 'call' | 'resume', payload: string, hook: HookName, meter: CallMeter): ChannelAnswer;
  /** Let pending microtasks run before a `resume` (a no-op where the call itself already drained them). */
  drain(): Promise<void>;
  /** Release the channel's resources. */
  close(): void;
}

/** Make a violation, keeping the message to one line. */
export function violation(code: SandboxViolationCode, hook: HookName | 'load', message: string, module?: string): SandboxViolation {
  const made: SandboxViolation = { code, hook, message: oneLine(message) };
  if (module !== undefined) made.module = module;
  return made;
}

interface PeekTrack {
  peeks: number;
  denied: SandboxViolation | undefined;
  hook: HookName;
}

/**
 * The host side of `view.peek`: checks what arrives (a tool name, JSON object arguments), counts and caps
 * peeks per hook call, and turns a bridge denial into a violation that decides the call.
 */
export class PeekHost {
  private track: PeekTrack | undefined;

  constructor(
    private readonly bridge: SessionBridge,
    private readonly limits: Pick<SandboxLimits, 'maxPeeksPerHook' | 'maxResultBytes'>,
  ) {}

  /** The function handed to the dispatcher (in the isolate: the one host callback). */
  readonly handler = (tool: unknown, argumentsJson: unknown): string => {
    const track = this.track;
    if (!track) return reply({ ok: false, message: 'view.peek is only available during a hook call' });
    if (typeof tool !== 'string' || tool.length === 0 || tool.length > 200) return this.deny(track, 'view.peek: the tool must be a tool name');
    if (typeof argumentsJson !== 'string' || argumentsJson.length > this.limits.maxResultBytes) {
      return this.deny(track, `view.peek(${JSON.stringify(tool)}): the arguments must be JSON text within the size limit`);
    }
    let args: unknown;
    try {
      args = JSON.parse(argumentsJson);
    } catch {
      return this.deny(track, `view.peek(${JSON.stringify(tool)}): the arguments are not JSON`);
    }
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      return this.deny(track, `view.peek(${JSON.stringify(tool)}): the arguments must be an object`);
    }
    if (track.peeks >= this.limits.maxPeeksPerHook) return this.deny(track, `more than ${this.limits.maxPeeksPerHook} peeks in one hook call`);
    track.peeks++;
    let result: unknown;
    try {
      result = this.bridge.peek(tool, args as JsonObject);
    } catch (error) {
      if (BridleError.isInstance(error) && error.code === 'SANDBOX_BRIDGE_DENIED') return this.deny(track, error.message);
      const message = error instanceof Error ? error.message : String(error);
      return this.deny(track, `view.peek(${JSON.stringify(tool)}) failed in the host: ${message}`);
    }
    const toolResult = result as { ok?: unknown; output?: unknown } | null;
    if (typeof toolResult !== 'object' || toolResult === null || typeof toolResult.ok !== 'boolean' || typeof toolResult.output !== 'string') {
      return this.deny(track, `view.peek(${JSON.stringify(tool)}): the host answered without a tool result`);
    }
    return reply({ ok: true, result: { ok: toolResult.ok, output: toolResult.output } });
  };

  begin(hook: HookName): PeekTrack {
    this.track = { peeks: 0, denied: undefined, hook };
    return this.track;
  }

  end(): void {
    this.track = undefined;
  }

  private deny(track: PeekTrack, message: string): string {
    track.denied ??= violation('SANDBOX_BRIDGE_DENIED', track.hook, message);
    return reply({ ok: false, message: oneLine(message) });
  }
}

function reply(answer: PeekReply): string {
  return JSON.stringify(answer);
}

/**
 * Encodes hook calls: the fixed view fields only when they change (compared by identity), and only the
 * trajectory steps the dispatcher does not have yet (steps are immutable once appended).
 */
export class ViewEncoder {
  private readonly sent: Partial<Record<(typeof FIXED_VIEW_FIELDS)[number], unknown>> = {};
  private sentSteps = 0;
  private lastStep: StepView | undefined;

  encode(hook: HookName, input: unknown, view: ViewState): string {
    const fixed: Record<string, unknown> = {};
    for (const key of FIXED_VIEW_FIELDS) {
      if (!(key in this.sent) || this.sent[key] !== view[key]) {
        fixed[key] = view[key];
        this.sent[key] = view[key];
      }
    }
    const trajectory = view.trajectory;
    let base = this.sentSteps;
    if (base > trajectory.length || (base > 0 && !sameStep(trajectory[base - 1], this.lastStep))) base = 0;
    this.sentSteps = trajectory.length;
    this.lastStep = trajectory[trajectory.length - 1];
    const request = {
      hook,
      input: input as DispatchRequest['input'],
      step: view.step,
      fixed,
      base,
      tail: base === trajectory.length ? [] : trajectory.slice(base),
    } satisfies DispatchRequest;
    return JSON.stringify(request);
  }
}

function sameStep(current: StepView | undefined, known: StepView | undefined): boolean {
  if (current === known) return true;
  return current !== undefined && known !== undefined && JSON.stringify(current) === JSON.stringify(known);
}

const DISPATCH_CODES: ReadonlySet<string> = new Set<SandboxViolationCode>([
  'SANDBOX_THROW',
  'SANDBOX_INVALID_RESULT',
  'SANDBOX_RESULT_TOO_LARGE',
  'SANDBOX_UNSETTLED_PROMISE',
  'SANDBOX_BRIDGE_DENIED',
  'SANDBOX_LOAD_FAILED',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseEnvelope(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A fault envelope as a violation, or undefined when the envelope is not a well-formed fault. */
function faultOf(envelope: Record<string, unknown>, hook: HookName | 'load'): SandboxViolation | undefined {
  if (envelope.ok !== false || typeof envelope.code !== 'string' || !DISPATCH_CODES.has(envelope.code)) return undefined;
  const message = typeof envelope.message === 'string' ? envelope.message : 'no message';
  const module = typeof envelope.module === 'string' ? oneLine(envelope.module, 200) : undefined;
  return violation(envelope.code as SandboxViolationCode, hook, message, module);
}

/** Read the answer to `open`: the module identities, or the violation that stopped the load. */
export function decodeLoad(text: string, files: readonly string[]): { ok: true; modules: ModuleInfo[] } | { ok: false; violation: SandboxViolation } {
  const envelope = parseEnvelope(text) as LoadEnvelope | undefined;
  if (envelope && envelope.ok === false) {
    return { ok: false, violation: faultOf(envelope as unknown as Record<string, unknown>, 'load') ?? violation('SANDBOX_LOAD_FAILED', 'load', 'the harness failed to load') };
  }
  const modules = envelope?.ok === true && Array.isArray(envelope.modules) ? envelope.modules : undefined;
  const valid =
    modules !== undefined &&
    modules.length === files.length &&
    modules.every(
      (module) =>
        isRecord(module) &&
        typeof module.name === 'string' &&
        typeof module.why === 'string' &&
        Array.isArray(module.hooks) &&
        module.hooks.every((hook) => (HOOK_NAMES as readonly unknown[]).includes(hook)),
    );
  if (!valid) return { ok: false, violation: violation('SANDBOX_LOAD_FAILED', 'load', 'the sandbox answered the load with malformed data') };
  return {
    ok: true,
    modules: modules.map((module, index) => ({
      file: files[index] as string,
      name: module.name,
      why: module.why,
      hooks: [...module.hooks],
    })),
  };
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isAction(value: unknown): value is Action {
  if (!isRecord(value)) return false;
  if (value.kind === 'finish') return isString(value.message);
  return value.kind === 'call' && isString(value.tool) && isRecord(value.arguments);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

/** The host's own check of a folded answer: the episode loop never sees a shape the API does not allow. */
export function isHookOutput(hook: HookName, input: unknown, output: unknown): boolean {
  if (!isRecord(output) || !Array.isArray(output.fired) || !output.fired.every(isString)) return false;
  const value = output.value;
  switch (hook) {
    case 'prepare':
      return isRecord(value) && isString(value.system) && isString(value.observation);
    case 'realize':
      if (!isRecord(value)) return false;
      if (value.kind === 'action') return isAction(value.action);
      if (value.kind === 'reject') return isString(value.feedback);
      return value.kind === 'resample' && isCount(value.count);
    case 'rank': {
      const candidates = (input as HookInputs['rank']).candidates;
      return typeof value === 'number' && (candidates.length === 0 ? value === 0 : candidates.some((candidate) => candidate.index === value));
    }
    case 'guard':
      return value === null || isString(value);
    case 'interpret':
      return isString(value);
    case 'regulate':
      if (value === null) return true;
      if (!isRecord(value)) return false;
      if ('stop' in value) return isString(value.stop);
      if ('inject' in value) return isString(value.inject);
      return 'resample' in value && isCount(value.resample);
  }
}

/** A host-side bridge denial, attributed to the module the dispatcher saw peeking. */
function withModuleOf(denied: SandboxViolation, envelope: Record<string, unknown> | undefined): SandboxViolation {
  const module = envelope?.ok === false && envelope.code === 'SANDBOX_BRIDGE_DENIED' && isString(envelope.module) ? envelope.module : undefined;
  return module === undefined || denied.module !== undefined ? { ...denied } : { ...denied, module: oneLine(module, 200) };
}

/** A harness session over a dispatch channel: the `HarnessSession` both runners return. */
export class HostSession implements HarnessSession {
  readonly hooks: ReadonlySet<HookName>;
  private readonly encoder = new ViewEncoder();
  private fatal: SandboxViolation | undefined;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly modules: readonly ModuleInfo[],
    private readonly channel: DispatchChannel,
    private readonly peekHost: PeekHost,
    private readonly onClose: () => void = () => {},
  ) {
    this.hooks = new Set(modules.flatMap((module) => module.hooks));
  }

  /** Record a violation that ends the session: every later call answers with it. */
  markFatal(stopped: SandboxViolation): void {
    this.fatal ??= stopped;
  }

  /** True when a limit stopped the session (a timeout, a memory death): its sandbox is not reused. */
  get stopped(): boolean {
    return this.fatal !== undefined;
  }

  call<K extends HookName>(hook: K, input: HookInputs[K], view: ViewState): Promise<HookCallResult<HookOutputs[K]>> {
    // One call at a time per session: a call waiting on a microtask drain must not interleave with the next.
    const result = this.queue.then(() => this.run(hook, input, view));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async run<K extends HookName>(hook: K, input: HookInputs[K], view: ViewState): Promise<HookCallResult<HookOutputs[K]>> {
    if (this.closed) throw new BridleError('INTERNAL', `harness session is closed: cannot call ${hook}`);
    if (this.fatal) return { ok: false, violation: { ...this.fatal } };
    const payload = this.encoder.encode(hook, input, view);
    const track = this.peekHost.begin(hook);
    const meter: CallMeter = { cpuNanoseconds: 0 };
    try {
      let answer = this.channel.invoke('call', payload, hook, meter);
      // Each resume settles at least one module's promise, so more rounds than modules means a subverted dispatcher.
      for (let round = 0; ; round++) {
        if (!answer.ok) {
          if (answer.fatal) this.markFatal(answer.violation);
          return { ok: false, violation: track.denied ?? answer.violation };
        }
        const envelope = parseEnvelope(answer.text) as (CallEnvelope & Record<string, unknown>) | undefined;
        if (envelope && 'pending' in envelope && envelope.pending === true) {
          if (round > this.modules.length) {
            return { ok: false, violation: violation('SANDBOX_UNSETTLED_PROMISE', hook, `${hook} kept waiting on promises`) };
          }
          await this.channel.drain();
          answer = this.channel.invoke('resume', '', hook, meter);
          continue;
        }
        if (track.denied) return { ok: false, violation: withModuleOf(track.denied, envelope) };
        if (!envelope) return { ok: false, violation: violation('SANDBOX_INVALID_RESULT', hook, `the sandbox answered ${hook} with malformed data`) };
        if (envelope.ok !== true) {
          return { ok: false, violation: faultOf(envelope, hook) ?? violation('SANDBOX_INVALID_RESULT', hook, `the sandbox answered ${hook} with a malformed fault`) };
        }
        if (!isHookOutput(hook, input, envelope.value)) {
          const fired = (envelope.value as { fired?: unknown } | null)?.fired;
          const module = Array.isArray(fired) && isString(fired[fired.length - 1]) ? (fired[fired.length - 1] as string) : undefined;
          return { ok: false, violation: violation('SANDBOX_INVALID_RESULT', hook, `the ${hook} result does not have the shape the API allows`, module) };
        }
        return { ok: true, value: envelope.value as HookOutputs[K], peeks: track.peeks };
      }
    } finally {
      this.peekHost.end();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    try {
      this.channel.close();
    } finally {
      this.onClose();
    }
  }
}
