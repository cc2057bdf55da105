import type { Statement } from 'better-sqlite3';
import {
  LexicalIndex,
  type IndexedChunk,
  type LexicalMatch,
  type LexicalSearch,
} from '../lexical/lexical-index.js';
import type { SqliteDatabase } from './database.js';

/**
 * What a write did to the chunks, in the order it did it, for the index to follow once the write
 * is committed. The order is the point: one write may add a document's chunks and then replace
 * or delete them (a batch that writes one source twice), and the index must end as the table
 * does, with the last ones only — removals first and additions after would bring the chunks the
 * write itself deleted back into the index.
 */
export class ChunkChanges {
  readonly #steps: Array<{ removed: string } | { added: IndexedChunk }> = [];

  /** Every chunk of the document was deleted (its new ones, if any, follow as `added`). */
  removedDocument(documentId: string): void {
    this.#steps.push({ removed: documentId });
  }

  added(chunk: IndexedChunk): void {
    this.#steps.push({ added: chunk });
  }

  /** Follows these with the changes of a part of the write that committed (a savepoint). */
  append(later: ChunkChanges): void {
    this.#steps.push(...later.#steps);
  }

  /** Makes `index` follow the changes, in their order. */
  applyTo(index: LexicalIndex): void {
    for (const step of this.#steps) {
      if ('removed' in step) index.removeDocument(step.removed);
      else index.add(step.added);
    }
  }
}

/**
 * The lexical index of a SQLite knowledge base, in memory, kept in step with the `chunks` table.
 *
 * Every change of `chunks`, by this process or another one on the same file, moves a revision
 * counter (triggers of the schema). Writes of this repository pass their changes here after
 * they commit, and the index follows them at once. Any other change (another process ingesting
 * into the same file) is noticed by the revision at the next search, which catches up: chunk
 * ids are never reused and a document's chunks are always replaced whole, so the documents
 * whose first chunk id or chunk count changed are taken out and every chunk newer than the
 * index is added, without reading the rest again. The index is built at the first search, or
 * by {@link SqliteLexicalIndex.prepare}.
 */
export class SqliteLexicalIndex {
  readonly #revision: Statement<[], number>;
  readonly #chunks: Statement<
    [],
    [number, string, string, string, string, string, string, string | null]
  >;
  readonly #documents: Statement<[], [string, number, number]>;
  readonly #newer: Statement<
    [number],
    [number, string, string, string, string, string, string, string | null]
  >;
  #index: LexicalIndex | undefined;
  #indexRevision = -1;

  constructor(db: SqliteDatabase) {
    this.#revision = db
      .prepare<[], number>('SELECT value FROM knowledge_revision WHERE id = 0')
      .pluck();
    this.#chunks = db
      .prepare<[], [number, string, string, string, string, string, string, string | null]>(
        `SELECT c.id, c.document_id, c.scope, c.title, c.heading_path, c.text, d.source, d.url
         FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY c.id`,
      )
      .raw();
    this.#documents = db
      .prepare<[], [string, number, number]>(
        'SELECT document_id, MIN(id), COUNT(*) FROM chunks GROUP BY document_id',
      )
      .raw();
    this.#newer = db
      .prepare<[number], [number, string, string, string, string, string, string, string | null]>(
        `SELECT c.id, c.document_id, c.scope, c.title, c.heading_path, c.text, d.source, d.url
         FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id > ? ORDER BY c.id`,
      )
      .raw();
  }

  /** The revision of the chunks as the database has it now (inside a transaction: its own). */
  revision(): number {
    return this.#revision.get() ?? 0;
  }

  /**
   * Follows a committed write: `before` and `after` are the revisions read at the start and at
   * the end of its transaction. When the index was not at `before`, something else changed the
   * chunks too, and the next search catches up with both from the table instead.
   */
  committed(before: number, after: number, changes: ChunkChanges): void {
    const index = this.#index;
    if (index === undefined || this.#indexRevision !== before) return;
    changes.applyTo(index);
    this.#indexRevision = after;
  }

  /**
   * Says that the index may not match the table (a search found a chunk the table no longer
   * has): the next search checks it against the table, and rebuilds it when it must.
   */
  distrust(): void {
    this.#indexRevision = -1;
  }

  /** Builds the index now, if it is not up to date, so that no search waits for it. */
  prepare(): LexicalIndex {
    const revision = this.revision();
    if (this.#index !== undefined && this.#indexRevision === revision) return this.#index;
    if (this.#index !== undefined && this.#catchUp(this.#index)) {
      this.#indexRevision = revision;
      return this.#index;
    }
    const index = new LexicalIndex();
    for (const row of this.#chunks.iterate()) {
      const [chunkId, documentId, scope, title, headingPath, text, source, url] = row;
      index.add({ chunkId, documentId, scope, title, headingPath, text, source, url });
    }
    index.trim();
    this.#index = index;
    this.#indexRevision = revision;
    return index;
  }

  /**
   * Brings the index up to the table after changes made elsewhere; false when they are not what
   * this process's writes would have made (a chunk older than the index appeared), and the
   * index must be built again.
   */
  #catchUp(index: LexicalIndex): boolean {
    const stored = new Map<string, { first: number; chunks: number }>();
    for (const [documentId, first, chunks] of this.#documents.iterate()) {
      stored.set(documentId, { first, chunks });
    }
    const since = index.lastChunkId;
    const indexed = new Set<string>();
    for (const document of index.documents()) {
      const now = stored.get(document.id);
      if (now && now.first === document.firstChunkId && now.chunks === document.chunks) {
        indexed.add(document.id);
      } else {
        index.removeDocument(document.id);
      }
    }
    let expected = 0;
    for (const [documentId, { first, chunks }] of stored) {
      if (indexed.has(documentId)) continue;
      if (first <= since) return false;
      expected += chunks;
    }
    let added = 0;
    for (const row of this.#newer.iterate(since)) {
      const [chunkId, documentId, scope, title, headingPath, text, source, url] = row;
      index.add({ chunkId, documentId, scope, title, headingPath, text, source, url });
      added++;
    }
    return added === expected;
  }

  /** Gives back the room the index's postings grew into, after a large write; no index, no work. */
  trim(): void {
    this.#index?.trim();
  }

  search(query: LexicalSearch): LexicalMatch[] {
    return this.prepare().search(query);
  }

  /** See {@link LexicalIndex.correct}. */
  correct(words: readonly string[], scopes: readonly string[]): Map<string, string> {
    return this.prepare().correct(words, scopes);
  }
}
