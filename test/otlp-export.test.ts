import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
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
afterEach(async () => {
  await app?.close();
  await new Promise((resolve) => collector?.close(resolve));
});

describe('OTLP export', () => {
  it('sends tool spans and metrics to the collector named by OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const otlp = await startCollector();
    collector = otlp.server;
    const echo = defineTool({
      name: 'echo',
      description: 'echoes',
      input: z.object({ text: z.string() }),
      execute: async ({ text }) => text,
    });
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
    const echo = defineTool({
      name: 'echo',
      description: 'echoes',
      input: z.object({ text: z.string() }),
      execute: async ({ text }) => text,
    });
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

  it('makes no spans at all when nothing could export them', () => {
    app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), { databasePath: ':memory:' });
    expect(app.telemetry.tracingEnabled).toBe(false);
  });
});
