/**
 * An instance that started while Redis was down (a rolling restart during a Redis failover) must
 * take breaker resets asked on the other instances once Redis is back, not only report to it:
 * otherwise the reset names it `unconfirmed` for ever, and its breaker stays open.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, call, startServer, type TestServer } from './helpers/http.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);
const admin = { headers: bearer(ADMIN_KEY) };

async function until<T>(ask: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await ask();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.runIf(redisUp)(
  'breaker resets reach an instance that started while Redis was down',
  () => {
    const prefix = `${uniqueName('opstoolhealth')}:`;
    let a: TestServer | undefined;
    let b: TestServer | undefined;
    let proxy: TcpProxy | undefined;

    afterAll(async () => {
      await a?.close();
      await b?.close();
      await proxy?.close();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    it('confirms a reset asked on another instance once Redis answers', async () => {
      const { hostname, port } = new URL(REDIS_URL);
      proxy = await startTcpProxy(hostname, Number(port || 6379));
      proxy.cut();
      const env = { REDIS_KEY_PREFIX: prefix, TOOL_BREAKER_THRESHOLD: '1' };
      a = await startServer({ ...env, REDIS_URL });
      b = await startServer({ ...env, REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
      a.app.start();
      b.app.start();
      // Let b's first attempts fail while Redis is away.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      proxy.restore();

      const idB = (await call(b.url, 'GET', '/v1/admin/tools', admin)).body.instance as string;
      // b reports again within 5 s: a sees it live.
      const seen = await until(
        () => call(a!.url, 'GET', '/v1/admin/tools', admin),
        (response) =>
          (response.body.instances as Array<{ instance: string }>).some((i) => i.instance === idB),
      );
      expect(seen.body.instances.map((i: { instance: string }) => i.instance)).toContain(idB);

      // Open b's breaker: its search fails once.
      (b.app.knowledge as unknown as { searchLexical: () => Promise<never> }).searchLexical = () =>
        Promise.reject(new Error('disk I/O error'));
      await b.app.turns.start({ sessionId: uniqueName('s'), text: 'How do I reset my password?' })
        .result;
      expect(b.app.tools.breaker('kb_search').state).toBe('open');

      const reset = await call(a.url, 'POST', '/v1/admin/tools/kb_search/reset', admin);
      expect(reset.status).toBe(200);
      expect(reset.body.unconfirmed).toEqual([]);
      expect(b.app.tools.breaker('kb_search').state).toBe('closed');
    }, 40_000);
  },
);
