import { randomUUID } from 'node:crypto';
import type { Statement, Transaction } from 'better-sqlite3';
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
  SourceExpectation,
  SourceWrite,
} from '../knowledge-repository.js';
import { unmetExpectation } from '../knowledge-repository.js';
import { joinHeadingPath, splitHeadingPath } from '../heading-path.js';
import { HELP_CENTER_SCOPE } from '../lexical/spelling.js';
import type { SqliteDatabase } from './database.js';
import { ChunkTextCache } from './chunk-text-cache.js';
import { ChunkChanges, SqliteLexicalIndex } from './sqlite-lexical-index.js';

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
}

function toHit(row: HitRow): ChunkHit {
  return {
    chunkId: row.id,
    documentId: row.document_id,
    title: row.title,
    headingPath: splitHeadingPath(row.heading_path),
    source: row.source,
    url: row.url,
    text: row.text,
    score: 0,
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
 * The knowledge base on SQLite: documents and chunks in tables, every source replaced in one
 * transaction; the lexical index in memory, following the table (see {@link SqliteLexicalIndex}).
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
    (
      scope: string,
      source: string,
      fileHash: string,
      documents: DocumentInput[],
      changes: ChunkChanges,
      expect?: SourceExpectation,
    ) => ReplaceResult
  >;
  readonly #chunkText: Statement<[number], string>;
  /** 12 million characters (12 to 24 MB): the whole text of a help center of 10k passages. */
  readonly #texts = new ChunkTextCache(12_000_000);
  readonly #lexical: SqliteLexicalIndex;

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
      (
        scope: string,
        source: string,
        fileHash: string,
        documents: DocumentInput[],
        changes: ChunkChanges,
        expect?: SourceExpectation,
      ) => this.#replaceInTransaction(scope, source, fileHash, documents, changes, expect),
    );
    this.#lexical = new SqliteLexicalIndex(db);
    this.#chunkText = db.prepare<[number], string>('SELECT text FROM chunks WHERE id = ?').pluck();
    this.#insertChunk =
      db.prepare(`INSERT INTO chunks (document_id, scope, ordinal, title, heading_path, text)
      VALUES (?, ?, ?, ?, ?, ?)`);
  }

  async documentsOf(scope: string, source: string): Promise<DocumentRecord[]> {
    return this.#byScopeSource.all(scope, source).map(toRecord);
  }

  async documents(
    scope: string,
    options: { limit: number; offset?: number; after?: DocumentPosition },
  ): Promise<DocumentPage> {
    // Text compares byte by byte in UTF-8 (SQLite's BINARY collation): by code point.
    const rows = (
      options.after
        ? this.#db
            .prepare(
              `SELECT * FROM documents WHERE scope = ? AND (source > ? OR (source = ? AND doc_key > ?))
               ORDER BY source, doc_key LIMIT ? OFFSET ?`,
            )
            .all(
              scope,
              options.after.source,
              options.after.source,
              options.after.docKey,
              options.limit,
              options.offset ?? 0,
            )
        : this.#db
            .prepare(
              'SELECT * FROM documents WHERE scope = ? ORDER BY source, doc_key LIMIT ? OFFSET ?',
            )
            .all(scope, options.limit, options.offset ?? 0)
    ) as DocumentRow[];
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
    return this.#write((changes) =>
      this.#replaceInTransaction(scope, source, fileHash, documents, changes),
    );
  }

  async replaceSources(batch: SourceWrite[]): Promise<Array<ReplaceResult | Error>> {
    // One transaction for the batch; inside it, better-sqlite3 runs each nested transaction as
    // a savepoint, so a failing source is rolled back alone, and so are its changes.
    return this.#write((changes) =>
      batch.map((item) => {
        const own = new ChunkChanges();
        try {
          const result = this.#db.transaction(() => {
            const replaced = this.#replaceOne(
              item.scope,
              item.source,
              item.fileHash,
              item.documents,
              own,
              item.expect,
            );
            if (item.file) this.#keep(item.scope, item.source, item.file);
            return replaced;
          })();
          changes.append(own);
          return result;
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    );
  }

  /**
   * Runs a write of documents and chunks in one immediate transaction, then passes what it
   * changed to the lexical index once it is committed (a rolled-back write changes nothing).
   */
  #write<T>(body: (changes: ChunkChanges) => T): T {
    const changes = new ChunkChanges();
    let before = 0;
    let after = 0;
    const result = this.#db
      .transaction(() => {
        before = this.#lexical.revision();
        const value = body(changes);
        after = this.#lexical.revision();
        return value;
      })
      .immediate();
    this.#lexical.committed(before, after, changes);
    return result;
  }

  #replaceInTransaction(
    scope: string,
    source: string,
    fileHash: string,
    documents: DocumentInput[],
    changes: ChunkChanges,
    expect?: SourceExpectation,
  ): ReplaceResult {
    const now = this.#now().toISOString();
    // Read in the write transaction (immediate: no other connection writes until it ends), so
    // the source cannot change between this check and the write.
    const rows = this.#byScopeSource.all(scope, source);
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
        changes.removedDocument(id);
        this.#updateDocument.run({ ...fields, id });
        result.updated++;
      } else {
        id = randomUUID();
        this.#insertDocument.run({ ...fields, id });
        result.added++;
      }
      for (const chunk of doc.chunks) {
        const headingPath = joinHeadingPath(chunk.headingPath);
        const { lastInsertRowid } = this.#insertChunk.run(
          id,
          scope,
          chunk.ordinal,
          doc.title,
          headingPath,
          chunk.text,
        );
        changes.added({
          chunkId: Number(lastInsertRowid),
          documentId: id,
          scope,
          title: doc.title,
          headingPath,
          text: chunk.text,
          source,
          url: doc.url ?? null,
        });
      }
      result.chunksWritten += doc.chunks.length;
    }
    for (const gone of existing.values()) {
      this.#deleteChunks.run(gone.id);
      this.#deleteDocument.run(gone.id);
      changes.removedDocument(gone.id);
      result.removed++;
    }
    return result;
  }

  async deleteSource(scope: string, source: string): Promise<number> {
    return this.#write((changes) => {
      const rows = this.#byScopeSource.all(scope, source);
      for (const row of rows) {
        this.#deleteChunks.run(row.id);
        this.#deleteDocument.run(row.id);
        changes.removedDocument(row.id);
      }
      this.#db
        .prepare('DELETE FROM source_files WHERE scope = ? AND source = ?')
        .run(scope, source);
      return rows.length;
    });
  }

  async deleteScope(
    scope: string,
    options: { files?: 'delete' | 'keep' } = {},
  ): Promise<{ documents: number; chunks: number }> {
    return this.#write((changes) => {
      const documents = this.#db
        .prepare<[string], string>('SELECT id FROM documents WHERE scope = ?')
        .pluck()
        .all(scope);
      // By document (indexed), not by the chunks' scope (not indexed on SQLite).
      const chunkIds = this.#db
        .prepare<[string], number>(
          'SELECT id FROM chunks WHERE document_id IN (SELECT id FROM documents WHERE scope = ?)',
        )
        .pluck()
        .all(scope);
      for (const id of documents) {
        this.#deleteChunks.run(id);
        this.#deleteDocument.run(id);
        changes.removedDocument(id);
      }
      if (options.files !== 'keep') {
        this.#db.prepare('DELETE FROM source_files WHERE scope = ?').run(scope);
      }
      // No search could ask for these texts again; an erased customer's words are not kept
      // in memory until they happen to be pushed out.
      this.#texts.forget(chunkIds);
      return { documents: documents.length, chunks: chunkIds.length };
    });
  }

  async keepFile(scope: string, source: string, file: KeptFile): Promise<void> {
    this.#keep(scope, source, file);
  }

  #keep(scope: string, source: string, file: KeptFile): void {
    this.#db
      .prepare(
        `INSERT INTO source_files (scope, source, name, data, stored_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (scope, source) DO UPDATE SET name = excluded.name, data = excluded.data,
             stored_at = excluded.stored_at`,
      )
      .run(
        scope,
        source,
        file.name,
        Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength),
        this.#now().toISOString(),
      );
  }

  async keptFile(scope: string, source: string): Promise<KeptFile | null> {
    const row = this.#db
      .prepare('SELECT name, data FROM source_files WHERE scope = ? AND source = ?')
      .get(scope, source) as { name: string; data: Buffer } | undefined;
    return row ? { name: row.name, data: row.data } : null;
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
    // The index holds every field of a chunk but its text: one primary-key read per hit.
    const hits: ChunkHit[] = [];
    for (const match of this.#lexical.search(query)) {
      const text = this.#texts.get(match.chunkId, (id) => this.#chunkText.get(id));
      if (text === undefined) {
        // The index has a chunk the table does not: it is out of step, whatever made it so. The
        // passage is not shown (it is gone), and the next search sets the index right.
        this.#lexical.distrust();
        continue;
      }
      hits.push({
        chunkId: match.chunkId,
        documentId: match.documentId,
        title: match.title,
        // A copy: the index's own array is shared by every search that finds the chunk.
        headingPath: match.headings.slice(),
        source: match.source,
        url: match.url,
        text,
        score: match.score,
      });
    }
    return hits;
  }

  /** Against the help center's words alone (see `HELP_CENTER_SCOPE`). */
  async correctSpelling(words: readonly string[]): Promise<Map<string, string>> {
    return words.length === 0 ? new Map() : this.#lexical.correct(words, [HELP_CENTER_SCOPE]);
  }

  async chunksByIds(ids: readonly number[], scopes: readonly string[]): Promise<ChunkHit[]> {
    if (ids.length === 0 || scopes.length === 0) return [];
    const rows = this.#db
      .prepare(
        `SELECT c.id, c.document_id, c.title, c.heading_path, c.text, d.source, d.url
         FROM chunks c JOIN documents d ON d.id = c.document_id
         WHERE c.id IN (SELECT value FROM json_each(?)) AND c.scope IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids), JSON.stringify(scopes)) as HitRow[];
    const byId = new Map(rows.map((row) => [row.id, toHit(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async optimize(): Promise<void> {
    // A one-shot ingestion never searches: it must not pay for building an index it drops.
    this.#lexical.trim();
  }

  async prepareSearch(): Promise<void> {
    this.#lexical.prepare();
  }

  async chunkIds(scope?: string): Promise<number[]> {
    const rows = (
      scope === undefined
        ? this.#db.prepare('SELECT id FROM chunks ORDER BY id').all()
        : this.#db.prepare('SELECT id FROM chunks WHERE scope = ? ORDER BY id').all(scope)
    ) as Array<{ id: number }>;
    return rows.map((r) => r.id);
  }
}
