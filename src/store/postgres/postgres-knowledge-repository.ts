import { randomUUID } from 'node:crypto';
import type {
  ChunkHit,
  DocumentInput,
  DocumentPage,
  DocumentPosition,
  DocumentRecord,
  KeptFile,
  KnowledgeRepository,
  LexicalQuery,
  ReplaceResult,
  SourceWrite,
} from '../knowledge-repository.js';
import { unmetExpectation } from '../knowledge-repository.js';
import type { PostgresDatabase, Queryable } from './database.js';
import { joinHeadingPath } from '../heading-path.js';
import { searchLexical, toHit, type HitRow } from './lexical-search.js';
import { searchWords, stem, titleAsks } from '../lexical/search-text.js';
import {
  allowedEdits,
  correctable,
  fileByInitial,
  HELP_CENTER_SCOPE,
  nearestTerm,
  type KnownTerm,
} from '../lexical/spelling.js';
import { fromDbText, toDbText } from './text-codec.js';
import { chunkTerms, termsVector } from './chunk-terms.js';
import { addTotals, combine, noTotals, type Totals } from './chunk-totals.js';

interface DocumentRow {
  id: string;
  scope: string;
  source: string;
  doc_key: string;
  title: string;
  url: string | null;
  format: string;
  file_hash: string;
  content_hash: string;
  chunk_count: number;
  created_at: string;
  updated_at: string;
}

function toRecord(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    scope: row.scope,
    source: row.source,
    docKey: row.doc_key,
    title: fromDbText(row.title),
    url: row.url,
    format: row.format,
    fileHash: row.file_hash,
    contentHash: row.content_hash,
    chunkCount: row.chunk_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const INSERT_CHUNKS = `
  INSERT INTO chunks (document_id, scope, ordinal, title, heading_path, text, words, title_words,
                      terms, title_terms, title_asks)
  SELECT u.document_id, $1, u.ordinal, u.title, u.heading_path, u.text, u.words, u.title_words,
         ${termsVector('u.indexed')}, ${termsVector('u.title_indexed')}, u.title_asks
  FROM unnest($2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::integer[],
              $8::integer[], $9::text[], $10::text[], $11::boolean[]) WITH ORDINALITY
       AS u(document_id, ordinal, title, heading_path, text, words, title_words, indexed,
            title_indexed, title_asks, position)
  ORDER BY u.position`;

/**
 * The knowledge base on PostgreSQL: documents and chunks in tables, lexical search with the
 * full-text search of PostgreSQL scored as BM25 (see `lexical-search.ts`), every source replaced
 * in one transaction. Writers of one source, in any process, take turns (an advisory lock of
 * the source), so two instances ingesting the same file cannot interleave.
 *
 * @example
 * const knowledge = new PostgresKnowledgeRepository(db);
 * await knowledge.replaceSource('kb', 'faq.md', fileHash, documents);
 */
/** How long the vocabulary read for spelling corrections is used before it is read again. */
const VOCABULARY_TTL_MS = 30_000;

/** The stems of the help center's chunks, for spelling corrections. */
interface Vocabulary {
  terms: Map<string, KnownTerm>;
  byInitial: Map<string, Array<[string, KnownTerm]>>;
  /** A word of the help center for each stem looked up (see `#writtenAs`), null for none. */
  written: Map<string, string | null>;
  /**
   * For each stem of four letters or fewer looked up, a word of five letters or more the help
   * center writes with it ("shipping" of "ship"), null for none (see `#longWord`).
   */
  longWords: Map<string, string | null>;
}

/** How many chunks `#longWord` reads for a word of a short stem. */
const LONG_WORD_CHUNKS = 10;

/** How many short stems one word's correction looks up (see `#longWord`) before it stops. */
const LONG_WORD_LOOKUPS = 3;

/** A read of the vocabulary: when it began, the read, and what it gave once done. */
interface VocabularyEntry {
  readAt: number;
  read: Promise<Vocabulary>;
  value?: Vocabulary;
  /** The vocabulary read before, which answers while this one is read. */
  previous?: Vocabulary;
}

export class PostgresKnowledgeRepository implements KnowledgeRepository {
  readonly #db: PostgresDatabase;
  readonly #now: () => Date;
  #cachedVocabulary: VocabularyEntry | undefined;

  constructor(db: PostgresDatabase, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  async documentsOf(scope: string, source: string): Promise<DocumentRecord[]> {
    const rows = await this.#db.query<DocumentRow>(
      'SELECT * FROM documents WHERE scope = $1 AND source = $2 ORDER BY doc_key COLLATE "C"',
      [scope, source],
    );
    return rows.map(toRecord);
  }

  async documents(
    scope: string,
    options: { limit: number; offset?: number; after?: DocumentPosition },
  ): Promise<DocumentPage> {
    const [rows, [count]] = await Promise.all([
      // Compared as they are sorted, by code point ("C"), not by the database's language.
      this.#db.query<DocumentRow>(
        `SELECT * FROM documents WHERE scope = $1
           AND ($4::text IS NULL OR source COLLATE "C" > $4
                OR (source = $4 AND doc_key COLLATE "C" > $5))
         ORDER BY source COLLATE "C", doc_key COLLATE "C" LIMIT $2 OFFSET $3`,
        [
          scope,
          options.limit,
          options.offset ?? 0,
          options.after?.source ?? null,
          options.after?.docKey ?? null,
        ],
      ),
      this.#db.query<{ n: number }>('SELECT count(*) AS n FROM documents WHERE scope = $1', [
        scope,
      ]),
    ]);
    return { items: rows.map(toRecord), total: count?.n ?? 0 };
  }

  async document(id: string): Promise<DocumentRecord | null> {
    const [row] = await this.#db.query<DocumentRow>('SELECT * FROM documents WHERE id = $1', [id]);
    return row ? toRecord(row) : null;
  }

  async replaceSource(
    scope: string,
    source: string,
    fileHash: string,
    documents: DocumentInput[],
  ): Promise<ReplaceResult> {
    return this.#changing([scope], () => this.#replaceSource(scope, source, fileHash, documents));
  }

  async #replaceSource(
    scope: string,
    source: string,
    fileHash: string,
    documents: DocumentInput[],
  ): Promise<ReplaceResult> {
    return this.#db.transaction(async (tx) => {
      await lockSources(tx, [{ scope, source }]);
      const { result, totals } = await this.#replace(tx, { scope, source, fileHash, documents });
      await addTotals(tx, new Map([[scope, totals]]));
      return result;
    });
  }

  async replaceSources(batch: SourceWrite[]): Promise<Array<ReplaceResult | Error>> {
    return this.#changing(
      batch.map((item) => item.scope),
      () => this.#replaceSources(batch),
    );
  }

  async #replaceSources(batch: SourceWrite[]): Promise<Array<ReplaceResult | Error>> {
    if (batch.length === 0) return [];
    return this.#db.transaction(async (tx) => {
      await lockSources(tx, batch);
      const sums = new Map<string, Totals>();
      const results: Array<ReplaceResult | Error> = [];
      // A savepoint per source: one that fails is rolled back alone.
      for (const item of batch) {
        await tx.query('SAVEPOINT source');
        try {
          const { result, totals } = await this.#replace(tx, item);
          if (item.file) await this.#keep(tx, item.scope, item.source, item.file);
          await tx.query('RELEASE SAVEPOINT source');
          sums.set(item.scope, combine(sums.get(item.scope) ?? noTotals(), totals));
          results.push(result);
        } catch (error) {
          await tx.query('ROLLBACK TO SAVEPOINT source');
          results.push(error instanceof Error ? error : new Error(String(error)));
        }
      }
      await addTotals(tx, sums);
      return results;
    });
  }

  async #replace(
    tx: Queryable,
    { scope, source, fileHash, documents, expect }: SourceWrite,
  ): Promise<{ result: ReplaceResult; totals: Totals }> {
    const now = this.#now().toISOString();
    // Read once the source's lock is held (see lockSources): a delete or a write of the source by
    // any instance has committed before, or waits until this transaction ends.
    const rows = await tx.query<{
      id: string;
      doc_key: string;
      content_hash: string;
      file_hash: string;
    }>(
      'SELECT id, doc_key, content_hash, file_hash FROM documents WHERE scope = $1 AND source = $2',
      [scope, source],
    );
    const unmet = unmetExpectation(
      { source, expect },
      rows.map((row) => row.file_hash),
    );
    if (unmet) throw unmet;
    const existing = new Map(rows.map((row) => [row.doc_key, row]));
    const result: ReplaceResult = {
      added: 0,
      updated: 0,
      unchanged: 0,
      removed: 0,
      chunksWritten: 0,
    };
    const touched: string[] = [];
    const cleared: string[] = [];
    const written: Array<{ id: string; doc: DocumentInput }> = [];
    for (const doc of documents) {
      const old = existing.get(doc.docKey);
      existing.delete(doc.docKey);
      const fields = [
        toDbText(doc.title),
        doc.url ?? null,
        doc.format,
        fileHash,
        doc.contentHash,
        doc.chunks.length,
        now,
      ];
      if (old && old.content_hash === doc.contentHash) {
        if (old.file_hash !== fileHash) touched.push(old.id);
        result.unchanged++;
      } else if (old) {
        cleared.push(old.id);
        await tx.query(
          `UPDATE documents SET title = $2, url = $3, format = $4, file_hash = $5,
             content_hash = $6, chunk_count = $7, updated_at = $8 WHERE id = $1`,
          [old.id, ...fields],
        );
        written.push({ id: old.id, doc });
        result.updated++;
      } else {
        const id = randomUUID();
        await tx.query(
          `INSERT INTO documents (id, scope, source, doc_key, title, url, format, file_hash,
             content_hash, chunk_count, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
          [id, scope, source, doc.docKey, ...fields],
        );
        written.push({ id, doc });
        result.added++;
      }
    }
    const gone = [...existing.values()].map((row) => row.id);
    result.removed = gone.length;
    if (touched.length > 0) {
      await tx.query('UPDATE documents SET file_hash = $2 WHERE id = ANY($1::text[])', [
        touched,
        fileHash,
      ]);
    }
    // Old chunks go before new ones come: both are found by their document's id.
    const removed = await deleteChunks(tx, [...cleared, ...gone]);
    if (gone.length > 0) await tx.query('DELETE FROM documents WHERE id = ANY($1::text[])', [gone]);
    const added = await insertChunks(tx, scope, written);
    result.chunksWritten = added.chunks;
    return {
      result,
      totals: combine(added, removed, -1),
    };
  }

  async deleteSource(scope: string, source: string): Promise<number> {
    return this.#changing([scope], () => this.#deleteSource(scope, source));
  }

  async #deleteSource(scope: string, source: string): Promise<number> {
    return this.#db.transaction(async (tx) => {
      await lockSources(tx, [{ scope, source }]);
      const ids = (
        await tx.query<{ id: string }>(
          'SELECT id FROM documents WHERE scope = $1 AND source = $2',
          [scope, source],
        )
      ).map((row) => row.id);
      const removed = await deleteChunks(tx, ids);
      await tx.query('DELETE FROM documents WHERE id = ANY($1::text[])', [ids]);
      await tx.query('DELETE FROM source_files WHERE scope = $1 AND source = $2', [scope, source]);
      await addTotals(tx, new Map([[scope, combine(noTotals(), removed, -1)]]));
      return ids.length;
    });
  }

  async deleteScope(
    scope: string,
    options: { files?: 'delete' | 'keep' } = {},
  ): Promise<{ documents: number; chunks: number }> {
    return this.#changing([scope], () =>
      this.#db.transaction(async (tx) => {
        // Each source's writers take turns (see lockSources): a write of one of these sources
        // running now commits before its documents are read below, and is deleted with them.
        const sources = await tx.query<{ source: string }>(
          'SELECT DISTINCT source FROM documents WHERE scope = $1',
          [scope],
        );
        await lockSources(
          tx,
          sources.map(({ source }) => ({ scope, source })),
        );
        const ids = (
          await tx.query<{ id: string }>('SELECT id FROM documents WHERE scope = $1', [scope])
        ).map((row) => row.id);
        const removed = await deleteChunks(tx, ids);
        await tx.query('DELETE FROM documents WHERE id = ANY($1::text[])', [ids]);
        if (options.files !== 'keep') {
          await tx.query('DELETE FROM source_files WHERE scope = $1', [toDbText(scope)]);
        }
        await addTotals(tx, new Map([[scope, combine(noTotals(), removed, -1)]]));
        return { documents: ids.length, chunks: removed.chunks };
      }),
    );
  }

  async keepFile(scope: string, source: string, file: KeptFile): Promise<void> {
    await this.#keep(this.#db, scope, source, file);
  }

  async #keep(db: Queryable, scope: string, source: string, file: KeptFile): Promise<void> {
    await db.query(
      `INSERT INTO source_files (scope, source, name, data, stored_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, source) DO UPDATE SET name = excluded.name, data = excluded.data,
         stored_at = excluded.stored_at`,
      [
        toDbText(scope),
        toDbText(source),
        toDbText(file.name),
        Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength),
        this.#now(),
      ],
    );
  }

  async keptFile(scope: string, source: string): Promise<KeptFile | null> {
    const [row] = await this.#db.query<{ name: string; data: Buffer }>(
      'SELECT name, data FROM source_files WHERE scope = $1 AND source = $2',
      [toDbText(scope), toDbText(source)],
    );
    return row ? { name: fromDbText(row.name), data: row.data } : null;
  }

  async sources(scope: string): Promise<Array<{ source: string; fileHash: string }>> {
    const rows = await this.#db.query<{ source: string; file_hash: string }>(
      `SELECT source, max(file_hash COLLATE "C") AS file_hash FROM documents WHERE scope = $1
       GROUP BY source ORDER BY source COLLATE "C"`,
      [scope],
    );
    return rows.map((row) => ({ source: row.source, fileHash: row.file_hash }));
  }

  async stats(scope?: string): Promise<{ documents: number; chunks: number }> {
    const [row] = await this.#db.query<{ documents: number; chunks: number }>(
      `SELECT (SELECT count(*) FROM documents WHERE $1::text IS NULL OR scope = $1) AS documents,
              (SELECT count(*) FROM chunks WHERE $1::text IS NULL OR scope = $1) AS chunks`,
      [scope ?? null],
    );
    return { documents: row?.documents ?? 0, chunks: row?.chunks ?? 0 };
  }

  async searchLexical(query: LexicalQuery): Promise<ChunkHit[]> {
    return searchLexical(this.#db, query);
  }

  /**
   * As on SQLite (see `nearestTerm`), against the stems the help center's chunks have (never a
   * session's attachments: see `HELP_CENTER_SCOPE`), read with `ts_stat` only when a word could
   * need correcting and kept for {@link VOCABULARY_TTL_MS} (and until this instance changes the
   * help center). PostgreSQL keeps stems, not words: a correction is written as its stem
   * ("refund" where SQLite writes "refunds"), which searches the same, or as a word of the help
   * center where the stem would not (see `#writtenAs`); a stem of four letters or fewer is
   * written as a longer word of the help center (see `#correction`). A question asks nothing of
   * the database for its corrections once the vocabulary is read, but for one look-up by the
   * index of stems of each stem it has first needed since (`#writtenAs`, `#longWord`).
   */
  async correctSpelling(words: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const checked = words.filter(correctable);
    if (checked.length === 0) return out;
    const vocabulary = await this.#vocabulary();
    for (const word of checked) {
      const written = await this.#correction(vocabulary, word);
      if (written !== null) out.set(word, written);
    }
    return out;
  }

  /**
   * The correction of one word, written as the help center writes it. A stem of four letters or
   * fewer may be corrected to only where the help center writes it longer ("ship" as
   * "shipping"), as on SQLite: the nearest such stem is looked up (`#longWord`), and the word
   * corrected again without it where it has no longer word, at most {@link LONG_WORD_LOOKUPS}
   * times; a stem not looked up after that is taken as short.
   */
  async #correction(vocabulary: Vocabulary, word: string): Promise<string | null> {
    const own = stem(word);
    for (let lookups = 0; ; lookups++) {
      const correction = nearestTerm(
        word,
        own,
        (term) => vocabulary.terms.get(term),
        (initial) => vocabulary.byInitial.get(initial) ?? [],
        (term) => {
          if (allowedEdits(term.length) > 0) return true;
          const long = vocabulary.longWords.get(term);
          return long === undefined ? lookups < LONG_WORD_LOOKUPS : long !== null;
        },
      );
      if (correction === null) return null;
      // A short stem known to have no longer word was taken however it is written (an adverb's
      // adjective: see `nearestTerm`), as on SQLite.
      if (allowedEdits(correction.length) > 0 || vocabulary.longWords.get(correction) === null) {
        return this.#writtenAs(vocabulary, correction);
      }
      // Each turn that goes on has looked up a stem not looked up before: the turns end.
      const long = await this.#longWord(vocabulary, correction);
      if (long !== null) return long;
    }
  }

  /**
   * A word of five letters or more that a help-center chunk writes with the stem `term`, of four
   * letters or fewer, or null for none; kept with the vocabulary. Looked for, by the index of
   * stems, in chunks with the stem and a word that starts as the stem does, which the stem of
   * such a word nearly always does ("make" of "making" drops its "e", "tri" of "tried" its "i").
   */
  async #longWord(vocabulary: Vocabulary, term: string): Promise<string | null> {
    const kept = vocabulary.longWords.get(term);
    if (kept !== undefined) return kept;
    if (!/^[a-z]+$/.test(term)) {
      vocabulary.longWords.set(term, null);
      return null;
    }
    const start = /[eiy]$/.test(term) && term.length > 1 ? term.slice(0, -1) : term;
    const rows = await this.#db.query<{ title: string; heading_path: string; text: string }>(
      `SELECT title, heading_path, text FROM chunks
       WHERE scope = $1 AND terms @@ plainto_tsquery('pg_catalog.simple', $2)
         AND concat_ws(' ', title, heading_path, text) ~* $3
       LIMIT ${LONG_WORD_CHUNKS}`,
      [HELP_CENTER_SCOPE, term, `\\m${start}[a-z]{${Math.max(1, 5 - start.length)},}`],
    );
    let long: string | null = null;
    for (const { title, heading_path: headingPath, text } of rows) {
      const words = [title, headingPath, text].flatMap((field) => searchWords(fromDbText(field)));
      long = words.find((w) => w.length > 4 && stem(w) === term) ?? null;
      if (long !== null) break;
    }
    vocabulary.longWords.set(term, long);
    return long;
  }

  /**
   * How a correction to the stem `term` is written: the stem itself when it stems to itself
   * ("refund"), else a word of a help-center chunk that has it. A stem the stemmer cuts again
   * ("advertis", the stem of "advertising", is "adverti") would find nothing once searched; the
   * word finds the chunks the stem does. Null when no chunk has the stem any more.
   */
  async #writtenAs(vocabulary: Vocabulary, term: string): Promise<string | null> {
    if (stem(term) === term) return term;
    const kept = vocabulary.written.get(term);
    if (kept !== undefined) return kept;
    const rows = await this.#db.query<{ title: string; heading_path: string; text: string }>(
      `SELECT title, heading_path, text FROM chunks
       WHERE scope = $1 AND terms @@ plainto_tsquery('pg_catalog.simple', $2) LIMIT 1`,
      [HELP_CENTER_SCOPE, term],
    );
    let written: string | null = null;
    for (const { title, heading_path: headingPath, text } of rows) {
      const words = [title, headingPath, text].flatMap((field) => searchWords(fromDbText(field)));
      written = words.find((word) => stem(word) === term) ?? null;
    }
    vocabulary.written.set(term, written);
    return written;
  }

  /**
   * Runs a change of the knowledge base in `scopes`; the vocabulary is read again after it when
   * it changed the help center (a session's attachments are not part of it).
   */
  async #changing<T>(scopes: readonly string[], change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } finally {
      if (scopes.includes(HELP_CENTER_SCOPE)) this.#cachedVocabulary = undefined;
    }
  }

  /**
   * The vocabulary, read at most once per {@link VOCABULARY_TTL_MS}. Once it is older, it still
   * answers while it is read again in the background: no request waits for that scan of every
   * chunk. Only the first read (and the first after this instance changed the knowledge base,
   * which drops it) is waited for, by every request that needs it meanwhile.
   */
  #vocabulary(): Promise<Vocabulary> {
    const now = this.#now().getTime();
    const cached = this.#cachedVocabulary;
    const current = cached?.value ?? cached?.previous;
    if (cached && now - cached.readAt < VOCABULARY_TTL_MS) {
      return current ? Promise.resolve(current) : cached.read;
    }
    const read = this.#readVocabulary();
    const entry: VocabularyEntry = { readAt: now, read, ...(current ? { previous: current } : {}) };
    this.#cachedVocabulary = entry;
    read.then(
      (value) => {
        entry.value = value;
        entry.previous = undefined;
      },
      () => {
        // A failed read is not kept: the next correction tries again, with the old one meanwhile.
        if (this.#cachedVocabulary !== entry) return;
        this.#cachedVocabulary = current
          ? { readAt: 0, read: Promise.resolve(current), value: current }
          : undefined;
      },
    );
    return current ? Promise.resolve(current) : read;
  }

  async #readVocabulary(): Promise<Vocabulary> {
    const rows = await this.#db.query<{ word: string; ndoc: number }>(
      `SELECT word, ndoc
       FROM ts_stat(format('SELECT terms FROM chunks WHERE scope = %L', $1::text))`,
      [HELP_CENTER_SCOPE],
    );
    const vocabulary: Vocabulary = {
      terms: new Map(),
      byInitial: new Map(),
      written: new Map(),
      longWords: new Map(),
    };
    for (const { word, ndoc } of rows) {
      const term = { chunks: Number(ndoc), word };
      vocabulary.terms.set(word, term);
      fileByInitial(vocabulary.byInitial, word, term);
    }
    return vocabulary;
  }

  async chunksByIds(ids: readonly number[], scopes: readonly string[]): Promise<ChunkHit[]> {
    if (ids.length === 0 || scopes.length === 0) return [];
    const rows = await this.#db.query<HitRow>(
      `SELECT c.id, c.document_id, c.title, c.heading_path, c.text, d.source, d.url, 0 AS score
       FROM chunks c JOIN documents d ON d.id = c.document_id
       WHERE c.id = ANY($1::bigint[]) AND c.scope = ANY($2::text[])`,
      [ids.filter(Number.isSafeInteger), scopes],
    );
    const byId = new Map(rows.map((row) => [row.id, toHit(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async prepareSearch(): Promise<void> {
    // Full-text search runs in the database: nothing to build in the process.
  }

  async optimize(): Promise<void> {
    // Fresh statistics let the planner use the full-text indexes well right after ingestion.
    await this.#db.query('ANALYZE documents, chunks');
  }

  async chunkIds(scope?: string): Promise<number[]> {
    const rows = await this.#db.query<{ id: number }>(
      'SELECT id FROM chunks WHERE $1::text IS NULL OR scope = $1 ORDER BY id',
      [scope ?? null],
    );
    return rows.map((row) => row.id);
  }
}

/**
 * Takes the advisory lock of each source until the transaction ends, in one order for every
 * writer, so that two writers of overlapping batches cannot deadlock.
 */
async function lockSources(
  tx: Queryable,
  sources: ReadonlyArray<{ scope: string; source: string }>,
): Promise<void> {
  const keys = [...new Set(sources.map((s) => JSON.stringify([s.scope, s.source])))].sort();
  await tx.query(
    // A function scan yields the array's elements in order.
    'SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k',
    [keys],
  );
}

async function deleteChunks(tx: Queryable, documentIds: readonly string[]): Promise<Totals> {
  if (documentIds.length === 0) return noTotals();
  const [row] = await tx.query<Totals>(
    `WITH gone AS (DELETE FROM chunks WHERE document_id = ANY($1::text[])
                   RETURNING words, title_words, title_asks)
     SELECT count(*) AS chunks, coalesce(sum(words), 0) AS words,
            coalesce(sum(title_words), 0) AS "titleWords",
            count(*) FILTER (WHERE title_asks) AS "askingChunks"
     FROM gone`,
    [documentIds],
  );
  return row ?? noTotals();
}

async function insertChunks(
  tx: Queryable,
  scope: string,
  documents: ReadonlyArray<{ id: string; doc: DocumentInput }>,
): Promise<Totals> {
  const columns: unknown[][] = Array.from({ length: 10 }, () => []);
  const totals = noTotals();
  for (const { id, doc } of documents) {
    for (const chunk of doc.chunks) {
      const headingPath = joinHeadingPath(chunk.headingPath);
      const terms = chunkTerms(doc.title, headingPath, chunk.text);
      const asks = titleAsks(doc.title, chunk.headingPath);
      const row = [
        id,
        chunk.ordinal,
        toDbText(doc.title),
        toDbText(headingPath),
        toDbText(chunk.text),
        terms.words,
        terms.titleWords,
        terms.indexed,
        terms.titleIndexed,
        asks,
      ];
      row.forEach((value, i) => columns[i]?.push(value));
      totals.chunks++;
      totals.words += terms.words;
      totals.titleWords += terms.titleWords;
      if (asks) totals.askingChunks++;
    }
  }
  if (totals.chunks > 0) await tx.query(INSERT_CHUNKS, [scope, ...columns]);
  return totals;
}
