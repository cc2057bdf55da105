import { AppError } from '../errors/index.js';

/** A stored document: one help-center article, FAQ entry, or file (part). */
export interface DocumentRecord {
  id: string;
  /** `kb` for the knowledge base, `session:<id>` for one session's attachments. */
  scope: string;
  /** The file path or URL the document came from. */
  source: string;
  /** The document's key within its source ('' when the source is one document). */
  docKey: string;
  title: string;
  url: string | null;
  format: string;
  /** SHA-256 of the whole source file. */
  fileHash: string;
  /** SHA-256 of this document's parsed content: unchanged content is never rewritten. */
  contentHash: string;
  chunkCount: number;
  createdAt: string;
  updatedAt: string;
}

/** A chunk to store. */
export interface ChunkInput {
  ordinal: number;
  headingPath: string[];
  text: string;
}

/** A document to store, with its chunks. */
export interface DocumentInput {
  docKey: string;
  title: string;
  url?: string | undefined;
  format: string;
  contentHash: string;
  chunks: ChunkInput[];
}

/** What replacing one source changed. */
export interface ReplaceResult {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Chunks written (added or replaced). */
  chunksWritten: number;
}

/** A chunk as search returns it. */
export interface ChunkHit {
  chunkId: number;
  documentId: string;
  title: string;
  headingPath: string[];
  source: string;
  url: string | null;
  text: string;
  /** Higher is better; comparable only within one search. */
  score: number;
}

/** A lexical query, already reduced to plain search terms. */
export interface LexicalQuery {
  /** Words to match (any of them); the store escapes them for its query syntax. */
  terms: string[];
  /**
   * Weight of each term, in the order of `terms` (1 for a term without one): a term's part of
   * every score is multiplied by it. Related words a question is searched with weigh less than
   * its own.
   */
  weights?: number[];
  /** Scopes to search, e.g. `['kb', 'session:abc']`. */
  scopes: string[];
  limit: number;
  /**
   * Weight of the title field (title and heading path, with its own length normalisation)
   * added to the score of the whole chunk (title, heading path and text together).
   */
  titleWeight: number;
  /**
   * How many matching chunks the terms of one query may bring in at most. Terms join from the
   * rarest; a term that would pass the budget is left out of matching and scoring (the rarest
   * term always takes part). Very common words thus cannot make a query scan the whole index;
   * in a small knowledge base every term takes part.
   */
  postingBudget: number;
}

/** A source to write: its documents, and the file they were read from when it is to be kept. */
export interface SourceWrite {
  scope: string;
  source: string;
  fileHash: string;
  documents: DocumentInput[];
  /** Kept with the documents (see `KnowledgeRepository.keepFile`). */
  file?: KeptFile;
  /**
   * Write only if the source is still stored as the writer read it: a re-index reads a file,
   * parses it for seconds, then writes, and a delete or a new upload of the source meanwhile, on
   * any instance, must not be undone by that write. Checked in the write's own transaction, once
   * every other writer of the source is done (see {@link SourceExpectation}).
   */
  expect?: SourceExpectation;
}

/**
 * What a write expects of its source as stored: documents read from the file of `fileHash` (a
 * stored `DocumentRecord.fileHash`). A source with no documents any more (deleted) gets, in the
 * write's place among the results, an `AppError` with code `not_found`; one whose documents
 * were read from another file since (a new upload, a re-index with other chunk settings), one
 * with code `conflict`. Either way nothing of the write is stored, nor its file kept. The same
 * bytes written again in between (the same file uploaded again, a re-index elsewhere) meet it:
 * the write stores what is stored already.
 */
export interface SourceExpectation {
  fileHash: string;
}

/**
 * The error a write gets in its place when its source is no longer as it expects (see
 * {@link SourceExpectation}), given the `fileHash` of each document stored for the source now;
 * null when it is as expected, or when the write expects nothing.
 */
export function unmetExpectation(
  write: Pick<SourceWrite, 'source' | 'expect'>,
  storedFileHashes: readonly string[],
): AppError | null {
  const expected = write.expect?.fileHash;
  if (expected === undefined) return null;
  if (storedFileHashes.length === 0) {
    return new AppError(
      'not_found',
      `${write.source} was deleted after it was read: nothing was written.`,
      { details: { source: write.source } },
    );
  }
  if (storedFileHashes.some((hash) => hash !== expected)) {
    return new AppError(
      'conflict',
      `${write.source} was written again after it was read: nothing was written over it.`,
      { details: { source: write.source } },
    );
  }
  return null;
}

/** A file kept in the database: its name (for its type) and its bytes. */
export interface KeptFile {
  name: string;
  data: Uint8Array;
}

/** Where a document is in the order of a scope's documents: its source, then its key. */
export interface DocumentPosition {
  source: string;
  docKey: string;
}

/** A page of documents, and how many the scope holds in all. */
export interface DocumentPage {
  items: DocumentRecord[];
  total: number;
}

/**
 * Persistence of the knowledge base: documents, their chunks and the lexical index. One
 * implementation per database; a contract suite holds them to the same behaviour.
 */
export interface KnowledgeRepository {
  /** The documents stored for one source, by `docKey`. */
  documentsOf(scope: string, source: string): Promise<DocumentRecord[]>;
  /**
   * A page of the documents of a scope, sorted by source then `docKey` (by code point, the same
   * order in every database): those after `after` in that order (the last of the page before:
   * a document added or removed meanwhile shifts no other from one page to the next), or
   * `offset` documents in.
   */
  documents(
    scope: string,
    options: { limit: number; offset?: number; after?: DocumentPosition },
  ): Promise<DocumentPage>;
  document(id: string): Promise<DocumentRecord | null>;
  /**
   * Makes the stored documents of `source` exactly `documents`, atomically: changed ones are
   * replaced with their chunks, new ones added, missing ones removed, unchanged ones untouched.
   */
  replaceSource(
    scope: string,
    source: string,
    fileHash: string,
    documents: DocumentInput[],
  ): Promise<ReplaceResult>;
  /**
   * {@link replaceSource} for several sources at once, each still all-or-nothing: a source that
   * fails is rolled back alone and its error returned in its place. A source given with its
   * `file` keeps it as {@link keepFile} does, in the same all-or-nothing write: its documents are
   * never stored without the file to read them again from. A source given with `expect` is
   * written only if it is still stored as expected, checked in the same transaction (see
   * {@link SourceExpectation}).
   */
  replaceSources(batch: SourceWrite[]): Promise<Array<ReplaceResult | Error>>;
  /** Removes every document of `source`, and the file kept for it; returns how many there were. */
  deleteSource(scope: string, source: string): Promise<number>;
  /**
   * Removes every document, chunk and kept file of a scope in one transaction, e.g.
   * `session:<id>` when a session is erased: nothing of it is found by any search afterwards.
   * With `files: 'keep'`, its kept files stay (a session that ends: its transcript, which lists
   * the files its customer sent, stays for the staff, and so do the files, until it is erased).
   * Returns how many documents and chunks there were (0 and 0 for a scope that has none).
   */
  deleteScope(
    scope: string,
    options?: { files?: 'delete' | 'keep' },
  ): Promise<{ documents: number; chunks: number }>;
  /**
   * Keeps the file a source is read from (an uploaded document) in the database, so that any
   * instance can read it again — to re-index it — without the disk of the one that received it.
   * Replaces the file kept for `source` before.
   */
  keepFile(scope: string, source: string, file: KeptFile): Promise<void>;
  /** The file kept for `source`, or null when none is. */
  keptFile(scope: string, source: string): Promise<KeptFile | null>;
  /** Every source of a scope, with the hash of the file it was read from. */
  sources(scope: string): Promise<Array<{ source: string; fileHash: string }>>;
  /** Counts of a scope (all scopes when omitted). */
  stats(scope?: string): Promise<{ documents: number; chunks: number }>;
  /** Best lexical matches, best first. */
  searchLexical(query: LexicalQuery): Promise<ChunkHit[]>;
  /**
   * Spelling corrections of query words that no chunk has, as words that chunks have
   * ("pasword" → "password"); only the words corrected are in the map. A store may correct
   * nothing.
   */
  correctSpelling(words: readonly string[]): Promise<Map<string, string>>;
  /** The chunks of these ids that are in one of `scopes`, in the order of `ids` (score 0). */
  chunksByIds(ids: readonly number[], scopes: readonly string[]): Promise<ChunkHit[]>;
  /** The ids of every chunk of a scope (all scopes when omitted). */
  chunkIds(scope?: string): Promise<number[]>;
  /**
   * Tidies the search index after a large write (ingestion): gives back the spare room of the
   * index SQLite keeps in memory (when one is built), refreshes PostgreSQL's planner
   * statistics. Searches are correct without it, only slower.
   */
  optimize(): Promise<void>;
  /**
   * Makes search ready before serving, so that the first customer does not wait: SQLite builds
   * the index it keeps in memory; PostgreSQL has nothing to do.
   */
  prepareSearch(): Promise<void>;
}
