// A PostgreSQL knowledge base keeps the stems its chunks were ingested with. These tests build
// a database as the program before the last stemming change left it, and open it with this one.
import { stemmer } from 'stemmer';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createPostgresPool,
  openPostgresStore,
  PostgresDatabase,
  type DocumentInput,
  type PostgresStore,
} from '../src/store/index.js';
import { searchWords, STEMMING_REVISION } from '../src/store/lexical/search-text.js';
import { recomputeTerms, type TermsRecomputed } from '../src/store/postgres/recompute-terms.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';

const doc = (
  docKey: string,
  title: string,
  chunks: Array<[headingPath: string[], text: string]>,
): DocumentInput => ({
  docKey,
  title,
  format: 'markdown',
  contentHash: docKey,
  chunks: chunks.map(([headingPath, text], ordinal) => ({ ordinal, headingPath, text })),
});

// Chunks with "customer(s)" and "customs", which the original stemmer made one stem, "custom".
const HELP_CENTER = [
  doc('contact', 'Contact us', [
    [['Customer service'], 'Customers reach our customer service by phone, every day.'],
    [['Customer service', 'Email'], 'Write to the customer service team at any time.'],
  ]),
  doc('shipping', 'Shipping abroad', [[['Customs'], 'Customs duties are paid on delivery.']]),
  doc('returns', 'Returns', [[[], 'Send the parcel back within 30 days.']]),
];
const ATTACHMENT = [doc('notes', 'My notes', [[[], 'The customer number is on the invoice.']])];

/** A stem as the original stemmer (revision 0) made it: Porter as FTS5's, nothing of its own. */
function originalStem(word: string): string {
  const bytes = Buffer.byteLength(word);
  return bytes < 3 || bytes > 64 ? word : stemmer(word);
}

/** A chunk's row as far as stemming made it. */
interface StoredTerms {
  id: number;
  terms: string;
  title_terms: string;
  words: number;
  title_words: number;
}

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

describe.runIf(postgresUp)('a PostgreSQL knowledge base stemmed by an older program', () => {
  const schemas: string[] = [];
  const closing: Array<{ close(): Promise<unknown> }> = [];
  const admin = createPostgresPool(POSTGRES_URL);

  afterAll(async () => {
    await Promise.all(closing.map((item) => item.close()));
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  /** The store on `schema`, every recompute it reports put in `told`. */
  const open = async (schema: string, told: TermsRecomputed[] = []): Promise<PostgresStore> => {
    const store = await openPostgresStore(POSTGRES_URL, {
      schema,
      onTermsRecomputed: (done) => told.push(done),
    });
    closing.push(store);
    return store;
  };
  const inSchema = (schema: string) => {
    const db = new PostgresDatabase(createPostgresPool(POSTGRES_URL, { schema }), POSTGRES_URL);
    closing.push({ close: () => db.pool.end() });
    return db;
  };

  /** A new database with the help center and an attachment, and its rows as ingestion wrote them. */
  const ingested = async () => {
    const schema = uniqueName('t');
    schemas.push(schema);
    const told: TermsRecomputed[] = [];
    const store = await open(schema, told);
    await store.knowledge.replaceSource('kb', 'help.md', 'h1', HELP_CENTER);
    await store.knowledge.replaceSource('session:s1', 'notes.txt', 'h1', ATTACHMENT);
    const db = inSchema(schema);
    // A new database is at the current revision from its first start, with nothing to tell.
    expect(await revisionOf(db)).toBe(STEMMING_REVISION);
    expect(told).toEqual([]);
    return { schema, db, fresh: await storedTerms(db) };
  };

  const storedTerms = (db: PostgresDatabase) =>
    db.query<StoredTerms>(
      `SELECT id, terms::text AS terms, title_terms::text AS title_terms, words, title_words
       FROM chunks ORDER BY id`,
    );
  const revisionOf = async (db: PostgresDatabase) =>
    (await db.query<{ revision: number }>('SELECT revision FROM stemming'))[0]?.revision;

  /** Every chunk's terms as the original stemmer wrote them, and the revision that says so. */
  const makeOriginal = async (db: PostgresDatabase, revision = 0) => {
    const rows = await db.query<{ id: number; title: string; heading_path: string; text: string }>(
      'SELECT id, title, heading_path, text FROM chunks',
    );
    for (const row of rows) {
      const title = [...searchWords(row.title), ...searchWords(row.heading_path)].map(originalStem);
      const all = [...title, ...searchWords(row.text).map(originalStem)];
      await db.query(
        `UPDATE chunks SET terms = to_tsvector('pg_catalog.simple', $2),
                           title_terms = to_tsvector('pg_catalog.simple', $3)
         WHERE id = $1`,
        [row.id, all.join(' '), title.join(' ')],
      );
    }
    await db.query('UPDATE stemming SET revision = $1', [revision]);
  };

  const search = async (store: PostgresStore, terms: string[]) => {
    const hits = await store.knowledge.searchLexical({
      terms,
      scopes: ['kb'],
      limit: 5,
      titleWeight: 3,
      postingBudget: 500,
    });
    return hits.map((hit) => `${hit.title} / ${hit.headingPath.join(' / ')}`);
  };

  it('finds "customer" and "customs" apart once opened again, its rows as a fresh ingest writes them', async () => {
    const { schema, db, fresh } = await ingested();
    await makeOriginal(db);
    const original = await storedTerms(db);
    expect(original.filter((row) => row.terms.includes("'customer'"))).toEqual([]);
    expect(original.filter((row) => row.terms.includes("'custom'"))).toHaveLength(4);

    const told: TermsRecomputed[] = [];
    const store = await open(schema, told);
    expect(await search(store, ['customers'])).toEqual([
      'Contact us / Customer service',
      'Contact us / Customer service / Email',
    ]);
    expect((await search(store, ['customer', 'service']))[0]).toBe('Contact us / Customer service');
    expect(await search(store, ['customs'])).toEqual(['Shipping abroad / Customs']);
    // The spelling vocabulary is read from the same stems.
    expect(await store.knowledge.correctSpelling(['custmer'])).toEqual(
      new Map([['custmer', 'customer']]),
    );
    expect(await storedTerms(db)).toEqual(fresh);
    expect(await revisionOf(db)).toBe(STEMMING_REVISION);
    // Every scope's chunks: the attachment's too.
    expect(told).toMatchObject([{ from: 0, to: STEMMING_REVISION, chunks: 5, changed: 4 }]);
  });

  it('recomputes once: opened again at the current revision, it rewrites nothing', async () => {
    const { schema, db, fresh } = await ingested();
    await makeOriginal(db);
    const told: TermsRecomputed[] = [];
    await open(schema, told);
    expect(told).toHaveLength(1);
    expect(await storedTerms(db)).toEqual(fresh);

    // A row changed behind the store's back stays as it is: the next start reads no chunk.
    const [first] = fresh;
    await db.query(
      `UPDATE chunks SET terms = to_tsvector('pg_catalog.simple', 'x') WHERE id = $1`,
      [first?.id],
    );
    await open(schema, told);
    expect(told).toHaveLength(1);
    expect((await storedTerms(db))[0]?.terms).toBe("'x':1");
  });

  it('recomputes once when two instances open the database together', async () => {
    const { schema, db, fresh } = await ingested();
    await makeOriginal(db);
    const told: TermsRecomputed[] = [];
    const [a, b] = await Promise.all([open(schema, told), open(schema, told)]);
    expect(told).toMatchObject([{ chunks: 5, changed: 4 }]);
    expect(await storedTerms(db)).toEqual(fresh);
    expect(await search(a, ['customers'])).toHaveLength(2);
    expect(await search(b, ['customs'])).toEqual(['Shipping abroad / Customs']);
  });

  it('does the work again at the next start when it stopped half-way', async () => {
    const { schema, db, fresh } = await ingested();
    await makeOriginal(db);
    const [first, second] = fresh;
    // The second chunk cannot be written: the process "dies" at the second batch.
    await db.query(`CREATE FUNCTION "${schema}".refuse() RETURNS trigger LANGUAGE plpgsql
                    AS $$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$`);
    await db.query(`CREATE TRIGGER refuse BEFORE UPDATE ON chunks FOR EACH ROW
                    WHEN (OLD.id = ${Number(second?.id)}) EXECUTE FUNCTION "${schema}".refuse()`);
    await expect(recomputeTerms(db, { schema, batchSize: 1 })).rejects.toThrow(/disk is full/);
    expect(await revisionOf(db)).toBe(0);
    const half = await storedTerms(db);
    expect(half[0]).toEqual(first);
    expect(half[1]?.terms).toContain("'custom'");

    await db.query('DROP TRIGGER refuse ON chunks');
    const told: TermsRecomputed[] = [];
    await open(schema, told);
    expect(told).toMatchObject([{ chunks: 5, changed: 3 }]);
    expect(await storedTerms(db)).toEqual(fresh);
    expect(await revisionOf(db)).toBe(STEMMING_REVISION);
  });

  it("counts the words again with each scope's totals when a revision changed them", async () => {
    const { schema, db, fresh } = await ingested();
    const totals = () =>
      db.query(
        'SELECT scope, chunks, words, title_words, asking_chunks FROM chunk_totals ORDER BY scope',
      );
    const before = await totals();
    await makeOriginal(db);
    // As if the original cut one word more from every title and text, and counted them.
    await db.query('UPDATE chunks SET words = words + 2, title_words = title_words + 1');
    await db.query(
      'UPDATE chunk_totals SET words = words + 2 * chunks, title_words = title_words + chunks',
    );
    await open(schema);
    expect(await storedTerms(db)).toEqual(fresh);
    expect(await totals()).toEqual(before);
  });

  it("gives a database a newer program left this program's stems", async () => {
    const { schema, db, fresh } = await ingested();
    // The stems a newer revision made, as far as this program can tell: not its own.
    await makeOriginal(db, STEMMING_REVISION + 1);
    const told: TermsRecomputed[] = [];
    const store = await open(schema, told);
    expect(told).toMatchObject([{ from: STEMMING_REVISION + 1, to: STEMMING_REVISION }]);
    expect(await storedTerms(db)).toEqual(fresh);
    expect(await search(store, ['customers'])).toHaveLength(2);
  });
});
