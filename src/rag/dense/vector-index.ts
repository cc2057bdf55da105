import { AppError } from '../../errors/index.js';
import type { SqliteDatabase } from '../../store/sqlite/database.js';
import {
  checkChunkId,
  checkDimensions,
  checkVector,
  MAX_VECTOR_SEARCH_LIMIT,
  type VectorHit,
  type VectorIndex,
  type VectorItem,
  type VectorSearchOptions,
} from '../../store/vector-index.js';

export { MAX_VECTOR_SEARCH_LIMIT };
export type { VectorHit, VectorItem, VectorSearchOptions };

interface Meta {
  model: string;
  dimensions: number;
}

/** The trigger on `chunks` that deletes a chunk's vector with it. */
const FOLLOW_TRIGGER = 'chunk_vectors_follow';

/**
 * Chunk vectors in SQLite, searched by sqlite-vec: a `vec0` table `chunk_vectors` (cosine
 * distance) keyed by rowid = chunk id, and a one-row `vector_meta` table naming the model and
 * dimension the vectors came from. The tables are created here, not by a migration, because the
 * vector table's column type depends on the configured model's dimension.
 *
 * A vector never outlives its chunk, whatever writes the chunks: with the vector table comes a
 * trigger on `chunks` that deletes a chunk's vector in the statement that deletes the chunk — a
 * virtual table can have no foreign key — so a document deleted or replaced while dense
 * retrieval is off (or by a process that never opens this index) takes its vectors with it. A
 * vector is stored only for a chunk that still exists. Hence every process that deletes chunks
 * from a file that has vectors must load sqlite-vec (`openDatabase` does by default).
 *
 * A search knows nothing of scopes: a caller that searches some scopes either passes their
 * chunk ids or over-fetches and filters.
 *
 * @example
 * const index = new SqliteVectorIndex(openDatabase(path));
 * index.configure(embedder.model, vector.length);
 * index.upsert([{ chunkId: 42, vector }]);
 * const hits = index.search(queryVector, { limit: 50 });
 */
export class SqliteVectorIndex {
  readonly #db: SqliteDatabase;
  #meta: Meta | undefined;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    db.exec(
      'CREATE TABLE IF NOT EXISTS vector_meta (model TEXT NOT NULL, dimensions INTEGER NOT NULL)',
    );
    this.#meta = db.prepare('SELECT model, dimensions FROM vector_meta LIMIT 1').get() as
      Meta | undefined;
    if (this.#meta !== undefined) {
      this.#createTable(this.#meta.dimensions);
      // Only a table made by an earlier version lacks it: the one write an open may make.
      if (!this.#followsChunks()) this.#db.transaction(() => this.#followChunks()).immediate();
    }
  }

  /** The model and dimension of the stored vectors, once configured. */
  get configuration(): Readonly<Meta> | undefined {
    return this.#meta === undefined ? undefined : { ...this.#meta };
  }

  /**
   * Says which model's vectors the index holds. The first call records it; a call with another
   * model or dimension drops every stored vector — vectors of different models are not
   * comparable — and returns `rebuilt: true`, so the caller knows to embed every chunk again.
   */
  configure(model: string, dimensions: number): { rebuilt: boolean } {
    checkDimensions(dimensions);
    const before = this.#meta;
    if (before?.model === model && before.dimensions === dimensions) return { rebuilt: false };
    this.#db.transaction(() => {
      this.#db.exec('DROP TABLE IF EXISTS chunk_vectors');
      this.#createTable(dimensions);
      this.#followChunks();
      this.#db.exec('DELETE FROM vector_meta');
      this.#db
        .prepare('INSERT INTO vector_meta (model, dimensions) VALUES (?, ?)')
        .run(model, dimensions);
    })();
    this.#meta = { model, dimensions };
    return { rebuilt: before !== undefined };
  }

  /** Stores the vectors of these chunks, replacing any they had, in one transaction. */
  upsert(items: readonly VectorItem[]): void {
    if (items.length === 0) return;
    const dimensions = this.#requireMeta('store vectors').dimensions;
    for (const item of items) {
      checkChunkId(item.chunkId);
      checkVector(item.vector, dimensions, `the vector of chunk ${item.chunkId}`);
    }
    // vec0 has no INSERT OR REPLACE: a replaced vector is deleted, then inserted.
    const remove = this.#db.prepare('DELETE FROM chunk_vectors WHERE rowid = ?');
    // vec0 accepts only SQLite integers as rowid, and better-sqlite3 binds a JS number as a
    // double: hence BigInt. A chunk deleted while its text was being embedded gets no vector:
    // its delete found none to take, and nothing would ever take this one.
    const insert = this.#db.prepare(
      `INSERT INTO chunk_vectors (rowid, embedding)
       SELECT @id, @embedding WHERE EXISTS (SELECT 1 FROM chunks WHERE id = @id)`,
    );
    this.#db.transaction(() => {
      for (const { chunkId, vector } of items) {
        remove.run(BigInt(chunkId));
        insert.run({ id: BigInt(chunkId), embedding: blob(vector) });
      }
    })();
  }

  /** Removes the vectors of these chunks, in one statement; ids without a vector are ignored. */
  delete(chunkIds: readonly number[]): void {
    if (this.#meta === undefined || chunkIds.length === 0) return;
    const ids = JSON.stringify([...new Set(chunkIds.map(checkChunkId))]);
    // json_each yields SQLite integers, which vec0 wants as rowids (a bound JS number is a double).
    this.#db
      .prepare('DELETE FROM chunk_vectors WHERE rowid IN (SELECT value FROM json_each(?))')
      .run(ids);
  }

  /** The ids of every chunk that has a vector, ascending (none before the index is configured). */
  chunkIds(): number[] {
    if (this.#meta === undefined) return [];
    return this.#db
      .prepare('SELECT rowid FROM chunk_vectors ORDER BY rowid')
      .pluck()
      .all() as number[];
  }

  /** Which of these chunks have no vector yet, in the order given, each once. */
  missing(chunkIds: readonly number[]): number[] {
    const wanted = [...new Set(chunkIds.map(checkChunkId))];
    if (this.#meta === undefined || wanted.length === 0) return wanted;
    const rows = this.#db
      .prepare(
        'SELECT rowid AS id FROM chunk_vectors WHERE rowid IN (SELECT value FROM json_each(?))',
      )
      .all(JSON.stringify(wanted)) as Array<{ id: number }>;
    const present = new Set(rows.map((row) => row.id));
    return wanted.filter((id) => !present.has(id));
  }

  /**
   * The ids of the chunks of `scope` that have no vector yet, ascending (all of them before the
   * index is configured), found by SQLite: only the chunks without one are read out.
   */
  missingIn(scope: string): number[] {
    // NOT IN reads the vector table's ids once, not a virtual-table lookup per chunk.
    const sql =
      this.#meta === undefined
        ? 'SELECT id FROM chunks WHERE scope = ? ORDER BY id'
        : `SELECT id FROM chunks WHERE scope = ? AND id NOT IN (SELECT rowid FROM chunk_vectors)
           ORDER BY id`;
    return this.#db.prepare(sql).pluck().all(scope) as number[];
  }

  /**
   * Removes the vectors of chunks that no longer exist and says how many: none, normally, since
   * the trigger deletes a vector with its chunk. SQLite finds the stale ones, so only they are
   * read out, and the usual answer writes nothing. Chunk ids are never reused: a vector found
   * stale stays stale until it is deleted.
   */
  removeStale(): number {
    if (this.#meta === undefined) return 0;
    const stale = this.#db
      .prepare('SELECT rowid FROM chunk_vectors WHERE rowid NOT IN (SELECT id FROM chunks)')
      .pluck()
      .all() as number[];
    this.delete(stale);
    return stale.length;
  }

  /** How many vectors are stored. */
  count(): number {
    if (this.#meta === undefined) return 0;
    const row = this.#db.prepare('SELECT count(*) AS n FROM chunk_vectors').get() as { n: number };
    return row.n;
  }

  /**
   * The `limit` chunks nearest to `vector`, nearest first. An index not yet configured has
   * nothing to find and answers `[]`; a vector of the wrong dimension is an `invalid_input`
   * error (it comes from another model than the stored vectors).
   */
  search(vector: Float32Array, options: VectorSearchOptions): VectorHit[] {
    if (this.#meta === undefined) return [];
    checkVector(vector, this.#meta.dimensions, 'the query vector');
    const limit = Math.min(Math.floor(options.limit), MAX_VECTOR_SEARCH_LIMIT);
    if (!(limit > 0)) return [];
    const query = blob(vector);
    let rows: Array<{ chunkId: number; distance: number }>;
    if (options.chunkIds === undefined) {
      rows = this.#db
        .prepare(
          `SELECT rowid AS chunkId, distance FROM chunk_vectors
           WHERE embedding MATCH ? AND k = ? ORDER BY distance`,
        )
        .all(query, limit) as typeof rows;
    } else {
      if (options.chunkIds.length === 0) return [];
      const ids = JSON.stringify([...new Set(options.chunkIds.map(checkChunkId))]);
      rows = this.#db
        .prepare(
          `SELECT rowid AS chunkId, distance FROM chunk_vectors
           WHERE embedding MATCH ? AND k = ? AND rowid IN (SELECT value FROM json_each(?))
           ORDER BY distance`,
        )
        .all(query, limit, ids) as typeof rows;
    }
    return rows.map((row) => ({ chunkId: row.chunkId, distance: row.distance }));
  }

  #createTable(dimensions: number): void {
    try {
      // `dimensions` is a checked integer: interpolating it cannot inject SQL.
      this.#db.exec(
        `CREATE VIRTUAL TABLE IF NOT EXISTS chunk_vectors
         USING vec0(embedding float[${dimensions}] distance_metric=cosine)`,
      );
    } catch (error) {
      throw new AppError(
        'config_invalid',
        `Cannot create the vector table: ${(error as Error).message} (is sqlite-vec loaded?)`,
        { cause: error },
      );
    }
  }

  /** Whether the trigger that deletes a chunk's vector with the chunk exists. */
  #followsChunks(): boolean {
    return (
      this.#db
        .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?`)
        .get(FOLLOW_TRIGGER) !== undefined
    );
  }

  /**
   * Makes the trigger that deletes a chunk's vector with the chunk, unless it exists, and deletes
   * the vectors that chunks deleted before it left behind (a table made by an earlier version
   * has them). Runs in a transaction, once the vector table exists: SQLite looks for the table a
   * trigger writes when the trigger fires, so the trigger cannot come before it, nor by a
   * migration. It stays when the table is dropped and made again for another model.
   */
  #followChunks(): void {
    if (this.#followsChunks()) return;
    this.#db.exec(`CREATE TRIGGER ${FOLLOW_TRIGGER} AFTER DELETE ON chunks BEGIN
        DELETE FROM chunk_vectors WHERE rowid = old.id;
      END`);
    this.#db.exec('DELETE FROM chunk_vectors WHERE rowid NOT IN (SELECT id FROM chunks)');
  }

  #requireMeta(action: string): Meta {
    if (this.#meta === undefined) {
      throw new AppError(
        'invalid_input',
        `Configure the vector index (model and dimension) before you ${action}`,
      );
    }
    return this.#meta;
  }
}

/** The vector's own bytes, even when it is a view into a larger buffer. */
function blob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/**
 * The {@link VectorIndex} port over a SQLite index, for code written against the port (it may
 * as well hold a PostgreSQL index). The SQLite index itself stays synchronous: better-sqlite3 is.
 *
 * @example
 * const vectors = toVectorIndex(new SqliteVectorIndex(db));
 * const hits = await vectors.search(queryVector, { limit: 50 });
 */
export function toVectorIndex(index: SqliteVectorIndex): VectorIndex {
  return {
    configuration: async () => index.configuration,
    configure: async (model, dimensions) => index.configure(model, dimensions),
    upsert: async (items) => index.upsert(items),
    delete: async (chunkIds) => index.delete(chunkIds),
    chunkIds: async () => index.chunkIds(),
    missing: async (chunkIds) => index.missing(chunkIds),
    missingIn: async (scope) => index.missingIn(scope),
    removeStale: async () => index.removeStale(),
    count: async () => index.count(),
    search: async (vector, options) => index.search(vector, options),
  };
}
