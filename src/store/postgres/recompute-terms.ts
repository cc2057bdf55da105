import type { PoolClient, QueryResultRow } from 'pg';
import { STEMMING_REVISION } from '../lexical/search-text.js';
import { chunkTerms, termsVector, type ChunkTerms } from './chunk-terms.js';
import { addTotals, combine, noTotals, type Totals } from './chunk-totals.js';
import type { PostgresDatabase, Queryable } from './database.js';
import { toStoreError } from './errors.js';
import { fromDbText } from './text-codec.js';

/** What {@link recomputeTerms} did, for a log line. */
export interface TermsRecomputed {
  /** The stemming revision the chunks' terms were stored at. */
  from: number;
  /** The revision they are stored at now: the program's. */
  to: number;
  /** Chunks read. */
  chunks: number;
  /** Chunks whose terms (or word counts) differed, and were written again. */
  changed: number;
  /** How long it took, in milliseconds. */
  ms: number;
}

/** Options of {@link recomputeTerms}. */
export interface RecomputeTermsOptions {
  /** The schema of the tables, as given to `migratePostgres`: it names the lock. */
  schema?: string;
  /** Chunks read and written per transaction; 1,000 by default. */
  batchSize?: number;
}

/** A chunk's row as it is read to be stemmed again. */
interface ChunkRow {
  id: number;
  scope: string;
  title: string;
  heading_path: string;
  text: string;
  words: number;
  title_words: number;
}

// A row is written only where something differs, so that a revision which changes a few words'
// stems rewrites only the chunks that have them (and a second run, none).
const REWRITE = `
  UPDATE chunks c
  SET terms = n.terms, title_terms = n.title_terms, words = n.words, title_words = n.title_words
  FROM (SELECT u.id, ${termsVector('u.indexed')} AS terms,
               ${termsVector('u.title_indexed')} AS title_terms, u.words, u.title_words
        FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::integer[])
             AS u(id, indexed, title_indexed, words, title_words)) AS n
  WHERE c.id = n.id
    AND (c.terms, c.title_terms, c.words, c.title_words)
        IS DISTINCT FROM (n.terms, n.title_terms, n.words, n.title_words)
  RETURNING c.id`;

/**
 * Brings the chunks' stored terms to the program's stemming revision (`STEMMING_REVISION`):
 * when the database's (table `stemming`) differs, every chunk's `terms` and `title_terms`, and
 * its word counts with the totals of its scope, are made again from its stored title, heading
 * path and text by `chunkTerms`, as ingestion makes them. Returns what it did, or `null` when
 * the revision was current.
 *
 * Chunks are read in order of id, `batchSize` at a time, each batch written in a transaction of
 * its own; the revision is written after the last. A process that dies half-way leaves the
 * revision as it was, and the next start does it again (a chunk already done is not written
 * twice). Instances starting together take turns on an advisory lock of the schema, held on a
 * connection of its own so that it ends with the process; one that gets it after another did
 * the work finds the revision current. Since a chunk's row is only ever inserted or deleted,
 * never changed, a write of another instance meanwhile cannot be undone by this one.
 *
 * A database at another revision than the program's, newer too (an older program started on a
 * database a newer one left), gets the program's: the stems are then always those its queries
 * are stemmed with, and the newer program does it again when it starts. Instances of two
 * revisions running together each miss the words whose stem changed while the other one's stems
 * are stored; an instance from before migration 10 does not start on a migrated database.
 *
 * @example
 * const done = await recomputeTerms(db, { schema: 'support' });
 * if (done) log.info(done, `search terms of ${done.chunks} chunks recomputed`);
 */
export async function recomputeTerms(
  db: PostgresDatabase,
  options: RecomputeTermsOptions = {},
): Promise<TermsRecomputed | null> {
  // Most starts find the revision current: they read one row and wait for no lock.
  if ((await storedRevision(db)) === STEMMING_REVISION) return null;
  return onLockedConnection(db, options.schema ?? '', async (conn) => {
    const from = await storedRevision(conn);
    if (from === STEMMING_REVISION) return null;
    const started = performance.now();
    const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1_000));
    let chunks = 0;
    let changed = 0;
    let after = 0;
    for (;;) {
      const rows = await conn.query<ChunkRow>(
        `SELECT id, scope, title, heading_path, text, words, title_words FROM chunks
         WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, batchSize],
      );
      const last = rows.at(-1);
      if (last === undefined) break;
      after = last.id;
      chunks += rows.length;
      changed += await rewrite(conn, rows);
    }
    await conn.query(
      `INSERT INTO stemming (revision) VALUES ($1)
       ON CONFLICT (singleton) DO UPDATE SET revision = excluded.revision`,
      [STEMMING_REVISION],
    );
    return {
      from,
      to: STEMMING_REVISION,
      chunks,
      changed,
      ms: Math.round(performance.now() - started),
    };
  });
}

/** The stored revision; the original's for a database that has lost its row. */
async function storedRevision(db: Queryable): Promise<number> {
  const [row] = await db.query<{ revision: number }>('SELECT revision FROM stemming');
  return row?.revision ?? 0;
}

/** Writes one batch's terms again where they differ; returns how many chunks changed. */
async function rewrite(conn: Queryable, rows: readonly ChunkRow[]): Promise<number> {
  const terms = new Map<number, ChunkTerms>(
    rows.map((row) => [
      row.id,
      chunkTerms(fromDbText(row.title), fromDbText(row.heading_path), fromDbText(row.text)),
    ]),
  );
  const made = [...terms.values()];
  await conn.query('BEGIN');
  const written = await conn.query<{ id: number }>(REWRITE, [
    [...terms.keys()],
    made.map((t) => t.indexed),
    made.map((t) => t.titleIndexed),
    made.map((t) => t.words),
    made.map((t) => t.titleWords),
  ]);
  // Word counts change only with word boundaries, not with stems; where they do, the totals
  // search normalises by change with them, in the same transaction.
  const sums = new Map<string, Totals>();
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const { id } of written) {
    const row = byId.get(id);
    const now = terms.get(id);
    if (!row || !now) continue;
    const change = {
      ...noTotals(),
      words: now.words - row.words,
      titleWords: now.titleWords - row.title_words,
    };
    sums.set(row.scope, combine(sums.get(row.scope) ?? noTotals(), change));
  }
  await addTotals(conn, sums);
  await conn.query('COMMIT');
  return written.length;
}

/**
 * Runs `work` on a connection of its own that holds the advisory lock of `schema`'s terms.
 * A connection on which anything failed is closed rather than given back to the pool: its
 * lock, and a transaction left open, end with it.
 */
async function onLockedConnection<T>(
  db: PostgresDatabase,
  schema: string,
  work: (conn: Queryable) => Promise<T>,
): Promise<T> {
  let client: PoolClient;
  try {
    client = await db.pool.connect();
  } catch (error) {
    throw toStoreError(error, db.target);
  }
  const conn: Queryable = {
    query: async <R extends QueryResultRow>(text: string, values?: unknown[]) => {
      try {
        return (await client.query<R>(text, values)).rows;
      } catch (error) {
        throw toStoreError(error, db.target);
      }
    },
  };
  let failed: Error | undefined;
  try {
    await conn.query('SELECT pg_advisory_lock($1, hashtext($2))', [TERMS_LOCK, schema]);
    return await work(conn);
  } catch (error) {
    failed = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    if (!failed) {
      try {
        await conn.query('SELECT pg_advisory_unlock($1, hashtext($2))', [TERMS_LOCK, schema]);
      } catch (error) {
        failed = error as Error;
      }
    }
    client.release(failed);
  }
}

/** The first key of the lock: "sa" + "te" in ASCII, a number no other lock uses. */
const TERMS_LOCK = 0x7361_7465;
