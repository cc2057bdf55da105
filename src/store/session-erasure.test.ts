import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ConversationRepository } from './conversation-repository.js';
import { eraseSessionData, sweepIdleSessions } from './session-erasure.js';
import { openDatabase } from './sqlite/database.js';
import { SqliteConversationRepository } from './sqlite/sqlite-conversation-repository.js';
import { SqliteKnowledgeRepository } from './sqlite/sqlite-knowledge-repository.js';

const OLD = '2026-01-01T00:00:00.000Z';
const CUTOFF = '2026-02-01T00:00:00.000Z';

/** SQLite repositories holding `count` sessions idle since {@link OLD}, each with an attachment. */
async function store(count: number) {
  const db = openDatabase(':memory:');
  const conversations = new SqliteConversationRepository(db);
  const knowledge = new SqliteKnowledgeRepository(db);
  for (let i = 0; i < count; i++) {
    const sessionId = randomUUID();
    await conversations.appendMessage(message(sessionId, OLD));
    await knowledge.replaceSource(`session:${sessionId}`, 'attachment:a.txt', 'h', [
      {
        docKey: '',
        title: 'a.txt',
        format: 'text',
        contentHash: 'c',
        chunks: [{ ordinal: 0, headingPath: [], text: 'An invoice.' }],
      },
    ]);
  }
  return { conversations, knowledge };
}

function message(sessionId: string, createdAt: string) {
  return {
    id: randomUUID(),
    sessionId,
    role: 'user' as const,
    text: 'hello',
    turnId: 't',
    requestId: null,
    metadata: {},
    createdAt,
  };
}

/** `conversations` telling the limit of each listing of idle sessions. */
function listingsOf(conversations: ConversationRepository, limits: number[]) {
  return new Proxy(conversations, {
    get(target, property, receiver) {
      if (property === 'idleSessions') {
        return (before: string, limit: number) => {
          limits.push(limit);
          return target.idleSessions(before, limit);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

describe('sweepIdleSessions', () => {
  it('erases every idle session, listing a bounded batch at a time', async () => {
    const { conversations, knowledge } = await store(25);
    const limits: number[] = [];
    const erased = await sweepIdleSessions({
      conversations: listingsOf(conversations, limits),
      knowledge,
      before: CUTOFF,
      batchSize: 10,
    });
    expect(erased).toBe(25);
    expect(limits).toEqual([10, 10, 10]);
    expect(await conversations.sessions({ limit: 100 })).toEqual([]);
    expect(await knowledge.stats()).toEqual({ documents: 0, chunks: 0 });
  });

  it('lets other writes in between two sessions', async () => {
    const { conversations, knowledge } = await store(20);
    const order: string[] = [];
    const sweep = sweepIdleSessions({
      conversations,
      knowledge,
      before: CUTOFF,
      batchSize: 5,
      erase: async (id) => {
        order.push('erase');
        return (await eraseSessionData({ conversations, knowledge }, id)) !== null;
      },
    });
    const customer = conversations
      .appendMessage(message(randomUUID(), CUTOFF))
      .then(() => order.push('customer'));
    await Promise.all([sweep, customer]);
    expect(order.filter((step) => step === 'erase')).toHaveLength(20);
    expect(order.indexOf('customer')).toBeLessThan(5);
  });

  it('ends when a batch erases nothing, and stops between two sessions when told', async () => {
    const { conversations, knowledge } = await store(12);
    let tried = 0;
    const none = await sweepIdleSessions({
      conversations,
      knowledge,
      before: CUTOFF,
      batchSize: 5,
      erase: async () => {
        tried++;
        return false;
      },
    });
    expect([none, tried]).toEqual([0, 5]);

    const stop = new AbortController();
    const stopped = sweepIdleSessions({
      conversations,
      knowledge,
      before: CUTOFF,
      batchSize: 5,
      signal: stop.signal,
      erase: async (id) => {
        stop.abort();
        return (await eraseSessionData({ conversations, knowledge }, id)) !== null;
      },
    });
    await expect(stopped).rejects.toThrow();
    expect(await conversations.sessions({ limit: 100 })).toHaveLength(11);
  });
});
