/**
 * What the admin document routes refuse, and in whose words: a scope no document can have is a
 * 400 (not an empty list that reads as "no documents"), and an upload of too many files is told
 * so as an upload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_FILES } from '../src/protocol/admin-api.js';
import { ADMIN_KEY, bearer, call, startServer, type TestServer } from './helpers/http.js';

let t: TestServer;
const admin = { token: ADMIN_KEY };

beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

describe('GET /v1/admin/documents', () => {
  it('refuses a scope that is neither kb nor a session, with the error shape', async () => {
    for (const scope of ['bogus', 'session:', 'session:not-a-uuid', 'KB ']) {
      const r = await call(
        t.url,
        'GET',
        `/v1/admin/documents?scope=${encodeURIComponent(scope)}`,
        admin,
      );
      expect(r.status, scope).toBe(400);
      expect(r.body.error.code).toBe('invalid_input');
      expect(r.body.error.message).toContain('"kb"');
      expect(r.body.error.message).toContain('"session:<session id>"');
      expect(typeof r.body.error.requestId).toBe('string');
    }
  });

  it('lists the knowledge base and a session’s attachments', async () => {
    const kb = await call(t.url, 'GET', '/v1/admin/documents?scope=kb', admin);
    expect(kb.status).toBe(200);
    expect(kb.body.items.length).toBeGreaterThan(0);
    const session = await call(
      t.url,
      'GET',
      '/v1/admin/documents?scope=session:0B7E6A52-3F1D-4C8E-9A51-2D6F0C4E8B13',
      admin,
    );
    expect(session.status).toBe(200);
    expect(session.body.items).toEqual([]);
  });
});

describe('POST /v1/admin/documents', () => {
  it('says how many files an upload may carry', async () => {
    const form = new FormData();
    for (let i = 0; i <= MAX_UPLOAD_FILES; i++)
      form.append('file', new Blob([`page ${i}`]), `p${i}.txt`);
    const response = await fetch(`${t.url}/v1/admin/documents`, {
      method: 'POST',
      headers: bearer(ADMIN_KEY),
      body: form,
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe(`At most ${MAX_UPLOAD_FILES} files per upload.`);
  });

  it('keeps the end of a long file name without cutting a character in two', async () => {
    // 202 UTF-16 units: the 200 kept would begin with the second half of the emoji.
    const name = `b😀${'a'.repeat(196)}.md`;
    const form = new FormData();
    form.append('file', new Blob(['# Long names\n\nA page with a long file name.']), name);
    const response = await fetch(`${t.url}/v1/admin/documents`, {
      method: 'POST',
      headers: bearer(ADMIN_KEY),
      body: form,
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { documents: Array<{ source: string }> };
    expect(body.documents.map((d) => d.source)).toEqual([`uploads/${'a'.repeat(196)}.md`]);
    const list = await call(t.url, 'GET', '/v1/admin/documents?limit=200', admin);
    const sources = (list.body.items as Array<{ source: string }>).map((d) => d.source);
    expect(sources).toContain(`uploads/${'a'.repeat(196)}.md`);
    expect(sources.join('')).not.toMatch(/\uFFFD|[\uD800-\uDFFF]/u);
  });
});
