/** An open stream to a client: SSE or WebSocket. */
export interface OpenStream {
  /** Sends a last event and closes the stream. */
  finish(event: { type: string } & Record<string, unknown>): void;
}

/**
 * The streams open on this server, so that shutdown can end each with a final event instead of
 * cutting it off.
 */
export class StreamRegistry {
  readonly #open = new Set<OpenStream>();

  get size(): number {
    return this.#open.size;
  }

  /** Registers a stream; call the returned function when it ends. */
  add(stream: OpenStream): () => void {
    this.#open.add(stream);
    return () => this.#open.delete(stream);
  }

  /** Ends every open stream with `event`. */
  finishAll(event: { type: string } & Record<string, unknown>): void {
    for (const stream of [...this.#open]) {
      this.#open.delete(stream);
      try {
        stream.finish(event);
      } catch {
        // A stream whose socket is already gone has nothing left to tell.
      }
    }
  }
}
