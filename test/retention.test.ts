/**
 * RETENTION_DAYS: a conversation is erased that many days after its last message — messages,
 * memories, attachments, its ticket and the ticket's webhook messages — unless its ticket is
 * open or pending; `serve` sweeps at start and then hourly. On SQLite with a fake clock, and
 * on PostgreSQL and Redis.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import {
  createPostgresPool,
  migrate,
  migratePostgres,
  MIGRATIONS,
  openDatabase,
  openPostgresStore,
  PostgresDatabase,
  POSTGRES_MIGRATIONS,
  SqliteConversationRepository,
} from '../src/store/index.js';
import { captureLogs, FakeClock, type CapturedLogs } from '../src/testing/index.js';
import { ADMIN_KEY, call, startServer, type TestServer } from './helpers/http.js';
import { POSTGRES_URL, REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * A conversation as a turn leaves it, written `daysAgo` days before the app's clock: two
 * messages, a memory, an attachment indexed in the session's scope, a ticket in `ticket` status
 * (none when omitted) with its webhook message, and, with `live`, its session in the store.
 */
async function conversation(
  app: App,
  daysAgo: number,
  options: { ticket?: 'open' | 'pending' | 'resolved' | 'closed'; live?: boolean } = {},
): Promise<string> {
  const id = randomUUID();
  const at = new Date(app.clock.now() - daysAgo * DAY).toISOString();
  for (const [role, text] of [
    ['user', 'Where is my parcel? My address is 12 Zendrix Road.'],
    ['assistant', 'Parcels arrive within 5 working days.'],
  ] as const) {
    await app.conversations.appendMessage({
      id: randomUUID(),
      sessionId: id,
      role,
      text,
      turnId: 't',
      requestId: null,
      metadata: {},
      createdAt: at,
    });
  }
  await app.conversations.remember({
    sessionId: id,
    type: 'fact',
    content: 'Address: 12 Zendrix Road',
    importance: 0.8,
    createdAt: at,
  });
  await app.knowledge.replaceSource(`session:${id}`, 'attachment:label.txt', 'h', [
    {
      docKey: '',
      title: 'label.txt',
      format: 'text',
      contentHash: 'c',
      chunks: [{ ordinal: 0, headingPath: [], text: 'Shipping label for 12 Zendrix Road.' }],
    },
  ]);
  if (options.ticket) {
    await app.conversations.openTicket(
      {
        id: `T-${id.slice(0, 8)}`,
        sessionId: id,
        priority: 'normal',
        category: 'human_request',
        summary: 'Asked for a person',
        reasons: [],
      },
      { topic: 'ticket.created', payload: { ticket: { sessionId: id }, transcript: [] } },
    );
    if (options.ticket !== 'open') {
      await app.conversations.updateTicket(`T-${id.slice(0, 8)}`, { status: options.ticket });
    }
  }
  if (options.live) {
    await app.sessions.create(
      { tokenHash: 'h', status: 'active', messageCount: 1, lastMessageAt: at, metadata: {} },
      { id },
    );
  }
  return id;
}

/** What is left of a session: counts of what it had, its ticket's status, its live session. */
async function remains(app: App, id: string) {
  return {
    messages: await app.conversations.countMessages(id),
    memories: (await app.conversations.memories(id)).length,
    passages: (await app.knowledge.stats(`session:${id}`)).chunks,
    ticket: (await app.conversations.ticketOf(id))?.status ?? null,
    live: (await app.sessions.get(id)) !== null,
  };
}

const nothing = { messages: 0, memories: 0, passages: 0, ticket: null, live: false };

/** The erasure counter as `/metrics` shows it, for one reason. */
async function erasedMetric(app: App, reason: string): Promise<number | undefined> {
  const text = await app.telemetry.renderPrometheus();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('support_agent_sessions_erased_total{') && l.includes(`"${reason}"`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('RETENTION_DAYS on SQLite', () => {
  let app: App;
  let clock: FakeClock;
  let logs: CapturedLogs;
  const open = (env: Record<string, string>) => {
    clock = new FakeClock(Date.UTC(2026, 5, 1));
    logs = captureLogs();
    app = createApp(
      loadConfig({
        // Memories are forgotten by age on their own (MEMORY_MAX_AGE_DAYS): not here.
        env: { LOG_LEVEL: 'debug', MEMORY_MAX_AGE_DAYS: '3650', ...env },
      }),
      {
        databasePath: ':memory:',
        clock,
        logDestination: logs.stream,
      },
    );
    return app;
  };
  afterEach(() => app.close());

  it('tells the ticket system, by webhook, of an erased ticket, by its id alone', async () => {
    // A receiver that is not there: what is queued for it stays queued.
    open({
      RETENTION_DAYS: '30',
      ESCALATION_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      ESCALATION_WEBHOOK_SECRET: 'a-webhook-secret-0123456789',
    });
    const old = await conversation(app, 40, { ticket: 'resolved' });
    const untouched = await conversation(app, 40);
    app.start();
    await vi.waitFor(async () => expect(await remains(app, old)).toEqual(nothing));
    await vi.waitFor(async () => expect(await remains(app, untouched)).toEqual(nothing));
    const queued = await app.conversations.dueOutbox(
      new Date(clock.now() + 30 * DAY).toISOString(),
      10,
    );
    // Only the session that had a ticket: the ticket system knows of no other.
    expect(queued.map((o) => [o.topic, o.payload])).toEqual([
      [
        'ticket.erased',
        {
          ticket: { id: `T-${old.slice(0, 8)}` },
          reason: 'retention',
          erasedAt: new Date(clock.now()).toISOString(),
        },
      ],
    ]);
    // Not before a delivery lease has passed (10 tries of 10 s, and 30 s): a message of the
    // session an instance was posting as it was erased reaches the ticket system first.
    const at = (ms: number) => new Date(clock.now() + ms).toISOString();
    expect(await app.conversations.dueOutbox(at(0), 10)).toEqual([]);
    expect(await app.conversations.dueOutbox(at(129_999), 10)).toEqual([]);
    expect((await app.conversations.dueOutbox(at(130_000), 10)).map((o) => o.topic)).toEqual([
      'ticket.erased',
    ]);
  });

  it('erases at start, then hourly, the conversations past it, keeping recent ones and those a person works on', async () => {
    open({ RETENTION_DAYS: '30' });
    const old = await conversation(app, 40, { ticket: 'resolved', live: true });
    const closed = await conversation(app, 31, { ticket: 'closed' });
    // Thirty days less half an hour: past it at the sweep an hour later.
    const almost = await conversation(app, 30 - 1 / 48);
    const recent = await conversation(app, 10, { live: true });
    const worked = await conversation(app, 40, { ticket: 'open' });
    const waiting = await conversation(app, 40, { ticket: 'pending' });
    const before = {
      recent: await remains(app, recent),
      worked: await remains(app, worked),
      waiting: await remains(app, waiting),
    };

    app.start();
    await vi.waitFor(async () => expect(await remains(app, closed)).toEqual(nothing));
    expect(await remains(app, old)).toEqual(nothing);
    expect(await app.knowledge.stats()).toEqual({ documents: 4, chunks: 4 });
    expect(await remains(app, almost)).toMatchObject({ messages: 2, passages: 1 });
    expect(await remains(app, recent)).toEqual(before.recent);
    expect(before.recent).toEqual({
      messages: 2,
      memories: 1,
      passages: 1,
      ticket: null,
      live: true,
    });
    expect(await remains(app, worked)).toEqual(before.worked);
    expect(await remains(app, waiting)).toEqual(before.waiting);
    // Their tickets' webhook messages went with them.
    const outbox = JSON.stringify(
      await app.conversations.dueOutbox(new Date(clock.now() + DAY).toISOString(), 10),
    );
    expect(outbox).toContain(worked);
    expect(outbox).not.toContain(old);
    expect(outbox).not.toContain(closed);
    await vi.waitFor(() =>
      expect(logs.lines).toContainEqual(
        expect.objectContaining({ erased: 2, msg: 'erased 2 sessions past their retention' }),
      ),
    );
    expect(await erasedMetric(app, 'retention')).toBe(2);

    // An hour later the next sweep: the one thirty days old now is past it. Staff resolved
    // the pending ticket meanwhile: that one goes too.
    await app.conversations.updateTicket(`T-${waiting.slice(0, 8)}`, { status: 'resolved' });
    await clock.advance(HOUR);
    await vi.waitFor(async () => expect(await remains(app, almost)).toEqual(nothing));
    await vi.waitFor(async () => expect(await remains(app, waiting)).toEqual(nothing));
    expect(await remains(app, recent)).toEqual(before.recent);
    expect(await remains(app, worked)).toEqual(before.worked);
    await vi.waitFor(async () => expect(await erasedMetric(app, 'retention')).toBe(4));

    // Closing stops the hourly sweep: no timer of the app is left.
    await app.close();
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps everything by default (RETENTION_DAYS=0)', async () => {
    open({});
    const ancient = await conversation(app, 3000, { ticket: 'closed', live: true });
    const before = await remains(app, ancient);
    app.start();
    expect(await app.sweepRetention()).toBe(0);
    expect(await remains(app, ancient)).toEqual(before);
    expect(before.messages).toBe(2);
    await app.close();
    expect(clock.pendingTimers).toBe(0);
  });

  it('passes over a session whose turn is running, and erases it at a later sweep', async () => {
    open({ RETENTION_DAYS: '7' });
    const busy = await conversation(app, 8, { live: true });
    const lock = await app.sessions.lock(busy, 10_000);
    expect(await app.sweepRetention()).toBe(0);
    expect((await remains(app, busy)).messages).toBe(2);
    await lock.release();
    expect(await app.sweepRetention()).toBe(1);
    expect(await remains(app, busy)).toEqual(nothing);
  });

  it('erases a conversation whose session id no live session can have (from `ask --session`)', async () => {
    open({ RETENTION_DAYS: '7' });
    await app.conversations.appendMessage({
      id: randomUUID(),
      sessionId: 'x'.repeat(300),
      role: 'user',
      text: 'hello',
      turnId: 't',
      requestId: null,
      metadata: {},
      createdAt: new Date(clock.now() - 8 * DAY).toISOString(),
    });
    expect(await app.sweepRetention()).toBe(1);
    expect(await app.conversations.countMessages('x'.repeat(300))).toBe(0);
  });
});

/** Webhook messages as earlier versions queued them, before they were tied to a session. */
const EARLIER_OUTBOX = [
  ['ticket.created', { ticket: { id: 'T-1', sessionId: 'gone' }, transcript: ['my address'] }],
  ['ticket.message_added', { ticketId: 'T-1', sessionId: 'gone', message: 'more' }],
  ['ticket.message_added', { ticketId: 'T-2', sessionId: 'kept', message: 'mine' }],
  ['system.test', { n: 1 }],
] as const;

describe('erasing a session whose webhook messages were queued by an earlier version', () => {
  it('finds them on SQLite, once migrated', async () => {
    const db = openDatabase(':memory:', { migrations: MIGRATIONS.filter((m) => m.version < 7) });
    for (const [i, [topic, payload]] of EARLIER_OUTBOX.entries()) {
      db.prepare(
        `INSERT INTO outbox (id, topic, payload, created_at, next_attempt_at)
           VALUES (?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
      ).run(`o${i}`, topic, JSON.stringify(payload));
    }
    migrate(db, MIGRATIONS);
    const repo = new SqliteConversationRepository(db);
    expect(await repo.eraseSession('gone')).toMatchObject({ outbox: 2 });
    const left = await repo.dueOutbox('2027-01-01T00:00:00.000Z', 10);
    expect(left.map((item) => item.id)).toEqual(['o2', 'o3']);
  });
});

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

describe.runIf(postgresUp)(
  'erasing a session queued for by an earlier version, on PostgreSQL',
  () => {
    it('finds its webhook messages once migrated', async () => {
      const schema = uniqueName('erase_migration');
      const old = new PostgresDatabase(createPostgresPool(POSTGRES_URL, { schema }), POSTGRES_URL);
      try {
        await migratePostgres(old, {
          schema,
          migrations: POSTGRES_MIGRATIONS.filter((m) => m.version < 8),
        });
        for (const [i, [topic, payload]] of EARLIER_OUTBOX.entries()) {
          await old.query(
            `INSERT INTO outbox (id, topic, payload, created_at, next_attempt_at)
           VALUES ($1, $2, $3::jsonb, now(), now())`,
            [`o${i}`, topic, JSON.stringify(payload)],
          );
        }
      } finally {
        await old.pool.end();
      }
      const store = await openPostgresStore(POSTGRES_URL, { schema });
      try {
        expect(await store.conversations.eraseSession('gone')).toMatchObject({ outbox: 2 });
        const left = await store.conversations.dueOutbox('2999-01-01T00:00:00.000Z', 10);
        expect(left.map((item) => item.id).sort()).toEqual(['o2', 'o3']);
      } finally {
        await store.close();
        const admin = createPostgresPool(POSTGRES_URL);
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      }
    });
  },
);

const up =
  (await serviceAvailable('Redis', REDIS_URL, 6379)) &&
  (await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432));

describe.runIf(up)('RETENTION_DAYS and erasure on PostgreSQL and Redis', () => {
  const schema = uniqueName('retention');
  let t: TestServer;

  beforeAll(async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    t = await startServer({
      DATABASE_URL: url.toString(),
      REDIS_URL,
      REDIS_KEY_PREFIX: `${schema}:`,
      RETENTION_DAYS: '30',
    });
  });

  afterAll(async () => {
    await t?.close();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('sweeps the conversations past it, keeping recent ones and those a person works on', async () => {
    const old = await conversation(t.app, 40, { ticket: 'closed', live: true });
    const recent = await conversation(t.app, 10, { live: true });
    const worked = await conversation(t.app, 40, { ticket: 'pending' });
    const before = { recent: await remains(t.app, recent), worked: await remains(t.app, worked) };
    expect(before.recent).toMatchObject({ messages: 2, passages: 1, live: true });

    expect(await t.app.sweepRetention()).toBe(1);
    expect(await remains(t.app, old)).toEqual(nothing);
    expect(await remains(t.app, recent)).toEqual(before.recent);
    expect(await remains(t.app, worked)).toEqual(before.worked);
    expect(await t.app.sweepRetention()).toBe(0);
  });

  it('erases one session on request, whatever its ticket, and nothing of another', async () => {
    const gone = await conversation(t.app, 1, { ticket: 'open', live: true });
    const kept = await conversation(t.app, 1, { ticket: 'open', live: true });
    const keptBefore = await remains(t.app, kept);
    const erased = await call(t.url, 'DELETE', `/v1/admin/sessions/${gone}`, { token: ADMIN_KEY });
    expect(erased.status).toBe(204);
    expect(await remains(t.app, gone)).toEqual(nothing);
    expect(await remains(t.app, kept)).toEqual(keptBefore);
    expect(keptBefore).toMatchObject({ messages: 2, passages: 1, ticket: 'open', live: true });
    const transcript = await call(t.url, 'GET', `/v1/admin/sessions/${gone}`, { token: ADMIN_KEY });
    expect(transcript.status).toBe(404);
  });
});
