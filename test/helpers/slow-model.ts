import { startFakeOpenAi, type FakeOpenAi } from '../../src/testing/index.js';
import { startServer, type TestServer } from './http.js';

/** A server whose language model takes a while to answer, and the model's fake. */
export interface SlowModelServer {
  server: TestServer;
  llm: FakeOpenAi;
  close(): Promise<void>;
}

/**
 * Starts a server answered by a model that streams `repeats` sentences, 4 characters every
 * `delayMs` (8 and 30 ms: about two seconds), so a test can act while a turn still runs.
 *
 * @example
 * const slow = await startSlowModelServer({ SESSION_LOCK_WAIT_MS: '200' });
 * // … send while slow.server's turn streams …
 * await slow.close();
 */
export async function startSlowModelServer(
  env: Record<string, string> = {},
  options: { repeats?: number; delayMs?: number } = {},
): Promise<SlowModelServer> {
  const llm = await startFakeOpenAi({
    chat: {
      text: 'Open Settings and choose Security. '.repeat(options.repeats ?? 8),
      chunkSize: 4,
      delayMs: options.delayMs ?? 30,
    },
  });
  const server = await startServer({ LLM_BASE_URL: llm.url, LLM_MODEL: 'fake-model', ...env });
  return {
    server,
    llm,
    close: async () => {
      await server.close();
      await llm.close();
    },
  };
}
