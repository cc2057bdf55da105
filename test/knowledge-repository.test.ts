import { afterAll, describe } from 'vitest';
import {
  createPostgresPool,
  openDatabase,
  openPostgresStore,
  SqliteKnowledgeRepository,
  type PostgresStore,
} from '../src/store/index.js';
import { describeKnowledgeRepository } from './contracts/knowledge-repository.contract.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';

describeKnowledgeRepository(
  'SQLite',
  async (now) => new SqliteKnowledgeRepository(openDatabase(':memory:'), now),
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

  describeKnowledgeRepository('PostgreSQL', async (now) => {
    store ??= await openPostgresStore(POSTGRES_URL, { schema, now: () => clock() });
    clock = now ?? (() => new Date());
    // Chunk ids keep counting: the contract expects ids never to be reused.
    await admin.query('TRUNCATE documents, chunks, source_files');
    await admin.query('UPDATE chunk_totals SET chunks = 0, words = 0, title_words = 0');
    return store.knowledge;
  });
});
