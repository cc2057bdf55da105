/**
 * The line each request writes when it completes, read from the log through real sockets: it
 * names the client's address (as the rate limits see it, behind a trusted proxy the address the
 * proxy saw) and its user agent, cut short and redacted like everything else logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, type CapturedLogs } from '../src/testing/index.js';
import { bearer, createSession, startServer, type TestServer } from './helpers/http.js';

const UNKNOWN = '/v1/sessions/00000000-0000-4000-8000-000000000000';

/** Servers with and without a trusted proxy, each with its log. */
const servers: Array<{ t: TestServer; logs: CapturedLogs }> = [];
beforeAll(async () => {
  const settings: Array<Record<string, string>> = [
    {},
    { TRUST_PROXY: 'true' },
    { LOG_LEVEL: 'debug' },
  ];
  for (const env of settings) {
    const logs = captureLogs();
    const t = await startServer({ LOG_LEVEL: 'info', ...env }, { logDestination: logs.stream });
    servers.push({ t, logs });
  }
});
afterAll(async () => {
  for (const { t } of servers) await t.close();
});

/** The request line of the request with this id, once written. */
async function requestLine(logs: CapturedLogs, requestId: string) {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const line = logs.lines.find((l) => l.msg === 'request' && l.requestId === requestId);
    if (line || Date.now() > deadline) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the request line', () => {
  it('names the client by its address and its user agent', async () => {
    const [direct] = servers;
    if (!direct) throw new Error('no server');
    await fetch(`${direct.t.url}${UNKNOWN}`, {
      headers: {
        'x-request-id': 'log-direct-1',
        'user-agent': 'support-widget/2.1',
        // Not trusted here: the address is the socket's.
        'x-forwarded-for': '198.51.100.7',
      },
    });
    expect(await requestLine(direct.logs, 'log-direct-1')).toMatchObject({
      status: 401,
      ip: '127.0.0.1',
      userAgent: 'support-widget/2.1',
    });
  });

  it('behind a trusted proxy, names the address the proxy saw', async () => {
    const proxied = servers[1];
    if (!proxied) throw new Error('no server');
    await fetch(`${proxied.t.url}${UNKNOWN}`, {
      headers: {
        'x-request-id': 'log-proxied-1',
        'user-agent': 'support-widget/2.1',
        'x-forwarded-for': '6.6.6.6, 203.0.113.7',
      },
    });
    expect(await requestLine(proxied.logs, 'log-proxied-1')).toMatchObject({
      ip: '203.0.113.7',
    });
  });

  it('cuts a long user agent short and redacts what it carries, also across the cut', async () => {
    const [direct] = servers;
    if (!direct) throw new Error('no server');
    const agents = {
      'log-agent-1': `crawler/1.0 (+mailto:ops@example.com; token=s3cr3t-value) ${'x'.repeat(500)}`,
      // An e-mail address across the cut: cut first, its start would be logged unredacted.
      'log-agent-2': `${'a'.repeat(190)} someone@example.com ${'b'.repeat(100)}`,
    };
    for (const [requestId, agent] of Object.entries(agents)) {
      await fetch(`${direct.t.url}${UNKNOWN}`, {
        headers: { 'x-request-id': requestId, 'user-agent': agent },
      });
      const line = await requestLine(direct.logs, requestId);
      const logged = String(line?.userAgent);
      expect(logged.length, requestId).toBeLessThanOrEqual(201);
      expect(logged, requestId).not.toMatch(/ops@|s3cr3t|someone@|someo/);
    }
    expect((await requestLine(direct.logs, 'log-agent-1'))?.userAgent).toMatch(
      /^crawler\/1\.0 \(\+mailto:\[redacted email\]; token=\[redacted\] x+…$/,
    );
  });

  it('does not take whatever a client puts where a session id goes for one: an e-mail address there is redacted', async () => {
    const [direct] = servers;
    if (!direct) throw new Error('no server');
    await fetch(`${direct.t.url}/v1/sessions/jane.doe@example.com/messages`, {
      headers: { ...bearer('not-a-token'), 'x-request-id': 'log-path-1' },
    });
    const line = await requestLine(direct.logs, 'log-path-1');
    expect(line).toMatchObject({ url: '/v1/sessions/[redacted email]/messages' });
    expect(JSON.stringify(direct.logs.lines)).not.toContain('jane.doe@');
  });

  it("is written for a stream when it closes, with its client's address and agent", async () => {
    const [direct] = servers;
    if (!direct) throw new Error('no server');
    const { id, token } = await createSession(direct.t.url);
    const controller = new AbortController();
    const feed = await fetch(`${direct.t.url}/v1/sessions/${id}/events`, {
      headers: {
        ...bearer(token),
        accept: 'text/event-stream',
        'x-request-id': 'log-stream-1',
        'user-agent': 'EventSource-polyfill/1.0',
      },
      signal: controller.signal,
    });
    expect(feed.status).toBe(200);
    controller.abort();
    expect(await requestLine(direct.logs, 'log-stream-1')).toMatchObject({
      status: 200,
      ip: '127.0.0.1',
      userAgent: 'EventSource-polyfill/1.0',
    });
  });

  it('is written, and counted, for an address the router refuses', async () => {
    const [direct] = servers;
    if (!direct) throw new Error('no server');
    const refused = [
      ['log-refused-1', `/v1/sessions/${'a'.repeat(150)}`, 414],
      ['log-refused-2', '/v1/sessions/%zz', 400],
    ] as const;
    for (const [requestId, path, status] of refused) {
      const response = await fetch(`${direct.t.url}${path}`, {
        headers: { 'x-request-id': requestId },
      });
      expect(response.status).toBe(status);
      expect(await requestLine(direct.logs, requestId), path).toMatchObject({
        status,
        ip: '127.0.0.1',
      });
    }
    const metrics = await (await fetch(`${direct.t.url}/metrics`)).text();
    for (const status of [414, 400]) {
      expect(metrics).toMatch(
        new RegExp(
          `support_agent_http_request_duration_seconds_count\\{method="GET",route="unmatched",status="${status}"\\} 1\\b`,
        ),
      );
    }
  });

  it('of a readiness probe is written at debug: a probe every few seconds would fill the log', async () => {
    const [direct, , debug] = servers;
    if (!direct || !debug) throw new Error('no server');
    for (const { t } of [direct, debug]) {
      for (const id of ['log-ready-1', 'log-ready-2', 'log-ready-3']) {
        const ready = await fetch(`${t.url}/ready`, { headers: { 'x-request-id': id } });
        expect(ready.status).toBe(200);
      }
      // Written after the probes' lines would have been.
      await fetch(`${t.url}${UNKNOWN}`, { headers: { 'x-request-id': 'log-after-ready' } });
    }
    expect(await requestLine(direct.logs, 'log-after-ready')).toBeDefined();
    expect(direct.logs.lines.filter((l) => String(l.requestId).startsWith('log-ready'))).toEqual(
      [],
    );
    expect(await requestLine(debug.logs, 'log-after-ready')).toMatchObject({ level: 'info' });
    const probes = debug.logs.lines.filter((l) => String(l.requestId).startsWith('log-ready'));
    expect(probes.map((l) => [l.msg, l.level, l.url, l.status])).toEqual([
      ['request', 'debug', '/ready', 200],
      ['request', 'debug', '/ready', 200],
      ['request', 'debug', '/ready', 200],
    ]);
  });
});
