/**
 * Databases made before the files a customer attached were remembered apart from their details
 * (SQLite migration 15, PostgreSQL migration 17): the files remembered as facts until then are
 * moved among the files, every other memory stays as it was, and a session's facts are read
 * without its files taking their places.
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
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';

/** A session's memories as they were stored before: its files among its facts. */
const BEFORE: Array<[type: string, content: string, at: string]> = [
  ['fact', 'Order number: 4417', '2026-01-01T00:00:00.000Z'],
  ['fact', 'Attached file: invoice.pdf (message 3)', '2026-01-01T00:00:01.000Z'],
  // Stored at the same moment: their order is kept.
  ['fact', 'Attached file: receipt.txt (message 5)', '2026-01-01T00:00:02.000Z'],
  ['fact', 'Customer e-mail: jane@example.com', '2026-01-01T00:00:02.000Z'],
  ['summary', 'Answered: Attached file: what is this?', '2026-01-01T00:00:03.000Z'],
];

/** What a repository reads of the session once migrated. */
async function expectMigrated(repo: ConversationRepository): Promise<void> {
  const read = await repo.recentMemories('s', { fact: 2, file: 10, summary: 10 });
  expect(read.map((m) => [m.type, m.content])).toEqual([
    ['summary', 'Answered: Attached file: what is this?'],
    ['fact', 'Customer e-mail: jane@example.com'],
    ['file', 'Attached file: receipt.txt (message 5)'],
    ['file', 'Attached file: invoice.pdf (message 3)'],
    ['fact', 'Order number: 4417'],
  ]);
  // A file is stored as one now, once; a fact of the same words would be another memory.
  await repo.rememberAll('s', [
    { type: 'file', content: 'Attached file: invoice.pdf (message 3)', importance: 0.8 },
    { type: 'file', content: 'Attached file: notes.txt (message 7)', importance: 0.8 },
  ]);
  expect((await repo.memories('s', { type: 'file' })).map((m) => m.content)).toEqual([
    'Attached file: notes.txt (message 7)',
    'Attached file: receipt.txt (message 5)',
    'Attached file: invoice.pdf (message 3)',
  ]);
  expect((await repo.memories('s', { type: 'fact' })).map((m) => m.content)).toEqual([
    'Customer e-mail: jane@example.com',
    'Order number: 4417',
  ]);
}

describe('SQLite migration 15', () => {
  it('moves the files remembered as facts among the files, and keeps every other memory', async () => {
    const db = openDatabase(':memory:', { migrations: MIGRATIONS.filter((m) => m.version < 15) });
    const insert = db.prepare(
      `INSERT INTO memories (id, session_id, type, content, importance, created_at)
         VALUES (?, 's', ?, ?, 0.8, ?)`,
    );
    // Ids that sort against the order of storing: the order read back is the rowid's.
    BEFORE.forEach(([type, content, at], i) => insert.run(`m${9 - i}`, type, content, at));
    expect(() =>
      insert.run('x', 'file', 'Attached file: a.txt (message 1)', BEFORE[0]?.[2]),
    ).toThrow(/CHECK/);
    migrate(db, MIGRATIONS);
    await expectMigrated(new SqliteConversationRepository(db));
    // The index a turn reads memories by came along.
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'memories'").all();
    expect(indexes).toContainEqual({ name: 'memories_session_type' });
  });
});

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

describe.runIf(postgresUp)('PostgreSQL migration 17', () => {
  const schemas: string[] = [];
  const stores: PostgresStore[] = [];
  const admin = createPostgresPool(POSTGRES_URL);
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('moves the files remembered as facts among the files, and keeps every other memory', async () => {
    const schema = uniqueName('t');
    schemas.push(schema);
    const old = new PostgresDatabase(createPostgresPool(POSTGRES_URL, { schema }), POSTGRES_URL);
    try {
      await migratePostgres(old, {
        schema,
        migrations: POSTGRES_MIGRATIONS.filter((m) => m.version < 17),
      });
      for (const [i, [type, content, at]] of BEFORE.entries()) {
        await old.query(
          `INSERT INTO memories (id, session_id, type, content, importance, created_at)
             VALUES ($1, 's', $2, $3, 0.8, $4)`,
          [`m${9 - i}`, type, content, at],
        );
      }
      await expect(
        old.query(
          `INSERT INTO memories (id, session_id, type, content, importance, created_at)
             VALUES ('x', 's', 'file', 'Attached file: a.txt (message 1)', 0.8, now())`,
        ),
      ).rejects.toThrow(/check constraint/);
    } finally {
      await old.pool.end();
    }
    const store = await openPostgresStore(POSTGRES_URL, { schema });
    stores.push(store);
    await expectMigrated(store.conversations);
  });
});
