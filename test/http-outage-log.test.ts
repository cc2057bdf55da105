/**
 * The log of a server whose Redis goes away, as the operator reads it: the outage is reported
 * once, not once per refused request, and every line written for a session's request names
 * both the request and the session.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { captureLogs, startFakeOpenAi } from '../src/testing/index.js';
import { call, createSession, startServer, type TestServer } from './helpers/http.js';
import { POSTGRES_URL, REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

let t: TestServer | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  proxy?.restore();
  await t?.close();
  await proxy?.close();
  t = undefined;
  proxy = undefined;
});

describe.runIf(await serviceAvailable('Redis', REDIS_URL, 6379))('Redis going away', () => {
  it('is reported once while every request it fails is refused, each line with its request and session', async () => {
    const logs = captureLogs();
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    t = await startServer(
      {
        LOG_LEVEL: 'info',
        // A password this Redis does not ask for, and takes: the log must not show it.
        REDIS_URL: `redis://:outage-log-s3cret@127.0.0.1:${proxy.port}`,
        REDIS_KEY_PREFIX: `${uniqueName('outage-log')}:`,
      },
      { logDestination: logs.stream },
    );
    const { id, token } = await createSession(t.url);
    proxy.cut();
    for (let i = 0; i < 5; i++) {
      const refused = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text: 'How do I reset my password?' },
      });
      expect(refused.status).toBe(503);
      const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
      expect(history.status).toBe(503);
      expect((await call(t.url, 'POST', '/v1/sessions')).status).toBe(503);
    }

    const failures = logs.lines.filter(
      (line) => line.level === 'error' || (line.level === 'warn' && line.msg !== 'request'),
    );
    // The first refusal tells the operator what is down; the rate limiter, which
    // lets requests through while Redis is away, says so once too.
    const failed = failures.filter((line) => line.msg === 'request failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ dependency: 'redis', err: { code: 'upstream_unavailable' } });
    // Which Redis, where several may serve one deployment; never its password.
    expect(failed[0]?.where).toBe(`127.0.0.1:${proxy.port}`);
    expect(JSON.stringify(logs.lines)).not.toContain('outage-log-s3cret');
    expect(failures.length).toBeLessThanOrEqual(2);

    // Every line of a request of the session names the session, not only the request line.
    const sessionRequests = new Set(
      logs.lines
        .filter((line) => line.msg === 'request' && line.sessionId === id)
        .map((line) => line.requestId),
    );
    expect(sessionRequests.size).toBe(10);
    const ofSession = logs.lines.filter((line) => sessionRequests.has(line.requestId));
    expect(ofSession.length).toBeGreaterThan(10);
    for (const line of ofSession) expect(line.sessionId).toBe(id);
  });
});

describe.runIf(await serviceAvailable('Redis', REDIS_URL, 6379))('Redis going away twice', () => {
  it('reports a second outage when it starts, once the first has been over for a while', async () => {
    const logs = captureLogs();
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    t = await startServer(
      { LOG_LEVEL: 'info', REDIS_URL: `redis://127.0.0.1:${proxy.port}` },
      { logDestination: logs.stream },
    );
    const server = t;
    const { id, token } = await createSession(server.url);
    const history = () => call(server.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    const reported = () => logs.lines.filter((line) => line.msg === 'request failed');

    proxy.cut();
    for (let i = 0; i < 3; i++) expect((await history()).status).toBe(503);
    expect(reported()).toHaveLength(1);

    proxy.restore();
    const deadline = Date.now() + 5_000;
    while ((await history()).status !== 200) {
      if (Date.now() > deadline) throw new Error('Redis did not come back');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Served for a while with no failure: the first outage is over.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect((await history()).status).toBe(200);

    proxy.cut();
    for (let i = 0; i < 3; i++) expect((await history()).status).toBe(503);
    const lines = reported();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ dependency: 'redis', err: { code: 'upstream_unavailable' } });
  }, 30_000);
});

describe.runIf(await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432))(
  'Postgres going away',
  () => {
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(sql);
      await client.end();
    };

    it("names the session and the message's request on the line of a WebSocket message it failed", async () => {
      const schema = uniqueName('outage_ws_log');
      await admin(`CREATE SCHEMA ${schema}`);
      try {
        const logs = captureLogs();
        const target = new URL(POSTGRES_URL);
        proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
        const url = new URL(POSTGRES_URL);
        url.host = `127.0.0.1:${proxy.port}`;
        url.searchParams.set('options', `-c search_path=${schema}`);
        t = await startServer(
          { DATABASE_URL: url.toString(), LOG_LEVEL: 'info' },
          { logDestination: logs.stream },
        );
        const { id, token } = await createSession(t.url);
        const socket = new WebSocket(`${t.url.replace('http', 'ws')}/v1/sessions/${id}/ws`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const frames: Array<{ type: string }> = [];
        socket.on('message', (data) => frames.push(JSON.parse(String(data)) as { type: string }));
        await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
        proxy.cut();
        socket.send(
          JSON.stringify({
            type: 'message',
            text: 'Where is my parcel?',
            idempotencyKey: 'ws-log-1',
          }),
        );
        const deadline = Date.now() + 10_000;
        while (!frames.some((f) => f.type === 'error') && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        socket.close();
        expect(frames.some((f) => f.type === 'error')).toBe(true);
        const failed = logs.lines.filter((line) => line.msg === 'a WebSocket message failed');
        expect(failed).toHaveLength(1);
        expect(failed[0]?.sessionId).toBe(id);
        expect(typeof failed[0]?.requestId).toBe('string');
      } finally {
        proxy?.restore();
        await t?.close();
        t = undefined;
        await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      }
    }, 30_000);
  },
);

describe.runIf(await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432))(
  'Postgres that hangs',
  () => {
    it('is reported once while every request it fails times out, naming the database', async () => {
      const schema = uniqueName('outage_hang_log');
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      try {
        const logs = captureLogs();
        const url = new URL(POSTGRES_URL);
        // A lock not had in time is the database's timeout (504), as a statement cut short is.
        url.searchParams.set('options', `-c search_path=${schema} -c lock_timeout=200`);
        t = await startServer(
          { DATABASE_URL: url.toString(), LOG_LEVEL: 'info' },
          { logDestination: logs.stream },
        );
        const { id, token } = await createSession(t.url);
        // Held as a long migration or a stuck transaction holds it: every read of a
        // conversation waits for it.
        await admin.query('BEGIN');
        await admin.query(`LOCK TABLE ${schema}.messages IN ACCESS EXCLUSIVE MODE`);
        for (let i = 0; i < 5; i++) {
          const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
          expect(history.status).toBe(504);
          expect(history.body.error.code).toBe('timeout');
        }
        await admin.query('ROLLBACK');

        const failed = logs.lines.filter((line) => line.msg === 'request failed');
        expect(failed).toHaveLength(1);
        expect(failed[0]).toMatchObject({
          dependency: 'database',
          where: `${url.hostname}:${url.port || '5432'}${url.pathname}`,
          err: { code: 'timeout' },
        });
        expect((await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token })).status).toBe(
          200,
        );
      } finally {
        await admin.query('ROLLBACK').catch(() => undefined);
        await t?.close();
        t = undefined;
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      }
    }, 30_000);
  },
);

describe('the language model going away', () => {
  it('is reported until its breaker opens, not again for each turn the open breaker answers without it', async () => {
    const logs = captureLogs();
    const llm = await startFakeOpenAi();
    try {
      llm.failNext(1_000, { status: 500 });
      t = await startServer(
        {
          LOG_LEVEL: 'info',
          LLM_BASE_URL: llm.url,
          LLM_MODEL: 'fake-model',
          TOOL_BREAKER_THRESHOLD: '2',
        },
        { logDestination: logs.stream },
      );
      const { id, token } = await createSession(t.url);
      for (let i = 0; i < 6; i++) {
        const answered = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
          token,
          body: { text: 'How do I reset my password?' },
        });
        expect(answered.status).toBe(200);
      }
      const fellBack = logs.lines.filter(
        (line) => line.msg === 'the language model did not answer; the extractive answer stands in',
      );
      // The first turn's call fails (and opens the breaker); the next five are answered
      // without the model, which the opening already told.
      expect(
        logs.lines.filter((line) => line.msg === 'circuit breaker of llm_chat opened'),
      ).toHaveLength(1);
      expect(fellBack).toHaveLength(1);
    } finally {
      await llm.close();
    }
  });
});
