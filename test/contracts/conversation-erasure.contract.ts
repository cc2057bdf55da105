import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ConversationRepository } from '../../src/store/index.js';

/**
 * Erasing sessions, as every ConversationRepository must: part of the repository's contract
 * (see `describeConversationRepository`), run with the same factory.
 */
export function describeConversationErasure(
  name: string,
  make: (now?: () => Date) => Promise<ConversationRepository>,
): void {
  const DAY = 86_400_000;
  const start = Date.UTC(2026, 0, 1);
  /** ISO time `days` after the start of the test's clock. */
  const day = (days: number) => new Date(start + days * DAY).toISOString();

  /** A message of `sessionId`, written at `at` (ISO time). */
  const message = (sessionId: string, text: string, at: string) => ({
    id: randomUUID(),
    sessionId,
    role: 'user' as const,
    text,
    turnId: 't',
    requestId: null,
    metadata: {},
    createdAt: at,
  });

  /** A ticket of `sessionId`, with its `ticket.created` event as escalation queues it. */
  const openTicket = (repo: ConversationRepository, sessionId: string) =>
    repo.openTicket(
      {
        id: `T-${sessionId}`,
        sessionId,
        priority: 'high',
        category: 'human_request',
        summary: `Ticket of ${sessionId}`,
        reasons: ['asked for a person'],
      },
      {
        topic: 'ticket.created',
        payload: {
          ticket: { id: `T-${sessionId}`, sessionId },
          transcript: [{ text: 'my address is…' }],
        },
      },
    );

  /** Everything the repository can tell of one session, for a before-and-after comparison. */
  const everything = async (repo: ConversationRepository, sessionId: string) => ({
    messages: (await repo.messages(sessionId)).map((m) => m.text),
    memories: (await repo.memories(sessionId)).map((m) => m.content),
    ticket: (await repo.ticketOf(sessionId))?.id ?? null,
    listed: (await repo.sessions({ limit: 100 })).some((s) => s.sessionId === sessionId),
  });

  /** Every outbox message, delivered or not, by its payload. */
  const outbox = async (repo: ConversationRepository) =>
    (await repo.dueOutbox(day(1000), 100)).map((item) => item.payload);

  describe(`ConversationRepository contract, erasing sessions: ${name}`, () => {
    it('erases everything of one session in one call, and nothing of another', async () => {
      const repo = await make(() => new Date(day(0)));
      for (const id of ['gone', 'kept']) {
        await repo.appendMessage(message(id, `hello from ${id}`, day(0)));
        await repo.appendMessage(message(id, `my order is ${id}-42`, day(0)));
        await repo.rememberAll(id, [{ type: 'fact', content: `Order: ${id}-42`, importance: 0.8 }]);
        await openTicket(repo, id);
        await repo.updateTicket(`T-${id}`, { status: 'resolved' }, (after) => ({
          topic: 'ticket.status_changed',
          payload: { ticket: after, from: 'open', to: after.status },
        }));
        await repo.enqueue({
          topic: 'ticket.message_added',
          payload: { ticketId: `T-${id}`, sessionId: id, message: 'one more thing' },
        });
        expect(
          await repo.claimIdempotencyKey({
            sessionId: id,
            key: 'k',
            fingerprint: 'f',
            now: day(0),
          }),
        ).toEqual({ state: 'claimed' });
      }
      // A message about no session at all is nobody's to erase.
      await repo.enqueue({ topic: 'system.test', payload: { n: 1 } });
      // One of the erased session's messages was delivered already: its copy goes too.
      const [delivered] = await repo.dueOutbox(day(1000), 1);
      await repo.markDelivered(delivered?.id ?? '', day(0));
      const keptBefore = await everything(repo, 'kept');

      expect(await repo.eraseSession('gone')).toEqual({
        messages: 2,
        memories: 1,
        tickets: 1,
        outbox: 3,
        idempotencyKeys: 1,
      });

      expect(await everything(repo, 'gone')).toEqual({
        messages: [],
        memories: [],
        ticket: null,
        listed: false,
      });
      expect(await repo.ticket('T-gone')).toBeNull();
      expect(await repo.countMessages('gone')).toBe(0);
      const left = JSON.stringify(await outbox(repo));
      expect(left).not.toContain('gone');
      expect(await repo.forgetDeliveredBefore(day(1000))).toBe(0);
      // Its idempotency key is free again: a retry is a new request.
      expect(
        await repo.claimIdempotencyKey({
          sessionId: 'gone',
          key: 'k',
          fingerprint: 'g',
          now: day(0),
        }),
      ).toEqual({ state: 'claimed' });
      // The other session, and the message of no session, are as they were.
      expect(await everything(repo, 'kept')).toEqual(keptBefore);
      expect(keptBefore.messages).toHaveLength(2);
      expect(left).toContain('T-kept');
      expect(await outbox(repo)).toContainEqual({ n: 1 });
      expect(
        await repo.claimIdempotencyKey({
          sessionId: 'kept',
          key: 'k',
          fingerprint: 'f',
          now: day(0),
        }),
      ).toEqual({ state: 'in_progress' });
    });

    it('numbers a later message of an erased session from 1 again, and erases nothing twice', async () => {
      const repo = await make();
      await repo.appendMessage(message('s', 'first life', day(0)));
      await repo.appendMessage(message('s', 'still first life', day(0)));
      await repo.eraseSession('s');
      const again = await repo.appendMessage(message('s', 'second life', day(1)));
      expect(again.seq).toBe(1);
      expect((await repo.sessions({ limit: 10 }))[0]).toMatchObject({
        sessionId: 's',
        messageCount: 1,
        firstMessageAt: day(1),
      });
      expect(await repo.eraseSession('nobody')).toEqual({
        messages: 0,
        memories: 0,
        tickets: 0,
        outbox: 0,
        idempotencyKeys: 0,
      });
    });

    it('lists the sessions idle since before a time, longest idle first, but never one a person works on', async () => {
      const repo = await make();
      // Last messages: a on day 1, b on day 2 (its first on day 0), c on day 3, d on day 10.
      await repo.appendMessage(message('b', 'old', day(0)));
      await repo.appendMessage(message('b', 'newer', day(2)));
      await repo.appendMessage(message('a', 'old', day(1)));
      await repo.appendMessage(message('c', 'old', day(3)));
      await repo.appendMessage(message('d', 'recent', day(10)));
      for (const [id, status] of [
        ['open', 'open'],
        ['pending', 'pending'],
        ['resolved', 'resolved'],
        ['closed', 'closed'],
      ] as const) {
        await repo.appendMessage(message(id, 'help', day(1)));
        await openTicket(repo, id);
        if (status !== 'open') await repo.updateTicket(`T-${id}`, { status });
      }

      const idle = await repo.idleSessions(day(5), 100);
      expect(idle.slice(0, 3).sort()).toEqual(['a', 'closed', 'resolved']);
      expect(idle.slice(3)).toEqual(['b', 'c']);
      expect(await repo.idleSessions(day(5), 2)).toHaveLength(2);
      // Strictly older: a session whose last message is at the time itself is not idle yet.
      expect(await repo.idleSessions(day(2), 100)).not.toContain('b');
      expect(await repo.idleSessions(day(0), 100)).toEqual([]);
    });

    it('erases for retention only a session still idle, with no ticket open or pending', async () => {
      const repo = await make();
      await repo.appendMessage(message('idle', 'old', day(1)));
      await repo.appendMessage(message('back', 'old', day(1)));
      await repo.appendMessage(message('worked', 'old', day(1)));
      await openTicket(repo, 'worked');
      await repo.updateTicket('T-worked', { status: 'pending' });
      await repo.appendMessage(message('done', 'old', day(1)));
      await openTicket(repo, 'done');
      await repo.updateTicket('T-done', { status: 'closed' });
      // Listed, then the customer came back before it was erased.
      expect(await repo.idleSessions(day(5), 100)).toContain('back');
      await repo.appendMessage(message('back', 'I am back', day(5)));

      expect(await repo.eraseSession('idle', { idleBefore: day(5) })).toMatchObject({
        messages: 1,
      });
      expect(await repo.eraseSession('back', { idleBefore: day(5) })).toBeNull();
      expect(await repo.eraseSession('worked', { idleBefore: day(5) })).toBeNull();
      expect(await repo.eraseSession('done', { idleBefore: day(5) })).toMatchObject({
        messages: 1,
        tickets: 1,
        outbox: 1,
      });
      expect(await repo.countMessages('back')).toBe(2);
      expect((await repo.ticketOf('worked'))?.status).toBe('pending');
      expect(await repo.countMessages('worked')).toBe(1);
      // On request, a ticket someone works on is no reason to keep anything.
      expect(await repo.eraseSession('worked')).toMatchObject({ messages: 1, tickets: 1 });
      expect(await repo.ticketOf('worked')).toBeNull();
    });
  });
}
