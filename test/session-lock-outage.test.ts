/**
 * A turn's session lock while Redis blinks: the lock is kept alive for as long as the turn runs,
 * so that a second message (another tab, another instance) waits for the first turn instead of
 * running beside it once Redis is back.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createSession, type TestServer } from './helpers/http.js';
import { startRedisOutageServer, type RedisOutageServer } from './helpers/redis-outage-server.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import type { TcpProxy } from './helpers/tcp-proxy.js';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(redisUp)('a session lock while Redis goes away during a turn', () => {
  const prefix = `${uniqueName('lock_outage')}:`;
  let outage: RedisOutageServer;
  let proxy: TcpProxy;
  let t: TestServer;
  let admin: Redis;

  beforeAll(async () => {
    // About 16 s of answer: longer than the session lock's 10 s time to live.
    outage = await startRedisOutageServer({
      prefix,
      answerRepeats: 60,
      env: { SESSION_LOCK_WAIT_MS: '100' },
    });
    ({ proxy, server: t, admin } = outage);
  });
  afterAll(() => outage.close(), 30_000);

  it('keeps the lock of a running turn once Redis is back, so a second message is refused as busy', async () => {
    const { id, token } = await createSession(t.url);
    const lockKey = `${prefix}session:{${id}}:lock`;
    const first = call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my password?' },
    });
    let finished = false;
    void first.then(() => (finished = true));
    const until = Date.now() + 5_000;
    while ((await admin.exists(lockKey)) === 0) {
      if (Date.now() > until) throw new Error('the turn never took the session lock');
      await sleep(10);
    }
    const lockedAt = Date.now();

    // Gone across the first extension of the lock (a third of its life in), back soon after.
    await sleep(2_500 - (Date.now() - lockedAt));
    proxy.cut();
    await sleep(4_200 - (Date.now() - lockedAt));
    proxy.restore();

    // Past the lock's first time to live, the turn still runs: its lock must still be held.
    await sleep(11_000 - (Date.now() - lockedAt));
    expect(finished).toBe(false);
    expect(await admin.pttl(lockKey)).toBeGreaterThan(0);
    const second = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'What is your refund policy?' },
    });
    expect(second.status).toBe(503);
    expect(second.body.error.code).toBe('rejected');

    const answered = await first;
    expect(answered.status).toBe(200);
    expect(answered.body.messageCount).toBe(1);
  }, 45_000);
});
