/**
 * A page of the ticket list that starts at a cursor is read through an index in the list's order
 * (newest first, then by id), with each filter, on both databases: the plans of the repository's
 * own statements find where the cursor starts without reading every ticket or sorting them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  createPostgresPool,
  migratePostgres,
  openDatabase,
  PostgresConversationRepository,
  SqliteConversationRepository,
  type ConversationRepository,
} from '../src/store/index.js';
import { postgresPlan, recordPrepared, RecordingDatabase } from './helpers/query-plans.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';

type Options = Parameters<ConversationRepository['tickets']>[0];

const cursor = { createdAt: '2026-06-01T00:00:00.000Z', id: 'T-5' };

/** Each filter, the values it binds before the cursor's, and the index each database reads. */
const cases: Array<{
  filter: Omit<Options, 'limit'>;
  values: string[];
  sqlite: string;
  pg: string;
}> = [
  { filter: {}, values: [], sqlite: 'tickets_created', pg: 'tickets_newest' },
  { filter: { status: 'open' }, values: ['open'], sqlite: 'tickets_status', pg: 'tickets_status' },
  {
    filter: { priority: 'urgent' },
    values: ['urgent'],
    sqlite: 'tickets_priority',
    pg: 'tickets_priority',
  },
  {
    filter: { category: 'safety' },
    values: ['safety'],
    sqlite: 'tickets_category',
    pg: 'tickets_category',
  },
  {
    filter: { assignee: 'ana' },
    values: ['ana'],
    sqlite: 'tickets_assignee_key',
    pg: 'tickets_assignee_lower',
  },
];

async function openTickets(repo: ConversationRepository): Promise<void> {
  for (const n of [1, 2, 3, 4, 5, 6]) {
    await repo.openTicket({
      id: `T-${n}`,
      sessionId: `s${n}`,
      priority: n % 2 === 0 ? 'urgent' : 'normal',
      category: n % 3 === 0 ? 'safety' : 'general',
      summary: 'Wants a person',
      reasons: [],
    });
    if (n % 2 === 0) await repo.updateTicket(`T-${n}`, { assignee: 'Ana' });
  }
}

describe('SQLite', () => {
  it('reads a page after a cursor through the index of its filter, in the list order', async () => {
    const db = openDatabase(':memory:');
    const repo = new SqliteConversationRepository(db);
    await openTickets(repo);
    const { texts, plan } = recordPrepared(db);
    for (const { filter, values, sqlite } of cases) {
      texts.length = 0;
      await repo.tickets({ ...filter, limit: 10, before: cursor });
      const sql = texts.find((text) => /FROM tickets[\s\S]*LIMIT/.test(text));
      expect(sql, JSON.stringify(filter)).toBeDefined();
      const details = plan(sql as string, [...values, cursor.createdAt, cursor.id, 10, 0]).join(
        '\n',
      );
      expect(details, JSON.stringify(filter)).toMatch(
        new RegExp(`USING (COVERING )?INDEX ${sqlite}\\b`),
      );
      expect(details, JSON.stringify(filter)).not.toMatch(/TEMP B-TREE/);
      expect(details, JSON.stringify(filter)).not.toMatch(/^SCAN tickets$/m);
    }
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

  it('reads a page after a cursor through the index of its filter, in the list order', async () => {
    await migratePostgres(db, { schema });
    const repo = new PostgresConversationRepository(db);
    await openTickets(repo);

    for (const { filter, values, pg } of cases) {
      db.texts.length = 0;
      await repo.tickets({ ...filter, limit: 10, before: cursor });
      const sql = db.texts.find((text) => /FROM tickets[\s\S]*LIMIT/.test(text));
      expect(sql, JSON.stringify(filter)).toBeDefined();
      const text = await postgresPlan(
        pool,
        sql as string,
        [...values, cursor.createdAt, cursor.id, 10, 0],
        { sorts: 'off' },
      );
      expect(text, JSON.stringify(filter)).toMatch(new RegExp(`Index Scan.* ${pg}\\b`));
      expect(text, JSON.stringify(filter)).not.toMatch(/Seq Scan|Sort/);
    }
  });
});
