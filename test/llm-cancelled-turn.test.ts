import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from '../src/testing/index.js';
import {
  createSession,
  readUntil,
  sendStreaming,
  startServer,
  type TestServer,
} from './helpers/http.js';

describe('a customer who leaves while the language model answers', () => {
  let server: TestServer;
  let llm: FakeOpenAi;

  beforeAll(async () => {
    // A model that takes seconds to answer: there is time to leave in the middle.
    llm = await startFakeOpenAi({
      chat: { text: 'Open Settings and choose Security. '.repeat(8), chunkSize: 4, delayMs: 40 },
    });
    server = await startServer({ LLM_BASE_URL: llm.url, LLM_MODEL: 'fake-model' });
  });
  afterAll(async () => {
    await server.close();
    await llm.close();
  });

  it('is not counted as a failure of the model, though the call is counted as cancelled', async () => {
    const { id, token } = await createSession(server.url);
    const controller = new AbortController();
    const response = await sendStreaming(server.url, id, token, 'How do I reset my password?', {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    // Leave once the model's words have started to arrive.
    await readUntil(response, 'event: text');
    controller.abort();

    const metrics = () => server.app.telemetry.renderPrometheus();
    await vi.waitFor(
      async () =>
        expect(await metrics()).toMatch(
          /support_agent_tool_calls_total\{tool="llm_chat",outcome="cancelled"\} 1\b/,
        ),
      { timeout: 10_000, interval: 50 },
    );
    // The turn ended and was counted: the help center's answer stood in and was stored.
    await vi.waitFor(
      async () =>
        expect(await metrics()).toMatch(
          /support_agent_turns_total\{answered_by="extractive",result="answered"\} 1\b/,
        ),
      { timeout: 10_000, interval: 50 },
    );
    expect(await metrics()).not.toMatch(/support_agent_llm_fallbacks_total [1-9]/);
  });
});
