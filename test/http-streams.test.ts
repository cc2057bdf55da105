/**
 * The streams of a session through real sockets: ending or erasing the session ends its live
 * feed and its WebSocket with a last `ended` event, and SSE promises no resumption it cannot give.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { WS_RELAY_WAIT_MS } from '../src/http/routes/ws.js';
import { MAX_STREAMS_PER_ADDRESS, MAX_STREAMS_PER_SESSION } from '../src/http/stream-slots.js';
import {
  ADMIN_KEY,
  addOldMessage,
  bearer,
  call,
  createSession,
  openFeed,
  openSocket,
  parseSse,
  startServer,
  type Json,
  type TestServer,
  sendStreaming,
} from './helpers/http.js';

let t: TestServer;

beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

/** The events of an SSE body, with their data as sent. */
function eventsOf(text: string): Array<{ event: string; data: Json }> {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message',
      data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null'),
    }));
}

/** What `promise` gives within 3 s, or `late`: a stream left open fails the test, not hangs it. */
function within<T>(promise: Promise<T>, late: T): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((resolve) => setTimeout(() => resolve(late), 3_000)),
  ]);
}

/** Waits until `check` holds (a socket's close reaches the server a moment after the client's). */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe("a session's streams", () => {
  it('are ended with an `ended` event and closed when the session ends; other sessions keep theirs', async () => {
    const { id, token } = await createSession(t.url);
    const other = await createSession(t.url);
    const feed = await openFeed(t.url, id, token);
    await feed.readUntil('event: ready');
    const otherFeed = await openFeed(t.url, other.id, other.token);
    await otherFeed.readUntil('event: ready');
    const ws = await openSocket(t.url, id, token);

    expect((await call(t.url, 'DELETE', `/v1/sessions/${id}`, { token })).status).toBe(200);

    // Returns once the server has ended the stream: the marker is never sent.
    await within(feed.readUntil('\u0000'), undefined);
    const last = eventsOf(feed.text()).at(-1);
    expect(last).toEqual({
      event: 'ended',
      data: {
        type: 'ended',
        sessionId: id,
        reason: 'ended',
        message: 'This conversation has ended. Start a new conversation if you need more help.',
      },
    });
    expect(await within(ws.closed, -1)).toBe(1000);
    expect(ws.frames.at(-1)).toMatchObject({ type: 'ended', sessionId: id, reason: 'ended' });

    // The other session's feed is still open and heard nothing of it.
    await until(() => t.server.streams.size === 1);
    expect(t.server.streams.size).toBe(1);
    otherFeed.close();
    expect(otherFeed.text()).not.toContain('ended');
    await until(() => t.server.streams.size === 0);
  });

  it('are ended with a message that says the conversation was deleted when it is erased', async () => {
    const { id, token } = await createSession(t.url);
    const feed = await openFeed(t.url, id, token);
    await feed.readUntil('event: ready');
    const ws = await openSocket(t.url, id, token);

    const erased = await call(t.url, 'DELETE', `/v1/admin/sessions/${id}`, {
      headers: bearer(ADMIN_KEY),
    });
    expect(erased.status).toBe(204);

    await within(feed.readUntil('\u0000'), undefined);
    expect(eventsOf(feed.text()).at(-1)?.data).toMatchObject({
      type: 'ended',
      reason: 'erased',
      message: expect.stringMatching(/has been deleted/),
    });
    expect(await within(ws.closed, -1)).toBe(1000);
    expect(ws.frames.at(-1)).toMatchObject({ type: 'ended', reason: 'erased' });
  });

  it('are ended with an `ended` event when the retention sweep erases the session', async () => {
    const kept = await startServer({ RETENTION_DAYS: '30' });
    try {
      const { id, token } = await createSession(kept.url);
      // Its last message, 40 days before the sweep: past RETENTION_DAYS=30.
      await addOldMessage(kept.app, id, 40);
      const feed = await openFeed(kept.url, id, token);
      await feed.readUntil('event: ready');
      const ws = await openSocket(kept.url, id, token);

      expect(await kept.app.sweepRetention()).toBe(1);

      await within(feed.readUntil('\u0000'), undefined);
      const notice = {
        type: 'ended',
        sessionId: id,
        reason: 'erased',
        message:
          'This conversation has been deleted. Start a new conversation if you need more help.',
      };
      expect(eventsOf(feed.text()).filter((e) => e.event === 'ended')).toEqual([
        { event: 'ended', data: notice },
      ]);
      expect(await within(ws.closed, -1)).toBe(1000);
      expect(ws.frames.filter((f) => f.type === 'ended')).toEqual([notice]);
      await until(() => kept.server.streams.size === 0);
      expect(kept.server.streams.size).toBe(0);
    } finally {
      await kept.close();
    }
  });
});

describe('SSE', () => {
  it('sends no event ids: a reconnecting EventSource must not believe it resumed where it left off', async () => {
    const { id, token } = await createSession(t.url);
    const feed = await openFeed(t.url, id, token);
    await feed.readUntil('event: ready');
    const streamed = await sendStreaming(t.url, id, token, 'What is your refund policy?');
    const turn = await streamed.text();
    await feed.readUntil('event: complete');
    feed.close();
    expect(eventsOf(turn).at(-1)?.event).toBe('complete');
    expect(eventsOf(feed.text()).map((e) => e.event)).toContain('complete');
    expect(turn).not.toMatch(/^id:/m);
    expect(feed.text()).not.toMatch(/^id:/m);
  });
});

/** The types of a turn's events, and of the customer's message that opens it. */
const TURN_EVENTS = new Set([
  'customer_message',
  'start',
  'status',
  'tool',
  'sources',
  'escalation',
  'text',
  'complete',
  'error',
]);

/** Sends a message over a WebSocket and waits for its turn's `complete`. */
async function ask(ws: { frames: Json[]; socket: WebSocket }, text: string): Promise<void> {
  const before = ws.frames.filter((f) => f.type === 'complete').length;
  ws.socket.send(JSON.stringify({ type: 'message', text }));
  await until(() => ws.frames.filter((f) => f.type === 'complete').length > before);
}

/** The turns of a stream's events, in order: each a list of event types. */
function turnsOf(events: Json[]): string[][] {
  const turns: string[][] = [];
  for (const event of events) {
    if (!TURN_EVENTS.has(event.type)) continue;
    const last = turns.at(-1);
    if (last === undefined || last.includes('complete') || last.includes('error')) {
      turns.push([event.type]);
    } else last.push(event.type);
  }
  return turns;
}

describe("a session's followers", () => {
  it('see every turn once, the customer message first, whichever device and route sent it', async () => {
    const { id, token } = await createSession(t.url);
    const feeds = [await openFeed(t.url, id, token), await openFeed(t.url, id, token)];
    for (const feed of feeds) await feed.readUntil('event: ready');
    // A phone and a laptop, each with its WebSocket.
    const phone = await openSocket(t.url, id, token);
    const laptop = await openSocket(t.url, id, token);
    try {
      const overHttp = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text: 'What is your refund policy? My card is 4111 1111 1111 1111.' },
      });
      expect(overHttp.status).toBe(200);
      await until(() => laptop.frames.some((f) => f.type === 'complete'));
      await ask(phone, 'How do I reset my password?');
      await until(() => laptop.frames.filter((f) => f.type === 'complete').length === 2);
      // The feeds have both turns once they have the phone's reply.
      const reply = phone.frames.findLast((f) => f.type === 'complete')?.message.id;
      for (const feed of feeds) await within(feed.readUntil(`"id":"${reply}"`), undefined);

      const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
      const questions = (history.body.items as Json[]).filter((m) => m.role === 'user');
      expect(questions.map((m) => m.seq)).toEqual([1, 3]);
      // As stored, card number hidden: the shape of the history's item.
      expect(questions[0].text).not.toContain('4111 1111');
      const feedEvents = feeds.map((feed) => parseSse(feed.text()).map((e) => e.data as Json));
      for (const events of feedEvents) {
        const told = events.filter((e) => e.type === 'customer_message');
        const starts = events.filter((e) => e.type === 'start');
        expect(told).toEqual([
          {
            type: 'customer_message',
            turnId: overHttp.body.turnId,
            requestId: overHttp.body.requestId,
            sessionId: id,
            message: questions[0],
          },
          {
            type: 'customer_message',
            turnId: starts[1]?.turnId,
            requestId: starts[1]?.requestId,
            sessionId: id,
            message: questions[1],
          },
        ]);
        // Each turn opens with the customer's message, then `start`, and ends with `complete`.
        const turns = turnsOf(events);
        expect(turns).toHaveLength(2);
        for (const turn of turns) {
          expect(turn.slice(0, 2)).toEqual(['customer_message', 'start']);
          expect(turn.at(-1)).toBe('complete');
        }
      }
      expect(feedEvents[1]).toEqual(feedEvents[0]);

      // The laptop's WebSocket sees both turns as a feed does.
      expect(laptop.frames.filter((f) => TURN_EVENTS.has(f.type))).toEqual(
        feedEvents[0]?.filter((e) => TURN_EVENTS.has(e.type)),
      );
      // The phone's sees the HTTP turn as a feed does, and its own turn once, opened by its own
      // message as the history stores it.
      const phoneTurns = turnsOf(phone.frames);
      expect(phoneTurns).toHaveLength(2);
      expect(phoneTurns[0]?.slice(0, 2)).toEqual(['customer_message', 'start']);
      expect(phoneTurns[1]?.slice(0, 2)).toEqual(['customer_message', 'start']);
      expect(phone.frames.filter((f) => f.type === 'customer_message')).toHaveLength(2);
      expect(phone.frames.filter((f) => f.type === 'start').map((f) => f.turnId)).toEqual(
        feedEvents[0]?.filter((e) => e.type === 'start').map((e) => e.turnId),
      );
    } finally {
      for (const feed of feeds) feed.close();
      phone.socket.close();
      laptop.socket.close();
      await until(() => t.server.streams.size === 0);
    }
  });

  it('are told the names of the files a message carried, never their content', async () => {
    const { id, token } = await createSession(t.url);
    const feed = await openFeed(t.url, id, token);
    await feed.readUntil('event: ready');
    const form = new FormData();
    form.set('text', 'Is this covered?');
    form.set('file', new Blob(['Order 8812: a cracked vase'], { type: 'text/plain' }), 'order.txt');
    const sent = await fetch(`${t.url}/v1/sessions/${id}/messages`, {
      method: 'POST',
      headers: bearer(token),
      body: form,
    });
    expect(sent.status).toBe(200);
    await within(feed.readUntil('event: complete'), undefined);
    feed.close();
    const told = parseSse(feed.text()).find((e) => e.event === 'customer_message');
    expect(told?.data).toMatchObject({
      type: 'customer_message',
      message: { seq: 1, role: 'user', text: 'Is this covered?', attachments: ['order.txt'] },
    });
    expect(JSON.stringify(told?.data)).not.toContain('cracked vase');
  });
});

describe('a WebSocket', () => {
  it(`sends its own turn at most ${WS_RELAY_WAIT_MS} ms late when the session's channel loses the turns`, async () => {
    const { id, token } = await createSession(t.url);
    // Nothing of the session's turns reaches this socket's follow: it never hears its own turn's
    // place among them.
    const events = t.app.sessionEvents;
    const subscribe = events.subscribe.bind(events);
    vi.spyOn(events, 'subscribe').mockImplementationOnce((sessionId) =>
      subscribe(sessionId, () => undefined),
    );
    const phone = await openSocket(t.url, id, token);
    try {
      const asked = Date.now();
      await ask(phone, 'How do I reset my password?');
      const took = Date.now() - asked;
      expect(turnsOf(phone.frames)).toEqual([expect.arrayContaining(['start', 'complete'])]);
      expect(took).toBeGreaterThanOrEqual(WS_RELAY_WAIT_MS - 5);
      expect(took).toBeLessThan(WS_RELAY_WAIT_MS + 1_500);
    } finally {
      vi.restoreAllMocks();
      phone.socket.close();
      await until(() => t.server.streams.size === 0);
    }
  });
});

describe('the answer that opens a WebSocket', () => {
  it('carries the request id, as every answer does, to find the socket in the log', async () => {
    const { id, token } = await createSession(t.url);
    const opened = new Promise<Record<string, unknown>>((resolve, reject) => {
      const socket = new WebSocket(`${t.url.replace('http', 'ws')}/v1/sessions/${id}/ws`, {
        headers: { ...bearer(token), 'x-request-id': 'ws-open-1' },
      });
      socket.once('upgrade', (response) => resolve(response.headers));
      socket.once('open', () => socket.close());
      socket.once('error', reject);
    });
    expect((await within(opened, {}))['x-request-id']).toBe('ws-open-1');
    await until(() => t.server.streams.size === 0);
  });
});

describe('opening a stream', () => {
  it('reads the session once, for a live feed and for a WebSocket, and follows nothing it refuses', async () => {
    const { id, token } = await createSession(t.url);
    const get = vi.spyOn(t.app.sessions, 'get');
    const feed = await openFeed(t.url, id, token);
    const ws = await openSocket(t.url, id, token);
    try {
      await feed.readUntil('event: ready');
      expect(get).toHaveBeenCalledTimes(2);
      expect(t.app.sessionEvents.followers).toBe(2);

      const refused = await tryFeed(id, 'not-the-token');
      expect(refused.status).toBe(401);
      expect((await tryUpgrade(id, 'not-the-token')).status).toBe(401);
      expect(t.app.sessionEvents.followers).toBe(2);
    } finally {
      get.mockRestore();
      feed.close();
      ws.socket.close();
      await until(() => t.server.streams.size === 0);
    }
    expect(t.app.sessionEvents.followers).toBe(0);
  });
});

/** A live feed opened on a bare TCP socket, so that a test can cut it off without a goodbye. */
async function rawFeed(id: string, token: string): Promise<{ status: number; cut(): void }> {
  const { hostname, port } = new URL(t.url);
  const socket = connect(Number(port), hostname);
  socket.write(
    `GET /v1/sessions/${id}/events HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  const head = await new Promise<string>((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\r\n\r\n')) resolve(text);
    });
    socket.once('error', reject);
  });
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), cut: () => socket.destroy() };
}

/** Opens a live feed; its status, its body when refused, and how to close it. */
async function tryFeed(
  id: string,
  token: string,
  url = t.url,
): Promise<{ status: number; body: Json; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/sessions/${id}/events`, {
    headers: { ...bearer(token), accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const body: Json = response.status === 200 ? undefined : await response.json();
  return { status: response.status, body, close: () => controller.abort() };
}

/** Tries to open a session's WebSocket: the status of a refused upgrade and its body. */
function tryUpgrade(id: string, token: string): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/v1/sessions/${id}/ws`, {
      headers: bearer(token),
    });
    socket.once('open', () => {
      socket.close();
      resolve({ status: 101, body: undefined });
    });
    socket.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }),
      );
    });
    socket.once('error', reject);
  });
}

describe('open streams', () => {
  it(`are at most ${MAX_STREAMS_PER_SESSION} per session, feeds and WebSockets together; a closed one gives its place back`, async () => {
    const { id, token } = await createSession(t.url);
    const cutOff = await rawFeed(id, token);
    const feeds = [await tryFeed(id, token), await tryFeed(id, token)];
    const sockets = [await openSocket(t.url, id, token), await openSocket(t.url, id, token)];
    expect([cutOff, ...feeds].map((f) => f.status)).toEqual([200, 200, 200]);

    const refused = await tryFeed(id, token);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: {
        code: 'rate_limited',
        message: expect.stringContaining(
          `at most ${MAX_STREAMS_PER_SESSION} live feeds and WebSockets may be open at once for one conversation`,
        ),
        requestId: expect.any(String),
      },
    });
    const upgrade = await tryUpgrade(id, token);
    expect(upgrade.status).toBe(429);
    expect(upgrade.body.error.code).toBe('rate_limited');
    // Another session is not held back by this one.
    const other = await createSession(t.url);
    const otherFeed = await tryFeed(other.id, other.token);
    expect(otherFeed.status).toBe(200);
    otherFeed.close();

    // A feed whose socket is cut off, without a goodbye, gives its place back.
    cutOff.cut();
    await until(() => t.server.streams.slots.size === MAX_STREAMS_PER_SESSION - 1);
    const again = await tryFeed(id, token);
    expect(again.status).toBe(200);
    expect((await tryFeed(id, token)).status).toBe(429);

    // So does a closed WebSocket.
    sockets[0]?.socket.close();
    await until(() => t.server.streams.slots.size === MAX_STREAMS_PER_SESSION - 1);
    expect((await tryUpgrade(id, token)).status).toBe(101);

    again.close();
    for (const feed of feeds) feed.close();
    sockets[1]?.socket.close();
    await until(() => t.server.streams.slots.size === 0);
    expect(t.server.streams.slots.size).toBe(0);
  });

  it('are limited as STREAMS_PER_SESSION and STREAMS_PER_ADDRESS say', async () => {
    const small = await startServer({ STREAMS_PER_SESSION: '1', STREAMS_PER_ADDRESS: '2' });
    const open: Array<{ close(): void }> = [];
    try {
      const first = await createSession(small.url);
      open.push(await tryFeed(first.id, first.token, small.url));
      const again = await tryFeed(first.id, first.token, small.url);
      expect(again.status).toBe(429);
      expect(again.body.error.message).toContain('at most 1 live feeds and WebSockets');
      const second = await createSession(small.url);
      const other = await tryFeed(second.id, second.token, small.url);
      expect(other.status).toBe(200);
      open.push(other);
      const third = await createSession(small.url);
      const refused = await tryFeed(third.id, third.token, small.url);
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toContain('at most 2 live feeds and WebSockets');
    } finally {
      for (const feed of open) feed.close();
      await until(() => small.server.streams.slots.size === 0);
      await small.close();
    }
  });

  it(`are at most ${MAX_STREAMS_PER_ADDRESS} per client address, across sessions`, async () => {
    const open: Array<{ close(): void }> = [];
    try {
      for (let i = 0; i < MAX_STREAMS_PER_ADDRESS / MAX_STREAMS_PER_SESSION; i += 1) {
        const { id, token } = await createSession(t.url);
        for (let j = 0; j < MAX_STREAMS_PER_SESSION; j += 1) {
          const feed = await tryFeed(id, token);
          expect(feed.status).toBe(200);
          open.push(feed);
        }
      }
      const { id, token } = await createSession(t.url);
      const refused = await tryFeed(id, token);
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toContain(
        `at most ${MAX_STREAMS_PER_ADDRESS} live feeds and WebSockets may be open at once from one address`,
      );
      expect((await tryUpgrade(id, token)).status).toBe(429);

      open.pop()?.close();
      await until(() => t.server.streams.slots.size === MAX_STREAMS_PER_ADDRESS - 1);
      const feed = await tryFeed(id, token);
      expect(feed.status).toBe(200);
      open.push(feed);
    } finally {
      for (const feed of open) feed.close();
    }
    await until(() => t.server.streams.slots.size === 0);
    expect(t.server.streams.slots.size).toBe(0);
  });
});
