/**
 * Redis that answers but cannot serve for now: a replica after a failover (READONLY), its memory
 * limit reached (OOM). A customer is told the service is unavailable for a moment (503 with
 * `Retry-After`), as when Redis is away, not that something is broken (500); the service goes
 * on once Redis can serve again. A private Redis is started for it, on a port of its own: the
 * shared one is not turned into a replica under other tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from './helpers/http.js';
import { REDIS_URL, serviceAvailable } from './helpers/services.js';

// The shared Redis stands for "Redis is installed here": the private one is the same program.
const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

/** A port free now on 127.0.0.1. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe.runIf(redisUp)('Redis that answers but cannot serve for now', () => {
  let redis: ChildProcess;
  let admin: Redis;
  let t: TestServer;

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
    // Refused until the server listens: tried again below.
    admin.on('error', () => {});
    const until = Date.now() + 10_000;
    for (;;) {
      try {
        await admin.connect();
        await admin.ping();
        break;
      } catch (error) {
        if (Date.now() > until) throw error;
        admin.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    t = await startServer({ REDIS_URL: `redis://127.0.0.1:${port}` });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    admin?.disconnect();
    redis?.kill();
  });

  /** Starting a session, which writes it to Redis: 503 with the error shape and a retry time. */
  const expectUnavailable = async () => {
    const started = await call(t.url, 'POST', '/v1/sessions');
    expect(started.status).toBe(503);
    expect(started.body.error.code).toBe('upstream_unavailable');
    expect(started.body.error.message).toMatch(/try again in a moment/);
    // Neither Redis's words nor its address reach a customer.
    expect(JSON.stringify(started.body)).not.toMatch(/READONLY|OOM|replica|maxmemory|127\.0\.0\.1/);
    expect(Number(started.headers.get('retry-after'))).toBeGreaterThan(0);
  };

  it('a replica (READONLY, as after a failover): 503, then sessions again once it is primary', async () => {
    const before = await call(t.url, 'POST', '/v1/sessions');
    expect(before.status).toBe(201);
    // A replica of a primary that is not there: it refuses writes.
    const gone = await freePort();
    await admin.replicaof('127.0.0.1', gone);
    try {
      await expectUnavailable();
      // Reading a session keeps it alive, a write: refused the same way.
      const read = await call(t.url, 'GET', `/v1/sessions/${before.body.id}`, {
        token: before.body.token,
      });
      expect(read.status).toBe(503);
      expect(read.body.error.code).toBe('upstream_unavailable');
    } finally {
      await admin.replicaof('NO', 'ONE');
    }
    expect((await call(t.url, 'POST', '/v1/sessions')).status).toBe(201);
  });

  it('out of memory (OOM): 503, then sessions again once memory is free', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    try {
      await expectUnavailable();
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
    expect((await call(t.url, 'POST', '/v1/sessions')).status).toBe(201);
  });
});
