import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../src/errors/index.js';
import {
  createPostgresPool,
  openPostgresStore,
  PostgresConversationRepository,
  PostgresDatabase,
  type PostgresStore,
} from '../src/store/index.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { ticketToOpen } from './helpers/tickets.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe.runIf(postgresUp)('PostgreSQL going away in the middle of a transaction', () => {
  const schema = uniqueName('cut');
  let proxy: TcpProxy;
  let store: PostgresStore;
  let db: PostgresDatabase;
  const admin = createPostgresPool(POSTGRES_URL);

  beforeAll(async () => {
    const target = new URL(POSTGRES_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const url = new URL(POSTGRES_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    store = await openPostgresStore(url.toString(), { schema, connectionTimeoutMs: 1_000 });
    db = new PostgresDatabase(createPostgresPool(url.toString(), { schema }), url.toString());
  });
  afterAll(async () => {
    await store.close();
    await db.pool.end();
    await proxy.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('fails the transaction as unavailable between statements, and works once it is back', async () => {
    const error = await failure(
      db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        proxy.cut();
        await new Promise((resolve) => setTimeout(resolve, 100));
        await tx.query('SELECT 2');
      }),
    );
    expect(isAppError(error) && error.code).toBe('upstream_unavailable');
    proxy.restore();
    expect(await db.transaction((tx) => tx.query<{ n: number }>('SELECT 3 AS n'))).toEqual([
      { n: 3 },
    ]);
  });

  it('fails the transaction as unavailable during a statement', async () => {
    const error = await failure(
      db.transaction(async (tx) => {
        setTimeout(() => proxy.cut(), 100);
        await tx.query('SELECT pg_sleep(1)');
      }),
    );
    expect(isAppError(error) && error.code).toBe('upstream_unavailable');
    proxy.restore();
  });

  it('keeps the process up when a ticket change loses the server mid-way, and changes nothing', async () => {
    const { ticket } = await store.conversations.openTicket(ticketToOpen('t-cut', 's-cut'));
    const error = await failure(
      store.conversations.updateTicket(ticket.id, { status: 'pending' }, () => {
        // Between the ticket's update and its outbox message, in one transaction.
        proxy.cut();
        return { topic: 'ticket.updated', payload: { sessionId: 's-cut' } };
      }),
    );
    expect(isAppError(error) && error.code).toBe('upstream_unavailable');
    proxy.restore();
    expect((await store.conversations.ticket(ticket.id))?.status).toBe('open');
  });
});

describe.runIf(postgresUp)(
  'PostgreSQL that takes reads only (a standby, during a failover)',
  () => {
    const schema = uniqueName('ro');
    const admin = createPostgresPool(POSTGRES_URL);
    let store: PostgresStore;
    let readOnly: PostgresDatabase;

    beforeAll(async () => {
      store = await openPostgresStore(POSTGRES_URL, { schema });
      const url = new URL(POSTGRES_URL);
      url.searchParams.set(
        'options',
        `-c search_path=${schema} -c default_transaction_read_only=on`,
      );
      readOnly = new PostgresDatabase(createPostgresPool(url.toString()), url.toString());
    });
    afterAll(async () => {
      await store.close();
      await readOnly.pool.end();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });

    it('refuses a write as unavailable, to be tried again, and still reads', async () => {
      const conversations = new PostgresConversationRepository(readOnly);
      const error = await failure(
        conversations.appendMessage({
          id: 'm-ro',
          sessionId: 's-ro',
          role: 'user',
          text: 'Hello',
          turnId: 't-ro',
          requestId: null,
          metadata: {},
        }),
      );
      expect(isAppError(error) && error.code).toBe('upstream_unavailable');
      expect(isAppError(error) && error.retryable).toBe(true);
      expect(await conversations.countMessages('s-ro')).toBe(0);
    });
  },
);

/** What `promise` gave within `ms`: its value, its error, or `'no answer'`. */
function within(ms: number, promise: Promise<unknown>): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve('no answer'), ms);
  });
  return Promise.race([promise.catch((error: unknown) => error), late]).finally(() =>
    clearTimeout(timer),
  );
}

describe.runIf(postgresUp)('PostgreSQL that stops answering on its open connections', () => {
  const schema = uniqueName('frozen');
  const admin = createPostgresPool(POSTGRES_URL);
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(POSTGRES_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  });
  afterAll(async () => {
    await proxy.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('fails its statements in time, then works on new connections, and closes', async () => {
    const url = new URL(POSTGRES_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    const store = await openPostgresStore(url.toString(), {
      schema,
      poolSize: 2,
      queryTimeoutMs: 1_000,
    });
    const { conversations } = store;
    // Both connections of the pool open, then cut off from the server without being closed.
    await Promise.all([conversations.countMessages('s'), conversations.countMessages('s')]);
    proxy.freeze();
    const started = Date.now();
    const [read, change] = await Promise.all([
      within(5_000, conversations.countMessages('s')),
      within(5_000, conversations.updateTicket('no-such-ticket', { status: 'closed' })),
    ]);
    // A transaction's ROLLBACK does not wait behind the statement that got no answer.
    expect(Date.now() - started).toBeLessThan(1_800);
    for (const error of [read, change]) {
      expect(isAppError(error) && error.code, String(error)).toBe('timeout');
      expect(isAppError(error) && error.retryable).toBe(true);
    }
    // The server is there for new connections: the pool is not left holding the frozen ones.
    expect(await within(5_000, conversations.countMessages('s'))).toBe(0);
    expect(await within(5_000, store.close())).toBeUndefined();
  }, 20_000);
});

describe.runIf(postgresUp)('PostgreSQL with a lock_timeout of its own', () => {
  const schema = uniqueName('locks');
  const admin = createPostgresPool(POSTGRES_URL, { schema });
  let store: PostgresStore;
  let limited: PostgresDatabase;

  beforeAll(async () => {
    store = await openPostgresStore(POSTGRES_URL, { schema });
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', '-c lock_timeout=200ms');
    limited = new PostgresDatabase(createPostgresPool(url.toString(), { schema }), url.toString());
  });
  afterAll(async () => {
    await store.close();
    await limited.pool.end();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('answers a change that waited too long for a lock as a timeout, to be tried again', async () => {
    const { ticket } = await store.conversations.openTicket(ticketToOpen('t-lock', 's-lock'));
    const holder = await admin.connect();
    try {
      // Another instance's transaction holds the ticket.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [ticket.id]);
      const error = await failure(
        new PostgresConversationRepository(limited).updateTicket(ticket.id, { status: 'pending' }),
      );
      expect(isAppError(error) && error.code).toBe('timeout');
      expect(isAppError(error) && error.retryable).toBe(true);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });
});
