/**
 * An abort controller that also follows another signal: it aborts, with that signal's reason,
 * when the other does, and it can be aborted on its own. What `AbortSignal.any([source, own])`
 * gives, without what `any` costs on Node 20: there, each call leaves a weak reference in a set
 * on every source signal that is never emptied while the source lives, so a long-lived source
 * (the shutdown signal every turn follows) grows by one entry per call for good. Here the link is
 * one listener on the source, taken off by {@link LinkedAbort.unlink} once the work is done.
 *
 * @example
 * const link = new LinkedAbort(request.signal);
 * try {
 *   await work({ signal: link.signal });
 * } finally {
 *   link.unlink();
 * }
 */
export class LinkedAbort {
  readonly #controller = new AbortController();
  readonly #source: AbortSignal;

  constructor(source: AbortSignal) {
    this.#source = source;
    if (source.aborted) this.#controller.abort(source.reason);
    // The link itself is the listener (see `handleEvent`): no closure per link.
    else source.addEventListener('abort', this);
  }

  /** Aborted when the source aborts or {@link LinkedAbort.abort} is called, whichever is first. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Aborts the signal (a no-op once it is aborted). */
  abort(reason?: unknown): void {
    this.#controller.abort(reason);
  }

  /** Stops following the source: its later abort no longer reaches this signal. */
  unlink(): void {
    this.#source.removeEventListener('abort', this);
  }

  /** The source aborted: the event listener interface, not to be called otherwise. */
  handleEvent(): void {
    this.#controller.abort(this.#source.reason);
  }
}
