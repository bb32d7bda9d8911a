/**
 * The trusted in-process runner: the same sessions as the isolate runner, run in the host's own realm.
 * For tests and for measuring the isolate's overhead, never for untrusted code: there are no CPU or
 * memory limits and module code sees the host's globals (it is still loaded fresh per session, so
 * module-level state does not carry over between episodes).
 *
 * Everything else is shared with the isolate runner — the dispatcher (sandboxes/dispatch.ts), the
 * JSON boundary, the seeded `rng`, the fold, peek counting and the cap, the error envelopes — so a
 * well-behaved harness gets identical answers from both for the same inputs and seed.
 */
import { BridleError } from '../src/errors.ts';
import { createDispatchEntry, describeThrown, type DispatchConfig, type ModuleFactory } from './dispatch.ts';
import { HostSession, PeekHost, decodeLoad, violation, type ChannelAnswer, type DispatchChannel } from './session-host.ts';
import {
  DEFAULT_SANDBOX_LIMITS,
  type CompiledHarness,
  type HarnessRunner,
  type OpenResult,
  type SandboxLimits,
  type SandboxViolation,
  type SessionBridge,
} from './types.ts';

type Factories = { ok: true; factories: ModuleFactory[] } | { ok: false; violation: SandboxViolation };

const MAX_CACHED_HARNESSES = 32;

/** Create the trusted in-process runner. Only the peek cap and the result size limit apply. */
export function createInProcessRunner(limits: Partial<Pick<SandboxLimits, 'maxPeeksPerHook' | 'maxResultBytes'>> = {}): HarnessRunner {
  const applied = {
    maxPeeksPerHook: limits.maxPeeksPerHook ?? DEFAULT_SANDBOX_LIMITS.maxPeeksPerHook,
    maxResultBytes: limits.maxResultBytes ?? DEFAULT_SANDBOX_LIMITS.maxResultBytes,
  };
  const cache = new Map<string, Factories>();
  let disposed = false;

  function factoriesOf(harness: CompiledHarness): Factories {
    const known = cache.get(harness.contentHash);
    if (known) return known;
    let made: Factories;
    try {
      made = {
        ok: true,
        factories: harness.modules.map((module) => {
          try {
            // Trusted code by definition of this runner: compiled in the host realm.
            return new Function('exports', 'require', 'module', `${module.javascript}\n//# sourceURL=harness/${module.file}`) as ModuleFactory;
          } catch (error) {
            throw violation('SANDBOX_LOAD_FAILED', 'load', `${module.file} does not compile: ${describeThrown(error)}`, module.file);
          }
        }),
      };
    } catch (error) {
      made = { ok: false, violation: error as SandboxViolation };
    }
    cache.set(harness.contentHash, made);
    if (cache.size > MAX_CACHED_HARNESSES) cache.delete(cache.keys().next().value as string);
    return made;
  }

  return {
    kind: 'in-process',
    async open(harness: CompiledHarness, bridge: SessionBridge): Promise<OpenResult> {
      if (disposed) throw new BridleError('INTERNAL', 'the in-process runner is disposed');
      const compiled = factoriesOf(harness);
      if (!compiled.ok) return { ok: false, violation: { ...compiled.violation } };
      const peekHost = new PeekHost(bridge, applied);
      const files = harness.modules.map((module) => module.file);
      const config: DispatchConfig = { ...applied, files };
      const entry = createDispatchEntry();
      let text: string;
      try {
        text = entry('load', JSON.stringify(config), undefined, ...compiled.factories);
        if (decodeLoad(text, files).ok) entry('start', JSON.stringify({ seed: bridge.seed }), peekHost.handler);
      } catch (error) {
        return { ok: false, violation: violation('SANDBOX_LOAD_FAILED', 'load', describeThrown(error)) };
      }
      const decoded = decodeLoad(text, files);
      if (!decoded.ok) return decoded;
      const channel: DispatchChannel = {
        invoke(operation, payload, hook): ChannelAnswer {
          try {
            return { ok: true, text: entry(operation, payload) };
          } catch (error) {
            return { ok: false, fatal: false, violation: violation('SANDBOX_THROW', hook, describeThrown(error)) };
          }
        },
        // Let the module's promise continuations run, as the isolate does before applySync returns.
        drain: () => new Promise<void>((resolve) => setImmediate(resolve)),
        close() {},
      };
      return { ok: true, session: new HostSession(decoded.modules, channel, peekHost) };
    },
    async dispose(): Promise<void> {
      disposed = true;
      cache.clear();
    },
  };
}
