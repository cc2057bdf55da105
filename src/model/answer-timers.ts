import { AppError } from '../errors/index.js';

/** The two limits on a chat model's silence, in ms. */
export interface SilenceLimits {
  /** From the request until the answer begins. */
  firstTokenMs: number;
  /** Once it has begun, between two pieces of it. */
  idleMs: number;
}

/**
 * Times one answer of a chat model, and aborts `stall` with a `timeout` error when the server
 * keeps silent too long: first until the answer begins ({@link AnswerTimers.begun}), then
 * while each read waits ({@link AnswerTimers.during}). Reads only are timed after the start: a
 * consumer slow to take a delta is not a server that stalled.
 */
export interface AnswerTimers {
  /** `read`, under the idle limit once the answer has begun (under the first one before). */
  during<T>(read: Promise<T>): Promise<T>;
  /** The answer has begun: its first limit no longer runs. */
  begun(): void;
  /** Clears every timer: the answer ended, well or not. */
  stop(): void;
}

/**
 * Starts the first limit now (call it as the request is sent).
 *
 * A server that does not begin in time is not asked again (the error is not retryable): it is
 * loading, queued or hung, and a second attempt would hold the customer as long again, who is
 * better served by the help center's answer now. Its breaker still counts the failure. A server
 * that began and then went silent may be asked again, before the customer has seen any of it.
 */
export function startAnswerTimers(
  stall: AbortController,
  limits: SilenceLimits,
  where: string,
): AnswerTimers {
  let started = false;
  const first = setTimeout(
    () => stall.abort(notBegun(where, limits.firstTokenMs)),
    limits.firstTokenMs,
  );
  return {
    async during(read) {
      if (!started) return read;
      const timer = setTimeout(() => stall.abort(stalled(where, limits.idleMs)), limits.idleMs);
      try {
        return await read;
      } finally {
        clearTimeout(timer);
      }
    },
    begun() {
      started = true;
      clearTimeout(first);
    },
    stop() {
      clearTimeout(first);
    },
  };
}

function notBegun(where: string, ms: number): AppError {
  return new AppError(
    'timeout',
    `The chat model at ${where} had not begun its answer ${ms} ms after it was asked`,
    { retryable: false },
  );
}

function stalled(where: string, ms: number): AppError {
  return new AppError(
    'timeout',
    `The chat model at ${where} sent nothing for ${ms} ms in the middle of its answer`,
    { retryable: true },
  );
}
