import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../store/sqlite/database.js';
import { SqliteVectorIndex } from './vector-index.js';

const v = (...xs: number[]) => Float32Array.from(xs);

let db: SqliteDatabase;
let index: SqliteVectorIndex;

/** The ids of the chunks the tests below give vectors: a vector is kept only for a stored chunk. */
const CHUNK_IDS = [1, 2, 3, 7, 8, 10, 20, 30, 40, 2 ** 40];

/** Stores one document with chunks of these ids. */
function storeChunks(database: SqliteDatabase, ids: readonly number[]): void {
  database
    .prepare(
      `INSERT INTO documents (id, scope, source, doc_key, title, format, file_hash, content_hash,
         chunk_count, created_at, updated_at) VALUES ('doc', 'kb', 'help.md', '', 'Help', 'markdown', 'h', 'h', ?, '', '')`,
    )
    .run(ids.length);
  const insert = database.prepare(
    `INSERT INTO chunks (id, document_id, scope, ordinal, title, heading_path, text)
     VALUES (?, 'doc', 'kb', 0, 'Help', '', 'A passage.')`,
  );
  database.transaction(() => ids.forEach((id) => insert.run(BigInt(id))))();
}

beforeEach(() => {
  db = openDatabase(':memory:');
  storeChunks(db, CHUNK_IDS);
  index = new SqliteVectorIndex(db);
  index.configure('m', 3);
});

afterEach(() => db.close());

describe('SqliteVectorIndex', () => {
  it('finds the nearest chunks first, by cosine distance', () => {
    index.upsert([
      { chunkId: 10, vector: v(1, 0, 0) },
      { chunkId: 20, vector: v(0, 1, 0) },
      { chunkId: 30, vector: v(1, 1, 0) },
      { chunkId: 40, vector: v(-1, 0, 0) },
    ]);

    const hits = index.search(v(2, 0.5, 0), { limit: 10 });
    expect(hits.map((h) => h.chunkId)).toEqual([10, 30, 20, 40]);
    // Cosine: the length of a vector does not matter, only its direction.
    expect(index.search(v(5, 0, 0), { limit: 1 })).toEqual([{ chunkId: 10, distance: 0 }]);
    expect(hits.at(-1)?.distance).toBeCloseTo(1 + 2 / Math.sqrt(4.25));
    expect(index.search(v(2, 0.5, 0), { limit: 2 }).map((h) => h.chunkId)).toEqual([10, 30]);
  });

  it('searches only the given chunks when asked, before taking the limit', () => {
    index.upsert([
      { chunkId: 1, vector: v(1, 0, 0) },
      { chunkId: 2, vector: v(0.9, 0.1, 0) },
      { chunkId: 3, vector: v(0, 0, 1) },
    ]);
    expect(index.search(v(1, 0, 0), { limit: 1, chunkIds: [3, 2] }).map((h) => h.chunkId)).toEqual([
      2,
    ]);
    expect(index.search(v(1, 0, 0), { limit: 5, chunkIds: [] })).toEqual([]);
  });

  it('replaces the vector of a chunk stored again', () => {
    index.upsert([{ chunkId: 7, vector: v(1, 0, 0) }]);
    index.upsert([{ chunkId: 7, vector: v(0, 0, 1) }]);
    expect(index.count()).toBe(1);
    expect(index.search(v(0, 0, 1), { limit: 1 })).toEqual([{ chunkId: 7, distance: 0 }]);
  });

  it('deletes vectors, ignoring chunks that have none', () => {
    index.upsert([
      { chunkId: 1, vector: v(1, 0, 0) },
      { chunkId: 2, vector: v(0, 1, 0) },
    ]);
    index.delete([1, 99]);
    expect(index.count()).toBe(1);
    expect(index.search(v(1, 0, 0), { limit: 5 }).map((h) => h.chunkId)).toEqual([2]);
  });

  it('says which chunks still need a vector, in the order asked', () => {
    index.upsert([
      { chunkId: 2, vector: v(1, 0, 0) },
      { chunkId: 2 ** 40, vector: v(0, 1, 0) },
    ]);
    expect(index.missing([5, 2, 2 ** 40, 3, 5])).toEqual([5, 3]);
    expect(index.missing([])).toEqual([]);
  });

  it('drops every vector when configured with another model or dimension', () => {
    index.upsert([{ chunkId: 1, vector: v(1, 0, 0) }]);
    expect(index.configure('m', 3)).toEqual({ rebuilt: false });
    expect(index.count()).toBe(1);

    expect(index.configure('other-model', 3)).toEqual({ rebuilt: true });
    expect(index.count()).toBe(0);
    expect(index.missing([1])).toEqual([1]);

    expect(index.configure('other-model', 4)).toEqual({ rebuilt: true });
    index.upsert([{ chunkId: 1, vector: v(0, 0, 0, 1) }]);
    expect(index.search(v(0, 0, 0, 1), { limit: 1 })).toEqual([{ chunkId: 1, distance: 0 }]);
  });

  it('remembers its model and vectors across instances on the same database', () => {
    index.upsert([{ chunkId: 1, vector: v(1, 0, 0) }]);
    const reopened = new SqliteVectorIndex(db);
    expect(reopened.configuration).toEqual({ model: 'm', dimensions: 3 });
    expect(reopened.configure('m', 3)).toEqual({ rebuilt: false });
    expect(reopened.search(v(1, 0, 0), { limit: 1 })).toEqual([{ chunkId: 1, distance: 0 }]);
  });

  it('refuses a vector of the wrong dimension with a clear invalid_input error', () => {
    expect(() => index.search(v(1, 0), { limit: 1 })).toThrow(
      expect.objectContaining({
        code: 'invalid_input',
        message: 'The query vector has 2 dimensions; the index holds vectors of 3',
      }),
    );
    expect(() =>
      index.upsert([
        { chunkId: 1, vector: v(1, 0, 0) },
        { chunkId: 2, vector: v(1, 0, 0, 0) },
      ]),
    ).toThrow('The vector of chunk 2 has 4 dimensions; the index holds vectors of 3');
    expect(index.count()).toBe(0);
  });

  it('refuses vectors that cosine distance cannot rank, and ids that are not integers', () => {
    // A zero vector has no direction; sqlite-vec would rank it first for every query.
    expect(() => index.upsert([{ chunkId: 1, vector: v(0, 0, 0) }])).toThrow(/all zeros/);
    expect(() => index.upsert([{ chunkId: 1, vector: v(1, NaN, 0) }])).toThrow(/finite/);
    expect(() => index.upsert([{ chunkId: 1.5, vector: v(1, 0, 0) }])).toThrow(/integer/);
  });

  it('deletes a vector with its chunk, whoever deletes the chunk', () => {
    index.upsert([
      { chunkId: 1, vector: v(1, 0, 0) },
      { chunkId: 2, vector: v(0, 1, 0) },
    ]);
    // As the knowledge repository deletes a document's passages, knowing nothing of vectors.
    db.prepare('DELETE FROM chunks WHERE id = 1').run();
    expect(index.chunkIds()).toEqual([2]);
    expect(index.search(v(1, 0, 0), { limit: 5 }).map((h) => h.chunkId)).toEqual([2]);
    // Still so for the table made again for another model.
    index.configure('other', 3);
    index.upsert([{ chunkId: 2, vector: v(0, 1, 0) }]);
    db.prepare('DELETE FROM documents').run();
    expect(index.count()).toBe(0);
  });

  it('stores no vector for a chunk deleted while it was being embedded', () => {
    db.prepare('DELETE FROM chunks WHERE id = 7').run();
    index.upsert([
      { chunkId: 7, vector: v(1, 0, 0) },
      { chunkId: 8, vector: v(0, 1, 0) },
    ]);
    expect(index.chunkIds()).toEqual([8]);
  });

  it('removes, on opening, the vectors an earlier version left to deleted chunks', () => {
    index.upsert([
      { chunkId: 1, vector: v(1, 0, 0) },
      { chunkId: 2, vector: v(0, 1, 0) },
    ]);
    // A file of an earlier version: no trigger, and a chunk deleted after its vector was stored.
    db.exec('DROP TRIGGER chunk_vectors_follow');
    db.prepare('DELETE FROM chunks WHERE id = 1').run();
    expect(index.chunkIds()).toEqual([1, 2]);
    const reopened = new SqliteVectorIndex(db);
    expect(reopened.chunkIds()).toEqual([2]);
    expect(reopened.search(v(1, 0, 0), { limit: 5 }).map((h) => h.chunkId)).toEqual([2]);
    db.prepare('DELETE FROM chunks WHERE id = 2').run();
    expect(reopened.count()).toBe(0);
  });

  it('must be configured before it stores vectors; unconfigured, it holds nothing', () => {
    const other = openDatabase(':memory:');
    const fresh = new SqliteVectorIndex(other);
    expect(fresh.configuration).toBeUndefined();
    expect(() => fresh.upsert([{ chunkId: 1, vector: v(1) }])).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    expect(fresh.count()).toBe(0);
    expect(fresh.missing([1, 2])).toEqual([1, 2]);
    expect(fresh.search(v(1), { limit: 3 })).toEqual([]);
    expect(fresh.configure('m', 1)).toEqual({ rebuilt: false });
    other.close();
  });

  it('clamps a limit above what sqlite-vec allows instead of failing', () => {
    index.upsert([{ chunkId: 1, vector: v(1, 0, 0) }]);
    expect(index.search(v(1, 0, 0), { limit: 100_000 })).toHaveLength(1);
    expect(index.search(v(1, 0, 0), { limit: 0 })).toEqual([]);
  });
});
