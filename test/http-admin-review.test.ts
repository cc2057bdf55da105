/**
 * The admin API used as a careless script or a hostile insider would, on a real server: ids in
 * another letter case, names that disguise themselves, and a document deleted or uploaded again
 * while it is re-indexed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  listedDocuments,
  listedSources,
  searchHits,
  textsFrom,
  uploadFile,
} from './helpers/admin-documents.js';
import {
  ADMIN_KEY,
  bearer,
  call,
  createSession,
  startServer,
  type Json,
  type TestServer,
} from './helpers/http.js';
import { openTicket } from './helpers/ticket-webhooks.js';
import { holdNextWrite } from './helpers/held-writes.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

describe('the search playground', () => {
  it("searches a session's attachments whatever the letter case of its id", async () => {
    const session = await createSession(t.url);
    const form = new FormData();
    form.set('text', 'What does my invoice say?');
    form.set('file', new Blob(['Invoice 4471: the zanzibar lantern costs 99 dollars.']), 'inv.txt');
    const sent = await fetch(`${t.url}/v1/sessions/${session.id}/messages`, {
      method: 'POST',
      headers: bearer(session.token),
      body: form,
    });
    expect(sent.status).toBe(200);

    const found = async (sessionId: string) =>
      (await searchHits(t.url, 'zanzibar lantern', sessionId)).map((hit) => hit.source as string);
    expect(await found(session.id)).toContain('attachment:inv.txt');
    expect(await found(session.id.toUpperCase())).toContain('attachment:inv.txt');
  });

  it('says a session id that is not one is not a session id', async () => {
    const search = await call(t.url, 'POST', '/v1/admin/search', {
      ...ADMIN,
      body: { query: 'returns', sessionId: 'nope' },
    });
    expect(search.status).toBe(400);
    expect(search.body.error.message).toBe(
      'Invalid search: sessionId: must be a session id (a UUID)',
    );
  });
});

describe('a ticket id typed in lowercase', () => {
  it('reads and changes the ticket, as the id in capitals does', async () => {
    const ticketId = await openTicket(t.url);
    expect(ticketId).toMatch(/^T-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    const lower = ticketId.toLowerCase();

    const read = await call(t.url, 'GET', `/v1/admin/tickets/${lower}`, ADMIN);
    expect(read.status).toBe(200);
    expect(read.body.ticket.id).toBe(ticketId);

    const changed = await call(t.url, 'PATCH', `/v1/admin/tickets/${lower}`, {
      ...ADMIN,
      body: { status: 'pending' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: ticketId, status: 'pending' });
    const after = await call(t.url, 'GET', `/v1/admin/tickets/${ticketId}`, ADMIN);
    expect(after.body.ticket.status).toBe('pending');
  });
});

describe("a ticket's assignee", () => {
  it('is refused with characters that turn the text around, and the ticket keeps its own', async () => {
    const ticketId = await openTicket(t.url);
    const given = await call(t.url, 'PATCH', `/v1/admin/tickets/${ticketId}`, {
      ...ADMIN,
      body: { assignee: 'Dana' },
    });
    expect(given.status).toBe(200);
    // Shown as "Dana Scully" reversed after the mark: the ticket would read as someone else's.
    for (const disguised of ['\u202eyllucS anaD', 'Da\u200ena', 'Dana \u2067Mulder\u2069']) {
      const refused = await call(t.url, 'PATCH', `/v1/admin/tickets/${ticketId}`, {
        ...ADMIN,
        body: { assignee: disguised },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toBe(
        'Invalid ticket change: assignee: must not contain characters that change the direction of the text',
      );
    }
    const read = await call(t.url, 'GET', `/v1/admin/tickets/${ticketId}`, ADMIN);
    expect(read.body.ticket.assignee).toBe('Dana');
  });
});

describe('a document written to while it is re-indexed', () => {
  const upload = (name: string, text: string) => uploadFile(t.url, name, text);
  /** What a request answers by the time the held write would have been long done, if anything. */
  const settled = <T>(request: Promise<T>) =>
    Promise.race([request, new Promise<'pending'>((r) => setTimeout(() => r('pending'), 300))]);

  it('stays deleted once its delete is answered, and is not found again', async () => {
    const first = await upload(
      'tent-care.md',
      '# Tent care\n\nDry the quokkafly tent before storing it.\n',
    );
    expect(first.status).toBe(201);
    const id = first.body.documents[0].id as string;

    const held = holdNextWrite(t.app.knowledge);
    const reindex = call(t.url, 'POST', `/v1/admin/documents/${id}/reindex`, ADMIN);
    await held.reached;
    const deleted = call(t.url, 'DELETE', `/v1/admin/documents/${id}`, ADMIN);
    await settled(deleted);
    held.release();

    expect((await deleted).status).toBe(200);
    expect((await deleted).body).toEqual({ removed: 1, source: 'uploads/tent-care.md' });
    expect([200, 404]).toContain((await reindex).status);
    expect(await listedDocuments(t.url, 'uploads/tent-care.md')).toEqual([]);
    expect(textsFrom(await searchHits(t.url, 'quokkafly tent'), 'uploads/tent-care.md')).toEqual(
      [],
    );
  });

  it('keeps the version uploaded last, not the one the re-index read before it', async () => {
    const first = await upload('stove.md', '# Stove\n\nThe wombatstove burns white gas.\n');
    expect(first.status).toBe(201);
    const id = first.body.documents[0].id as string;

    const held = holdNextWrite(t.app.knowledge);
    const reindex = call(t.url, 'POST', `/v1/admin/documents/${id}/reindex`, ADMIN);
    await held.reached;
    const replaced = upload('stove.md', '# Stove\n\nThe wombatstove burns butane canisters.\n');
    await settled(replaced);
    held.release();

    expect((await reindex).status).toBe(200);
    expect((await replaced).status).toBe(201);
    expect(textsFrom(await searchHits(t.url, 'wombatstove'), 'uploads/stove.md')).toEqual([
      'The wombatstove burns butane canisters.',
    ]);
    // The file kept to re-index it again is that version too.
    const again = await call(t.url, 'POST', `/v1/admin/documents/${id}/reindex`, ADMIN);
    expect(again.status).toBe(200);
    expect(again.body.report.documents).toMatchObject({ unchanged: 1, updated: 0 });
  });
});

describe('an uploaded file without a name', () => {
  it('is refused, and the document uploaded before it without one is kept', async () => {
    const upload = (name: string, text: string) =>
      uploadFile(t.url, name, `# Opening hours\n\n${text}\n`);
    const before = await listedSources(t.url);
    for (const name of ['...', 'folder/', ' . ']) {
      const response = await upload(name, 'The shop opens at 9 am on weekdays.');
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(
          /^File 1 of this upload has no name .*Nothing was stored\.$/,
        ),
      });
    }
    expect(await listedSources(t.url)).toEqual(before);
    // A named one is stored as ever.
    expect((await upload('hours.md', 'The shop opens at 10 am on Sundays.')).status).toBe(201);
    expect(await listedSources(t.url)).toContain('uploads/hours.md');
  });
});

describe('an upload sent as another type than a form', () => {
  it('is a 415 that names the form alone, as the route takes nothing else', async () => {
    for (const type of ['text/plain', 'application/xml']) {
      const response = await fetch(`${t.url}/v1/admin/documents`, {
        method: 'POST',
        headers: { ...bearer(ADMIN_KEY), 'content-type': type },
        body: '# Refunds\n\nAsk within 30 days.\n',
      });
      expect(response.status).toBe(415);
      expect(((await response.json()) as Json).error).toMatchObject({
        code: 'unsupported_media_type',
        message: `The body must be multipart/form-data with the files attached; got "${type}".`,
      });
    }
  });
});
