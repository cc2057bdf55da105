/**
 * The staff's document list, paged by cursor: each page starts after the last document of the
 * one before, so documents uploaded or deleted while paging neither repeat nor skip one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, uploadFile } from './helpers/admin-documents.js';
import { call, startServer, type Json, type TestServer } from './helpers/http.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

const upload = async (name: string, text: string) => {
  const uploaded = await uploadFile(t.url, name, `# ${name}\n\n${text}\n`);
  expect(uploaded.status).toBe(201);
  return uploaded.body.documents[0].id as string;
};
const list = (query: string) => call(t.url, 'GET', `/v1/admin/documents?${query}`, ADMIN);
const sources = (page: { body: Json }) => (page.body.items as Json[]).map((d) => d.source);

describe('the document list', () => {
  it('pages by `nextAfter`: an upload or a delete meanwhile neither repeats nor skips a document', async () => {
    await upload('b.md', 'Bravo.');
    await upload('c.md', 'Charlie.');
    const deltaId = await upload('d.md', 'Delta.');
    // With the two articles every test server has: five documents.
    const whole = await list('limit=50');
    expect(whole.body).toMatchObject({ total: 5, nextAfter: null });
    expect(sources(whole)).toEqual([
      '/help/faq.json',
      '/help/faq.json',
      'uploads/b.md',
      'uploads/c.md',
      'uploads/d.md',
    ]);

    const first = await list('limit=2');
    expect(first.status).toBe(200);
    expect(sources(first)).toEqual(['/help/faq.json', '/help/faq.json']);
    expect(first.body.nextAfter).toEqual(expect.any(String));

    // Meanwhile: a document that sorts before the page's end, and one of the page's deleted.
    await upload('a.md', 'Alpha.');
    const second = await list(`limit=2&after=${encodeURIComponent(first.body.nextAfter)}`);
    expect(second.status).toBe(200);
    expect(second.body.total).toBe(6);
    expect(sources(second)).toEqual(['uploads/a.md', 'uploads/b.md']);

    expect((await call(t.url, 'DELETE', `/v1/admin/documents/${deltaId}`, ADMIN)).status).toBe(200);
    const third = await list(`limit=2&after=${encodeURIComponent(second.body.nextAfter)}`);
    expect(sources(third)).toEqual(['uploads/c.md']);
    expect(third.body.nextAfter).toBeNull();
    // The last page says so itself, even when it is full: no pointer to an empty one.
    const full = await list(`limit=1&after=${encodeURIComponent(second.body.nextAfter)}`);
    expect(sources(full)).toEqual(['uploads/c.md']);
    expect(full.body.nextAfter).toBeNull();

    // `offset` still pages as before.
    const byOffset = await list('limit=2&offset=2');
    expect(sources(byOffset)).toEqual(['uploads/a.md', 'uploads/b.md']);
    expect(byOffset.body.nextAfter).toEqual(second.body.nextAfter);
  });

  it('refuses an `after` it did not give, and one given with `offset`', async () => {
    const first = await list('limit=1');
    const cursor = first.body.nextAfter as string;
    for (const [query, message] of [
      [
        'after=nope',
        "Invalid query: after: not a valid cursor: it must be the `nextAfter` of the list's previous page, as it was given. Start again from the first page, without `after`",
      ],
      [
        `after=${Buffer.from('[1,2]').toString('base64url')}`,
        "Invalid query: after: not a valid cursor: it must be the `nextAfter` of the list's previous page, as it was given. Start again from the first page, without `after`",
      ],
      [
        `after=${encodeURIComponent(cursor)}&offset=1`,
        'Invalid query: give "after" or "offset", not both',
      ],
    ] as const) {
      const refused = await list(query);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'invalid_input', message });
    }
  });
});
