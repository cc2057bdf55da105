/**
 * Isolation of sessions: without a token, with a wrong token, and with another session's token,
 * every session route and the WebSocket are refused alike, and nothing of another session is
 * ever returned. Admin routes need the admin key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ADMIN_KEY,
  bearer,
  call,
  createSession,
  startServer,
  type TestServer,
} from './helpers/http.js';

let t: TestServer;
let a: { id: string; token: string };
let b: { id: string; token: string };

beforeAll(async () => {
  t = await startServer();
  a = await createSession(t.url);
  b = await createSession(t.url);
  const sent = await call(t.url, 'POST', `/v1/sessions/${a.id}/messages`, {
    token: a.token,
    body: { text: 'My order number is 4417-2231, how do I reset my password?' },
  });
  expect(sent.status).toBe(200);
});
afterAll(() => t.close());

const ROUTES: Array<{ method: string; path: (id: string) => string; body?: unknown }> = [
  { method: 'GET', path: (id) => `/v1/sessions/${id}` },
  { method: 'GET', path: (id) => `/v1/sessions/${id}/messages` },
  { method: 'GET', path: (id) => `/v1/sessions/${id}/events` },
  { method: 'POST', path: (id) => `/v1/sessions/${id}/messages`, body: { text: 'hello' } },
  { method: 'DELETE', path: (id) => `/v1/sessions/${id}` },
];

/** The credentials that must all be refused on session A. */
const WRONG: Array<[string, () => string | undefined]> = [
  ['no token', () => undefined],
  ['a wrong token', () => 'x'.repeat(43)],
  ["session B's token", () => b.token],
];

describe('a session route', () => {
  for (const route of ROUTES) {
    for (const [label, token] of WRONG) {
      it(`${route.method} ${route.path(':id')} with ${label} is refused`, async () => {
        const given = token();
        const response = await call(t.url, route.method, route.path(a.id), {
          ...(given ? { token: given } : {}),
          ...(route.body ? { body: route.body } : {}),
        });
        expect(response.status).toBe(401);
        expect(response.body.error.code).toBe('unauthorized');
        expect(response.body.error.requestId).toBe(response.headers.get('x-request-id'));
        // RFC 9110: a 401 names the scheme that would be accepted.
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="support-agent"');
        // The request id is random hex and may hold "4417" itself.
        const { requestId: _, ...rest } = response.body.error as Record<string, unknown>;
        expect(JSON.stringify({ ...response.body, error: rest })).not.toContain('4417');
      });
    }
  }

  it('refuses alike whatever is wrong: the message does not tell which', async () => {
    const bodies = await Promise.all(
      WRONG.map(async ([, token]) => {
        const given = token();
        const r = await call(t.url, 'GET', `/v1/sessions/${a.id}/messages`, {
          ...(given ? { token: given } : {}),
        });
        return r.body.error.message as string;
      }),
    );
    expect(new Set(bodies).size).toBe(1);
  });

  it('left session A untouched after every refused attempt', async () => {
    const session = await call(t.url, 'GET', `/v1/sessions/${a.id}`, { token: a.token });
    expect(session.body).toMatchObject({ status: 'active', messageCount: 1 });
    const history = await call(t.url, 'GET', `/v1/sessions/${a.id}/messages`, { token: a.token });
    expect(history.body.items).toHaveLength(2);
  });

  it("never shows session A's messages to session B", async () => {
    const history = await call(t.url, 'GET', `/v1/sessions/${b.id}/messages`, { token: b.token });
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([]);
  });
});

describe('the live feed with the token in its address (as an EventSource sends it)', () => {
  const feed = (token: string | undefined) =>
    fetch(`${t.url}/v1/sessions/${a.id}/events${token ? `?token=${token}` : ''}`, {
      headers: { accept: 'text/event-stream' },
    });

  for (const [label, token] of WRONG) {
    it(`is refused with ${label}, and the refusal says how to send the token`, async () => {
      const response = await feed(token());
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.message).toContain('?token=<token>');
    });
  }

  it("opens with session A's own token", async () => {
    const controller = new AbortController();
    const response = await fetch(`${t.url}/v1/sessions/${a.id}/events?token=${a.token}`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: ready');
    controller.abort();
  });

  it('is the only session route that takes the token from the address', async () => {
    const r = await fetch(`${t.url}/v1/sessions/${a.id}?token=${a.token}`);
    expect(r.status).toBe(401);
  });
});

describe('the WebSocket', () => {
  const refusal = (url: string, headers: Record<string, string> = {}) =>
    new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.on('open', () => reject(new Error('the upgrade was accepted')));
      socket.on('error', () => undefined);
    });

  for (const [label, token] of WRONG) {
    it(`is refused before the upgrade with ${label}`, async () => {
      const given = token();
      const base = `${t.url.replace('http', 'ws')}/v1/sessions/${a.id}/ws`;
      expect(await refusal(given ? `${base}?token=${given}` : base)).toBe(401);
    });
  }

  // Clients other than browsers send the token as they do on every other route.
  for (const [label, token] of WRONG) {
    it(`is refused before the upgrade with ${label} in the Authorization header`, async () => {
      const given = token();
      const base = `${t.url.replace('http', 'ws')}/v1/sessions/${a.id}/ws`;
      expect(await refusal(base, given ? bearer(given) : {})).toBe(401);
    });
  }

  it('answers a plain GET (no upgrade) with 426 and the error shape, once the token is checked', async () => {
    const path = `/v1/sessions/${a.id}/ws`;
    for (const [label, token] of WRONG) {
      const given = token();
      const refused = await call(t.url, 'GET', path, given ? { token: given } : {});
      expect([label, refused.status]).toEqual([label, 401]);
    }
    const plain = await call(t.url, 'GET', `${path}?token=${a.token}`);
    expect(plain.status).toBe(426);
    expect(plain.headers.get('upgrade')).toBe('websocket');
    expect(plain.headers.get('connection')).toBe('upgrade');
    expect(plain.body.error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/WebSocket client/),
      requestId: plain.headers.get('x-request-id'),
    });
    // It tells nothing of the session.
    expect(JSON.stringify(plain.body)).not.toContain('4417');
  });

  it("opens with the session's own token in the Authorization header, and answers on it", async () => {
    // A session of its own: the others' histories are checked above.
    const c = await createSession(t.url);
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/v1/sessions/${c.id}/ws`, {
      headers: bearer(c.token),
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`the upgrade was refused: ${response.statusCode}`)),
      );
    });
    const events: Array<{ type: string; sessionId?: string }> = [];
    const done = new Promise<void>((resolve) => {
      socket.on('message', (data) => {
        const event = JSON.parse(String(data)) as { type: string; sessionId?: string };
        events.push(event);
        if (event.type === 'complete' || event.type === 'error') resolve();
      });
    });
    socket.send(JSON.stringify({ type: 'message', text: 'And how long does the link work?' }));
    await done;
    socket.close();
    // Its own message first, as stored, then its turn.
    expect(events[0]).toMatchObject({ type: 'customer_message', message: { role: 'user' } });
    expect(events[1]).toMatchObject({ type: 'start', sessionId: c.id });
    expect(events.at(-1)?.type).toBe('complete');
  });
});

describe('admin routes', () => {
  it('need the admin key', async () => {
    for (const token of [undefined, 'wrong-key-0123456789', a.token]) {
      const r = await call(t.url, 'GET', '/v1/admin/tickets', token ? { token } : {});
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="support-agent"');
    }
    const ok = await call(t.url, 'GET', '/v1/admin/tickets', { token: ADMIN_KEY });
    expect(ok.status).toBe(200);
  });

  it('do not accept a session token, and a session route does not accept the admin key', async () => {
    const r = await call(t.url, 'GET', `/v1/sessions/${a.id}/messages`, { token: ADMIN_KEY });
    expect(r.status).toBe(401);
  });
});

describe('browsers', () => {
  it('may call the API only from the allowed origins', async () => {
    const widget = await startServer({ CORS_ORIGINS: 'https://shop.example.com' });
    try {
      const preflight = (origin: string) =>
        fetch(`${widget.url}/v1/sessions`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type, authorization',
          },
        });
      const allowed = await preflight('https://shop.example.com');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
      const other = await preflight('https://evil.example.net');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const created = await fetch(`${widget.url}/v1/sessions`, {
        method: 'POST',
        headers: { origin: 'https://shop.example.com' },
      });
      expect(created.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
      expect(created.headers.get('access-control-expose-headers')).toContain('x-request-id');
      expect(created.headers.get('access-control-expose-headers')).toContain(
        'x-ratelimit-remaining',
      );
      expect(created.headers.get('x-frame-options')).toBe('DENY');
    } finally {
      await widget.close();
    }
  });

  it("open a session's WebSocket only from the allowed origins or the server's own", async () => {
    const widget = await startServer({ CORS_ORIGINS: 'https://shop.example.com' });
    try {
      const session = await createSession(widget.url);
      const address = `${widget.url.replace('http', 'ws')}/v1/sessions/${session.id}/ws?token=${session.token}`;
      const open = (origin?: string) =>
        new Promise<number>((resolve) => {
          const socket = new WebSocket(address, origin ? { origin } : {});
          socket.on('open', () => {
            resolve(101);
            socket.close();
          });
          socket.on('unexpected-response', (_request, response) => {
            resolve(response.statusCode ?? 0);
            socket.terminate();
          });
          socket.on('error', () => undefined);
        });
      expect(await open('https://shop.example.com')).toBe(101);
      expect(await open(widget.url)).toBe(101); // a page of the server's own host
      expect(await open()).toBe(101); // not a browser: the token alone decides
      expect(await open('https://evil.example.net')).toBe(403);
    } finally {
      await widget.close();
    }
  });
});
