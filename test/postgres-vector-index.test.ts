import type { QueryResultRow } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../src/errors/index.js';
import { SqliteVectorIndex, toVectorIndex } from '../src/rag/dense/index.js';
import {
  createPostgresPool,
  migratePostgres,
  openDatabase,
  openPostgresStore,
  PostgresDatabase,
  POSTGRES_MIGRATIONS,
  PostgresVectorIndex,
  type PostgresStore,
  type SqliteDatabase,
  type VectorIndex,
} from '../src/store/index.js';
import type { Queryable } from '../src/store/postgres/database.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import {
  deletePostgresChunksLeavingVectors,
  deleteSqliteChunksLeavingVectors,
} from './helpers/stale-vectors.js';

const v = (...xs: number[]) => Float32Array.from(xs);

/**
 * The ids of the chunks the contract gives vectors, all stored: an index keeps a vector only for
 * a chunk that exists.
 */
const CHUNK_IDS = [...Array.from({ length: 3000 }, (_, i) => i + 1), 2 ** 40];

const DOCUMENT = `INSERT INTO documents (id, scope, source, doc_key, title, format, file_hash,
    content_hash, chunk_count, created_at, updated_at)
  VALUES ('doc', 'kb', 'help.md', '', 'Help', 'markdown', 'h', 'h', 0, '2024-01-01', '2024-01-01')`;

/** Stores one document with chunks of these ids, on SQLite. */
function storeSqliteChunks(db: SqliteDatabase, ids: readonly number[]): SqliteDatabase {
  db.prepare(DOCUMENT).run();
  const insert = db.prepare(
    `INSERT INTO chunks (id, document_id, scope, ordinal, title, heading_path, text)
     VALUES (?, 'doc', 'kb', 0, 'Help', '', 'A passage.')`,
  );
  db.transaction(() => ids.forEach((id) => insert.run(BigInt(id))))();
  return db;
}

/** Stores one document with chunks of these ids, on PostgreSQL (`query` is on the schema). */
async function storePostgresChunks(
  query: (sql: string, values?: unknown[]) => Promise<unknown>,
  ids: readonly number[],
): Promise<void> {
  await query(`${DOCUMENT} ON CONFLICT DO NOTHING`);
  await query(
    `INSERT INTO chunks (id, document_id, scope, ordinal, title, heading_path, text, words,
                         title_words, terms, title_terms, title_asks)
     SELECT id, 'doc', 'kb', 0, 'Help', '', 'A passage.', 2, 1, ''::tsvector, ''::tsvector, false
     FROM unnest($1::bigint[]) AS id
     ON CONFLICT DO NOTHING`,
    [ids],
  );
}

/**
 * A database whose first transaction statement that `at` matches waits until {@link release}:
 * a transaction held open between two of its steps, so that another can be run in between.
 */
class PausingDatabase extends PostgresDatabase {
  /** Settles once a transaction has stopped before the statement. */
  readonly paused: Promise<void>;
  readonly release: () => void;
  readonly #at: RegExp;
  readonly #released: Promise<void>;
  #reached: () => void = () => {};
  #armed = true;

  constructor(url: string, schema: string, at: RegExp) {
    super(createPostgresPool(url, { schema }), url);
    this.#at = at;
    this.paused = new Promise((resolve) => (this.#reached = resolve));
    let release = () => {};
    this.#released = new Promise((resolve) => (release = resolve));
    this.release = release;
  }

  override transaction<T>(
    work: (tx: Queryable) => Promise<T>,
    options?: { readOnlySnapshot?: boolean },
  ): Promise<T> {
    return super.transaction(
      (tx) =>
        work({
          query: async <R extends QueryResultRow>(text: string, values?: unknown[]) => {
            if (this.#armed && this.#at.test(text)) {
              this.#armed = false;
              this.#reached();
              await this.#released;
            }
            return tx.query<R>(text, values);
          },
        }),
      options,
    );
  }
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/**
 * What every VectorIndex must do, given a fresh, unconfigured index; `deleteChunksLeavingVectors`
 * deletes chunks of the index made last as versions before the trigger did.
 */
function describeVectorIndex(
  name: string,
  make: () => Promise<VectorIndex>,
  deleteChunksLeavingVectors: (ids: readonly number[]) => Promise<void>,
): void {
  describe(`VectorIndex contract: ${name}`, () => {
    it('finds the nearest chunks first, by cosine distance', async () => {
      const index = await make();
      await index.configure('m', 3);
      await index.upsert([
        { chunkId: 10, vector: v(1, 0, 0) },
        { chunkId: 20, vector: v(0, 1, 0) },
        { chunkId: 30, vector: v(1, 1, 0) },
        { chunkId: 40, vector: v(-1, 0, 0) },
      ]);
      const hits = await index.search(v(2, 0.5, 0), { limit: 10 });
      expect(hits.map((h) => h.chunkId)).toEqual([10, 30, 20, 40]);
      expect(hits.at(-1)?.distance).toBeCloseTo(1 + 2 / Math.sqrt(4.25), 5);
      const [same] = await index.search(v(5, 0, 0), { limit: 1 });
      expect(same?.chunkId).toBe(10);
      expect(same?.distance).toBeCloseTo(0, 6);
      expect((await index.search(v(2, 0.5, 0), { limit: 2 })).map((h) => h.chunkId)).toEqual([
        10, 30,
      ]);
    });

    it('searches only the given chunks, before taking the limit', async () => {
      const index = await make();
      await index.configure('m', 3);
      await index.upsert([
        { chunkId: 1, vector: v(1, 0, 0) },
        { chunkId: 2, vector: v(0.9, 0.1, 0) },
        { chunkId: 3, vector: v(0, 0, 1) },
      ]);
      const only = await index.search(v(1, 0, 0), { limit: 1, chunkIds: [3, 2] });
      expect(only.map((h) => h.chunkId)).toEqual([2]);
      expect(await index.search(v(1, 0, 0), { limit: 5, chunkIds: [] })).toEqual([]);
    });

    it('replaces, deletes, counts and tells which chunks have no vector', async () => {
      const index = await make();
      await index.configure('m', 3);
      await index.upsert([
        { chunkId: 7, vector: v(1, 0, 0) },
        { chunkId: 8, vector: v(0, 1, 0) },
      ]);
      await index.upsert([{ chunkId: 7, vector: v(0, 0, 1) }]);
      expect(await index.count()).toBe(2);
      expect((await index.search(v(0, 0, 1), { limit: 1 }))[0]?.chunkId).toBe(7);
      expect(await index.missing([9, 7, 9, 8, 1])).toEqual([9, 1]);
      await index.delete([8, 99]);
      expect(await index.count()).toBe(1);
      expect(await index.missing([8])).toEqual([8]);
    });

    it('lists the chunks that have a vector, and deletes many in one call', async () => {
      const index = await make();
      expect(await index.chunkIds()).toEqual([]);
      await index.configure('m', 2);
      // A help center of some size: 3,000 vectors, two thirds of them then deleted at once.
      const ids = Array.from({ length: 3000 }, (_, i) => i + 1);
      await index.upsert(ids.map((id) => ({ chunkId: id, vector: v(1, id) })));
      await index.upsert([{ chunkId: 2 ** 40, vector: v(0, 1) }]);
      expect(await index.chunkIds()).toEqual([...ids, 2 ** 40]);
      await index.delete(ids.filter((id) => id % 3 !== 0));
      const left = ids.filter((id) => id % 3 === 0);
      expect(await index.chunkIds()).toEqual([...left, 2 ** 40]);
      expect(await index.count()).toBe(1001);
      const near = await index.search(v(1, 2), { limit: 4096 });
      expect(near.map((hit) => hit.chunkId).sort((a, b) => a - b)).toEqual([...left, 2 ** 40]);
    });

    it('tells which chunks of a scope have no vector, and removes those of chunks gone', async () => {
      const index = await make();
      expect(await index.missingIn('kb')).toEqual(CHUNK_IDS);
      expect(await index.removeStale()).toBe(0);
      await index.configure('m', 2);
      await index.upsert([1, 2, 3, 4].map((id) => ({ chunkId: id, vector: v(1, id) })));
      expect(await index.missingIn('kb')).toEqual(CHUNK_IDS.filter((id) => id > 4));
      expect(await index.missingIn('session:s')).toEqual([]);
      expect(await index.removeStale()).toBe(0);
      expect(await index.chunkIds()).toEqual([1, 2, 3, 4]);

      await deleteChunksLeavingVectors([2, 3]);
      const stale = await index.search(v(1, 2), { limit: 10 });
      expect(stale.map((hit) => hit.chunkId).sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
      expect(await index.removeStale()).toBe(2);
      expect(await index.chunkIds()).toEqual([1, 4]);
      // On PostgreSQL, the copy in memory is read again.
      const near = await index.search(v(1, 2), { limit: 10 });
      expect(near.map((hit) => hit.chunkId).sort((a, b) => a - b)).toEqual([1, 4]);
      expect(await index.removeStale()).toBe(0);
      expect(await index.missingIn('kb')).toEqual(CHUNK_IDS.filter((id) => id > 4));
    });

    it('starts over when the model changes, and refuses vectors of another size', async () => {
      const index = await make();
      expect(await index.configuration()).toBeUndefined();
      expect(await index.search(v(1, 0, 0), { limit: 5 })).toEqual([]);
      expect(await index.missing([1, 2])).toEqual([1, 2]);
      const early = await failure(index.upsert([{ chunkId: 1, vector: v(1, 0, 0) }]));
      expect(isAppError(early) && early.code).toBe('invalid_input');

      expect(await index.configure('m', 3)).toEqual({ rebuilt: false });
      await index.upsert([{ chunkId: 1, vector: v(1, 0, 0) }]);
      expect(await index.configure('m', 3)).toEqual({ rebuilt: false });
      expect(await index.count()).toBe(1);
      expect(await index.configure('other', 2)).toEqual({ rebuilt: true });
      expect(await index.configuration()).toEqual({ model: 'other', dimensions: 2 });
      expect(await index.count()).toBe(0);

      for (const bad of [v(1, 0, 0), v(0, 0), v(Number.NaN, 1)]) {
        const error = await failure(index.upsert([{ chunkId: 2, vector: bad }]));
        expect(isAppError(error) && error.code).toBe('invalid_input');
      }
      const query = await failure(index.search(v(1, 0, 0), { limit: 1 }));
      expect(isAppError(query) && query.code).toBe('invalid_input');
    });
  });
}

let sqliteMadeLast: SqliteDatabase | undefined;
describeVectorIndex(
  'SQLite',
  async () => {
    sqliteMadeLast = storeSqliteChunks(openDatabase(':memory:'), CHUNK_IDS);
    return toVectorIndex(new SqliteVectorIndex(sqliteMadeLast));
  },
  async (ids) => deleteSqliteChunksLeavingVectors(sqliteMadeLast as SqliteDatabase, ids),
);

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

describe.runIf(postgresUp)('on PostgreSQL', () => {
  const schema = uniqueName('t');
  const admin = createPostgresPool(POSTGRES_URL, { schema });
  const stores: PostgresStore[] = [];
  const open = async () => {
    const store = await openPostgresStore(POSTGRES_URL, { schema, vectorStorage: 'bytea' });
    stores.push(store);
    // Every time: a test may have deleted some.
    await storePostgresChunks((sql, values) => admin.query(sql, values), CHUNK_IDS);
    return store;
  };

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  // The byte storage with an exact search: the path taken without pgvector. The pgvector path
  // needs the extension on the server.
  describeVectorIndex(
    'PostgreSQL, vectors as bytes',
    async () => {
      const store = await open();
      await admin.query('DROP TABLE IF EXISTS chunk_vectors');
      await admin.query('DELETE FROM vector_meta');
      return store.vectors;
    },
    (ids) => deletePostgresChunksLeavingVectors(admin, ids),
  );

  it('shows one instance what another stored or deleted', async () => {
    const [a, b] = [await open(), await open()];
    await admin.query('DROP TABLE IF EXISTS chunk_vectors');
    await admin.query('DELETE FROM vector_meta');
    expect(await a.vectors.storage()).toBeUndefined();
    await a.vectors.configure('m', 2);
    expect(await a.vectors.storage()).toBe('bytea');
    await a.vectors.upsert([{ chunkId: 1, vector: v(1, 0) }]);
    // b keeps the vectors in memory from here on.
    expect((await b.vectors.search(v(0, 1), { limit: 5 })).map((h) => h.chunkId)).toEqual([1]);
    await a.vectors.upsert([{ chunkId: 2, vector: v(0, 1) }]);
    expect((await b.vectors.search(v(0, 1), { limit: 5 })).map((h) => h.chunkId)).toEqual([2, 1]);
    await a.vectors.delete([2]);
    expect((await b.vectors.search(v(0, 1), { limit: 5 })).map((h) => h.chunkId)).toEqual([1]);
    await a.vectors.configure('m2', 2);
    expect(await b.vectors.search(v(0, 1), { limit: 5 })).toEqual([]);
  });

  it('deletes vectors with their chunks, and shows it to an instance that holds them in memory', async () => {
    const [a, b] = [await open(), await open()];
    await admin.query('DROP TABLE IF EXISTS chunk_vectors');
    await admin.query('DELETE FROM vector_meta');
    await a.vectors.configure('m', 2);
    await a.vectors.upsert([
      { chunkId: 1, vector: v(1, 0) },
      { chunkId: 2, vector: v(0, 1) },
    ]);
    expect((await b.vectors.search(v(1, 0), { limit: 5 })).map((h) => h.chunkId)).toEqual([1, 2]);
    // As the knowledge repository of an instance without dense retrieval deletes passages.
    await admin.query('DELETE FROM chunks WHERE id = 1');
    expect(await a.vectors.chunkIds()).toEqual([2]);
    expect((await b.vectors.search(v(1, 0), { limit: 5 })).map((h) => h.chunkId)).toEqual([2]);
    // A chunk deleted while it was being embedded gets no vector.
    await a.vectors.upsert([
      { chunkId: 1, vector: v(1, 0) },
      { chunkId: 3, vector: v(1, 1) },
    ]);
    expect(await a.vectors.chunkIds()).toEqual([2, 3]);
    await storePostgresChunks((sql, values) => admin.query(sql, values), [1]);
  });

  it('removes, by migration 12, the vectors left to chunks deleted before it', async () => {
    const old = uniqueName('t');
    const db = new PostgresDatabase(
      createPostgresPool(POSTGRES_URL, { schema: old }),
      POSTGRES_URL,
    );
    try {
      await migratePostgres(db, {
        schema: old,
        migrations: POSTGRES_MIGRATIONS.filter((m) => m.version < 12),
      });
      await storePostgresChunks((sql, values) => db.query(sql, values), [1, 2, 3]);
      const vectors = new PostgresVectorIndex(db, { storage: 'bytea' });
      await vectors.configure('m', 2);
      await vectors.upsert([
        { chunkId: 1, vector: v(1, 0) },
        { chunkId: 2, vector: v(0, 1) },
        { chunkId: 3, vector: v(1, 1) },
      ]);
      expect((await vectors.search(v(1, 0), { limit: 5 })).map((h) => h.chunkId)).toEqual([
        1, 3, 2,
      ]);
      // Before the migration, deleting a chunk left its vector.
      await db.query('DELETE FROM chunks WHERE id = 1');
      expect(await vectors.chunkIds()).toEqual([1, 2, 3]);

      expect(await migratePostgres(db, { schema: old })).toContain(12);
      expect(await vectors.chunkIds()).toEqual([2, 3]);
      // The instance holding the vectors in memory reads them again.
      expect((await vectors.search(v(1, 0), { limit: 5 })).map((h) => h.chunkId)).toEqual([3, 2]);
      await db.query('DELETE FROM documents');
      expect(await vectors.count()).toBe(0);
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS "${old}" CASCADE`);
      await db.pool.end();
    }
  });

  /** A change of the stored vectors that locks both tables, as an instance makes it. */
  const WRITES: Array<[string, (index: PostgresVectorIndex) => Promise<unknown>]> = [
    ['storing vectors', (index) => index.upsert([{ chunkId: 2, vector: v(0, 1) }])],
    ['deleting vectors', (index) => index.delete([1])],
    ['removing stale vectors', (index) => index.removeStale()],
  ];
  /** Before the write of rows: the writes' second lock was here (the vector table's). */
  const WRITING_VECTORS = /(INSERT INTO|DELETE FROM) chunk_vectors/;
  /** Before the write of the row: a reconfiguration's second lock (it dropped the table). */
  const WRITING_META = /(INSERT INTO|DELETE FROM|UPDATE) vector_meta/;

  describe.each(WRITES)('%s while another instance reconfigures', (_, write) => {
    /**
     * Runs `first` until it stops at `at`, then `second` on another connection until it waits
     * for a lock (or ends), then lets `first` go on, and expects both to succeed. Taking the two
     * tables in opposite orders, each would then wait for the other: PostgreSQL fails one
     * (40P01, "deadlock detected").
     */
    async function interleave(
      at: RegExp,
      first: (index: PostgresVectorIndex) => Promise<unknown>,
      second: (index: PostgresVectorIndex) => Promise<unknown>,
    ): Promise<void> {
      const pausing = new PausingDatabase(POSTGRES_URL, schema, at);
      const other = new PostgresDatabase(
        createPostgresPool(POSTGRES_URL, { schema, poolSize: 1 }),
        POSTGRES_URL,
      );
      try {
        await admin.query('DROP TABLE IF EXISTS chunk_vectors');
        await admin.query('DELETE FROM vector_meta');
        const setup = new PostgresVectorIndex(other, { storage: 'bytea' });
        await setup.configure('m', 2);
        await setup.upsert([{ chunkId: 1, vector: v(1, 0) }]);
        // A vector an earlier version left to a deleted chunk, for the removal to remove.
        await admin.query('INSERT INTO chunk_vectors VALUES ($1, $2)', [
          2 ** 41,
          Buffer.from(v(1, 0).buffer),
        ]);
        const [{ pid } = { pid: 0 }] = await other.query<{ pid: number }>(
          'SELECT pg_backend_pid() AS pid',
        );
        const running = first(new PostgresVectorIndex(pausing, { storage: 'bytea' }));
        running.catch(() => {});
        await pausing.paused;
        const waiting = second(new PostgresVectorIndex(other, { storage: 'bytea' }));
        let settled = false;
        waiting.then(
          () => (settled = true),
          () => (settled = true),
        );
        // Polls the server (there is no event to wait for): a lock wait shows within a few ms.
        for (let tries = 0; tries < 500 && !settled; tries++) {
          const { rows } = await admin.query(
            'SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1',
            [pid],
          );
          if (rows[0]?.wait_event_type === 'Lock') break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        pausing.release();
        const outcomes = await Promise.allSettled([running, waiting]);
        expect(
          outcomes.map((outcome) =>
            outcome.status === 'fulfilled' ? 'done' : String(outcome.reason),
          ),
        ).toEqual(['done', 'done']);
        expect(await setup.configuration()).toEqual({ model: 'm2', dimensions: 2 });
      } finally {
        await pausing.pool.end();
        await other.pool.end();
      }
    }

    const reconfigure = (index: PostgresVectorIndex) => index.configure('m2', 2);

    it('when the write locked first', async () => {
      await interleave(WRITING_VECTORS, write, reconfigure);
    });

    it('when the reconfiguration locked first', async () => {
      await interleave(WRITING_META, reconfigure, write);
    });
  });

  it('stores vectors as bytes when the server has no pgvector', async () => {
    const { rows } = await admin.query(
      `SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`,
    );
    const store = await openPostgresStore(POSTGRES_URL, { schema });
    stores.push(store);
    await admin.query('DROP TABLE IF EXISTS chunk_vectors');
    await admin.query('DELETE FROM vector_meta');
    await store.vectors.configure('m', 2);
    expect(await store.vectors.storage()).toBe(rows.length > 0 ? 'pgvector' : 'bytea');
  });
});
