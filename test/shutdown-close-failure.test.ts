/**
 * SIGTERM to a real `support-agent serve` process whose database stopped answering (a network
 * that drops its packets): its pool cannot close. The process still stops, within a bound: the
 * spans of its last requests reach the collector, one line says what did not close, and the exit
 * code is not 0; no unhandled rejection, no stack.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { bearer, createSession } from './helpers/http.js';
import { startServe, type ServeProcess } from './helpers/process.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

let collector: Server | undefined;
let server: ServeProcess | undefined;
let proxy: TcpProxy | undefined;
const schema = uniqueName('close_failure');

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (server?.child.exitCode === null) server.child.kill('SIGKILL');
  proxy?.restore();
  await proxy?.close();
  await new Promise((resolve) => collector?.close(resolve));
  if (await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432)) {
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
});

describe.runIf(await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432))(
  'SIGTERM while the database pool cannot close',
  () => {
    it('still stops: telemetry is flushed, one line names the database, and the exit code is 1', async () => {
      await admin(`CREATE SCHEMA ${schema}`);
      const traces: string[] = [];
      collector = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (c: Buffer) => chunks.push(c));
        request.on('end', () => {
          if (request.url === '/v1/traces') traces.push(Buffer.concat(chunks).toString('latin1'));
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((resolve) => collector?.listen(0, '127.0.0.1', resolve));
      const { port } = collector.address() as AddressInfo;
      const target = new URL(POSTGRES_URL);
      proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      const url = new URL(POSTGRES_URL);
      url.host = `127.0.0.1:${proxy.port}`;
      url.searchParams.set('options', `-c search_path=${schema}`);
      server = await startServe({
        DATABASE_URL: url.toString(),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        ADMIN_API_KEY: 'close-failure-admin-key',
        SHUTDOWN_GRACE_MS: '500',
      });
      const session = await createSession(server.url);
      const history = await fetch(`${server.url}/v1/sessions/${session.id}/messages`, {
        headers: bearer(session.token),
      });
      expect(history.status).toBe(200);

      // A read in flight when the database goes silent holds its connection: the pool cannot
      // end until the statement's own time limit, a minute away.
      proxy.freeze();
      const stuck = fetch(`${server.url}/v1/sessions/${session.id}/messages`, {
        headers: bearer(session.token),
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const signalled = Date.now();
      server.child.kill('SIGTERM');
      const code = await Promise.race([
        server.exited,
        new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 20_000)),
      ]);
      expect(code).toBe(1);
      expect(Date.now() - signalled).toBeLessThan(15_000);
      await stuck;

      const lines = server
        .out()
        .split('\n')
        .filter((line) => line.includes('could not close'));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] as string)).toMatchObject({
        level: 'error',
        msg: 'could not close the database (it did not close within 5 s); stopping without it',
        failed: [{ part: 'database', reason: 'it did not close within 5 s' }],
      });
      expect(server.out()).toContain('"msg":"stopped"');
      // Not a crash: nothing on stderr, no stack anywhere.
      expect(server.err()).toBe('');
      expect(server.out()).not.toMatch(/\n\s+at |Unhandled|unhandled/);
      // The spans of the last request were sent all the same.
      expect(traces.join('')).toContain('GET /v1/sessions/:id/messages');
    }, 40_000);
  },
);
