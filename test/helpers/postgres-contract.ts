// Runs a repository contract suite on PostgreSQL: one schema for the test file, emptied before
// each test by `empty`, with the store's clock the test's.
import { afterAll, describe } from 'vitest';
import {
  createPostgresPool,
  openPostgresStore,
  type PostgresStore,
} from '../../src/store/index.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './services.js';

type PostgresPool = ReturnType<typeof createPostgresPool>;

/**
 * @example
 * await describeOnPostgres(describeKnowledgeRepository, (store) => store.knowledge, (admin) =>
 *   admin.query('TRUNCATE documents, chunks, source_files'),
 * );
 */
export async function describeOnPostgres<T>(
  contract: (name: string, make: (now?: () => Date) => Promise<T>) => void,
  repository: (store: PostgresStore) => T,
  empty: (admin: PostgresPool) => Promise<unknown>,
): Promise<void> {
  const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);
  describe.runIf(postgresUp)('on PostgreSQL', () => {
    const schema = uniqueName('t');
    const admin = createPostgresPool(POSTGRES_URL, { schema });
    let store: PostgresStore | undefined;
    let clock: () => Date = () => new Date();

    afterAll(async () => {
      await store?.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });

    contract('PostgreSQL', async (now) => {
      store ??= await openPostgresStore(POSTGRES_URL, { schema, now: () => clock() });
      clock = now ?? (() => new Date());
      await empty(admin);
      return repository(store);
    });
  });
}
