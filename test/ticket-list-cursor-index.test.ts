/**
 * A page of the ticket list that starts at a cursor is read through an index in the list's order
 * (newest first, then by id), with each filter, on both databases: the plans of the repository's
 * own statements find where the cursor starts without reading every ticket or sorting them.
 */
import type { QueryResultRow } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createPostgresPool,
  migratePostgres,
  openDatabase,
  PostgresConversationRepository,
  PostgresDatabase,
  SqliteConversationRepository,
  type ConversationRepository,
  type SqliteDatabase,
} from '../src/store/index.js';
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

/** The SQL texts a SQLite connection prepares, from now on. */
function preparedBy(db: SqliteDatabase): string[] {
  const texts: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    texts.push(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  return texts;
}

describe('SQLite', () => {
  it('reads a page after a cursor through the index of its filter, in the list order', async () => {
    const db = openDatabase(':memory:');
    const repo = new SqliteConversationRepository(db);
    await openTickets(repo);
    for (const { filter, values, sqlite } of cases) {
      const texts = preparedBy(db);
      await repo.tickets({ ...filter, limit: 10, before: cursor });
      const sql = texts.find((text) => /FROM tickets[\s\S]*LIMIT/.test(text));
      expect(sql, JSON.stringify(filter)).toBeDefined();
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...values, cursor.createdAt, cursor.id, 10, 0) as Array<{ detail: string }>;
      const details = plan.map((row) => row.detail).join('\n');
      expect(details, JSON.stringify(filter)).toMatch(
        new RegExp(`USING (COVERING )?INDEX ${sqlite}\\b`),
      );
      expect(details, JSON.stringify(filter)).not.toMatch(/TEMP B-TREE/);
      expect(details, JSON.stringify(filter)).not.toMatch(/^SCAN tickets$/m);
    }
  });
});

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

/** A database that keeps the SQL texts it is asked to run. */
class RecordingDatabase extends PostgresDatabase {
  readonly texts: string[] = [];

  override async query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    this.texts.push(text);
    return super.query<R>(text, values);
  }
}

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

    // A few tickets are read faster without an index: the plan is asked with scans and sorts
    // priced out, so that an index that does not give the list's order shows as a sort.
    const client = await pool.connect();
    try {
      for (const { filter, values, pg } of cases) {
        db.texts.length = 0;
        await repo.tickets({ ...filter, limit: 10, before: cursor });
        const sql = db.texts.find((text) => /FROM tickets[\s\S]*LIMIT/.test(text));
        expect(sql, JSON.stringify(filter)).toBeDefined();
        await client.query('BEGIN');
        await client.query('SET LOCAL enable_seqscan = off');
        await client.query('SET LOCAL enable_sort = off');
        const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [
          ...values,
          cursor.createdAt,
          cursor.id,
          10,
          0,
        ]);
        await client.query('ROLLBACK');
        const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
        expect(text, JSON.stringify(filter)).toMatch(new RegExp(`Index Scan.* ${pg}\\b`));
        expect(text, JSON.stringify(filter)).not.toMatch(/Seq Scan|Sort/);
      }
    } finally {
      client.release();
    }
  });
});
