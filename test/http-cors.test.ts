/**
 * Browsers through a real server: a request to `/v1` from a page of an origin that is neither in
 * `CORS_ORIGINS` nor the server's own is refused before it runs (CORS alone only hides the
 * answer from the page), its preflight too, and so is its WebSocket; a client that sends no
 * Origin is not a browser and is not asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ADMIN_KEY,
  call,
  createSession,
  startServer,
  type Json,
  type TestServer,
} from './helpers/http.js';

const SHOP = 'https://shop.example.com';
const EVIL = 'https://evil.example.net';

/** Asserts the one error shape of a refused origin. */
function expectRefused(response: { status: number; body: Json }, origin: string): void {
  expect(response.status).toBe(403);
  expect(response.body).toEqual({
    error: { code: 'forbidden', message: expect.any(String), requestId: expect.any(String) },
  });
  expect(response.body.error.message).toContain(`Requests from pages of ${origin}`);
  expect(response.body.error.message).toContain('CORS_ORIGINS');
}

/** A browser's preflight of a message sent with a key, from a page of `origin`. */
function preflight(url: string, origin: string) {
  return call(url, 'OPTIONS', '/v1/sessions', {
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, authorization',
    },
  });
}

/** Asserts a preflight's answer lets a page of `origin` send its request. */
function expectPreflightAllowed(response: Awaited<ReturnType<typeof call>>, origin: string): void {
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
}

/** Opens a WebSocket: 101 when it opened, else the status and JSON body of the refusal. */
function openSocket(address: string, origin?: string): Promise<{ status: number; body: Json }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(address, origin ? { origin } : {});
    socket.on('open', () => {
      resolve({ status: 101, body: undefined });
      socket.close();
    });
    socket.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Json });
        socket.terminate();
      });
    });
    socket.on('error', () => undefined);
  });
}

describe('with CORS_ORIGINS set', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ CORS_ORIGINS: SHOP });
  });
  afterAll(() => t.close());

  it('does not run a request from a page of another origin', async () => {
    const { id, token } = await createSession(t.url);
    const sent = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my password?' },
      headers: { origin: EVIL },
    });
    expectRefused(sent, EVIL);
    const ended = await call(t.url, 'DELETE', `/v1/sessions/${id}`, {
      token,
      headers: { origin: EVIL },
    });
    expectRefused(ended, EVIL);
    // Neither ran: the session is active and has no message.
    const read = await call(t.url, 'GET', `/v1/sessions/${id}`, { token });
    expect(read.body).toMatchObject({ status: 'active', messageCount: 0 });
    expectRefused(
      await call(t.url, 'POST', '/v1/sessions', { headers: { origin: 'null' } }),
      'null',
    );
    // The staff's routes too, with the right key.
    expectRefused(
      await call(t.url, 'GET', '/v1/admin/tickets', {
        token: ADMIN_KEY,
        headers: { origin: EVIL },
      }),
      EVIL,
    );
  });

  it('runs a request from an allowed origin, from its own pages, and without an origin', async () => {
    const origins: Array<Record<string, string>> = [{ origin: SHOP }, { origin: t.url }, {}];
    for (const headers of origins) {
      const created = await call(t.url, 'POST', '/v1/sessions', { headers });
      expect(created.status).toBe(201);
    }
    // Origins are compared as hosts are, without regard to case.
    const upper = await call(t.url, 'POST', '/v1/sessions', {
      headers: { origin: 'https://SHOP.example.com' },
    });
    expect(upper.status).toBe(201);
    // Outside `/v1` (probes, the docs) nothing is asked.
    const health = await call(t.url, 'GET', '/health', { headers: { origin: EVIL } });
    expect(health.status).toBe(200);
  });

  it('answers a preflight from another origin with 403, and one from an allowed origin or its own pages', async () => {
    const refused = await preflight(t.url, EVIL);
    expectRefused(refused, EVIL);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expectPreflightAllowed(await preflight(t.url, SHOP), SHOP);
    expectPreflightAllowed(await preflight(t.url, t.url), t.url);
  });

  it("refuses a session's WebSocket from another origin with the error shape", async () => {
    const { id, token } = await createSession(t.url);
    const address = `${t.url.replace('http', 'ws')}/v1/sessions/${id}/ws?token=${token}`;
    expectRefused(await openSocket(address, EVIL), EVIL);
    expect((await openSocket(address, SHOP)).status).toBe(101);
    expect((await openSocket(address, t.url)).status).toBe(101);
    expect((await openSocket(address)).status).toBe(101);
  });
});

describe('without CORS_ORIGINS', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it("takes browsers' requests from the server's own pages only", async () => {
    expect((await call(t.url, 'POST', '/v1/sessions', { headers: { origin: t.url } })).status).toBe(
      201,
    );
    expectRefused(await call(t.url, 'POST', '/v1/sessions', { headers: { origin: SHOP } }), SHOP);
    // Another port of the same host name is another origin.
    const otherPort = t.url.replace(/:\d+$/, ':1');
    expectRefused(
      await call(t.url, 'POST', '/v1/sessions', { headers: { origin: otherPort } }),
      otherPort,
    );
  });

  it("answers a preflight from the server's own pages as an allowed one, and refuses another's", async () => {
    expectPreflightAllowed(await preflight(t.url, t.url), t.url);
    expectRefused(await preflight(t.url, SHOP), SHOP);
    // An OPTIONS that names no method is no preflight, but gets no answer outside the error shape.
    const bare = await call(t.url, 'OPTIONS', '/v1/sessions', { headers: { origin: t.url } });
    expect(bare.status).toBe(204);
    expect(bare.headers.get('access-control-allow-origin')).toBe(t.url);
  });
});

describe('behind a trusted proxy', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  it('takes its own pages to be those of the host the proxy was asked for', async () => {
    const viaProxy = await call(t.url, 'POST', '/v1/sessions', {
      headers: { origin: 'https://support.example.com', 'x-forwarded-host': 'support.example.com' },
    });
    expect(viaProxy.status).toBe(201);
    expectRefused(
      await call(t.url, 'POST', '/v1/sessions', {
        headers: { origin: EVIL, 'x-forwarded-host': 'support.example.com' },
      }),
      EVIL,
    );
  });
});
