// The real services tests run against: Redis and PostgreSQL on loopback. Under CI=true a missing
// service fails the test that needs it; elsewhere such a test is skipped with a visible reason.
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';

/** Redis for tests: `TEST_REDIS_URL`, else `REDIS_URL`, else the local default. */
export const REDIS_URL =
  process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** PostgreSQL for tests: `TEST_DATABASE_URL`, else the local `test` database. */
export const POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when running under CI, where every service must be present. */
export const IN_CI = process.env.CI === 'true';

/** Whether a TCP connection to the URL's host and port can be opened within `timeoutMs`. */
export function reachable(url: string, defaultPort: number, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || defaultPort), hostname.replace(/^\[|\]$/g, ''), () => done(true));
  });
}

/**
 * Whether tests of a service should run: true when it answers. When it does not, under CI this
 * throws (the suite fails); elsewhere it prints why and returns false so the caller can skip.
 *
 * @example
 * const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);
 * describe.runIf(redisUp)('on Redis', () => { ... });
 */
export async function serviceAvailable(
  name: string,
  url: string,
  defaultPort: number,
): Promise<boolean> {
  if (await reachable(url, defaultPort)) return true;
  const message = `${name} is not reachable at ${new URL(url).host}`;
  if (IN_CI) throw new Error(`${message}; CI needs it`);
  console.warn(`${message}: its tests are skipped (they fail under CI=true)`);
  return false;
}

/** A short random name for keys, schemas and ids that must not collide between test files. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
