/**
 * PostgreSQL migration 18 on a database that has idempotency keys already: they stay the
 * customer's messages' keys, and a staff message's key of the same name is another one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  createPostgresPool,
  migratePostgres,
  openPostgresStore,
  PostgresDatabase,
  POSTGRES_MIGRATIONS,
  type PostgresStore,
} from '../src/store/index.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

describe.runIf(postgresUp)('PostgreSQL migration 18', () => {
  const schema = uniqueName('t');
  const admin = createPostgresPool(POSTGRES_URL);
  let store: PostgresStore | undefined;

  afterAll(async () => {
    await store?.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it("keeps the keys stored before it as the customer's, apart from the staff's", async () => {
    const old = new PostgresDatabase(createPostgresPool(POSTGRES_URL, { schema }), POSTGRES_URL);
    try {
      await migratePostgres(old, {
        schema,
        migrations: POSTGRES_MIGRATIONS.filter((m) => m.version < 18),
      });
      await old.query(
        `INSERT INTO idempotency_keys (session_id, key, fingerprint, state, response, created_at)
         VALUES ('s', 'k', 'f', 'completed', '{"turn":1}', '2026-01-01T00:00:00.000Z')`,
      );
    } finally {
      await old.pool.end();
    }
    store = await openPostgresStore(POSTGRES_URL, { schema });
    const repo = store.conversations;
    const claim = { sessionId: 's', key: 'k', fingerprint: 'f', now: '2026-01-01T00:01:00.000Z' };
    expect(await repo.claimIdempotencyKey(claim)).toEqual({
      state: 'completed',
      response: { turn: 1 },
    });
    expect(await repo.claimIdempotencyKey({ ...claim, scope: 'staff_message' })).toEqual({
      state: 'claimed',
    });
    expect(await repo.claimIdempotencyKey({ ...claim, scope: 'staff_message' })).toEqual({
      state: 'in_progress',
    });
    expect(await repo.forgetIdempotencyKeysBefore('2026-01-01T00:00:30.000Z')).toBe(1);
  });
});
