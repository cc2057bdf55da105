/**
 * Tool health behind a load balancer: two instances on one Redis, each with its own breakers.
 * An open breaker on one shows in `GET /v1/admin/tools` on the other, a reset asked on one closes
 * the breaker on both, and every answer names the instance that gave it. Without Redis, the
 * answer says it concerns the answering instance only.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  bearer,
  call,
  startServer,
  type Json,
  type TestServer,
} from './helpers/http.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';
import { captureLogs } from '../src/testing/index.js';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);
const admin = { headers: bearer(ADMIN_KEY) };

/** Asks again until `check` holds: an instance's report reaches Redis a moment after its change. */
async function until<T>(ask: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await ask();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Opens kb_search's breaker on one instance: its search fails, and one failure opens it. */
async function breakSearch(server: TestServer): Promise<void> {
  (server.app.knowledge as unknown as { searchLexical: () => Promise<never> }).searchLexical = () =>
    Promise.reject(new Error('disk I/O error'));
  await server.app.turns.start({ sessionId: uniqueName('s'), text: 'How do I reset my password?' })
    .result;
  expect(server.app.tools.breaker('kb_search').state).toBe('open');
}

const searchOf = (body: Json): Json =>
  (body.items as Json[]).find((item: Json) => item.name === 'kb_search');

describe.runIf(redisUp)('tool health across two instances on one Redis', () => {
  const prefix = `${uniqueName('toolhealth')}:`;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    const env = {
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      TOOL_BREAKER_THRESHOLD: '1',
    };
    a = await startServer(env);
    b = await startServer(env);
    // What `serve` does: each instance reports its health and takes resets.
    a.app.start();
    b.app.start();
  }, 30_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  /** The id an instance gives itself in its answers. */
  const idOf = async (server: TestServer): Promise<string> =>
    (await call(server.url, 'GET', '/v1/admin/tools', admin)).body.instance;

  it('shows an open breaker of one instance on the other', async () => {
    const idA = await idOf(a);
    const idB = await idOf(b);
    expect(typeof idA).toBe('string');
    expect(idA).not.toBe(idB);
    await breakSearch(b);

    const seen = await until(
      () => call(a.url, 'GET', '/v1/admin/tools', admin),
      (response) => (searchOf(response.body)?.notClosedOn ?? []).includes(idB),
    );
    expect(seen.status).toBe(200);
    const search = searchOf(seen.body);
    const onB = (search.instances ?? []).find((x: Json) => x.breaker.state === 'open');
    expect(onB).toMatchObject({ instance: idB, self: false, breaker: { state: 'open' } });
    expect(onB.breaker.lastError).toEqual(expect.any(String));
    expect(onB.stats.failures).toBeGreaterThan(0);
    expect(search.notClosedOn).toEqual([idB]);
    // The answering instance's own fields, as before.
    expect(search.breaker.state).toBe('closed');
    expect(seen.body).toMatchObject({ instance: idA, scope: 'all_instances' });
    expect(seen.body.instances).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ instance: idA, self: true }),
        expect.objectContaining({ instance: idB, self: false }),
      ]),
    );
  });

  it('resets a breaker on every instance when asked on one, and says what each reported', async () => {
    await breakSearch(b);
    const reset = await call(a.url, 'POST', '/v1/admin/tools/kb_search/reset', admin);
    expect(reset.status).toBe(200);
    expect(b.app.tools.breaker('kb_search').state).toBe('closed');

    const idA = await idOf(a);
    const idB = await idOf(b);
    expect(reset.body).toMatchObject({
      name: 'kb_search',
      breaker: { state: 'closed' },
      instance: idA,
      scope: 'all_instances',
      unconfirmed: [],
    });
    expect(reset.body.instances).toEqual(
      expect.arrayContaining([
        { instance: idA, self: true, breaker: expect.objectContaining({ state: 'closed' }) },
        { instance: idB, self: false, breaker: expect.objectContaining({ state: 'closed' }) },
      ]),
    );
    const after = await until(
      () => call(b.url, 'GET', '/v1/admin/tools', admin),
      (response) => searchOf(response.body)?.notClosedOn?.length === 0,
    );
    expect(after.body.instance).toBe(idB);
    expect(searchOf(after.body).notClosedOn).toEqual([]);
  });

  it('no longer lists an instance once it stopped', async () => {
    const third = await startServer({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    third.app.start();
    const idC = await idOf(third);
    const listed = await until(
      () => call(a.url, 'GET', '/v1/admin/tools', admin),
      (response) => (response.body.instances as Json[]).some((x: Json) => x.instance === idC),
    );
    expect((listed.body.instances as Json[]).map((x: Json) => x.instance)).toContain(idC);
    await third.close();
    const after = await call(a.url, 'GET', '/v1/admin/tools', admin);
    expect((after.body.instances as Json[]).map((x: Json) => x.instance)).not.toContain(idC);
  });
});

describe.runIf(redisUp)('tool health while Redis is away', () => {
  const prefix = `${uniqueName('toolhealth-outage')}:`;
  const logs = captureLogs();
  let proxy: TcpProxy;
  let server: TestServer;

  beforeAll(async () => {
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    server = await startServer(
      { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'info' },
      { logDestination: logs.stream },
    );
  });

  afterAll(async () => {
    await server?.close();
    await proxy?.close();
  });

  const lines = (msg: string) => logs.lines.filter((line) => line.msg === msg);
  const list = () => call(server.url, 'GET', '/v1/admin/tools', admin);

  it('says once that other instances cannot be read, and once that they can again', async () => {
    expect((await list()).body.scope).toBe('all_instances');
    for (let outage = 1; outage <= 2; outage++) {
      proxy.cut();
      for (let i = 0; i < 3; i++) {
        const during = await list();
        expect(during.status).toBe(200);
        expect(during.body.scope).toBe('this_instance');
      }
      const failed = lines('tool health: could not read other instances');
      expect(failed).toHaveLength(outage);
      expect(failed.at(-1)).toMatchObject({ level: 'warn', err: expect.anything() });

      proxy.restore();
      const back = await until(list, (response) => response.body.scope === 'all_instances');
      expect(back.body.scope).toBe('all_instances');
      await list();
      const recovered = lines('tool health: reading other instances works again');
      expect(recovered).toHaveLength(outage);
      expect(recovered.at(-1)).toMatchObject({ level: 'info' });
    }
  }, 60_000);
});

describe('tool health without Redis', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ TOOL_BREAKER_THRESHOLD: '1' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('names the instance and says it concerns this instance only', async () => {
    await breakSearch(server);
    const list = await call(server.url, 'GET', '/v1/admin/tools', admin);
    const id = list.body.instance;
    expect(typeof id).toBe('string');
    expect(list.body.scope).toBe('this_instance');
    expect(list.body.detail).toMatch(/REDIS_URL/);
    expect(searchOf(list.body).notClosedOn).toEqual([id]);

    const reset = await call(server.url, 'POST', '/v1/admin/tools/kb_search/reset', admin);
    expect(reset.body).toMatchObject({
      name: 'kb_search',
      breaker: { state: 'closed' },
      instance: id,
      scope: 'this_instance',
      instances: [{ instance: id, self: true, breaker: { state: 'closed' } }],
    });
    expect(reset.body.detail).toMatch(/REDIS_URL/);
  });
});
