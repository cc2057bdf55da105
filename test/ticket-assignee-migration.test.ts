/**
 * Databases made while tickets' assignees were stored as typed (SQLite migration 20, PostgreSQL
 * migration 21): a name typed with combining accents (NFD) is stored composed (NFC), so that the
 * ticket list finds it by the name typed either way; every other name stays as it was.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  createPostgresPool,
  migrate,
  migratePostgres,
  MIGRATIONS,
  openDatabase,
  openPostgresStore,
  PostgresDatabase,
  POSTGRES_MIGRATIONS,
  SqliteConversationRepository,
  type ConversationRepository,
  type PostgresStore,
} from '../src/store/index.js';
import { POSTGRES_URL, serviceAvailable, uniqueName, IN_CI } from './helpers/services.js';

const COMPOSED = 'Jos\u00e9 Mu\u00f1oz';
const COMBINING = COMPOSED.normalize('NFD');

/** The tickets as they were stored before: [id, assignee]. */
const BEFORE: Array<[id: string, assignee: string | null]> = [
  ['t1', COMBINING],
  ['t2', COMPOSED],
  ['t3', 'Ana'],
  ['t4', null],
];

/** What a repository reads of the tickets once migrated. */
async function expectMigrated(repo: ConversationRepository): Promise<void> {
  for (const name of [COMPOSED, COMBINING, COMPOSED.toLowerCase()]) {
    const page = await repo.tickets({ assignee: name, limit: 10 });
    expect(page.items.map((ticket) => ticket.id).sort()).toEqual(['t1', 't2']);
    for (const ticket of page.items) expect(ticket.assignee).toBe(COMPOSED);
  }
  expect((await repo.tickets({ assignee: 'ana', limit: 10 })).items.map((t) => t.id)).toEqual([
    't3',
  ]);
  expect((await repo.tickets({ assignee: null, limit: 10 })).items.map((t) => t.id)).toEqual([
    't4',
  ]);
}

describe('SQLite migration 20', () => {
  it('stores every assignee composed, and finds it by the name typed either way', async () => {
    const db = openDatabase(':memory:', { migrations: MIGRATIONS.filter((m) => m.version < 20) });
    const insert = db.prepare(
      `INSERT INTO tickets (id, session_id, status, priority, category, summary, reasons,
           created_at, updated_at, assignee, assignee_key)
         VALUES (?, ?, 'open', 'normal', 'other', 'Help', '[]', ?, ?, ?, ?)`,
    );
    // The key as it was folded then: the name in lowercase, as typed.
    BEFORE.forEach(([id, assignee], i) => {
      const at = `2026-01-01T00:00:0${i}.000Z`;
      insert.run(id, `s${id}`, at, at, assignee, assignee?.toLowerCase() ?? null);
    });
    migrate(db, MIGRATIONS);
    await expectMigrated(new SqliteConversationRepository(db));
    db.close();
  });
});

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

/** Whether the tests' role may create a database (one in another encoding). */
async function mayCreateDatabase(): Promise<boolean> {
  const pool = createPostgresPool(POSTGRES_URL);
  try {
    const { rows } = await pool.query<{ may: boolean }>(
      'SELECT rolcreatedb OR rolsuper AS may FROM pg_roles WHERE rolname = current_user',
    );
    return rows[0]?.may === true;
  } finally {
    await pool.end();
  }
}
// Under CI the role may (the CI's Postgres is the machine's own): the test runs and fails there
// rather than being skipped.
const createsDatabases = postgresUp && (IN_CI || (await mayCreateDatabase()));

describe.runIf(postgresUp)('PostgreSQL migration 21', () => {
  const schemas: string[] = [];
  const stores: PostgresStore[] = [];
  const admin = createPostgresPool(POSTGRES_URL);
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('stores every assignee composed, and finds it by the name typed either way', async () => {
    const schema = uniqueName('t');
    schemas.push(schema);
    const old = new PostgresDatabase(createPostgresPool(POSTGRES_URL, { schema }), POSTGRES_URL);
    try {
      await migratePostgres(old, {
        schema,
        migrations: POSTGRES_MIGRATIONS.filter((m) => m.version < 21),
      });
      for (const [i, [id, assignee]] of BEFORE.entries()) {
        const at = `2026-01-01T00:00:0${i}.000Z`;
        await old.query(
          `INSERT INTO tickets (id, session_id, status, priority, category, summary, reasons,
               created_at, updated_at, assignee)
             VALUES ($1, $2, 'open', 'normal', 'other', 'Help', '[]'::jsonb, $3, $3, $4)`,
          [id, `s${id}`, at, assignee],
        );
      }
    } finally {
      await old.pool.end();
    }
    const store = await openPostgresStore(POSTGRES_URL, { schema });
    stores.push(store);
    await expectMigrated(store.conversations);
  });

  it.runIf(createsDatabases)(
    'leaves the names as they are in a database that is not UTF8, and the server starts',
    async () => {
      // SQL_ASCII stores text as bytes: PostgreSQL cannot normalize it.
      const name = uniqueName('sql_ascii');
      await admin.query(
        `CREATE DATABASE "${name}" ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'`,
      );
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${name}`;
      try {
        const old = new PostgresDatabase(createPostgresPool(url.toString()), url.toString());
        try {
          await migratePostgres(old, {
            migrations: POSTGRES_MIGRATIONS.filter((m) => m.version < 21),
          });
          await old.query(
            `INSERT INTO tickets (id, session_id, status, priority, category, summary, reasons,
               created_at, updated_at, assignee)
             VALUES ('t1', 's1', 'open', 'normal', 'other', 'Help', '[]'::jsonb, $1, $1, 'Ana')`,
            ['2026-01-01T00:00:00.000Z'],
          );
        } finally {
          await old.pool.end();
        }
        const store = await openPostgresStore(url.toString());
        try {
          const page = await store.conversations.tickets({ assignee: 'ana', limit: 10 });
          expect(page.items.map((ticket) => ticket.assignee)).toEqual(['Ana']);
        } finally {
          await store.close();
        }
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    },
  );
});
