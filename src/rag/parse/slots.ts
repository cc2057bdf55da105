import { abortError, throwIfAborted } from './errors.js';

/** A number of places, taken and given back: see {@link createSlots}. */
export interface Slots {
  /**
   * Waits for `count` free places (or for `signal`); resolves with the function that gives them
   * back. `count` is 1 by default; asking for all of them waits until nothing else runs.
   */
  acquire(fileName: string, signal?: AbortSignal, count?: number): Promise<() => void>;
}

/**
 * `size` places, handed out in the order asked for: a caller waiting for several places keeps
 * those who asked after it waiting, so that it is not passed over for ever. A caller whose
 * `signal` aborts while it waits leaves the queue with the abort's `AppError` (about `fileName`).
 */
export function createSlots(size: number): Slots {
  let free = size;
  const waiting: Array<{ count: number; grant: () => void }> = [];
  const grantWaiting = (): void => {
    for (let next = waiting[0]; next && next.count <= free; next = waiting[0]) {
      waiting.shift();
      free -= next.count;
      next.grant();
    }
  };
  return {
    async acquire(fileName, signal, count = 1) {
      throwIfAborted(signal, fileName);
      const wanted = Math.min(count, size);
      const release = once(() => {
        free += wanted;
        grantWaiting();
      });
      if (waiting.length === 0 && free >= wanted) {
        free -= wanted;
        return release;
      }
      await new Promise<void>((resolve, reject) => {
        const entry = {
          count: wanted,
          grant: (): void => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = (): void => {
          waiting.splice(waiting.indexOf(entry), 1);
          // Those behind it may fit now.
          grantWaiting();
          reject(abortError(signal as AbortSignal, fileName));
        };
        waiting.push(entry);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      return release;
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
