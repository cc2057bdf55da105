import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../src/errors/index.js';
import { joinHeadingPath } from '../src/store/heading-path.js';
import {
  createPostgresPool,
  migratePostgres,
  openPostgresStore,
  PostgresDatabase,
  POSTGRES_MIGRATIONS,
  type PostgresStore,
} from '../src/store/index.js';
import { titleAsks } from '../src/store/lexical/search-text.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { ticketToOpen } from './helpers/tickets.js';

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** The test URL with another host, port or database. */
function urlWith(change: (url: URL) => void): string {
  const url = new URL(POSTGRES_URL);
  change(url);
  return url.toString();
}

describe('opening a PostgreSQL store that cannot be used', () => {
  it('fails fast with upstream_unavailable when nothing listens, never showing the password', async () => {
    const url = urlWith((u) => {
      u.username = 'app';
      u.password = 's3cret-pw';
      u.port = '1';
    });
    const started = Date.now();
    const error = await failure(openPostgresStore(url, { connectionTimeoutMs: 2_000 }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(isAppError(error) && error.code).toBe('upstream_unavailable');
    expect(isAppError(error) && error.retryable).toBe(true);
    expect((error as Error).message).toContain(':1/');
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  it('gives up after the connection timeout when the server does not answer', async () => {
    // 10.255.255.1 is not routed: the connection attempt hangs until the timeout ends it.
    const url = urlWith((u) => {
      u.hostname = '10.255.255.1';
    });
    const started = Date.now();
    const error = await failure(openPostgresStore(url, { connectionTimeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(isAppError(error) && error.code).toBe('upstream_unavailable');
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    const error = await failure(openPostgresStore(POSTGRES_URL, { schema: 'x"; DROP TABLE y' }));
    expect(isAppError(error) && error.code).toBe('config_invalid');
  });
});

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

describe.runIf(postgresUp)('a PostgreSQL store', () => {
  const schemas: string[] = [];
  const stores: PostgresStore[] = [];
  const admin = createPostgresPool(POSTGRES_URL);

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  const open = async (schema: string) => {
    const store = await openPostgresStore(POSTGRES_URL, { schema });
    stores.push(store);
    return store;
  };
  const freshSchema = () => {
    const schema = uniqueName('t');
    schemas.push(schema);
    return schema;
  };

  it('reports a database that does not exist as config_invalid', async () => {
    const url = urlWith((u) => {
      u.pathname = `/${uniqueName('missing')}`;
    });
    const error = await failure(openPostgresStore(url));
    expect(isAppError(error) && error.code).toBe('config_invalid');
  });

  it('migrates once when two instances start together, and answers ping', async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([open(schema), open(schema)]);
    const { rows } = await admin.query<{ version: number }>(
      `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
    );
    expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    await expect(a?.ping()).resolves.toBeUndefined();
    await expect(b?.ping()).resolves.toBeUndefined();
  });

  it('marks the chunks stored before migration 6 whose title or a heading asks, as new ones are', async () => {
    const schema = freshSchema();
    const titles: Array<[string, string[]]> = [
      ['Signing In and Verifying Your Identity', ['Two-step verification']],
      ['How do I sign in?', []],
      ['Payments', ['Refunds', 'Is my card charged twice']],
      ['Payments', ['Showing   ', 'Fees?  ']],
      ['Whatever you need', ['Dodo birds', 'Can-do attitude']],
      ['Whichever plan', []],
    ];
    const old = new PostgresDatabase(createPostgresPool(POSTGRES_URL, { schema }), POSTGRES_URL);
    try {
      await migratePostgres(old, {
        schema,
        migrations: POSTGRES_MIGRATIONS.filter((m) => m.version < 6),
      });
      await old.query(
        `INSERT INTO documents (id, scope, source, doc_key, title, format, file_hash,
                                content_hash, chunk_count, created_at, updated_at)
         VALUES ('d', 'kb', 'faq.md', 'd', 'Help', 'markdown', 'h', 'h', 1, now(), now())`,
      );
      for (const [i, [title, headings]] of titles.entries()) {
        await old.query(
          `INSERT INTO chunks (document_id, scope, ordinal, title, heading_path, text, words,
                               title_words, terms, title_terms)
           VALUES ('d', 'kb', $1, $2, $3, 'text', 1, 1, ''::tsvector, ''::tsvector)`,
          [i, title, joinHeadingPath(headings)],
        );
      }
    } finally {
      await old.pool.end();
    }
    await open(schema);
    const { rows } = await admin.query<{ title_asks: boolean }>(
      `SELECT title_asks FROM "${schema}".chunks ORDER BY ordinal`,
    );
    expect(rows.map((row) => row.title_asks)).toEqual([false, true, true, true, true, false]);
    const totals = await admin.query<{ asking_chunks: number }>(
      `SELECT asking_chunks FROM "${schema}".chunk_totals`,
    );
    expect(totals.rows[0]?.asking_chunks).toBe(4);
    // The same answers as new chunks get from titleAsks.
    expect(titles.map(([title, headings]) => titleAsks(title, headings))).toEqual(
      rows.map((row) => row.title_asks),
    );
  });

  it('keeps the totals that search reads equal to the chunks through replaces and deletes', async () => {
    const schema = freshSchema();
    const store = await open(schema);
    const docOf = (key: string, title: string, headings: string[]) => ({
      docKey: key,
      title,
      format: 'markdown' as const,
      contentHash: `${key}/${title}/${headings.join('/')}`,
      chunks: [
        { ordinal: 0, headingPath: headings, text: 'First part.' },
        { ordinal: 1, headingPath: [], text: 'Second part.' },
      ],
    });
    await store.knowledge.replaceSource('kb', 'a.md', 'h1', [
      docOf('1', 'How do I sign in?', []),
      docOf('2', 'Billing', ['Why was I charged?']),
    ]);
    await store.knowledge.replaceSource('kb', 'b.md', 'h1', [docOf('3', 'Plans', ['Prices'])]);
    await store.knowledge.replaceSource('kb', 'a.md', 'h2', [
      docOf('1', 'Signing in', []),
      docOf('2', 'Billing', ['Why was I charged?']),
      docOf('4', 'Can I pause?', []),
    ]);
    await store.knowledge.deleteSource('kb', 'b.md');
    // Only a question mark changes: the same words, one chunk more that asks.
    await store.knowledge.replaceSource('kb', 'c.md', 'h1', [docOf('5', 'Refunds', [])]);
    await store.knowledge.replaceSource('kb', 'c.md', 'h2', [docOf('5', 'Refunds?', [])]);
    const { rows } = await admin.query(
      `SELECT t.chunks, t.words, t.title_words, t.asking_chunks,
              c.chunks AS real_chunks, c.words AS real_words, c.title_words AS real_title_words,
              c.asking AS real_asking
       FROM "${schema}".chunk_totals t,
            (SELECT count(*) AS chunks, sum(words) AS words, sum(title_words) AS title_words,
                    count(*) FILTER (WHERE title_asks) AS asking FROM "${schema}".chunks) c`,
    );
    const row = rows[0] as Record<string, unknown>;
    expect(Number(row.asking_chunks)).toBe(5);
    expect(Number(row.chunks)).toBe(Number(row.real_chunks));
    expect(Number(row.words)).toBe(Number(row.real_words));
    expect(Number(row.title_words)).toBe(Number(row.real_title_words));
    expect(Number(row.asking_chunks)).toBe(Number(row.real_asking));
  });

  it('refuses a database migrated by a newer program', async () => {
    const schema = freshSchema();
    await open(schema);
    await admin.query(
      `INSERT INTO "${schema}".schema_migrations (version, name, applied_at) VALUES (999, 'future', now())`,
    );
    const error = await failure(openPostgresStore(POSTGRES_URL, { schema }));
    expect(isAppError(error) && error.code).toBe('config_invalid');
    expect((error as Error).message).toMatch(/newer than this program/);
  });

  it('keeps its session settings when the URL gives options of its own (a schema)', async () => {
    const schema = freshSchema();
    const url = urlWith((u) => {
      u.searchParams.set('options', `-c search_path=${schema} -c statement_timeout=90s`);
    });
    const db = new PostgresDatabase(createPostgresPool(url), url);
    try {
      const setting = async (name: string) =>
        Object.values((await db.query<Record<string, string>>(`SHOW ${name}`))[0] ?? {})[0];
      // The URL's own, and the pool's: no JIT compilation (see createPostgresPool), in UTC.
      expect(await setting('search_path')).toBe(schema);
      expect(await setting('statement_timeout')).toBe('90s');
      expect(await setting('jit')).toBe('off');
      expect(await setting('timezone')).toBe('UTC');
    } finally {
      await db.pool.end();
    }
  });

  it('numbers messages gap-free when two instances append to one session at once', async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([open(schema), open(schema)]);
    const append = (store: PostgresStore | undefined, i: number) =>
      store?.conversations.appendMessage({
        id: randomUUID(),
        sessionId: 'shared',
        role: 'user',
        text: `m${i}`,
        turnId: 't',
        requestId: null,
        metadata: {},
      });
    await Promise.all(Array.from({ length: 100 }, (_, i) => append(i % 2 === 0 ? a : b, i)));
    const seqs = (await a?.conversations.messages('shared'))?.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(await b?.conversations.sessions({ limit: 5 })).toMatchObject([
      { sessionId: 'shared', messageCount: 100 },
    ]);
  });

  it('gives an idempotency key to one of two instances claiming it at once', async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([open(schema), open(schema)]);
    const claim = { sessionId: 's', key: 'k', fingerprint: 'f', now: new Date().toISOString() };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? a : b)?.conversations.claimIdempotencyKey(claim),
      ),
    );
    expect(results.filter((r) => r?.state === 'claimed')).toHaveLength(1);
  });

  it("answers spelling from the vocabulary it has while it reads another instance's words", async () => {
    const schema = freshSchema();
    let now = Date.UTC(2026, 5, 1);
    const a = await openPostgresStore(POSTGRES_URL, { schema, now: () => new Date(now) });
    stores.push(a);
    const b = await open(schema);
    const doc = (key: string, text: string) => ({
      docKey: key,
      title: key,
      format: 'markdown',
      contentHash: text,
      chunks: [{ ordinal: 0, headingPath: [], text }],
    });
    await a.knowledge.replaceSource('kb', 'a.md', 'h', [doc('a', 'Our courier delivers.')]);
    expect(await a.knowledge.correctSpelling(['courrier'])).toEqual(
      new Map([['courrier', 'courier']]),
    );
    // Another instance adds the word: this one learns it only once its vocabulary is old.
    await b.knowledge.replaceSource('kb', 'b.md', 'h', [doc('b', 'A courrier.')]);
    expect((await a.knowledge.correctSpelling(['courrier'])).size).toBe(1);
    now += 31_000;
    // Old now: it still answers, at once, while it is read again in the background…
    expect((await a.knowledge.correctSpelling(['courrier'])).size).toBe(1);
    // …and the new reading answers as soon as it is done.
    const deadline = Date.now() + 5_000;
    while ((await a.knowledge.correctSpelling(['courrier'])).size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await a.knowledge.correctSpelling(['courrier'])).toEqual(new Map());
  });

  it('keeps the longer word of a short stem with the vocabulary, and reads it again with it', async () => {
    const schema = freshSchema();
    let now = Date.UTC(2026, 5, 1);
    const a = await openPostgresStore(POSTGRES_URL, { schema, now: () => new Date(now) });
    stores.push(a);
    const b = await open(schema);
    const doc = (text: string) => ({
      docKey: 'faq',
      title: 'Delivery',
      format: 'markdown',
      contentHash: text,
      chunks: [{ ordinal: 0, headingPath: [], text }],
    });
    await a.knowledge.replaceSource('kb', 'faq.md', 'h', [doc('Shipping is free.')]);
    expect(await a.knowledge.correctSpelling(['shiping'])).toEqual(
      new Map([['shiping', 'shipping']]),
    );
    // Another instance writes the stem short only: the word kept still answers, not asked again…
    await b.knowledge.replaceSource('kb', 'faq.md', 'h2', [doc('We ship for free.')]);
    expect(await a.knowledge.correctSpelling(['shiping'])).toEqual(
      new Map([['shiping', 'shipping']]),
    );
    // …until the vocabulary is read again, with which it is looked up again.
    now += 31_000;
    await a.knowledge.correctSpelling(['shiping']);
    const deadline = Date.now() + 5_000;
    while ((await a.knowledge.correctSpelling(['shiping'])).size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await a.knowledge.correctSpelling(['shiping'])).toEqual(new Map());
  });

  it('lets two instances ingest the same source at once without losing a document', async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([open(schema), open(schema)]);
    const documents = (tag: string) =>
      Array.from({ length: 20 }, (_, i) => ({
        docKey: String(i),
        title: `Doc ${i}`,
        format: 'markdown',
        contentHash: `${tag}-${i}`,
        chunks: [{ ordinal: 0, headingPath: [], text: `text ${tag} ${i}` }],
      }));
    const results = await Promise.all([
      a?.knowledge.replaceSource('kb', 'same.md', 'ha', documents('a')),
      b?.knowledge.replaceSource('kb', 'same.md', 'hb', documents('b')),
    ]);
    // One ran first and added; the other then updated every document.
    expect(results.map((r) => r?.added).sort()).toEqual([0, 20]);
    expect(await a?.knowledge.stats('kb')).toEqual({ documents: 20, chunks: 20 });
    const { rows } = await admin.query<{ chunks: number }>(
      `SELECT chunks FROM "${schema}".chunk_totals`,
    );
    expect(rows[0]?.chunks).toBe(20);
  });

  it("lets instances polling one outbox at once deliver each session's messages one at a time, in order", async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([open(schema), open(schema)]);
    if (!a || !b) throw new Error('no store');
    const sessions = ['s1', 's2', 's3', 's4'];
    for (let n = 0; n < 5; n++) {
      for (const sessionId of sessions) {
        await a.conversations.enqueue({ topic: 't', payload: { sessionId, n } });
      }
    }
    const out = new Set<string>();
    const delivered = new Map<string, number[]>(sessions.map((s) => [s, []]));
    const overlaps: string[] = [];
    // Each instance leases, "sends" for a moment, and marks delivered, until nothing is left.
    const poll = async (store: PostgresStore) => {
      for (let idle = 0; idle < 20;) {
        const now = new Date(Date.now() + 1000).toISOString();
        const leased = await store.conversations.leaseOutbox(
          now,
          3,
          new Date(Date.now() + 600_000).toISOString(),
        );
        if (leased.length === 0) {
          idle++;
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        idle = 0;
        const payloads = leased.map((m) => m.payload as { sessionId: string; n: number });
        for (const { sessionId } of payloads) {
          if (out.has(sessionId)) overlaps.push(sessionId);
          out.add(sessionId);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
        for (const [i, message] of leased.entries()) {
          const { sessionId, n } = payloads[i] ?? { sessionId: '', n: -1 };
          delivered.get(sessionId)?.push(n);
          out.delete(sessionId);
          await store.conversations.markDelivered(message.id, new Date().toISOString());
        }
      }
    };
    await Promise.all([poll(a), poll(b)]);
    expect(overlaps).toEqual([]);
    for (const s of sessions) expect(delivered.get(s)).toEqual([0, 1, 2, 3, 4]);
  });

  it("orders a session's messages as their transactions commit: none is leased while an earlier one is not committed yet", async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([open(schema), open(schema)]);
    if (!a || !b) throw new Error('no store');
    await a.conversations.openTicket(ticketToOpen('T-1', 's'));
    // A trigger holds the transaction that queues a `held` message between its insert and its
    // commit, until the test's advisory lock is let go: as a slow commit would.
    const HOLD = [0x7465_7374, 1];
    await admin.query(`
      CREATE FUNCTION "${schema}".hold_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_advisory_xact_lock(${HOLD.join(', ')}); RETURN NULL; END $$;
      CREATE TRIGGER hold AFTER INSERT ON "${schema}".outbox FOR EACH ROW
        WHEN (NEW.topic = 'held') EXECUTE FUNCTION "${schema}".hold_outbox();`);
    const holder = await admin.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, $2)', HOLD);
      // Instance a changes the ticket; its event is inserted, not committed.
      const first = a.conversations.updateTicket('T-1', { status: 'pending' }, () => ({
        topic: 'held',
        payload: { ticket: { id: 'T-1', sessionId: 's' } },
      }));
      let firstPid: number | undefined;
      while (firstPid === undefined) {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
             AND classid = $1 AND objid = $2 AND objsubid = 2`,
          HOLD,
        );
        firstPid = rows[0]?.pid;
        if (firstPid === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Instance b queues the session's next message meanwhile: it either commits at once or
      // waits for a's transaction.
      let settled = false;
      const second = b.conversations
        .enqueue({ topic: 'next', payload: { sessionId: 's' } })
        .finally(() => {
          settled = true;
        });
      for (;;) {
        if (settled) break;
        const { rows } = await admin.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
          [firstPid],
        );
        if ((rows[0]?.n ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Whoever polls now must not send `next` before `held`, which is not committed yet.
      const now = new Date(Date.now() + 1000).toISOString();
      const until = new Date(Date.now() + 600_000).toISOString();
      expect(await b.conversations.leaseOutbox(now, 10, until)).toEqual([]);

      await holder.query('SELECT pg_advisory_unlock($1, $2)', HOLD);
      await Promise.all([first, second]);
      const leased = await b.conversations.leaseOutbox(now, 10, until);
      expect(leased.map((m) => m.topic)).toEqual(['held']);
      await b.conversations.markDelivered(leased[0]?.id ?? '', now);
      expect((await a.conversations.leaseOutbox(now, 10, until)).map((m) => m.topic)).toEqual([
        'next',
      ]);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
  });

  it('sweeps old memories in batches: a first sweep of a large table is not one statement past the time limit', async () => {
    const schema = freshSchema();
    // A statement time limit that one DELETE of every old row passes, and one batch does not.
    const store = await openPostgresStore(POSTGRES_URL, { schema, queryTimeoutMs: 300 });
    stores.push(store);
    const old = 300_000;
    await admin.query(
      `INSERT INTO "${schema}".memories (id, session_id, type, content, importance, created_at)
       SELECT 'm' || g, 's' || (g % 5000), 'fact', 'remembered ' || g, 0.5, '2025-01-01T00:00:00Z'
       FROM generate_series(1, $1::int) AS g`,
      [old],
    );
    await admin.query(
      `INSERT INTO "${schema}".memories (id, session_id, type, content, importance, created_at)
       VALUES ('kept', 's1', 'fact', 'recent', 0.5, '2026-06-01T00:00:00Z')`,
    );
    expect(await store.conversations.forgetBefore('2026-01-01T00:00:00Z')).toBe(old);
    const left = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".memories`);
    expect(Number(left.rows[0]?.n)).toBe(1);
  }, 60_000);
});
