/**
 * One error base for everything bridle throws on purpose. `code` is stable (tests and callers match on
 * it), `retryable` is decided where the error is made, never guessed where it is caught.
 */
export type BridleErrorCode =
  // user input and setup: the CLI prints the message as one line and exits non-zero
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_ENVIRONMENT'
  | 'INVALID_ENVIRONMENT'
  | 'UNKNOWN_BACKBONE'
  | 'UNKNOWN_RUN'
  | 'UNKNOWN_PIN'
  | 'UNKNOWN_COMMIT'
  | 'CONFIG_INVALID'
  | 'MISSING_API_KEY'
  | 'MISSING_DEPENDENCY'
  | 'MISSING_FILE'
  | 'NOT_A_REPOSITORY'
  | 'DIRTY_WORKTREE'
  | 'STALE_BASE'
  | 'HARNESS_TAMPERED'
  | 'HARNESS_INVALID'
  | 'NODE_TOO_OLD'
  | 'RUN_LOCKED'
  // model calls: recorded on the trajectory as a model fault
  | 'MODEL_FAULT'
  | 'MODEL_RATE_LIMITED'
  | 'MODEL_TIMEOUT'
  | 'MODEL_BAD_RESPONSE'
  | 'BUDGET_EXHAUSTED'
  // sandbox: recorded on the trajectory as a violation
  | 'SANDBOX_TIMEOUT'
  | 'SANDBOX_MEMORY'
  | 'SANDBOX_BRIDGE_DENIED'
  | 'SANDBOX_RESULT_TOO_LARGE'
  | 'SANDBOX_UNSETTLED_PROMISE'
  | 'SANDBOX_THROW'
  | 'SANDBOX_INVALID_RESULT'
  | 'SANDBOX_LOAD_FAILED'
  | 'SANDBOX_WORKER_CRASH'
  // the run store engineers read: refusals are answered to the engineer as tool results
  | 'STORE_SPLIT_REFUSED'
  | 'STORE_NOT_FOUND'
  | 'INTERNAL';

const MARKER = Symbol.for('bridle.error');

export class BridleError extends Error {
  readonly [MARKER] = true;
  readonly code: BridleErrorCode;
  readonly retryable: boolean;

  constructor(code: BridleErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BridleError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }

  /** True for any BridleError, even one made by another copy of this module. */
  static isInstance(error: unknown): error is BridleError {
    return typeof error === 'object' && error !== null && (error as { [MARKER]?: boolean })[MARKER] === true;
  }
}

/** Errors a user caused by what they typed or configured: printed as one line, never a stack trace. */
export const USER_ERROR_CODES: ReadonlySet<BridleErrorCode> = new Set<BridleErrorCode>([
  'INVALID_ARGUMENT',
  'UNKNOWN_ENVIRONMENT',
  'INVALID_ENVIRONMENT',
  'UNKNOWN_BACKBONE',
  'UNKNOWN_RUN',
  'UNKNOWN_PIN',
  'UNKNOWN_COMMIT',
  'CONFIG_INVALID',
  'MISSING_API_KEY',
  'MISSING_DEPENDENCY',
  'MISSING_FILE',
  'NOT_A_REPOSITORY',
  'DIRTY_WORKTREE',
  'STALE_BASE',
  'HARNESS_TAMPERED',
  'HARNESS_INVALID',
  'NODE_TOO_OLD',
  'RUN_LOCKED',
  'BUDGET_EXHAUSTED',
]);
