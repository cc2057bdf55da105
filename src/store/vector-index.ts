import { AppError } from '../errors/index.js';

/** A chunk's vector, to store. */
export interface VectorItem {
  chunkId: number;
  vector: Float32Array;
}

/** A nearest neighbour: smaller `distance` is closer (cosine distance, 0 to 2). */
export interface VectorHit {
  chunkId: number;
  distance: number;
}

/** Options of {@link VectorIndex.search}. */
export interface VectorSearchOptions {
  /** Neighbours to return; at most {@link MAX_VECTOR_SEARCH_LIMIT}. */
  limit: number;
  /** When given, only these chunks are candidates (filtered before `limit`). */
  chunkIds?: readonly number[];
}

/** The model and dimension of the vectors an index holds. */
export interface VectorConfiguration {
  model: string;
  dimensions: number;
}

/** Larger search limits are clamped to this (sqlite-vec refuses a KNN query with `k` above it). */
export const MAX_VECTOR_SEARCH_LIMIT = 4096;

/**
 * Chunk vectors and nearest-neighbour search by cosine distance: the port dense retrieval uses,
 * implemented on SQLite (sqlite-vec) and on PostgreSQL (pgvector, or an exact search when the
 * extension is missing). It lives with the store because it is persistence of chunks, and the
 * store's factories hand it out.
 *
 * A search knows nothing of scopes: a caller that searches some scopes either passes their
 * chunk ids or over-fetches and filters.
 *
 * A vector never outlives its chunk: the database deletes it in the statement that deletes the
 * chunk, whoever deletes it — an instance without dense retrieval included — and stores none
 * for a chunk that no longer exists. A vector of a deleted passage would otherwise take a
 * place among the nearest, and it still carries the passage's content.
 */
export interface VectorIndex {
  /** The model and dimension of the stored vectors, once configured. */
  configuration(): Promise<VectorConfiguration | undefined>;
  /**
   * Says which model's vectors the index holds. The first call records it; a call with another
   * model or dimension drops every stored vector — vectors of different models are not
   * comparable — and returns `rebuilt: true`, so the caller knows to embed every chunk again.
   */
  configure(model: string, dimensions: number): Promise<{ rebuilt: boolean }>;
  /**
   * Stores the vectors of these chunks, replacing any they had, atomically. A chunk deleted
   * meanwhile (while its text was being embedded) is left out.
   */
  upsert(items: readonly VectorItem[]): Promise<void>;
  /** Removes the vectors of these chunks, in one statement; ids without a vector are ignored. */
  delete(chunkIds: readonly number[]): Promise<void>;
  /**
   * The ids of every chunk that has a vector, ascending (none before the index is configured):
   * chunks that exist, since a vector goes with its chunk.
   */
  chunkIds(): Promise<number[]>;
  /** Which of these chunks have no vector yet, in the order given, each once. */
  missing(chunkIds: readonly number[]): Promise<number[]>;
  /**
   * The ids of the chunks of `scope` that have no vector yet, ascending (all of them before the
   * index is configured). Found in the database, which holds the chunks beside the vectors, so
   * only the chunks without one are read out: none, once indexing has caught up.
   */
  missingIn(scope: string): Promise<number[]>;
  /**
   * Removes the vectors of chunks that no longer exist and says how many: none, normally, since
   * a vector goes with its chunk, so this only reads. The stale ones are found in the database
   * (vectors without a chunk), never by listing every id.
   */
  removeStale(): Promise<number>;
  /** How many vectors are stored. */
  count(): Promise<number>;
  /**
   * The `limit` chunks nearest to `vector`, nearest first. An index not yet configured answers
   * `[]`; a vector of the wrong dimension is an `invalid_input` error.
   */
  search(vector: Float32Array, options: VectorSearchOptions): Promise<VectorHit[]>;
}

/** `id`, when it is a safe integer; an `invalid_input` error otherwise. */
export function checkChunkId(id: number): number {
  if (!Number.isSafeInteger(id)) {
    throw new AppError('invalid_input', `A chunk id must be an integer, not ${id}`);
  }
  return id;
}

/** Throws `invalid_input` unless `dimensions` is a positive integer. */
export function checkDimensions(dimensions: number): void {
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new AppError(
      'invalid_input',
      `A vector dimension must be a positive integer, not ${dimensions}`,
    );
  }
}

/**
 * Throws `invalid_input` unless `vector` has `dimensions` finite values and is not all zeros.
 * `what` names it in the message ("the query vector").
 */
export function checkVector(vector: Float32Array, dimensions: number, what: string): void {
  if (vector.length !== dimensions) {
    throw new AppError(
      'invalid_input',
      `${capitalise(what)} has ${vector.length} dimensions; the index holds vectors of ${dimensions}`,
      { details: { expected: dimensions, actual: vector.length } },
    );
  }
  let norm = 0;
  for (const x of vector) {
    if (!Number.isFinite(x))
      throw new AppError(
        'invalid_input',
        `${capitalise(what)} has a value that is not a finite number`,
      );
    norm += x * x;
  }
  // A zero vector has no cosine distance to anything (sqlite-vec makes it NULL, which sorts
  // before every real distance): stored, it would be every query's nearest neighbour.
  if (norm === 0)
    throw new AppError('invalid_input', `${capitalise(what)} is all zeros: it has no direction`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
