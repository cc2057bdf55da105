/**
 * The rate limiter's Redis going away, through real sockets: requests are let through, as before,
 * and the operator is told once when Redis stops answering (again at most every 30 s while it
 * stays down) and once when it answers again, not once per request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import {
  REDIS_DOWN_REPORT_INTERVAL_MS,
  RedisRateLimiter,
  type LimiterOutage,
} from '../src/http/rate-limit.js';
import { connectRedis } from '../src/session/index.js';
import { captureLogs, FakeClock } from '../src/testing/index.js';
import { call, startServer } from './helpers/http.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { closedPort, silentServer, startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

/** A limiter on `redis`, with every report it makes. */
function limiterOn(redis: Redis, clock: FakeClock) {
  const down: LimiterOutage[] = [];
  const back: LimiterOutage[] = [];
  const limiter = new RedisRateLimiter(redis, {
    keyPrefix: `${uniqueName('limits')}:`,
    clock,
    onError: (_error, outage) => down.push(outage),
    onRecovered: (outage) => back.push(outage),
  });
  return { limiter, down, back };
}

describe('the rate limiter without Redis', () => {
  const clients: Redis[] = [];
  const redisAt = (port: number) => {
    const client = connectRedis(`redis://127.0.0.1:${port}`);
    clients.push(client);
    return client;
  };
  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  it('lets requests through and reports a closed port once, then at most every 30 s', async () => {
    const clock = new FakeClock();
    const { limiter, down, back } = limiterOn(redisAt(await closedPort()), clock);
    for (let i = 0; i < 20; i++) {
      expect(await limiter.hit('ip:203.0.113.7', 5, 60_000)).toEqual({
        allowed: true,
        remaining: 5,
        retryAfterMs: 0,
      });
    }
    expect(down).toEqual([{ letThrough: 1, downForMs: 0 }]);

    await clock.advance(REDIS_DOWN_REPORT_INTERVAL_MS - 1);
    await limiter.hit('ip:203.0.113.7', 5, 60_000);
    expect(down).toHaveLength(1);
    await clock.advance(1);
    await limiter.hit('ip:203.0.113.7', 5, 60_000);
    expect(down).toEqual([
      { letThrough: 1, downForMs: 0 },
      { letThrough: 22, downForMs: REDIS_DOWN_REPORT_INTERVAL_MS },
    ]);
    expect(back).toEqual([]);
  });

  it('reports a Redis that takes calls and never answers once, however many wait on it', async () => {
    const silent = await silentServer();
    try {
      const clock = new FakeClock();
      const { limiter, down } = limiterOn(redisAt(silent.port), clock);
      const decisions = await Promise.all(
        Array.from({ length: 10 }, () => limiter.hit('ip:203.0.113.7', 5, 60_000)),
      );
      expect(decisions.every((d) => d.allowed)).toBe(true);
      expect(down).toEqual([{ letThrough: 1, downForMs: 0 }]);
    } finally {
      await silent.close();
    }
  });

  it('writes one warning to the log for a burst of requests while Redis is down', async () => {
    const logs = captureLogs();
    const t = await startServer(
      { REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, LOG_LEVEL: 'warn' },
      { logDestination: logs.stream },
    );
    try {
      // Refused for want of a token, after the limiter counted them: no other part needs Redis.
      for (let i = 0; i < 10; i++) {
        const read = await call(t.url, 'GET', '/v1/sessions/00000000-0000-4000-8000-000000000000');
        expect(read.status).toBe(401);
      }
      const warnings = logs.lines.filter((line) => String(line.msg).startsWith('rate limiter'));
      expect(warnings).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});

describe.runIf(redisUp)('the rate limiter when Redis comes back', () => {
  let proxy: TcpProxy;
  let redis: Redis;

  beforeAll(async () => {
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    redis = connectRedis(`redis://127.0.0.1:${proxy.port}`);
  });
  afterAll(async () => {
    redis.disconnect();
    await proxy.close();
  });

  it('reports the outage once when it begins and once when it ends, and counts again', async () => {
    const clock = new FakeClock();
    const { limiter, down, back } = limiterOn(redis, clock);
    expect((await limiter.hit('ip:203.0.113.7', 2, 60_000)).remaining).toBe(1);

    proxy.cut();
    for (let i = 0; i < 5; i++) {
      expect((await limiter.hit('ip:203.0.113.7', 2, 60_000)).allowed).toBe(true);
    }
    expect(down).toEqual([{ letThrough: 1, downForMs: 0 }]);

    proxy.restore();
    await clock.advance(5_000);
    // The client reconnects by itself within about a second; until then calls still fail.
    await limiter.hit('ip:203.0.113.7', 2, 60_000);
    for (let i = 0; i < 50 && back.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await limiter.hit('ip:203.0.113.7', 2, 60_000);
    }
    expect(back).toEqual([{ letThrough: expect.any(Number), downForMs: 5_000 }]);
    expect(back[0]?.letThrough).toBeGreaterThanOrEqual(5);
    // Limited again (a call sent during the cut may have been counted when the client
    // reconnected and sent it again: counting starts afresh on another key).
    const counted = [];
    for (let i = 0; i < 3; i++)
      counted.push((await limiter.hit('ip:198.51.100.7', 2, 60_000)).allowed);
    expect(counted).toEqual([true, true, false]);
    expect(down).toHaveLength(1);
    expect(back).toHaveLength(1);
  });

  it("logs the server's outage once as a warning and its end once", async () => {
    const target = new URL(REDIS_URL);
    const own = await startTcpProxy(target.hostname, Number(target.port || 6379));
    const logs = captureLogs();
    const t = await startServer(
      { REDIS_URL: `redis://127.0.0.1:${own.port}`, LOG_LEVEL: 'info' },
      { logDestination: logs.stream },
    );
    const anonymousRead = async () => {
      const read = await call(t.url, 'GET', '/v1/sessions/00000000-0000-4000-8000-000000000000');
      expect(read.status).toBe(401);
    };
    const limiterLines = () =>
      logs.lines.filter((line) => String(line.msg).startsWith('rate limiter'));
    try {
      await anonymousRead();
      own.cut();
      for (let i = 0; i < 5; i++) await anonymousRead();
      own.restore();
      for (let i = 0; i < 50 && limiterLines().length < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await anonymousRead();
      }
      const [down, back, ...more] = limiterLines();
      expect(down).toMatchObject({ level: 'warn', letThrough: 1, downForMs: 0 });
      expect(back).toMatchObject({ level: 'info', msg: expect.stringContaining('answers again') });
      expect(Number(back?.letThrough)).toBeGreaterThanOrEqual(5);
      expect(more).toEqual([]);
    } finally {
      await t.close();
      await own.close();
    }
  });
});
