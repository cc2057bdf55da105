/**
 * Two `support-agent serve` processes on one Redis and one Postgres: a session created on one is
 * used on the other, and 50 messages sent at once to one session, alternating between the two,
 * are all stored, in one consistent order, with the session's count at exactly 50.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  bearer,
  call,
  createSession,
  openFeed,
  parseSse,
  startServer,
  type Json,
  type TestServer,
} from './helpers/http.js';
import { captureLogs, type CapturedLogs } from '../src/testing/index.js';
import { startFakeOpenAi } from '../src/testing/fake-openai-server.js';
import { startServe, waitFor, type ServeProcess } from './helpers/process.js';
import { POSTGRES_URL, REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';

const up =
  (await serviceAvailable('Redis', REDIS_URL, 6379)) &&
  (await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432));

const schema = uniqueName('xinst');
const servers: ServeProcess[] = [];
let env: Record<string, string> = {};

describe.runIf(up)('two instances on one Redis and one Postgres', () => {
  beforeAll(async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    env = {
      DATABASE_URL: url.toString(),
      REDIS_URL,
      REDIS_KEY_PREFIX: `${schema}:`,
      ADMIN_API_KEY: ADMIN_KEY,
      SESSION_MESSAGES_PER_MINUTE: '1000',
      RATE_LIMIT_PER_MINUTE: '100000',
    };
    // One after the other: the second finds the schema migrated by the first.
    servers.push(await startServe(env));
    servers.push(await startServe(env));
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }, 30_000);

  it('shares sessions and keeps one order for 50 concurrent messages', async () => {
    const [a, b] = servers as [ServeProcess, ServeProcess];

    const form = new FormData();
    form.set(
      'file',
      new Blob(['# Refunds\n\nYou can get a refund within 30 days of purchase.']),
      'refunds.md',
    );
    const upload = await fetch(`${a.url}/v1/admin/documents`, {
      method: 'POST',
      headers: bearer(ADMIN_KEY),
      body: form,
    });
    expect(upload.status).toBe(201);
    // The upload is kept in the database: the other instance can re-index it.
    const listed = await call(b.url, 'GET', '/v1/admin/documents', { token: ADMIN_KEY });
    const document = (listed.body.items as Json[]).find((d) => d.source === 'uploads/refunds.md');
    const reindexed = await call(b.url, 'POST', `/v1/admin/documents/${document?.id}/reindex`, {
      token: ADMIN_KEY,
    });
    expect(reindexed.status).toBe(200);

    const created = await call(a.url, 'POST', '/v1/sessions');
    expect(created.status).toBe(201);
    const { id, token } = created.body as { id: string; token: string };
    const onB = await call(b.url, 'GET', `/v1/sessions/${id}`, { token });
    expect(onB.status).toBe(200);
    expect(onB.body.messageCount).toBe(0);

    const texts = Array.from({ length: 50 }, (_, i) => `How do refunds work? (question ${i})`);
    const results = await Promise.all(
      texts.map((text, i) =>
        call((i % 2 === 0 ? a : b).url, 'POST', `/v1/sessions/${id}/messages`, {
          token,
          body: { text },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(texts.map(() => 200));
    expect(results[0]?.body.message.text).toContain('30 days');

    const history = await call(b.url, 'GET', `/v1/sessions/${id}/messages?limit=200`, { token });
    const items = history.body.items as Json[];
    expect(items).toHaveLength(100);
    expect(items.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Each question is followed by its own answer: turns never interleave.
    for (let i = 0; i < 100; i += 2) {
      expect(items[i].role).toBe('user');
      expect(items[i + 1].role).toBe('assistant');
    }
    const asked = items.filter((m) => m.role === 'user').map((m) => m.text as string);
    expect([...asked].sort()).toEqual([...texts].sort());
    // The order is the same whichever instance is asked.
    const fromA = await call(a.url, 'GET', `/v1/sessions/${id}/messages?limit=200`, { token });
    expect(fromA.body.items.map((m: Json) => m.id)).toEqual(items.map((m) => m.id));
    const replies = new Set(results.map((r) => r.body.message.id as string));
    expect(new Set(items.filter((m) => m.role === 'assistant').map((m) => m.id))).toEqual(replies);

    for (const server of [a, b]) {
      const session = await call(server.url, 'GET', `/v1/sessions/${id}`, { token });
      expect(session.body.messageCount).toBe(50);
    }
  }, 120_000);

  it("frees the session of an instance that crashed mid-turn within the lock's life", async () => {
    const [a] = servers as [ServeProcess];
    // A third instance whose language model never answers: its turn holds the session's lock.
    const fake = await startFakeOpenAi();
    fake.failNext(1, 'stall');
    const doomed = await startServe({ ...env, LLM_BASE_URL: fake.url, LLM_MODEL: 'fake' });
    try {
      const created = await call(a.url, 'POST', '/v1/sessions');
      const { id, token } = created.body as { id: string; token: string };
      const stuck = call(doomed.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text: 'How do refunds work?' },
      }).catch(() => undefined);
      await waitFor(
        () => fake.requests.some((r) => r.path.endsWith('/chat/completions')),
        'the stalled model call',
      );
      doomed.child.kill('SIGKILL');
      await doomed.exited;
      await stuck;

      const started = Date.now();
      const next = await call(a.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text: 'Are you still there? How do refunds work?' },
      });
      const waited = Date.now() - started;
      expect(next.status).toBe(200);
      // It waited for the dead instance's lock to run out (10 s at most), not for the 30 s a
      // message may wait.
      expect(waited).toBeLessThan(15_000);
      const history = await call(a.url, 'GET', `/v1/sessions/${id}/messages`, { token });
      expect(history.body.items.map((m: Json) => [m.seq, m.role])).toEqual([
        [1, 'user'],
        [2, 'user'],
        [3, 'assistant'],
      ]);
    } finally {
      if (doomed.child.exitCode === null) doomed.child.kill('SIGKILL');
      await fake.close();
    }
  }, 60_000);
});

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

describe.runIf(redisUp)('instances on one Redis with different session keys', () => {
  const prefix = `${uniqueName('xkey')}:`;
  const dataDir = mkdtempSync(join(tmpdir(), 'sa-xkey-'));
  const database = join(dataDir, 'shared.db');
  const key = randomBytes(32).toString('hex');
  const started: TestServer[] = [];
  const open = async (env: Record<string, string>, logs?: CapturedLogs) => {
    const server = await startServer(
      { REDIS_URL, REDIS_KEY_PREFIX: prefix, ...env, ...(logs ? { LOG_LEVEL: 'warn' } : {}) },
      { databasePath: database, ...(logs ? { logDestination: logs.stream } : {}) },
    );
    started.push(server);
    return server;
  };

  afterAll(async () => {
    for (const server of started.splice(0)) await server.close();
    const redis = new Redis(REDIS_URL);
    const left = await redis.keys(`${prefix}*`);
    if (left.length > 0) await redis.del(...left);
    await redis.quit();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses sessions with 503 on an instance with another key, says why in the log, and is not ready', async () => {
    const a = await open({ SESSION_ENCRYPTION_KEY: key });
    expect((await call(a.url, 'GET', '/ready')).status).toBe(200);
    const { id, token } = await createSession(a.url);
    const sent = await call(a.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my password?' },
    });
    expect(sent.status).toBe(200);

    const others: Array<Record<string, string>> = [
      { SESSION_ENCRYPTION_KEY: randomBytes(32).toString('hex') },
      {},
    ];
    for (const env of others) {
      const logs = captureLogs();
      const b = await open(env, logs);
      // While its key check fails it serves no session, whatever the token: a 503 that says
      // the service is misconfigured, never which key, and never a 500.
      for (const attempt of [token, 'x'.repeat(43)]) {
        const read = await call(b.url, 'GET', `/v1/sessions/${id}`, { token: attempt });
        expect(read.status).toBe(503);
        expect(read.body.error.code).toBe('upstream_unavailable');
        expect(read.body.error.message).toMatch(/misconfigured/);
      }
      const sentToB = await call(b.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text: 'Hello?' },
      });
      expect(sentToB.status).toBe(503);
      // Staff still read the transcript; the live session is not shown.
      const transcript = await call(b.url, 'GET', `/v1/admin/sessions/${id}`, { token: ADMIN_KEY });
      expect(transcript.status).toBe(200);
      expect(transcript.body.session).toBeNull();
      expect(transcript.body.transcript).toHaveLength(2);
      // Said once, naming the likely cause.
      const warnings = logs.lines.filter((line) =>
        String(line.msg).includes('a session in Redis cannot be read'),
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.msg).toMatch(/different SESSION_ENCRYPTION_KEY/);
      // Staff learn it before customers do: the instance is not ready, and says why.
      const ready = await call(b.url, 'GET', '/ready', { token: ADMIN_KEY });
      expect(ready.status).toBe(503);
      const check = (ready.body.checks as Json[]).find((c) => c.name === 'redis');
      expect(check).toMatchObject({ ok: false });
      expect(check?.detail).toMatch(/SESSION_ENCRYPTION_KEY/);
      expect(check?.detail).toMatch(/cannot read them/);
    }
    // The instance with the right key is still ready and serves the session.
    expect((await call(a.url, 'GET', '/ready')).status).toBe(200);
    expect((await call(a.url, 'GET', `/v1/sessions/${id}`, { token })).status).toBe(200);
  }, 30_000);

  it('sends live events through Redis encrypted, and a follower on another instance reads them', async () => {
    const a = await open({ SESSION_ENCRYPTION_KEY: key });
    const b = await open({ SESSION_ENCRYPTION_KEY: key });
    const { id, token } = await createSession(a.url);
    const spy = new Redis(REDIS_URL);
    const published: string[] = [];
    try {
      await spy.subscribe(`${prefix}events:${id}`);
      spy.on('message', (_channel: string, message: string) => published.push(message));
      const feed = await openFeed(b.url, id, token);
      await feed.readUntil('event: ready');
      const text = 'My e-mail is jane.doe@example.com: how do I reset my password?';
      const sent = await call(a.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text },
      });
      expect(sent.status).toBe(200);
      await feed.readUntil('event: complete');
      feed.close();
      const events = parseSse(feed.text());
      expect(events.at(-1)?.data).toMatchObject({
        type: 'complete',
        message: { id: sent.body.message.id },
      });
      expect(published.length).toBeGreaterThan(2);
      for (const message of published) {
        expect(message).toMatch(/^e1:/);
        expect(message).not.toMatch(/jane|password|Settings|complete/i);
      }
    } finally {
      spy.disconnect();
    }
  }, 30_000);
});
