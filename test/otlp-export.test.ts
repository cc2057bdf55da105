import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { captureLogs } from '../src/testing/index.js';
import { defineTool } from '../src/tools/index.js';

interface Received {
  path: string;
  contentType: string | undefined;
  body: string;
}

/** A collector on loopback that accepts OTLP/HTTP posts and keeps them. */
async function startCollector(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body: Buffer.concat(chunks).toString('latin1'),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

let app: App | undefined;
let collector: Server | undefined;

/**
 * A collector on loopback that refuses every export with a 400 (not retried by the exporter: each
 * refused export fails at once) until `accept` is called; it keeps the paths posted to it.
 */
async function startFlakyCollector(): Promise<{ port: number; posts: string[]; accept(): void }> {
  let refusing = true;
  const posts: string[] = [];
  const server = createServer((request, response) => {
    posts.push(request.url ?? '');
    request.resume();
    request.on('end', () => {
      if (refusing) response.writeHead(400, { 'content-type': 'text/plain' }).end('bad data');
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  collector = server;
  const { port } = server.address() as AddressInfo;
  return { port, posts, accept: () => (refusing = false) };
}

/** A tool whose calls make spans to export. */
const echo = defineTool({
  name: 'echo',
  description: 'echoes',
  input: z.object({ text: z.string() }),
  execute: async ({ text }) => text,
});
afterEach(async () => {
  await app?.close();
  await new Promise((resolve) => collector?.close(resolve));
});

describe('OTLP export', () => {
  it('sends tool spans and metrics to the collector named by OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const otlp = await startCollector();
    collector = otlp.server;
    app = createApp(
      loadConfig({ env: { LOG_LEVEL: 'silent', OTEL_EXPORTER_OTLP_ENDPOINT: `${otlp.url}/` } }),
      { tools: [echo], databasePath: ':memory:' },
    );
    expect(app.telemetry.tracingEnabled).toBe(true);
    await app.correlation.run({ requestId: 'otlp-req', sessionId: 'otlp-sess' }, () =>
      app!.tools.call('echo', { text: 'hi' }),
    );
    await app.telemetry.flush();

    const traces = otlp.received.filter((r) => r.path === '/v1/traces');
    const metrics = otlp.received.filter((r) => r.path === '/v1/metrics');
    expect(traces.length).toBeGreaterThan(0);
    expect(metrics.length).toBeGreaterThan(0);
    const traceBody = traces.map((r) => r.body).join('');
    expect(traceBody).toContain('execute_tool echo');
    expect(traceBody).toContain('otlp-sess');
    const metricBody = metrics.map((r) => r.body).join('');
    expect(metricBody).toContain('support_agent.tool.calls');
    expect(metricBody).toContain('support_agent.tool.duration_seconds');
    expect(metricBody).toContain('support_agent.tool.breaker.state');
  });

  it('does not let a collector that never answers hold the app when it closes', async () => {
    // Accepts connections and reads requests, and never answers one.
    const held: ServerResponse[] = [];
    const silent = createServer((_request, response) => held.push(response));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    collector = silent;
    const { port } = silent.address() as AddressInfo;
    const closing = createApp(
      loadConfig({
        env: { LOG_LEVEL: 'silent', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
      }),
      { tools: [echo], databasePath: ':memory:' },
    );
    await closing.tools.call('echo', { text: 'hi' });
    const started = performance.now();
    await closing.close();
    // The exporters' own default would wait 10 s per export; the app gives them 3 s in all.
    expect(performance.now() - started).toBeLessThan(6_000);
    for (const response of held) response.destroy();
    silent.closeAllConnections();
  }, 15_000);

  it('logs once when the collector starts refusing exports, and again when it takes them', async () => {
    const flaky = await startFlakyCollector();
    const { posts, port } = flaky;
    const logs = captureLogs();
    app = createApp(
      loadConfig({
        env: { LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
      }),
      { tools: [echo], databasePath: ':memory:', logDestination: logs.stream },
    );
    const exportLines = () =>
      logs.lines.filter((line) => String(line.msg).includes('OTLP collector'));
    for (let i = 0; i < 3; i++) {
      await app.tools.call('echo', { text: `hi ${i}` });
      await app.telemetry.flush();
    }
    expect(posts.filter((path) => path === '/v1/traces').length).toBeGreaterThanOrEqual(3);
    // Three refused exports of spans (and of metrics): one warning each, not one per export.
    expect(exportLines().map((line) => [line.level, line.signal, line.msg])).toEqual([
      [
        'warn',
        'traces',
        'sending traces to the OTLP collector failed; they are dropped until it answers again',
      ],
      [
        'warn',
        'metrics',
        'sending metrics to the OTLP collector failed; they are dropped until it answers again',
      ],
    ]);

    flaky.accept();
    await app.tools.call('echo', { text: 'again' });
    await app.telemetry.flush();
    expect(
      exportLines()
        .slice(2)
        .map((line) => [line.level, line.signal, line.failures]),
    ).toEqual([
      ['info', 'traces', 3],
      ['info', 'metrics', 3],
    ]);
  });

  it('logs a failing export without the ids of the turn whose span set it off', async () => {
    const flaky = await startFlakyCollector();
    const { port } = flaky;
    const logs = captureLogs();
    // Spans are sent in batches on the span processor's timer, started when a span ends: here
    // inside a turn. Shortened from 5 s, so that the export runs as it would, from that timer.
    process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
    try {
      app = createApp(
        loadConfig({
          env: { LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
        }),
        { tools: [echo], databasePath: ':memory:', logDestination: logs.stream },
      );
    } finally {
      delete process.env.OTEL_BSP_SCHEDULE_DELAY;
    }
    const turn = { requestId: 'turn-request', sessionId: 'turn-session', turnId: 'turn-1' };
    const exportLine = async (msg: string) => {
      const until = Date.now() + 5_000;
      for (;;) {
        const line = logs.lines.find((l) => l.signal === 'traces' && String(l.msg).includes(msg));
        if (line) return line;
        if (Date.now() > until) throw new Error(`no log line "${msg}"`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    await app.correlation.run(turn, () => app!.tools.call('echo', { text: 'hi' }));
    const failing = await exportLine('sending traces to the OTLP collector failed');
    expect(failing).toMatchObject({ level: 'warn', signal: 'traces' });
    for (const id of ['requestId', 'sessionId', 'turnId']) expect(failing).not.toHaveProperty(id);

    // The next batch's timer is started from the one before: still not the turn's.
    flaky.accept();
    await app.correlation.run({ ...turn, turnId: 'turn-2' }, () =>
      app!.tools.call('echo', { text: 'again' }),
    );
    const recovered = await exportLine('works again');
    for (const id of ['requestId', 'sessionId', 'turnId']) expect(recovered).not.toHaveProperty(id);
    expect(JSON.stringify(logs.lines)).not.toContain('turn-request');
  });

  it('makes no spans at all when nothing could export them', () => {
    app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), { databasePath: ':memory:' });
    expect(app.telemetry.tracingEnabled).toBe(false);
  });
});
