import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSessionStore,
  MemorySessionStore,
  RedisSessionStore,
  type SessionData,
} from '../src/session/index.js';
import { FakeClock } from '../src/testing/index.js';
import { sessionStoreContract } from './contracts/session-store.contract.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';

const data = (overrides: Partial<SessionData> = {}): SessionData => ({
  tokenHash: 'c'.repeat(64),
  status: 'active',
  messageCount: 0,
  lastMessageAt: null,
  metadata: {},
  ...overrides,
});

let clock = new FakeClock();
sessionStoreContract(
  'in memory',
  async ({ ttlMs }) => {
    clock = new FakeClock();
    return new MemorySessionStore({ ttlMs, clock });
  },
  (ms) => clock.advance(ms),
);

describe('MemorySessionStore', () => {
  it('evicts the least recently used session when full', async () => {
    const store = new MemorySessionStore({ maxSessions: 3, clock: new FakeClock() });
    const a = await store.create(data());
    const b = await store.create(data());
    const c = await store.create(data());
    await store.get(a.id);
    const d = await store.create(data());
    expect(store.size).toBe(3);
    expect(await store.get(b.id)).toBeNull();
    for (const { id } of [a, c, d]) expect(await store.get(id)).not.toBeNull();
    await store.touch(c.id);
    await store.create(data());
    expect(await store.get(a.id)).toBeNull();
    expect(await store.get(c.id)).not.toBeNull();
  });

  it('is what createSessionStore gives without a Redis URL', () => {
    expect(createSessionStore({})).toBeInstanceOf(MemorySessionStore);
  });
});

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

describe.runIf(redisUp)('on Redis', () => {
  const keyPrefix = `${uniqueName('session_store_test')}:`;
  const admin = redisUp ? new Redis(REDIS_URL) : undefined;
  const redis = () => admin as Redis;
  const keys = () => redis().keys(`${keyPrefix}*`);

  afterAll(async () => {
    const left = await keys();
    if (left.length > 0) await redis().del(...left);
    await redis().quit();
  });

  sessionStoreContract(
    'Redis',
    async ({ ttlMs }) => new RedisSessionStore({ url: REDIS_URL, keyPrefix, ttlMs }),
    (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  );

  it('keeps every key under its prefix, with a time to live', async () => {
    const prefix = `${uniqueName('session_store_ttl')}:`;
    const store = new RedisSessionStore({ url: REDIS_URL, keyPrefix: prefix, ttlMs: 60_000 });
    try {
      const { id } = await store.create(data());
      const lock = await store.lock(id, 5_000);
      const written = await redis().keys(`${prefix}*`);
      expect(written).toHaveLength(3);
      for (const key of written) {
        expect(await redis().pttl(key)).toBeGreaterThan(0);
      }
      await lock.release();
      await store.delete(id);
    } finally {
      await store.close();
      const left = await redis().keys(`${prefix}*`);
      if (left.length > 0) await redis().del(...left);
    }
  });

  it('is what createSessionStore gives with a Redis URL', async () => {
    const store = createSessionStore({ redisUrl: REDIS_URL, keyPrefix });
    expect(store).toBeInstanceOf(RedisSessionStore);
    await store.close();
  });

  describe('encryption at rest', () => {
    const key = randomBytes(32);
    const secret = 'order 4417 for jane.doe@example.com';
    const tokenHash = 'f00d'.repeat(16);
    const open = (encryptionKey?: Buffer) =>
      new RedisSessionStore({ url: REDIS_URL, keyPrefix, ttlMs: 60_000, encryptionKey });

    it('stores no plaintext; another instance with the key reads it, none without it can', async () => {
      const writer = open(key);
      const reader = open(Buffer.from(key));
      const wrongKey = open(randomBytes(32));
      const noKey = open();
      try {
        const created = await writer.create(data({ tokenHash, metadata: { note: secret } }));
        const updated = await writer.update(created.id, (s) => ({ ...s, messageCount: 1 }));

        const raw = await redis().hgetall(`${keyPrefix}session:{${created.id}}`);
        const stored = JSON.stringify(raw);
        expect(stored).not.toContain(secret);
        expect(stored).not.toContain(tokenHash);
        expect(stored).not.toContain('jane');

        expect(await reader.get(created.id)).toEqual(updated);
        await expect(wrongKey.get(created.id)).rejects.toMatchObject({
          code: 'internal',
          message: expect.stringMatching(/SESSION_ENCRYPTION_KEY/),
        });
        await expect(noKey.get(created.id)).rejects.toMatchObject({
          code: 'internal',
          message: expect.stringMatching(/encrypted/),
        });
        // A plaintext session must not be accepted by an encrypting store: anyone able to write
        // to Redis could otherwise forge one, token hash included.
        const plain = await noKey.create(data());
        await expect(reader.get(plain.id)).rejects.toMatchObject({ code: 'internal' });
      } finally {
        await Promise.all([writer, reader, wrongKey, noKey].map((store) => store.close()));
      }
    });

    it('refuses a payload copied under another session or altered', async () => {
      const store = open(key);
      try {
        const victim = await store.create(data({ metadata: { owner: 'victim' } }));
        const attacker = await store.create(data({ metadata: { owner: 'attacker' } }));
        const payload = await redis().hget(`${keyPrefix}session:{${attacker.id}}`, 'd');
        await redis().hset(`${keyPrefix}session:{${victim.id}}`, 'd', payload as string);
        await expect(store.get(victim.id)).rejects.toMatchObject({ code: 'internal' });

        const bytes = Buffer.from((payload as string).slice(3), 'base64');
        bytes[20] = (bytes[20] ?? 0) ^ 1;
        const tampered = `e1:${bytes.toString('base64')}`;
        await redis().hset(`${keyPrefix}session:{${attacker.id}}`, 'd', tampered);
        await expect(store.get(attacker.id)).rejects.toMatchObject({ code: 'internal' });
      } finally {
        await store.close();
      }
    });
  });
});

describe('Redis down', () => {
  it('fails fast with a retryable upstream_unavailable instead of hanging', async () => {
    const port = await closedPort();
    const store = new RedisSessionStore({ url: `redis://127.0.0.1:${port}`, ttlMs: 60_000 });
    try {
      const started = Date.now();
      await expect(store.ping()).rejects.toMatchObject({
        code: 'upstream_unavailable',
        retryable: true,
      });
      await expect(store.get('any')).rejects.toMatchObject({ code: 'upstream_unavailable' });
      await expect(store.create(data())).rejects.toMatchObject({ code: 'upstream_unavailable' });
      await expect(store.lock('any', 1_000)).rejects.toMatchObject({
        code: 'upstream_unavailable',
      });
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      await store.close();
    }
  });
});

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
