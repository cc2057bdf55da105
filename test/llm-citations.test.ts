import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import type { TurnEvent } from '../src/protocol/index.js';
import { startFakeOpenAi, type FakeOpenAi } from '../src/testing/index.js';

let fake: FakeOpenAi;
let app: App;

beforeEach(async () => {
  fake = await startFakeOpenAi();
  app = createApp(
    loadConfig({ env: { LOG_LEVEL: 'silent', LLM_BASE_URL: fake.url, LLM_MODEL: 'fake-chat' } }),
    { databasePath: ':memory:' },
  );
  await app.knowledge.replaceSource('kb', '/help/faq.json', 'h', [
    {
      docKey: '0',
      title: 'Can I return an item?',
      format: 'faq_json',
      contentHash: 'a',
      chunks: [{ ordinal: 0, headingPath: [], text: 'You can return an item within 30 days.' }],
    },
    {
      docKey: '1',
      title: 'Can I exchange an item?',
      format: 'faq_json',
      contentHash: 'b',
      chunks: [{ ordinal: 0, headingPath: [], text: 'Exchanging an item is free of charge.' }],
    },
  ]);
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

async function turn(sessionId: string, text: string) {
  const run = app.turns.start({ sessionId, text });
  const events: TurnEvent[] = [];
  for await (const event of run.events) events.push(event);
  return { events, result: await run.result };
}
const streamedText = (events: TurnEvent[]) =>
  events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');

describe("the model's citations", () => {
  it('that name no source are not shown: neither streamed, split across pieces, nor stored', async () => {
    // Pieces of three characters: "[7]" arrives as " [7" and "]." or the like.
    for (const chunkSize of [1, 2, 3, 5]) {
      fake.chatReplies({
        text: 'You can return it within 30 days [1]. Exchanges are free [2]. See also [7].',
        chunkSize,
      });
      const { events, result } = await turn(`c${chunkSize}`, 'Can I return or exchange an item?');
      const shown = 'You can return it within 30 days [1]. Exchanges are free [2]. See also.';
      expect(result).toMatchObject({ answeredBy: 'llm', text: shown });
      expect(result.sources.map((s) => s.id)).toEqual([1, 2]);
      expect(streamedText(events)).toBe(shown);
      const stored = await app.conversations.recentMessages(`c${chunkSize}`, 1);
      expect(stored.at(-1)?.text).toBe(shown);
    }
  });

  it('all pass when each names a source', async () => {
    const reply = 'Returns within 30 days [1]; exchanges are free [2].';
    fake.chatReplies({ text: reply, chunkSize: 2 });
    const { events, result } = await turn('c-ok', 'Can I return or exchange an item?');
    expect(result.text).toBe(reply);
    expect(streamedText(events)).toBe(reply);
  });
});
