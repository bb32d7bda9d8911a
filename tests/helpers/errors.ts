/** Asserting on a thrown BridleError: its code and its message. */
import { expect } from 'vitest';
import { BridleError, type BridleErrorCode } from '../../src/errors.ts';

/** Run `action` and expect it to throw a BridleError with `code` and a message matching `message`. */
export function expectBridleError(action: () => unknown, code: BridleErrorCode, message: RegExp): BridleError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(BridleError.isInstance(thrown), `expected a BridleError, got ${String(thrown)}`).toBe(true);
  const error = thrown as BridleError;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  return error;
}
