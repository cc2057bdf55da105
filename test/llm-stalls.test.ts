/**
 * A language model that does not begin its answer, stalls in the middle of it, answers nothing,
 * or is cut short mid-sentence: the customer is not held, the breaker sees it, and the reply
 * reads cleanly.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUT_SHORT } from '../src/agent/turn.js';
import { startFakeOpenAi } from '../src/testing/index.js';
import { runTurn, startLlmApp, streamedText, type LlmApp } from './helpers/llm-app.js';
import { chatRequests } from './helpers/llm-suite.js';
import { ADMIN_KEY, bearer, call, createSession, parseSse, startServer } from './helpers/http.js';
import { startUnresponsiveLlm, type Silence } from './helpers/unresponsive-llm.js';

/** What a reply says of a model that took too long, answered from the help center. */
const TIMED_OUT =
  'the language model could not answer (it took too long); the answer was composed from the help center';

const FAQS: Array<[string, string]> = [
  ['Can I return an item?', 'You can return an item within 30 days of delivery.'],
];

/** The longest silence the tests allow a stream: short, so that a stall shows at once. */
const IDLE_MS = 300;
/** The longest wait the tests allow for an answer to begin. */
const FIRST_TOKEN_MS = 400;
/**
 * The `llm_chat` time limit of the tests that wait for a model that never answers: short enough
 * that a customer held by it shows in seconds, long enough that no turn on a loaded machine
 * comes near it otherwise.
 */
const CALL_MS = 4_000;

const configDir = mkdtempSync(join(tmpdir(), 'support-agent-llm-stalls-'));
const callLimitFile = join(configDir, 'config.json');
writeFileSync(
  callLimitFile,
  JSON.stringify({ tools: { overrides: { llm_chat: { timeoutMs: CALL_MS } } } }),
);
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

/** Settings of an app whose model is `url`, with short limits and retries at once. */
const silentModelEnv = (url: string): Record<string, string> => ({
  LLM_BASE_URL: url,
  LLM_MODEL: 'silent-chat',
  LLM_FIRST_TOKEN_TIMEOUT_MS: String(FIRST_TOKEN_MS),
  LLM_IDLE_TIMEOUT_MS: String(IDLE_MS),
  SUPPORT_AGENT_CONFIG: callLimitFile,
  TOOL_RETRY_INITIAL_DELAY_MS: '1',
  TOOL_RETRY_MAX_DELAY_MS: '5',
});

describe('a model that never begins its answer', () => {
  const silences: Array<[Silence, string]> = [
    ['no-headers', 'sends no headers'],
    ['headers-only', 'sends the headers of a stream and nothing more'],
    ['keep-alives-only', 'sends keep-alive comments and never a chunk'],
  ];
  it.each(silences)(
    '(%s: it %s) is given up after the first-token limit and not asked again: the customer gets the help center in well under one call limit',
    async (silence) => {
      const model = await startUnresponsiveLlm(silence);
      const llm = await startLlmApp(FAQS, silentModelEnv(model.url));
      try {
        const started = Date.now();
        const { events, result } = await runTurn(llm.app, 'b1', 'Can I return an item?');
        const took = Date.now() - started;
        // Held for the first-token limit, not for the call's limit, let alone twice.
        expect(took).toBeGreaterThanOrEqual(FIRST_TOKEN_MS - 20);
        expect(took).toBeLessThan(CALL_MS);
        expect(result).toMatchObject({
          answeredBy: 'extractive',
          fallback: TIMED_OUT,
          toolsFailed: [{ name: 'llm_chat', outcome: 'timeout' }],
        });
        expect(result.text).toContain('within 30 days of delivery');
        expect(streamedText(events)).toBe(result.text);
        // Asked once, and the request aborted: the server sees the connection close.
        expect(model.requests).toHaveLength(1);
        await expect.poll(() => model.requests[0]?.closed).toBe(true);
        // A model that does not answer counts against its breaker like any failure.
        expect(llm.app.tools.breaker('llm_chat')).toMatchObject({
          state: 'closed',
          consecutiveFailures: 1,
        });
      } finally {
        await llm.close();
        await model.close();
      }
    },
    20_000,
  );

  it('streams start at once and complete with the help center’s answer, in order, over SSE', async () => {
    const model = await startUnresponsiveLlm('no-headers');
    const server = await startServer(silentModelEnv(model.url));
    try {
      const session = await createSession(server.url);
      const started = Date.now();
      const response = await fetch(`${server.url}/v1/sessions/${session.id}/messages`, {
        method: 'POST',
        headers: {
          ...bearer(session.token),
          'content-type': 'application/json',
          accept: 'text/event-stream',
        },
        body: JSON.stringify({ text: 'What is your refund policy?' }),
      });
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      let startAt: number | undefined;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        if (startAt === undefined && text.includes('event: start')) startAt = Date.now() - started;
      }
      const took = Date.now() - started;
      const events = parseSse(text);
      const names = events.map((e) => e.event);
      expect(names[0]).toBe('start');
      expect(names.at(-1)).toBe('complete');
      expect(names).not.toContain('error');
      // The customer sees the turn begin before the model's limit, and its end well before
      // one call's limit.
      expect(startAt).toBeLessThan(FIRST_TOKEN_MS);
      expect(took).toBeLessThan(CALL_MS);
      const complete = events.at(-1)?.data;
      expect(complete).toMatchObject({
        type: 'complete',
        message: {
          answeredBy: 'extractive',
          fallback: TIMED_OUT,
        },
      });
      expect(model.requests).toHaveLength(1);
    } finally {
      await server.close();
      await model.close();
    }
  }, 20_000);
});

describe('a model that ignores streaming and stops in the middle of its one JSON body', () => {
  it('is given up after the idle limit, asked again once, and the customer gets the help center', async () => {
    const model = await startUnresponsiveLlm('json-cut-off');
    const llm = await startLlmApp(FAQS, silentModelEnv(model.url));
    try {
      const started = Date.now();
      const { result } = await runTurn(llm.app, 'j1', 'Can I return an item?');
      const took = Date.now() - started;
      // Two attempts, each given up after the idle limit: not held for the call's limit.
      expect(took).toBeGreaterThanOrEqual(2 * IDLE_MS - 20);
      expect(took).toBeLessThan(CALL_MS);
      expect(result).toMatchObject({
        answeredBy: 'extractive',
        fallback: TIMED_OUT,
        toolsFailed: [{ name: 'llm_chat', outcome: 'timeout' }],
      });
      // Nothing of it reached the customer: it was asked once more, and both requests aborted.
      expect(model.requests).toHaveLength(2);
      await expect.poll(() => model.requests.every((r) => r.closed)).toBe(true);
    } finally {
      await llm.close();
      await model.close();
    }
  }, 20_000);
});

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
    expect(result.fallback).toBe(TIMED_OUT);
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

describe('a model that begins its answer, then stalls, every time it is asked', () => {
  /** The tests' limit of the whole answer. */
  const ANSWER_MS = 5_000;
  /** Past the limit, how long a loaded machine may take to compose the help center's answer. */
  const MARGIN_MS = 1_000;
  const cases: Array<[string, number, number, number]> = [
    // Given up at 3.3 s: 1.7 s left, enough to ask again, which the limit then cuts short.
    ['is asked again with what is left of the limit, and given up at it', 300, 3_000, 2],
    // Given up at 4.3 s: too little left to ask again (two attempts would take 8.6 s).
    ['is not asked again when too little of the limit is left', 300, 4_000, 1],
  ];
  it.each(cases)(
    '%s: the customer waits no longer than the limit and gets the help center',
    async (_name, beginAfterMs, idleMs, asked) => {
      const model = await startUnresponsiveLlm('begins-then-stalls', { beginAfterMs });
      const llm = await startLlmApp(FAQS, {
        LLM_BASE_URL: model.url,
        LLM_MODEL: 'stalling-chat',
        LLM_IDLE_TIMEOUT_MS: String(idleMs),
        LLM_ANSWER_TIMEOUT_MS: String(ANSWER_MS),
        TOOL_RETRY_INITIAL_DELAY_MS: '1',
        TOOL_RETRY_MAX_DELAY_MS: '5',
      });
      try {
        const started = Date.now();
        const { events, result } = await runTurn(llm.app, 'w1', 'Can I return an item?');
        const took = Date.now() - started;
        expect(took).toBeLessThan(ANSWER_MS + MARGIN_MS);
        expect(result).toMatchObject({
          answeredBy: 'extractive',
          fallback: TIMED_OUT,
          toolsFailed: [{ name: 'llm_chat' }],
        });
        expect(result.text).toContain('within 30 days of delivery');
        expect(streamedText(events)).toBe(result.text);
        expect(model.requests).toHaveLength(asked);
        await expect.poll(() => model.requests.every((r) => r.closed)).toBe(true);
        // The answer's limit is the model's failure, counted once per attempt as before.
        expect(llm.app.tools.breaker('llm_chat')).toMatchObject({ consecutiveFailures: asked });
      } finally {
        await llm.close();
        await model.close();
      }
    },
    20_000,
  );

  it('is not asked again when its call’s own limit leaves too little of the answer’s', async () => {
    // Never a word, never silent: only the call's limit (CALL_MS) ends an attempt, at 4 s, when
    // a quarter of the answer's 5 s is no longer left.
    const model = await startUnresponsiveLlm('begins-then-keeps-alive', { beginAfterMs: 100 });
    const llm = await startLlmApp(FAQS, {
      LLM_BASE_URL: model.url,
      LLM_MODEL: 'thinking-chat',
      LLM_ANSWER_TIMEOUT_MS: String(ANSWER_MS),
      SUPPORT_AGENT_CONFIG: callLimitFile,
      TOOL_RETRY_INITIAL_DELAY_MS: '1',
      TOOL_RETRY_MAX_DELAY_MS: '5',
    });
    try {
      const started = Date.now();
      const { result } = await runTurn(llm.app, 'w2', 'Can I return an item?');
      expect(Date.now() - started).toBeLessThan(ANSWER_MS + MARGIN_MS);
      expect(result).toMatchObject({
        answeredBy: 'extractive',
        toolsFailed: [{ name: 'llm_chat', outcome: 'timeout' }],
      });
      expect(model.requests).toHaveLength(1);
      expect(llm.app.tools.breaker('llm_chat')).toMatchObject({ consecutiveFailures: 1 });
    } finally {
      await llm.close();
      await model.close();
    }
  }, 20_000);
});
