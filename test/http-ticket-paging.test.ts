/**
 * Staff paging through the ticket queue on a real server: each page says where the next one
 * starts (`nextBefore`), so a ticket opened meanwhile neither shows twice nor pushes another off
 * the page, with or without filters; a cursor that is not one, or one given with `offset`, is a
 * 400 in the one error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, call, startServer, type Json, type TestServer } from './helpers/http.js';
import { openTicket } from './helpers/ticket-webhooks.js';

const admin = { token: ADMIN_KEY };

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

const list = async (query: string) => {
  const page = await call(t.url, 'GET', `/v1/admin/tickets?${query}`, admin);
  expect(page.status).toBe(200);
  return {
    ids: (page.body.items as Json[]).map((x) => x.id as string),
    total: page.body.total as number,
    nextBefore: page.body.nextBefore as string | null,
  };
};

describe('the ticket list', () => {
  it('pages on by nextBefore: a ticket opened between two pages is neither repeated nor makes one skipped', async () => {
    const opened: string[] = [];
    for (let i = 0; i < 5; i += 1) opened.push(await openTicket(t.url));
    const everything = await list('limit=200');
    expect([...everything.ids.slice(0, 5)].sort()).toEqual([...opened].sort());

    const first = await list('limit=2');
    expect(first.ids).toEqual(everything.ids.slice(0, 2));
    expect(first.nextBefore).toEqual(expect.any(String));

    const newer = await openTicket(t.url);
    const second = await list(`limit=2&before=${encodeURIComponent(first.nextBefore ?? '')}`);
    // By offset the new ticket would have pushed the first page's last one onto this page.
    expect(second.ids).toEqual(everything.ids.slice(2, 4));
    expect(second.total).toBe(everything.total + 1);

    // To the end: every ticket once, and the new one (newer than the first page) on none.
    const seen = [...first.ids, ...second.ids];
    let cursor = second.nextBefore;
    while (cursor !== null) {
      const page = await list(`limit=2&before=${encodeURIComponent(cursor)}`);
      seen.push(...page.ids);
      cursor = page.nextBefore;
    }
    expect(seen).toEqual(everything.ids);
    expect(seen).not.toContain(newer);
  });

  it('pages a filtered list by the same cursor, and says on the last page that none follows', async () => {
    for (let i = 0; i < 3; i += 1) {
      const id = await openTicket(t.url);
      await openTicket(t.url);
      const changed = await call(t.url, 'PATCH', `/v1/admin/tickets/${id}`, {
        ...admin,
        body: { assignee: 'Paging Tester' },
      });
      expect(changed.status).toBe(200);
    }
    const mine = await list('assignee=paging%20tester&limit=200');
    expect(mine.ids).toHaveLength(3);
    const first = await list('assignee=paging%20tester&limit=2');
    expect(first).toMatchObject({ ids: mine.ids.slice(0, 2), total: 3 });
    const last = await list(
      `assignee=paging%20tester&limit=2&before=${encodeURIComponent(first.nextBefore ?? '')}`,
    );
    expect(last).toEqual({ ids: mine.ids.slice(2), total: 3, nextBefore: null });
    // A page that ends exactly at the end of the list says so too.
    expect(mine.nextBefore).toBeNull();
    expect((await list('assignee=paging%20tester&limit=3')).nextBefore).toBeNull();
  });

  it('refuses a cursor it did not give, and one given with an offset', async () => {
    await openTicket(t.url);
    const { nextBefore } = await list('limit=1');
    expect(nextBefore).toEqual(expect.any(String));
    const refused = async (query: string, message: RegExp) => {
      const page = await call(t.url, 'GET', `/v1/admin/tickets?${query}`, admin);
      expect(page.status).toBe(400);
      expect(page.body.error.code).toBe('invalid_input');
      expect(page.body.error.message).toMatch(message);
    };
    const notACursor = /before.*must be the `nextBefore` of the list's previous page/;
    await refused('before=not-a-cursor', notACursor);
    await refused('before=2026-01-01T00:00:00.000Z', notACursor);
    // A time or a date is told that the list is not paged by one, rather than left to guess.
    for (const time of ['2026-11-01', '2026-11-01T09:30:00%2B01:00']) {
      await refused(
        `before=${time}`,
        /as it was given: the ticket list is paged by it, not by a date or a time\. Start again from the first page, without `before`$/,
      );
    }
    const forged = Buffer.from(JSON.stringify(['yesterday', 'T-1'])).toString('base64url');
    await refused(`before=${forged}`, notACursor);
    await refused(
      `before=${encodeURIComponent(nextBefore ?? '')}&offset=1`,
      /give "before" or "offset", not both/,
    );
    // Each alone is taken, offset as before.
    expect((await list(`before=${encodeURIComponent(nextBefore ?? '')}`)).ids).toBeInstanceOf(
      Array,
    );
    expect((await list('offset=1&limit=1')).ids).toHaveLength(1);
  });
});
