import { AsyncLocalStorage } from 'node:async_hooks';

/** The ids that every log line and span inside a request or a turn carries. */
export interface Correlation {
  requestId?: string;
  sessionId?: string;
  turnId?: string;
}

/**
 * Carries the {@link Correlation} of the current request or turn through every `await`, so that
 * nobody passes ids by hand. One instance per app (built by `createApp`).
 *
 * @example
 * const correlation = new CorrelationContext();
 * await correlation.run({ requestId: 'r1', sessionId: 's1' }, () => handle(message));
 */
export class CorrelationContext {
  readonly #storage = new AsyncLocalStorage<Correlation>();

  /**
   * Runs `fn` with `ids` added to the current correlation (inner values win). Whatever `fn`
   * throws or rejects with reaches the caller unchanged.
   */
  run<T>(ids: Correlation, fn: () => T): T {
    const outer = this.#storage.getStore();
    // Not `{ ...outer, ...ids }`: on Node 20 a spread that adds keys the first did not have makes
    // a new hidden class on every call (about a microsecond); `Object.assign` does not.
    return this.#storage.run(outer ? Object.assign({}, outer, ids) : { ...ids }, fn);
  }

  /**
   * Runs `fn` outside any correlation: for what happens on behalf of the process, not of the
   * request it happens to run under. A timer or socket callback runs in the context where it was
   * made, so work that a request merely set off (a batch of spans exported by a timer started
   * when that request's span ended) would otherwise log under that request's ids.
   */
  outside<T>(fn: () => T): T {
    return this.#storage.exit(fn);
  }

  /** The correlation of the current async context, if any. */
  get(): Correlation | undefined {
    return this.#storage.getStore();
  }
}
