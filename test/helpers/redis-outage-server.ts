// A server whose Redis is reached through a TCP proxy a test can cut, with a fake language model
// whose answer streams for as long as the test needs a turn to run: the set-up of the tests of
// Redis going away during a turn.
import { Redis } from 'ioredis';
import { startFakeOpenAi, type FakeOpenAi } from '../../src/testing/index.js';
import { startServer, type TestServer } from './http.js';
import type { AppOverrides } from '../../src/app.js';
import { REDIS_URL } from './services.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export interface RedisOutageServer {
  server: TestServer;
  proxy: TcpProxy;
  llm: FakeOpenAi;
  /** A connection to Redis itself, not through the proxy. */
  admin: Redis;
  /** Closes all, and deletes the keys under the server's prefix. */
  close(): Promise<void>;
}

/**
 * Starts it. `answerRepeats` sentences of answer, 4 characters every 30 ms: 8 stream for about
 * two seconds, 60 for about sixteen.
 */
export async function startRedisOutageServer(options: {
  prefix: string;
  answerRepeats: number;
  env?: Record<string, string>;
  overrides?: AppOverrides;
}): Promise<RedisOutageServer> {
  const target = new URL(REDIS_URL);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
  const llm = await startFakeOpenAi({
    chat: {
      text: 'Open Settings and choose Security. '.repeat(options.answerRepeats),
      chunkSize: 4,
      delayMs: 30,
    },
  });
  const server = await startServer(
    {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_KEY_PREFIX: options.prefix,
      LLM_BASE_URL: llm.url,
      LLM_MODEL: 'fake-model',
      ...options.env,
    },
    options.overrides,
  );
  const admin = new Redis(REDIS_URL);
  return {
    server,
    proxy,
    llm,
    admin,
    async close() {
      await server.close();
      await proxy.close();
      await llm.close();
      const keys = await admin.keys(`${options.prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
    },
  };
}
