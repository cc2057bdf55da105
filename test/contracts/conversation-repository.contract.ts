import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type {
  ConversationRepository,
  SessionCursor,
  SessionSummary,
  TicketRecord,
} from '../../src/store/index.js';
import { describeConversationErasure } from './conversation-erasure.contract.js';
import { describeIdempotencyScopes } from './idempotency-scopes.contract.js';
import { describeOutboxOrder } from './outbox-order.contract.js';
import { describeOutboxSkip } from './outbox-skip.contract.js';
import { manualClock } from './manual-clock.js';
import { describeStaffMessages } from './staff-messages.contract.js';
import { describeTicketAssignment } from './ticket-assignment.contract.js';

/** Where the session list goes on after `summary`. */
const cursorOf = (summary: SessionSummary): SessionCursor => ({
  lastMessageAt: summary.lastMessageAt,
  sessionId: summary.sessionId,
});

/** The ISO format every stored time comes back in, whatever the database. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * What every ConversationRepository must do. Each database runs this suite with a factory that
 * gives a fresh, empty repository whose clock is `now` (the system's when omitted).
 */
export function describeConversationRepository(
  name: string,
  make: (now?: () => Date) => Promise<ConversationRepository>,
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

  /** A clock that moves only when told: `clock.now` for the repository, `clock.tick(ms)`. */

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

    it('fails only the write that fails among concurrent ones, and all of it', async () => {
      const repo = await make();
      const taken = message('s1', 'first');
      await repo.appendMessage(taken);
      const outcomes = await Promise.allSettled([
        repo.appendMessage(message('s1', 'second')),
        // The same id again: the database refuses it.
        repo.appendMessage({ ...taken, text: 'again' }),
        repo.rememberAll('s2', [{ type: 'context', content: 'User: hi', importance: 0.5 }]),
        // The second memory is refused, so the first is not kept either.
        repo.rememberAll('s3', [
          { type: 'context', content: 'User: hello', importance: 0.5 },
          { type: 'bogus' as 'context', content: 'refused', importance: 0.5 },
        ]),
        repo.appendMessage(message('s2', 'hi')),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect((await repo.messages('s1')).map((m) => [m.seq, m.text])).toEqual([
        [1, 'first'],
        [2, 'second'],
      ]);
      expect((await repo.messages('s2')).map((m) => m.text)).toEqual(['hi']);
      expect((await repo.memories('s2')).map((m) => m.content)).toEqual(['User: hi']);
      expect(await repo.memories('s3')).toEqual([]);
    });

    it('reads recent turns back without their metadata, but whether a reply found an answer', async () => {
      const repo = await make();
      await repo.appendMessage(message('s', 'first'));
      await repo.appendMessage({
        ...message('s', 'nothing on that', 'assistant'),
        metadata: { found: false, sources: [{ id: 1, snippet: '<mark>x</mark>' }] },
      });
      await repo.appendMessage(message('s', 'Ünïcödé \u0000 second'));
      await repo.appendMessage({
        ...message('s', 'here it is', 'assistant'),
        metadata: { found: true, sources: [] },
      });
      await repo.appendMessage({
        ...message('s', 'odd', 'assistant'),
        metadata: { found: 'yes' },
      });
      await repo.appendMessage(message('other', 'not mine'));

      expect(await repo.recentTurns('s', 4)).toEqual([
        { seq: 2, role: 'assistant', text: 'nothing on that', found: false },
        { seq: 3, role: 'user', text: 'Ünïcödé \u0000 second' },
        { seq: 4, role: 'assistant', text: 'here it is', found: true },
        { seq: 5, role: 'assistant', text: 'odd' },
      ]);
      expect(await repo.recentTurns('nobody', 4)).toEqual([]);
    });

    it('reads back which replies handed the conversation to a person', async () => {
      const repo = await make();
      await repo.appendMessage(message('s', 'I want a person'));
      await repo.appendMessage({
        ...message('s', 'someone will follow up', 'assistant'),
        metadata: { found: false, escalation: { escalate: true, ticketId: 'T-1' } },
      });
      await repo.appendMessage({
        ...message('s', 'still open', 'assistant'),
        metadata: { found: false, escalation: { escalate: false, ticketId: 'T-1' } },
      });
      await repo.appendMessage({
        ...message('s', 'odd', 'assistant'),
        metadata: { escalation: { escalate: 'yes' } },
      });

      expect(await repo.recentTurns('s', 4)).toEqual([
        { seq: 1, role: 'user', text: 'I want a person' },
        {
          seq: 2,
          role: 'assistant',
          text: 'someone will follow up',
          found: false,
          escalated: true,
        },
        { seq: 3, role: 'assistant', text: 'still open', found: false },
        { seq: 4, role: 'assistant', text: 'odd' },
      ]);
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

    it('stores memories together in order, folding repeats as one-by-one storing would', async () => {
      const repo = await make();
      await repo.remember({ sessionId: 's', type: 'fact', content: 'Name: Ada', importance: 0.9 });
      await repo.rememberAll('s', [
        { type: 'context', content: 'User: hello', importance: 0.3 },
        { type: 'fact', content: 'Name: Ada', importance: 0.5 },
        { type: 'context', content: 'User: hello', importance: 0.6 },
        { type: 'summary', content: 'Asked: hello\u0000', importance: 0.2 },
      ]);
      await repo.rememberAll('s', []);
      const stored = await repo.memories('s');
      expect(
        stored.map(({ type, content, importance }) => ({ type, content, importance })),
      ).toEqual([
        { type: 'summary', content: 'Asked: hello\u0000', importance: 0.2 },
        { type: 'context', content: 'User: hello', importance: 0.6 },
        { type: 'fact', content: 'Name: Ada', importance: 0.9 },
      ]);
      expect(await repo.memories('other')).toEqual([]);
    });

    it('reads the newest memories of each type asked for, newest first over all', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      for (let turn = 1; turn <= 6; turn++) {
        // Two memories of one turn share their time: the later stored counts as the newer.
        await repo.rememberAll('s', [
          { type: 'context', content: `User: question ${turn}`, importance: 0.5 },
          { type: 'summary', content: `Answered: question ${turn}`, importance: 0.2 },
          ...(turn % 2 === 0
            ? [{ type: 'fact' as const, content: `Order number: ${turn}`, importance: 0.8 }]
            : []),
        ]);
        clock.tick();
      }
      await repo.rememberAll('other', [
        { type: 'fact', content: 'Order number: 99', importance: 0.8 },
      ]);
      const read = await repo.recentMemories('s', { context: 2, fact: 5, summary: 1 });
      expect(read.map((m) => m.content)).toEqual([
        'Order number: 6',
        'Answered: question 6',
        'User: question 6',
        'User: question 5',
        'Order number: 4',
        'Order number: 2',
      ]);
      expect(read.every((m) => m.sessionId === 's' && m.createdAt.match(ISO_TIME))).toBe(true);
      expect(read[0]).toMatchObject({ type: 'fact', importance: 0.8 });
      // A type not named, or asked for none of, is not read.
      expect(await repo.recentMemories('s', { summary: 0 })).toEqual([]);
      expect(await repo.recentMemories('s', {})).toEqual([]);
      expect(await repo.recentMemories('nobody', { context: 5 })).toEqual([]);
      expect((await repo.recentMemories('other', { fact: 5 })).map((m) => m.content)).toEqual([
        'Order number: 99',
      ]);
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
      expect(await repo.updateTicket('nope', { status: 'resolved' })).toBeNull();
      expect((await repo.ticketOf('s'))?.status).toBe('open');
    });

    it('changes a ticket and queues its event in one write, and a change that changes nothing writes nothing', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      const { ticket } = await repo.openTicket({
        id: 'T-9',
        sessionId: 's9',
        priority: 'normal',
        category: 'general',
        summary: 'Asked for a person',
        reasons: ['asked for a person'],
      });
      clock.tick();
      const event = (after: TicketRecord, before: TicketRecord) => ({
        topic: 'ticket.updated',
        payload: { id: after.id, from: before.status, to: after.status, priority: after.priority },
      });
      const raised = await repo.updateTicket(
        'T-9',
        { status: 'open', priority: 'urgent', reasons: ['asked for a person', 'legal'] },
        event,
      );
      expect(raised).toMatchObject({
        changed: true,
        ticket: {
          status: 'open',
          priority: 'urgent',
          category: 'general',
          summary: 'Asked for a person',
        },
      });
      expect(raised?.ticket.reasons).toEqual(['asked for a person', 'legal']);
      expect((raised?.ticket.updatedAt ?? '') > ticket.updatedAt).toBe(true);
      expect(await repo.ticket('T-9')).toEqual(raised?.ticket);

      clock.tick();
      const closed = await repo.updateTicket('T-9', { status: 'closed' }, event);
      expect(closed?.ticket.status).toBe('closed');
      // The same again: nothing written, no event, `updatedAt` kept.
      const same = await repo.updateTicket('T-9', { status: 'closed' }, event);
      expect(same).toEqual({ changed: false, ticket: closed?.ticket });
      const due = await repo.dueOutbox(new Date(Date.now() + 60_000).toISOString(), 10);
      expect(due.map((d) => d.payload)).toEqual([
        { id: 'T-9', from: 'open', to: 'open', priority: 'urgent' },
        { id: 'T-9', from: 'open', to: 'closed', priority: 'urgent' },
      ]);
    });

    it("tells how much of the outbox waits, since when, and the last try's error", async () => {
      const repo = await make();
      expect(await repo.outboxBacklog()).toEqual({
        undelivered: 0,
        failing: 0,
        oldestCreatedAt: null,
        lastError: null,
        heldSessions: 0,
        heldBy: [],
      });
      const a = await repo.enqueue({ topic: 't', payload: { n: 1 } });
      const b = await repo.enqueue({ topic: 't', payload: { n: 2 } });
      const c = await repo.enqueue({ topic: 't', payload: { n: 3 } });
      await repo.markDelivered(a.id, new Date().toISOString());
      await repo.markFailed(b.id, 'HTTP 500', new Date(Date.now() + 10_000).toISOString());
      await repo.markFailed(c.id, 'HTTP 503', new Date(Date.now() + 20_000).toISOString());
      const backlog = await repo.outboxBacklog();
      // Messages that name no session hold none back.
      expect(backlog).toEqual({
        undelivered: 2,
        failing: 2,
        oldestCreatedAt: expect.any(String),
        lastError: 'HTTP 503',
        heldSessions: 0,
        heldBy: [],
      });
      expect(Date.parse(backlog.oldestCreatedAt as string)).toBe(Date.parse(b.createdAt));
      await repo.markDelivered(b.id, new Date().toISOString());
      await repo.markDelivered(c.id, new Date().toISOString());
      expect((await repo.outboxBacklog()).undelivered).toBe(0);
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

    it('gives back a leased item not tried after all as it was: due again, no attempt counted', async () => {
      const repo = await make();
      const a = await repo.enqueue({ topic: 't', payload: { n: 1 } });
      const now = new Date().toISOString();
      const leased = await repo.leaseOutbox(now, 10, new Date(Date.now() + 60_000).toISOString());
      expect(leased.map((item) => item.id)).toEqual([a.id]);
      expect(await repo.dueOutbox(now, 10)).toEqual([]);
      await repo.releaseOutbox(a.id, now);
      expect(await repo.dueOutbox(now, 10)).toMatchObject([
        { id: a.id, attempts: 0, lastError: null, deliveredAt: null },
      ]);
      expect(await repo.outboxBacklog()).toMatchObject({ undelivered: 1, failing: 0 });
      // A delivered item stays delivered.
      await repo.markDelivered(a.id, now);
      await repo.releaseOutbox(a.id, now);
      expect(await repo.dueOutbox(now, 10)).toEqual([]);
    });

    it('holds a message queued with notBefore until then', async () => {
      const repo = await make();
      const now = Date.now();
      const later = new Date(now + 60_000).toISOString();
      const held = await repo.enqueue({ topic: 't', payload: {} }, { notBefore: later });
      expect(held.nextAttemptAt).toBe(later);
      expect(await repo.dueOutbox(new Date(now + 59_000).toISOString(), 10)).toEqual([]);
      expect(await repo.leaseOutbox(new Date(now + 59_000).toISOString(), 10, later)).toEqual([]);
      expect((await repo.dueOutbox(later, 10)).map((o) => o.id)).toEqual([held.id]);
    });

    it('numbers gap-free when many appends to several sessions race', async () => {
      const repo = await make();
      const sessions = ['a', 'b', 'c', 'd'];
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          repo.appendMessage(message(sessions[i % 4] as string, `m${i}`)),
        ),
      );
      for (const sessionId of sessions) {
        const seqs = (await repo.messages(sessionId)).map((m) => m.seq);
        expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      }
      const listed = await repo.sessions({ limit: 10 });
      expect(listed.map((s) => s.messageCount)).toEqual([50, 50, 50, 50]);
    });

    it('returns stored times in one ISO format', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      const stored = await repo.appendMessage(message('s', 'hi'));
      expect(stored.createdAt).toBe('2026-01-01T00:00:00.000Z');
      const [read] = await repo.messages('s');
      expect(read?.createdAt).toBe('2026-01-01T00:00:00.000Z');
      const { ticket } = await repo.openTicket({
        id: 'T',
        sessionId: 's',
        priority: 'low',
        category: 'general',
        summary: '',
        reasons: [],
      });
      expect(ticket.createdAt).toMatch(ISO_TIME);
      expect(ticket.updatedAt).toBe(ticket.createdAt);
      await repo.remember({ sessionId: 's', type: 'fact', content: 'x', importance: 1 });
      expect((await repo.memories('s'))[0]?.createdAt).toBe('2026-01-01T00:00:00.000Z');
    });

    it('lists sessions by their latest message, with counts, paging with before', async () => {
      const repo = await make();
      const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
      await repo.appendMessage({ ...message('old', 'a'), createdAt: at(1) });
      await repo.appendMessage({ ...message('busy', 'a'), createdAt: at(2) });
      await repo.appendMessage({ ...message('old', 'b'), createdAt: at(3) });
      await repo.appendMessage({ ...message('new', 'a'), createdAt: at(4) });
      await repo.appendMessage({ ...message('busy', 'b'), createdAt: at(5) });
      await repo.appendMessage({ ...message('busy', 'c'), createdAt: at(6) });

      expect(await repo.sessions({ limit: 10 })).toEqual([
        { sessionId: 'busy', messageCount: 3, firstMessageAt: at(2), lastMessageAt: at(6) },
        { sessionId: 'new', messageCount: 1, firstMessageAt: at(4), lastMessageAt: at(4) },
        { sessionId: 'old', messageCount: 2, firstMessageAt: at(1), lastMessageAt: at(3) },
      ]);
      const first = await repo.sessions({ limit: 2 });
      expect(first.map((s) => s.sessionId)).toEqual(['busy', 'new']);
      const last = first.at(-1) as SessionSummary;
      const next = await repo.sessions({ limit: 2, before: cursorOf(last) });
      expect(next.map((s) => s.sessionId)).toEqual(['old']);
      expect(await repo.sessions({ limit: 2, before: { lastMessageAt: at(1) } })).toEqual([]);
    });

    it('pages through sessions last active at the same moment, listing each once', async () => {
      const repo = await make();
      // Twelve customers whose messages were stored in the same millisecond, ids of either case
      // (sorted by code point in every database), between one session before and one after.
      const moment = '2026-11-25T07:19:55.000Z';
      const tied = [
        's01',
        's02',
        'S03',
        's04',
        'A05',
        's06',
        's07',
        'b08',
        's09',
        's10',
        's11',
        's12',
      ];
      await repo.appendMessage({
        ...message('earlier', 'hi'),
        createdAt: '2026-11-25T07:19:54.999Z',
      });
      for (const id of tied) await repo.appendMessage({ ...message(id, 'hi'), createdAt: moment });
      await repo.appendMessage({
        ...message('later', 'hi'),
        createdAt: '2026-11-25T07:19:55.065Z',
      });

      const listed: string[] = [];
      let before: SessionCursor | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await repo.sessions({ limit: 1, ...(before ? { before } : {}) });
        if (page.length === 0) break;
        listed.push(...page.map((s) => s.sessionId));
        before = cursorOf(page.at(-1) as SessionSummary);
      }
      const byCodePoint = [...tied].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
      expect(listed).toEqual(['later', ...byCodePoint, 'earlier']);
      // Pages of 5 list the same, in the same order.
      const fives: string[] = [];
      before = undefined;
      for (let pages = 0; pages < 5; pages++) {
        const page = await repo.sessions({ limit: 5, ...(before ? { before } : {}) });
        if (page.length === 0) break;
        fives.push(...page.map((s) => s.sessionId));
        before = cursorOf(page.at(-1) as SessionSummary);
      }
      expect(fives).toEqual(listed);
    });

    it('reads a time alone as a cursor at the millisecond, whatever its offset', async () => {
      const repo = await make();
      await repo.appendMessage({ ...message('at54', 'a'), createdAt: '2026-11-25T07:19:54.500Z' });
      await repo.appendMessage({ ...message('at55', 'a'), createdAt: '2026-11-25T07:19:55.000Z' });
      await repo.appendMessage({
        ...message('at55.065', 'a'),
        createdAt: '2026-11-25T07:19:55.065Z',
      });
      const before = async (lastMessageAt: string) =>
        (await repo.sessions({ limit: 10, before: { lastMessageAt } })).map((s) => s.sessionId);
      // One instant, three ways of writing it: the same sessions, strictly older.
      expect(await before('2026-11-25T07:19:55.000Z')).toEqual(['at54']);
      expect(await before('2026-11-25T08:19:55.000+01:00')).toEqual(['at54']);
      expect(await before('2026-11-25T07:19:55Z')).toEqual(['at54']);
      expect(await before('2026-11-25T07:19:55.066Z')).toEqual(['at55.065', 'at55', 'at54']);
    });

    it('lists tickets newest first, by status, with a total, and finds one by id', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      for (const n of [1, 2, 3, 4, 5]) {
        await repo.openTicket({
          id: `T-${n}`,
          sessionId: `s${n}`,
          priority: 'normal',
          category: 'general',
          summary: `ticket ${n}`,
          reasons: ['asked for a person'],
        });
        clock.tick();
      }
      await repo.updateTicket('T-2', { status: 'resolved' });
      await repo.updateTicket('T-4', { status: 'resolved' });

      const page = await repo.tickets({ limit: 2 });
      expect(page.total).toBe(5);
      expect(page.items.map((t) => t.id)).toEqual(['T-5', 'T-4']);
      const second = await repo.tickets({ limit: 2, offset: 2 });
      expect(second.items.map((t) => t.id)).toEqual(['T-3', 'T-2']);
      const resolved = await repo.tickets({ status: 'resolved', limit: 10 });
      expect(resolved).toMatchObject({ total: 2, items: [{ id: 'T-4' }, { id: 'T-2' }] });
      expect(await repo.tickets({ status: 'closed', limit: 10 })).toEqual({ items: [], total: 0 });
      expect(await repo.tickets({ limit: 10, offset: 50 })).toEqual({ items: [], total: 5 });

      expect(await repo.ticket('T-3')).toEqual({
        id: 'T-3',
        sessionId: 's3',
        status: 'open',
        priority: 'normal',
        category: 'general',
        summary: 'ticket 3',
        reasons: ['asked for a person'],
        assignee: null,
        createdAt: '2026-01-01T00:00:02.000Z',
        updatedAt: '2026-01-01T00:00:02.000Z',
      });
      expect(await repo.ticket('nope')).toBeNull();
    });

    it('lists tickets by priority and category, alone or together with status, with the total of that list', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      const tickets = [
        { id: 'T-1', priority: 'urgent', category: 'safety' },
        { id: 'T-2', priority: 'high', category: 'complaint' },
        { id: 'T-3', priority: 'urgent', category: 'legal' },
        { id: 'T-4', priority: 'normal', category: 'complaint' },
        { id: 'T-5', priority: 'urgent', category: 'safety' },
      ];
      for (const ticket of tickets) {
        await repo.openTicket({
          ...ticket,
          sessionId: `s-${ticket.id}`,
          summary: ticket.id,
          reasons: [],
        });
        clock.tick();
      }
      await repo.updateTicket('T-5', { status: 'resolved' });
      const ids = async (filter: Parameters<ConversationRepository['tickets']>[0]) => {
        const page = await repo.tickets(filter);
        return { ids: page.items.map((t) => t.id), total: page.total };
      };

      expect(await ids({ priority: 'urgent', limit: 10 })).toEqual({
        ids: ['T-5', 'T-3', 'T-1'],
        total: 3,
      });
      expect(await ids({ category: 'complaint', limit: 10 })).toEqual({
        ids: ['T-4', 'T-2'],
        total: 2,
      });
      expect(await ids({ priority: 'urgent', category: 'safety', limit: 10 })).toEqual({
        ids: ['T-5', 'T-1'],
        total: 2,
      });
      expect(
        await ids({ status: 'open', priority: 'urgent', category: 'safety', limit: 10 }),
      ).toEqual({ ids: ['T-1'], total: 1 });
      expect(await ids({ status: 'resolved', priority: 'urgent', limit: 10 })).toEqual({
        ids: ['T-5'],
        total: 1,
      });
      // Paged, the total is still that of the whole filtered list.
      expect(await ids({ priority: 'urgent', limit: 1, offset: 1 })).toEqual({
        ids: ['T-3'],
        total: 3,
      });
      expect(await ids({ priority: 'high', category: 'safety', limit: 10 })).toEqual({
        ids: [],
        total: 0,
      });
      // A change of priority moves a ticket between the lists.
      await repo.updateTicket('T-4', { priority: 'urgent' });
      expect((await ids({ priority: 'urgent', category: 'complaint', limit: 10 })).ids).toEqual([
        'T-4',
      ]);
    });

    it('pages tickets by a cursor: each once, in order, with filters, and a ticket opened meanwhile is not repeated', async () => {
      const clock = manualClock();
      const repo = await make(clock.now);
      // Opened in this order; those of one group share a millisecond, their ids in no order.
      const groups = [
        [
          { id: 'T-m', priority: 'urgent' },
          { id: 'T-c', priority: 'normal' },
        ],
        [
          { id: 'T-b', priority: 'urgent' },
          { id: 'T-q', priority: 'urgent' },
          { id: 'T-a', priority: 'normal' },
          { id: 'T-k', priority: 'urgent' },
        ],
        [{ id: 'T-z', priority: 'normal' }],
        [
          { id: 'T-e', priority: 'urgent' },
          { id: 'T-f', priority: 'normal' },
        ],
      ];
      for (const group of groups) {
        for (const ticket of group) {
          await repo.openTicket({
            ...ticket,
            sessionId: `s-${ticket.id}`,
            category: 'general',
            summary: ticket.id,
            reasons: [],
          });
        }
        clock.tick();
      }
      type Options = Parameters<ConversationRepository['tickets']>[0];
      /** Every page of the list, `limit` at a time, each from the previous page's last ticket. */
      const pages = async (options: Omit<Options, 'limit' | 'before'>, limit: number) => {
        const read: string[][] = [];
        let before: Options['before'];
        for (;;) {
          const page = await repo.tickets({ ...options, limit, ...(before ? { before } : {}) });
          if (page.items.length === 0) return read;
          read.push(page.items.map((t) => t.id));
          const last = page.items.at(-1);
          before = last ? { createdAt: last.createdAt, id: last.id } : undefined;
        }
      };

      // Newest first; of those opened at the same moment, the greater id first.
      const order = ['T-f', 'T-e', 'T-z', 'T-q', 'T-k', 'T-b', 'T-a', 'T-m', 'T-c'];
      expect((await repo.tickets({ limit: 20 })).items.map((t) => t.id)).toEqual(order);
      expect(await pages({}, 2)).toEqual([
        ['T-f', 'T-e'],
        ['T-z', 'T-q'],
        ['T-k', 'T-b'],
        ['T-a', 'T-m'],
        ['T-c'],
      ]);
      expect((await pages({}, 3)).flat()).toEqual(order);
      expect(await pages({ priority: 'urgent' }, 2)).toEqual([
        ['T-e', 'T-q'],
        ['T-k', 'T-b'],
        ['T-m'],
      ]);
      // The total is that of the whole filtered list, whatever page the cursor points at.
      const oldest = { createdAt: clock.iso(-4000), id: 'T-m' };
      expect(await repo.tickets({ priority: 'urgent', limit: 2, before: oldest })).toEqual({
        items: [],
        total: 5,
      });

      // A ticket opened between two pages is newer than the first page's last ticket: the next
      // page goes on where the first ended, neither repeating a ticket nor skipping one.
      const first = await repo.tickets({ limit: 4 });
      expect(first.items.map((t) => t.id)).toEqual(order.slice(0, 4));
      await repo.openTicket({
        id: 'T-new',
        sessionId: 's-T-new',
        priority: 'urgent',
        category: 'general',
        summary: 'new',
        reasons: [],
      });
      const last = first.items.at(-1);
      const second = await repo.tickets({
        limit: 4,
        ...(last ? { before: { createdAt: last.createdAt, id: last.id } } : {}),
      });
      expect(second.items.map((t) => t.id)).toEqual(order.slice(4, 8));
      expect(second.total).toBe(order.length + 1);
      expect((await pages({ priority: 'urgent' }, 10)).flat()).toEqual([
        'T-new',
        'T-e',
        'T-q',
        'T-k',
        'T-b',
        'T-m',
      ]);
    });

    it('opens one ticket when two turns of a session escalate at once', async () => {
      const repo = await make();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          repo.openTicket(
            {
              id: `T-${i}`,
              sessionId: 'same',
              priority: 'high',
              category: 'billing',
              summary: '',
              reasons: [],
            },
            { topic: 'ticket.created', payload: { n: i } },
          ),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.ticket.id)).size).toBe(1);
      const due = await repo.dueOutbox(new Date(Date.now() + 60_000).toISOString(), 50);
      expect(due).toHaveLength(1);
    });

    it('leases due outbox messages to one poller at a time until the lease ends', async () => {
      const repo = await make();
      for (let i = 0; i < 6; i++)
        await repo.enqueue({ topic: 'ticket.created', payload: { n: i } });
      const now = new Date(Date.now() + 1000).toISOString();
      const leaseUntil = new Date(Date.now() + 60_000).toISOString();
      const [first, second] = await Promise.all([
        repo.leaseOutbox(now, 4, leaseUntil),
        repo.leaseOutbox(now, 4, leaseUntil),
      ]);
      const taken = [...(first ?? []), ...(second ?? [])];
      expect(taken).toHaveLength(6);
      expect(new Set(taken.map((m) => m.id)).size).toBe(6);
      const firstOrder = (first ?? []).map((m) => (m.payload as { n: number }).n);
      expect(firstOrder).toEqual([...firstOrder].sort((a, b) => a - b));
      expect(await repo.leaseOutbox(now, 10, leaseUntil)).toEqual([]);
      expect(await repo.dueOutbox(now, 10)).toEqual([]);

      // One was delivered; the rest come back when the lease ends (their deliverer died).
      await repo.markDelivered(taken[0]?.id ?? '', now);
      const afterLease = new Date(Date.now() + 61_000).toISOString();
      const again = await repo.leaseOutbox(
        afterLease,
        10,
        new Date(Date.now() + 120_000).toISOString(),
      );
      expect(again.map((m) => m.id).sort()).toEqual(
        taken
          .slice(1)
          .map((m) => m.id)
          .sort(),
      );
    });

    it('claims an idempotency key once, replays its response, refuses another request', async () => {
      const repo = await make();
      const claim = { sessionId: 's', key: 'k1', fingerprint: 'f1', now: new Date().toISOString() };
      expect(await repo.claimIdempotencyKey(claim)).toEqual({ state: 'claimed' });
      expect(await repo.claimIdempotencyKey(claim)).toEqual({ state: 'in_progress' });
      expect(await repo.claimIdempotencyKey({ ...claim, fingerprint: 'f2' })).toEqual({
        state: 'mismatch',
      });
      // The same key in another session is another key.
      expect(await repo.claimIdempotencyKey({ ...claim, sessionId: 'other' })).toEqual({
        state: 'claimed',
      });

      const response = { message: { text: 'Hello "there" 🙂', sources: [1, 2] }, ok: true };
      await repo.completeIdempotencyKey('s', 'k1', response);
      expect(await repo.claimIdempotencyKey(claim)).toEqual({ state: 'completed', response });
      expect(await repo.claimIdempotencyKey({ ...claim, fingerprint: 'f2' })).toEqual({
        state: 'mismatch',
      });
      // Releasing a completed key keeps it: the request did happen.
      await repo.releaseIdempotencyKey('s', 'k1');
      expect(await repo.claimIdempotencyKey(claim)).toMatchObject({ state: 'completed' });
    });

    it('lets a request that failed before anything was accepted run again', async () => {
      const repo = await make();
      const claim = { sessionId: 's', key: 'k', fingerprint: 'f', now: new Date().toISOString() };
      expect(await repo.claimIdempotencyKey(claim)).toEqual({ state: 'claimed' });
      await repo.releaseIdempotencyKey('s', 'k');
      expect(await repo.claimIdempotencyKey({ ...claim, fingerprint: 'g' })).toEqual({
        state: 'claimed',
      });
      await repo.completeIdempotencyKey('s', 'k', null);
      expect(await repo.claimIdempotencyKey({ ...claim, fingerprint: 'g' })).toEqual({
        state: 'completed',
        response: null,
      });
    });

    it('gives a key to exactly one of many concurrent claims', async () => {
      const repo = await make();
      const claims = await Promise.all(
        Array.from({ length: 20 }, () =>
          repo.claimIdempotencyKey({
            sessionId: 's',
            key: 'race',
            fingerprint: 'f',
            now: new Date().toISOString(),
          }),
        ),
      );
      expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.state === 'in_progress')).toHaveLength(19);
    });

    it('lets the same request take over a key whose request died, exactly once', async () => {
      const repo = await make();
      const claim = {
        sessionId: 's',
        key: 'crashed',
        fingerprint: 'f',
        now: '2026-01-01T00:00:00.000Z',
      };
      expect(await repo.claimIdempotencyKey(claim)).toEqual({ state: 'claimed' });
      const later = { ...claim, now: '2026-01-01T00:20:00.000Z' };
      // Not stale yet: the first request may still be running.
      expect(
        await repo.claimIdempotencyKey({ ...later, staleBefore: '2025-12-31T23:50:00.000Z' }),
      ).toEqual({ state: 'in_progress' });
      expect(
        await repo.claimIdempotencyKey({
          ...later,
          fingerprint: 'other',
          staleBefore: '2026-01-01T00:10:00.000Z',
        }),
      ).toEqual({ state: 'mismatch' });
      const takeovers = await Promise.all(
        Array.from({ length: 10 }, () =>
          repo.claimIdempotencyKey({ ...later, staleBefore: '2026-01-01T00:10:00.000Z' }),
        ),
      );
      expect(takeovers.filter((c) => c.state === 'claimed')).toHaveLength(1);
      expect(takeovers.filter((c) => c.state === 'in_progress')).toHaveLength(9);
      await repo.completeIdempotencyKey('s', 'crashed', { ok: 1 });
      expect(
        await repo.claimIdempotencyKey({ ...later, staleBefore: '2026-01-02T00:00:00.000Z' }),
      ).toEqual({ state: 'completed', response: { ok: 1 } });
    });

    it('forgets messages delivered before a time, never one still to deliver', async () => {
      const repo = await make();
      const old = await repo.enqueue({ topic: 't', payload: { n: 1 } });
      const recent = await repo.enqueue({ topic: 't', payload: { n: 2 } });
      const pending = await repo.enqueue({ topic: 't', payload: { n: 3 } });
      await repo.markDelivered(old.id, '2026-01-01T00:00:00.000Z');
      await repo.markDelivered(recent.id, '2026-01-03T00:00:00.000Z');
      await repo.markFailed(pending.id, 'HTTP 500', '2026-01-01T00:00:00.000Z');
      expect(await repo.forgetDeliveredBefore('2026-01-02T00:00:00.000Z')).toBe(1);
      expect((await repo.dueOutbox('2026-01-04T00:00:00.000Z', 10)).map((o) => o.id)).toEqual([
        pending.id,
      ]);
      // The recent one stays until its own time comes.
      expect(await repo.forgetDeliveredBefore('2026-01-04T00:00:00.000Z')).toBe(1);
      expect(await repo.forgetDeliveredBefore('2026-01-04T00:00:00.000Z')).toBe(0);
    });

    it('forgets idempotency keys first used before a time', async () => {
      const repo = await make();
      const claim = (key: string, now: string) =>
        repo.claimIdempotencyKey({ sessionId: 's', key, fingerprint: 'f', now });
      await claim('old', '2026-01-01T00:00:00.000Z');
      await claim('done', '2026-01-01T00:00:00.000Z');
      await repo.completeIdempotencyKey('s', 'done', { ok: true });
      await claim('new', '2026-01-03T00:00:00.000Z');
      expect(await repo.forgetIdempotencyKeysBefore('2026-01-02T00:00:00.000Z')).toBe(2);
      expect(await claim('old', '2026-01-03T00:00:00.000Z')).toEqual({ state: 'claimed' });
      expect(await claim('new', '2026-01-03T00:00:00.000Z')).toEqual({ state: 'in_progress' });
    });
  });
  describeConversationErasure(name, make);
  describeOutboxOrder(name, make);
  describeOutboxSkip(name, make);
  describeTicketAssignment(name, make);
  describeStaffMessages(name, make);
  describeIdempotencyScopes(name, make);
}
