import { afterAll, describe } from 'vitest';
import {
  createPostgresPool,
  openDatabase,
  openPostgresStore,
  SqliteConversationRepository,
  type PostgresStore,
} from '../src/store/index.js';
import { describeConversationRepository } from './contracts/conversation-repository.contract.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';

describeConversationRepository(
  'SQLite',
  async (now) => new SqliteConversationRepository(openDatabase(':memory:'), now),
);

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

describe.runIf(postgresUp)('on PostgreSQL', () => {
  // One schema for this file, emptied before each test; the store's clock is the test's.
  const schema = uniqueName('t');
  const admin = createPostgresPool(POSTGRES_URL, { schema });
  let store: PostgresStore | undefined;
  let clock: () => Date = () => new Date();

  afterAll(async () => {
    await store?.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  describeConversationRepository('PostgreSQL', async (now) => {
    store ??= await openPostgresStore(POSTGRES_URL, { schema, now: () => clock() });
    clock = now ?? (() => new Date());
    await admin.query(
      'TRUNCATE message_sessions, messages, memories, tickets, outbox, idempotency_keys',
    );
    return store.conversations;
  });
});
