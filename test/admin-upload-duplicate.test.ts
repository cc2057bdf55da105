/**
 * Uploading a file whose bytes are in the knowledge base already: the staff are told so, with
 * the document that holds them, rather than a "created" with no document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, type Json, startServer, type TestServer } from './helpers/http.js';

let t: TestServer;

beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

async function upload(files: Array<[string, string]>): Promise<{ status: number; body: Json }> {
  const form = new FormData();
  for (const [name, text] of files) form.append('file', new Blob([text]), name);
  const response = await fetch(`${t.url}/v1/admin/documents`, {
    method: 'POST',
    headers: bearer(ADMIN_KEY),
    body: form,
  });
  return { status: response.status, body: await response.json() };
}

const RETURNS = '# Returns\n\nParcels may be returned within 30 days of delivery.';

describe('uploading bytes already stored', () => {
  it('answers 200 with the document that holds them, and says nothing was re-indexed', async () => {
    const first = await upload([['returns.md', RETURNS]]);
    expect(first.status).toBe(201);
    const [stored] = first.body.documents as Json[];

    const again = await upload([['returns-copy.md', RETURNS]]);
    expect(again.status).toBe(200);
    expect(again.body.documents).toEqual([stored]);
    expect(again.body.report.duplicates).toEqual([
      { path: 'uploads/returns-copy.md', sameAs: 'uploads/returns.md' },
    ]);
    expect(again.body.summary).toMatch(
      /"returns-copy\.md" is already in the knowledge base as uploads\/returns\.md: nothing was re-indexed/,
    );

    // Two copies at once are named by the one document that holds their bytes, once.
    const twice = await upload([
      ['returns-a.md', RETURNS],
      ['returns-b.md', RETURNS],
    ]);
    expect(twice.status).toBe(200);
    expect(twice.body.documents).toEqual([stored]);

    // A file and its copy in one upload: the copy is held by the file, shown once.
    const pair = await upload([
      ['exchanges.md', '# Exchanges\n\nAn exchange ships free.'],
      ['exchanges-copy.md', '# Exchanges\n\nAn exchange ships free.'],
    ]);
    expect(pair.status).toBe(201);
    expect((pair.body.documents as Json[]).map((d) => d.source)).toEqual(['uploads/exchanges.md']);
    expect(pair.body.report.duplicates).toEqual([
      { path: 'uploads/exchanges-copy.md', sameAs: 'uploads/exchanges.md' },
    ]);
  });

  it('answers 200 when the same file is uploaded again under its own name', async () => {
    const text = '# Warranty\n\nEvery product has a two-year warranty.';
    const first = await upload([['warranty.md', text]]);
    expect(first.status).toBe(201);
    const again = await upload([['warranty.md', text]]);
    expect(again.status).toBe(200);
    expect(again.body.documents).toEqual(first.body.documents);
    expect(again.body.summary).toMatch(/unchanged since the last run: not read again/);
  });

  it('answers 201 when some files are new, with the document that holds the copy', async () => {
    const body = '# Gift cards\n\nGift cards never expire.';
    const first = await upload([['gift-cards.md', body]]);
    const mixed = await upload([
      ['gift-cards-again.md', body],
      ['opening-hours.md', '# Opening hours\n\nWe answer from 9 to 5 on weekdays.'],
    ]);
    expect(mixed.status).toBe(201);
    const documents = mixed.body.documents as Json[];
    expect(documents.map((d) => d.source)).toEqual([
      'uploads/opening-hours.md',
      'uploads/gift-cards.md',
    ]);
    expect(documents[1]).toEqual((first.body.documents as Json[])[0]);
    expect(mixed.body.summary).toMatch(
      /"gift-cards-again\.md" is already in the knowledge base as uploads\/gift-cards\.md/,
    );
  });
});

describe('an upload of which a file cannot be read', () => {
  const BROKEN = String.fromCharCode(0, 159, 146, 150, 0, 1);

  it('answers 201 when another file was stored, naming the one that was not', async () => {
    const some = await upload([
      ['damaged.pdf', BROKEN],
      ['delivery.md', '# Delivery\n\nWe deliver on Saturdays too.'],
    ]);
    expect(some.status).toBe(201);
    expect((some.body.documents as Json[]).map((d) => d.source)).toEqual(['uploads/delivery.md']);
    expect(some.body.report.failed).toEqual([
      { path: 'uploads/damaged.pdf', reason: expect.any(String) },
    ]);
    expect(some.body.summary).toMatch(/1 failed/);
  });

  it('answers 422 when nothing was stored: the others were in the knowledge base already', async () => {
    const text = '# Loyalty points\n\nPoints are kept for two years.';
    const first = await upload([['loyalty.md', text]]);
    expect(first.status).toBe(201);
    for (const other of [
      ['loyalty.md', text],
      ['loyalty-copy.md', text],
    ] as Array<[string, string]>) {
      const none = await upload([['damaged.pdf', BROKEN], other]);
      // Nothing was created, and a file was not stored: not a 201, nor a 200 (all stored).
      expect(none.status).toBe(422);
      expect(none.body.documents).toEqual(first.body.documents);
      expect(none.body.report.failed).toEqual([
        { path: 'uploads/damaged.pdf', reason: expect.any(String) },
      ]);
      expect(none.body.report.documents).toMatchObject({ added: 0, updated: 0 });
    }
  });
});

describe('re-indexing a document whose file is gone', () => {
  it('names the missing file', async () => {
    const list = await fetch(`${t.url}/v1/admin/documents?limit=100`, {
      headers: bearer(ADMIN_KEY),
    });
    const items = ((await list.json()) as Json).items as Json[];
    const seeded = items.find((d) => d.source === '/help/faq.json');
    expect(seeded).toBeDefined();
    const response = await fetch(`${t.url}/v1/admin/documents/${seeded.id}/reindex`, {
      method: 'POST',
      headers: bearer(ADMIN_KEY),
    });
    expect(response.status).toBe(409);
    const body = (await response.json()) as Json;
    expect(body.error.message).toBe(
      'The file of this document could not be read again: /help/faq.json does not exist. Put it back, or delete the document.',
    );
  });
});
