/**
 * The embedded SQLite database with a year of data: retention sweeps over hundreds of thousands
 * of rows leave the server answering meanwhile, the memory sweep reads only the memories it
 * forgets, and the journal file does not keep the size of the largest write it ever held.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import {
  migrate,
  MIGRATIONS,
  openDatabase,
  SqliteConversationRepository,
  type SqliteDatabase,
} from '../src/store/index.js';
import { JOURNAL_SIZE_LIMIT_BYTES } from '../src/store/sqlite/database.js';
import { SWEEP_BATCH_ROWS } from '../src/store/sqlite/sqlite-conversation-repository.js';
import { recordPrepared } from './helpers/query-plans.js';

const dir = mkdtempSync(join(tmpdir(), 'sa-sqlite-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OLD = '2025-01-01T00:00:00.000Z';
const CUTOFF = '2026-01-01T00:00:00.000Z';
const RECENT = '2026-06-01T00:00:00.000Z';

/** `count` rows numbered from 1, made by SQLite itself (a recursive query), for INSERT … SELECT. */
const numbers = (count: number) =>
  `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})`;

/**
 * `count` memories, idempotency keys and delivered webhook messages stored at `OLD`, in a
 * thousand sessions, and one of each stored at `RECENT` in session `kept`.
 */
function fill(db: SqliteDatabase, count: number): void {
  db.exec(`
    INSERT INTO memories (id, session_id, type, content, importance, created_at)
      ${numbers(count)}
      SELECT 'm' || i, 's' || (i % 1000), 'fact', 'Order number ' || i, 0.5, '${OLD}' FROM n;
    INSERT INTO idempotency_keys (session_id, scope, key, fingerprint, state, created_at)
      ${numbers(count)}
      SELECT 's' || (i % 1000), 'message', 'k' || i, 'f', 'completed', '${OLD}' FROM n;
    INSERT INTO outbox (id, topic, payload, created_at, next_attempt_at, delivered_at)
      ${numbers(count)}
      SELECT 'o' || i, 'ticket.created', '{}', '${OLD}', '${OLD}', '${OLD}' FROM n;
    INSERT INTO memories (id, session_id, type, content, importance, created_at)
      VALUES ('kept-m', 'kept', 'fact', 'Customer e-mail: jane@example.com', 0.5, '${RECENT}');
    INSERT INTO idempotency_keys (session_id, scope, key, fingerprint, state, created_at)
      VALUES ('kept', 'message', 'kept-k', 'f', 'completed', '${RECENT}');
    INSERT INTO outbox (id, topic, payload, created_at, next_attempt_at, delivered_at)
      VALUES ('kept-o', 'ticket.created', '{}', '${RECENT}', '${RECENT}', '${RECENT}');
  `);
}

/**
 * Runs `sweep` while a request after another reads a session's memories, as the server's
 * requests would: how many were answered before the sweep ended, the longest the event loop
 * was held between two of them, and how long the sweep took.
 */
async function whileServing(
  repo: SqliteConversationRepository,
  sweep: () => Promise<number>,
): Promise<{ swept: number; answered: number; longestStallMs: number; tookMs: number }> {
  let answered = 0;
  let longestStallMs = 0;
  let sweeping = true;
  let last = performance.now();
  const serve = async () => {
    while (sweeping) {
      await new Promise((resolve) => setImmediate(resolve));
      const now = performance.now();
      longestStallMs = Math.max(longestStallMs, now - last);
      last = now;
      if (!sweeping) break;
      expect(await repo.recentMemories('kept', { fact: 5 })).toHaveLength(1);
      answered++;
    }
  };
  const serving = serve();
  const started = performance.now();
  const swept = await sweep();
  const tookMs = performance.now() - started;
  sweeping = false;
  await serving;
  return { swept, answered, longestStallMs, tookMs };
}

describe('SQLite retention sweeps', () => {
  it('delete a large backlog in batches, answering requests between them', async () => {
    const db = openDatabase(join(dir, 'sweeps.db'));
    const rows = 100 * SWEEP_BATCH_ROWS;
    fill(db, rows);
    const repo = new SqliteConversationRepository(db);

    for (const [name, sweep] of [
      ['memories', () => repo.forgetBefore(CUTOFF)],
      ['idempotency keys', () => repo.forgetIdempotencyKeysBefore(CUTOFF)],
      ['delivered webhook messages', () => repo.forgetDeliveredBefore(CUTOFF)],
    ] as const) {
      const served = await whileServing(repo, sweep);
      // Every old row is gone, whatever the number of batches, and the recent ones are kept.
      expect(served.swept, name).toBe(rows);
      // One statement over them all held the event loop from start to end: no request was
      // answered until it was done. In batches, the longest hold is one batch's.
      expect(served.answered, name).toBeGreaterThanOrEqual(50);
      expect(served.longestStallMs, name).toBeLessThan(served.tookMs / 4);
    }
    expect(db.prepare('SELECT count(*) FROM memories').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM idempotency_keys').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(1);
    expect(await repo.forgetBefore(CUTOFF)).toBe(0);
    db.close();
  }, 60_000);

  it('finds the memories to forget by when they were stored, reading no other', async () => {
    const db = openDatabase(':memory:');
    const { texts, plan } = recordPrepared(db);
    const repo = new SqliteConversationRepository(db);
    expect(await repo.forgetBefore(CUTOFF)).toBe(0);
    const [sweep] = texts.filter((sql) => /DELETE FROM memories/.test(sql));
    expect(sweep).toBeDefined();
    expect(plan(sweep as string, [{ before: CUTOFF }])).toContain(
      'SEARCH memories USING COVERING INDEX memories_created (created_at<?)',
    );
    db.close();
  });
});

describe('SQLite migration 19', () => {
  it('indexes the memories already stored by when they were stored', () => {
    const db = openDatabase(':memory:', { migrations: MIGRATIONS.filter((m) => m.version < 19) });
    fill(db, 10);
    migrate(db, MIGRATIONS);
    expect(
      db
        .prepare(
          `SELECT count(*) FROM memories INDEXED BY memories_created WHERE created_at < '${CUTOFF}'`,
        )
        .pluck()
        .get(),
    ).toBe(10);
    db.close();
  });
});

describe('SQLite journal', () => {
  it('is cut back to its bound after a large write once a checkpoint has copied it', () => {
    const path = join(dir, 'journal.db');
    const db = openDatabase(path);
    const journal = () => statSync(`${path}-wal`).size;
    db.exec('CREATE TABLE blobs (data BLOB)');
    const insert = db.prepare('INSERT INTO blobs (data) VALUES (?)');
    // A 60 MB upload, as the database stores an uploaded document: the journal holds all of it.
    insert.run(Buffer.alloc(60 * 1024 * 1024, 7));
    expect(journal()).toBeGreaterThan(60 * 1024 * 1024);
    db.pragma('wal_checkpoint(PASSIVE)');
    // The next write starts the journal again from its beginning, and cuts the file.
    insert.run(Buffer.alloc(10, 7));
    expect(journal()).toBeLessThanOrEqual(JOURNAL_SIZE_LIMIT_BYTES);
    db.close();
  });
});
