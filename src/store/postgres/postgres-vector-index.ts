import { AppError } from '../../errors/index.js';
import {
  checkChunkId,
  checkDimensions,
  checkVector,
  MAX_VECTOR_SEARCH_LIMIT,
  type VectorConfiguration,
  type VectorHit,
  type VectorIndex,
  type VectorItem,
  type VectorSearchOptions,
} from '../vector-index.js';
import type { PostgresDatabase, Queryable } from './database.js';

/** How vectors are kept: pgvector's `vector` type, or unit-length float32 bytes searched here. */
export type VectorStorage = 'pgvector' | 'bytea';

interface Meta extends VectorConfiguration {
  storage: VectorStorage;
  generation: number;
}

/** Every vector of the index in memory, as of one generation. */
interface Loaded {
  generation: number;
  dimensions: number;
  ids: number[];
  /** Unit-length vectors, one after another. */
  matrix: Float32Array;
}

/** pgvector builds no HNSW index over vectors of more dimensions than this. */
const HNSW_MAX_DIMENSIONS = 2000;

/**
 * Chunk vectors on PostgreSQL. With the pgvector extension (used when the server offers it and
 * the role may create it) vectors are a `vector` column searched by cosine distance in SQL, with
 * an HNSW index. Without it, vectors are stored as unit-length float32 bytes, and each instance
 * keeps a copy of all of them in memory and searches it exactly; a generation number in
 * `vector_meta`, renewed by every write, tells an instance when to reload. Deleting chunks
 * deletes their vectors and renews the generation too, by a trigger on `chunks` (migration 12).
 *
 * Every transaction that locks both tables locks `chunk_vectors` first, then `vector_meta`: a
 * reconfiguration drops the vector table and then replaces the row, the trigger deletes vectors
 * and then renews the generation, so writes and reloads follow the same order. Two of them
 * taking the tables in opposite orders could each wait for the other (a deadlock, which
 * PostgreSQL breaks by failing one of them after a second).
 *
 * Measured for the byte storage on this project's shared two-core test machine: 10,000 vectors
 * of 768 dimensions load in 0.2 s and take about 17 ms a search (1,536 dimensions: 0.5 s and
 * 42 ms); 50,000 of 768 load in 1.4 s and take about 90 ms, with 150 MB of memory in every
 * instance (4 bytes per dimension per chunk). Up to some 20,000 chunks that is fine; past it,
 * install pgvector. (The pgvector path is written to
 * its documentation but could not be run here: the extension was not available.)
 *
 * @example
 * const vectors = new PostgresVectorIndex(db);
 * await vectors.configure('text-embedding-3-small', 1536);
 * await vectors.upsert([{ chunkId: 42, vector }]);
 * const hits = await vectors.search(queryVector, { limit: 50 });
 */
export class PostgresVectorIndex implements VectorIndex {
  readonly #db: PostgresDatabase;
  readonly #allowPgvector: boolean;
  #loaded: Loaded | undefined;
  #loading: Promise<Loaded> | undefined;

  /** `storage: 'bytea'` keeps vectors as bytes even when pgvector is available. */
  constructor(db: PostgresDatabase, options: { storage?: 'auto' | 'bytea' } = {}) {
    this.#db = db;
    this.#allowPgvector = options.storage !== 'bytea';
  }

  /** How the vectors are stored, once configured. */
  async storage(): Promise<VectorStorage | undefined> {
    return (await readMeta(this.#db))?.storage;
  }

  async configuration(): Promise<VectorConfiguration | undefined> {
    const meta = await readMeta(this.#db);
    return meta && { model: meta.model, dimensions: meta.dimensions };
  }

  async configure(model: string, dimensions: number): Promise<{ rebuilt: boolean }> {
    checkDimensions(dimensions);
    const before = await readMeta(this.#db);
    if (before?.model === model && before.dimensions === dimensions) return { rebuilt: false };
    return this.#db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [VECTOR_LOCK]);
      // Another instance may have configured the same while this one waited.
      const current = await readMeta(tx);
      if (current?.model === model && current.dimensions === dimensions) return { rebuilt: false };
      const storage = (await this.#pgvectorReady(tx)) ? 'pgvector' : 'bytea';
      // The vector table before the row, the order of every path (see the class); the read of
      // the row above takes only a share of its table that no write conflicts with.
      await tx.query('DROP TABLE IF EXISTS chunk_vectors');
      // `dimensions` is a checked integer: interpolating it cannot inject SQL.
      await tx.query(
        `CREATE TABLE chunk_vectors (chunk_id bigint PRIMARY KEY, embedding ${
          storage === 'pgvector' ? `vector(${dimensions})` : 'bytea'
        } NOT NULL)`,
      );
      if (storage === 'pgvector' && dimensions <= HNSW_MAX_DIMENSIONS) {
        await tx.query(
          'CREATE INDEX chunk_vectors_nearest ON chunk_vectors USING hnsw (embedding vector_cosine_ops)',
        );
      }
      await tx.query('DELETE FROM vector_meta');
      await tx.query(
        `INSERT INTO vector_meta (model, dimensions, storage, generation)
         VALUES ($1, $2, $3, nextval('vector_generations'))`,
        [model, dimensions, storage],
      );
      return { rebuilt: current !== undefined };
    });
  }

  async upsert(items: readonly VectorItem[]): Promise<void> {
    if (items.length === 0) return;
    // The last vector given for a chunk wins, as when they are stored one by one.
    const byId = new Map<number, Float32Array>();
    for (const item of items) byId.set(checkChunkId(item.chunkId), item.vector);
    await this.#write('store vectors', async (tx, meta) => {
      for (const [id, vector] of byId)
        checkVector(vector, meta.dimensions, `the vector of chunk ${id}`);
      const ids = [...byId.keys()];
      const vectors = [...byId.values()];
      // Only for chunks that exist, each held until commit (a key share lock): a chunk deleted
      // while its text was being embedded gets no vector, since its delete found none to take
      // with it (see migration 12). One being deleted right now is skipped, not waited for: this
      // transaction holds the vector_meta row the delete's trigger updates next. Were that
      // delete rolled back, the chunk is still without a vector, and the next indexing gives
      // it one.
      await tx.query(
        `WITH live AS (
           SELECT id FROM chunks WHERE id = ANY($1::bigint[]) FOR KEY SHARE SKIP LOCKED)
         INSERT INTO chunk_vectors (chunk_id, embedding)
         SELECT id, ${meta.storage === 'pgvector' ? 'u.embedding::vector' : 'u.embedding'}
         FROM unnest($1::bigint[], $2::${meta.storage === 'pgvector' ? 'text' : 'bytea'}[])
           AS u(id, embedding) JOIN live USING (id)
         ON CONFLICT (chunk_id) DO UPDATE SET embedding = excluded.embedding`,
        [ids, meta.storage === 'pgvector' ? vectors.map(vectorLiteral) : vectors.map(unitBytes)],
      );
    });
  }

  async delete(chunkIds: readonly number[]): Promise<void> {
    if (chunkIds.length === 0) return;
    const ids = chunkIds.map(checkChunkId);
    if ((await readMeta(this.#db)) === undefined) return;
    await this.#write('delete vectors', async (tx) => {
      await tx.query('DELETE FROM chunk_vectors WHERE chunk_id = ANY($1::bigint[])', [ids]);
    });
  }

  async removeStale(): Promise<number> {
    if ((await readMeta(this.#db)) === undefined) return 0;
    // An anti-join on the chunks' primary key: only the stale ids leave the database. Read
    // first, outside any transaction, so that the usual answer (none) writes nothing and leaves
    // the generation, hence every instance's copy in memory, as it is. Chunk ids are never
    // reused: a vector found stale stays stale until it is deleted.
    const stale = await this.#db.query<{ chunk_id: number }>(
      `SELECT chunk_id FROM chunk_vectors v
       WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = v.chunk_id)`,
    );
    if (stale.length === 0) return 0;
    let removed = 0;
    await this.#write('delete vectors', async (tx) => {
      const rows = await tx.query(
        'DELETE FROM chunk_vectors WHERE chunk_id = ANY($1::bigint[]) RETURNING chunk_id',
        [stale.map((row) => row.chunk_id)],
      );
      removed = rows.length;
    });
    return removed;
  }

  async chunkIds(): Promise<number[]> {
    if ((await readMeta(this.#db)) === undefined) return [];
    // The same with either storage: the ids are a bigint column, read from its primary key.
    const rows = await this.#db.query<{ chunk_id: number }>(
      'SELECT chunk_id FROM chunk_vectors ORDER BY chunk_id',
    );
    return rows.map((row) => row.chunk_id);
  }

  async missing(chunkIds: readonly number[]): Promise<number[]> {
    const wanted = [...new Set(chunkIds.map(checkChunkId))];
    if (wanted.length === 0 || (await readMeta(this.#db)) === undefined) return wanted;
    const rows = await this.#db.query<{ chunk_id: number }>(
      'SELECT chunk_id FROM chunk_vectors WHERE chunk_id = ANY($1::bigint[])',
      [wanted],
    );
    const present = new Set(rows.map((row) => row.chunk_id));
    return wanted.filter((id) => !present.has(id));
  }

  async missingIn(scope: string): Promise<number[]> {
    const configured = (await readMeta(this.#db)) !== undefined;
    // Read through the chunks' (scope, id) index, each probing the vectors' primary key.
    const rows = await this.#db.query<{ id: number }>(
      configured
        ? `SELECT id FROM chunks c WHERE scope = $1
             AND NOT EXISTS (SELECT 1 FROM chunk_vectors v WHERE v.chunk_id = c.id)
           ORDER BY id`
        : 'SELECT id FROM chunks WHERE scope = $1 ORDER BY id',
      [scope],
    );
    return rows.map((row) => row.id);
  }

  async count(): Promise<number> {
    if ((await readMeta(this.#db)) === undefined) return 0;
    const [row] = await this.#db.query<{ n: number }>('SELECT count(*) AS n FROM chunk_vectors');
    return row?.n ?? 0;
  }

  async search(vector: Float32Array, options: VectorSearchOptions): Promise<VectorHit[]> {
    const meta = await readMeta(this.#db);
    if (meta === undefined) return [];
    checkVector(vector, meta.dimensions, 'the query vector');
    const limit = Math.min(Math.floor(options.limit), MAX_VECTOR_SEARCH_LIMIT);
    if (!(limit > 0)) return [];
    const only = options.chunkIds && new Set(options.chunkIds.map(checkChunkId));
    if (only?.size === 0) return [];
    if (meta.storage === 'pgvector') {
      return this.#db.query<VectorHit>(
        `SELECT chunk_id AS "chunkId", embedding <=> $1::vector AS distance FROM chunk_vectors
         WHERE $3::bigint[] IS NULL OR chunk_id = ANY($3::bigint[])
         ORDER BY embedding <=> $1::vector LIMIT $2`,
        [vectorLiteral(vector), limit, only ? [...only] : null],
      );
    }
    const loaded = await this.#load(meta);
    return nearest(loaded, unit(vector), limit, only);
  }

  /**
   * Runs a change of the stored vectors in a transaction that bumps the generation. It locks the
   * vector table before the `vector_meta` row, the order of every path (see the class): the
   * row first would let a reconfiguration take the table meanwhile and then wait for the row.
   */
  async #write(action: string, work: (tx: Queryable, meta: Meta) => Promise<void>): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const unconfigured = () =>
        new AppError(
          'invalid_input',
          `Configure the vector index (model and dimension) before you ${action}`,
        );
      // No vector table before the first configuration: nothing to lock. A reconfiguration
      // makes the table again in the transaction that drops it, so the name never goes away;
      // a lock that waited for one is taken on the new table.
      const [table] = await tx.query<{ present: boolean }>(
        `SELECT to_regclass('chunk_vectors') IS NOT NULL AS present`,
      );
      if (!table?.present) throw unconfigured();
      // A share of the table that writing rows takes anyway, held from here on: a concurrent
      // reconfiguration waits for this write, or this write for it.
      await tx.query('LOCK TABLE chunk_vectors IN ROW EXCLUSIVE MODE');
      // The row lock serializes the writes that renew the generation; taken after the table
      // lock, it reads the configuration a reconfiguration waited for left.
      const meta = await readMeta(tx, 'FOR UPDATE');
      if (meta === undefined) throw unconfigured();
      await work(tx, meta);
      await tx.query(`UPDATE vector_meta SET generation = nextval('vector_generations')`);
    });
  }

  /** The vectors as of `meta`'s generation: the copy in memory, or a fresh one. */
  async #load(meta: Meta): Promise<Loaded> {
    const cached = this.#loaded;
    if (cached?.generation === meta.generation && cached.dimensions === meta.dimensions) {
      return cached;
    }
    // Concurrent searches share one reload.
    this.#loading ??= this.#read().finally(() => {
      this.#loading = undefined;
    });
    const loaded = await this.#loading;
    this.#loaded = loaded;
    // Read while another write landed: searched as read, never with the wrong dimension.
    if (loaded.dimensions !== meta.dimensions)
      return { ...loaded, ids: [], matrix: new Float32Array() };
    return loaded;
  }

  async #read(): Promise<Loaded> {
    // One snapshot: the generation read is the generation of the rows read.
    return this.#db.transaction(
      async (tx) => {
        // The vector table before the row, as every path takes them (see the class), and before
        // the snapshot, which the first read takes: after a reconfiguration this waited for,
        // the snapshot sees its table and its row.
        await tx.query('LOCK TABLE chunk_vectors IN ACCESS SHARE MODE');
        const meta = await readMeta(tx);
        const rows = await tx.query<{ chunk_id: number; embedding: Buffer }>(
          'SELECT chunk_id, embedding FROM chunk_vectors',
        );
        const dimensions = meta?.dimensions ?? 0;
        const matrix = new Float32Array(rows.length * dimensions);
        // A byte view: a Buffer from pg need not be aligned for a Float32Array view of its own.
        const bytes = new Uint8Array(matrix.buffer);
        const ids: number[] = [];
        rows.forEach((row, i) => {
          ids.push(row.chunk_id);
          bytes.set(row.embedding.subarray(0, dimensions * 4), i * dimensions * 4);
        });
        return { generation: meta?.generation ?? 0, dimensions, ids, matrix };
      },
      { readOnlySnapshot: true },
    );
  }

  /** Whether pgvector may be used: allowed, offered by the server, and created if needed. */
  async #pgvectorReady(tx: Queryable): Promise<boolean> {
    if (!this.#allowPgvector) return false;
    const [offered] = await tx.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
    if (!offered) return false;
    await tx.query('SAVEPOINT pgvector');
    try {
      await tx.query('CREATE EXTENSION IF NOT EXISTS vector');
      await tx.query('RELEASE SAVEPOINT pgvector');
      return true;
    } catch {
      // Offered but not ours to create (no privilege): the byte storage works everywhere.
      await tx.query('ROLLBACK TO SAVEPOINT pgvector');
      return false;
    }
  }
}

/** The vector_meta row, when the index is configured. */
async function readMeta(db: Queryable, lock = ''): Promise<Meta | undefined> {
  const [row] = await db.query<Meta>(
    `SELECT model, dimensions, storage, generation FROM vector_meta ${lock}`,
  );
  return row;
}

/** The `limit` nearest of the loaded vectors to a unit-length query, nearest first. */
function nearest(
  loaded: Loaded,
  query: Float32Array,
  limit: number,
  only: ReadonlySet<number> | undefined,
): VectorHit[] {
  const { ids, matrix, dimensions } = loaded;
  const rows: number[] = [];
  const distances = new Float64Array(ids.length);
  for (let row = 0; row < ids.length; row++) {
    if (only && !only.has(ids[row] as number)) continue;
    let dot = 0;
    const offset = row * dimensions;
    for (let i = 0; i < dimensions; i++) {
      dot += (query[i] as number) * (matrix[offset + i] as number);
    }
    distances[row] = Math.max(0, 1 - dot);
    rows.push(row);
  }
  const id = (row: number) => ids[row] as number;
  const distance = (row: number) => distances[row] as number;
  rows.sort((a, b) => distance(a) - distance(b) || id(a) - id(b));
  return rows.slice(0, limit).map((row) => ({ chunkId: id(row), distance: distance(row) }));
}

function unit(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  return vector.map((x) => x / norm);
}

/** Unit-length float32 bytes: cosine distance is then one minus a dot product. */
function unitBytes(vector: Float32Array): Buffer {
  const scaled = unit(vector);
  return Buffer.from(scaled.buffer, scaled.byteOffset, scaled.byteLength);
}

/** pgvector's text form, `[1,2,3]`, bound as a parameter. */
function vectorLiteral(vector: Float32Array): string {
  return `[${Array.from(vector).join(',')}]`;
}

/** The key of the lock taken while the vector table is rebuilt. */
const VECTOR_LOCK = 0x7361_7665;
