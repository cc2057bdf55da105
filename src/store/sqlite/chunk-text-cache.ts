/** A cached text, in a list from the least to the most recently used. */
interface Entry {
  id: number;
  text: string;
  older: Entry | undefined;
  newer: Entry | undefined;
}

/**
 * The texts of recently found chunks, at most `capacity` characters of them, the least recently
 * used forgotten first. A chunk's text never changes (a changed document gets new chunks with
 * new ids, and ids are never reused), so nothing here can go stale: a removed chunk's text only
 * waits to be forgotten, and no search can ask for it. An erased one is let go of at once
 * ({@link ChunkTextCache.forget}).
 *
 * The order of use is a linked list beside the map, not the map's own insertion order: taking a
 * text out of a large Map and putting it back at every hit (twenty a search) left the map
 * rebuilding its table over and over, which cost about a microsecond a hit.
 */
export class ChunkTextCache {
  readonly #texts = new Map<number, Entry>();
  readonly #capacity: number;
  #chars = 0;
  #oldest: Entry | undefined;
  #newest: Entry | undefined;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The text of chunk `id`, read with `read` when it is not here. */
  get(id: number, read: (id: number) => string | undefined): string | undefined {
    const cached = this.#texts.get(id);
    if (cached !== undefined) {
      if (cached !== this.#newest) {
        this.#unlink(cached);
        this.#link(cached);
      }
      return cached.text;
    }
    const text = read(id);
    if (text === undefined || text.length > this.#capacity) return text;
    const entry: Entry = { id, text, older: undefined, newer: undefined };
    this.#texts.set(id, entry);
    this.#link(entry);
    this.#chars += text.length;
    while (this.#chars > this.#capacity && this.#oldest !== undefined) {
      this.#remove(this.#oldest);
    }
    return text;
  }

  /** Lets go of the texts of these chunks (deleted ones), whether or not they are here. */
  forget(ids: Iterable<number>): void {
    for (const id of ids) {
      const entry = this.#texts.get(id);
      if (entry !== undefined) this.#remove(entry);
    }
  }

  #remove(entry: Entry): void {
    this.#unlink(entry);
    this.#texts.delete(entry.id);
    this.#chars -= entry.text.length;
  }

  /** Makes a text that is in no list the most recent. */
  #link(entry: Entry): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest !== undefined) this.#newest.newer = entry;
    else this.#oldest = entry;
    this.#newest = entry;
  }

  #unlink(entry: Entry): void {
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    else this.#oldest = entry.newer;
    if (entry.newer !== undefined) entry.newer.older = entry.older;
    else this.#newest = entry.older;
    entry.older = undefined;
    entry.newer = undefined;
  }
}
