/**
 * A session's streams on every instance: each turn's events, opened by the customer's message,
 * reach a feed or a WebSocket on another instance, encrypted in Redis. Ending or erasing a
 * session reaches its streams on every instance: two app+server instances on
 * one Redis (with session encryption) and one database, each following the session with a live
 * feed or a WebSocket. A stream on the other instance gets its last `ended` event and is closed
 * within about a second, as one on the instance that ended the session does, and gets it once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { captureLogs, type CapturedLogs } from '../src/testing/index.js';
import {
  ADMIN_KEY,
  addOldMessage,
  bearer,
  call,
  createSession,
  openFeed,
  openSocket,
  parseSse,
  type Feed,
  type Json,
  type TestServer,
} from './helpers/http.js';
import { eventsOf, until } from './helpers/feed-events.js';
import { sharedStores } from './helpers/instances.js';
import { REDIS_URL, serviceAvailable } from './helpers/services.js';

const ENDED = 'This conversation has ended. Start a new conversation if you need more help.';
const ERASED =
  'This conversation has been deleted. Start a new conversation if you need more help.';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

/**
 * How late a delayed relay hands each event on: longer than a turn takes to run, shorter than
 * `WS_RELAY_WAIT_MS`, which a relay that is merely late does not reach.
 */
const RELAY_DELAY_MS = 400;

/** The status a refused WebSocket upgrade gets (101 when it was not refused). */
function upgradeStatus(url: string, id: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/sessions/${id}/ws`, {
      headers: bearer(token),
    });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    socket.once('error', reject);
  });
}

/** What `promise` gives within 3 s, or `late`: a stream left open fails the test, not hangs it. */
function within<T>(promise: Promise<T>, late: T): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((resolve) => setTimeout(() => resolve(late), 3_000)),
  ]);
}

/** Reads a feed until the server ends it; how long that took from `since`, or -1 if it did not. */
async function endOf(feed: Feed, since: number): Promise<number> {
  // The marker is never sent: this returns once the stream has ended.
  const ended = await within(
    feed.readUntil('\u0000').then(() => true),
    false,
  );
  return ended ? Date.now() - since : -1;
}

/** The `ended` events a feed received. */
const endedEvents = (feed: Feed): Json[] => eventsOf(feed.text(), 'ended');

describe.runIf(redisUp)("a session's streams on several instances", () => {
  const shared = sharedStores('xstreams', { RETENTION_DAYS: '30' });
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await shared.start();
    b = await shared.start();
  });

  afterAll(() => shared.close());

  it("carry the customer's message, encrypted, to a feed and a WebSocket on another instance", async () => {
    const { id, token } = await createSession(a.url);
    const spy = new Redis(REDIS_URL);
    const published: string[] = [];
    const feed = await openFeed(b.url, id, token);
    const laptop = await openSocket(b.url, id, token);
    const phone = await openSocket(a.url, id, token);
    try {
      await spy.subscribe(`${shared.prefix}events:${id}`);
      spy.on('message', (_channel: string, message: string) => published.push(message));
      await feed.readUntil('event: ready');
      const text = 'Hello, I am Jane Doe: what is your refund policy?';
      const sent = await call(a.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text },
      });
      expect(sent.status).toBe(200);
      // The HTTP turn reaches the phone through Redis a moment after its reply: the phone asks
      // at once, and still sees it before its own turn.
      phone.socket.send(JSON.stringify({ type: 'message', text: 'How do I reset my password?' }));
      // The phone's WebSocket sees the HTTP turn, then its own.
      await until(() => phone.frames.filter((f) => f.type === 'complete').length === 2);
      const reply = phone.frames.findLast((f) => f.type === 'complete')?.message.id;
      await within(feed.readUntil(`"id":"${reply}"`), undefined);
      await until(() => laptop.frames.filter((f) => f.type === 'complete').length === 2);

      const history = await call(b.url, 'GET', `/v1/sessions/${id}/messages`, { token });
      const questions = (history.body.items as Json[]).filter((m) => m.role === 'user');
      const events = parseSse(feed.text()).map((e) => e.data as Json);
      const opening = events.filter((e) => e.type === 'customer_message' || e.type === 'start');
      expect(opening.map((e) => [e.type, e.turnId])).toEqual([
        ['customer_message', sent.body.turnId],
        ['start', sent.body.turnId],
        ['customer_message', opening[3]?.turnId],
        ['start', opening[3]?.turnId],
      ]);
      expect(opening.filter((e) => e.type === 'customer_message').map((e) => e.message)).toEqual(
        questions,
      );
      expect(questions.map((m) => m.text)).toEqual([text, 'How do I reset my password?']);
      // The WebSocket on B sees what the feed does; the phone's, on A, too: its own turn once,
      // opened by its own message.
      const turnEvents = (list: Json[]) =>
        list.filter((e) => !['ready', 'ended', 'shutdown'].includes(e.type));
      expect(turnEvents(laptop.frames)).toEqual(turnEvents(events));
      const phoneOpening = phone.frames.filter(
        (f) => f.type === 'customer_message' || f.type === 'start',
      );
      expect(phoneOpening).toEqual(opening);

      expect(published.length).toBeGreaterThan(4);
      for (const message of published) {
        expect(message).toMatch(/^e1:/);
        expect(message).not.toMatch(/jane|refund|customer_message/i);
      }
    } finally {
      spy.disconnect();
      feed.close();
      laptop.socket.close();
      phone.socket.close();
    }
  });

  it("keep each turn together on a WebSocket that asks at once after another device's turn, however late the relay", async () => {
    const { id, token } = await createSession(a.url);
    // The phone's instance hears the session's channel late: each event a while after Redis had
    // it, in order, as under load or across a slow link.
    const events = a.app.sessionEvents;
    const subscribe = events.subscribe.bind(events);
    vi.spyOn(events, 'subscribe').mockImplementationOnce((sessionId, listener) =>
      subscribe(sessionId, (event) => void setTimeout(() => listener(event), RELAY_DELAY_MS)),
    );
    const phone = await openSocket(a.url, id, token);
    try {
      // The laptop's message, over HTTP on the other instance; the phone asks as soon as it is
      // answered, before the laptop's turn has reached it.
      const sent = await call(b.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text: 'What is your refund policy?' },
      });
      expect(sent.status).toBe(200);
      phone.socket.send(JSON.stringify({ type: 'message', text: 'How do I reset my password?' }));
      await until(() => phone.frames.filter((f) => f.type === 'complete').length === 2);

      // The laptop's turn whole, opened by its message, then the phone's own, whole.
      const types = phone.frames.map((f) => f.type as string);
      const firstEnd = types.indexOf('complete');
      expect(types.slice(0, 2)).toEqual(['customer_message', 'start']);
      expect(types.slice(2, firstEnd)).not.toContain('start');
      expect(types.slice(firstEnd + 1, firstEnd + 3)).toEqual(['customer_message', 'start']);
      expect(types.slice(firstEnd + 3, -1)).not.toContain('start');
      expect(types.filter((t) => t === 'complete')).toHaveLength(2);
      expect(types.at(-1)).toBe('complete');
      const starts = phone.frames.filter((f) => f.type === 'start');
      expect(starts[0]?.turnId).toBe(sent.body.turnId);
      expect(starts[1]?.requestId).not.toBe(sent.body.requestId);
      expect(phone.frames.filter((f) => f.type === 'customer_message')).toHaveLength(2);
    } finally {
      vi.restoreAllMocks();
      phone.socket.close();
    }
  });

  it('end a live feed on another instance, and the one on this instance, with one `ended` each', async () => {
    const { id, token } = await createSession(a.url);
    const onB = await openFeed(b.url, id, token);
    await onB.readUntil('event: ready');
    const onA = await openFeed(a.url, id, token);
    await onA.readUntil('event: ready');

    const started = Date.now();
    expect((await call(a.url, 'DELETE', `/v1/sessions/${id}`, { token })).status).toBe(200);

    const tookB = await endOf(onB, started);
    expect(tookB).toBeGreaterThanOrEqual(0);
    expect(tookB).toBeLessThan(1_000);
    const notice = { type: 'ended', sessionId: id, reason: 'ended', message: ENDED };
    expect(endedEvents(onB)).toEqual([notice]);
    expect(parseSse(onB.text()).at(-1)?.data).toEqual(notice);
    expect(await endOf(onA, started)).toBeGreaterThanOrEqual(0);
    // Told by its own instance and through Redis: sent once.
    expect(endedEvents(onA)).toEqual([notice]);
    await until(() => b.server.streams.size === 0 && b.server.streams.slots.size === 0);
    expect(b.server.streams.size).toBe(0);
    expect(b.server.streams.slots.size).toBe(0);
  });

  it('end a WebSocket on another instance', async () => {
    const { id, token } = await createSession(a.url);
    const ws = await openSocket(b.url, id, token);
    const started = Date.now();
    expect((await call(a.url, 'DELETE', `/v1/sessions/${id}`, { token })).status).toBe(200);

    expect(await within(ws.closed, -1)).toBe(1000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(ws.frames.filter((f) => f.type === 'ended')).toEqual([
      { type: 'ended', sessionId: id, reason: 'ended', message: ENDED },
    ]);
    await until(() => b.server.streams.size === 0);
    expect(b.server.streams.size).toBe(0);
  });

  it('end a feed and a WebSocket on another instance when staff erase the session', async () => {
    const { id, token } = await createSession(a.url);
    const feed = await openFeed(b.url, id, token);
    await feed.readUntil('event: ready');
    const ws = await openSocket(b.url, id, token);

    const started = Date.now();
    const erased = await call(a.url, 'DELETE', `/v1/admin/sessions/${id}`, { token: ADMIN_KEY });
    expect(erased.status).toBe(204);

    const took = await endOf(feed, started);
    expect(took).toBeGreaterThanOrEqual(0);
    expect(took).toBeLessThan(1_000);
    const notice = { type: 'ended', sessionId: id, reason: 'erased', message: ERASED };
    expect(endedEvents(feed)).toEqual([notice]);
    expect(await within(ws.closed, -1)).toBe(1000);
    expect(ws.frames.filter((f) => f.type === 'ended')).toEqual([notice]);
  });

  it('end the feeds of a session the retention sweep erases, on its instance and on another', async () => {
    const { id, token } = await createSession(a.url);
    // Its last message, 40 days before the sweep: past RETENTION_DAYS=30.
    await addOldMessage(a.app, id, 40);
    const onA = await openFeed(a.url, id, token);
    await onA.readUntil('event: ready');
    const onB = await openFeed(b.url, id, token);
    await onB.readUntil('event: ready');
    const ws = await openSocket(b.url, id, token);

    const started = Date.now();
    expect(await a.app.sweepRetention()).toBeGreaterThanOrEqual(1);

    const notice = { type: 'ended', sessionId: id, reason: 'erased', message: ERASED };
    for (const feed of [onA, onB]) {
      const took = await endOf(feed, started);
      expect(took).toBeGreaterThanOrEqual(0);
      expect(took).toBeLessThan(1_000);
      expect(endedEvents(feed)).toEqual([notice]);
    }
    expect(await within(ws.closed, -1)).toBe(1000);
    expect(ws.frames.filter((f) => f.type === 'ended')).toEqual([notice]);
    // The session is gone: a new stream of it is refused.
    expect((await call(b.url, 'GET', `/v1/sessions/${id}`, { token })).status).toBe(401);
  });

  it('refuse a feed or WebSocket whose session ends on another instance while it opens', async () => {
    const events = b.app.sessionEvents;
    const subscribe = events.subscribe.bind(events);
    // The session ends on A after B checked it and before B's subscription took hold: the
    // notice is published to no one on B.
    const endOnA = (id: string, token: string) =>
      vi.spyOn(events, 'subscribe').mockImplementationOnce(async (sessionId, listener) => {
        expect((await call(a.url, 'DELETE', `/v1/sessions/${id}`, { token })).status).toBe(200);
        return subscribe(sessionId, listener);
      });
    try {
      const feedOf = await createSession(a.url);
      endOnA(feedOf.id, feedOf.token);
      const feed = await within(
        fetch(`${b.url}/v1/sessions/${feedOf.id}/events`, {
          headers: { ...bearer(feedOf.token), accept: 'text/event-stream' },
        }),
        undefined,
      );
      expect(feed?.status).toBe(409);
      await feed?.body?.cancel();

      const socketOf = await createSession(a.url);
      endOnA(socketOf.id, socketOf.token);
      expect(await within(upgradeStatus(b.url, socketOf.id, socketOf.token), -1)).toBe(409);
      // Nothing of them is left open on B.
      await until(() => b.server.streams.slots.size === 0 && events.followers === 0);
      expect(b.server.streams.slots.size).toBe(0);
      expect(events.followers).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('end a session, and its streams on this instance, when the end cannot be published', async () => {
    const logs: CapturedLogs = captureLogs();
    const c = await shared.start({ LOG_LEVEL: 'warn' }, { logDestination: logs.stream });
    try {
      // Redis went away between the end and its notice.
      vi.spyOn(c.app.sessionEvents, 'publishEnd').mockRejectedValue(
        new Error('Connection is closed.'),
      );
      const { id, token } = await createSession(c.url);
      const feed = await openFeed(c.url, id, token);
      await feed.readUntil('event: ready');
      const ended = await call(c.url, 'DELETE', `/v1/sessions/${id}`, { token });
      expect(ended.status).toBe(200);
      expect(ended.body.status).toBe('ended');
      expect(await endOf(feed, Date.now())).toBeGreaterThanOrEqual(0);
      expect(endedEvents(feed)).toEqual([
        { type: 'ended', sessionId: id, reason: 'ended', message: ENDED },
      ]);

      const other = await createSession(c.url);
      const erased = await call(c.url, 'DELETE', `/v1/admin/sessions/${other.id}`, {
        token: ADMIN_KEY,
      });
      expect(erased.status).toBe(204);

      await vi.waitFor(() => {
        const told = logs.lines.filter((line) =>
          String(line.msg).includes('could not be told to its streams on other instances'),
        );
        expect(told.map((line) => line.sessionId)).toEqual([id, other.id]);
      });
    } finally {
      await c.close();
    }
  });
});
