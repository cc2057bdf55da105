/**
 * A shared service going away while the server runs: requests that need it get a 503 with the
 * error shape and a message that names the problem, `/ready` says which check fails, the server
 * stays up, nothing accepted is lost, and service resumes by itself when the service is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createSession,
  startServer,
  startWebhookReceiver,
  type TestServer,
} from './helpers/http.js';
import { startServe, waitFor } from './helpers/process.js';
import pg from 'pg';
import WebSocket from 'ws';
import { POSTGRES_URL, REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { closedPort, silentServer, startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';
import { captureLogs } from '../src/testing/index.js';

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

describe('Redis that does not answer', () => {
  // Not the shared Redis: an address where nothing listens, and a server that takes connections
  // and never replies (a Redis that hangs, or a network that drops packets).
  const addresses: Array<[string, () => Promise<{ port: number; close(): Promise<void> }>]> = [
    [
      'nothing listens on its port',
      async () => ({ port: await closedPort(), close: async () => {} }),
    ],
    ['it takes connections and never replies', silentServer],
  ];
  for (const [what, start] of addresses) {
    it(`refuses each request with a 503 within a fraction of a second when ${what}`, async () => {
      const redis = await start();
      const t = await startServer({ REDIS_URL: `redis://127.0.0.1:${redis.port}` });
      try {
        const timed = async (path: string, method = 'GET') => {
          const started = Date.now();
          const result = await call(t.url, method, path, { token: 'x'.repeat(43) });
          return { ...result, ms: Date.now() - started };
        };
        // The first request learns that Redis is down, within about a second.
        const first = await timed('/v1/sessions', 'POST');
        expect(first.status).toBe(503);
        expect(first.ms).toBeLessThan(2_500);
        // Then each request fails at once: the rate limits let it through without waiting
        // (they fail open), and the session store answers 503 with the usual shape.
        for (const [method, path] of [
          ['POST', '/v1/sessions'],
          ['GET', '/v1/sessions/6b0c3cfa-4d0e-4f6a-9a52-0e0f3c1b2a11'],
          ['POST', '/v1/sessions'],
        ] as const) {
          const during = await timed(path, method);
          expect(during.status).toBe(503);
          expect(during.body.error).toMatchObject({
            code: 'upstream_unavailable',
            message: expect.stringMatching(
              /^Redis is unavailable, could not [^:]+; please try again in a moment\.$/,
            ),
            requestId: expect.any(String),
          });
          expect(during.ms).toBeLessThan(500);
        }
        const started = Date.now();
        await expectNotReady(t, 'redis');
        expect(Date.now() - started).toBeLessThan(500);
      } finally {
        await t.close();
        await redis.close();
      }
    }, 20_000);
  }
});

describe.runIf(postgresUp)('Postgres going away', () => {
  let proxy: TcpProxy;
  let t: TestServer;
  const logs = captureLogs();
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
    t = await startServer(
      { DATABASE_URL: url.toString(), LOG_LEVEL: 'error' },
      { logDestination: logs.stream },
    );
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('answers 503 in words a customer understands while Postgres is gone, keeps the session whole, and resumes', async () => {
    const { id, token } = await createSession(t.url);
    const first = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'What is your refund policy?' },
    });
    expect(first.status).toBe(200);
    const leaving = await createSession(t.url);

    proxy.cut();
    const during = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my password?' },
    });
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('upstream_unavailable');
    expect(during.body.error.message).not.toMatch(/password=|at .*\.js:/);
    await expectNotReady(t, 'database');

    // Reading the history, deleting the session and a retried message (Idempotency-Key) meet
    // the database first: each tells the customer what is wrong in their words, never where
    // the database is or what the driver said; the operator finds that in the log.
    const attempts = [
      await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token }),
      await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        headers: { 'idempotency-key': 'outage-retry-1' },
        body: { text: 'How do I reset my password?' },
      }),
      await call(t.url, 'DELETE', `/v1/sessions/${leaving.id}`, { token: leaving.token }),
    ];
    const where = `127.0.0.1:${proxy.port}`;
    for (const attempt of attempts) {
      expect(attempt.status).toBe(503);
      expect(attempt.body.error.code).toBe('upstream_unavailable');
      expect(attempt.body.error.message).toMatch(
        /^The database is unavailable[^:]*; please (try|send it) again in a moment\.$/,
      );
      expect(JSON.stringify(attempt.body)).not.toMatch(
        new RegExp(`${where}|PostgreSQL|ECONN|terminated|${new URL(POSTGRES_URL).pathname}`),
      );
      expect(Number(attempt.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const logged = logs.lines.filter((line) => line.msg === 'request failed');
    expect(JSON.stringify(logged)).toContain(where);

    // The same over a WebSocket opened before the database went away.
    proxy.restore();
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/v1/sessions/${id}/ws`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const frames: Array<{ type: string; code?: string; message?: string }> = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    proxy.cut();
    socket.send(
      JSON.stringify({
        type: 'message',
        text: 'Where is my parcel?',
        idempotencyKey: 'ws-outage-1',
      }),
    );
    const deadline = Date.now() + 10_000;
    while (!frames.some((f) => f.type === 'error') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const refused = frames.find((f) => f.type === 'error');
    expect(refused?.code).toBe('upstream_unavailable');
    expect(refused?.message).toMatch(/^The database is unavailable/);
    expect(JSON.stringify(frames)).not.toMatch(new RegExp(`${where}|PostgreSQL|ECONN|terminated`));
    socket.close();

    proxy.restore();
    await expectResumed(t, id, token);
    // The refused erasure goes through when asked again.
    const again = await call(t.url, 'DELETE', `/v1/sessions/${leaving.id}`, {
      token: leaving.token,
    });
    expect(again.status).toBe(200);
  }, 30_000);
});

describe.runIf(postgresUp)('Postgres going away with a webhook configured', () => {
  const schema = uniqueName('outage_hook');
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  beforeAll(() => admin(`CREATE SCHEMA ${schema}`));
  afterAll(() => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));

  it('keeps the server up while the outbox cannot be read, says so once, and delivers when Postgres is back', async () => {
    const topics: string[] = [];
    const receiver = await startWebhookReceiver((request) => {
      topics.push(String(request.headers['x-support-agent-topic']));
      return 200;
    });
    const target = new URL(POSTGRES_URL);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const url = new URL(POSTGRES_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    url.searchParams.set('options', `-c search_path=${schema}`);
    const serve = await startServe({ DATABASE_URL: url.toString(), ...receiver.env });
    try {
      const ask = async (text: string) => {
        const { id, token } = await createSession(serve.url);
        return call(serve.url, 'POST', `/v1/sessions/${id}/messages`, { token, body: { text } });
      };
      expect((await ask('I want to talk to a human right now')).status).toBe(200);
      await waitFor(() => topics.includes('ticket.created'), 'the first ticket to be delivered');

      proxy.cut();
      // The dispatcher polls the outbox every second: several polls fail meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      expect(serve.child.exitCode).toBeNull();
      expect((await call(serve.url, 'GET', '/health')).status).toBe(200);
      const paused = serve
        .out()
        .split('\n')
        .filter((l) => l.includes('webhook deliveries are paused'));
      expect(paused).toHaveLength(1);

      proxy.restore();
      const second = await ask('let me speak to a real person please');
      expect(second.status).toBe(200);
      await waitFor(
        () => topics.filter((t) => t === 'ticket.created').length === 2,
        'the second ticket to be delivered',
      );
      await waitFor(() => serve.out().includes('webhook deliveries resumed'), 'the resumption');
      expect(serve.child.exitCode).toBeNull();
    } finally {
      serve.child.kill('SIGKILL');
      await serve.exited;
      await proxy.close();
      await receiver.close();
    }
  });
});
