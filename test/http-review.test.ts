/**
 * Requests a careless or hostile client sends, through real sockets: a HEAD of the live feed,
 * `Accept` headers with weights, an `Idempotency-Key` sent twice, a form where JSON is taken, a
 * filter with a value it does not take, streams their client stopped reading, and what the OpenAPI document says a client
 * may send.
 */
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UNREAD_STREAM_BYTES } from '../src/http/sse.js';
import { MAX_STREAMS_PER_SESSION } from '../src/http/stream-slots.js';
import {
  ADMIN_KEY,
  bearer,
  call,
  createSession,
  openSocket,
  startServer,
  type Json,
  type TestServer,
} from './helpers/http.js';

let t: TestServer;

beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

/** The port of the test server. */
const portOf = (url: string) => Number(new URL(url).port);

/**
 * Sends raw requests on one connection, kept open, and collects the status lines that come back
 * on it; `waitFor` resolves once that many have come.
 */
function rawConnection(url: string): {
  send(text: string): void;
  waitFor(count: number): Promise<string[]>;
  /** Stops reading what comes, as a client that went away without closing does. */
  pause(): void;
  close(): void;
} {
  const socket: Socket = connect(portOf(url), '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const statusLines = () => received.match(/^HTTP\/1\.1 \d{3}/gm) ?? [];
  return {
    send: (text) => socket.write(text),
    async waitFor(count) {
      const deadline = Date.now() + 3000;
      while (statusLines().length < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return statusLines();
    },
    pause: () => socket.pause(),
    close: () => socket.destroy(),
  };
}

describe('a HEAD of the live feed', () => {
  it('is answered with the headers of the stream and ended: no place taken, the connection still serves', async () => {
    const s = await createSession(t.url);
    const head = `HEAD /v1/sessions/${s.id}/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\n\r\n`;
    // More HEADs than the session has places for streams, each on a connection kept open.
    const connections = Array.from({ length: MAX_STREAMS_PER_SESSION + 1 }, () =>
      rawConnection(t.url),
    );
    try {
      for (const connection of connections) {
        connection.send(head);
        expect(await connection.waitFor(1)).toEqual(['HTTP/1.1 200']);
      }
      // The next request on the same connection is answered: the HEAD's response ended.
      const first = connections[0];
      first?.send(
        `GET /v1/sessions/${s.id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\n\r\n`,
      );
      expect(await first?.waitFor(2)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200']);
      // And a real live feed still has its place.
      const feed = await fetch(`${t.url}/v1/sessions/${s.id}/events`, {
        headers: { ...bearer(s.token), accept: 'text/event-stream' },
      });
      expect(feed.status).toBe(200);
      expect(feed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      await feed.body?.cancel();
    } finally {
      for (const connection of connections) connection.close();
    }
  });

  it('says what its GET would: the type of the stream, and the refusal of a wrong token', async () => {
    const s = await createSession(t.url);
    const ok = await fetch(`${t.url}/v1/sessions/${s.id}/events`, {
      method: 'HEAD',
      headers: bearer(s.token),
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(ok.headers.get('cache-control')).toBe('no-store, no-transform');
    const refused = await fetch(`${t.url}/v1/sessions/${s.id}/events`, {
      method: 'HEAD',
      headers: bearer('not-the-token'),
    });
    expect(refused.status).toBe(401);
  });
});

describe('the Accept header of a message', () => {
  /** The media type a message's reply comes as, for an `Accept` header. */
  async function replyType(accept: string): Promise<string | null> {
    const s = await createSession(t.url);
    const response = await fetch(`${t.url}/v1/sessions/${s.id}/messages`, {
      method: 'POST',
      headers: { ...bearer(s.token), 'content-type': 'application/json', accept },
      body: JSON.stringify({ text: 'How do I reset my password?' }),
    });
    expect(response.status).toBe(200);
    await response.text();
    return response.headers.get('content-type');
  }

  it('gets JSON when it refuses the stream (q=0) or prefers JSON to it', async () => {
    expect(await replyType('text/event-stream;q=0, application/json')).toMatch(
      /^application\/json/,
    );
    expect(await replyType('application/json, text/event-stream;q=0.5')).toMatch(
      /^application\/json/,
    );
  });

  it('gets the stream when it names it first, or prefers it', async () => {
    expect(await replyType('text/event-stream, application/json')).toMatch(/^text\/event-stream/);
    expect(await replyType('application/json;q=0.5, text/event-stream')).toMatch(
      /^text\/event-stream/,
    );
  });

  it('of the live feed is refused when it refuses the stream, even among anything else', async () => {
    const s = await createSession(t.url);
    const response = await fetch(`${t.url}/v1/sessions/${s.id}/events`, {
      headers: { ...bearer(s.token), accept: 'text/event-stream;q=0, */*' },
    });
    // Read only if it is the refusal: a stream opened by mistake would never end.
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.status).toBe(400);
    const body = (await response.json()) as Json;
    expect(body.error.message).toMatch(/Accept: text\/event-stream/);
  });
});

describe('an Idempotency-Key sent twice', () => {
  it('is refused with a message that says there are two, and nothing is stored', async () => {
    const s = await createSession(t.url);
    const body = JSON.stringify({ text: 'How do I reset my password?' });
    const answer = await new Promise<{ status: number; body: Json }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port: portOf(t.url),
          method: 'POST',
          path: `/v1/sessions/${s.id}/messages`,
          headers: {
            ...bearer(s.token),
            'content-type': 'application/json',
            // Two header lines, as a client that adds its own key to a library's sends them.
            'idempotency-key': ['key-one-0001', 'key-two-0002'],
          },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Json }),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/one Idempotency-Key: this request has 2/);
    const history = await call(t.url, 'GET', `/v1/sessions/${s.id}/messages`, { token: s.token });
    expect(history.body.items).toEqual([]);
  });
});

describe('a form sent to a route that takes JSON only', () => {
  it('is refused with 415, not taken as no body: a session is not started without its metadata', async () => {
    const form = new FormData();
    form.set('metadata', '{"plan":"pro"}');
    const started = await fetch(`${t.url}/v1/sessions`, { method: 'POST', body: form });
    expect(started.status).toBe(415);
    const body = (await started.json()) as Json;
    expect(body.error.code).toBe('unsupported_media_type');
    expect(body.error.message).toMatch(
      /^The body must be JSON \(Content-Type: application\/json\); got "multipart\/form-data; boundary=/,
    );
  });

  it('is refused with 415 by the staff routes, after the admin key is checked', async () => {
    const s = await createSession(t.url);
    const form = new FormData();
    form.set('text', 'We have refunded your order.');
    const send = (key: string) =>
      fetch(`${t.url}/v1/admin/sessions/${s.id}/messages`, {
        method: 'POST',
        headers: bearer(key),
        body: form,
      });
    expect((await send('not-the-key')).status).toBe(401);
    const refused = await send(ADMIN_KEY);
    expect(refused.status).toBe(415);
    expect(((await refused.json()) as Json).error.message).toMatch(/must be JSON/);
    const history = await call(t.url, 'GET', `/v1/sessions/${s.id}/messages`, { token: s.token });
    expect(history.body.items).toEqual([]);
  });
});

describe('a filter with a value it does not take', () => {
  it('says which value it takes, and which it was given', async () => {
    const response = await call(t.url, 'GET', '/v1/admin/tickets?unassigned=false', {
      token: ADMIN_KEY,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe(
      'Invalid query: unassigned: must be "true", not "false"',
    );
  });
});

describe('the OpenAPI document', () => {
  let document: Json;
  beforeAll(async () => {
    document = (await call(t.url, 'GET', '/openapi.json')).body;
  });

  it('says a session may be started without a body, as the route starts one', async () => {
    const started = await fetch(`${t.url}/v1/sessions`, { method: 'POST' });
    expect(started.status).toBe(201);
    expect(document.paths['/v1/sessions'].post.requestBody.required).toBe(false);
  });

  it('describes the Idempotency-Key the routes take, and none they refuse', async () => {
    const s = await createSession(t.url);
    const schemas = ['/v1/sessions/{id}/messages', '/v1/admin/sessions/{id}/messages'].map(
      (path) =>
        (document.paths[path].post.parameters as Json[]).find(
          (p: Json) => p.name === 'Idempotency-Key',
        ).schema as { pattern?: string; minLength?: number; maxLength?: number },
    );
    expect(schemas[1]).toEqual(schemas[0]);
    const documented = schemas[0] ?? {};
    expect(documented).toMatchObject({ minLength: 1, maxLength: 200 });
    const pattern = new RegExp(documented.pattern ?? '');
    for (const key of ['a key with spaces', 'clé-1234', 'good-key-1234']) {
      const response = await call(t.url, 'POST', `/v1/sessions/${s.id}/messages`, {
        token: s.token,
        headers: { 'idempotency-key': key },
        body: { text: 'Hello' },
      });
      expect([200, 400]).toContain(response.status);
      expect(pattern.test(key), key).toBe(response.status === 200);
    }
  });
});

describe('a stream its client stopped reading', () => {
  /** A staff message of 20,000 characters, about 40 KB as an event. */
  const LONG = { text: 'é'.repeat(20_000) };
  /** Messages past which a stream still open was never cut: the limit and 32 MB of buffers. */
  const CAP = Math.ceil((MAX_UNREAD_STREAM_BYTES + 32 * 1024 * 1024) / 40_000);

  /**
   * Sends long staff messages to a session until the server has no stream open any more, or
   * {@link CAP} of them; returns how many it sent.
   */
  async function flood(sessionId: string): Promise<number> {
    let sent = 0;
    while (t.server.streams.size > 0 && sent < CAP) {
      const response = await call(t.url, 'POST', `/v1/admin/sessions/${sessionId}/messages`, {
        token: ADMIN_KEY,
        body: LONG,
      });
      expect(response.status).toBe(201);
      sent += 1;
    }
    return sent;
  }

  it('is closed as a live feed, rather than kept in memory, and the server goes on', async () => {
    const s = await createSession(t.url);
    const feed = rawConnection(t.url);
    try {
      feed.send(
        `GET /v1/sessions/${s.id}/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\n\r\n`,
      );
      expect(await feed.waitFor(1)).toEqual(['HTTP/1.1 200']);
      feed.pause();
      const sent = await flood(s.id);
      expect(t.server.streams.size).toBe(0);
      expect(sent).toBeLessThan(CAP);
      const again = await fetch(`${t.url}/v1/sessions/${s.id}/events`, {
        headers: { ...bearer(s.token), accept: 'text/event-stream' },
      });
      expect(again.status).toBe(200);
      await again.body?.cancel();
    } finally {
      feed.close();
    }
  });

  it('is closed as a WebSocket too', async () => {
    const s = await createSession(t.url);
    const { socket, closed } = await openSocket(t.url, s.id, s.token);
    socket.pause();
    await flood(s.id);
    expect(t.server.streams.size).toBe(0);
    socket.resume();
    expect(await closed).toBe(1006);
  });
});

describe('a WebSocket frame', () => {
  it('is read as a JSON body is: a byte order mark before it is no error', async () => {
    const s = await createSession(t.url);
    const { socket, frames } = await openSocket(t.url, s.id, s.token);
    try {
      socket.send(`\ufeff${JSON.stringify({ type: 'message', text: 'Do you rent tents?' })}`);
      const deadline = Date.now() + 10_000;
      while (!frames.some((f) => f.type === 'complete' || f.type === 'error')) {
        if (Date.now() > deadline) throw new Error('no answer to the frame');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(frames.find((f) => f.type === 'error')).toBeUndefined();
      expect(frames.at(-1)?.type).toBe('complete');
    } finally {
      socket.close();
    }
  });
});
