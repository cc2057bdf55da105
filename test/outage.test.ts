/**
 * A shared service going away while the server runs: requests that need it get a 503 with the
 * error shape and a message that names the problem, `/ready` says which check fails, the server
 * stays up, nothing accepted is lost, and service resumes by itself when the service is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createSession, startServer, type TestServer } from './helpers/http.js';
import pg from 'pg';
import { POSTGRES_URL, REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);
const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

/** Sends the same message until it is accepted (the service is back), at most ten seconds. */
async function sendUntilAccepted(t: TestServer, id: string, token: string, text: string) {
  let result = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, { token, body: { text } });
  for (let i = 0; i < 50 && result.status !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    result = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, { token, body: { text } });
  }
  return result;
}

/** `/ready` names the failing check while `/health` stays up. */
async function expectNotReady(t: TestServer, check: string) {
  const ready = await call(t.url, 'GET', '/ready');
  expect(ready.status).toBe(503);
  expect(ready.body.checks.find((c: { name: string }) => c.name === check).ok).toBe(false);
  expect((await call(t.url, 'GET', '/health')).status).toBe(200);
}

/** The refused message goes through once the service is back, and nothing was half-stored. */
async function expectResumed(t: TestServer, id: string, token: string) {
  const after = await sendUntilAccepted(t, id, token, 'How do I reset my password?');
  expect(after.status).toBe(200);
  expect(after.body.messageCount).toBe(2);
  const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
  expect(history.body.items.map((m: { role: string }) => m.role)).toEqual([
    'user',
    'assistant',
    'user',
    'assistant',
  ]);
}

describe.runIf(redisUp)('Redis going away', () => {
  let proxy: TcpProxy;
  let t: TestServer;

  beforeAll(async () => {
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    t = await startServer({
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_KEY_PREFIX: `${uniqueName('outage')}:`,
      SESSION_LOCK_WAIT_MS: '2000',
    });
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
  });

  it('answers 503 while Redis is gone and resumes when it is back', async () => {
    const { id, token } = await createSession(t.url);
    const first = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'What is your refund policy?' },
    });
    expect(first.status).toBe(200);

    proxy.cut();
    const started = Date.now();
    const during = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my password?' },
    });
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('upstream_unavailable');
    // What failed and what to do, not the driver's words.
    expect(during.body.error.message).toMatch(
      /^Redis is unavailable, could not [^:]+; please try again in a moment\.$/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    const created = await call(t.url, 'POST', '/v1/sessions');
    expect(created.status).toBe(503);
    await expectNotReady(t, 'redis');

    proxy.restore();
    await expectResumed(t, id, token);
    expect((await call(t.url, 'GET', '/ready')).status).toBe(200);
  }, 30_000);
});

describe.runIf(postgresUp)('Postgres going away', () => {
  let proxy: TcpProxy;
  let t: TestServer;
  const schema = uniqueName('outage');

  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(sql);
    await client.end();
  };

  beforeAll(async () => {
    await admin(`CREATE SCHEMA ${schema}`);
    const target = new URL(POSTGRES_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const url = new URL(POSTGRES_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    url.searchParams.set('options', `-c search_path=${schema}`);
    t = await startServer({ DATABASE_URL: url.toString() });
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('answers 503 while Postgres is gone, keeps the session whole, and resumes', async () => {
    const { id, token } = await createSession(t.url);
    const first = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'What is your refund policy?' },
    });
    expect(first.status).toBe(200);

    proxy.cut();
    const during = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my password?' },
    });
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('upstream_unavailable');
    expect(during.body.error.message).not.toMatch(/password=|at .*\.js:/);
    await expectNotReady(t, 'database');

    proxy.restore();
    await expectResumed(t, id, token);
  }, 30_000);
});
