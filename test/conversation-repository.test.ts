import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  migrate,
  MIGRATIONS,
  openDatabase,
  SqliteConversationRepository,
} from '../src/store/index.js';
import { describeConversationRepository } from './contracts/conversation-repository.contract.js';
import { describeOnPostgres } from './helpers/postgres-contract.js';
import { recordPrepared } from './helpers/query-plans.js';

describeConversationRepository(
  'SQLite',
  async (now) => new SqliteConversationRepository(openDatabase(':memory:'), now),
);

await describeOnPostgres(
  describeConversationRepository,
  (store) => store.conversations,
  (admin) =>
    admin.query('TRUNCATE message_sessions, messages, memories, tickets, outbox, idempotency_keys'),
);

describe('SQLite migration 5', () => {
  it("fills the new found column from the replies' metadata already stored", async () => {
    const db = openDatabase(':memory:', { migrations: MIGRATIONS.filter((m) => m.version < 5) });
    const insert = db.prepare(
      `INSERT INTO messages (id, session_id, seq, role, text, turn_id, metadata, created_at)
         VALUES (?, 's', ?, ?, ?, 't', ?, '2026-01-01T00:00:00.000Z')`,
    );
    insert.run('m1', 1, 'user', 'Where is my parcel?', '{}');
    insert.run('m2', 2, 'assistant', 'Here', JSON.stringify({ found: true, sources: [1] }));
    insert.run('m3', 3, 'user', 'And my refund?', '{}');
    insert.run('m4', 4, 'assistant', 'Nothing', JSON.stringify({ found: false }));
    insert.run('m5', 5, 'assistant', 'Odd', JSON.stringify({ found: 'yes' }));
    migrate(db, MIGRATIONS);
    const repo = new SqliteConversationRepository(db);
    expect(await repo.recentTurns('s', 10)).toEqual([
      { seq: 1, role: 'user', text: 'Where is my parcel?' },
      { seq: 2, role: 'assistant', text: 'Here', found: true },
      { seq: 3, role: 'user', text: 'And my refund?' },
      { seq: 4, role: 'assistant', text: 'Nothing', found: false },
      { seq: 5, role: 'assistant', text: 'Odd' },
    ]);
    // New messages set it as they are stored.
    await repo.appendMessage({
      id: 'm6',
      sessionId: 's',
      role: 'assistant',
      text: 'Found it',
      turnId: 't',
      requestId: null,
      metadata: { found: true },
    });
    expect((await repo.recentTurns('s', 1))[0]).toMatchObject({ seq: 6, found: true });
  });
});

describe('SQLite migration 10', () => {
  it("fills the new escalated column from the replies' metadata already stored", async () => {
    const db = openDatabase(':memory:', { migrations: MIGRATIONS.filter((m) => m.version < 10) });
    const insert = db.prepare(
      `INSERT INTO messages (id, session_id, seq, role, text, turn_id, metadata, created_at)
         VALUES (?, 's', ?, ?, ?, 't', ?, '2026-01-01T00:00:00.000Z')`,
    );
    insert.run('m1', 1, 'user', 'I want a person', '{}');
    insert.run(
      'm2',
      2,
      'assistant',
      'Handed over',
      JSON.stringify({ escalation: { escalate: true } }),
    );
    insert.run('m3', 3, 'assistant', 'Not', JSON.stringify({ escalation: { escalate: false } }));
    migrate(db, MIGRATIONS);
    const repo = new SqliteConversationRepository(db);
    expect(await repo.recentTurns('s', 10)).toEqual([
      { seq: 1, role: 'user', text: 'I want a person' },
      { seq: 2, role: 'assistant', text: 'Handed over', escalated: true },
      { seq: 3, role: 'assistant', text: 'Not' },
    ]);
  });
});

/**
 * A repository on a new SQLite database, the statements it prepares (in `prepared`), and how
 * SQLite runs one of them (each step of its query plan).
 */
function plannedRepository() {
  const db = openDatabase(':memory:');
  const { texts: prepared, plan: planOf } = recordPrepared(db);
  return { db, repo: new SqliteConversationRepository(db), prepared, planOf };
}

describe('SQLite session reads', () => {
  it("counts a session's messages from its counter, reading none of them", async () => {
    const { db, repo, prepared, planOf } = plannedRepository();
    for (const [i, role] of (['user', 'assistant', 'user'] as const).entries()) {
      await repo.appendMessage({
        id: `m${i}`,
        sessionId: 's',
        role,
        text: 'Hello',
        turnId: 't',
        requestId: null,
        metadata: {},
      });
    }
    prepared.length = 0;
    expect(await repo.countMessages('s')).toBe(3);
    expect(await repo.countMessages('none')).toBe(0);
    expect(prepared).toHaveLength(1);
    expect(planOf(prepared[0] as string)).toEqual([
      'SEARCH message_sessions USING INDEX sqlite_autoindex_message_sessions_1 (session_id=?)',
    ]);
    db.close();
  });
});

describe('SQLite ticket list', () => {
  it('finds the tickets of a priority or a category through an index, already in order', async () => {
    const { db, repo, prepared, planOf } = plannedRepository();

    for (const [filter, index] of [
      [{ priority: 'high' }, 'tickets_priority'],
      [{ category: 'billing' }, 'tickets_category'],
      [{ status: 'open' }, 'tickets_status'],
    ] as const) {
      prepared.length = 0;
      expect(await repo.tickets({ ...filter, limit: 20 })).toEqual({ items: [], total: 0 });
      const [list, count] = prepared.filter((sql) => /\bFROM tickets\b/.test(sql));
      const field = Object.keys(filter)[0];
      // The page: the filter's index gives the rows newest first, with no sort of its own.
      expect(planOf(list as string)).toEqual([`SEARCH tickets USING INDEX ${index} (${field}=?)`]);
      // Its total: counted in the index alone.
      expect(planOf(count as string)).toEqual([
        `SEARCH tickets USING COVERING INDEX ${index} (${field}=?)`,
      ]);
    }
    db.close();
  });
});

describe('SQLite group commit', () => {
  const message = (id: string) => ({
    id,
    sessionId: 's',
    role: 'user' as const,
    text: `message ${id}`,
    turnId: 't',
    requestId: null,
    metadata: {},
  });

  it("makes a new database file its owner's alone, and leaves an existing file's mode", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sa-mode-'));
    try {
      const path = join(dir, 'data', 'support-agent.db');
      openDatabase(path).close();
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700);
      await chmod(path, 0o640);
      openDatabase(path).close();
      expect((await stat(path)).mode & 0o777).toBe(0o640);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('commits writes of one turn of the event loop together, and what waits when flushed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sa-group-'));
    try {
      const path = join(dir, 'db.sqlite');
      const db = openDatabase(path);
      const repo = new SqliteConversationRepository(db);
      const written = [repo.appendMessage(message('a')), repo.appendMessage(message('b'))];
      // Nothing is stored (nor settled) before the group's commit…
      expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 0 });
      // …which closing the database makes happen first.
      repo.flush();
      db.close();
      expect((await Promise.all(written)).map((m) => m.seq)).toEqual([1, 2]);
      const reopened = new SqliteConversationRepository(openDatabase(path));
      expect(await reopened.countMessages('s')).toBe(2);
      // A write asked for after the database was closed fails clearly, and crashes nothing.
      const closed = openDatabase(join(dir, 'other.sqlite'));
      const late = new SqliteConversationRepository(closed);
      closed.close();
      await expect(late.appendMessage(message('c'))).rejects.toThrow(/database was closed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails a write of a group alone, undone whole, and stores the others', async () => {
    const repo = new SqliteConversationRepository(openDatabase(':memory:'));
    await repo.appendMessage(message('a'));
    const [b, again, facts, broken, c] = await Promise.allSettled([
      repo.appendMessage(message('b')),
      // The same id again: the database refuses it.
      repo.appendMessage(message('a')),
      repo.rememberAll('s', [{ type: 'fact', content: 'Name: Ada', importance: 0.8 }]),
      // Its first memory is stored before its second is refused: neither is kept.
      repo.rememberAll('s', [
        { type: 'fact', content: 'Email: ada@example.org', importance: 0.8 },
        { type: 'unknown' as 'fact', content: 'Phone: 555', importance: 0.8 },
      ]),
      repo.appendMessage(message('c')),
    ]);
    expect(again.status).toBe('rejected');
    expect(broken.status).toBe('rejected');
    expect(facts.status).toBe('fulfilled');
    expect(b).toMatchObject({ status: 'fulfilled', value: { seq: 2 } });
    expect(c).toMatchObject({ status: 'fulfilled', value: { seq: 3 } });
    expect((await repo.messages('s')).map((m) => [m.id, m.seq])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect((await repo.sessions({ limit: 10 }))[0]).toMatchObject({ messageCount: 3 });
    expect((await repo.memories('s')).map((m) => m.content)).toEqual(['Name: Ada']);
  });

  it('fails the whole group on a full disk, storing none of it, as each caller is told', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sa-group-full-'));
    const db = openDatabase(join(dir, 'db.sqlite'));
    try {
      const repo = new SqliteConversationRepository(db);
      await repo.appendMessage(message('a'));
      // The file may not grow: SQLite's own "database or disk is full", which ends the whole
      // transaction it happens in. A short message still fits in the pages there are.
      const { page_count: pages } = db.prepare('PRAGMA page_count').get() as { page_count: number };
      db.pragma(`max_page_count = ${pages}`);
      const outcomes = await Promise.allSettled([
        repo.appendMessage(message('b')),
        repo.appendMessage({ ...message('big'), text: 'x'.repeat(100_000) }),
        repo.appendMessage(message('c')),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      for (const outcome of outcomes) {
        expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_FULL' });
      }
      // What a caller was told failed is not stored: sent again, it would be there twice.
      expect((await repo.messages('s')).map((m) => m.id)).toEqual(['a']);
      expect(await repo.countMessages('s')).toBe(1);
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
