import { chmodSync, existsSync } from 'node:fs';
import { makeDirectory } from '../make-directory.js';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { AppError } from '../../errors/index.js';
import { toStoreError } from './errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';

/** A better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;

/** The SQL function of every connection that folds the letter case of any script. */
export const FOLD_CASE = 'fold_case';

/**
 * Text in one letter case, composed (NFC), for comparing names without regard to either: "JOSÉ",
 * "José" and "josé" are one, whether the accent is its own character or a combining one (the
 * ticket's `assignee_key` holds it).
 */
export const foldCase = (text: string): string => text.normalize('NFC').toLowerCase();

/** The SQL function of every connection that composes text (Unicode NFC), as `normalize` does. */
export const NFC = 'nfc';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Load the sqlite-vec extension (vector search); true by default. */
  vectors?: boolean;
  /** Migrations to apply; the product's own by default. */
  migrations?: readonly Migration[];
}

/**
 * Opens (creating when needed) the SQLite database at `path` (or `:memory:`), sets it up for a
 * server — WAL journal, foreign keys, a busy timeout — and applies pending migrations, each in
 * its own transaction, recording them in `schema_migrations`.
 *
 * @example
 * const db = openDatabase(join(config.dataDir, 'support-agent.db'));
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const onDisk = path !== ':memory:' && path !== '';
  // Conversations, tickets and customers' files are in it: a new database is its owner's alone
  // (SQLite gives its journal files the same mode). One that exists keeps the mode it was given.
  const creating = onDisk && !existsSync(path);
  if (onDisk) makeDirectory(dirname(path), 0o700);
  let db: SqliteDatabase;
  try {
    db = new Database(path);
  } catch (error) {
    throw new AppError(
      'internal',
      `Cannot open the database at ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  try {
    if (creating) chmodSync(path, 0o600);
    useWal(db);
    db.pragma('synchronous = NORMAL');
    // A checkpoint copies the journal (WAL) into the database and then writes it again from its
    // start, keeping the file at the largest size it ever reached: a 60 MB upload left a 60 MB
    // journal for good. The file is cut back to this bound when the journal starts again.
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // What is deleted is overwritten, not only unlinked: an erased conversation (the customer's
    // right to erasure, or the retention period) cannot be read back from the file's free pages.
    // The journal's copies are cleared after an erasure (see `eraseSession`).
    db.pragma('secure_delete = ON');
    if (options.vectors !== false) sqliteVec.load(db);
    // SQLite's NOCASE folds ASCII letters only ("JOSÉ" is not "josé"); this folds any letter, as
    // PostgreSQL's lower() does. A migration fills a column with it.
    db.function(FOLD_CASE, { deterministic: true }, (value: unknown) =>
      typeof value === 'string' ? foldCase(value) : value,
    );
    db.function(NFC, { deterministic: true }, (value: unknown) =>
      typeof value === 'string' ? value.normalize('NFC') : value,
    );
    migrate(db, options.migrations ?? MIGRATIONS);
  } catch (error) {
    // A file that is not a database, a locked or read-only one: said with what to do, at start.
    db.close();
    throw toStoreError(error, path);
  }
  return db;
}

/**
 * The most the journal file keeps between checkpoints. Checkpoints come when the journal holds
 * 1,000 pages (SQLite's `wal_autocheckpoint`), some 4 MiB of 4 KiB pages, so ordinary traffic
 * stays well under it and never pays for cutting the file and growing it again. After a large
 * write (a document of up to 50 MiB uploaded to the knowledge base, a long import) the disk it
 * took is given back, but for these 16 MiB.
 */
export const JOURNAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

/** How long a statement waits for another connection's lock before it fails `SQLITE_BUSY`. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Turns the journal to WAL. Another process opening the same new file at the same moment (a
 * second instance, `ingest` beside `serve`) may hold its lock while this one asks; SQLite then
 * answers `SQLITE_BUSY` at once, without waiting (waiting could deadlock the two), so it is asked
 * again, a few milliseconds apart, for as long as any statement waits for a lock.
 */
function useWal(db: SqliteDatabase): void {
  const until = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= until) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** Why a program cannot use a database that a newer version of it migrated. */
export function schemaTooNew(version: number, known: number): string {
  return `The database has schema version ${version}, newer than this program knows (${known}); upgrade the program`;
}

/**
 * The schema version of the SQLite database at `path`, read without changing the file (`doctor`
 * reads it beside a running server); undefined when there is no file yet.
 * @throws SQLite's error when the file is not a database, is damaged or cannot be read.
 */
export function storedSchemaVersion(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  // Not read-only: a read-only connection to a WAL database leaves its -wal and -shm files
  // behind; this one, closed last, removes them, and writes nothing.
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const migrated = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get();
    if (migrated === undefined) return 0;
    return (
      (db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null) ?? 0
    );
  } finally {
    db.close();
  }
}

/**
 * Applies the migrations that are not yet applied; returns the versions applied now. The whole
 * run holds the write lock, so that two processes starting on one file at once cannot both
 * apply the same migration.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const run = db.transaction(() => {
    const done = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
        (r) => r.version,
      ),
    );
    const newest = Math.max(0, ...done);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) throw new AppError('config_invalid', schemaTooNew(newest, known));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
      applied.push(migration.version);
    }
    return applied;
  });
  return run.immediate();
}
