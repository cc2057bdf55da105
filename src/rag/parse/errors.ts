import { AppError } from '../../errors/index.js';

/**
 * What is wrong with a file that cannot be read, as a customer who attached it is told (the
 * message is for the people who run the service): a kind of file that is not read at all, a
 * picture (no text is read from images), a file with no text (a scan), one locked by a password,
 * or one that is damaged or not what it claims.
 */
export type FileProblem = 'unsupported' | 'image' | 'empty' | 'protected' | 'damaged';

/**
 * An `invalid_input` error about the file `fileName`. The file name goes into `details` rather
 * than the message because the ingestion pipeline prefixes messages with the path it walked;
 * `details.problem` is its {@link FileProblem}.
 */
export function invalidInput(
  message: string,
  fileName: string,
  cause?: unknown,
  problem: FileProblem = 'damaged',
): AppError {
  return new AppError('invalid_input', message, { details: { fileName, problem }, cause });
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
