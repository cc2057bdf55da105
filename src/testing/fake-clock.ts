import type { Clock, TimerHandle } from '../resilience/index.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets every pending promise callback run, including chains started by them. */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock whose time moves only when a test says so. Timers fire in order of due time as
 * {@link FakeClock.advance} passes them, with promise callbacks flushed between timers, so code
 * that awaits between timers behaves as it would in real time — without any real waiting.
 *
 * @example
 * const clock = new FakeClock();
 * const pending = tools.call('flaky', {});
 * await clock.advance(1_000); // the first backoff passes
 */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: Timer[] = [];
  /** The delay of every timer ever set, in order: the schedule a test can check. */
  readonly requestedDelays: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), fn };
    this.requestedDelays.push(ms);
    this.#timers.push(timer);
    this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
    return timer.id;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Milliseconds until the next timer fires, or `undefined` when none is set. */
  nextTimerIn(): number | undefined {
    const next = this.#timers[0];
    return next === undefined ? undefined : next.at - this.#now;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushPromises();
    for (;;) {
      const next = this.#timers[0];
      if (next === undefined || next.at > target) break;
      this.#timers.shift();
      this.#now = next.at;
      next.fn();
      await flushPromises();
    }
    this.#now = target;
    await flushPromises();
  }

  /**
   * Fires timers one after another until `promise` settles, and returns its value. Throws when
   * the promise is still pending with no timer left, which would be a hang in real time.
   */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    const observed = promise.finally(() => {
      settled = true;
    });
    await flushPromises();
    while (!settled) {
      const wait = this.nextTimerIn();
      if (wait === undefined) {
        await flushPromises();
        if (settled) break;
        throw new Error('FakeClock.run: the promise is pending and no timer is left to fire');
      }
      await this.advance(wait);
    }
    return observed;
  }
}
