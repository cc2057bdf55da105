import { describe, expect, it } from 'vitest';
import type { ConversationRepository, TicketRecord } from '../../src/store/index.js';
import { manualClock } from './manual-clock.js';

/**
 * Idempotency keys of one session kept apart by the kind of request they came with, and a
 * ticket's change queued as several messages, as every ConversationRepository must: part of the
 * repository's contract (see `describeConversationRepository`), run with the same factory.
 */
export function describeIdempotencyScopes(
  name: string,
  make: (now?: () => Date) => Promise<ConversationRepository>,
): void {
  describe(`ConversationRepository idempotency scopes and ticket events: ${name}`, () => {
    it("keeps a staff message's key apart from a customer message's with the same name", async () => {
      const repo = await make();
      const now = new Date().toISOString();
      const customer = { sessionId: 's', key: 'k', fingerprint: 'customer', now };
      const staff = { ...customer, fingerprint: 'staff', scope: 'staff_message' as const };
      expect(await repo.claimIdempotencyKey(customer)).toEqual({ state: 'claimed' });
      // Not a mismatch, not in progress: another key.
      expect(await repo.claimIdempotencyKey(staff)).toEqual({ state: 'claimed' });
      // The scope left out is the customer's.
      expect(await repo.claimIdempotencyKey({ ...customer, scope: 'message' })).toEqual({
        state: 'in_progress',
      });

      await repo.completeIdempotencyKey('s', 'k', { seq: 3 }, 'staff_message');
      expect(await repo.claimIdempotencyKey(staff)).toEqual({
        state: 'completed',
        response: { seq: 3 },
      });
      expect(await repo.claimIdempotencyKey(customer)).toEqual({ state: 'in_progress' });
      await repo.completeIdempotencyKey('s', 'k', { turn: 1 });
      expect(await repo.claimIdempotencyKey(customer)).toEqual({
        state: 'completed',
        response: { turn: 1 },
      });
      expect(await repo.claimIdempotencyKey({ ...staff, fingerprint: 'other' })).toEqual({
        state: 'mismatch',
      });

      // Releasing one scope's claim leaves the other's.
      const again = { ...staff, key: 'k2' };
      expect(await repo.claimIdempotencyKey(again)).toEqual({ state: 'claimed' });
      expect(await repo.claimIdempotencyKey({ ...customer, key: 'k2' })).toEqual({
        state: 'claimed',
      });
      await repo.releaseIdempotencyKey('s', 'k2', 'staff_message');
      expect(await repo.claimIdempotencyKey({ ...again, fingerprint: 'new' })).toEqual({
        state: 'claimed',
      });
      expect(await repo.claimIdempotencyKey({ ...customer, key: 'k2' })).toEqual({
        state: 'in_progress',
      });

      // Forgotten and erased with the session's others.
      expect(await repo.forgetIdempotencyKeysBefore('2999-01-01T00:00:00.000Z')).toBe(4);
    });

    it('tells what a key holds without claiming it, in its own session and scope', async () => {
      const repo = await make();
      const now = new Date().toISOString();
      const claim = { sessionId: 's', key: 'k', fingerprint: 'f', now };
      expect(await repo.peekIdempotencyKey('s', 'k')).toBe('absent');
      // Looking claims nothing: the first request still gets the key.
      expect(await repo.peekIdempotencyKey('s', 'k')).toBe('absent');
      expect(await repo.claimIdempotencyKey(claim)).toEqual({ state: 'claimed' });
      expect(await repo.peekIdempotencyKey('s', 'k')).toBe('in_progress');
      expect(await repo.peekIdempotencyKey('s', 'k', 'message')).toBe('in_progress');
      // Another scope, another session: other keys.
      expect(await repo.peekIdempotencyKey('s', 'k', 'staff_message')).toBe('absent');
      expect(await repo.peekIdempotencyKey('other', 'k')).toBe('absent');

      await repo.completeIdempotencyKey('s', 'k', { turn: 1 });
      expect(await repo.peekIdempotencyKey('s', 'k')).toBe('completed');
      // Still replayed whole after being looked at.
      expect(await repo.claimIdempotencyKey(claim)).toEqual({
        state: 'completed',
        response: { turn: 1 },
      });

      // A released claim is gone.
      expect(await repo.claimIdempotencyKey({ ...claim, key: 'k2' })).toEqual({
        state: 'claimed',
      });
      await repo.releaseIdempotencyKey('s', 'k2');
      expect(await repo.peekIdempotencyKey('s', 'k2')).toBe('absent');
      expect(await repo.peekIdempotencyKey('s', 'k')).toBe('completed');
    });

    it('gives a staff key to exactly one of many concurrent claims', async () => {
      const repo = await make();
      const claims = await Promise.all(
        Array.from({ length: 10 }, () =>
          repo.claimIdempotencyKey({
            sessionId: 's',
            key: 'race',
            fingerprint: 'f',
            now: new Date().toISOString(),
            scope: 'staff_message',
          }),
        ),
      );
      expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
    });

    it("queues every message a ticket's change gives, in their order, and none for no change", async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      await repo.openTicket({
        id: 'T-s',
        sessionId: 's',
        priority: 'normal',
        category: 'human_request',
        summary: 'Wants a person',
        reasons: ['asked for a person'],
      });
      const both = (after: TicketRecord, before: TicketRecord) => [
        { topic: 'status', payload: { from: before.status, to: after.status } },
        { topic: 'assignee', payload: { from: before.assignee, to: after.assignee } },
      ];
      clock.tick();
      await repo.updateTicket('T-s', { status: 'pending', assignee: 'alice' }, both);
      clock.tick();
      await repo.updateTicket('T-s', { status: 'pending', assignee: 'alice' }, both);
      await repo.updateTicket('T-s', { priority: 'high' }, () => []);
      expect((await repo.dueOutbox(clock.iso(60_000), 10)).map((d) => d.payload)).toEqual([
        { from: 'open', to: 'pending' },
        { from: null, to: 'alice' },
      ]);
      // Delivered in that order: one lease holds one message of a session, the first.
      const leased = await repo.leaseOutbox(clock.iso(60_000), 10, clock.iso(120_000));
      expect(leased.map((d) => d.topic)).toEqual(['status']);
      expect((await repo.ticket('T-s'))?.priority).toBe('high');
    });
  });
}
