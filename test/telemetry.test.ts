import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { AppError } from '../src/errors/index.js';
import { buildServer } from '../src/http/index.js';
import { captureLogs, FakeClock, type CapturedLogs } from '../src/testing/index.js';
import { defineTool } from '../src/tools/index.js';
import { call, createSession, startServer } from './helpers/http.js';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const EMAIL = 'jane.doe@example.com';
const API_KEY = 'sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c';

function build(env: Record<string, string> = {}) {
  const clock = new FakeClock();
  const spans = new InMemorySpanExporter();
  const logs: CapturedLogs = captureLogs();
  let flakyCalls = 0;
  let activeSpanName: string | undefined;
  const flaky = defineTool({
    name: 'flaky',
    description: 'fails once, then answers; logs what it does',
    input: z.object({ customer: z.string() }),
    async execute({ customer }, { log }) {
      flakyCalls++;
      activeSpanName = (trace.getSpan(context.active()) as unknown as { name?: string } | undefined)
        ?.name;
      log.info({ customer: { email: customer }, apiKey: API_KEY }, `looking up ${customer}`);
      log.info(`using key ${API_KEY} for the lookup`);
      if (flakyCalls === 1)
        throw new AppError('upstream_unavailable', 'upstream said 503', { retryable: true });
      return { found: true };
    },
  });
  const broken = defineTool({
    name: 'broken',
    description: 'always fails',
    input: z.object({}),
    async execute() {
      throw new AppError('upstream_unavailable', 'down', { retryable: true });
    },
  });
  // Refuses an order number as such tools do: its message quotes what the customer wrote.
  const orders = defineTool({
    name: 'orders',
    description: 'looks up an order',
    input: z.object({ order: z.string() }),
    async execute({ order }) {
      throw new AppError('invalid_input', `"${order}" is not an order number`);
    },
  });
  app = createApp(loadConfig({ env: { LOG_LEVEL: 'info', TOOL_RETRY_JITTER: '0', ...env } }), {
    clock,
    logDestination: logs.stream,
    spanProcessors: [new SimpleSpanProcessor(spans)],
    tools: [flaky, broken, orders],
    databasePath: ':memory:',
  });
  return { app, clock, spans, logs, activeSpan: () => activeSpanName };
}

describe('spans', () => {
  it('one execute_tool span per call with the GenAI attributes, outcome, attempts and ids; retries are events', async () => {
    const { app, clock, spans, activeSpan } = build();
    const result = await app.correlation.run({ requestId: 'req-1', sessionId: 'sess-1' }, () =>
      clock.run(app.tools.call('flaky', { customer: EMAIL })),
    );
    expect(result).toMatchObject({ type: 'ok', attempts: 2 });

    const finished = spans.getFinishedSpans();
    expect(finished).toHaveLength(1);
    const span = finished[0]!;
    expect(span.name).toBe('execute_tool flaky');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'flaky',
      'support_agent.tool.outcome': 'ok',
      'support_agent.tool.attempts': 2,
      'session.id': 'sess-1',
      'request.id': 'req-1',
    });
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(span.events.map((e) => e.name)).toEqual(['retry']);
    expect(span.events[0]!.attributes).toMatchObject({
      'support_agent.tool.attempt': 1,
      'support_agent.tool.retry_delay_ms': 1000,
      'error.type': 'upstream_unavailable',
    });
    // The tool runs inside its span, so spans it starts (an HTTP client's, say) nest under it.
    expect(activeSpan()).toBe('execute_tool flaky');
  });

  it('a failed call has an error status and error.type', async () => {
    const { app, clock, spans } = build({ TOOL_RETRY_ATTEMPTS: '2' });
    await clock.run(app.tools.call('broken', {}));
    const [span] = spans.getFinishedSpans();
    expect(span?.attributes).toMatchObject({
      'support_agent.tool.outcome': 'error',
      'support_agent.tool.attempts': 2,
      'error.type': 'upstream_unavailable',
    });
    expect(span?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'upstream_unavailable: the tool call failed',
    });
    expect(span?.events).toHaveLength(1);
  });

  it('a cancelled call records its outcome, with no error status or error.type', async () => {
    const { app, clock, spans } = build();
    const controller = new AbortController();
    const slow = defineTool({
      name: 'slow',
      description: 'answers only when aborted',
      input: z.object({}),
      execute: (_input, { signal }) =>
        new Promise<never>((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason as Error)),
        ),
    });
    app.tools.register(slow);
    const pending = app.tools.call('slow', {}, { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await clock.run(pending)).toMatchObject({ type: 'cancelled' });
    const [span] = spans.getFinishedSpans();
    expect(span?.attributes).toMatchObject({ 'support_agent.tool.outcome': 'cancelled' });
    expect(span?.attributes['error.type']).toBeUndefined();
    expect(span?.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it("a failed call's span status never carries the error's message, which may quote the customer", async () => {
    const { app, clock, spans } = build();
    const words = `my card 4111 1111 1111 1111, write to ${EMAIL}, my husband left me`;
    const result = await clock.run(app.tools.call('orders', { order: words }));
    expect(result).toMatchObject({ type: 'error', code: 'invalid_input' });
    const [span] = spans.getFinishedSpans();
    expect(span?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'invalid_input: the tool call failed',
    });
    expect(JSON.stringify({ ...span?.attributes, events: span?.events })).not.toMatch(
      /4111|husband|jane/,
    );
  });
});

describe('metrics at GET /metrics', () => {
  it('shows calls by tool and outcome, the duration histogram and the breaker state', async () => {
    const { app, clock } = build({ TOOL_RETRY_ATTEMPTS: '1', TOOL_BREAKER_THRESHOLD: '2' });
    const server = await buildServer(app);
    await clock.run(app.tools.call('flaky', { customer: 'a' }));
    await clock.run(app.tools.call('flaky', { customer: 'a' }));
    await clock.run(app.tools.call('broken', {}));
    await clock.run(app.tools.call('broken', {}));
    await clock.run(app.tools.call('broken', {}));

    const response = await server.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toContain('support_agent_tool_calls_total{tool="flaky",outcome="error"} 1');
    expect(text).toContain('support_agent_tool_calls_total{tool="flaky",outcome="ok"} 1');
    expect(text).toContain('support_agent_tool_calls_total{tool="broken",outcome="error"} 2');
    expect(text).toContain(
      'support_agent_tool_calls_total{tool="broken",outcome="circuit_open"} 1',
    );
    expect(text).toContain('# TYPE support_agent_tool_duration_seconds histogram');
    expect(text).toMatch(
      /support_agent_tool_duration_seconds_count\{tool="flaky",outcome="ok"\} 1/,
    );
    expect(text).toMatch(
      /support_agent_tool_duration_seconds_bucket\{tool="broken",outcome="error",le="\+Inf"\} 2/,
    );
    expect(text).toContain('support_agent_tool_breaker_state{tool="flaky"} 0');
    expect(text).toContain('support_agent_tool_breaker_state{tool="broken"} 2');

    app.tools.reset('broken');
    const after = await server.inject({ method: 'GET', url: '/metrics' });
    expect(after.body).toContain('support_agent_tool_breaker_state{tool="broken"} 0');
    await server.close();
  });
});

describe('service metrics at GET /metrics', () => {
  it('counts replies by result, tickets opened, turn durations and HTTP requests by route', async () => {
    const t = await startServer();
    try {
      const { id, token } = await createSession(t.url);
      const send = (text: string) =>
        call(t.url, 'POST', `/v1/sessions/${id}/messages`, { token, body: { text } });
      expect((await send('How do I reset my password?')).status).toBe(200);
      expect((await send('thanks!')).status).toBe(200);
      expect((await send('Do you sell helicopters to penguins?')).status).toBe(200);
      const handed = await send('Let me speak to a human, please.');
      expect(handed.body.escalation.ticketId).toBeDefined();
      expect((await call(t.url, 'GET', '/no/such/page')).status).toBe(404);
      // A path of the API with a method it does not take: counted under its route.
      expect((await call(t.url, 'PUT', `/v1/sessions/${id}`, { token })).status).toBe(405);

      const text = await (await fetch(`${t.url}/metrics`)).text();
      const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
      expect(
        value(/support_agent_turns_total\{answered_by="extractive",result="answered"\} (\d+)/),
      ).toBe(1);
      expect(
        value(/support_agent_turns_total\{answered_by="extractive",result="not_looked_up"\} (\d+)/),
      ).toBe(1);
      expect(
        value(/support_agent_turns_total\{answered_by="extractive",result="not_found"\} (\d+)/),
      ).toBeGreaterThanOrEqual(1);
      expect(
        value(
          /support_agent_tickets_opened_total\{category="human_request",priority="\w+"\} (\d+)/,
        ),
      ).toBe(1);
      expect(
        value(/support_agent_turn_duration_seconds_count\{answered_by="extractive"\} (\d+)/),
      ).toBe(4);
      expect(
        value(
          /support_agent_http_request_duration_seconds_count\{method="POST",route="\/v1\/sessions\/:id\/messages",status="200"\} (\d+)/,
        ),
      ).toBe(4);
      // An unknown path is counted as unmatched, not under a series of its own.
      expect(
        value(
          /support_agent_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} (\d+)/,
        ),
      ).toBe(1);
      expect(
        value(
          /support_agent_http_request_duration_seconds_count\{method="PUT",route="\/v1\/sessions\/:id",status="405"\} (\d+)/,
        ),
      ).toBe(1);
      expect(text).not.toContain('/no/such/page');
      expect(text).not.toContain(id);
    } finally {
      await t.close();
    }
  });
});

describe('process metrics at GET /metrics', () => {
  it("shows the process's memory, CPU, resources and the event-loop delay since the previous scrape", async () => {
    const t = await startServer();
    try {
      const scrape = async () => {
        const response = await fetch(`${t.url}/metrics`);
        expect(response.status).toBe(200);
        const text = await response.text();
        return (name: string) => {
          const line = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
          return Number(line?.[1] ?? NaN);
        };
      };
      const first = await scrape();
      expect(first('process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
      expect(first('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
      expect(first('nodejs_heap_size_used_bytes')).toBeLessThanOrEqual(
        first('nodejs_heap_size_total_bytes'),
      );
      expect(first('process_cpu_seconds_total')).toBeGreaterThan(0);
      // The listening server at least.
      expect(first('nodejs_active_resources')).toBeGreaterThanOrEqual(1);
      expect(first('process_start_time_seconds')).toBeCloseTo(performance.timeOrigin / 1000, 0);

      // An idle loop has no delay: what is read is what passes the sampling interval.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const idle = await scrape();
      expect(idle('nodejs_eventloop_lag_p50_seconds')).toBeLessThan(0.005);

      // The server runs in this process: holding its event loop for 300 ms is a stall it saw.
      // Held until the process has used 300 ms of CPU as well: on a busy machine 300 ms of
      // waiting may be much less of it.
      const until = performance.now() + 300;
      const cpuBefore = process.cpuUsage();
      const cpuMs = () => {
        const used = process.cpuUsage(cpuBefore);
        return (used.user + used.system) / 1000;
      };
      while (performance.now() < until || cpuMs() < 300) {
        // busy
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stalled = await scrape();
      expect(stalled('nodejs_eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(0.25);
      expect(stalled('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0.25);
      expect(stalled('nodejs_eventloop_lag_p50_seconds')).toBeLessThan(0.25);
      expect(stalled('process_cpu_seconds_total')).toBeGreaterThan(
        first('process_cpu_seconds_total') + 0.2,
      );

      // The stall is of the previous window: the next scrape starts again.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const after = await scrape();
      expect(after('nodejs_eventloop_lag_max_seconds')).toBeLessThan(0.25);
      expect(Number.isFinite(after('nodejs_eventloop_lag_p99_seconds'))).toBe(true);
    } finally {
      await t.close();
    }
  });
});

describe('the metrics token', () => {
  it('when METRICS_TOKEN is set, /metrics takes only that bearer token', async () => {
    const secret = 'metrics-token-0123456789';
    const t = await startServer({ METRICS_TOKEN: secret });
    try {
      const read = (token?: string) =>
        fetch(`${t.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      for (const token of [undefined, 'wrong-token-0123456789', 'sa_admin_not_this']) {
        const refused = await read(token);
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="support-agent"');
        const body = (await refused.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('unauthorized');
        expect(body.error.message).toContain('METRICS_TOKEN');
      }
      const allowed = await read(secret);
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('support_agent_tool_breaker_state');
    } finally {
      await t.close();
    }
  });
});

describe('logs', () => {
  it('every line written inside a tool call carries requestId and sessionId, set once at the top', async () => {
    const { app, clock, logs } = build();
    await app.correlation.run({ requestId: 'req-42', sessionId: 'sess-7' }, () =>
      clock.run(app.tools.call('flaky', { customer: EMAIL })),
    );
    const inside = logs.lines.filter((l) => l.tool === 'flaky');
    // Two lines per attempt from the tool, and the wrapper's retry warning.
    expect(inside.length).toBeGreaterThanOrEqual(5);
    expect(inside.some((l) => l.msg === 'tool call failed; retrying')).toBe(true);
    for (const line of inside) {
      expect(line).toMatchObject({ requestId: 'req-42', sessionId: 'sess-7' });
    }
  });

  it('an e-mail address and an API key are redacted, in objects and in messages', async () => {
    const { app, clock, logs } = build();
    await clock.run(app.tools.call('flaky', { customer: EMAIL }));
    const all = JSON.stringify(logs.lines);
    expect(all).not.toContain(EMAIL);
    expect(all).not.toContain(API_KEY);
    const lookup = logs.lines.find(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('looking up'),
    );
    expect(lookup).toMatchObject({
      msg: 'looking up [redacted email]',
      customer: { email: '[redacted]' },
      apiKey: '[redacted]',
    });
    expect(
      logs.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('using key'))?.msg,
    ).toBe('using key [redacted key] for the lookup');
  });

  it('a tool that is down is reported when its breaker opens, not again for each call it refuses', async () => {
    const { app, clock, logs } = build({ TOOL_RETRY_ATTEMPTS: '1', TOOL_BREAKER_THRESHOLD: '2' });
    for (let i = 0; i < 12; i++) await clock.run(app.tools.call('broken', {}));
    const warnings = logs.lines.filter((l) => l.tool === 'broken' && l.level === 'warn');
    // The two failures that open it, and the opening itself.
    expect(warnings.map((l) => l.msg).sort()).toEqual([
      'circuit breaker of broken opened',
      'tool call ended with error',
      'tool call ended with error',
    ]);
    expect(app.toolStats.stats('broken')).toMatchObject({ calls: 12, failures: 12 });
  });

  it('lines outside any request carry no ids', async () => {
    const { app, clock, logs } = build();
    await clock.run(app.tools.call('flaky', { customer: 'x' }));
    const line = logs.lines.find((l) => l.tool === 'flaky');
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty('requestId');
  });
});

describe('HTTP basics', () => {
  it('answers /health and /ready, and puts a request id on every response', async () => {
    const { app } = build({ DATA_DIR: tmpdir() });
    const server = await buildServer(app);
    const health = await server.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    expect(health.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const ready = await server.inject({
      method: 'GET',
      url: '/ready',
      headers: { 'x-request-id': 'given-id-1' },
    });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      checks: [
        { name: 'data_dir', ok: true },
        { name: 'disk_space', ok: true },
        { name: 'database', ok: true },
      ],
    });
    expect(ready.headers['x-request-id']).toBe('given-id-1');

    const missing = await server.inject({ method: 'GET', url: '/nope?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: {
        code: 'not_found',
        message: 'No route for GET /nope',
        requestId: missing.headers['x-request-id'],
      },
    });
    await server.close();
  });

  it("logs each request with its session's id, and a client that went away mid-stream", async () => {
    const { app, logs } = build({ DATA_DIR: tmpdir() });
    const server = await buildServer(app);
    await server.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = server.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const created = (await (await fetch(`${base}/v1/sessions`, { method: 'POST' })).json()) as {
        id: string;
        token: string;
      };
      await fetch(`${base}/v1/sessions/${created.id}`, {
        headers: { authorization: `Bearer ${created.token}` },
        signal: AbortSignal.timeout(5_000),
      });
      const read = logs.lines.find((l) => l.msg === 'request' && l.method === 'GET');
      expect(read).toMatchObject({
        url: `/v1/sessions/${created.id}`,
        sessionId: created.id,
        status: 200,
        requestId: expect.any(String),
      });

      // A live feed whose reader goes away: no response line, but this.
      const controller = new AbortController();
      const feed = await fetch(`${base}/v1/sessions/${created.id}/events`, {
        headers: { authorization: `Bearer ${created.token}`, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      await (feed.body as ReadableStream<Uint8Array>).getReader().read();
      controller.abort();
      const deadline = Date.now() + 5_000;
      const aborted = () => logs.lines.find((l) => l.msg === 'request aborted by the client');
      while (aborted() === undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(aborted()).toMatchObject({
        method: 'GET',
        url: `/v1/sessions/${created.id}/events`,
        sessionId: created.id,
        requestId: expect.any(String),
      });
    } finally {
      await server.close();
    }
  });

  it('counts and logs each stream once, when it closes, with its whole life: closed by its client or by the server', async () => {
    const { app, logs } = build({ DATA_DIR: tmpdir() });
    const server = await buildServer(app);
    await server.listen({ host: '127.0.0.1', port: 0 });
    const sockets: WebSocket[] = [];
    try {
      const address = server.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const session = async () =>
        (await (await fetch(`${base}/v1/sessions`, { method: 'POST' })).json()) as {
          id: string;
          token: string;
        };
      const feed = async (s: { id: string; token: string }) => {
        const controller = new AbortController();
        const response = await fetch(`${base}/v1/sessions/${s.id}/events`, {
          headers: { authorization: `Bearer ${s.token}`, accept: 'text/event-stream' },
          signal: controller.signal,
        });
        await (response.body as ReadableStream<Uint8Array>).getReader().read();
        return controller;
      };
      const socket = async (s: { id: string; token: string }) => {
        const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/sessions/${s.id}/ws`, {
          headers: { authorization: `Bearer ${s.token}` },
        });
        sockets.push(ws);
        await new Promise((resolve) => ws.once('open', resolve));
        return ws;
      };
      // Closed by their clients: a stream gets no response of its own then.
      const first = await session();
      const firstFeed = await feed(first);
      const firstSocket = await socket(first);
      await new Promise((resolve) => setTimeout(resolve, 150));
      firstFeed.abort();
      firstSocket.close();
      // Ended by the server: the session ends.
      const second = await session();
      await feed(second);
      await socket(second);
      await fetch(`${base}/v1/sessions/${second.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${second.token}` },
      });

      const count = async (route: string, status: number) => {
        const text = await app.telemetry.renderPrometheus();
        const line = new RegExp(
          `support_agent_http_request_duration_seconds_count\\{method="GET",route="${route}",status="${status}"\\} (\\d+)`,
        ).exec(text);
        return Number(line?.[1] ?? 0);
      };
      const deadline = Date.now() + 5_000;
      while (
        ((await count('/v1/sessions/:id/events', 200)) < 2 ||
          (await count('/v1/sessions/:id/ws', 101)) < 2) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Once each, whoever closed it: nothing more comes later.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await count('/v1/sessions/:id/events', 200)).toBe(2);
      expect(await count('/v1/sessions/:id/ws', 101)).toBe(2);

      for (const s of [first, second]) {
        for (const [path, status] of [
          ['events', 200],
          ['ws', 101],
        ] as const) {
          const lines = logs.lines.filter(
            (l) => l.msg === 'request' && l.url === `/v1/sessions/${s.id}/${path}`,
          );
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatchObject({
            method: 'GET',
            sessionId: s.id,
            status,
            requestId: expect.any(String),
            ms: expect.any(Number),
          });
          // Its whole life, not the moment its response began.
          if (s === first) expect(lines[0]?.ms).toBeGreaterThanOrEqual(140);
        }
      }
    } finally {
      for (const ws of sockets) ws.terminate();
      await server.close();
    }
  });

  it('reports not ready, with the reason, when the data directory is not writable', async () => {
    // A path below a regular file can never be a directory, whoever runs the test.
    const file = join(tmpdir(), `sa-not-a-dir-${process.pid}`);
    writeFileSync(file, 'x');
    const adminKey = 'an-admin-key-0123456789';
    const { app, logs } = build({ DATA_DIR: join(file, 'data'), ADMIN_API_KEY: adminKey });
    const server = await buildServer(app);
    const ready = await server.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    // Anyone sees which check fails; not why, which names paths and hosts.
    expect(ready.json()).toEqual({
      status: 'not_ready',
      checks: [
        { name: 'data_dir', ok: false },
        // Nor can the free space of a folder that is not there be read.
        { name: 'disk_space', ok: false },
        { name: 'database', ok: true },
      ],
    });
    const staff = await server.inject({
      method: 'GET',
      url: '/ready',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(staff.json().checks[0]).toMatchObject({
      name: 'data_dir',
      ok: false,
      detail: expect.stringContaining('is not a writable directory'),
    });
    // Said once in the log, with the reason, however often a balancer asks.
    const notReady = logs.lines.filter((l) => String(l.msg).startsWith('not ready'));
    expect(notReady).toHaveLength(1);
    expect(notReady[0]).toMatchObject({ level: 'warn', msg: 'not ready: data_dir,disk_space' });
    await server.close();
  });
});
