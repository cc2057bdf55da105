/**
 * The escalation check writes to the ticket system's outbox. A write that outlasts the check's
 * time limit still lands (a database call is not taken back), so the check is not made again
 * once it has begun to write: a second attempt would find the first one's ticket and send the
 * message to the ticket system a second time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { AppError } from '../src/errors/index.js';
import { FakeClock, flushPromises } from '../src/testing/index.js';

let app: App;
let clock: FakeClock;

beforeEach(() => {
  clock = new FakeClock(Date.UTC(2026, 5, 1));
  app = createApp(
    loadConfig({
      env: {
        LOG_LEVEL: 'silent',
        TOOL_RETRY_JITTER: '0',
        ESCALATION_WEBHOOK_URL: 'http://127.0.0.1:9/tickets',
        ESCALATION_WEBHOOK_SECRET: 'a-webhook-secret-0123456789',
      },
    }),
    { databasePath: ':memory:', clock },
  );
});
afterEach(() => app.close());

/** Holds the next call of the repository's `method` until released, as a busy database would. */
function holdNext<K extends 'openTicket' | 'enqueue'>(method: K) {
  const repo = app.conversations as unknown as Record<K, (...args: unknown[]) => Promise<unknown>>;
  const original = repo[method].bind(repo);
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let reached = () => {};
  const entered = new Promise<void>((resolve) => (reached = resolve));
  repo[method] = async (...args: unknown[]) => {
    repo[method] = original;
    reached();
    await released;
    return original(...args);
  };
  return { entered, release };
}

const check = (sessionId: string, message: string) =>
  app.tools.call(
    'escalation',
    { message, history: [], noKnowledgeStreak: 0, noKnowledgeNow: false },
    { sessionId },
  );

const topics = async (sessionId: string) =>
  (await app.conversations.dueOutbox(new Date(clock.now() + 60_000).toISOString(), 100))
    .filter((o) => o.sessionId === sessionId)
    .map((o) => [o.topic, (o.payload as { message?: string }).message ?? null]);

describe('an escalation check whose write outlasts its time limit', () => {
  it('is not made again: the message opens its ticket once and is not sent again as added', async () => {
    const held = holdNext('openTicket');
    const pending = check('w1', 'I want to talk to a human');
    await held.entered;
    await clock.advance(5_000);
    // The first attempt's write lands after its time limit, before any second attempt.
    held.release();
    await flushPromises();
    const result = await clock.run(pending);

    expect(result).toMatchObject({ type: 'timeout', attempts: 1 });
    expect(await topics('w1')).toEqual([['ticket.created', null]]);
  });

  it("is not made again for a session's ticket: the message is added to it once", async () => {
    expect(await clock.run(check('w2', 'I want to talk to a human'))).toMatchObject({
      type: 'ok',
      value: { ticketCreated: true },
    });
    const held = holdNext('enqueue');
    const pending = check('w2', 'My order number is 1234');
    await held.entered;
    await clock.advance(5_000);
    held.release();
    await flushPromises();
    const result = await clock.run(pending);

    expect(result).toMatchObject({ type: 'timeout', attempts: 1 });
    expect(await topics('w2')).toEqual([
      ['ticket.created', null],
      ['ticket.message_added', 'My order number is 1234'],
    ]);
  });

  it('is made again when it failed before writing anything', async () => {
    let reads = 0;
    const repo = app.conversations;
    const ticketOf = repo.ticketOf.bind(repo);
    repo.ticketOf = async (sessionId) => {
      if (++reads === 1) {
        throw new AppError('upstream_unavailable', 'the database is away', { retryable: true });
      }
      return ticketOf(sessionId);
    };
    const result = await clock.run(check('w3', 'I want to talk to a human'));
    expect(result).toMatchObject({ type: 'ok', attempts: 2, value: { ticketCreated: true } });
    expect(await topics('w3')).toEqual([['ticket.created', null]]);
  });
});
