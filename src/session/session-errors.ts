import { AppError } from '../errors/index.js';

// The errors every SessionStore raises, worded once so that both implementations agree.

/** `not_found`: no such session, or it expired. */
export function sessionNotFound(id: string): AppError {
  return new AppError('not_found', `Session ${id} does not exist or has expired`);
}

/** `conflict`: `create` was given an id already in use. */
export function sessionExists(id: string): AppError {
  return new AppError('conflict', `Session ${id} already exists`);
}

/** `conflict`: the caller's `expectedVersion` is no longer the stored one. */
export function staleVersion(id: string, expected: number, actual: number): AppError {
  return new AppError(
    'conflict',
    `Session ${id} changed since it was read (version ${actual}, expected ${expected})`,
    { details: { expectedVersion: expected, version: actual } },
  );
}

/** `conflict` (retryable): the compare-and-set lost every one of its attempts. */
export function tooManyConflicts(id: string, attempts: number): AppError {
  return new AppError(
    'conflict',
    `Session ${id} kept changing while it was being updated (${attempts} attempts)`,
    { retryable: true },
  );
}

/** `conflict`: the lock with token `fence` was taken again by someone else since. */
export function lockLost(id: string, fence: number): AppError {
  return new AppError(
    'conflict',
    `the session lock was lost: session ${id} was locked again after lock ${fence} was taken, so this write could overwrite newer data`,
    { details: { fence } },
  );
}

/** `rejected` (retryable): the lock stayed held by someone else for all of `waitMs`. */
export function sessionBusy(id: string, waitMs: number): AppError {
  return new AppError(
    'rejected',
    `the session is busy: session ${id} stayed locked for ${waitMs} ms`,
    { retryable: true },
  );
}

/** `cancelled`: the caller's signal aborted. */
export function cancelled(what: string): AppError {
  return new AppError('cancelled', `${what} was cancelled`);
}

/** `invalid_input`: a caller gave a value no session can hold. */
export function invalidSession(message: string): AppError {
  return new AppError('invalid_input', message);
}
