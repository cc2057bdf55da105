import { describe, expect, it } from 'vitest';
import {
  openDatabase,
  SqliteConversationRepository,
  type MemoryRecord,
} from '../../store/index.js';
import { createLogger } from '../../telemetry/index.js';
import { BoundedCache } from './bounded-cache.js';
import {
  createMemoryTool,
  MEMORY_LIMITS,
  rankMemories,
  sessionSummaries,
  type SessionContext,
} from './memory.js';

const NOW = Date.UTC(2026, 5, 1);

function setup() {
  const repo = new SqliteConversationRepository(openDatabase(':memory:'), () => new Date(NOW));
  const tool = createMemoryTool(repo, () => NOW);
  const context = (sessionId: string) => ({
    sessionId,
    signal: new AbortController().signal,
    attempt: 1,
    log: createLogger({ level: 'silent' }),
  });
  const load = async (sessionId: string, message: string, recentLimit = 8) =>
    (await tool.execute(
      { action: 'load', message, recentLimit, memoryLimit: 6, summary: true },
      context(sessionId),
    )) as SessionContext;
  const say = (sessionId: string, role: 'user' | 'assistant', text: string, found = true) =>
    repo.appendMessage({
      id: `${sessionId}-${Math.random()}`,
      sessionId,
      role,
      text,
      turnId: 't',
      requestId: null,
      metadata: role === 'assistant' ? { found } : {},
    });
  return { repo, tool, context, load, say };
}

describe('the memory tool', () => {
  it('loads the recent conversation, the count of messages and the first question', async () => {
    const { load, say } = setup();
    await say('s', 'user', 'Where is my parcel?');
    for (let i = 0; i < 10; i++) {
      await say('s', 'assistant', `Answer ${i}`);
      await say('s', 'user', `Question ${i}`);
    }
    const context = await load('s', 'Question 9', 4);
    expect(context.messageCount).toBe(21);
    expect(context.recent.map((m) => m.text)).toEqual([
      'Answer 8',
      'Question 8',
      'Answer 9',
      'Question 9',
    ]);
    // The first question is long out of view, but still what the conversation is about.
    expect(context.summary).toContain('Where is my parcel?');
  });

  it('counts the replies in a row that found nothing in the knowledge base', async () => {
    const { load, say } = setup();
    await say('s', 'user', 'a');
    await say('s', 'assistant', 'found', true);
    await say('s', 'user', 'b');
    await say('s', 'assistant', 'not found', false);
    await say('s', 'user', 'c');
    await say('s', 'assistant', 'not found', false);
    await say('s', 'user', 'd');
    expect((await load('s', 'd')).unansweredStreak).toBe(2);
    expect((await load('other', 'x')).unansweredStreak).toBe(0);
  });

  it('starts the count again after a reply that handed the conversation to a person', async () => {
    const { load, repo, say } = setup();
    const reply = (text: string, escalate: boolean) =>
      repo.appendMessage({
        id: `s-${Math.random()}`,
        sessionId: 's',
        role: 'assistant',
        text,
        turnId: 't',
        requestId: null,
        metadata: { found: false, escalation: { escalate, ticketId: 'T-1' } },
      });
    for (const question of ['a', 'b']) {
      await say('s', 'user', question);
      await reply('not found', false);
    }
    await say('s', 'user', 'c');
    await reply('a person will follow up', true);
    await say('s', 'user', 'd');
    expect((await load('s', 'd')).unansweredStreak).toBe(0);
    await reply('not found', false);
    await say('s', 'user', 'e');
    expect((await load('s', 'e')).unansweredStreak).toBe(1);
  });

  it('loads nothing of another session, and an empty context for a new one', async () => {
    const { load, say, repo } = setup();
    await say('s', 'user', 'My order 4417 is late');
    await repo.remember({
      sessionId: 's',
      type: 'fact',
      content: 'Order number: 4417',
      importance: 0.8,
    });
    const empty = await load('new', 'hello');
    expect(empty).toEqual({
      recent: [],
      memories: [],
      facts: [],
      files: [],
      summary: 'Main issue: "hello".',
      staff: [],
      messageCount: 0,
      unansweredStreak: 0,
    });
  });

  it('gives every fact of the customer, oldest first, however the memories rank', async () => {
    const { repo, tool, context } = setup();
    await repo.remember({
      sessionId: 's',
      type: 'fact',
      content: 'Order number: 4417',
      importance: 0.8,
    });
    await repo.remember({
      sessionId: 's',
      type: 'fact',
      content: 'Customer name: Jane',
      importance: 0.8,
    });
    // Six notes of the conversation that share every word of the message: ranked above the facts.
    for (let i = 0; i < 6; i++) {
      await repo.remember({
        sessionId: 's',
        type: 'context',
        content: `User: refund for my order today (${i})`,
        importance: 0.5,
      });
    }
    const loaded = async (memoryLimit: number) =>
      (await tool.execute(
        {
          action: 'load',
          message: 'refund for my order today',
          recentLimit: 8,
          memoryLimit,
          summary: memoryLimit > 0,
        },
        context('s'),
      )) as SessionContext;
    const ranked = await loaded(6);
    expect(ranked.memories.map((m) => m.type)).toEqual(Array(6).fill('context'));
    expect(ranked.facts).toEqual(['Order number: 4417', 'Customer name: Jane']);
    // Without ranked memories or the summary asked for, neither is given; the facts are the same.
    const factsOnly = await loaded(0);
    expect(factsOnly.memories).toEqual([]);
    expect(factsOnly.summary).toBeUndefined();
    expect(factsOnly.facts).toEqual(ranked.facts);
  });

  it('gives a corrected fact in place of the earlier ones of its kind, to recall and sum up', async () => {
    const { tool, context, load, say } = setup();
    const store = (content: string) =>
      tool.execute(
        { action: 'store', memories: [{ type: 'fact', content, importance: 0.8 }] },
        context('s'),
      );
    await say('s', 'user', 'Where is my order 4417?');
    await store('Customer e-mail: john@example.com');
    await store('Order number: 4417');
    await store('Customer e-mail (corrected): jane@example.org');
    const loaded = await load('s', 'what is my email?');
    expect(loaded.facts).toEqual([
      'Order number: 4417',
      'Customer e-mail (corrected): jane@example.org',
    ]);
    expect(loaded.memories.map((m) => m.content)).not.toContain(
      'Customer e-mail: john@example.com',
    );
    expect(loaded.summary).toContain(
      'Customer details: Order number: 4417; Customer e-mail (corrected): jane@example.org.',
    );
  });

  it('stores memories for the calling session only', async () => {
    const { tool, context, repo } = setup();
    await tool.execute(
      { action: 'store', memories: [{ type: 'fact', content: 'Name: Jane', importance: 0.8 }] },
      context('s'),
    );
    expect((await repo.memories('s')).map((m) => m.content)).toEqual(['Name: Jane']);
    expect(await repo.memories('t')).toEqual([]);
  });
});

describe('the conversation summary', () => {
  it('is written afresh on each load from what each turn stored', async () => {
    const { tool, context, load, say } = setup();
    const turn = async (
      question: string,
      outcome: { answered: boolean; source?: string },
      facts: string[] = [],
    ) => {
      await say('s', 'user', question);
      await tool.execute(
        {
          action: 'store',
          outcome: { question, ...outcome },
          memories: facts.map((content) => ({ type: 'fact' as const, content, importance: 0.8 })),
        },
        context('s'),
      );
      await say('s', 'assistant', 'reply', outcome.answered);
    };
    await turn('My order 4417 never arrived', { answered: false }, ['Order number: 4417']);
    await turn('How do I return an item?', { answered: true, source: 'Returns' });
    await say('s', 'user', 'Can I speak to someone?');

    const loaded = await load('s', 'Can I speak to someone?');
    expect(loaded.summary).toBe(
      'Main issue: "My order 4417 never arrived" (not found in the help center). ' +
        'Answered: "How do I return an item?" from "Returns". ' +
        'Customer details: Order number: 4417. ' +
        'Latest request: "Can I speak to someone?".',
    );
    // The notes feed the summary; they are not offered as memories to recall.
    expect(loaded.memories.map((m) => m.type)).toEqual(['fact']);
  });

  it('in a long conversation, reads the newest of each kind and counts older ones as "at least"', async () => {
    const { tool, context, load, say } = setup();
    const turns = MEMORY_LIMITS.summary + 10;
    await say('s', 'user', 'My parcel 4417 is late');
    for (let i = 1; i <= turns; i++) {
      await tool.execute(
        {
          action: 'store',
          outcome: { question: `Question number ${i}`, answered: i % 2 === 0 },
          memories: [
            { type: 'fact', content: `Reference number: R${i}`, importance: 0.8 },
            { type: 'context', content: `User: question number ${i}`, importance: 0.5 },
          ],
        },
        context('s'),
      );
    }
    const loaded = await load('s', 'What about question number 2?');
    // Outcomes of the last thirty turns (11 to 40): fifteen answered, fifteen not found.
    expect(loaded.summary).toContain(
      'Answered: "Question number 36"; "Question number 38"; "Question number 40" (and at least 12 earlier).',
    );
    expect(loaded.summary).toContain(
      'Not found in the help center: "Question number 35"; "Question number 37"; "Question number 39" (and at least 12 earlier).',
    );
    expect(loaded.summary).toContain('Reference number: R40 (and at least 32 more).');
    expect(loaded.summary).toMatch(/^Main issue: "My parcel 4417 is late"/);
  });

  it('is written outside a load the same as in one', async () => {
    const { tool, context, load, say, repo } = setup();
    await say('s', 'user', 'My order 4417 never arrived');
    await tool.execute(
      {
        action: 'store',
        outcome: { question: 'My order 4417 never arrived', answered: false },
        memories: [{ type: 'fact', content: 'Order number: 4417', importance: 0.8 }],
      },
      context('s'),
    );
    await say('s', 'assistant', 'reply', false);
    await say('s', 'user', 'Can I speak to someone?');
    const summarize = sessionSummaries(repo);
    const summary = await summarize('s', 'Can I speak to someone?');
    expect(summary).toBe(
      'Main issue: "My order 4417 never arrived" (not found in the help center). ' +
        'Customer details: Order number: 4417. Latest request: "Can I speak to someone?".',
    );
    expect(summary).toBe((await load('s', 'Can I speak to someone?')).summary);
    expect(await summarize('new', 'hello')).toBe('Main issue: "hello".');
  });
});

describe('rankMemories', () => {
  const memory = (content: string, importance: number, daysAgo = 0): MemoryRecord => ({
    id: content,
    sessionId: 's',
    type: 'context',
    content,
    importance,
    createdAt: new Date(NOW - daysAgo * 86_400_000).toISOString(),
  });

  it('puts what the message is about first among memories of equal weight', () => {
    const ranked = rankMemories(
      [memory('User: my parcel never arrived', 0.5), memory('User: refund for my jacket', 0.5)],
      'Any news on the refund?',
      NOW,
    );
    expect(ranked[0]?.content).toBe('User: refund for my jacket');
  });

  it('weighs importance over relevance and recency, and keeps the given order on ties', () => {
    const ranked = rankMemories(
      [memory('a', 0.4), memory('b', 0.4), memory('Order number: 1', 0.8, 30)],
      'hello',
      NOW,
    );
    expect(ranked.map((m) => m.content)).toEqual(['Order number: 1', 'a', 'b']);
  });
});

describe('BoundedCache', () => {
  it('forgets the least recently used entry beyond its capacity', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });
});
