/**
 * Uploads through the admin API whose files share a name, and what search shows afterwards: a
 * document is known by its name, so two files of one upload with one name are refused (one
 * would silently replace the other), and search never shows a passage that is not stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  bearer,
  call,
  startServer,
  type Json,
  type TestServer,
} from './helpers/http.js';

let t: TestServer;
const admin = { token: ADMIN_KEY };

beforeAll(async () => {
  t = await startServer();
  // Search once, as a running server has: the index it keeps in memory is built and must follow.
  expect((await search('refund')).hits).not.toHaveLength(0);
});
afterAll(() => t.close());

const page = (title: string, text: string) =>
  new Blob([`<html><head><title>${title}</title></head><body><p>${text}</p></body></html>`]);

async function upload(files: Array<[name: string, data: Blob]>) {
  const form = new FormData();
  for (const [name, data] of files) form.append('file', data, name);
  const response = await fetch(`${t.url}/v1/admin/documents`, {
    method: 'POST',
    headers: bearer(ADMIN_KEY),
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** The search playground's passages for `query`, each checked to have its text. */
async function search(query: string): Promise<{ hits: Array<{ title: string; text: string }> }> {
  const r = await call(t.url, 'POST', '/v1/admin/search', { ...admin, body: { query } });
  expect(r.status).toBe(200);
  for (const hit of r.body.hits as Json[]) expect(hit.text, `${query}: ${hit.title}`).not.toBe('');
  return r.body;
}

const sources = async () =>
  ((await call(t.url, 'GET', '/v1/admin/documents?limit=200', admin)).body.items as Json[]).map(
    (d) => d.source as string,
  );

describe('an upload two of whose files have one name', () => {
  it.each([
    ['in two folders', ['a/index.html', 'b/index.html']],
    ['twice the same', ['index.html', 'index.html']],
  ])(
    'is refused, naming the files and the name, and stores none of its files (%s)',
    async (_, names) => {
      const before = await sources();
      const refused = await upload([
        [names[0] as string, page('Shipping', 'We ship parcels by zeppelin to 40 countries.')],
        ['gift-cards.md', new Blob(['# Gift cards\n\nGift cards never expire, even on the moon.'])],
        [
          names[1] as string,
          page('Returns', 'Returns are accepted by carrier pigeon for 30 days.'),
        ],
      ]);
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        error: {
          code: 'invalid_input',
          message:
            'Files 1 and 3 of this upload are both named "index.html" (an upload keeps file names, not folders). A document is known by its name, so one would replace the other: rename one of them and upload again. Nothing was stored.',
          requestId: expect.any(String),
        },
      });
      expect(await sources()).toEqual(before);
      for (const query of ['zeppelin', 'pigeon', 'moon']) {
        expect((await search(query)).hits, query).toEqual([]);
      }
    },
  );
});

describe('an upload whose files have different names', () => {
  it('keeps each file as its own document, found by its own words with its own title', async () => {
    const stored = await upload([
      ['shipping/index.html', page('Shipping', 'We ship parcels by zeppelin to 40 countries.')],
      ['returns.html', page('Returns', 'Returns are accepted by carrier pigeon for 30 days.')],
    ]);
    expect(stored.status).toBe(201);
    expect(stored.body.documents).toEqual([
      { id: expect.any(String), source: 'uploads/index.html', title: 'Shipping', chunkCount: 1 },
      { id: expect.any(String), source: 'uploads/returns.html', title: 'Returns', chunkCount: 1 },
    ]);
    const [zeppelin] = (await search('zeppelin')).hits;
    expect(zeppelin).toMatchObject({
      title: 'Shipping',
      text: expect.stringContaining('zeppelin'),
    });
    const [pigeon] = (await search('pigeon')).hits;
    expect(pigeon).toMatchObject({ title: 'Returns', text: expect.stringContaining('pigeon') });
  });

  it('shows only what is stored after the same name comes again changed, and after a delete', async () => {
    const first = await upload([['hours.html', page('Opening hours', 'We open at nine o’clock.')]]);
    expect((await search('open nine')).hits[0]).toMatchObject({ title: 'Opening hours' });
    const changed = await upload([
      ['hours.html', page('Support hours', 'Support answers from eight until late evening.')],
    ]);
    expect(changed.body.documents[0].id).toBe(first.body.documents[0].id);
    expect((await search('nine')).hits).toEqual([]);
    expect((await search('support eight evening')).hits[0]).toMatchObject({
      title: 'Support hours',
      text: 'Support answers from eight until late evening.',
    });
    const removed = await call(
      t.url,
      'DELETE',
      `/v1/admin/documents/${changed.body.documents[0].id}`,
      admin,
    );
    expect(removed.body.removed).toBe(1);
    expect((await search('support eight evening')).hits).toEqual([]);
  });
});
