/**
 * A session's ticket after it was opened: reopened by a new escalation once resolved or closed,
 * raised when a later message is more serious, and handed over with the whole conversation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { ingestPaths } from '../src/rag/index.js';
import { captureLogs } from '../src/testing/index.js';

let app: App;

beforeEach(async () => {
  app = createApp(
    loadConfig({
      env: {
        LOG_LEVEL: 'silent',
        TOOL_RETRY_ATTEMPTS: '1',
        ESCALATION_WEBHOOK_URL: 'http://127.0.0.1:9/tickets',
        ESCALATION_WEBHOOK_SECRET: 'a-webhook-secret-0123456789',
      },
    }),
    { databasePath: ':memory:' },
  );
  await ingestPaths(app.knowledge, ['test/fixtures/help-center'], {
    maxFileBytes: 1 << 20,
    chunk: { size: 1000, overlap: 100 },
  });
});
afterEach(() => app.close());

const say = (sessionId: string, text: string) => app.turns.start({ sessionId, text }).result;
const outbox = async () =>
  (await app.conversations.dueOutbox(new Date(Date.now() + 60_000).toISOString(), 100)).map(
    (o) => ({ topic: o.topic, payload: o.payload as Record<string, unknown> }),
  );

describe("a session's ticket", () => {
  it('is reopened by a new request for a person after it was closed', async () => {
    const first = await say('r1', 'I want to talk to a human');
    const ticketId = first.escalation.ticketId as string;
    expect(ticketId).toMatch(/^T-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    await app.conversations.updateTicket(ticketId, { status: 'closed' });

    // A question after the ticket was closed does not reopen it…
    await say('r1', 'How long do refunds take?');
    expect((await app.conversations.ticket(ticketId))?.status).toBe('closed');
    // …asking for a person again does.
    const again = await say('r1', 'I still want to talk to a person');
    expect(again.escalation.ticketId).toBe(ticketId);
    expect((await app.conversations.ticket(ticketId))?.status).toBe('open');
    const events = await outbox();
    expect(events.map((e) => e.topic)).toEqual([
      'ticket.created',
      'ticket.message_added',
      'ticket.updated',
    ]);
    expect(events[2]?.payload).toMatchObject({
      ticket: { id: ticketId, status: 'open' },
      from: { status: 'closed' },
      message: 'I still want to talk to a person',
    });
  });

  it('is raised when a later message is more serious, keeping the reasons it had', async () => {
    const first = await say('r2', 'Can I speak to a person please?');
    const ticketId = first.escalation.ticketId as string;
    const before = await app.conversations.ticket(ticketId);
    expect(before?.priority).not.toBe('urgent');

    await say('r2', "I'm filing a chargeback and my lawyer will sue you, this is urgent");
    const after = await app.conversations.ticket(ticketId);
    expect(after).toMatchObject({ status: 'open', priority: 'urgent', category: 'legal' });
    expect(after?.reasons.slice(0, before?.reasons.length)).toEqual(before?.reasons);
    expect(after?.reasons.length).toBeGreaterThan(before?.reasons.length ?? 0);
    expect((await outbox()).at(-1)).toMatchObject({
      topic: 'ticket.updated',
      payload: { from: { priority: before?.priority, category: before?.category } },
    });
  });

  it('goes to the safety team when a safety incident is reported in it', async () => {
    const first = await say('r4', 'I want to talk to a human, it is urgent');
    const ticketId = first.escalation.ticketId as string;
    expect(await app.conversations.ticket(ticketId)).toMatchObject({
      priority: 'urgent',
      category: 'human_request',
    });

    // No more urgent than it was, but the people who handle safety must see it.
    await say('r4', 'The heater caught fire and burned my hand');
    expect(await app.conversations.ticket(ticketId)).toMatchObject({
      status: 'open',
      priority: 'urgent',
      category: 'safety',
    });
    expect((await outbox()).at(-1)).toMatchObject({
      topic: 'ticket.updated',
      payload: {
        ticket: { id: ticketId, category: 'safety' },
        from: { priority: 'urgent', category: 'human_request' },
      },
    });
  });

  it('hands over the whole conversation, not only its last few messages', async () => {
    const questions = [
      'My order 7781 arrived damaged, the box was crushed.',
      'How long do refunds take?',
      'Do you ship to Canada?',
      'How do I reset my password?',
      'Can I change my delivery address?',
    ];
    for (const question of questions) await say('r3', question);
    await say('r3', 'I want to talk to a human');
    const created = (await outbox()).find((e) => e.topic === 'ticket.created');
    const transcript = created?.payload.transcript as Array<{ role: string; text: string }>;
    expect(transcript).toHaveLength(2 * questions.length + 1);
    expect(transcript[0]).toEqual({ role: 'user', text: questions[0] });
    expect(transcript.at(-1)).toEqual({ role: 'user', text: 'I want to talk to a human' });
  });
});

describe('the log of hand-overs', () => {
  it('records each ticket opened, reopened or raised, with its session, priority and reasons', async () => {
    const logs = captureLogs();
    const logged = createApp(loadConfig({ env: { LOG_LEVEL: 'info', TOOL_RETRY_ATTEMPTS: '1' } }), {
      databasePath: ':memory:',
      logDestination: logs.stream,
    });
    try {
      const first = await logged.turns.start({
        sessionId: 'lg1',
        text: 'I want to talk to a human',
      }).result;
      const ticketId = first.escalation.ticketId as string;
      await logged.conversations.updateTicket(ticketId, { status: 'closed' });
      await logged.turns.start({
        sessionId: 'lg1',
        text: 'The charger caught fire and burned my hand',
      }).result;
      const lines = logs.lines.filter((l) => String(l.msg).startsWith('ticket '));
      expect(lines).toMatchObject([
        {
          msg: 'ticket opened',
          ticketId,
          sessionId: 'lg1',
          priority: 'high',
          category: 'human_request',
          reasons: [expect.stringContaining('asked for a person')],
        },
        {
          msg: 'ticket reopened and raised',
          ticketId,
          sessionId: 'lg1',
          status: 'open',
          priority: 'urgent',
          category: 'safety',
        },
      ]);
    } finally {
      await logged.close();
    }
  });
});
