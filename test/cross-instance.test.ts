/**
 * Two `support-agent serve` processes on one Redis and one Postgres: a session created on one is
 * used on the other, and 50 messages sent at once to one session, alternating between the two,
 * are all stored, in one consistent order, with the session's count at exactly 50.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, call, type Json } from './helpers/http.js';
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
