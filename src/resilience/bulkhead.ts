/** Settings of a concurrency cap. */
export interface ConcurrencyPolicy {
  /** Calls that may run at once. */
  limit: number;
  /** Calls that may wait for a slot; more are rejected. */
  queue: number;
}

interface Waiter {
  resolve: (entered: boolean) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A concurrency cap with a bounded FIFO queue. `tryEnter` is the synchronous fast path; when
 * it fails, `wait` queues the caller (or says no when the queue is full). A freed slot goes
 * straight to the first waiter, so a slot is never lost between `leave` and `enter`.
 */
export class Bulkhead {
  #active = 0;
  readonly #waiters: Waiter[] = [];

  constructor(readonly policy: ConcurrencyPolicy) {}

  /** Calls running now. */
  get active(): number {
    return this.#active;
  }

  /** Calls waiting now. */
  get queued(): number {
    return this.#waiters.length;
  }

  /** Takes a slot if one is free. */
  tryEnter(): boolean {
    if (this.#active >= this.policy.limit) return false;
    this.#active++;
    return true;
  }

  /**
   * Waits for a slot. Resolves `true` with the slot taken, `false` when `signal` aborts first,
   * and `null` at once when the queue is full.
   */
  wait(signal?: AbortSignal): Promise<boolean> | null {
    if (this.#waiters.length >= this.policy.queue) return null;
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        resolve,
        signal,
        onAbort: () => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          resolve(false);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Gives a slot back: to the first waiter if there is one. */
  leave(): void {
    const next = this.#waiters.shift();
    if (next) {
      next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve(true);
    } else {
      this.#active--;
    }
  }
}
