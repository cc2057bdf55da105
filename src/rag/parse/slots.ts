import { abortError, throwIfAborted } from './errors.js';

/** A number of places, taken and given back: see {@link createSlots}. */
export interface Slots {
  /** Waits for a free place (or for `signal`); resolves with the function that gives it back. */
  acquire(fileName: string, signal?: AbortSignal): Promise<() => void>;
}

/**
 * `size` places, handed out in the order asked for. A caller whose `signal` aborts while it
 * waits leaves the queue with the abort's `AppError` (about `fileName`).
 */
export function createSlots(size: number): Slots {
  let free = size;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    async acquire(fileName, signal) {
      throwIfAborted(signal, fileName);
      if (free > 0) {
        free--;
        return once(release);
      }
      await new Promise<void>((resolve, reject) => {
        const grant = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = (): void => {
          waiting.splice(waiting.indexOf(grant), 1);
          reject(abortError(signal as AbortSignal, fileName));
        };
        waiting.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      return once(release);
    },
  };
}

function once(action: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    action();
  };
}
