/**
 * What an operator reads on `/ready` with the admin key when a dependency fails: why, and where.
 * The README promises the host and the service's own error for each failing check, as the
 * database check gives them ("PostgreSQL at host:port/db is unavailable: connect ECONNREFUSED").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, call, startServer, type TestServer } from './helpers/http.js';
import { closedPort, silentServer } from './helpers/tcp-proxy.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function redisDetail(server: TestServer): Promise<string> {
  const ready = await call(server.url, 'GET', '/ready', {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  expect(ready.status).toBe(503);
  const check = ready.body.checks.find((c: { name: string }) => c.name === 'redis');
  expect(check.ok).toBe(false);
  return check.detail as string;
}

describe('/ready with the admin key, Redis failing', () => {
  it('names the Redis host and the connection error when nothing listens there', async () => {
    const port = await closedPort();
    t = await startServer({ REDIS_URL: `redis://127.0.0.1:${port}` });
    const detail = await redisDetail(t);
    expect(detail).toContain(`127.0.0.1:${port}`);
    expect(detail).toContain('ECONNREFUSED');
    // Not a customer's apology: the operator is the reader here.
    expect(detail).not.toContain('please try again');
  });

  it('names the Redis host and says it does not answer when it hangs', async () => {
    const silent = await silentServer();
    try {
      t = await startServer({ REDIS_URL: `redis://127.0.0.1:${silent.port}` });
      const detail = await redisDetail(t);
      expect(detail).toContain(`127.0.0.1:${silent.port}`);
      expect(detail).not.toContain('please try again');
      expect(detail).not.toContain('maxRetriesPerRequest');
    } finally {
      await t?.close();
      t = undefined;
      await silent.close();
    }
  });
});
