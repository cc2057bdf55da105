import { randomBytes } from 'node:crypto';
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
import { closedPort, silentServer } from './helpers/tcp-proxy.js';

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
        // A session this instance cannot read is one it cannot serve: answered as absent, so a
        // customer gets what an unknown session gets, never a server error.
        expect(await wrongKey.get(created.id)).toBeNull();
        expect(await noKey.get(created.id)).toBeNull();
        await expect(wrongKey.update(created.id, (s) => s)).rejects.toMatchObject({
          code: 'not_found',
        });
        // A plaintext session must not be accepted by an encrypting store: anyone able to write
        // to Redis could otherwise forge one, token hash included.
        const plain = await noKey.create(data());
        expect(await reader.get(plain.id)).toBeNull();
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
        expect(await store.get(victim.id)).toBeNull();

        const bytes = Buffer.from((payload as string).slice(3), 'base64');
        bytes[20] = (bytes[20] ?? 0) ^ 1;
        const tampered = `e1:${bytes.toString('base64')}`;
        await redis().hset(`${keyPrefix}session:{${attacker.id}}`, 'd', tampered);
        expect(await store.get(attacker.id)).toBeNull();
      } finally {
        await store.close();
      }
    });

    it('tells of an unreadable session once for each reason', async () => {
      const told: string[] = [];
      const writer = open(key);
      const wrongKey = new RedisSessionStore({
        url: REDIS_URL,
        keyPrefix,
        ttlMs: 60_000,
        encryptionKey: randomBytes(32),
        onUnreadable: (error, reason) => told.push(`${reason}: ${error.message}`),
      });
      try {
        const sessions = await Promise.all([writer.create(data()), writer.create(data())]);
        for (const { id } of [...sessions, ...sessions]) expect(await wrongKey.get(id)).toBeNull();
        expect(told).toEqual([
          expect.stringMatching(/^wrong_key: .*SESSION_ENCRYPTION_KEY is not the key/),
        ]);
      } finally {
        await Promise.all([writer, wrongKey].map((store) => store.close()));
      }
    });

    it('reads sessions written with a previous key, and writes with the current one', async () => {
      const previous = randomBytes(32);
      const next = randomBytes(32);
      const prefix = `${uniqueName('session_key_rotation')}:`;
      const before = new RedisSessionStore({
        url: REDIS_URL,
        keyPrefix: prefix,
        ttlMs: 60_000,
        encryptionKey: previous,
      });
      const after = new RedisSessionStore({
        url: REDIS_URL,
        keyPrefix: prefix,
        ttlMs: 60_000,
        encryptionKey: next,
        previousEncryptionKeys: [previous],
      });
      const nextOnly = new RedisSessionStore({
        url: REDIS_URL,
        keyPrefix: prefix,
        ttlMs: 60_000,
        encryptionKey: next,
      });
      try {
        await before.ping();
        const created = await before.create(data({ metadata: { note: 'kept' } }));
        await after.ping();
        expect((await after.get(created.id))?.metadata).toEqual({ note: 'kept' });
        await after.update(created.id, (s) => ({ ...s, messageCount: 1 }));
        expect((await nextOnly.get(created.id))?.messageCount).toBe(1);
        // The key check is rewritten with the new key: an instance left with the old one fails.
        await expect(nextOnly.ping()).resolves.toBeUndefined();
        await expect(before.ping()).rejects.toMatchObject({ code: 'config_invalid' });
      } finally {
        await Promise.all([before, after, nextOnly].map((store) => store.close()));
        const left = await redis().keys(`${prefix}*`);
        if (left.length > 0) await redis().del(...left);
      }
    });
  });

  describe('the session key check', () => {
    it('fails ping for an instance with another key or none, never stores the key', async () => {
      const prefix = `${uniqueName('session_key_check')}:`;
      const key = randomBytes(32);
      const make = (encryptionKey?: Buffer) =>
        new RedisSessionStore({ url: REDIS_URL, keyPrefix: prefix, ttlMs: 60_000, encryptionKey });
      const first = make(key);
      const same = make(Buffer.from(key));
      const other = make(randomBytes(32));
      const none = make();
      try {
        await expect(first.ping()).resolves.toBeUndefined();
        const record = await redis().get(`${prefix}session-key-check`);
        expect(record).toMatch(/^e1:/);
        expect(record).not.toContain(key.toString('hex'));
        expect(record).not.toContain(key.toString('base64'));
        expect(await redis().pttl(`${prefix}session-key-check`)).toBeGreaterThan(0);
        await expect(same.ping()).resolves.toBeUndefined();
        await expect(other.ping()).rejects.toMatchObject({
          code: 'config_invalid',
          message: expect.stringMatching(
            /^sessions in Redis are encrypted with another key than this SESSION_ENCRYPTION_KEY: this instance cannot read them/,
          ),
        });
        await expect(none.ping()).rejects.toMatchObject({
          code: 'config_invalid',
          message: expect.stringMatching(/SESSION_ENCRYPTION_KEY is not set here/),
        });
        // The mismatched instances changed nothing: the first still passes.
        await expect(first.ping()).resolves.toBeUndefined();
      } finally {
        await Promise.all([first, same, other, none].map((store) => store.close()));
        const left = await redis().keys(`${prefix}*`);
        if (left.length > 0) await redis().del(...left);
      }
    });

    it('lets encryption be turned on: the unencrypted record gives way to the key', async () => {
      const prefix = `${uniqueName('session_key_on')}:`;
      const plain = new RedisSessionStore({ url: REDIS_URL, keyPrefix: prefix, ttlMs: 60_000 });
      const keyed = new RedisSessionStore({
        url: REDIS_URL,
        keyPrefix: prefix,
        ttlMs: 60_000,
        encryptionKey: randomBytes(32),
      });
      try {
        await expect(plain.ping()).resolves.toBeUndefined();
        await expect(keyed.ping()).resolves.toBeUndefined();
        await expect(plain.ping()).rejects.toMatchObject({ code: 'config_invalid' });
      } finally {
        await Promise.all([plain, keyed].map((store) => store.close()));
        const left = await redis().keys(`${prefix}*`);
        if (left.length > 0) await redis().del(...left);
      }
    });
  });
});

describe('Redis down', () => {
  const addresses: Array<[string, () => Promise<{ port: number; close(): Promise<void> }>]> = [
    [
      'nothing listens on its port',
      async () => ({ port: await closedPort(), close: async () => {} }),
    ],
    ['it takes connections and never answers', silentServer],
  ];
  for (const [what, start] of addresses) {
    it(`fails fast with a retryable upstream_unavailable when ${what}`, async () => {
      const server = await start();
      const store = new RedisSessionStore({
        url: `redis://127.0.0.1:${server.port}`,
        ttlMs: 60_000,
      });
      try {
        let started = Date.now();
        await expect(store.ping()).rejects.toMatchObject({
          code: 'upstream_unavailable',
          retryable: true,
        });
        // The first call learns that Redis is down, within about a second.
        expect(Date.now() - started).toBeLessThan(2_500);
        // Known down: each call after it fails at once, not after a timeout of its own.
        const calls = [
          () => store.get('any'),
          () => store.create(data()),
          () => store.lock('any', 1_000),
          () => store.update('any', (s) => s),
          () => store.ping(),
        ];
        for (const call of calls) {
          started = Date.now();
          await expect(call()).rejects.toMatchObject({ code: 'upstream_unavailable' });
          expect(Date.now() - started).toBeLessThan(300);
        }
      } finally {
        await store.close();
        await server.close();
      }
    });
  }
});
