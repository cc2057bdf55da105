/**
 * Runs `work` once the staff's earlier writes to any of `sources` are done, and holds later ones
 * until it is. See {@link createSourceLocks}.
 */
export type SourceLocks = <T>(sources: readonly string[], work: () => Promise<T>) => Promise<T>;

/**
 * The staff's writes to one knowledge-base source, one after another on this instance. A
 * re-index reads a document's file, parses it, then writes its passages: a delete or an upload
 * of the same source while it parses would be undone by that write, without a word (a deleted
 * document back, without its file; a new upload replaced by the version before it).
 *
 * A request names all its sources at once and waits for those before it: no two requests wait
 * for each other, whatever sources they share. Instances that share a database are not ordered
 * by this: there, a re-index writes only if its source is still as it read it, which the database
 * checks (see `SourceWrite.expect`).
 *
 * @example
 * const exclusive = createSourceLocks();
 * await exclusive(['kb uploads/a.md'], () => knowledge.deleteSource('kb', 'uploads/a.md'));
 */
export function createSourceLocks(): SourceLocks {
  const last = new Map<string, Promise<void>>();
  return async (sources, work) => {
    const keys = [...new Set(sources)];
    const before = keys.map((key) => last.get(key));
    let release = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const key of keys) last.set(key, done);
    try {
      await Promise.all(before);
      return await work();
    } finally {
      release();
      // The last in line leaves nothing behind: the map holds only sources being written.
      for (const key of keys) if (last.get(key) === done) last.delete(key);
    }
  };
}
