/**
 * A language model that stalls in the middle of its answer, answers nothing, or is cut short
 * mid-sentence: the customer is not held, the breaker sees it, and the reply reads cleanly.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUT_SHORT } from '../src/agent/turn.js';
import { startFakeOpenAi, type FakeOpenAi } from '../src/testing/index.js';
import { runTurn, startLlmApp, streamedText, type LlmApp } from './helpers/llm-app.js';
import { ADMIN_KEY, bearer, call, createSession, startServer } from './helpers/http.js';

const FAQS: Array<[string, string]> = [
  ['Can I return an item?', 'You can return an item within 30 days of delivery.'],
];

/** The longest silence the tests allow a stream: short, so that a stall shows at once. */
const IDLE_MS = 300;

const chatRequests = (fake: FakeOpenAi) =>
  fake.requests.filter((r) => r.path === '/v1/chat/completions');

describe('a model that stalls in the middle of its answer', () => {
  let llm: LlmApp;
  beforeEach(async () => {
    llm = await startLlmApp(FAQS, {
      LLM_IDLE_TIMEOUT_MS: String(IDLE_MS),
      TOOL_RETRY_INITIAL_DELAY_MS: '1',
      TOOL_RETRY_MAX_DELAY_MS: '5',
    });
  });
  afterEach(() => llm.close());

  it('is given up after the idle limit: the customer gets what was written, said to be cut short, and the help center', async () => {
    // "You c" "an re" "turn " "it wi" "thin " and then nothing, the connection left open.
    llm.fake.chatReplies({
      text: 'You can return it within 30 days.',
      chunkSize: 5,
      stallAfter: 5,
    });
    const started = Date.now();
    const { events, result } = await runTurn(llm.app, 's1', 'Can I return an item?');
    const took = Date.now() - started;
    // Not the call's 60 s limit.
    expect(took).toBeLessThan(IDLE_MS + 3_000);
    expect(result.answeredBy).toBe('extractive');
    expect(result.text.startsWith(`You can return it within\n\n${CUT_SHORT}\n\n`)).toBe(true);
    expect(result.text).toContain('within 30 days of delivery');
    expect(result.fallback).toBe(
      'the language model could not answer (it took too long); the answer was composed from the help center',
    );
    expect(result.toolsFailed).toEqual([{ name: 'llm_chat', outcome: 'timeout' }]);
    expect(streamedText(events)).toBe(result.text);
    // Asked once (the customer had read part of the answer), and the request was aborted: the
    // server saw its connection close rather than write on for nobody.
    const requests = chatRequests(llm.fake);
    expect(requests).toHaveLength(1);
    await expect.poll(() => requests[0]?.abandoned).toBe(true);
  }, 15_000);

  it('before any word of it is asked again, and the second answer stands', async () => {
    llm.fake.chatReplies(
      { text: 'You can return it within 30 days.', stallAfter: 0 },
      { text: 'Returns are accepted within 30 days [1].' },
    );
    const { result } = await runTurn(llm.app, 's2', 'Can I return an item?');
    expect(result).toMatchObject({
      answeredBy: 'llm',
      text: 'Returns are accepted within 30 days [1].',
    });
    expect(chatRequests(llm.fake)).toHaveLength(2);
  }, 15_000);

  it('may take longer than the idle limit for its first byte', async () => {
    llm.fake.chatReplies({
      text: 'Returns are accepted within 30 days [1].',
      firstDelayMs: IDLE_MS * 3,
    });
    const { result } = await runTurn(llm.app, 's3', 'Can I return an item?');
    expect(result).toMatchObject({
      answeredBy: 'llm',
      text: 'Returns are accepted within 30 days [1].',
    });
    expect(chatRequests(llm.fake)).toHaveLength(1);
  }, 15_000);
});

describe('an answer cut short in the middle of a sentence', () => {
  let llm: LlmApp;
  beforeEach(async () => {
    llm = await startLlmApp(FAQS);
  });
  afterEach(() => llm.close());

  it('leaves no space before the break and the notice, streamed and stored alike', async () => {
    llm.fake.chatReplies({
      text: 'You can return it within ',
      chunkSize: 5,
      finishReason: 'length',
    });
    const { events, result } = await runTurn(llm.app, 'c1', 'Can I return an item?');
    expect(result.text.startsWith(`You can return it within\n\n${CUT_SHORT}\n\n`)).toBe(true);
    expect(streamedText(events)).toBe(result.text);
    const stored = await llm.app.conversations.recentMessages('c1', 1);
    expect(stored.at(-1)?.text).toBe(result.text);
  });

  it('keeps a whole answer as the model wrote it, its last spaces too', async () => {
    llm.fake.chatReplies({ text: 'Returns are accepted within 30 days [1].  ', chunkSize: 3 });
    const { events, result } = await runTurn(llm.app, 'c2', 'Can I return an item?');
    expect(result.text).toBe('Returns are accepted within 30 days [1].  ');
    expect(streamedText(events)).toBe(result.text);
  });
});

describe('a model that always answers nothing', () => {
  it('counts as failing: its breaker opens, the tool health shows it, and no call is repeated', async () => {
    const fake = await startFakeOpenAi({ chat: { text: '' } });
    const server = await startServer({
      LLM_BASE_URL: fake.url,
      LLM_MODEL: 'fake-chat',
      TOOL_BREAKER_THRESHOLD: '3',
    });
    try {
      const session = await createSession(server.url);
      const send = (text: string) =>
        call(server.url, 'POST', `/v1/sessions/${session.id}/messages`, {
          token: session.token,
          body: { text },
        });
      for (let i = 0; i < 3; i++) {
        const answer = await send('Can I reset my password?');
        expect(answer.status).toBe(200);
        expect(answer.body.message.answeredBy).toBe('extractive');
        expect(answer.body.message.fallback).toBe(
          'the language model could not answer (it gave no answer); the answer was composed from the help center',
        );
      }
      // One request a message: an empty answer is not asked for again.
      expect(chatRequests(fake)).toHaveLength(3);

      const health = await call(server.url, 'GET', '/v1/admin/tools', {
        headers: bearer(ADMIN_KEY),
      });
      const tool = (health.body.items as Array<{ name: string }>).find(
        (item) => item.name === 'llm_chat',
      );
      expect(tool).toMatchObject({
        breaker: { state: 'open', consecutiveFailures: 3 },
        stats: { calls: 3, failures: 3, lastOutcome: 'error' },
      });

      // Open: the model is not asked while it cools down.
      const paused = await send('Can I reset my password?');
      expect(paused.body.message.fallback).toContain('it is paused after repeated failures');
      expect(chatRequests(fake)).toHaveLength(3);
    } finally {
      await server.close();
      await fake.close();
    }
  }, 20_000);
});
