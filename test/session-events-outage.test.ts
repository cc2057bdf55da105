/**
 * Session events while Redis goes away: a stream that closes while Redis is away leaves no
 * subscription behind once Redis is back, so an instance follows only the sessions it serves;
 * a turn that streams its answer meanwhile says once that its events cannot be published, not
 * once for every piece of text.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionEvents } from '../src/session/session-events.js';
import { connectRedis } from '../src/session/redis-connection.js';
import { captureLogs } from '../src/testing/index.js';
import {
  createSession,
  openFeed,
  readUntil,
  sendStreaming,
  type Feed,
  type TestServer,
} from './helpers/http.js';
import { waitFor } from './helpers/process.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { startRedisOutageServer, type RedisOutageServer } from './helpers/redis-outage-server.js';
import type { TcpProxy } from './helpers/tcp-proxy.js';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

describe.runIf(redisUp)('session events while Redis goes away', () => {
  const prefix = `${uniqueName('events_outage')}:`;
  let outage: RedisOutageServer;
  let proxy: TcpProxy;
  let t: TestServer;
  let admin: Redis;
  const logs = captureLogs();

  beforeAll(async () => {
    // About two seconds of answer, in some 70 pieces of text.
    outage = await startRedisOutageServer({
      prefix,
      answerRepeats: 8,
      env: { LOG_LEVEL: 'warn' },
      overrides: { logDestination: logs.stream },
    });
    ({ proxy, server: t, admin } = outage);
  });
  afterAll(() => outage.close());

  const followed = async () => (await admin.pubsub('CHANNELS', `${prefix}events:*`)).sort();

  it('drops the subscription of a stream that closed while Redis was away, once it is back', async () => {
    const gone = await createSession(t.url);
    const kept = await createSession(t.url);
    const feed = await openFeed(t.url, gone.id, gone.token);
    await feed.readUntil('ready');
    expect(await followed()).toEqual([`${prefix}events:${gone.id}`]);

    proxy.cut();
    // Closed once the instance knows Redis is gone, not while the cut is still on its way.
    await new Promise((resolve) => setTimeout(resolve, 300));
    feed.close();
    await waitFor(() => t.app.sessionEvents.followers === 0, 'the feed to stop following');
    proxy.restore();

    // A feed opened once Redis is back subscribes on the same connection, after it reconnected.
    let open: Feed | undefined;
    for (let i = 0; open === undefined; i++) {
      try {
        open = await openFeed(t.url, kept.id, kept.token);
      } catch (error) {
        if (i >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    try {
      await open.readUntil('ready');
      expect(await followed()).toEqual([`${prefix}events:${kept.id}`]);
    } finally {
      open.close();
    }
  }, 30_000);

  it('says once, not once per piece of text, that a turn could not publish its events', async () => {
    const { id, token } = await createSession(t.url);
    const response = await sendStreaming(t.url, id, token, 'How do I reset my password?');
    expect(response.status).toBe(200);
    // The turn streams its answer: its message is stored and its session read, under its lock.
    await readUntil(response, 'event: text');
    const warned = () =>
      logs.lines.filter((line) => String(line.msg).startsWith('session events:')).length;
    const before = warned();
    proxy.cut();
    try {
      // The answer streams on to its end while Redis is away.
      await readUntil(response, 'event: complete');
    } finally {
      proxy.restore();
    }
    // Once for the publishing (it was once per piece of text, some 70); the stream's own
    // leaving of the session's channel may fail too, once, as the outage goes on.
    const told = warned() - before;
    expect(told).toBeGreaterThanOrEqual(1);
    expect(told).toBeLessThanOrEqual(2);
  }, 30_000);

  it('refuses to follow a session while Redis is away as unavailable (503), not as an error of its own', async () => {
    const id = randomUUID();
    const events = new RedisSessionEvents(
      connectRedis(`redis://127.0.0.1:${proxy.port}`),
      connectRedis(`redis://127.0.0.1:${proxy.port}`),
      { keyPrefix: prefix },
    );
    proxy.cut();
    try {
      const refused = await events.subscribe(id, () => undefined).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      expect(events.followers).toBe(0);
    } finally {
      proxy.restore();
      await events.close();
    }
  });
});
