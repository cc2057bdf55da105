import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import type { TurnEvent } from '../../src/protocol/index.js';
import type { TurnRun } from '../../src/agent/turn.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../src/testing/index.js';

/** An app answered by the fake model, on an in-memory database, and the fake. */
export interface LlmApp {
  app: App;
  fake: FakeOpenAi;
  close(): Promise<void>;
}

/**
 * Starts an app whose language model is a fake on loopback, with a help center of one FAQ
 * document holding `faqs` (title, answer), each an entry of its own; `env` adds settings.
 *
 * @example
 * const { app, fake, close } = await startLlmApp([['Can I return an item?', 'Within 30 days.']]);
 */
export async function startLlmApp(
  faqs: ReadonlyArray<[title: string, text: string]>,
  env: Record<string, string> = {},
): Promise<LlmApp> {
  const fake = await startFakeOpenAi();
  const app = createApp(
    loadConfig({
      env: { LOG_LEVEL: 'silent', LLM_BASE_URL: fake.url, LLM_MODEL: 'fake-chat', ...env },
    }),
    { databasePath: ':memory:' },
  );
  await app.knowledge.replaceSource(
    'kb',
    '/help/faq.json',
    'h',
    faqs.map(([title, text], i) => ({
      docKey: String(i),
      title,
      format: 'faq_json' as const,
      contentHash: String.fromCharCode(97 + i),
      chunks: [{ ordinal: 0, headingPath: [], text }],
    })),
  );
  return {
    app,
    fake,
    close: async () => {
      await app.close();
      await fake.close();
    },
  };
}

/** Runs one turn to its end: its events, and its result. */
export async function runTurn(
  app: App,
  sessionId: string,
  text: string,
): Promise<{ events: TurnEvent[]; result: Awaited<TurnRun['result']> }> {
  const run = app.turns.start({ sessionId, text });
  const events: TurnEvent[] = [];
  for await (const event of run.events) events.push(event);
  return { events, result: await run.result };
}

/** The text a turn streamed, its pieces joined. */
export const streamedText = (events: TurnEvent[]): string =>
  events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');
