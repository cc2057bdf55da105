import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ConversationRepository, OutboxRecord } from '../../src/store/index.js';
import { ticketToOpen } from '../helpers/tickets.js';
import { manualClock } from './manual-clock.js';

/**
 * A message the receiver refuses for good holds its session's later messages back, whatever the
 * database: the backlog names it, and an operator may skip it, which keeps it for the record,
 * never tries it again and lets the session go on. `make` gives a fresh, empty repository whose
 * clock is `now`.
 */
export function describeOutboxSkip(
  name: string,
  make: (now?: () => Date) => Promise<ConversationRepository>,
): void {
  const topics = (items: OutboxRecord[]) => items.map((item) => item.topic);

  describe(`Outbox skip contract: ${name}`, () => {
    it('names the message that holds a session back, and skipping it lets the session go on', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      const lease = () => repo.leaseOutbox(clock.iso(), 10, clock.iso(60_000));
      await repo.openTicket(ticketToOpen('T-A', 'a'), {
        topic: 'a.created',
        payload: { ticket: { id: 'T-A' } },
      });
      for (const n of [1, 2]) {
        clock.tick(1);
        await repo.enqueue({ topic: `a.added${n}`, payload: { sessionId: 'a', n } });
      }
      await repo.enqueue({ topic: 'b.first', payload: { sessionId: 'b' } });
      await repo.enqueue({ topic: 'erased', payload: { ticket: { id: 'T-X' } } });
      const [created, bFirst, erased] = await lease();
      if (!created || !bFirst || !erased) throw new Error('expected three messages');
      await repo.markFailed(created.id, 'HTTP 410', clock.iso(5_000));
      await repo.markFailed(erased.id, 'HTTP 500', clock.iso(5_000));
      await repo.markDelivered(bFirst.id, clock.iso());
      // Not tried yet: it holds nothing back.
      await repo.enqueue({ topic: 'b.second', payload: { sessionId: 'b' } });

      // Only session a is held, by a.created; `erased` fails too, but names no session.
      expect(await repo.outboxBacklog()).toEqual({
        undelivered: 5,
        failing: 2,
        oldestCreatedAt: expect.any(String),
        lastError: expect.any(String),
        heldSessions: 1,
        heldBy: [
          {
            id: created.id,
            topic: 'a.created',
            sessionId: 'a',
            createdAt: created.createdAt,
            attempts: 1,
            lastError: 'HTTP 410',
            nextAttemptAt: clock.iso(5_000),
            waiting: 2,
          },
        ],
      });

      const skippedAt = clock.iso();
      expect(await repo.skipOutbox(created.id, skippedAt)).toMatchObject({
        id: created.id,
        sessionId: 'a',
        attempts: 1,
        lastError: 'HTTP 410',
        deliveredAt: null,
        skippedAt,
      });
      // The session's next message goes at once, before a.created's retry would have been due.
      expect(topics(await lease())).toEqual(['a.added1', 'b.second']);
      expect(await repo.outboxBacklog()).toMatchObject({
        undelivered: 4,
        failing: 1,
        heldSessions: 0,
        heldBy: [],
      });
      // Never tried again, and a second skip keeps the first one's time.
      clock.tick(600_000);
      expect((await repo.dueOutbox(clock.iso(), 10)).map((m) => m.id)).not.toContain(created.id);
      expect(await repo.skipOutbox(created.id, clock.iso())).toMatchObject({ skippedAt });
    });

    it('skips nothing delivered, says when there is no such message, and forgets a skipped one after its time', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      const delivered = await repo.enqueue({ topic: 't', payload: { sessionId: 's' } });
      await repo.markDelivered(delivered.id, clock.iso());
      expect(await repo.skipOutbox(delivered.id, clock.iso())).toMatchObject({
        id: delivered.id,
        deliveredAt: clock.iso(),
        skippedAt: null,
      });
      expect(await repo.skipOutbox(randomUUID(), clock.iso())).toBeNull();

      // Skipped while out on a delivery that then succeeded: it was delivered after all.
      const racing = await repo.enqueue({ topic: 'racing', payload: { sessionId: 's' } });
      expect(topics(await repo.leaseOutbox(clock.iso(), 10, clock.iso(60_000)))).toEqual([
        'racing',
      ]);
      await repo.skipOutbox(racing.id, clock.iso());
      await repo.markDelivered(racing.id, clock.iso());
      expect(await repo.skipOutbox(racing.id, clock.iso())).toMatchObject({
        deliveredAt: clock.iso(),
        skippedAt: null,
      });

      const skipped = await repo.enqueue({ topic: 'refused', payload: { sessionId: 's' } });
      clock.tick(1_000);
      await repo.skipOutbox(skipped.id, clock.iso());
      expect(await repo.forgetDeliveredBefore(clock.iso())).toBe(2);
      expect(await repo.forgetDeliveredBefore(clock.iso(1))).toBe(1);
      expect(await repo.skipOutbox(skipped.id, clock.iso())).toBeNull();
    });
  });
}
