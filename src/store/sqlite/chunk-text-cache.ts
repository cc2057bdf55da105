/**
 * The texts of recently found chunks, at most `capacity` characters of them, the least recently
 * used forgotten first. A chunk's text never changes (a changed document gets new chunks with
 * new ids, and ids are never reused), so nothing here can go stale: a removed chunk's text only
 * waits to be forgotten, and no search can ask for it. An erased one is let go of at once
 * ({@link ChunkTextCache.forget}).
 */
export class ChunkTextCache {
  readonly #texts = new Map<number, string>();
  readonly #capacity: number;
  #chars = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The text of chunk `id`, read with `read` when it is not here. */
  get(id: number, read: (id: number) => string | undefined): string | undefined {
    const cached = this.#texts.get(id);
    if (cached !== undefined) {
      // A Map iterates in insertion order: inserting again makes the text the most recent.
      this.#texts.delete(id);
      this.#texts.set(id, cached);
      return cached;
    }
    const text = read(id);
    if (text === undefined || text.length > this.#capacity) return text;
    this.#texts.set(id, text);
    this.#chars += text.length;
    for (const [oldest, old] of this.#texts) {
      if (this.#chars <= this.#capacity) break;
      this.#texts.delete(oldest);
      this.#chars -= old.length;
    }
    return text;
  }

  /** Lets go of the texts of these chunks (deleted ones), whether or not they are here. */
  forget(ids: Iterable<number>): void {
    for (const id of ids) {
      const text = this.#texts.get(id);
      if (text === undefined) continue;
      this.#texts.delete(id);
      this.#chars -= text.length;
    }
  }
}
