/**
 * A person on the staff writing to a customer, through real servers: the message is stored in
 * the session's history (role `staff`), delivered live on the session's feed and WebSocket, on
 * this instance and another one, and refused for a session that ended, was erased, or never was.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffMessageEventSchema } from '../src/protocol/events.js';
import { TurnOrder } from '../src/http/turn-order.js';
import {
  migrate,
  MIGRATIONS,
  openDatabase,
  SqliteConversationRepository,
} from '../src/store/index.js';
import { FakeClock } from '../src/testing/index.js';
import {
  ADMIN_KEY,
  call,
  createSession,
  openFeed,
  openSocket,
  readUntil,
  sendStreaming,
  startServer,
  type Json,
  type TestServer,
} from './helpers/http.js';
import { eventsOf, until } from './helpers/feed-events.js';
import { sharedStores } from './helpers/instances.js';
import { startSlowModelServer } from './helpers/slow-model.js';
import { expectDescribedPayloads, startHookedServer } from './helpers/ticket-webhooks.js';
import { REDIS_URL, serviceAvailable } from './helpers/services.js';

const admin = { token: ADMIN_KEY };
const REPLY = 'Hello, this is Sam from the support team: your refund went out today.';

/** The `staff_message` events a feed received, checked against the protocol's schema. */
const staffEvents = (text: string): Json[] =>
  eventsOf(text, 'staff_message').map((data) => staffMessageEventSchema.parse(data));

describe('a staff message', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  /** Writes as the staff: with the admin key, or with `token` (null: no key at all). */
  const write = (id: string, body: unknown, token: string | null = ADMIN_KEY) =>
    call(t.url, 'POST', `/v1/admin/sessions/${id}/messages`, {
      ...(token !== null ? { token } : {}),
      body,
    });

  it("is kept in the session's history after the messages before it, and the turns go on", async () => {
    const { id, token } = await createSession(t.url);
    await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'What is your refund policy?' },
    });
    const written = await write(id, { text: `  ${REPLY}\n` });
    expect(written.status).toBe(201);
    expect(written.body).toEqual({
      id: expect.any(String),
      seq: 3,
      role: 'staff',
      text: REPLY,
      // Written without a name: no author, said so.
      author: null,
      createdAt: expect.any(String),
    });
    // The customer goes on talking to the agent, which still answers.
    const next = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my password?' },
    });
    expect(next.status).toBe(200);
    expect(next.body.message.text).toContain('Reset password');

    const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items.map((m: Json) => [m.seq, m.role])).toEqual([
      [1, 'user'],
      [2, 'assistant'],
      [3, 'staff'],
      [4, 'user'],
      [5, 'assistant'],
    ]);
    expect(history.body.items[2]).toEqual(written.body);
    const transcript = await call(t.url, 'GET', `/v1/admin/sessions/${id}`, admin);
    expect(transcript.body.transcript[2]).toMatchObject({
      role: 'staff',
      text: REPLY,
      author: null,
    });
    // The session's count of the customer's messages is theirs alone.
    const read = await call(t.url, 'GET', `/v1/sessions/${id}`, { token });
    expect(read.body).toMatchObject({ messageCount: 2, transcriptMessages: 5 });
  });

  it('is signed with the name its author gives, in the history, the live events and the transcript', async () => {
    const { id, token } = await createSession(t.url);
    const feed = await openFeed(t.url, id, token);
    const socket = await openSocket(t.url, id, token);
    let written: Json;
    try {
      await feed.readUntil('event: ready');
      written = await write(id, { text: REPLY, author: '  Sam Okafor ' });
      expect(written.status).toBe(201);
      expect(written.body).toMatchObject({ role: 'staff', text: REPLY, author: 'Sam Okafor' });
      await feed.readUntil('event: staff_message');
      expect(staffEvents(feed.text())).toEqual([
        { type: 'staff_message', sessionId: id, message: written.body },
      ]);
      await until(() => socket.frames.some((f) => f.type === 'staff_message'));
      expect(socket.frames.find((f) => f.type === 'staff_message')?.message).toEqual(written.body);
    } finally {
      feed.close();
      socket.socket.close();
    }
    // Another person, and one who gives no name: each message keeps its own.
    await write(id, { text: 'Anything else?', author: 'Zoë 佐藤' });
    await write(id, { text: 'We are here until 6 pm.' });
    const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items.map((m: Json) => [m.role, m.author])).toEqual([
      ['staff', 'Sam Okafor'],
      ['staff', 'Zoë 佐藤'],
      ['staff', null],
    ]);
    expect(history.body.items[0]).toEqual(written.body);
    // The customer's messages and the agent's replies have no author.
    await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'What is your refund policy?' },
    });
    const after = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(after.body.items.slice(3).map((m: Json) => [m.role, 'author' in m])).toEqual([
      ['user', false],
      ['assistant', false],
    ]);
    const transcript = await call(t.url, 'GET', `/v1/admin/sessions/${id}`, admin);
    expect(
      transcript.body.transcript.map((m: Json) => [
        m.role,
        m.author === undefined ? '-' : m.author,
      ]),
    ).toEqual([
      ['staff', 'Sam Okafor'],
      ['staff', 'Zoë 佐藤'],
      ['staff', null],
      ['user', '-'],
      ['assistant', '-'],
    ]);
  });

  it("reaches the customer's live feed and WebSocket at once", async () => {
    const { id, token } = await createSession(t.url);
    const feed = await openFeed(t.url, id, token);
    const socket = await openSocket(t.url, id, token);
    try {
      await feed.readUntil('event: ready');
      const written = await write(id, { text: REPLY });
      await feed.readUntil('event: staff_message');
      const [event] = staffEvents(feed.text());
      expect(event).toEqual({ type: 'staff_message', sessionId: id, message: written.body });
      await until(() => socket.frames.some((f) => f.type === 'staff_message'));
      expect(socket.frames.filter((f) => f.type === 'staff_message')).toEqual([event]);
      // A message sent over the socket afterwards is answered as before.
      socket.socket.send(JSON.stringify({ type: 'message', text: 'Thanks! And refunds?' }));
      await until(() => socket.frames.some((f) => f.type === 'complete'));
      expect(socket.frames.map((f) => f.type)[0]).toBe('staff_message');
    } finally {
      feed.close();
      socket.socket.close();
    }
  });

  it('is refused for a session that ended, was erased or never was, in the error shape', async () => {
    const ended = await createSession(t.url);
    await call(t.url, 'DELETE', `/v1/sessions/${ended.id}`, { token: ended.token });
    const toEnded = await write(ended.id, { text: REPLY });
    expect(toEnded.status).toBe(409);
    expect(toEnded.body.error).toMatchObject({ code: 'conflict', message: /has ended/ });

    const erased = await createSession(t.url);
    await call(t.url, 'POST', `/v1/sessions/${erased.id}/messages`, {
      token: erased.token,
      body: { text: 'What is your refund policy?' },
    });
    await call(t.url, 'DELETE', `/v1/admin/sessions/${erased.id}`, admin);
    const toErased = await write(erased.id, { text: REPLY });
    expect(toErased.status).toBe(404);
    expect(toErased.body).toEqual({
      error: { code: 'not_found', message: expect.any(String), requestId: expect.any(String) },
    });
    // Nothing of it was written again.
    const afterErasure = await call(t.url, 'GET', `/v1/admin/sessions/${erased.id}`, admin);
    expect(afterErasure.status).toBe(404);

    expect((await write(randomUUID(), { text: REPLY })).status).toBe(404);
    expect((await write('not-an-id', { text: REPLY })).status).toBe(400);
  });

  it('is refused without the admin key, or without text that can be sent', async () => {
    const { id, token } = await createSession(t.url);
    expect((await write(id, { text: REPLY }, null)).status).toBe(401);
    // A customer's token is not the staff's.
    expect((await write(id, { text: REPLY }, token)).status).toBe(401);
    const refused = async (body: unknown, message: RegExp) => {
      const response = await write(id, body);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_input', message });
    };
    await refused({}, /text: is required/);
    await refused({ text: '   ' }, /text: must not be empty/);
    await refused({ text: 'x'.repeat(20_001) }, /text: is too long; the limit is 20000/);
    await refused({ text: REPLY, from: 'Sam' }, /unknown field "from"/);
    // The author is a name to show as it is: 1 to 80 characters of text on one line.
    await refused({ text: REPLY, author: '  ' }, /author: must not be empty/);
    await refused({ text: REPLY, author: 'S'.repeat(81) }, /author: .*80/);
    await refused({ text: REPLY, author: 42 }, /author: /);
    await refused({ text: REPLY, author: 'Sam\nThe bank' }, /author: .*control characters/);
    await refused({ text: REPLY, author: 'Sam \u202eknab' }, /author: /);
    // Control characters are taken out of the text as out of a customer's; none but them is none.
    await refused({ text: '\u0000\u001b' }, /holds only control characters/);
    const cleaned = await write(id, { text: 'Your refund\u0000 is on its way.\u001b\nSam' });
    expect(cleaned.status).toBe(201);
    expect(cleaned.body.text).toBe('Your refund is on its way.\nSam');
    expect((await write(id, { text: REPLY, author: 'S'.repeat(80) })).body.author).toBe(
      'S'.repeat(80),
    );
    const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items.map((m: Json) => m.author)).toEqual([null, 'S'.repeat(80)]);
    expect(history.body.items[0].text).toBe('Your refund is on its way.\nSam');
  });
});

describe('a staff message or an erasure while the session is being answered', () => {
  it('is refused with 503 in words for the staff, and says when to try again', async () => {
    const slow = await startSlowModelServer({ SESSION_LOCK_WAIT_MS: '200' });
    try {
      const { url } = slow.server;
      const { id, token } = await createSession(url);
      const turn = await sendStreaming(url, id, token, 'How do I reset my password?');
      await readUntil(turn, 'event: start');
      const busy = [
        await call(url, 'POST', `/v1/admin/sessions/${id}/messages`, {
          ...admin,
          body: { text: REPLY },
        }),
        await call(url, 'DELETE', `/v1/admin/sessions/${id}`, admin),
      ];
      for (const [i, refused] of busy.entries()) {
        expect(refused.status, String(i)).toBe(503);
        expect(refused.body.error.code).toBe('rejected');
        // The lock and its wait are the log's words: the staff are told what to do, and when.
        expect(refused.body.error.message).toMatch(/busy answering.*again/);
        expect(refused.body.error.message).not.toContain(id);
        expect(refused.headers.get('retry-after')).toBe('2');
      }
      await readUntil(turn, 'event: complete');
      const sent = await call(url, 'POST', `/v1/admin/sessions/${id}/messages`, {
        ...admin,
        body: { text: REPLY },
      });
      expect(sent.status).toBe(201);
    } finally {
      await slow.close();
    }
  });
});

describe('a staff message in a ticket webhook', () => {
  it("carries its author in the transcript the ticket's webhook sends", async () => {
    const hooked = await startHookedServer();
    try {
      const { id, token } = await createSession(hooked.url);
      const staff = await call(hooked.url, 'POST', `/v1/admin/sessions/${id}/messages`, {
        ...admin,
        body: { text: 'Hello, I can help with your order.', author: 'Sam Okafor' },
      });
      expect(staff.status).toBe(201);
      const sent = await call(hooked.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text: 'I want to speak to a human right now!' },
      });
      expect(sent.body.escalation?.ticketId).toEqual(expect.any(String));
      await hooked.app.webhooks?.deliverDue();
      const created = hooked.received.find((r) => r.topic === 'ticket.created');
      expect(created?.payload.transcript).toEqual([
        { role: 'staff', text: 'Hello, I can help with your order.', author: 'Sam Okafor' },
        { role: 'user', text: 'I want to speak to a human right now!' },
      ]);
      expectDescribedPayloads(hooked.received);
    } finally {
      await hooked.close();
    }
  });
});

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

describe.runIf(redisUp)('a staff message on several instances', () => {
  const shared = sharedStores('xstaff');
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await shared.start();
    b = await shared.start();
  });

  afterAll(() => shared.close());

  it('reaches a feed and a WebSocket on another instance', async () => {
    const { id, token } = await createSession(a.url);
    const feed = await openFeed(b.url, id, token);
    const socket = await openSocket(b.url, id, token);
    try {
      await feed.readUntil('event: ready');
      const written = await call(a.url, 'POST', `/v1/admin/sessions/${id}/messages`, {
        ...admin,
        body: { text: REPLY },
      });
      expect(written.status).toBe(201);
      await feed.readUntil('event: staff_message');
      expect(staffEvents(feed.text())).toEqual([
        { type: 'staff_message', sessionId: id, message: written.body },
      ]);
      await until(() => socket.frames.some((f) => f.type === 'staff_message'));
      expect(socket.frames.find((f) => f.type === 'staff_message')?.message).toEqual(written.body);
    } finally {
      feed.close();
      socket.socket.close();
    }
  });
});

describe("a WebSocket's order", () => {
  it("sends a staff message even while its own turn's copies seem to go on (their end lost)", () => {
    const sent: Json[] = [];
    const order = new TurnOrder((event) => sent.push(event), {
      clock: new FakeClock(),
      waitMs: 1_000,
    });
    const turn = order.own('r1');
    order.relayed({ type: 'start', turnId: 't1', requestId: 'r1', sessionId: 's' });
    turn.send({ type: 'start', turnId: 't1', requestId: 'r1', sessionId: 's' });
    turn.send({ type: 'complete', message: {} });
    void turn.end();
    // The copy of its `complete` was lost: the channel still seems to be in the socket's turn.
    order.relayed({ type: 'staff_message', sessionId: 's', message: { text: REPLY } });
    expect(sent.map((e) => e.type)).toEqual(['start', 'complete', 'staff_message']);
  });
});

describe('SQLite migration 13', () => {
  it('keeps every message stored before it, and takes the staff role after it', async () => {
    const db = openDatabase(':memory:', { migrations: MIGRATIONS.filter((m) => m.version < 13) });
    db.prepare(
      `INSERT INTO messages (id, session_id, seq, role, text, turn_id, request_id, metadata, found, escalated, created_at)
         VALUES ('m1', 's', 1, 'user', 'I want a person', 't', 'r', '{}', NULL, NULL, '2026-01-01T00:00:00.000Z'),
                ('m2', 's', 2, 'assistant', 'Handed over', 't', 'r', '{"found":true}', 1, 1, '2026-01-01T00:00:01.000Z')`,
    ).run();
    expect(() =>
      db
        .prepare(
          `INSERT INTO messages (id, session_id, seq, role, text, turn_id, created_at)
             VALUES ('m3', 's', 3, 'staff', 'x', 't', '2026-01-01T00:00:02.000Z')`,
        )
        .run(),
    ).toThrow(/CHECK/);
    migrate(db, MIGRATIONS);
    const repo = new SqliteConversationRepository(db);
    expect(await repo.recentTurns('s', 10)).toEqual([
      { seq: 1, role: 'user', text: 'I want a person' },
      { seq: 2, role: 'assistant', text: 'Handed over', found: true, escalated: true },
    ]);
    await repo.appendMessage({
      id: 'm3',
      sessionId: 's',
      role: 'staff',
      text: 'A person here',
      turnId: 'x',
      requestId: null,
      metadata: {},
    });
    expect((await repo.messages('s')).map((m) => [m.seq, m.role, m.requestId])).toEqual([
      [1, 'user', 'r'],
      [2, 'assistant', 'r'],
      [3, 'staff', null],
    ]);
    // The one-message-per-place rule came along.
    expect(() =>
      db
        .prepare(
          `INSERT INTO messages (id, session_id, seq, role, text, turn_id, created_at)
             VALUES ('m4', 's', 3, 'user', 'x', 't', '2026-01-01T00:00:03.000Z')`,
        )
        .run(),
    ).toThrow(/UNIQUE/);
  });
});
