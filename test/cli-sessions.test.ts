// `ask` and `chat` with `--session` on a deployment with Redis: their messages go the way one over
// HTTP does (the session store, its lock, its counters, its live feed), as real CLI processes
// next to a real server sharing its Redis and its database.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { turnResultSchema } from '../src/protocol/api.js';
import { RedisSessionStore } from '../src/session/index.js';
import { call, createSession, openFeed, startServer, type TestServer } from './helpers/http.js';
import { killCliProcesses, startCli } from './helpers/process.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

/** A CLI process; `input` is written to its stdin, which is then closed. */
const run = (args: string[], env: Record<string, string>, input?: string) =>
  startCli(args, env, input === undefined ? undefined : { text: input });
const servers: TestServer[] = [];
afterEach(async () => {
  killCliProcesses();
  for (const server of servers.splice(0)) await server.close();
});

/** A server with Redis sessions and a SQLite file the CLI opens too; `env` is the CLI's. */
async function deployment(): Promise<{ server: TestServer; env: Record<string, string> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sa-cli-sessions-'));
  const env = { REDIS_URL, REDIS_KEY_PREFIX: `${uniqueName('cli_sessions')}:`, DATA_DIR: dataDir };
  const server = await startServer(env, { databasePath: join(dataDir, 'support-agent.db') });
  servers.push(server);
  return { server, env: { ...env, LOG_LEVEL: 'warn' } };
}

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe.runIf(redisUp)('ask and chat with --session, on Redis', () => {
  it('ask refuses an ended session as the API does, and adds nothing to its transcript', async () => {
    const { server, env } = await deployment();
    const { id, token } = await createSession(server.url);
    const first = await call(server.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my password?' },
    });
    expect(first.status).toBe(200);
    expect((await call(server.url, 'DELETE', `/v1/sessions/${id}`, { token })).status).toBe(200);
    const http = await call(server.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'hello' },
    });
    expect(http.status).toBe(409);

    const ask = run(['ask', 'hello', '--session', id], env);
    expect(await ask.exited).toBe(1);
    expect(ask.err().trim()).toBe(http.body.error.message);
    expect(ask.out()).toBe('');
    const transcript = await call(server.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(transcript.body.items).toHaveLength(2);

    const chat = run(['chat', '--session', id], env, 'hello\n/quit\n');
    expect(await chat.exited).toBe(0);
    expect(chat.out()).toContain(http.body.error.message);
    expect(chat.out()).not.toContain('agent>');
    const after = await call(server.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(after.body.items).toHaveLength(2);
  }, 60_000);

  it('ask refuses a session the store does not have, in the words of the API', async () => {
    const { env } = await deployment();
    const ask = run(['ask', 'hello', '--session', randomUUID()], env);
    expect(await ask.exited).toBe(1);
    expect(ask.err().trim()).toBe('This session does not exist or has expired.');
  }, 60_000);

  it("ask's turn reaches the session's live feed and its counters", async () => {
    const { server, env } = await deployment();
    const { id, token } = await createSession(server.url);
    const feed = await openFeed(server.url, id, token);
    try {
      await feed.readUntil('"ready"');
      const ask = run(['ask', 'How do I reset my password?', '--session', id, '--json'], env);
      expect(await ask.exited).toBe(0);
      const body = turnResultSchema.parse(JSON.parse(ask.out()));
      expect(body).toMatchObject({ sessionId: id, messageCount: 1 });
      await feed.readUntil('event: complete');
      expect(feed.text()).toContain('event: customer_message');
      expect(feed.text()).toContain('How do I reset my password?');
    } finally {
      feed.close();
    }
    const summary = await call(server.url, 'GET', `/v1/sessions/${id}`, { token });
    expect(summary.body).toMatchObject({ messageCount: 1, transcriptMessages: 2 });
    expect(summary.body.lastMessageAt).not.toBeNull();

    // A new conversation is a session in the store too: it can be continued, and is counted.
    const fresh = run(['ask', 'How do I reset my password?', '--json'], env);
    expect(await fresh.exited).toBe(0);
    const started = turnResultSchema.parse(JSON.parse(fresh.out()));
    const next = run(['ask', 'thanks', '--session', started.sessionId, '--json'], env);
    expect(await next.exited).toBe(0);
    expect(turnResultSchema.parse(JSON.parse(next.out())).messageCount).toBe(2);
  }, 60_000);

  it("ask waits for the session's lock, and is refused when it stays busy", async () => {
    const { server, env } = await deployment();
    const { id } = await createSession(server.url);
    const store = new RedisSessionStore({ url: REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX });
    const lock = await store.lock(id, 60_000);
    try {
      const ask = run(['ask', 'hello', '--session', id], { ...env, SESSION_LOCK_WAIT_MS: '200' });
      expect(await ask.exited).toBe(1);
      expect(ask.err()).toMatch(/busy|previous message/i);
      expect((await store.get(id))?.messageCount).toBe(0);
    } finally {
      await lock.release();
      await store.close();
    }
  }, 60_000);

  it('ask stops with a clear error when Redis cannot be reached', async () => {
    const { env } = await deployment();
    const down = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [['ask', 'hello'], ['ask', 'hello', '--session', randomUUID()], ['chat']]) {
      const cli = run(
        args,
        { ...env, REDIS_URL: down },
        args[0] === 'chat' ? '/quit\n' : undefined,
      );
      expect(await cli.exited, args.join(' ')).toBe(1);
      expect(cli.err(), args.join(' ')).toContain(`Redis at ${new URL(down).host} is unreachable`);
      expect(cli.out(), args.join(' ')).not.toContain('agent>');
    }
  }, 60_000);
});
