import { describe, expect, it } from 'vitest';
import { openDatabase, SqliteConversationRepository } from '../../store/index.js';
import { createLogger } from '../../telemetry/index.js';
import { createMemoryTool, sessionSummaries, type SessionContext } from './memory.js';

const NOW = Date.UTC(2026, 5, 1);

function setup() {
  const repo = new SqliteConversationRepository(openDatabase(':memory:'), () => new Date(NOW));
  const tool = createMemoryTool(repo, () => NOW);
  const load = async (sessionId: string, message: string) =>
    (await tool.execute(
      { action: 'load', message, recentLimit: 8, memoryLimit: 0, summary: true },
      {
        sessionId,
        signal: new AbortController().signal,
        attempt: 1,
        log: createLogger({ level: 'silent' }),
      },
    )) as SessionContext;
  const say = (sessionId: string, role: 'user' | 'assistant' | 'staff', text: string) =>
    repo.appendMessage({
      id: `${sessionId}-${Math.random()}`,
      sessionId,
      role,
      text,
      turnId: 't',
      requestId: null,
      metadata: {},
    });
  return { repo, load, say };
}

describe("the customer's first question", () => {
  it('is theirs when the staff wrote to them first', async () => {
    const { load, say } = setup();
    await say('s', 'staff', 'Hello, this is Sam: how can I help with your order?');
    await say('s', 'user', 'Where is my parcel 4417?');
    await say('s', 'assistant', 'Parcels take 5 days.');
    await say('s', 'user', 'Do you ship to Norway?');
    const context = await load('s', 'Do you ship to Norway?');
    expect(context.summary).toMatch(/^Main issue: "Where is my parcel 4417\?"/);
  });

  it('is found once the customer writes, though the staff wrote before they did', async () => {
    const { repo, load, say } = setup();
    const summarize = sessionSummaries(repo);
    await say('s', 'staff', 'Hello, this is Sam from the support team.');
    await say('s', 'staff', 'Your refund went out today.');
    // Nothing of the customer's yet: no main issue is made of the staff's words, nor kept.
    expect(await summarize('s', '')).toBe('');
    await say('s', 'user', 'When will the refund reach my card?');
    await say('s', 'assistant', 'Within 5 days.');
    await say('s', 'user', 'Can I talk to someone?');
    expect(await summarize('s', 'Can I talk to someone?')).toMatch(
      /^Main issue: "When will the refund reach my card\?"/,
    );
    // A load whose recent messages reach back to the start (bar the staff's) finds it too.
    expect((await load('s', 'Can I talk to someone?')).summary).toMatch(
      /^Main issue: "When will the refund reach my card\?"/,
    );
  });
});
