/**
 * A session update whose reply Redis sent but the connection lost: the client sends the same
 * compare-and-set again once it reconnects, and the update must count once, not twice (the
 * write was done; the second send finds the version moved on, and a store that took that for
 * another writer's update would apply its change again).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore, type Session } from '../src/session/index.js';
import { UPDATE } from '../src/session/redis-scripts.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

describe.runIf(redisUp)('a session update whose reply is lost', () => {
  let proxy: TcpProxy;
  let store: RedisSessionStore;

  beforeAll(async () => {
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    store = new RedisSessionStore({
      url: `redis://127.0.0.1:${proxy.port}`,
      keyPrefix: `${uniqueName('lost_reply')}:`,
      ttlMs: 60_000,
    });
  });
  afterAll(async () => {
    await store.close();
    await proxy.close();
  });

  it('is applied once', async () => {
    const session = await store.create({
      tokenHash: 'a'.repeat(64),
      status: 'active',
      messageCount: 0,
      lastMessageAt: null,
      metadata: {},
    });
    const count = (s: Session) => ({ ...s, messageCount: s.messageCount + 1 });
    // The script is known to Redis by its SHA once it has run: the update is sent by it.
    await store.update(session.id, count);
    proxy.loseReplyTo(UPDATE.sha);
    const updated = await store.update(session.id, count).catch((error: unknown) => error);
    const after = await store.get(session.id);
    expect(after?.messageCount).toBe(2);
    expect(after?.version).toBe(session.version + 2);
    // Done, and said to be done.
    expect(updated).toMatchObject({ messageCount: 2 });
  });
});
