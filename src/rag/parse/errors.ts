import { AppError } from '../../errors/index.js';

/**
 * An `invalid_input` error about the file `fileName`. The file name goes into `details` rather
 * than the message because the ingestion pipeline prefixes messages with the path it walked.
 */
export function invalidInput(message: string, fileName: string, cause?: unknown): AppError {
  return new AppError('invalid_input', message, { details: { fileName }, cause });
}

/**
 * Throws when `signal` has aborted: `timeout` when it was an `AbortSignal.timeout`, else
 * `cancelled`, so a caller can tell "took too long" from "was stopped".
 */
export function throwIfAborted(signal: AbortSignal | undefined, fileName: string): void {
  if (signal?.aborted) throw abortError(signal, fileName);
}

/** The `AppError` that reports the abort of `signal` while parsing `fileName`. */
export function abortError(signal: AbortSignal, fileName: string): AppError {
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return new AppError(
    timedOut ? 'timeout' : 'cancelled',
    timedOut ? 'parsing the file took too long' : 'parsing the file was cancelled',
    { details: { fileName }, cause: reason },
  );
}
