/**
 * The SQLite file when it cannot serve: locked by another connection longer than the busy
 * timeout, on a full disk, or not a database at all. A request is told 503 (with Retry-After when
 * trying again soon may work), not a 500; a start stops with a line that names the file and says
 * what to do, not a stack. Two instances starting on one new file at once both start.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../src/errors/index.js';
import { openDatabase, SqliteConversationRepository, withStoreErrors } from '../src/store/index.js';
import { call, createSession, startServer, type TestServer } from './helpers/http.js';
import { startCli, waitFor } from './helpers/process.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('a SQLite file locked by another connection', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers a message 503, to be sent again, not 500, and stores it once when it is', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sa-locked-'));
    const path = join(dir, 'support-agent.db');
    server = await startServer({}, { databasePath: path });
    const session = await createSession(server.url);
    // Another instance's long write, a backup, or a sqlite3 shell in a transaction.
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const sent = await call(server.url, 'POST', `/v1/sessions/${session.id}/messages`, {
        token: session.token,
        body: { text: 'How do I reset my password?' },
      });
      expect(sent.status).toBe(503);
      expect(sent.body.error.code).toBe('upstream_unavailable');
      expect(sent.headers.get('retry-after')).not.toBeNull();
      // The client is not told the file's path.
      expect(JSON.stringify(sent.body)).not.toContain(dir);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // Once the lock is let go, the message sent again is stored.
    const again = await call(server.url, 'POST', `/v1/sessions/${session.id}/messages`, {
      token: session.token,
      body: { text: 'How do I reset my password?' },
    });
    expect(again.status).toBe(200);
    // Stored once: the refused attempt left nothing behind.
    const stored = await server.app.conversations.messages(session.id);
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
  }, 30_000);
});

describe('a SQLite file on a full disk', () => {
  it('fails a write as the database being unavailable, naming the file and what to do', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sa-full-'));
    const path = join(dir, 'support-agent.db');
    const db = openDatabase(path);
    try {
      const repo = withStoreErrors(new SqliteConversationRepository(db), path);
      // The file may not grow past its size now: SQLite's own "database or disk is full".
      const { page_count: pages } = db.prepare('PRAGMA page_count').get() as { page_count: number };
      db.pragma(`max_page_count = ${pages}`);
      const failure = await repo
        .appendMessage({
          id: 'm1',
          sessionId: 's',
          role: 'user',
          text: 'x'.repeat(100_000),
          turnId: 't',
          requestId: null,
          metadata: {},
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(isAppError(failure) && failure.code).toBe('upstream_unavailable');
      expect(isAppError(failure) && failure.retryable).toBe(false);
      expect((failure as Error).message).toContain(path);
      expect((failure as Error).message).toMatch(/disk is full.*free space/);
    } finally {
      db.close();
    }
  });
});

describe('a DATA_DIR whose database file is not a database', () => {
  it('stops the command with a line that names the file and what to do, not a stack', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sa-notadb-'));
    const path = join(dir, 'support-agent.db');
    writeFileSync(path, 'These are notes, not a database.\n'.repeat(200));
    const cli = startCli(['search', 'password'], { DATA_DIR: dir });
    let code: number | null = null;
    void cli.exited.then((c) => (code = c));
    await waitFor(() => code !== null, 'the command to stop');
    expect(code).toBe(1);
    const err = cli.err();
    expect(err).toContain(`The database file ${path} is not a SQLite database, or is damaged`);
    expect(err).toContain('restore it from a backup, or move it away');
    expect(err).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describe('a new SQLite file another process is writing as this one opens it', () => {
  it('waits for the other process, as for any lock, and opens it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sa-opening-'));
    const path = join(dir, 'support-agent.db');
    // Another instance started at the same moment holds the new file's lock (as it does while it
    // turns the file to WAL, or writes its first tables) as this one turns it to WAL.
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE; CREATE TABLE other_instance (x)');
    const database = join(import.meta.dirname, '..', 'src', 'store', 'sqlite', 'database.ts');
    const opening = promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { openDatabase } = await import(${JSON.stringify(database)});
         openDatabase(${JSON.stringify(path)}).close();
         console.log('opened');`,
      ],
      { encoding: 'utf8' },
    ).then(
      ({ stdout }) => stdout,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    other.exec('COMMIT');
    other.close();
    expect(await opening).toContain('opened');
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  }, 30_000);
});
