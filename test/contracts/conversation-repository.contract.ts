import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ConversationRepository } from '../../src/store/index.js';

/**
 * What every ConversationRepository must do. Each database runs this suite with a factory that
 * gives a fresh, empty repository.
 */
export function describeConversationRepository(
  name: string,
  make: () => Promise<ConversationRepository>,
): void {
  const message = (sessionId: string, text: string, role: 'user' | 'assistant' = 'user') => ({
    id: randomUUID(),
    sessionId,
    role,
    text,
    turnId: 't',
    requestId: null,
    metadata: {},
  });

  describe(`ConversationRepository contract: ${name}`, () => {
    it('numbers the messages of a session 1, 2, 3… even when appended concurrently', async () => {
      const repo = await make();
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => repo.appendMessage(message('s1', `m${i}`))),
      );
      await repo.appendMessage(message('s2', 'other session'));
      const all = await repo.messages('s1');
      expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await repo.countMessages('s1')).toBe(50);
      expect((await repo.messages('s2'))[0]?.seq).toBe(1);
      expect((await repo.recentMessages('s1', 3)).map((m) => m.seq)).toEqual([48, 49, 50]);
      expect((await repo.messages('s1', { afterSeq: 48 })).map((m) => m.seq)).toEqual([49, 50]);
    });

    it('keeps text and metadata exactly', async () => {
      const repo = await make();
      const text = 'Ünïcödé 🙂 \u0000-free "quotes" and\nnew lines';
      await repo.appendMessage({
        ...message('s', text, 'assistant'),
        metadata: { sources: [1, 2], toolsUsed: ['kb_search'] },
      });
      const [stored] = await repo.messages('s');
      expect(stored).toMatchObject({
        text,
        role: 'assistant',
        metadata: { sources: [1, 2], toolsUsed: ['kb_search'] },
      });
    });

    it('stores a memory once, keeping its highest importance, and forgets old ones', async () => {
      const repo = await make();
      await repo.remember({
        sessionId: 's',
        type: 'fact',
        content: 'Order number: 4417',
        importance: 0.5,
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      await repo.remember({
        sessionId: 's',
        type: 'fact',
        content: 'Order number: 4417',
        importance: 0.8,
      });
      await repo.remember({
        sessionId: 's',
        type: 'context',
        content: 'User: hello',
        importance: 0.3,
      });
      const facts = await repo.memories('s', { type: 'fact' });
      expect(facts).toHaveLength(1);
      expect(facts[0]?.importance).toBe(0.8);
      expect(await repo.memories('other')).toEqual([]);
      expect(await repo.forgetBefore('2026-06-01T00:00:00.000Z')).toBe(1);
      expect((await repo.memories('s')).map((m) => m.type)).toEqual(['context']);
    });

    it('opens one ticket per session however often asked, queuing its event once', async () => {
      const repo = await make();
      const ticket = {
        id: 'T-1',
        sessionId: 's',
        priority: 'high',
        category: 'legal',
        summary: 'Wants a lawyer',
        reasons: ['legal'],
      };
      const first = await repo.openTicket(ticket, {
        topic: 'ticket.created',
        payload: { ticketId: 'T-1' },
      });
      const again = await repo.openTicket(
        { ...ticket, id: 'T-2' },
        { topic: 'ticket.created', payload: { ticketId: 'T-2' } },
      );
      expect(first).toMatchObject({
        created: true,
        ticket: { id: 'T-1', status: 'open', reasons: ['legal'] },
      });
      expect(again).toMatchObject({ created: false, ticket: { id: 'T-1' } });
      const due = await repo.dueOutbox(new Date(Date.now() + 1000).toISOString(), 10);
      expect(due.map((d) => d.payload)).toEqual([{ ticketId: 'T-1' }]);
      expect((await repo.setTicketStatus('T-1', 'resolved'))?.status).toBe('resolved');
      expect(await repo.setTicketStatus('nope', 'resolved')).toBeNull();
      expect((await repo.ticketOf('s'))?.status).toBe('resolved');
    });

    it('delivers the outbox at least once: failed items come back when due, delivered ones never', async () => {
      const repo = await make();
      const a = await repo.enqueue({ topic: 't', payload: { n: 1 } });
      const b = await repo.enqueue({ topic: 't', payload: { n: 2 } });
      const later = new Date(Date.now() + 60_000).toISOString();
      await repo.markFailed(a.id, 'HTTP 500', later);
      await repo.markDelivered(b.id, new Date().toISOString());
      expect(await repo.dueOutbox(new Date().toISOString(), 10)).toEqual([]);
      const due = await repo.dueOutbox(later, 10);
      expect(due).toMatchObject([
        { id: a.id, attempts: 1, lastError: 'HTTP 500', deliveredAt: null },
      ]);
    });
  });
}
