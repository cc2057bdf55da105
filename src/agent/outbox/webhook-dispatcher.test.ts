import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, SqliteConversationRepository } from '../../store/index.js';
import { createLogger } from '../../telemetry/index.js';
import { captureLogs, FakeClock } from '../../testing/index.js';
import { redeliveryDelayMs, signature, WebhookDispatcher } from './webhook-dispatcher.js';
import { ticketToOpen } from '../../../test/helpers/tickets.js';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let server: Server | undefined;
afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/** A real receiver on loopback that answers 500 to its first `failures` requests. */
async function receiver(failures: number): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(received.length <= failures ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/tickets`,
    received,
  };
}

const ticket = ticketToOpen;

describe('WebhookDispatcher', () => {
  it('delivers at least once across a receiver that fails the first two attempts, with one delivery id and a valid signature', async () => {
    const clock = new FakeClock();
    const repo = new SqliteConversationRepository(
      openDatabase(':memory:'),
      () => new Date(clock.now()),
    );
    const { url, received } = await receiver(2);
    const dispatcher = new WebhookDispatcher({
      repo,
      url,
      secret: 'whsec-test',
      clock,
      logger: createLogger({ level: 'silent' }),
    });
    await repo.openTicket(
      {
        id: 'T-7',
        sessionId: 's',
        priority: 'high',
        category: 'legal',
        summary: 'Lawyer',
        reasons: ['legal'],
      },
      { topic: 'ticket.created', payload: { ticketId: 'T-7' } },
    );

    expect(await dispatcher.deliverDue()).toBe(0);
    await clock.advance(redeliveryDelayMs(1));
    expect(await dispatcher.deliverDue()).toBe(0);
    expect(await dispatcher.deliverDue()).toBe(0); // not due yet: backoff doubled
    await clock.advance(redeliveryDelayMs(2));
    expect(await dispatcher.deliverDue()).toBe(1);
    await clock.advance(600_000);
    expect(await dispatcher.deliverDue()).toBe(0);

    expect(received).toHaveLength(3);
    const ids = new Set(received.map((r) => r.headers['x-support-agent-delivery']));
    expect(ids.size).toBe(1);
    for (const r of received) {
      // Signed with the time it was sent: each try is signed afresh, so a receiver may refuse
      // any delivery whose timestamp is old, and a captured one cannot be replayed later.
      const timestamp = r.headers['x-support-agent-timestamp'] as string;
      expect(Number(timestamp)).toBeGreaterThanOrEqual(Math.floor(clock.now() / 1000) - 700);
      expect(r.headers['x-support-agent-signature']).toBe(
        signature('whsec-test', timestamp, r.body),
      );
      expect(r.headers['x-support-agent-signature']).not.toBe(
        `sha256=${createHmac('sha256', 'whsec-test').update(r.body).digest('hex')}`,
      );
      expect(JSON.parse(r.body)).toMatchObject({
        topic: 'ticket.created',
        payload: { ticketId: 'T-7' },
      });
    }
  });

  it('keeps an item when the receiver cannot be reached, and says why', async () => {
    const clock = new FakeClock();
    const repo = new SqliteConversationRepository(
      openDatabase(':memory:'),
      () => new Date(clock.now()),
    );
    const item = await repo.enqueue({ topic: 't', payload: {} });
    const dispatcher = new WebhookDispatcher({
      repo,
      url: 'http://127.0.0.1:1/unreachable',
      secret: 's',
      clock,
      logger: createLogger({ level: 'silent' }),
    });
    expect(await dispatcher.deliverDue()).toBe(0);
    const [pending] = await repo.dueOutbox(new Date(clock.now() + 5_000).toISOString(), 10);
    expect(pending).toMatchObject({ id: item.id, attempts: 1, deliveredAt: null });
    // fetch's own message is only "fetch failed"; the cause says why.
    expect(pending?.lastError).toBe('fetch failed: bad port');
  });

  it('counts a redirect as a failure: the event is not lost to a GET without its body', async () => {
    const clock = new FakeClock();
    const repo = new SqliteConversationRepository(
      openDatabase(':memory:'),
      () => new Date(clock.now()),
    );
    const gets: string[] = [];
    server = createServer((request, response) => {
      if (request.method === 'GET') {
        gets.push(request.url ?? '');
        response.writeHead(200).end('a page');
      } else response.writeHead(301, { location: '/moved' }).end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const item = await repo.enqueue({ topic: 't', payload: {} });
    const dispatcher = new WebhookDispatcher({
      repo,
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      secret: 's',
      clock,
      logger: createLogger({ level: 'silent' }),
    });
    expect(await dispatcher.deliverDue()).toBe(0);
    expect(gets).toEqual([]);
    const [pending] = await repo.dueOutbox(new Date(clock.now() + 5_000).toISOString(), 10);
    expect(pending).toMatchObject({ id: item.id, attempts: 1, deliveredAt: null });
    expect(pending?.lastError).toBe(
      'HTTP 301, redirected to /moved: set the webhook URL to where it points',
    );
  });

  it('gives up a delivery a receiver never answers when stopped, and leaves its items due at once', async () => {
    const clock = new FakeClock();
    const repo = new SqliteConversationRepository(
      openDatabase(':memory:'),
      () => new Date(clock.now()),
    );
    let requests = 0;
    // Reads each request and never answers it.
    server = createServer(() => requests++);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    for (let i = 0; i < 3; i++) await repo.enqueue({ topic: 't', payload: { i } });
    const dispatcher = new WebhookDispatcher({
      repo,
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      secret: 's',
      clock,
      logger: createLogger({ level: 'silent' }),
      timeoutMs: 60_000,
    });
    const pass = dispatcher.deliverDue();
    while (requests === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = performance.now();
    await dispatcher.stop();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await pass).toBe(0);
    expect(requests).toBe(1);
    // All three are due now (not only when their lease would have ended), for the next start.
    const due = await repo.dueOutbox(new Date(clock.now()).toISOString(), 10);
    expect(due.map((d) => d.payload)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    // Only the one sent counts an attempt; the two never tried are not shown as failing.
    expect(due.map((d) => d.attempts)).toEqual([1, 0, 0]);
    expect((await repo.outboxBacklog()).failing).toBe(1);
  });

  it("never sends a ticket's update before the ticket.created the receiver refused, and sends both once it takes it", async () => {
    const clock = new FakeClock();
    const repo = new SqliteConversationRepository(
      openDatabase(':memory:'),
      () => new Date(clock.now()),
    );
    const { url, received } = await receiver(1);
    const dispatcher = new WebhookDispatcher({
      repo,
      url,
      secret: 's',
      clock,
      logger: createLogger({ level: 'silent' }),
    });
    await repo.openTicket(ticket('T-1', 's1'), {
      topic: 'ticket.created',
      payload: { ticket: { id: 'T-1' } },
    });
    await repo.updateTicket('T-1', { status: 'resolved' }, () => ({
      topic: 'ticket.updated',
      payload: { ticketId: 'T-1' },
    }));
    const topics = () => received.map((r) => (JSON.parse(r.body) as { topic: string }).topic);

    expect(await dispatcher.deliverDue()).toBe(0);
    expect(topics()).toEqual(['ticket.created']);
    expect(await dispatcher.deliverDue()).toBe(0); // the retry is not due yet, nor what follows
    expect(topics()).toEqual(['ticket.created']);
    await clock.advance(redeliveryDelayMs(1));
    // The retry is taken, and the update goes in the same pass.
    expect(await dispatcher.deliverDue()).toBe(2);
    expect(topics()).toEqual(['ticket.created', 'ticket.created', 'ticket.updated']);
  });

  it('logs each refusal with the session it holds back', async () => {
    const clock = new FakeClock();
    const repo = new SqliteConversationRepository(
      openDatabase(':memory:'),
      () => new Date(clock.now()),
    );
    const { url } = await receiver(1);
    const logs = captureLogs();
    const dispatcher = new WebhookDispatcher({
      repo,
      url,
      secret: 's',
      clock,
      logger: createLogger({ level: 'info', destination: logs.stream }),
    });
    await repo.openTicket(ticket('T-3', 's3'), {
      topic: 'ticket.created',
      payload: { ticket: { id: 'T-3' } },
    });
    expect(await dispatcher.deliverDue()).toBe(0);
    expect(logs.lines).toMatchObject([
      {
        level: 'warn',
        msg: 'webhook delivery failed; will retry',
        topic: 'ticket.created',
        sessionId: 's3',
        attempts: 1,
        error: 'HTTP 500',
      },
    ]);
    await clock.advance(redeliveryDelayMs(1));
    expect(await dispatcher.deliverDue()).toBe(1);
    expect(logs.lines[1]).toMatchObject({ msg: 'webhook delivered', sessionId: 's3' });
  });

  it("lets no other instance send a ticket's next event while its first is still being sent", async () => {
    const clock = new FakeClock();
    const repo = new SqliteConversationRepository(
      openDatabase(':memory:'),
      () => new Date(clock.now()),
    );
    // Holds the first request unanswered until told; answers the others at once.
    const received: string[] = [];
    let answerFirst: () => void = () => undefined;
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push((JSON.parse(body) as { topic: string }).topic);
        if (received.length === 1) answerFirst = () => response.writeHead(204).end();
        else response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const instance = () =>
      new WebhookDispatcher({
        repo,
        url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}/hook`,
        secret: 's',
        clock,
        logger: createLogger({ level: 'silent' }),
      });
    const [one, other] = [instance(), instance()];
    await repo.openTicket(ticket('T-2', 's2'), {
      topic: 'ticket.created',
      payload: { ticket: { id: 'T-2' } },
    });
    const first = one.deliverDue();
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await repo.updateTicket('T-2', { status: 'pending' }, () => ({
      topic: 'ticket.updated',
      payload: { ticketId: 'T-2' },
    }));
    await repo.enqueue({ topic: 'other.session', payload: { sessionId: 'elsewhere' } });

    // Another session's event goes out meanwhile; the ticket's update waits.
    expect(await other.deliverDue()).toBe(1);
    expect(received).toEqual(['ticket.created', 'other.session']);
    answerFirst();
    expect(await first).toBe(2);
    expect(received).toEqual(['ticket.created', 'other.session', 'ticket.updated']);
  });

  it('backs off 1 s doubling to at most 5 minutes', () => {
    expect([1, 2, 3, 10, 30].map(redeliveryDelayMs)).toEqual([1000, 2000, 4000, 300_000, 300_000]);
  });
});
