/**
 * A second signal during a graceful shutdown of a real `support-agent serve` process: whoever
 * sends it wants the server gone now. The grace period ends at once: the turn still running is
 * cut short and stores what it had, telemetry and pools are closed, and the process exits 0
 * rather than being killed by the signal with the reply lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { startFakeOpenAi, type FakeOpenAi } from '../src/testing/index.js';
import { createSession, sendStreaming } from './helpers/http.js';
import { startServe, waitFor, type ServeProcess } from './helpers/process.js';

let llm: FakeOpenAi;
let server: ServeProcess | undefined;

beforeAll(async () => {
  // A reply that would take about ten seconds to stream.
  llm = await startFakeOpenAi({
    chat: { text: 'Open Settings and choose Security. '.repeat(40), chunkSize: 4, delayMs: 40 },
  });
});
afterAll(async () => {
  if (server?.child.exitCode === null) server.child.kill('SIGKILL');
  await llm.close();
});

describe.each(['SIGTERM', 'SIGINT'] as const)('a second %s during the grace period', (second) => {
  it('ends the grace period at once: the running turn is cut short and stored, and the process exits 0', async () => {
    server = await startServe({
      LLM_BASE_URL: llm.url,
      LLM_MODEL: 'fake-model',
      SHUTDOWN_GRACE_MS: '60000',
      SHUTDOWN_DRAIN_MS: '0',
      ADMIN_API_KEY: 'shutdown-test-admin-key',
    });
    const session = await createSession(server.url);
    const response = await sendStreaming(
      server.url,
      session.id,
      session.token,
      'How do I reset my password?',
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    let signalled = false;
    let signalledAt = 0;
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (!signalled && text.includes('event: text')) {
        signalled = true;
        server.child.kill('SIGTERM');
        await waitFor(() => server?.out().includes('"msg":"shutting down"') ?? false, 'draining');
        signalledAt = Date.now();
        server.child.kill(second);
      }
    }
    expect(signalled).toBe(true);
    expect(await server.exited).toBe(0);
    // Long before the grace period of a minute, and before the reply could have been streamed.
    expect(Date.now() - signalledAt).toBeLessThan(8_000);
    expect(server.out()).toContain('turn cut short by shutdown');
    expect(server.out()).toContain('"msg":"stopped"');
    expect(text.split('\n\n').some((block) => block.includes('event: complete'))).toBe(true);

    const app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent', DATA_DIR: server.dataDir } }));
    try {
      const stored = await app.conversations.messages(session.id);
      expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(stored[1]?.text.length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  }, 40_000);
});
