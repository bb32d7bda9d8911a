/**
 * One model call's abort signal: it fires at our own deadline (the SDKs' timeouts do not all cover the
 * body) or when the caller aborts, and remembers which of the two it was.
 */
export interface Deadline {
  /** Pass this to the request. */
  readonly signal: AbortSignal;
  /** True when our deadline fired (not the caller). */
  timedOut(): boolean;
  /** Clear the timer and stop listening to the caller's signal. */
  dispose(): void;
}

export function startDeadline(timeoutMs: number, callerSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = (): void => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    },
  };
}
