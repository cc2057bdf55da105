import { AppError } from './errors/index.js';

/**
 * How long one part of the app gets to close. A pool whose server stopped answering (a network
 * that drops its packets) would wait for its goodbye forever: the process stops without it.
 */
export const CLOSE_PART_MS = 5_000;

/** A part that did not close, and why, in words for the log. */
export interface CloseFailure {
  part: string;
  reason: string;
}

/**
 * Closes each part in turn, each within `limitMs`, whatever the others do: one that throws,
 * rejects or hangs neither keeps the next open nor holds the caller. Returns those that did not
 * close, in order.
 *
 * @example
 * const failed = await closeEach([['database', () => pool.end()]]);
 * if (failed.length > 0) logger.error({ failed }, describeCloseFailures(failed));
 */
export async function closeEach(
  parts: ReadonlyArray<readonly [part: string, close: () => unknown]>,
  limitMs = CLOSE_PART_MS,
): Promise<CloseFailure[]> {
  const failed: CloseFailure[] = [];
  for (const [part, close] of parts) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`it did not close within ${limitMs / 1000} s`)),
        limitMs,
      );
      timer.unref();
    });
    try {
      // Called inside the race: a part that throws at once fails alone, as one that rejects.
      await Promise.race([Promise.resolve().then(close), late]);
    } catch (error) {
      failed.push({ part, reason: error instanceof Error ? error.message : String(error) });
    } finally {
      clearTimeout(timer);
    }
  }
  return failed;
}

/** One sentence for the log that names every part that did not close, and why. */
export function describeCloseFailures(failed: readonly CloseFailure[]): string {
  const parts = failed.map(({ part, reason }) => `the ${part} (${reason})`).join('; ');
  return `could not close ${parts}; stopping without ${failed.length === 1 ? 'it' : 'them'}`;
}

/** The error of a close that left parts open: already logged, for the caller's exit code. */
export function closeFailed(failed: readonly CloseFailure[]): AppError {
  return new AppError('internal', describeCloseFailures(failed), { details: { failed } });
}
