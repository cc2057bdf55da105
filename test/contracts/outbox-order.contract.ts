import { describe, expect, it } from 'vitest';
import type { ConversationRepository, OutboxRecord } from '../../src/store/index.js';
import { ticketToOpen } from '../helpers/tickets.js';
import { manualClock } from './manual-clock.js';

/**
 * The outbox delivers each session's messages in the order they were queued, whatever the
 * database: a message is not leased while an earlier one of its session is undelivered (waiting
 * for its next try, or leased), and sessions do not wait for one another. `make` gives a fresh,
 * empty repository whose clock is `now`.
 */
export function describeOutboxOrder(
  name: string,
  make: (now?: () => Date) => Promise<ConversationRepository>,
): void {
  const topics = (items: OutboxRecord[]) => items.map((item) => item.topic);
  const ticket = ticketToOpen;

  describe(`Outbox order contract: ${name}`, () => {
    it("leases a session's next message only once the one before it is delivered, and other sessions' meanwhile", async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      const lease = () => repo.leaseOutbox(clock.iso(), 10, clock.iso(60_000));
      // Session a's ticket events, tied to it through the ticket as escalation queues them.
      await repo.openTicket(ticket('T-A', 'a'), {
        topic: 'a.created',
        payload: { ticket: { id: 'T-A' } },
      });
      await repo.updateTicket('T-A', { status: 'resolved' }, () => ({
        topic: 'a.updated',
        payload: { ticketId: 'T-A' },
      }));
      await repo.enqueue({ topic: 'b.first', payload: { sessionId: 'b' } });
      await repo.enqueue({ topic: 'erased', payload: { ticket: { id: 'T-X' } } });

      const first = await lease();
      expect(topics(first)).toEqual(['a.created', 'b.first', 'erased']);
      // Each names the session it holds back while it waits.
      expect(first.map((item) => item.sessionId)).toEqual(['a', 'b', null]);
      // a.updated is due, but a.created is out: nobody may take it, not even this poller.
      expect(await lease()).toEqual([]);

      // The receiver refuses a.created; it waits for its next try, and a.updated behind it…
      const [created, bFirst] = first;
      await repo.markFailed(created?.id ?? '', 'HTTP 503', clock.iso(5_000));
      expect(await lease()).toEqual([]);
      // …while session b goes on.
      await repo.markDelivered(bFirst?.id ?? '', clock.iso());
      await repo.enqueue({ topic: 'b.second', payload: { sessionId: 'b' } });
      expect(topics(await lease())).toEqual(['b.second']);

      clock.tick(5_000);
      const retried = await lease();
      expect(topics(retried)).toEqual(['a.created']);
      expect(await lease()).toEqual([]);
      await repo.markDelivered(retried[0]?.id ?? '', clock.iso());
      expect(topics(await lease())).toEqual(['a.updated']);
    });

    it('gives concurrent pollers one message of a session at a time, the oldest, and erasing a session frees nothing else', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      for (const n of [1, 2, 3]) {
        for (const session of ['a', 'b', 'c']) {
          await repo.enqueue({ topic: `${session}${n}`, payload: { sessionId: session } });
        }
      }
      const taken = (
        await Promise.all([1, 2, 3].map(() => repo.leaseOutbox(clock.iso(), 10, clock.iso(60_000))))
      ).flat();
      expect(topics(taken).sort()).toEqual(['a1', 'b1', 'c1']);

      // Erasing a session takes its waiting messages with it; the others keep their order.
      await repo.eraseSession('b');
      clock.tick(60_000);
      const again = await repo.leaseOutbox(clock.iso(), 10, clock.iso(60_000));
      expect(topics(again).sort()).toEqual(['a1', 'c1']);
      for (const item of again) await repo.markDelivered(item.id, clock.iso());
      const next = await repo.leaseOutbox(clock.iso(), 10, clock.iso(60_000));
      expect(topics(next).sort()).toEqual(['a2', 'c2']);
    });

    it('keeps the order messages were queued in, even when the clock went back between them', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      await repo.enqueue({ topic: 'first', payload: { sessionId: 's' } });
      clock.tick(-60_000);
      await repo.enqueue({ topic: 'second', payload: { sessionId: 's' } });
      const lease = () => repo.leaseOutbox(clock.iso(120_000), 10, clock.iso(600_000));
      const [first, ...rest] = await lease();
      expect(first?.topic).toBe('first');
      expect(rest).toEqual([]);
      await repo.markDelivered(first?.id ?? '', clock.iso());
      expect(topics(await lease())).toEqual(['second']);
    });
  });
}
