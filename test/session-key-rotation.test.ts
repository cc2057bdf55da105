/**
 * Changing SESSION_ENCRYPTION_KEY without ending open chats: an instance given the new key and
 * the old one in SESSION_ENCRYPTION_KEY_PREVIOUS reads the sessions and live events written
 * with the old key, and writes with the new one. Real Redis, real HTTP.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { TurnEvent } from '../src/protocol/index.js';
import { call, createSession, startServer, type TestServer } from './helpers/http.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';

const up = await serviceAvailable('Redis', REDIS_URL, 6379);

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

describe.runIf(up)('SESSION_ENCRYPTION_KEY_PREVIOUS', () => {
  const keyA = randomBytes(32).toString('hex');
  const keyB = randomBytes(32).toString('hex');

  async function instance(prefix: string, env: Record<string, string>): Promise<TestServer> {
    const server = await startServer({ REDIS_URL, REDIS_KEY_PREFIX: prefix, ...env });
    servers.push(server);
    return server;
  }

  it('reads a session written with the previous key, and rewrites it with the new one', async () => {
    const prefix = `${uniqueName('rotate')}:`;
    const a = await instance(prefix, { SESSION_ENCRYPTION_KEY: keyA });
    const session = await createSession(a.url);
    expect(
      (await call(a.url, 'GET', `/v1/sessions/${session.id}`, { token: session.token })).status,
    ).toBe(200);

    // The new key alone cannot read it: its key check fails, and it serves no session.
    const newOnly = await instance(prefix, { SESSION_ENCRYPTION_KEY: keyB });
    expect(
      (await call(newOnly.url, 'GET', `/v1/sessions/${session.id}`, { token: session.token }))
        .status,
    ).toBe(503);

    const rotated = await instance(prefix, {
      SESSION_ENCRYPTION_KEY: keyB,
      SESSION_ENCRYPTION_KEY_PREVIOUS: keyA,
    });
    const read = await call(rotated.url, 'GET', `/v1/sessions/${session.id}`, {
      token: session.token,
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: session.id, status: 'active' });
    // The key check value was A's: it is found readable, and recorded again with B.
    expect((await call(rotated.url, 'GET', '/ready')).status).toBe(200);

    // A write uses the new key: from then on an instance with only the old key cannot read it,
    // and one with only the new key can.
    await rotated.app.sessions.update(session.id, (current) => ({
      ...current,
      metadata: { rotated: 'yes' },
    }));
    expect(
      (await call(newOnly.url, 'GET', `/v1/sessions/${session.id}`, { token: session.token })).body,
    ).toMatchObject({ metadata: { rotated: 'yes' } });
    // Refused: as a session it cannot read (401) while its last passed key check stands, and as
    // an instance that serves none (503) once it checks again.
    expect([401, 503]).toContain(
      (await call(a.url, 'GET', `/v1/sessions/${session.id}`, { token: session.token })).status,
    );
  });

  it('delivers live events published with the previous key', async () => {
    const prefix = `${uniqueName('rotate_events')}:`;
    const a = await instance(prefix, { SESSION_ENCRYPTION_KEY: keyA });
    const rotated = await instance(prefix, {
      SESSION_ENCRYPTION_KEY: keyB,
      SESSION_ENCRYPTION_KEY_PREVIOUS: keyA,
    });
    const session = await createSession(a.url);
    const received: unknown[] = [];
    const stop = await rotated.app.sessionEvents.subscribe(session.id, (event) =>
      received.push(event),
    );
    try {
      const event = { type: 'text', delta: 'published with the old key' } as const;
      a.app.sessionEvents.publish(session.id, event satisfies Partial<TurnEvent>);
      const until = Date.now() + 5_000;
      while (received.length === 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(received).toEqual([event]);
    } finally {
      stop();
    }
  });
});
