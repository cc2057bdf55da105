import { afterEach, beforeEach } from 'vitest';
import type { App } from '../../src/app.js';
import type { FakeChatMessage, FakeOpenAi } from '../../src/testing/fake-openai-server.js';
import { runTurn, startLlmApp, type LlmApp } from './llm-app.js';

/** The JSON body of one chat request, as the fake received it. */
export interface ChatBody {
  model: string;
  messages: FakeChatMessage[];
  tools?: unknown[];
}

/** The chat requests `fake` received, in order (embeddings and the rest left out). */
export const chatRequests = (fake: FakeOpenAi) =>
  fake.requests.filter((r) => r.path === '/v1/chat/completions');

/** The bodies of the chat requests `fake` received, in order. */
export const chatBodies = (fake: FakeOpenAi): ChatBody[] =>
  chatRequests(fake).map((r) => r.body as ChatBody);

/** The app of the running test, answered by the fake model; see {@link useLlmApp}. */
export interface LlmSuite {
  /** The running test's app: a new one for every test. */
  readonly app: App;
  /** The running test's fake model. */
  readonly fake: FakeOpenAi;
  /** Runs one turn on the running test's app: its events, and its result. */
  turn(sessionId: string, text: string): ReturnType<typeof runTurn>;
  /** The bodies of the chat requests the running test's model received, in order. */
  chatBodies(): ChatBody[];
}

/**
 * Gives every test of the file calling it a new app answered by a fake model on loopback, with
 * a help center of `faqs` (title, answer), and closes it after the test; `env` adds settings.
 *
 * @example
 * const llm = useLlmApp([['Can I return an item?', 'Within 30 days.']]);
 * it('answers', async () => {
 *   llm.fake.chatReplies({ text: 'Within 30 days [1].' });
 *   const { result } = await llm.turn('s1', 'Can I return an item?');
 * });
 */
export function useLlmApp(
  faqs: ReadonlyArray<[title: string, text: string]>,
  env: Record<string, string> = {},
): LlmSuite {
  let current: LlmApp | undefined;
  beforeEach(async () => {
    current = await startLlmApp(faqs, env);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const running = (): LlmApp => {
    if (current === undefined) throw new Error('The app exists only while a test runs');
    return current;
  };
  return {
    get app() {
      return running().app;
    },
    get fake() {
      return running().fake;
    },
    turn: (sessionId, text) => runTurn(running().app, sessionId, text),
    chatBodies: () => chatBodies(running().fake),
  };
}
