/**
 * What the staff's lists make of input that no list gave, on SQLite and PostgreSQL alike: a
 * paging cursor forged or damaged (a NUL character, a time no calendar has) is a 400 that says
 * the cursor is not valid and to start from the first page, never a message about the database;
 * an assignee is found however its accents are encoded (composed or combining).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, call, startServer, type Json, type TestServer } from './helpers/http.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { openTicket } from './helpers/ticket-webhooks.js';

const admin = { token: ADMIN_KEY };
const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

/** A cursor as the lists write theirs (base64url of a JSON pair), of any two strings. */
const forged = (a: string, b: string) => Buffer.from(JSON.stringify([a, b])).toString('base64url');

describe.each([
  { database: 'SQLite', run: true },
  { database: 'PostgreSQL', run: postgresUp },
])('the admin lists on $database', ({ database, run }) => {
  let s: TestServer;
  const cleanup: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    if (!run) return;
    if (database === 'SQLite') {
      s = await startServer();
    } else {
      const schema = uniqueName('lists');
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      s = await startServer({ DATABASE_URL: url.toString() });
      cleanup.push(async () => {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      });
    }
    cleanup.unshift(() => s.close());
  });

  afterAll(async () => {
    for (const step of cleanup) await step();
  });

  const NOW = '2026-11-01T09:30:00.000Z';
  const ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

  it.runIf(run)(
    'answers a forged cursor with a 400 that says it is not valid and to start from the first page',
    async () => {
      const cases: Array<[string, string]> = [
        ['tickets', `before=${forged(NOW, `${ID}\u0000`)}`],
        ['tickets', `before=${forged('0000-01-01T00:00:00.000Z', ID)}`],
        ['tickets', `before=${forged('2026-02-30T00:00:00.000Z', ID)}`],
        ['sessions', `before=${forged(NOW, `${ID}\u0000`)}`],
        ['sessions', `before=${forged('0000-01-01T00:00:00.000Z', ID)}`],
        // The session list takes a time or a date too: not one of the year 0.
        ['sessions', 'before=0000-01-01'],
        ['sessions', 'before=0000-01-01T00:00:00Z'],
        ['documents', `after=${forged('uploads/a\u0000', 'x')}`],
        ['documents', `after=${forged('uploads/a', '\u0000')}`],
      ];
      for (const [list, query] of cases) {
        const answer = await call(s.url, 'GET', `/v1/admin/${list}?${query}`, admin);
        expect({ list, query, status: answer.status }).toEqual({ list, query, status: 400 });
        const error = answer.body.error as { code: string; message: string };
        expect(error.code).toBe('invalid_input');
        expect(error.message).toMatch(/not a valid cursor/);
        expect(error.message).toMatch(/start again from the first page/i);
        expect(error.message).not.toMatch(/postgres|database|sql/i);
      }
    },
  );

  it.runIf(run)(
    'finds the tickets of an assignee whose name is written with combining accents',
    async () => {
      const composed = 'Jos\u00e9 Mu\u00f1oz';
      const combining = composed.normalize('NFD');
      expect(combining).not.toBe(composed);
      const first = await openTicket(s.url);
      const second = await openTicket(s.url);
      for (const [id, name] of [
        [first, composed],
        [second, combining],
      ] as const) {
        const changed = await call(s.url, 'PATCH', `/v1/admin/tickets/${id}`, {
          ...admin,
          body: { assignee: name },
        });
        expect(changed.status).toBe(200);
        expect(changed.body.assignee).toBe(composed);
      }
      for (const name of [composed, combining, combining.toUpperCase()]) {
        const found = await call(
          s.url,
          'GET',
          `/v1/admin/tickets?assignee=${encodeURIComponent(name)}`,
          admin,
        );
        expect(found.status).toBe(200);
        expect((found.body.items as Json[]).map((ticket) => ticket.id as string).sort()).toEqual(
          [first, second].sort(),
        );
      }
    },
  );
});
