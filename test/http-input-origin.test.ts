/**
 * The server's own origin is its scheme and its host: a page of `https://` on the server's host
 * is not one of `http://` (and the other way round), as the connection, or a trusted proxy's
 * `X-Forwarded-Proto`, says. A refusal says it depends on `Origin` and is not to be kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from './helpers/http.js';

function expectRefused(response: Awaited<ReturnType<typeof call>>, origin: string): void {
  expect(response.status).toBe(403);
  expect(response.body.error.code).toBe('forbidden');
  expect(response.body.error.message).toContain(`Requests from pages of ${origin}`);
  expect(response.headers.get('vary')).toMatch(/\bOrigin\b/i);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('access-control-allow-origin')).toBeNull();
}

describe('without a proxy', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it("takes pages of its own scheme and host, and refuses another scheme's", async () => {
    const own = t.url; // http://127.0.0.1:<port>
    expect((await call(t.url, 'POST', '/v1/sessions', { headers: { origin: own } })).status).toBe(
      201,
    );
    const https = own.replace(/^http:/, 'https:');
    expectRefused(await call(t.url, 'POST', '/v1/sessions', { headers: { origin: https } }), https);
    expectRefused(
      await call(t.url, 'OPTIONS', '/v1/sessions', { headers: { origin: https } }),
      https,
    );
    // An `X-Forwarded-Proto` from a client that is no trusted proxy changes nothing.
    expectRefused(
      await call(t.url, 'POST', '/v1/sessions', {
        headers: { origin: https, 'x-forwarded-proto': 'https' },
      }),
      https,
    );
  });

  it('says Vary: Origin and Cache-Control: no-store on a refusal of another site', async () => {
    const evil = 'https://evil.example';
    expectRefused(await call(t.url, 'GET', '/v1/sessions/x', { headers: { origin: evil } }), evil);
  });
});

describe('behind a trusted proxy', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  it('takes the scheme the proxy says, and refuses the other', async () => {
    const proxied = { 'x-forwarded-host': 'support.example.com', 'x-forwarded-proto': 'https' };
    const ok = await call(t.url, 'POST', '/v1/sessions', {
      headers: { ...proxied, origin: 'https://support.example.com' },
    });
    expect(ok.status).toBe(201);
    expectRefused(
      await call(t.url, 'POST', '/v1/sessions', {
        headers: { ...proxied, origin: 'http://support.example.com' },
      }),
      'http://support.example.com',
    );
    const plain = { ...proxied, 'x-forwarded-proto': 'http' };
    expectRefused(
      await call(t.url, 'POST', '/v1/sessions', {
        headers: { ...plain, origin: 'https://support.example.com' },
      }),
      'https://support.example.com',
    );
    const preflight = await call(t.url, 'OPTIONS', '/v1/sessions', {
      headers: {
        ...proxied,
        origin: 'https://support.example.com',
        'access-control-request-method': 'POST',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(
      'https://support.example.com',
    );
  });
});
