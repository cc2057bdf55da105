// Several app+server instances of one deployment, as behind a load balancer: one Redis (under a
// key prefix of their own) and one SQLite database, each instance with its own server.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { AppOverrides } from '../../src/app.js';
import { startServer, type TestServer } from './http.js';
import { REDIS_URL, uniqueName } from './services.js';

/** The stores instances share, and the instances started on them. */
export interface SharedStores {
  /** The Redis key prefix of these instances (`REDIS_KEY_PREFIX`). */
  prefix: string;
  /** The SQLite database file they share. */
  database: string;
  /**
   * Starts one more instance: `env` over the shared settings, `overrides` as for `startServer`.
   * Instances are started one at a time: the second finds the database migrated by the first.
   */
  start(env?: Record<string, string>, overrides?: AppOverrides): Promise<TestServer>;
  /** Closes every instance not closed yet, and deletes their Redis keys and the database. */
  close(): Promise<void>;
}

/**
 * Stores for instances of one deployment, named after `name`. Every instance gets `REDIS_URL`,
 * its own `REDIS_KEY_PREFIX`, one `SESSION_ENCRYPTION_KEY` (as a deployment's instances share
 * theirs), and `env`, which may replace any of them.
 *
 * @example
 * const shared = sharedStores('xstreams', { RETENTION_DAYS: '30' });
 * beforeAll(async () => { a = await shared.start(); b = await shared.start(); });
 * afterAll(() => shared.close());
 */
export function sharedStores(name: string, env: Record<string, string> = {}): SharedStores {
  const prefix = `${uniqueName(name)}:`;
  const dataDir = mkdtempSync(join(tmpdir(), `sa-${name}-`));
  const database = join(dataDir, 'shared.db');
  const settings = {
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    SESSION_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ...env,
  };
  const open = new Set<TestServer>();
  return {
    prefix,
    database,
    async start(more = {}, overrides = {}) {
      const server = await startServer(
        { ...settings, ...more },
        { databasePath: database, ...overrides },
      );
      open.add(server);
      // An instance a test closes itself is not closed again.
      return {
        ...server,
        close: () => (open.delete(server) ? server.close() : Promise.resolve()),
      };
    },
    async close() {
      for (const server of [...open]) {
        open.delete(server);
        await server.close();
      }
      const redis = new Redis(REDIS_URL);
      const left = await redis.keys(`${prefix}*`);
      if (left.length > 0) await redis.del(...left);
      await redis.quit();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
