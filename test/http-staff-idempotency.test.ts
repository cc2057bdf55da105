/**
 * A staff message sent with an `Idempotency-Key`, through real servers: a retry of the same
 * message is answered as the first request was and reaches the customer once, on this instance
 * or another; the key used for another message is refused; the keys of one session's staff
 * messages, of its customer's messages and of other sessions are apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffMessageEventSchema } from '../src/protocol/events.js';
import {
  migrate,
  MIGRATIONS,
  openDatabase,
  SqliteConversationRepository,
} from '../src/store/index.js';
import {
  ADMIN_KEY,
  call,
  createSession,
  openFeed,
  startServer,
  type Json,
  type TestServer,
} from './helpers/http.js';
import { eventsOf } from './helpers/feed-events.js';
import { sharedStores } from './helpers/instances.js';
import { REDIS_URL, serviceAvailable } from './helpers/services.js';

const REPLY = 'Hello, this is Sam from the support team: your refund went out today.';

/** Writes as the staff to session `id` on `url`, with `key` as its `Idempotency-Key`. */
const write = (url: string, id: string, body: unknown, key?: string) =>
  call(url, 'POST', `/v1/admin/sessions/${id}/messages`, {
    token: ADMIN_KEY,
    body,
    ...(key !== undefined ? { headers: { 'idempotency-key': key } } : {}),
  });

/** The session's history as its customer reads it: role and text of each message. */
const history = async (url: string, id: string, token: string) => {
  const page = await call(url, 'GET', `/v1/sessions/${id}/messages`, { token });
  return (page.body.items as Json[]).map((m) => [m.role, m.text]);
};

describe('a staff message with an Idempotency-Key', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('is written and sent once: a retry gets the same 201 and message, marked replayed', async () => {
    const { id, token } = await createSession(t.url);
    const feed = await openFeed(t.url, id, token);
    try {
      await feed.readUntil('event: ready');
      const first = await write(t.url, id, { text: REPLY, author: 'Sam' }, 'staff-key-1');
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      // Spaces around the text and the name are not part of the message: the same one.
      const retry = await write(t.url, id, { text: ` ${REPLY}\n`, author: 'Sam ' }, 'staff-key-1');
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body).toEqual(first.body);

      // A message after them, to know that every event before it has come.
      await write(t.url, id, { text: 'Anything else?' });
      await feed.readUntil('Anything else?');
      const sent = eventsOf(feed.text(), 'staff_message').map((e) =>
        staffMessageEventSchema.parse(e),
      );
      expect(sent.map((e) => e.message.text)).toEqual([REPLY, 'Anything else?']);
      expect(sent[0]?.message).toEqual(first.body);
    } finally {
      feed.close();
    }
    expect(await history(t.url, id, token)).toEqual([
      ['staff', REPLY],
      ['staff', 'Anything else?'],
    ]);
  });

  it('refuses the key used again for another message, and writes nothing', async () => {
    const { id, token } = await createSession(t.url);
    expect((await write(t.url, id, { text: REPLY }, 'staff-key-2')).status).toBe(201);
    for (const other of [{ text: 'Something else' }, { text: REPLY, author: 'Sam' }]) {
      const reused = await write(t.url, id, other, 'staff-key-2');
      expect(reused.status).toBe(409);
      expect(reused.body).toEqual({
        error: {
          code: 'conflict',
          message: expect.stringMatching(/different message/),
          requestId: expect.any(String),
        },
      });
    }
    expect(await history(t.url, id, token)).toEqual([['staff', REPLY]]);
  });

  it("is a key of its session's staff messages, apart from its customer's and other sessions'", async () => {
    const one = await createSession(t.url);
    const two = await createSession(t.url);
    const asked = await call(t.url, 'POST', `/v1/sessions/${one.id}/messages`, {
      token: one.token,
      body: { text: 'What is your refund policy?' },
      headers: { 'idempotency-key': 'shared-key' },
    });
    expect(asked.status).toBe(200);
    // The customer used the key first: the staff's message with it is another request.
    const toOne = await write(t.url, one.id, { text: REPLY }, 'shared-key');
    expect(toOne.status).toBe(201);
    expect(toOne.headers.get('idempotent-replayed')).toBeNull();
    expect(toOne.body).toMatchObject({ role: 'staff', seq: 3 });
    const toTwo = await write(t.url, two.id, { text: 'Another customer' }, 'shared-key');
    expect(toTwo.status).toBe(201);
    expect(toTwo.body).toMatchObject({ seq: 1, text: 'Another customer' });
    // And the customer's retry is still the customer's.
    const retried = await call(t.url, 'POST', `/v1/sessions/${one.id}/messages`, {
      token: one.token,
      body: { text: 'What is your refund policy?' },
      headers: { 'idempotency-key': 'shared-key' },
    });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body).toEqual(asked.body);
    expect((await history(t.url, one.id, one.token)).map(([role]) => role)).toEqual([
      'user',
      'assistant',
      'staff',
    ]);
    expect(await history(t.url, two.id, two.token)).toEqual([['staff', 'Another customer']]);
  });

  it('answers a retry as the first request was after the session ended; refuses a bad key', async () => {
    const { id, token } = await createSession(t.url);
    const first = await write(t.url, id, { text: REPLY }, 'before-the-end');
    await call(t.url, 'DELETE', `/v1/sessions/${id}`, { token });
    const retry = await write(t.url, id, { text: REPLY }, 'before-the-end');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    // A new message is refused as before.
    expect((await write(t.url, id, { text: REPLY }, 'after-the-end')).status).toBe(409);

    const open = await createSession(t.url);
    const bad = await write(t.url, open.id, { text: REPLY }, 'two words');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_input', message: /Idempotency-Key/ });
    expect(await history(t.url, open.id, open.token)).toEqual([]);
  });
});

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

describe.runIf(redisUp)('a staff message with an Idempotency-Key on several instances', () => {
  const shared = sharedStores('xstaffkey');
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await shared.start();
    b = await shared.start();
  });

  afterAll(() => shared.close());

  it('is sent once when its retry goes to another instance', async () => {
    const { id, token } = await createSession(a.url);
    const feed = await openFeed(b.url, id, token);
    try {
      await feed.readUntil('event: ready');
      const first = await write(a.url, id, { text: REPLY }, 'across');
      const retry = await write(b.url, id, { text: REPLY }, 'across');
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect((await write(b.url, id, { text: 'Other' }, 'across')).status).toBe(409);
      await write(a.url, id, { text: 'Anything else?' });
      await feed.readUntil('Anything else?');
      expect(eventsOf(feed.text(), 'staff_message').map((e) => e.message.text)).toEqual([
        REPLY,
        'Anything else?',
      ]);
    } finally {
      feed.close();
    }
    expect(await history(b.url, id, token)).toEqual([
      ['staff', REPLY],
      ['staff', 'Anything else?'],
    ]);
  });
});

describe('SQLite migration 16', () => {
  it("keeps the keys stored before it as the customer's, apart from the staff's", async () => {
    const db = openDatabase(':memory:', { migrations: MIGRATIONS.filter((m) => m.version < 16) });
    db.prepare(
      `INSERT INTO idempotency_keys (session_id, key, fingerprint, state, response, created_at)
         VALUES ('s', 'k', 'f', 'completed', '{"turn":1}', '2026-01-01T00:00:00.000Z')`,
    ).run();
    migrate(db, MIGRATIONS);
    const repo = new SqliteConversationRepository(db);
    const claim = { sessionId: 's', key: 'k', fingerprint: 'f', now: '2026-01-01T00:01:00.000Z' };
    expect(await repo.claimIdempotencyKey(claim)).toEqual({
      state: 'completed',
      response: { turn: 1 },
    });
    expect(await repo.claimIdempotencyKey({ ...claim, scope: 'staff_message' })).toEqual({
      state: 'claimed',
    });
    expect(await repo.forgetIdempotencyKeysBefore('2026-01-01T00:00:30.000Z')).toBe(1);
  });
});
