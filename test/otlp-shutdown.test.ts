/**
 * A real `support-agent serve` process sending traces to a collector on loopback: the spans of
 * the last requests, still in the exporter's batch when SIGTERM comes, reach the collector
 * before the process exits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { bearer, createSession } from './helpers/http.js';
import { startServe, type ServeProcess } from './helpers/process.js';

let collector: Server | undefined;
let server: ServeProcess | undefined;
afterAll(async () => {
  if (server?.child.exitCode === null) server.child.kill('SIGKILL');
  await new Promise((resolve) => collector?.close(resolve));
});

describe('SIGTERM with an OTLP collector', () => {
  it('sends the spans still batched before it exits', async () => {
    const posts: Array<{ path: string; body: string }> = [];
    collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        posts.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString('latin1') });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector?.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    server = await startServe({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      ADMIN_API_KEY: 'otlp-shutdown-admin-key',
    });
    const session = await createSession(server.url);
    const answered = await fetch(`${server.url}/v1/sessions/${session.id}/messages`, {
      method: 'POST',
      headers: {
        ...bearer(session.token),
        'content-type': 'application/json',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      },
      body: JSON.stringify({ text: 'How do I reset my password?' }),
    });
    expect(answered.status).toBe(200);
    await answered.json();

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const traces = posts
      .filter((p) => p.path === '/v1/traces')
      .map((p) => p.body)
      .join('');
    expect(traces).toContain('POST /v1/sessions/:id/messages');
    expect(traces).toContain('execute_tool kb_search');
    expect(traces).not.toContain(session.token);
  }, 40_000);
});
