// Session settings a deployment can get wrong: a Redis database number Redis does not have, and
// an instance given another SESSION_ENCRYPTION_KEY than the others.
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRedisDatabase, connectRedis } from '../src/session/index.js';
import { captureLogs } from '../src/testing/log-capture.js';
import { call, createSession, startServer, type TestServer } from './helpers/http.js';
import { killCliProcesses, startCli } from './helpers/process.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

/** A CLI process on a port of the system's choosing. */
const run = (args: string[], env: Record<string, string>) => startCli(args, { PORT: '0', ...env });
const servers: TestServer[] = [];
afterEach(async () => {
  killCliProcesses();
  for (const server of servers.splice(0)) await server.close();
});

/** `REDIS_URL` with its database number replaced. */
function withDatabase(database: number): string {
  const url = new URL(REDIS_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

describe.runIf(redisUp)('a Redis database number Redis does not have', () => {
  // No Redis has a database 100 000 (the default is 16, and a few hundred is already unusual).
  const missing = withDatabase(100_000);

  it('is refused where Redis is connected, and nothing reaches database 0', async () => {
    const key = `${uniqueName('select_refused')}`;
    const client = connectRedis(missing);
    const plain = new Redis(REDIS_URL);
    try {
      await expect(client.set(key, 'x', 'PX', 60_000)).rejects.toMatchObject({
        code: 'config_invalid',
        message: expect.stringContaining('REDIS_URL selects database 100000'),
      });
      await expect(client.get(key)).rejects.toMatchObject({ code: 'config_invalid' });
      expect(await plain.get(key)).toBeNull();
      await expect(checkRedisDatabase(missing)).rejects.toMatchObject({
        code: 'config_invalid',
        message: expect.stringMatching(/database 100000, which this Redis refuses \(ERR .*\)/),
      });
      // A database it has is taken, and the default one too.
      await expect(checkRedisDatabase(withDatabase(3))).resolves.toBeUndefined();
      await expect(checkRedisDatabase(REDIS_URL)).resolves.toBeUndefined();
    } finally {
      client.disconnect();
      plain.disconnect();
    }
  });

  it('stops serve as an invalid setting does, and fails doctor saying why', async () => {
    const env = { REDIS_URL: missing, REDIS_KEY_PREFIX: `${uniqueName('select_serve')}:` };
    const serve = run(['serve'], env);
    // Exits, rather than listening: without the check it would serve from database 0.
    const listening = new Promise<string>((resolve) => {
      const poll = setInterval(() => {
        if (!serve.out().includes('listening on')) return;
        clearInterval(poll);
        resolve('listening');
      }, 50);
      void serve.exited.then(() => clearInterval(poll));
    });
    expect(await Promise.race([serve.exited, listening])).toBe(2);
    expect(serve.err()).toContain('Invalid configuration');
    expect(serve.err()).toContain('REDIS_URL selects database 100000, which this Redis refuses');
    expect(serve.out()).not.toContain('listening on');

    const doctor = run(['doctor'], env);
    expect(await doctor.exited).not.toBe(0);
    expect(doctor.out()).toMatch(
      /FAIL\s+sessions\s+\S+\s+REDIS_URL selects database 100000, which this Redis refuses/,
    );

    const ask = run(['ask', 'hello'], env);
    expect(await ask.exited).toBe(2);
    expect(ask.err()).toContain('REDIS_URL selects database 100000');
  }, 60_000);
});

describe.runIf(redisUp)('an instance with another SESSION_ENCRYPTION_KEY', () => {
  it('refuses session requests with 503 while its key check fails, and logs why', async () => {
    const prefix = `${uniqueName('wrong_key')}:`;
    const key = randomBytes(32).toString('hex');
    const wrong = randomBytes(32).toString('hex');
    const right = await startServer({
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      SESSION_ENCRYPTION_KEY: key,
    });
    servers.push(right);
    const { id, token } = await createSession(right.url);

    const logs = captureLogs();
    const other = await startServer(
      { REDIS_URL, REDIS_KEY_PREFIX: prefix, SESSION_ENCRYPTION_KEY: wrong, LOG_LEVEL: 'info' },
      { logDestination: logs.stream },
    );
    servers.push(other);
    const refusals = [
      await call(other.url, 'POST', '/v1/sessions'),
      await call(other.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text: 'How do I reset my password?' },
      }),
      await call(other.url, 'GET', `/v1/sessions/${id}`, { token }),
      await call(other.url, 'GET', `/v1/sessions/${id}/messages`, { token }),
      await call(other.url, 'GET', `/v1/sessions/${randomUUID()}`, { token }),
    ];
    for (const refused of refusals) {
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatchObject({
        code: 'upstream_unavailable',
        message: expect.stringMatching(/misconfigured/),
      });
      expect(JSON.stringify(refused.body)).not.toMatch(/SESSION_ENCRYPTION_KEY|key/i);
    }
    // Nothing was made or counted in Redis by it.
    expect((await right.app.sessions.get(id))?.messageCount).toBe(0);
    expect((await call(other.url, 'GET', '/ready')).status).toBe(503);
    const why = logs.lines.filter((line) => String(line.msg).includes('session key check fails'));
    expect(why).toHaveLength(1);
    expect(String(why[0]?.msg)).toContain(
      'sessions in Redis are encrypted with another key than this SESSION_ENCRYPTION_KEY',
    );
    expect(JSON.stringify(logs.lines)).not.toContain(wrong);

    // The instances with the right key go on serving.
    expect((await call(right.url, 'POST', '/v1/sessions')).status).toBe(201);
    const sent = await call(right.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my password?' },
    });
    expect(sent.status).toBe(200);
  }, 60_000);
});
