/**
 * A model that answers, but stops short for one request's sake (its content filter withheld the
 * answer, or the answer met its token limit), is up: that request's failure says nothing of the
 * model's health. One customer whose messages trip the filter must not pause the model for every
 * other conversation, nor keep it paused by tripping it on the half-open probe.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTurn, startLlmApp, type LlmApp } from './helpers/llm-app.js';
import { chatRequests } from './helpers/llm-suite.js';

let llm: LlmApp;

beforeEach(async () => {
  llm = await startLlmApp([['Can I return an item?', 'You can return an item within 30 days.']], {
    TOOL_BREAKER_THRESHOLD: '2',
    TOOL_BREAKER_COOLDOWN_MS: '1',
  });
});
afterEach(() => llm.close());

describe("answers the model stopped short for one request's sake", () => {
  it('do not open its breaker', async () => {
    llm.fake.chatReplies(
      { text: '', finishReason: 'content_filter' },
      { text: 'Sorry, I', finishReason: 'length' },
      { text: '', finishReason: 'content_filter' },
    );
    for (const session of ['f1', 'f2', 'f3']) {
      const { result } = await runTurn(llm.app, session, 'Can I return an item?');
      expect(result.answeredBy).toBe('extractive');
      expect(result.toolsFailed).toContainEqual({ name: 'llm_chat', outcome: 'invalid_output' });
    }
    expect(llm.app.tools.breaker('llm_chat')).toMatchObject({
      state: 'closed',
      consecutiveFailures: 0,
    });

    llm.fake.chatReplies({ text: 'Returns are accepted within 30 days [1].' });
    const { result } = await runTurn(llm.app, 'other', 'Can I return an item?');
    expect(result.answeredBy).toBe('llm');
  });

  it('refused with a 400 by its content filter (Azure OpenAI) do not open its breaker', async () => {
    const filtered = {
      error: { message: 'The response was filtered', code: 'content_filter', status: 400 },
    };
    llm.fake.failNext(3, { status: 400, body: filtered });
    for (const session of ['a1', 'a2', 'a3']) {
      const { result } = await runTurn(llm.app, session, 'Can I return an item?');
      expect(result.answeredBy).toBe('extractive');
    }
    expect(llm.app.tools.breaker('llm_chat')).toMatchObject({ state: 'closed' });

    // Any other refusal of a request still counts: a bad key or an unknown model is refused
    // for every conversation alike.
    llm.fake.failNext(2, { status: 401, body: { error: { message: 'Incorrect API key' } } });
    for (const session of ['k1', 'k2']) await runTurn(llm.app, session, 'Can I return an item?');
    expect(llm.app.tools.breaker('llm_chat')).toMatchObject({ state: 'open' });
  });

  it('do not reopen it as its probe: the next call probes again', async () => {
    llm.fake.failNext(2, { status: 503 });
    // Two failed attempts of one call open the breaker.
    await runTurn(llm.app, 'down', 'Can I return an item?');
    expect(llm.app.tools.breaker('llm_chat').state).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 5));

    llm.fake.chatReplies({ text: '', finishReason: 'content_filter' });
    await runTurn(llm.app, 'probe', 'Can I return an item?');
    expect(llm.app.tools.breaker('llm_chat').state).toBe('half_open');

    llm.fake.chatReplies({ text: 'Returns are accepted within 30 days [1].' });
    const { result } = await runTurn(llm.app, 'next', 'Can I return an item?');
    expect(result.answeredBy).toBe('llm');
    expect(llm.app.tools.breaker('llm_chat').state).toBe('closed');
  });
});

describe('a call of an answer that has none of its time limit left', () => {
  it('is not sent to the model, and its breaker counts no failure', async () => {
    const asked = chatRequests(llm.fake).length;
    const result = await llm.app.tools.call(
      'llm_chat',
      {
        system: 'You answer customers.',
        messages: [{ role: 'user', content: 'Can I return an item?' }],
        // The answer began longer ago than its whole limit (60 s).
        answerStartedAt: Date.now() - 61_000,
      },
      { sessionId: 'late' },
    );
    expect(result).toMatchObject({ type: 'error', code: 'timeout' });
    expect(chatRequests(llm.fake).length).toBe(asked);
    expect(llm.app.tools.breaker('llm_chat')).toMatchObject({
      state: 'closed',
      consecutiveFailures: 0,
    });
  });
});
