import { createHash } from 'node:crypto';
import { access, readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve, sep } from 'node:path';
import { isAppError } from '../../errors/index.js';
import type {
  DocumentInput,
  KeptFile,
  KnowledgeRepository,
  SourceExpectation,
} from '../../store/knowledge-repository.js';
import { chunkDocument, type ChunkOptions } from '../chunk/index.js';
import {
  createParseWorkers,
  parseFile,
  stoppedParse,
  type ParsedDocument,
  type ParseLimits,
  type ParseWorkers,
} from '../parse/index.js';
import { collectFiles, type SkippedFile } from './walk.js';

/** Options of {@link ingestPaths}. */
export interface IngestOptions {
  /** Where the documents go; `kb` (the knowledge base) by default. */
  scope?: string;
  /** Remove stored documents whose files are gone from under the given paths. */
  prune?: boolean;
  /** Re-read and re-parse every file even when its bytes are unchanged (a re-index). */
  force?: boolean;
  /**
   * {@link ingestFiles}: keep each file's bytes in the database with its documents, in the same
   * all-or-nothing write (see `KnowledgeRepository.keepFile`).
   */
  keepFiles?: boolean;
  /**
   * Sources to write only if each is still stored as read, by source (see
   * `SourceWrite.expect`): a re-index, which reads a stored file and parses it for a while, does
   * not undo a delete or an upload of it meanwhile, on any instance. A source that is no longer
   * as expected is not written, and the run throws its error (`not_found` when it was deleted,
   * `conflict` when it was written again) once its batch is written: what was read is gone, so
   * the run has nothing true to report of it.
   */
  expect?: ReadonlyMap<string, SourceExpectation>;
  /** Files larger than this are skipped with a reason. */
  maxFileBytes: number;
  chunk: Required<ChunkOptions>;
  signal?: AbortSignal;
  /** Called after each file. */
  onProgress?: (progress: { done: number; total: number; path: string }) => void;
  /**
   * Told of each file whose parse had to be stopped (for memory, time, or cancelled), for the
   * operators: which file, why, the limit it passed. Such files are in the report's `failed`.
   */
  log?: { warn: (fields: object, message: string) => void };
  /**
   * The parse workers to use; default, a set with the default settings. The app's
   * (`App.parsing`) are made from its configuration.
   */
  workers?: ParseWorkers;
  /**
   * How much one file may make the parsers read; the defaults for those not given. The app's
   * (`App.parsing`) are from its configuration.
   */
  limits?: Partial<ParseLimits>;
}

/** One file that was not ingested, and why. */
export interface IngestFailure {
  path: string;
  reason: string;
}

/** What an ingestion run did. */
export interface IngestReport {
  files: number;
  /** Files whose bytes had not changed since the last run: not even parsed. */
  unchangedFiles: number;
  documents: { added: number; updated: number; unchanged: number; removed: number };
  /** Chunks written by this run. */
  chunksWritten: number;
  /** Documents removed because their files are gone (with `prune`). */
  pruned: number;
  failed: IngestFailure[];
  /** Files in the folders given that are not articles (pictures, styles, scripts…): not read. */
  skipped: SkippedFile[];
  /**
   * Files whose bytes are those of another source already stored (the same help center copied
   * to another folder, the same file uploaded under two names): not added a second time, which
   * would show each passage twice. A stored file that is gone from its path is not a copy but
   * the same file moved: it is stored under its new path and removed from the old one.
   */
  duplicates: DuplicateFile[];
}

/** A file not added because its bytes are stored already, under `sameAs`. */
export interface DuplicateFile {
  path: string;
  sameAs: string;
}

/** A one-line summary of a report, as the CLI prints it. */
export function summarize(report: IngestReport): string {
  const d = report.documents;
  // Files unchanged since the last run are not read again, so their documents are not counted
  // among the documents below: said with the files, not as documents "0 unchanged".
  const unread =
    report.unchangedFiles > 0
      ? ` (${report.unchangedFiles === report.files ? 'all' : report.unchangedFiles} unchanged since the last run, not read again)`
      : '';
  const files = `${report.files} file${report.files === 1 ? '' : 's'}`;
  const removed = d.removed + report.pruned;
  // Nothing was read, so no document was counted (nor could a file fail): no list of zeros that
  // reads as a contradiction.
  const parts =
    report.files > 0 && report.unchangedFiles === report.files && removed === 0
      ? [
          `${files}, ${report.files === 1 ? 'unchanged' : 'all unchanged'} since the last run: not read again, nothing written`,
        ]
      : [
          `${files}${unread}`,
          `documents: ${d.added} added, ${d.updated} updated, ${d.unchanged} unchanged, ${removed} removed`,
          `${report.chunksWritten} chunk${report.chunksWritten === 1 ? '' : 's'} written`,
          `${report.failed.length} failed`,
        ];
  if (report.skipped.length > 0) {
    const kinds = [...new Set(report.skipped.map((file) => file.kind))].join(', ');
    parts.push(`${report.skipped.length} skipped, not articles (${kinds})`);
  }
  if (report.duplicates.length > 0) {
    const n = report.duplicates.length;
    parts.push(`${n} not added, the same as ${n === 1 ? 'a file' : 'files'} already stored`);
  }
  return parts.join('; ');
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The chunks of a parsed document, ready to store. */
function toInput(doc: ParsedDocument, chunk: Required<ChunkOptions>): DocumentInput {
  const chunks = chunkDocument(doc, chunk).map((c) => ({
    ordinal: c.ordinal,
    headingPath: c.headingPath,
    text: c.text,
  }));
  // The chunk settings are part of the hash: changing them re-chunks documents on the next run.
  const contentHash = sha256(
    JSON.stringify([doc.title, doc.url ?? null, doc.format, doc.blocks, chunk]),
  );
  return {
    docKey: doc.key,
    title: doc.title,
    url: doc.url,
    format: doc.format,
    contentHash,
    chunks,
  };
}

/**
 * Ingests files and folders into the knowledge base: each file is read, detected, parsed,
 * chunked and stored in one transaction — all of it or none of it. A file whose bytes are
 * unchanged since the last run is not even parsed, and a document whose content is unchanged is
 * not rewritten, so running again changes nothing. One bad file is reported and skipped; it
 * never stops the run.
 *
 * @example
 * const report = await ingestPaths(repo, ['./help-center'], { maxFileBytes: 50 << 20, chunk: { size: 180, overlap: 30 } });
 * console.log(summarize(report));
 */
export async function ingestPaths(
  repo: KnowledgeRepository,
  paths: readonly string[],
  options: IngestOptions,
): Promise<IngestReport> {
  const { files, problems, skipped } = await collectFiles(paths);
  const report = await ingestSources(
    repo,
    files.map((path) => ({
      source: path,
      name: basename(path),
      read: () => readChecked(path, options),
    })),
    options,
  );
  const scope = options.scope ?? 'kb';
  if (options.prune) {
    // A folder that is missing or unreadable (a mount that is down) says nothing of whether its
    // files are gone: nothing below it is removed, and the report says so.
    const unread = problems.map((problem) => problem.path);
    report.pruned = await prune(repo, scope, paths, new Set(files), unread);
    for (const problem of problems) problem.reason += '; nothing stored from there was pruned';
  }
  report.failed.unshift(...problems);
  report.skipped.push(...skipped);
  if (report.chunksWritten > 0 || report.pruned > 0) await repo.optimize();
  return report;
}

/** A file given by its bytes, stored under `source`; `name` tells its type with its content. */
export interface SourceFile {
  source: string;
  name: string;
  data: Uint8Array;
}

/**
 * {@link ingestPaths} for files given by their bytes (an upload, or a file kept in the database),
 * each stored under its own `source`. `prune` does not apply. Two files with one source are a
 * mistake of the caller (the second would replace the first): they throw, and nothing is stored.
 */
export async function ingestFiles(
  repo: KnowledgeRepository,
  files: readonly SourceFile[],
  options: IngestOptions,
): Promise<IngestReport> {
  const sources = new Set<string>();
  for (const file of files) {
    if (sources.has(file.source)) {
      throw new TypeError(`Two files to ingest have the same source "${file.source}"`);
    }
    sources.add(file.source);
  }
  const report = await ingestSources(
    repo,
    files.map((file) => ({
      source: file.source,
      name: file.name,
      read: async () => {
        checkSize(file.data.byteLength, options);
        return file.data;
      },
      ...(options.keepFiles ? { keep: { name: file.name, data: file.data } } : {}),
    })),
    options,
  );
  if (report.chunksWritten > 0) await repo.optimize();
  return report;
}

/** A source to ingest: where it is stored, its file name, and how to read its bytes. */
interface PendingSource {
  source: string;
  name: string;
  read: () => Promise<Uint8Array>;
  /** The file to keep with its documents. */
  keep?: KeptFile;
}

async function ingestSources(
  repo: KnowledgeRepository,
  sources: readonly PendingSource[],
  options: IngestOptions,
): Promise<IngestReport> {
  const scope = options.scope ?? 'kb';
  const report: IngestReport = {
    files: 0,
    unchangedFiles: 0,
    documents: { added: 0, updated: 0, unchanged: 0, removed: 0 },
    chunksWritten: 0,
    pruned: 0,
    failed: [],
    skipped: [],
    duplicates: [],
  };
  const stored = await repo.sources(scope);
  const known = options.force
    ? new Map<string, string>()
    : new Map(stored.map((s) => [s.source, s.fileHash]));
  // Which source holds which bytes, to find a file that is stored already under another source.
  const holders = new Map(stored.map((s) => [s.fileHash, s.source]));
  // A batch is read at once, but its PDFs and Word documents are parsed a few at a time, each in
  // a worker with its own memory and time limits.
  const workers = options.workers ?? createParseWorkers();

  // Files are read and parsed a batch at a time while nothing else waits on them, then the
  // batch is written in one transaction in which every file is still all-or-nothing: one index
  // segment per batch instead of one per file keeps ingestion fast as the index grows.
  for (let start = 0; start < sources.length; start += BATCH) {
    options.signal?.throwIfAborted();
    const batch = sources.slice(start, start + BATCH);
    const prepared = await Promise.all(
      batch.map((item) =>
        prepareFile(item, known.get(item.source), options, workers).catch(
          (error: unknown): Prepared => ({ error }),
        ),
      ),
    );
    // Sources whose files moved here: removed once the file is stored under its new path.
    const moved = new Map<string, string>();
    for (const [i, item] of prepared.entries()) {
      if (!('documents' in item)) continue;
      const source = (batch[i] as PendingSource).source;
      const holder = holders.get(item.fileHash);
      if (holder === undefined || holder === source) {
        holders.set(item.fileHash, source);
      } else if (await isGone(holder)) {
        moved.set(source, holder);
        holders.set(item.fileHash, source);
      } else {
        prepared[i] = { duplicateOf: holder };
      }
    }
    const writes = prepared.flatMap((item, i) => {
      if (!('documents' in item)) return [];
      const { source, keep } = batch[i] as PendingSource;
      const expect = options.expect?.get(source);
      return [
        {
          scope,
          source,
          fileHash: item.fileHash,
          documents: item.documents,
          ...(keep ? { file: keep } : {}),
          ...(expect ? { expect } : {}),
        },
      ];
    });
    const written = writes.length > 0 ? await repo.replaceSources(writes) : [];
    const unmet = written.find(
      (outcome, i) =>
        writes[i]?.expect !== undefined &&
        isAppError(outcome) &&
        (outcome.code === 'not_found' || outcome.code === 'conflict'),
    );
    if (unmet !== undefined) throw unmet;
    let next = 0;
    for (const [i, item] of prepared.entries()) {
      const path = (batch[i] as PendingSource).source;
      report.files++;
      const outcome = 'documents' in item ? written[next++] : undefined;
      const error = 'error' in item ? item.error : outcome instanceof Error ? outcome : undefined;
      if ('duplicateOf' in item) {
        report.duplicates.push({ path, sameAs: item.duplicateOf });
      } else if (error !== undefined) {
        if (!isAppError(error) && !(error instanceof RangeError)) throw error;
        report.failed.push({ path, reason: error.message });
        const stop = stoppedParse(error);
        if (stop) options.log?.warn({ ...stop, path }, 'a file was stopped while it was read');
      } else if (outcome === undefined) {
        report.unchangedFiles++;
        // The same bytes sent again are kept even when the first ones were not (ingested from
        // a path, or by an earlier version).
        const keep = (batch[i] as PendingSource).keep;
        if (keep) await repo.keepFile(scope, path, keep);
      } else if (!(outcome instanceof Error)) {
        report.documents.added += outcome.added;
        report.documents.updated += outcome.updated;
        report.documents.unchanged += outcome.unchanged;
        report.documents.removed += outcome.removed;
        report.chunksWritten += outcome.chunksWritten;
        const from = moved.get(path);
        if (from !== undefined) report.documents.removed += await repo.deleteSource(scope, from);
      }
      options.onProgress?.({ done: start + i + 1, total: sources.length, path });
    }
  }
  return report;
}

/** Files read and parsed together, then written in one transaction. */
const BATCH = 16;

type Prepared =
  | { unchanged: true }
  | { unchanged: false; fileHash: string; documents: DocumentInput[] }
  | { duplicateOf: string }
  | { error: unknown };

/**
 * Whether `source` is a path whose file is gone (moved or deleted). Other sources (uploads) are
 * never gone: their bytes are in the database.
 */
async function isGone(source: string): Promise<boolean> {
  if (!isAbsolute(source)) return false;
  return access(source).then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
  );
}

function checkSize(size: number, options: IngestOptions): void {
  if (size > options.maxFileBytes) {
    throw new RangeError(
      `the file is ${formatBytes(size)}, over the limit of ${formatBytes(options.maxFileBytes)} (KB_MAX_FILE_BYTES)`,
    );
  }
}

/** The bytes of the file at `path`, within the size limit. */
async function readChecked(path: string, options: IngestOptions): Promise<Uint8Array> {
  checkSize((await stat(path)).size, options);
  return readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new RangeError(
      error.code === 'EACCES'
        ? 'is not readable (permission denied)'
        : `cannot be read (${error.message})`,
    );
  });
}

/** Reads, fingerprints, parses and chunks one file; writes nothing. */
async function prepareFile(
  item: PendingSource,
  storedHash: string | undefined,
  options: IngestOptions,
  workers: ParseWorkers,
): Promise<Prepared> {
  const bytes = await item.read();
  // The chunk settings are part of the fingerprint: changing them re-reads every file.
  const fileHash = sha256(`${sha256(bytes)}:${JSON.stringify(options.chunk)}`);
  if (storedHash === fileHash) return { unchanged: true };
  const parsed = await parseFile(bytes, item.name, {
    maxBytes: options.maxFileBytes,
    workers,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const documents = parsed
    .map((doc) => toInput(doc, options.chunk))
    .filter((doc) => doc.chunks.length > 0);
  if (documents.length === 0) throw new RangeError('the file has no text to index');
  return { unchanged: false, fileHash, documents };
}

/**
 * Removes stored sources below `paths` whose files no longer exist; never one below `unread`
 * (paths that could not be read), nor one whose file cannot be told to be gone.
 */
async function prune(
  repo: KnowledgeRepository,
  scope: string,
  paths: readonly string[],
  seen: Set<string>,
  unread: readonly string[],
): Promise<number> {
  const roots = paths.map((p) => resolve(p));
  const isBelow = (source: string, root: string) =>
    source === root || source.startsWith(root.endsWith(sep) ? root : root + sep);
  let removed = 0;
  for (const { source } of await repo.sources(scope)) {
    if (seen.has(source)) continue;
    if (!roots.some((root) => isBelow(source, root))) continue;
    if (unread.some((path) => isBelow(source, path))) continue;
    // Only "no such file" means gone: a permission or I/O error does not.
    const gone = await access(source).then(
      () => false,
      (error: NodeJS.ErrnoException) => error.code === 'ENOENT' || error.code === 'ENOTDIR',
    );
    if (gone) removed += await repo.deleteSource(scope, source);
  }
  return removed;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
