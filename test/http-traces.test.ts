// Traces of HTTP requests over a real socket: one server span per request, continuing the trace
// of an incoming `traceparent`, with the spans of the turn's tool calls under it.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bearer, createSession, startServer, type TestServer } from './helpers/http.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';
const QUESTION = 'How do I reset my password? My name is Quentin Zebulon-Marsh.';

async function started(
  env: Record<string, string> = {},
): Promise<{ url: string; spans: InMemorySpanExporter }> {
  const spans = new InMemorySpanExporter();
  t = await startServer(env, { spanProcessors: [new SimpleSpanProcessor(spans)] });
  return { url: t.url, spans };
}

/** The server span of the request to `route`, once it has ended (a span ends after the response). */
async function serverSpan(spans: InMemorySpanExporter, route: string): Promise<ReadableSpan> {
  for (let i = 0; i < 100; i++) {
    const span = spans
      .getFinishedSpans()
      .find((s) => s.kind === SpanKind.SERVER && s.attributes['http.route'] === route);
    if (span) return span;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no server span for ${route}`);
}

describe('request spans', () => {
  it("continue an incoming traceparent, hold the turn's tool spans, and carry neither the message nor the token", async () => {
    const { url, spans } = await started();
    const session = await createSession(url);
    const response = await fetch(`${url}/v1/sessions/${session.id}/messages`, {
      method: 'POST',
      headers: {
        ...bearer(session.token),
        'content-type': 'application/json',
        traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`,
        'x-request-id': 'trace-req-1',
      },
      body: JSON.stringify({ text: QUESTION }),
    });
    expect(response.status).toBe(200);
    await response.json();

    const span = await serverSpan(spans, '/v1/sessions/:id/messages');
    expect(span.name).toBe('POST /v1/sessions/:id/messages');
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    expect(span.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/sessions/:id/messages',
      'http.response.status_code': 200,
      'request.id': 'trace-req-1',
      'session.id': session.id,
    });
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);

    const tools = spans.getFinishedSpans().filter((s) => s.name.startsWith('execute_tool '));
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) {
      expect(tool.spanContext().traceId).toBe(TRACE_ID);
      expect(tool.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    }

    const everything = JSON.stringify(
      spans.getFinishedSpans().map((s) => [s.name, s.attributes, s.status, s.events]),
    );
    expect(everything).not.toContain(session.token);
    expect(everything).not.toContain('Zebulon');
  });

  it('start a trace of their own without a traceparent, one per request', async () => {
    const { url, spans } = await started();
    await createSession(url);
    const missing = await fetch(`${url}/v1/sessions/00000000-0000-4000-8000-000000000000`, {
      headers: bearer('not-a-token'),
    });
    expect(missing.status).toBeGreaterThanOrEqual(400);

    const created = await serverSpan(spans, '/v1/sessions');
    expect(created.name).toBe('POST /v1/sessions');
    expect(created.parentSpanContext).toBeUndefined();
    expect(created.attributes['http.response.status_code']).toBe(201);
    const refused = await serverSpan(spans, '/v1/sessions/:id');
    expect(refused.spanContext().traceId).not.toBe(created.spanContext().traceId);
    // A client's mistake is not the server's failure.
    expect(refused.status.code).not.toBe(SpanStatusCode.ERROR);
  });
});

describe.runIf(await serviceAvailable('Redis', REDIS_URL, 6379))(
  'request spans in an outage',
  () => {
    it('end with an error status when the server fails the request', async () => {
      const target = new URL(REDIS_URL);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
      try {
        const { url, spans } = await started({
          REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
          REDIS_KEY_PREFIX: `${uniqueName('traces')}:`,
        });
        proxy.cut();
        const refused = await fetch(`${url}/v1/sessions`, { method: 'POST' });
        expect(refused.status).toBe(503);
        const span = await serverSpan(spans, '/v1/sessions');
        expect(span.attributes).toMatchObject({
          'http.response.status_code': 503,
          'error.type': '503',
        });
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
      } finally {
        await t?.close();
        t = undefined;
        await proxy.close();
      }
    });
  },
);

describe('WebSocket spans', () => {
  it("hold the spans of the turns of the socket's messages, in the trace of the upgrade", async () => {
    const { url, spans } = await started();
    const session = await createSession(url);
    const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/sessions/${session.id}/ws`, {
      headers: {
        authorization: `Bearer ${session.token}`,
        traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`,
      },
    });
    const types: string[] = [];
    socket.on('message', (data) => types.push((JSON.parse(String(data)) as { type: string }).type));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'message', text: QUESTION }));
    const until = Date.now() + 10_000;
    while (!types.includes('complete') && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(types).toContain('complete');
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.close();
    await closed;

    const upgrade = await serverSpan(spans, '/v1/sessions/:id/ws');
    expect(upgrade.spanContext().traceId).toBe(TRACE_ID);
    const tools = spans.getFinishedSpans().filter((s) => s.name.startsWith('execute_tool '));
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) {
      expect(tool.spanContext().traceId).toBe(TRACE_ID);
      expect(tool.parentSpanContext?.spanId).toBe(upgrade.spanContext().spanId);
    }
  });
});
