import { describe, expect, it } from 'vitest';
import type { ConversationRepository, TicketRecord } from '../../src/store/index.js';
import { manualClock } from './manual-clock.js';

/**
 * Giving tickets to people on the staff, as every ConversationRepository must: part of the
 * repository's contract (see `describeConversationRepository`), run with the same factory.
 */
export function describeTicketAssignment(
  name: string,
  make: (now?: () => Date) => Promise<ConversationRepository>,
): void {
  /** Opens the ticket `T-<sessionId>` of `sessionId`, as escalation does. */
  const open = async (repo: ConversationRepository, sessionId: string) =>
    (
      await repo.openTicket({
        id: `T-${sessionId}`,
        sessionId,
        priority: 'normal',
        category: 'human_request',
        summary: 'Wants a person',
        reasons: ['asked for a person'],
      })
    ).ticket;

  const event = (after: TicketRecord, before: TicketRecord) => ({
    topic: 'ticket.changed',
    payload: { id: after.id, from: before.assignee, to: after.assignee },
  });

  describe(`ConversationRepository tickets' assignees: ${name}`, () => {
    it('keeps who has a ticket, gives it back to no one, and writes nothing for the same one', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      const opened = await open(repo, 's1');
      expect(opened.assignee).toBeNull();

      clock.tick();
      const given = await repo.updateTicket('T-s1', { assignee: 'alice@example.com' }, event);
      expect(given).toMatchObject({
        changed: true,
        ticket: { assignee: 'alice@example.com', status: 'open', priority: 'normal' },
      });
      expect((given?.ticket.updatedAt ?? '') > opened.updatedAt).toBe(true);
      expect(await repo.ticket('T-s1')).toEqual(given?.ticket);
      expect(await repo.ticketOf('s1')).toEqual(given?.ticket);

      // Another field changed alone keeps the assignee.
      clock.tick();
      const raised = await repo.updateTicket('T-s1', { priority: 'urgent' });
      expect(raised?.ticket).toMatchObject({ priority: 'urgent', assignee: 'alice@example.com' });

      const same = await repo.updateTicket('T-s1', { assignee: 'alice@example.com' }, event);
      expect(same).toEqual({ changed: false, ticket: raised?.ticket });

      clock.tick();
      const unassigned = await repo.updateTicket('T-s1', { assignee: null }, event);
      expect(unassigned?.ticket.assignee).toBeNull();
      expect((await repo.ticket('T-s1'))?.assignee).toBeNull();

      const due = await repo.dueOutbox(clock.iso(60_000), 10);
      expect(due.map((d) => d.payload)).toEqual([
        { id: 'T-s1', from: null, to: 'alice@example.com' },
        { id: 'T-s1', from: 'alice@example.com', to: null },
      ]);
    });

    it('lists the tickets of one assignee, with the other filters, and counts them', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      for (const id of ['a', 'b', 'c', 'd']) {
        await open(repo, id);
        clock.tick();
      }
      await repo.updateTicket('T-a', { assignee: 'Alice' });
      await repo.updateTicket('T-b', { assignee: 'Alice', status: 'resolved' });
      await repo.updateTicket('T-c', { assignee: 'Bob' });

      const alice = await repo.tickets({ assignee: 'Alice', limit: 10 });
      expect(alice.items.map((t) => t.id)).toEqual(['T-b', 'T-a']);
      expect(alice.total).toBe(2);
      const aliceOpen = await repo.tickets({ assignee: 'Alice', status: 'open', limit: 10 });
      expect(aliceOpen.items.map((t) => t.id)).toEqual(['T-a']);
      expect(aliceOpen.total).toBe(1);
      expect((await repo.tickets({ assignee: 'Carol', limit: 10 })).total).toBe(0);
      // Listed without the filter, each ticket shows whom it is given to.
      const all = await repo.tickets({ limit: 10 });
      expect(all.items.map((t) => [t.id, t.assignee])).toEqual([
        ['T-d', null],
        ['T-c', 'Bob'],
        ['T-b', 'Alice'],
        ['T-a', 'Alice'],
      ]);
    });

    it('finds an assignee in any letter case, and lists the tickets given to no one', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      for (const id of ['a', 'b', 'c']) {
        await open(repo, id);
        clock.tick();
      }
      await repo.updateTicket('T-a', { assignee: 'bob@corp.example' });
      await repo.updateTicket('T-b', { assignee: 'Bob@Corp.Example', status: 'resolved' });
      const bob = await repo.tickets({ assignee: 'BOB@corp.example', limit: 10 });
      expect(bob.items.map((t) => t.id)).toEqual(['T-b', 'T-a']);
      expect(bob.total).toBe(2);
      // Kept as each was set.
      expect(bob.items.map((t) => t.assignee)).toEqual(['Bob@Corp.Example', 'bob@corp.example']);
      const nobody = await repo.tickets({ assignee: null, limit: 10 });
      expect(nobody.items.map((t) => t.id)).toEqual(['T-c']);
      expect(nobody.total).toBe(1);
      const nobodyOpen = await repo.tickets({ assignee: null, status: 'resolved', limit: 10 });
      expect(nobodyOpen.total).toBe(0);
      await repo.updateTicket('T-a', { assignee: null });
      expect((await repo.tickets({ assignee: null, limit: 10 })).items.map((t) => t.id)).toEqual([
        'T-c',
        'T-a',
      ]);
    });

    it('finds an assignee in any letter case beyond ASCII', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      for (const id of ['a', 'b', 'c']) {
        await open(repo, id);
        clock.tick();
      }
      await repo.updateTicket('T-a', { assignee: 'josé' });
      await repo.updateTicket('T-b', { assignee: 'Jürgen Öztürk' });
      await repo.updateTicket('T-c', { assignee: 'Ελένη' });
      const jose = await repo.tickets({ assignee: 'JOSÉ', limit: 10 });
      expect(jose.items.map((t) => [t.id, t.assignee])).toEqual([['T-a', 'josé']]);
      expect(jose.total).toBe(1);
      const jurgen = await repo.tickets({ assignee: 'JÜRGEN ÖZTÜRK', limit: 10 });
      expect(jurgen.items.map((t) => t.id)).toEqual(['T-b']);
      expect((await repo.tickets({ assignee: 'ΕΛΈΝΗ', limit: 10 })).total).toBe(1);
      // Letters that only look alike are not one another.
      expect((await repo.tickets({ assignee: 'jose', limit: 10 })).total).toBe(0);
    });

    it('keeps any text of an assignee exactly, and finds the ticket by it', async () => {
      const repo = await make();
      await open(repo, 'x');
      // Text a database may not hold as it is (PostgreSQL refuses NUL) is kept all the same.
      const odd = `Zoë \u0000 ${'\uFFFF'}0 Ω`;
      await repo.updateTicket('T-x', { assignee: odd });
      expect((await repo.ticket('T-x'))?.assignee).toBe(odd);
      expect((await repo.tickets({ assignee: odd, limit: 10 })).items.map((t) => t.id)).toEqual([
        'T-x',
      ]);
    });
  });
}
