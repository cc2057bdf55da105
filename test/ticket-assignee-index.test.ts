/**
 * "My tickets" (`?assignee=`) is found by an index on both databases, in any letter case: the
 * query plan of the repository's own statements says so, and the migrations that bring the index
 * keep the tickets assigned before them findable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  createPostgresPool,
  migrate,
  migratePostgres,
  MIGRATIONS,
  openDatabase,
  PostgresConversationRepository,
  POSTGRES_MIGRATIONS,
  SqliteConversationRepository,
} from '../src/store/index.js';
import { postgresPlan, recordPrepared, RecordingDatabase } from './helpers/query-plans.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';

const ticket = (sessionId: string) => ({
  id: `T-${sessionId}`,
  sessionId,
  priority: 'normal',
  category: 'human_request',
  summary: 'Wants a person',
  reasons: ['asked for a person'],
});

describe('SQLite', () => {
  it('lists the tickets of an assignee through the index, in any letter case', async () => {
    const db = openDatabase(':memory:');
    const repo = new SqliteConversationRepository(db);
    for (const [session, assignee] of [
      ['s1', 'JOSÉ'],
      ['s2', 'Ελένη'],
      ['s3', null],
    ] as const) {
      await repo.openTicket(ticket(session));
      await repo.updateTicket(`T-${session}`, { assignee });
    }
    const { texts, plan } = recordPrepared(db);
    const page = await repo.tickets({ assignee: 'josé', limit: 10 });
    expect(page.items.map((t) => t.assignee)).toEqual(['JOSÉ']);
    expect(page.total).toBe(1);
    expect((await repo.tickets({ assignee: 'ΕΛΈΝΗ', limit: 10 })).total).toBe(1);

    const queries = texts.filter((sql) => /FROM tickets/.test(sql));
    expect(queries).toHaveLength(2);
    for (const sql of queries) {
      const values = sql.includes('LIMIT') ? ['josé', 10, 0] : ['josé'];
      const details = plan(sql, values).join('\n');
      expect(details).toMatch(/USING (COVERING )?INDEX tickets_assignee_key/);
      expect(details).not.toMatch(/^SCAN tickets$/m);
    }
  });

  it('migration 17 keeps the tickets assigned before it findable in any letter case', async () => {
    const db = openDatabase(':memory:', { migrations: MIGRATIONS.filter((m) => m.version < 17) });
    db.prepare(
      `INSERT INTO tickets (id, session_id, status, priority, category, summary, reasons,
                            assignee, created_at, updated_at)
         VALUES ('T-1', 's1', 'open', 'normal', 'human_request', 'Wants a person', '[]',
                 'JOSÉ', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
    ).run();
    migrate(db, MIGRATIONS);
    const repo = new SqliteConversationRepository(db);
    const page = await repo.tickets({ assignee: 'josé', limit: 10 });
    expect(page.items.map((t) => t.id)).toEqual(['T-1']);
    // Unassigned, then given to another: found by the new name only.
    await repo.updateTicket('T-1', { assignee: null });
    expect((await repo.tickets({ assignee: 'josé', limit: 10 })).total).toBe(0);
    expect((await repo.tickets({ assignee: null, limit: 10 })).total).toBe(1);
    await repo.updateTicket('T-1', { assignee: 'Ana' });
    expect((await repo.tickets({ assignee: 'ANA', limit: 10 })).total).toBe(1);
  });
});

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

describe.runIf(postgresUp)('PostgreSQL', () => {
  const schema = uniqueName('t');
  const admin = createPostgresPool(POSTGRES_URL);
  const pool = createPostgresPool(POSTGRES_URL, { schema });
  const db = new RecordingDatabase(pool, POSTGRES_URL);

  afterAll(async () => {
    await pool.end();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('migration 19 indexes lower(assignee), which the listing reads by', async () => {
    await migratePostgres(db, {
      schema,
      migrations: POSTGRES_MIGRATIONS.filter((m) => m.version < 19),
    });
    const repo = new PostgresConversationRepository(db);
    await repo.openTicket(ticket('s1'));
    await repo.updateTicket('T-s1', { assignee: 'JOSÉ' });
    await migratePostgres(db, { schema, migrations: POSTGRES_MIGRATIONS });

    db.texts.length = 0;
    const page = await repo.tickets({ assignee: 'josé', limit: 10 });
    expect(page.items.map((t) => t.id)).toEqual(['T-s1']);
    const queries = db.texts.filter((sql) => /FROM tickets/.test(sql));
    expect(queries).toHaveLength(2);

    for (const sql of queries) {
      const values = sql.includes('LIMIT') ? ['josé', 10, 0] : ['josé'];
      const text = await postgresPlan(pool, sql, values);
      expect(text).toContain('tickets_assignee_lower');
      expect(text).not.toMatch(/Seq Scan/);
    }
  });
});
