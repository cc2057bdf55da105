import { randomUUID } from 'node:crypto';
import type { Statement, Transaction } from 'better-sqlite3';
import type {
  ChunkHit,
  DocumentInput,
  DocumentPage,
  DocumentRecord,
  KnowledgeRepository,
  LexicalQuery,
  ReplaceResult,
} from '../knowledge-repository.js';
import type { SqliteDatabase } from './database.js';

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

interface HitRow {
  id: number;
  document_id: string;
  title: string;
  heading_path: string;
  text: string;
  source: string;
  url: string | null;
  rank: number;
}

/**
 * The whole-chunk matches with their BM25, and the title matches with theirs. Every chunk whose
 * title matches also matches the whole-chunk index, so the whole-chunk matches are the candidates
 * and the title score joins onto them. bm25() is lower for better matches.
 */
const RANKED_CTES = `whole AS MATERIALIZED (SELECT rowid AS id, bm25(chunks_fts) AS s FROM chunks_fts WHERE chunks_fts MATCH ?),
  titles AS MATERIALIZED (SELECT rowid AS id, bm25(chunk_titles_fts) AS s FROM chunk_titles_fts WHERE chunk_titles_fts MATCH ?)`;

/** Heading paths are stored joined; this separator never occurs in a heading's text. */
const PATH_SEPARATOR = ' \u203a ';

/**
 * Quotes a term for FTS5: inside double quotes every character is literal but the quote itself,
 * and NUL, which would end the query text early ("unterminated string"); it separates words
 * like any other non-letter, so a space does the same.
 */
function ftsTerm(term: string): string {
  return `"${term.replaceAll('"', '""').replaceAll(String.fromCharCode(0), ' ')}"`;
}

function toHit(row: HitRow): ChunkHit {
  return {
    chunkId: row.id,
    documentId: row.document_id,
    title: row.title,
    headingPath: row.heading_path === '' ? [] : row.heading_path.split(PATH_SEPARATOR),
    source: row.source,
    url: row.url,
    text: row.text,
    // bm25() is lower for better matches; `|| 0` keeps a rank of 0 from becoming -0.
    score: -row.rank || 0,
  };
}

function toRecord(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    scope: row.scope,
    source: row.source,
    docKey: row.doc_key,
    title: row.title,
    url: row.url,
    format: row.format,
    fileHash: row.file_hash,
    contentHash: row.content_hash,
    chunkCount: row.chunk_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The knowledge base on SQLite: documents and chunks in tables, the lexical index in FTS5
 * (kept in step by triggers), every source replaced in one transaction.
 */
export class SqliteKnowledgeRepository implements KnowledgeRepository {
  readonly #db: SqliteDatabase;
  readonly #now: () => Date;
  readonly #byScopeSource: Statement<[string, string], DocumentRow>;
  readonly #insertDocument: Statement;
  readonly #updateDocument: Statement;
  readonly #touchDocument: Statement;
  readonly #deleteDocument: Statement;
  readonly #deleteChunks: Statement;
  readonly #insertChunk: Statement;
  readonly #replaceOne: Transaction<
    (scope: string, source: string, fileHash: string, documents: DocumentInput[]) => ReplaceResult
  >;
  readonly #searchCache = new Map<number, Statement<unknown[], HitRow>>();
  readonly #searchAnyScope: Statement<unknown[], HitRow & { scope: string }>;
  readonly #countMatches: Statement<[string, number], { n: number }>;
  /** Capped match counts of terms; cleared by every write of this repository. */
  readonly #termCounts = new Map<string, number>();

  constructor(db: SqliteDatabase, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
    this.#byScopeSource = db.prepare(
      'SELECT * FROM documents WHERE scope = ? AND source = ? ORDER BY doc_key',
    );
    this.#insertDocument = db.prepare(`INSERT INTO documents
      (id, scope, source, doc_key, title, url, format, file_hash, content_hash, chunk_count, created_at, updated_at)
      VALUES (@id, @scope, @source, @docKey, @title, @url, @format, @fileHash, @contentHash, @chunkCount, @now, @now)`);
    this.#updateDocument =
      db.prepare(`UPDATE documents SET title = @title, url = @url, format = @format,
      file_hash = @fileHash, content_hash = @contentHash, chunk_count = @chunkCount, updated_at = @now WHERE id = @id`);
    this.#touchDocument = db.prepare('UPDATE documents SET file_hash = ? WHERE id = ?');
    this.#deleteDocument = db.prepare('DELETE FROM documents WHERE id = ?');
    this.#deleteChunks = db.prepare('DELETE FROM chunks WHERE document_id = ?');
    this.#replaceOne = db.transaction(
      (scope: string, source: string, fileHash: string, documents: DocumentInput[]) =>
        this.#replaceInTransaction(scope, source, fileHash, documents),
    );
    this.#countMatches = db.prepare(
      'SELECT COUNT(*) AS n FROM (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)',
    );
    // The best matches whatever their scope, each with its scope; see searchLexical.
    this.#searchAnyScope = db.prepare(`
      WITH ${RANKED_CTES},
           ranked AS MATERIALIZED (
             SELECT whole.id AS id, whole.s + ? * COALESCE(titles.s, 0) AS rank
             FROM whole
             LEFT JOIN titles ON titles.id = whole.id
             ORDER BY rank
             LIMIT ?)
      SELECT c.id, c.scope, c.document_id, c.title, c.heading_path, c.text, d.source, d.url, ranked.rank
      FROM ranked
      JOIN chunks c ON c.id = ranked.id
      JOIN documents d ON d.id = c.document_id
      ORDER BY ranked.rank`) as Statement<unknown[], HitRow & { scope: string }>;
    this.#insertChunk =
      db.prepare(`INSERT INTO chunks (document_id, scope, ordinal, title, heading_path, text)
      VALUES (?, ?, ?, ?, ?, ?)`);
  }

  async documentsOf(scope: string, source: string): Promise<DocumentRecord[]> {
    return this.#byScopeSource.all(scope, source).map(toRecord);
  }

  async documents(
    scope: string,
    options: { limit: number; offset?: number },
  ): Promise<DocumentPage> {
    const rows = this.#db
      .prepare('SELECT * FROM documents WHERE scope = ? ORDER BY source, doc_key LIMIT ? OFFSET ?')
      .all(scope, options.limit, options.offset ?? 0) as DocumentRow[];
    const { n } = this.#db
      .prepare('SELECT COUNT(*) AS n FROM documents WHERE scope = ?')
      .get(scope) as { n: number };
    return { items: rows.map(toRecord), total: n };
  }

  async document(id: string): Promise<DocumentRecord | null> {
    const row = this.#db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as
      DocumentRow | undefined;
    return row ? toRecord(row) : null;
  }

  async replaceSource(
    scope: string,
    source: string,
    fileHash: string,
    documents: DocumentInput[],
  ): Promise<ReplaceResult> {
    this.#termCounts.clear();
    return this.#replaceOne.immediate(scope, source, fileHash, documents);
  }

  async replaceSources(
    batch: Array<{ scope: string; source: string; fileHash: string; documents: DocumentInput[] }>,
  ): Promise<Array<ReplaceResult | Error>> {
    this.#termCounts.clear();
    // One transaction for the batch (one index segment instead of one per file); inside it,
    // better-sqlite3 runs each nested transaction as a savepoint, so a failing source is rolled
    // back alone.
    return this.#db
      .transaction(() =>
        batch.map((item) => {
          try {
            return this.#replaceOne(item.scope, item.source, item.fileHash, item.documents);
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      )
      .immediate();
  }

  #replaceInTransaction(
    scope: string,
    source: string,
    fileHash: string,
    documents: DocumentInput[],
  ): ReplaceResult {
    const now = this.#now().toISOString();
    const existing = new Map(
      this.#byScopeSource.all(scope, source).map((row) => [row.doc_key, row]),
    );
    const result: ReplaceResult = {
      added: 0,
      updated: 0,
      unchanged: 0,
      removed: 0,
      chunksWritten: 0,
    };
    for (const doc of documents) {
      const old = existing.get(doc.docKey);
      existing.delete(doc.docKey);
      const fields = {
        scope,
        source,
        docKey: doc.docKey,
        title: doc.title,
        url: doc.url ?? null,
        format: doc.format,
        fileHash,
        contentHash: doc.contentHash,
        chunkCount: doc.chunks.length,
        now,
      };
      let id: string;
      if (old && old.content_hash === doc.contentHash) {
        if (old.file_hash !== fileHash) this.#touchDocument.run(fileHash, old.id);
        result.unchanged++;
        continue;
      } else if (old) {
        id = old.id;
        this.#deleteChunks.run(id);
        this.#updateDocument.run({ ...fields, id });
        result.updated++;
      } else {
        id = randomUUID();
        this.#insertDocument.run({ ...fields, id });
        result.added++;
      }
      for (const chunk of doc.chunks) {
        this.#insertChunk.run(
          id,
          scope,
          chunk.ordinal,
          doc.title,
          chunk.headingPath.join(PATH_SEPARATOR),
          chunk.text,
        );
      }
      result.chunksWritten += doc.chunks.length;
    }
    for (const gone of existing.values()) {
      this.#deleteChunks.run(gone.id);
      this.#deleteDocument.run(gone.id);
      result.removed++;
    }
    return result;
  }

  async deleteSource(scope: string, source: string): Promise<number> {
    this.#termCounts.clear();
    return this.#db
      .transaction(() => {
        const rows = this.#byScopeSource.all(scope, source);
        for (const row of rows) {
          this.#deleteChunks.run(row.id);
          this.#deleteDocument.run(row.id);
        }
        return rows.length;
      })
      .immediate();
  }

  async sources(scope: string): Promise<Array<{ source: string; fileHash: string }>> {
    const rows = this.#db
      .prepare(
        'SELECT source, MAX(file_hash) AS file_hash FROM documents WHERE scope = ? GROUP BY source ORDER BY source',
      )
      .all(scope) as Array<{ source: string; file_hash: string }>;
    return rows.map((r) => ({ source: r.source, fileHash: r.file_hash }));
  }

  async stats(scope?: string): Promise<{ documents: number; chunks: number }> {
    const where = scope === undefined ? '' : ' WHERE scope = ?';
    const args = scope === undefined ? [] : [scope];
    const documents = (
      this.#db.prepare(`SELECT COUNT(*) AS n FROM documents${where}`).get(...args) as { n: number }
    ).n;
    const chunks = (
      this.#db.prepare(`SELECT COUNT(*) AS n FROM chunks${where}`).get(...args) as { n: number }
    ).n;
    return { documents, chunks };
  }

  async searchLexical(query: LexicalQuery): Promise<ChunkHit[]> {
    if (query.terms.length === 0 || query.scopes.length === 0) return [];
    const terms = this.#withinBudget(query.terms, query.postingBudget);
    const match = terms.map(ftsTerm).join(' OR ');
    // Checking the scope of every candidate (some hundreds) costs a fifth of a search, and most
    // of the time the best matches are all in scope anyway (the knowledge base is one scope;
    // a session's attachments are few). So the best `limit` matches of any scope come first:
    // when all of them are in scope they are exactly the answer (filtering keeps the order of
    // the rest, ties included: both sorts keep the order in which the index gives matches).
    // Otherwise the search runs again with the scopes checked.
    const best = this.#searchAnyScope.all(match, match, query.titleWeight, query.limit);
    const scopes = new Set(query.scopes);
    if (best.every((row) => scopes.has(row.scope))) return best.map(toHit);
    const rows = this.#searchStatement(query.scopes.length).all(
      match,
      match,
      query.titleWeight,
      ...query.scopes,
      query.limit,
    );
    return rows.map(toHit);
  }

  async chunksByIds(ids: readonly number[], scopes: readonly string[]): Promise<ChunkHit[]> {
    if (ids.length === 0 || scopes.length === 0) return [];
    const rows = this.#db
      .prepare(
        `SELECT c.id, c.document_id, c.title, c.heading_path, c.text, d.source, d.url, 0 AS rank
         FROM chunks c JOIN documents d ON d.id = c.document_id
         WHERE c.id IN (SELECT value FROM json_each(?)) AND c.scope IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids), JSON.stringify(scopes)) as HitRow[];
    const byId = new Map(rows.map((row) => [row.id, toHit(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async optimize(): Promise<void> {
    // Each write transaction leaves an FTS5 segment; a query reads every segment, so merging
    // them after ingestion makes every later search cheaper (about a quarter on 10k chunks).
    this.#db.exec(`INSERT INTO chunks_fts(chunks_fts) VALUES('optimize');
      INSERT INTO chunk_titles_fts(chunk_titles_fts) VALUES('optimize');`);
  }

  async chunkIds(scope?: string): Promise<number[]> {
    const rows = (
      scope === undefined
        ? this.#db.prepare('SELECT id FROM chunks ORDER BY id').all()
        : this.#db.prepare('SELECT id FROM chunks WHERE scope = ? ORDER BY id').all(scope)
    ) as Array<{ id: number }>;
    return rows.map((r) => r.id);
  }

  /**
   * The terms to match, rarest first, as long as their matches fit the budget. Counting stops
   * at the budget, so a common word costs no more to count than the budget itself.
   */
  #withinBudget(terms: readonly string[], budget: number): string[] {
    if (this.#termCounts.size > 50_000) this.#termCounts.clear();
    const counted = terms.map((term) => {
      const key = `${budget}:${term}`;
      let n = this.#termCounts.get(key);
      if (n === undefined) {
        n = this.#countMatches.get(ftsTerm(term), budget + 1)?.n ?? 0;
        this.#termCounts.set(key, n);
      }
      return { term, n };
    });
    counted.sort((a, b) => a.n - b.n);
    const chosen: string[] = [];
    let used = 0;
    for (const { term, n } of counted) {
      if (chosen.length > 0 && used + n > budget) break;
      chosen.push(term);
      used += n;
    }
    return chosen;
  }

  #searchStatement(scopes: number): Statement<unknown[], HitRow> {
    let statement = this.#searchCache.get(scopes);
    if (!statement) {
      statement = this.#db.prepare(`
        WITH ${RANKED_CTES},
             ranked AS MATERIALIZED (
               SELECT whole.id AS id, whole.s + ? * COALESCE(titles.s, 0) AS rank
               FROM whole
               LEFT JOIN titles ON titles.id = whole.id
               JOIN chunks s ON s.id = whole.id
               WHERE s.scope IN (${new Array(scopes).fill('?').join(', ')})
               ORDER BY rank
               LIMIT ?)
        SELECT c.id, c.document_id, c.title, c.heading_path, c.text, d.source, d.url, ranked.rank
        FROM ranked
        JOIN chunks c ON c.id = ranked.id
        JOIN documents d ON d.id = c.document_id
        ORDER BY ranked.rank`) as Statement<unknown[], HitRow>;
      this.#searchCache.set(scopes, statement);
    }
    return statement;
  }
}
