/**
 * The admin API through real sockets: documents (upload, list, re-index, delete), the search
 * playground, tickets (list, filter, read with transcript, change status), sessions with
 * transcripts, tool health and breaker reset.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPaths } from '../src/rag/index.js';
import { eraseSessionData, sweepIdleSessions } from '../src/store/index.js';
import { captureLogs, startFakeOpenAi } from '../src/testing/index.js';
import {
  ADMIN_KEY,
  bearer,
  call,
  createSession,
  startServer,
  startWebhookReceiver,
  type Json,
  type TestServer,
} from './helpers/http.js';
import { makePdf } from './helpers/documents.js';
import {
  expectDescribedPayloads,
  openTicket,
  startHookedServer,
} from './helpers/ticket-webhooks.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';

let t: TestServer;
const admin = { token: ADMIN_KEY };

beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

describe('documents', () => {
  it('uploads, lists, searches, re-indexes and deletes a document', async () => {
    const form = new FormData();
    form.set(
      'file',
      new Blob(['# Shipping\n\nWe ship parcels to 40 countries. Delivery takes 5 working days.']),
      'shipping.md',
    );
    const uploaded = await fetch(`${t.url}/v1/admin/documents`, {
      method: 'POST',
      headers: bearer(ADMIN_KEY),
      body: form,
    });
    expect(uploaded.status).toBe(201);
    expect(uploaded.headers.get('cache-control')).toBe('no-store');
    const result = (await uploaded.json()) as Json;
    expect(result.report.documents.added).toBe(1);
    // Named by the id the other document routes take, without listing first.
    expect(result.documents).toEqual([
      { id: expect.any(String), source: 'uploads/shipping.md', title: 'Shipping', chunkCount: 1 },
    ]);
    const uploadedId = result.documents[0].id as string;

    const list = await call(t.url, 'GET', '/v1/admin/documents?limit=10', admin);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(3);
    const doc = (list.body.items as Array<{ id: string; title: string; source: string }>).find(
      (d) => d.source.endsWith('shipping.md'),
    );
    expect(doc?.title).toBe('Shipping');
    expect(doc?.id).toBe(uploadedId);
    expect(list.headers.get('cache-control')).toBe('no-store');

    const search = await call(t.url, 'POST', '/v1/admin/search', {
      ...admin,
      body: { query: 'parcel delivery' },
    });
    expect(search.status).toBe(200);
    expect(search.body.hits[0].title).toBe('Shipping');
    const empty = await call(t.url, 'POST', '/v1/admin/search', { ...admin, body: { query: '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe('Invalid search: query: must not be empty');
    // A number is a JSON number, as in every other body.
    const topK = (value: unknown) =>
      call(t.url, 'POST', '/v1/admin/search', { ...admin, body: { query: 'parcel', topK: value } });
    expect((await topK(1)).body.hits).toHaveLength(1);
    const text = await topK('5');
    expect(text.status).toBe(400);
    expect(text.body.error.message).toBe('Invalid search: topK: expected a number, got "5"');

    // The upload is kept in the database, not on this instance's disk: any instance re-reads it.
    expect(doc?.source).toBe('uploads/shipping.md');
    // Re-indexing takes no options: an unknown field is refused, as in every other body.
    const unknown = await call(t.url, 'POST', `/v1/admin/documents/${uploadedId}/reindex`, {
      ...admin,
      body: { x: 1 },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe('Invalid re-index request: unknown field "x"');
    const emptyBody = await call(t.url, 'POST', `/v1/admin/documents/${uploadedId}/reindex`, {
      ...admin,
      body: {},
    });
    expect(emptyBody.status).toBe(200);
    const reindexed = await call(t.url, 'POST', `/v1/admin/documents/${uploadedId}/reindex`, admin);
    expect(reindexed.status).toBe(200);
    expect(reindexed.body.report.documents.unchanged).toBe(1);
    expect(reindexed.body.documents).toEqual(result.documents);
    // Dense retrieval is off here: there are no vectors to report, rather than `vectors: null`.
    expect(reindexed.body).not.toHaveProperty('vectors');

    const customer = await createSession(t.url);
    const answer = await call(t.url, 'POST', `/v1/sessions/${customer.id}/messages`, {
      token: customer.token,
      body: { text: 'How long does delivery take?' },
    });
    expect(answer.body.message.text).toContain('5 working days');

    const removed = await call(t.url, 'DELETE', `/v1/admin/documents/${uploadedId}`, admin);
    expect(removed.status).toBe(200);
    expect(removed.body.removed).toBe(1);
    const after = await call(t.url, 'GET', '/v1/admin/documents', admin);
    expect(after.body.total).toBe(2);
    const missing = await call(t.url, 'DELETE', `/v1/admin/documents/${doc?.id}`, admin);
    expect(missing.status).toBe(404);
    expect(await t.app.knowledge.keptFile('kb', 'uploads/shipping.md')).toBeNull();
  });

  it('replaces an upload that an earlier version kept on disk when the same name comes again', async () => {
    // Earlier versions wrote uploads under DATA_DIR/uploads and stored that path as the source.
    const legacy = join(t.dataDir, 'uploads', 'returns.md');
    mkdirSync(join(t.dataDir, 'uploads'), { recursive: true });
    writeFileSync(legacy, '# Returns\n\nReturns are free for 14 days.');
    await ingestPaths(t.app.knowledge, [legacy], {
      maxFileBytes: 1 << 20,
      chunk: { size: 180, overlap: 30 },
    });
    const form = new FormData();
    form.set('file', new Blob(['# Returns\n\nReturns are free for 30 days.']), 'returns.md');
    const uploaded = await fetch(`${t.url}/v1/admin/documents`, {
      method: 'POST',
      headers: bearer(ADMIN_KEY),
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const sources = (await t.app.knowledge.sources('kb')).map((s) => s.source);
    expect(sources).toContain('uploads/returns.md');
    expect(sources).not.toContain(legacy);
  });
});

describe('documents with dense retrieval on', () => {
  it('say on re-index how many chunks were embedded and how many still wait', async () => {
    const fake = await startFakeOpenAi();
    const dense = await startServer({
      EMBEDDINGS_BASE_URL: fake.url,
      EMBEDDINGS_MODEL: 'fake-embed',
    });
    try {
      const form = new FormData();
      form.set('file', new Blob(['# Gift cards\n\nGift cards never expire.']), 'gift-cards.md');
      const uploaded = await fetch(`${dense.url}/v1/admin/documents`, {
        method: 'POST',
        headers: bearer(ADMIN_KEY),
        body: form,
      });
      expect(uploaded.status).toBe(201);
      const { documents } = (await uploaded.json()) as Json;
      const reindexed = await call(
        dense.url,
        'POST',
        `/v1/admin/documents/${documents[0].id}/reindex`,
        admin,
      );
      expect(reindexed.status).toBe(200);
      // The upload embedded its chunk already; an unchanged file leaves nothing to embed.
      expect(reindexed.body.vectors).toEqual({ embedded: 0, pending: 0, removed: 0 });
    } finally {
      await dense.close();
      await fake.close();
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes the upload and re-index answers as the routes give them', async () => {
    const doc = await call(t.url, 'GET', '/openapi.json');
    const json = (path: string, method: string, status: string) =>
      doc.body.paths[path][method].responses[status].content['application/json'].schema;
    const upload = json('/v1/admin/documents', 'post', '201');
    expect(upload.properties.documents.items.required).toEqual(
      expect.arrayContaining(['id', 'source', 'title', 'chunkCount']),
    );
    const reindex = json('/v1/admin/documents/{id}/reindex', 'post', '200');
    expect(Object.keys(reindex.properties)).toEqual(
      expect.arrayContaining(['summary', 'documents', 'report', 'vectors']),
    );
    expect(reindex.required).not.toContain('vectors');
  });
});

describe('ticket webhooks', () => {
  it('sends a status change to the webhook once; setting the same status again changes nothing', async () => {
    const hooked = await startHookedServer();
    const { received } = hooked;
    try {
      const ticketId = await openTicket(hooked.url);
      const patch = (status: string) =>
        call(hooked.url, 'PATCH', `/v1/admin/tickets/${ticketId}`, { ...admin, body: { status } });
      const resolved = await patch('resolved');
      expect(resolved.body).toMatchObject({ id: ticketId, status: 'resolved' });
      const again = await patch('resolved');
      expect(again.status).toBe(200);
      expect(again.body).toEqual(resolved.body);

      await hooked.app.webhooks?.deliverDue();
      expect(received.map((r) => r.topic)).toEqual(['ticket.created', 'ticket.status_changed']);
      expect(received[1]?.payload).toMatchObject({
        from: 'open',
        to: 'resolved',
        ticket: { id: ticketId, status: 'resolved', updatedAt: resolved.body.updatedAt },
      });
    } finally {
      await hooked.close();
    }
  });
});

describe("the customer's contact details", () => {
  it('come with the ticket staff read and its webhook events, a detail given after it was opened included, and stay out of the logs', async () => {
    const logs = captureLogs();
    const hooked = await startHookedServer({ LOG_LEVEL: 'debug' }, { logDestination: logs.stream });
    const { received } = hooked;
    try {
      const customer = await createSession(hooked.url);
      const say = (text: string) =>
        call(hooked.url, 'POST', `/v1/sessions/${customer.id}/messages`, {
          token: customer.token,
          body: { text },
        });
      const read = async (id: string) =>
        (await call(hooked.url, 'GET', `/v1/admin/tickets/${id}`, admin)).body;
      await say('Hi, my name is Ada Lovelace.');
      const ticketId = (await say('I want to speak to a human right now!')).body.escalation
        .ticketId as string;
      expect((await read(ticketId)).contact).toEqual({
        name: 'Ada Lovelace',
        email: null,
        phone: null,
      });

      // Asked for a way to reach them, the customer gives one, then corrects it.
      await say('ada@example.org');
      expect((await read(ticketId)).contact).toEqual({
        name: 'Ada Lovelace',
        email: 'ada@example.org',
        phone: null,
      });
      await say('Sorry, my email is actually ada.l@example.com, phone +44 20 7946 0958');
      const contact = {
        name: 'Ada Lovelace',
        email: 'ada.l@example.com',
        phone: '+44 20 7946 0958',
      };
      expect((await read(ticketId)).contact).toEqual(contact);
      await call(hooked.url, 'PATCH', `/v1/admin/tickets/${ticketId}`, {
        ...admin,
        body: { status: 'resolved' },
      });

      await hooked.app.webhooks?.deliverDue();
      expect(received.map((r) => [r.topic, r.payload.contact])).toEqual([
        ['ticket.created', { name: 'Ada Lovelace', email: null, phone: null }],
        ['ticket.message_added', { name: 'Ada Lovelace', email: 'ada@example.org', phone: null }],
        ['ticket.message_added', contact],
        ['ticket.status_changed', contact],
      ]);
      // Each payload as the OpenAPI document describes its topic.
      expectDescribedPayloads(received);

      const logged = JSON.stringify(logs.lines);
      expect(logs.lines.length).toBeGreaterThan(0);
      for (const detail of ['ada@example.org', 'ada.l@example.com', '7946 0958', 'Lovelace']) {
        expect(logged).not.toContain(detail);
      }
    } finally {
      await hooked.close();
    }
  });

  it('come with the session staff read, with its ticket once it is handed over', async () => {
    const customer = await createSession(t.url);
    const say = (text: string) =>
      call(t.url, 'POST', `/v1/sessions/${customer.id}/messages`, {
        token: customer.token,
        body: { text },
      });
    const read = async () => {
      const r = await call(t.url, 'GET', `/v1/admin/sessions/${customer.id}`, admin);
      expect(r.status).toBe(200);
      return r.body;
    };
    await say('Hi, my name is Grace Hopper.');
    await say('My email is grace@example.org');
    // Not handed over yet: the details are there all the same.
    const before = await read();
    expect(before.ticket).toBeNull();
    expect(before.contact).toEqual({
      name: 'Grace Hopper',
      email: 'grace@example.org',
      phone: null,
    });

    const ticketId = (await say('I want to speak to a human right now!')).body.escalation
      .ticketId as string;
    const handedOver = await read();
    expect(handedOver.ticket).toMatchObject({ id: ticketId, status: 'open' });
    expect(handedOver.contact).toEqual(before.contact);

    // Read live: what staff did with the ticket and what the customer gave since.
    await call(t.url, 'PATCH', `/v1/admin/tickets/${ticketId}`, {
      ...admin,
      body: { status: 'pending' },
    });
    await say('You can also call me on +1 202 555 0143');
    const later = await read();
    expect(later.ticket).toMatchObject({ id: ticketId, status: 'pending' });
    expect(later.contact).toEqual({
      name: 'Grace Hopper',
      email: 'grace@example.org',
      phone: '+1 202 555 0143',
    });
  });

  it('are all null on a session where the customer gave none, with or without a ticket', async () => {
    const none = { name: null, email: null, phone: null };
    const quiet = await createSession(t.url);
    // A session with no message yet, and one with a question only: no ticket, no details.
    const unwritten = await call(t.url, 'GET', `/v1/admin/sessions/${quiet.id}`, admin);
    expect(unwritten.body).toMatchObject({ ticket: null, contact: none });
    await call(t.url, 'POST', `/v1/sessions/${quiet.id}/messages`, {
      token: quiet.token,
      body: { text: 'How long does delivery take?' },
    });
    const asked = await call(t.url, 'GET', `/v1/admin/sessions/${quiet.id}`, admin);
    expect(asked.body).toMatchObject({ ticket: null, contact: none });

    const angry = await createSession(t.url);
    const sent = await call(t.url, 'POST', `/v1/sessions/${angry.id}/messages`, {
      token: angry.token,
      body: { text: 'I want to speak to a human right now!' },
    });
    const handedOver = await call(t.url, 'GET', `/v1/admin/sessions/${angry.id}`, admin);
    expect(handedOver.body.ticket).toMatchObject({
      id: sent.body.escalation.ticketId,
      status: 'open',
    });
    expect(handedOver.body.contact).toEqual(none);

    const doc = await call(t.url, 'GET', '/openapi.json');
    const detail =
      doc.body.paths['/v1/admin/sessions/{id}'].get.responses['200'].content['application/json']
        .schema;
    expect(detail.required).toEqual(expect.arrayContaining(['ticket', 'contact']));
    expect(Object.keys(detail.properties.contact.properties)).toEqual(['name', 'email', 'phone']);
    expect(Object.keys(detail.properties.ticket.properties)).toEqual(
      expect.arrayContaining(['id', 'status']),
    );
  });

  it('are all null when the customer gave none', async () => {
    const ticketId = await openTicket(t.url);
    const read = await call(t.url, 'GET', `/v1/admin/tickets/${ticketId}`, admin);
    expect(read.body.contact).toEqual({ name: null, email: null, phone: null });
    const doc = await call(t.url, 'GET', '/openapi.json');
    const detail =
      doc.body.paths['/v1/admin/tickets/{id}'].get.responses['200'].content['application/json']
        .schema;
    expect(detail.required).toContain('contact');
    expect(Object.keys(detail.properties.contact.properties)).toEqual(['name', 'email', 'phone']);
    expect(doc.body.components.schemas.WebhookTicketMessageAdded.properties).toHaveProperty(
      'contact',
    );
  });
});

describe('the webhook backlog', () => {
  it('shows what waits for a receiver that refuses, in the admin API and the metrics', async () => {
    let refuse = true;
    const receiver = await startWebhookReceiver(() => (refuse ? 503 : 204));
    const hooked = await startServer(receiver.env);
    try {
      const empty = await call(hooked.url, 'GET', '/v1/admin/outbox', admin);
      expect(empty.body).toEqual({
        webhook: true,
        undelivered: 0,
        failing: 0,
        oldestCreatedAt: null,
        lastError: null,
        heldSessions: 0,
        heldBy: [],
      });
      const customer = await createSession(hooked.url);
      await call(hooked.url, 'POST', `/v1/sessions/${customer.id}/messages`, {
        token: customer.token,
        body: { text: 'I want to speak to a human right now!' },
      });
      await hooked.app.webhooks?.deliverDue();
      const waiting = await call(hooked.url, 'GET', '/v1/admin/outbox', admin);
      expect(waiting.body).toMatchObject({
        undelivered: 1,
        failing: 1,
        oldestCreatedAt: expect.any(String),
        lastError: expect.stringContaining('503'),
      });
      const metrics = await fetch(`${hooked.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/^support_agent_outbox_undelivered(\{[^}]*\})? 1$/m);
      expect(metrics).toMatch(/^support_agent_outbox_failing(\{[^}]*\})? 1$/m);
      expect(metrics).toMatch(/^support_agent_outbox_oldest_age_seconds(\{[^}]*\})? \d/m);

      refuse = false;
      // The failed message is due again after its back-off; here, at once.
      const [failed] = await hooked.app.conversations.dueOutbox(
        new Date(Date.now() + 86_400_000).toISOString(),
        1,
      );
      await hooked.app.conversations.markFailed(failed!.id, 'HTTP 503', new Date(0).toISOString());
      await hooked.app.webhooks?.deliverDue();
      const drained = await call(hooked.url, 'GET', '/v1/admin/outbox', admin);
      expect(drained.body).toMatchObject({ undelivered: 0, failing: 0, oldestCreatedAt: null });
    } finally {
      await hooked.close();
      await receiver.close();
    }
  });

  it('names the message that holds a ticket back, and lets an administrator skip it', async () => {
    // A receiver that refuses ticket.created for good and takes everything else.
    const received: string[] = [];
    const receiver = await startWebhookReceiver((request) => {
      const topic = String(request.headers['x-support-agent-topic']);
      received.push(`${topic} ${String(request.headers['x-support-agent-delivery'])}`);
      return topic === 'ticket.created' ? 422 : 204;
    });
    const hooked = await startServer(receiver.env);
    try {
      const customer = await createSession(hooked.url);
      const sent = await call(hooked.url, 'POST', `/v1/sessions/${customer.id}/messages`, {
        token: customer.token,
        body: { text: 'I want to speak to a human right now!' },
      });
      const ticketId = sent.body.escalation.ticketId as string;
      await call(hooked.url, 'PATCH', `/v1/admin/tickets/${ticketId}`, {
        ...admin,
        body: { status: 'pending' },
      });
      await hooked.app.webhooks?.deliverDue();
      expect(received.map((r) => r.split(' ')[0])).toEqual(['ticket.created']);

      const held = await call(hooked.url, 'GET', '/v1/admin/outbox', admin);
      expect(held.body).toMatchObject({ undelivered: 2, failing: 1, heldSessions: 1 });
      expect(held.body.heldBy).toEqual([
        {
          id: expect.any(String),
          topic: 'ticket.created',
          sessionId: customer.id,
          createdAt: expect.any(String),
          attempts: 1,
          lastError: 'HTTP 422',
          nextAttemptAt: expect.any(String),
          waiting: 1,
        },
      ]);
      const createdId = held.body.heldBy[0].id as string;
      const skip = (id: string, auth = admin) =>
        call(hooked.url, 'POST', `/v1/admin/outbox/${id}/skip`, auth);

      expect((await skip(createdId, { token: 'wrong' })).status).toBe(401);
      const unknown = await skip(randomUUID());
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({
        error: {
          code: 'not_found',
          message: 'No webhook message with this id.',
          requestId: expect.any(String),
        },
      });
      // Skipping takes no options: one sent is refused, not dropped, and nothing is skipped.
      const withReason = await call(hooked.url, 'POST', `/v1/admin/outbox/${createdId}/skip`, {
        ...admin,
        body: { reason: 'refused for good' },
      });
      expect(withReason.status).toBe(400);
      expect(withReason.body.error.message).toBe('Invalid skip request: unknown field "reason"');
      expect((await call(hooked.url, 'GET', '/v1/admin/outbox', admin)).body.heldSessions).toBe(1);
      const skipped = await skip(createdId);
      expect(skipped.status).toBe(200);
      expect(skipped.body).toEqual({
        id: createdId,
        topic: 'ticket.created',
        sessionId: customer.id,
        createdAt: held.body.heldBy[0].createdAt,
        attempts: 1,
        lastError: 'HTTP 422',
        skippedAt: expect.any(String),
      });
      // Skipping it again changes nothing.
      const again = await skip(createdId);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(skipped.body);

      // The ticket's next event goes out at once; the skipped one is never tried again.
      await hooked.app.webhooks?.deliverDue();
      expect(received.map((r) => r.split(' ')[0])).toEqual([
        'ticket.created',
        'ticket.status_changed',
      ]);
      const drained = await call(hooked.url, 'GET', '/v1/admin/outbox', admin);
      expect(drained.body).toMatchObject({
        undelivered: 0,
        failing: 0,
        heldSessions: 0,
        heldBy: [],
      });
      const deliveredId = received[1]?.split(' ')[1] ?? '';
      const delivered = await skip(deliveredId);
      expect(delivered.status).toBe(409);
      expect(delivered.body.error.code).toBe('conflict');
    } finally {
      await hooked.close();
      await receiver.close();
    }
  });

  it('is described in the OpenAPI document with the shapes the routes give', async () => {
    const doc = await call(t.url, 'GET', '/openapi.json');
    const json = (path: string, method: string) =>
      doc.body.paths[path][method].responses['200'].content['application/json'].schema;
    const backlog = json('/v1/admin/outbox', 'get');
    expect(backlog.properties.heldBy.items.required).toEqual(
      expect.arrayContaining(['id', 'topic', 'sessionId', 'attempts', 'lastError']),
    );
    const skip = json('/v1/admin/outbox/{id}/skip', 'post');
    expect(skip.required).toEqual(expect.arrayContaining(['id', 'skippedAt']));
    expect(doc.body.paths['/v1/admin/outbox/{id}/skip'].post.security).toEqual([
      { adminToken: [] },
    ]);
  });

  it('is for administrators only', async () => {
    expect((await call(t.url, 'GET', '/v1/admin/outbox')).status).toBe(401);
    const open = await call(t.url, 'GET', '/v1/admin/outbox', admin);
    expect(open.body).toMatchObject({ webhook: false, undelivered: 0 });
  });
});

describe('tickets and sessions', () => {
  it('lists a ticket, reads it with its transcript, and changes its status', async () => {
    const customer = await createSession(t.url);
    const sent = await call(t.url, 'POST', `/v1/sessions/${customer.id}/messages`, {
      token: customer.token,
      body: { text: 'This is ridiculous, I want to speak to a human right now!' },
    });
    expect(sent.body.escalation.escalate).toBe(true);
    const ticketId = sent.body.escalation.ticketId as string;

    const open = await call(t.url, 'GET', '/v1/admin/tickets?status=open', admin);
    expect(open.body.items.map((x: { id: string }) => x.id)).toContain(ticketId);

    const read = await call(t.url, 'GET', `/v1/admin/tickets/${ticketId}`, admin);
    expect(read.status).toBe(200);
    expect(read.body.ticket.sessionId).toBe(customer.id);
    expect(read.body.transcript[0].text).toContain('speak to a human');

    const changed = await call(t.url, 'PATCH', `/v1/admin/tickets/${ticketId}`, {
      ...admin,
      body: { status: 'resolved' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.status).toBe('resolved');
    const stillOpen = await call(t.url, 'GET', '/v1/admin/tickets?status=open', admin);
    expect(stillOpen.body.items.map((x: { id: string }) => x.id)).not.toContain(ticketId);
    const bad = await call(t.url, 'PATCH', `/v1/admin/tickets/${ticketId}`, {
      ...admin,
      body: { status: 'archived' },
    });
    expect(bad.status).toBe(400);
    const empty = await fetch(`${t.url}/v1/admin/tickets/${ticketId}`, {
      method: 'PATCH',
      headers: bearer(ADMIN_KEY),
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toBe(
      'Invalid ticket change: a JSON body is required',
    );

    const sessions = await call(t.url, 'GET', '/v1/admin/sessions', admin);
    const listed = (sessions.body.items as Json[]).find((x) => x.id === customer.id);
    // The transcript's size: the customer's message and the reply (the session's own
    // messageCount, below, counts the customer's messages only).
    expect(listed).toMatchObject({ id: customer.id, transcriptMessages: 2 });
    expect(listed).not.toHaveProperty('messageCount');
    expect(sessions.body.nextBefore).toBeNull();
    const first = await call(t.url, 'GET', '/v1/admin/sessions?limit=1', admin);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextBefore).toEqual(expect.any(String));
    const next = await call(
      t.url,
      'GET',
      `/v1/admin/sessions?limit=1&before=${encodeURIComponent(first.body.nextBefore)}`,
      admin,
    );
    expect(next.status).toBe(200);
    expect(next.body.items.map((x: Json) => x.id)).not.toContain(first.body.items[0].id);
    const session = await call(t.url, 'GET', `/v1/admin/sessions/${customer.id}`, admin);
    expect(session.body.session).toMatchObject({ id: customer.id, messageCount: 1 });
    expect(session.body.ticket.id).toBe(ticketId);
    expect(session.body.transcript).toHaveLength(2);
  });
});

describe('the session list', () => {
  let desk: TestServer;
  beforeAll(async () => {
    desk = await startServer();
  });
  afterAll(() => desk.close());

  /** A customer's message in session `sessionId`, stored at `at` as a turn stores it. */
  const said = (sessionId: string, at: string) =>
    desk.app.conversations.appendMessage({
      id: randomUUID(),
      sessionId,
      role: 'user',
      text: 'Where is my parcel?',
      turnId: randomUUID(),
      requestId: null,
      metadata: {},
      createdAt: at,
    });

  /** `GET /v1/admin/sessions` with this query, answered 200. */
  const page = async (query: string) => {
    const r = await call(desk.url, 'GET', `/v1/admin/sessions?${query}`, admin);
    expect(r.status, query).toBe(200);
    return r.body as { items: Json[]; nextBefore: string | null };
  };

  /** Every session the list gives, page after page, each page's `nextBefore` the next `before`. */
  const everySession = async (limit: number): Promise<Json[]> => {
    const items: Json[] = [];
    let before: string | null = null;
    for (let pages = 0; pages < 200; pages++) {
      const next = await page(
        `limit=${limit}${before === null ? '' : `&before=${encodeURIComponent(before)}`}`,
      );
      items.push(...next.items);
      before = next.nextBefore;
      if (before === null) return items;
    }
    throw new Error('The session list never came to an end');
  };

  it('lists every session once, page after page, also those last active at the same moment', async () => {
    // Twelve customers whose messages were stored in the same millisecond, among 25 others
    // around that moment (one of them at it too).
    const moment = '2026-11-25T07:19:55.000Z';
    const tied = Array.from({ length: 12 }, () => randomUUID());
    const around = Array.from({ length: 25 }, () => randomUUID());
    for (const [i, id] of around.entries()) {
      await said(id, new Date(Date.UTC(2026, 10, 25, 7, 19, 40 + i)).toISOString());
    }
    for (const id of tied) await said(id, moment);
    const ours = new Set<string>([...tied, ...around]);

    for (const limit of [1, 2, 5, 37, 200]) {
      const listed = await everySession(limit);
      const ids = listed.map((x) => x.id as string);
      expect(new Set(ids).size, `limit=${limit}: each once`).toBe(ids.length);
      expect(ids.filter((id) => ours.has(id)).length, `limit=${limit}`).toBe(37);
      const times = listed.map((x) => x.lastMessageAt as string);
      expect(times, 'latest activity first').toEqual([...times].sort().reverse());
    }
    // The last page says it is the last, rather than pointing at an empty one.
    const all = await page('limit=200');
    expect(all.nextBefore).toBeNull();
    const exact = await page(`limit=${all.items.length}`);
    expect(exact.nextBefore).toBeNull();
  });

  it('takes a time as `before` in any offset, compared at the millisecond, or a date', async () => {
    const lastYear = randomUUID();
    const early = randomUUID();
    const onTime = randomUUID();
    const late = randomUUID();
    await said(lastYear, '2019-12-31T23:59:59.999Z');
    await said(early, '2020-01-01T00:00:54.500Z');
    await said(onTime, '2020-01-01T00:00:55.000Z');
    await said(late, '2020-01-01T00:00:55.065Z');
    const before = async (time: string) =>
      (await page(`limit=50&before=${encodeURIComponent(time)}`)).items.map((x) => x.id);
    // One instant written three ways: the same sessions, those strictly older than it.
    expect(await before('2020-01-01T00:00:55.000Z')).toEqual([early, lastYear]);
    expect(await before('2020-01-01T01:00:55.000+01:00')).toEqual([early, lastYear]);
    expect(await before('2020-01-01T00:00:55Z')).toEqual([early, lastYear]);
    // Finer than the millisecond: 55.0651 is after 55.065.
    expect(await before('2020-01-01T00:00:55.0651Z')).toEqual([late, onTime, early, lastYear]);
    // A date alone: what came before that day began, in UTC (the day before it included).
    expect(await before('2020-01-01')).toEqual([lastYear]);
    expect(await before('2020-01-02')).toEqual([late, onTime, early, lastYear]);
    expect(await before('2019-12-31')).toEqual([]);

    for (const bad of [
      'yesterday',
      'eyJ4IjoxfQ',
      '2020-02-30',
      '01/11/2026',
      '2020-01-01T00:00:55',
    ]) {
      const r = await call(desk.url, 'GET', `/v1/admin/sessions?before=${bad}`, admin);
      expect(r.status, bad).toBe(400);
      expect(r.body.error.message).toBe(
        "Invalid query: before: not a valid cursor: it must be the `nextBefore` of the list's previous page, an ISO time with its offset (2026-11-01T09:30:00Z) or a date (2026-11-01: the sessions last active before that day began, in UTC). Start again from the first page, without `before`",
      );
    }
  });

  it('says in the OpenAPI document that sessions without a message are not listed', async () => {
    const doc = await call(desk.url, 'GET', '/openapi.json');
    expect(doc.body.paths['/v1/admin/sessions'].get.description).toContain(
      'A session started but not written to yet is not listed',
    );
  });
});

describe('transcripts', () => {
  let desk: TestServer;
  beforeAll(async () => {
    desk = await startServer();
  });
  afterAll(() => desk.close());

  /** A conversation of `count` messages, with a ticket. */
  const conversation = async (count: number) => {
    const sessionId = randomUUID();
    for (let i = 1; i <= count; i++) {
      await desk.app.conversations.appendMessage({
        id: randomUUID(),
        sessionId,
        role: i % 2 === 1 ? 'user' : 'assistant',
        text: `message ${i}`,
        turnId: randomUUID(),
        requestId: null,
        metadata: {},
      });
    }
    const ticketId = `T-${randomUUID().slice(0, 8)}`;
    await desk.app.conversations.openTicket({
      id: ticketId,
      sessionId,
      priority: 'high',
      category: 'complaint',
      summary: 'A long conversation',
      reasons: ['asked for a person'],
    });
    return { sessionId, ticketId };
  };

  /** The `seq`s of a transcript page, and its `nextAfter`. */
  const read = async (path: string) => {
    const r = await call(desk.url, 'GET', path, admin);
    expect(r.status, path).toBe(200);
    return { seqs: (r.body.transcript as Json[]).map((m) => m.seq), nextAfter: r.body.nextAfter };
  };
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('say that more messages follow, and where, for a session and for its ticket', async () => {
    const { sessionId, ticketId } = await conversation(203);
    for (const base of [`/v1/admin/sessions/${sessionId}`, `/v1/admin/tickets/${ticketId}`]) {
      // The default page holds 200 messages: the next page is named, not left out unsaid.
      expect(await read(base)).toEqual({ seqs: range(1, 200), nextAfter: 200 });
      expect(await read(`${base}?after=200`)).toEqual({ seqs: [201, 202, 203], nextAfter: null });
      expect(await read(`${base}?limit=2&after=199`)).toEqual({ seqs: [200, 201], nextAfter: 201 });
      // A page that ends with the last message is the last.
      expect(await read(`${base}?limit=3&after=200`)).toEqual({
        seqs: [201, 202, 203],
        nextAfter: null,
      });
      // Past the end, the session is still there, with nothing more to read.
      expect(await read(`${base}?after=203`)).toEqual({ seqs: [], nextAfter: null });
    }
  });
});

describe('the ticket list filters', () => {
  let desk: TestServer;
  /** The ids `GET /v1/admin/tickets?<query>` lists, newest first, and its total. */
  const listed = async (query: string) => {
    const r = await call(desk.url, 'GET', `/v1/admin/tickets?${query}`, admin);
    expect(r.status, query).toBe(200);
    return { ids: (r.body.items as Json[]).map((x) => x.id as string), total: r.body.total };
  };
  let human: string;
  let legal: string;

  beforeAll(async () => {
    desk = await startServer();
    // Two tickets as escalation opens them, so the filter is held to the values it stores…
    const ask = async (text: string) => {
      const customer = await createSession(desk.url);
      const sent = await call(desk.url, 'POST', `/v1/sessions/${customer.id}/messages`, {
        token: customer.token,
        body: { text },
      });
      expect(sent.body.escalation.escalate, text).toBe(true);
      return sent.body.escalation.ticketId as string;
    };
    human = await ask('I want to speak to a human right now!');
    legal = await ask('I will sue you, talk to my lawyer');
    // …and one of each other kind the list must tell apart, written directly.
    for (const [id, priority, category] of [
      ['T-safety', 'urgent', 'safety'],
      ['T-complaint', 'normal', 'complaint'],
    ] as const) {
      await desk.app.conversations.openTicket({
        id,
        sessionId: randomUUID(),
        priority,
        category,
        summary: id,
        reasons: [],
      });
    }
    await desk.app.conversations.updateTicket('T-safety', { status: 'resolved' });
  });
  afterAll(() => desk.close());

  it('lists only the tickets of a priority, a category, or both, with the total of that list', async () => {
    expect((await listed('')).total).toBe(4);
    const urgent = await listed('priority=urgent');
    expect(urgent.ids.sort()).toEqual([human, 'T-safety'].sort());
    expect(urgent.total).toBe(2);
    expect(await listed('category=legal')).toEqual({ ids: [legal], total: 1 });
    expect(await listed('priority=high&category=legal')).toEqual({ ids: [legal], total: 1 });
    expect(await listed('priority=urgent&category=legal')).toEqual({ ids: [], total: 0 });
    expect(await listed('priority=urgent&status=open')).toEqual({ ids: [human], total: 1 });
    expect(await listed('status=resolved&category=safety&priority=urgent')).toEqual({
      ids: ['T-safety'],
      total: 1,
    });
    expect(await listed('category=complaint&limit=1&_=1718000000000')).toEqual({
      ids: ['T-complaint'],
      total: 1,
    });
  });

  it('refuses a priority or category it does not know, naming the ones it does', async () => {
    const refused = async (query: string, message: string) => {
      const r = await call(desk.url, 'GET', `/v1/admin/tickets?${query}`, admin);
      expect(r.status, query).toBe(400);
      expect(r.body).toEqual({
        error: { code: 'invalid_input', message, requestId: expect.any(String) },
      });
    };
    await refused(
      'priority=critical',
      'Invalid query: priority: must be one of "low", "normal", "high" or "urgent", not "critical"',
    );
    await refused(
      'category=billing',
      'Invalid query: category: must be one of "human_request", "legal", "safety", "complaint", "urgent" or "unresolved", not "billing"',
    );
    // Case matters, as everywhere in the API: "Urgent" is not a priority.
    await refused(
      'priority=Urgent&status=open',
      'Invalid query: priority: must be one of "low", "normal", "high" or "urgent", not "Urgent"',
    );
    await refused(
      'status=archived',
      'Invalid query: status: must be one of "open", "pending", "resolved" or "closed", not "archived"',
    );
    await refused(
      'priority=urgent&priority=high',
      'Invalid query: priority: is given 2 times: give one of "low", "normal", "high" or "urgent", once',
    );
  });

  it('are described in the OpenAPI document with the values they take', async () => {
    const doc = await call(desk.url, 'GET', '/openapi.json');
    const parameters = doc.body.paths['/v1/admin/tickets'].get.parameters as Json[];
    const enumOf = (name: string) => parameters.find((p) => p.name === name)?.schema.enum;
    expect(enumOf('status')).toEqual(['open', 'pending', 'resolved', 'closed']);
    expect(enumOf('priority')).toEqual(['low', 'normal', 'high', 'urgent']);
    expect(enumOf('category')).toEqual([
      'human_request',
      'legal',
      'safety',
      'complaint',
      'urgent',
      'unresolved',
    ]);
  });
});

describe('tools', () => {
  it('shows breaker states and latencies, and resets a breaker', async () => {
    const tools = await call(t.url, 'GET', '/v1/admin/tools', admin);
    expect(tools.status).toBe(200);
    const search = (tools.body.items as Array<Json>).find((x) => x.name === 'kb_search');
    expect(search?.breaker.state).toBe('closed');
    expect(search?.stats.calls).toBeGreaterThan(0);
    expect(typeof search?.stats.p50Ms).toBe('number');

    const reset = await call(t.url, 'POST', '/v1/admin/tools/kb_search/reset', admin);
    expect(reset.body).toMatchObject({ name: 'kb_search', breaker: { state: 'closed' } });
    // A reset takes no options: one sent is refused, not dropped (a reset meant for one
    // instance would close the breaker on all of them).
    const withOption = await call(t.url, 'POST', '/v1/admin/tools/kb_search/reset', {
      ...admin,
      body: { instance: 'vm-2' },
    });
    expect(withOption.status).toBe(400);
    expect(withOption.body.error.message).toBe('Invalid breaker reset: unknown field "instance"');
    const emptyBody = await call(t.url, 'POST', '/v1/admin/tools/kb_search/reset', {
      ...admin,
      body: {},
    });
    expect(emptyBody.status).toBe(200);
    const unknown = await call(t.url, 'POST', '/v1/admin/tools/nope/reset', admin);
    expect(unknown.status).toBe(404);
    // A long name is cut in the message, as every echoed value is.
    const long = await call(t.url, 'POST', `/v1/admin/tools/${'x'.repeat(100)}/reset`, admin);
    expect(long.status).toBe(404);
    expect(long.body.error.message).toBe(`There is no tool named "${'x'.repeat(80)}".`);
  });
});

describe('erasing a session', () => {
  it('deletes everything of it — messages, attachments, ticket, webhook messages — and nothing of another', async () => {
    // A receiver that refuses, so that each ticket's messages wait in the outbox.
    const receiver = await startWebhookReceiver(() => 503);
    const s = await startServer(receiver.env);
    try {
      /** A customer who attached an invoice and asked for a person: a ticket is opened. */
      const customer = async (word: string) => {
        const session = await createSession(s.url);
        const form = new FormData();
        form.set('text', 'I want to speak to a human right now! My invoice is attached.');
        form.set(
          'file',
          new Blob([`Invoice 5521 from ${word} Logistics, paid in full.`]),
          'invoice.txt',
        );
        const sent = await fetch(`${s.url}/v1/sessions/${session.id}/messages`, {
          method: 'POST',
          headers: bearer(session.token),
          body: form,
        });
        expect(sent.status).toBe(200);
        const ticketId = ((await sent.json()) as Json).escalation.ticketId as string;
        expect(ticketId).toMatch(/^T-/);
        return { ...session, ticketId, word };
      };
      /** What the staff and the customer can still see of a session. */
      const visible = async (c: { id: string; token: string; ticketId: string; word: string }) => {
        const search = await call(s.url, 'POST', '/v1/admin/search', {
          ...admin,
          body: { query: `${c.word} invoice`, sessionId: c.id },
        });
        return {
          transcript: (await call(s.url, 'GET', `/v1/admin/sessions/${c.id}`, admin)).status,
          ticket: (await call(s.url, 'GET', `/v1/admin/tickets/${c.ticketId}`, admin)).status,
          token: (await call(s.url, 'GET', `/v1/sessions/${c.id}`, { token: c.token })).status,
          attachment: (search.body.hits as Json[]).some(
            (hit) => hit.source === 'attachment:invoice.txt',
          ),
          messages: (await s.app.conversations.messages(c.id)).length,
          memories: (await s.app.conversations.memories(c.id)).length,
          passages: (await s.app.knowledge.stats(`session:${c.id}`)).chunks,
        };
      };
      const gone = await customer('Zendrix');
      const kept = await customer('Quorvane');
      await s.app.webhooks?.deliverDue();
      const before = await visible(gone);
      expect(before).toMatchObject({ transcript: 200, ticket: 200, token: 200, attachment: true });
      expect(before.messages).toBe(2);
      expect(before.passages).toBeGreaterThan(0);
      expect((await call(s.url, 'GET', '/v1/admin/outbox', admin)).body.undelivered).toBe(2);
      const keptBefore = await visible(kept);

      const erased = await call(s.url, 'DELETE', `/v1/admin/sessions/${gone.id}`, admin);
      expect(erased.status).toBe(204);
      expect(erased.body).toBe('');

      expect(await visible(gone)).toEqual({
        transcript: 404,
        ticket: 404,
        token: 401,
        attachment: false,
        messages: 0,
        memories: 0,
        passages: 0,
      });
      const tickets = await call(s.url, 'GET', '/v1/admin/tickets', admin);
      expect(tickets.body.items.map((x: Json) => x.id)).toEqual([kept.ticketId]);
      const sessions = await call(s.url, 'GET', '/v1/admin/sessions', admin);
      expect(sessions.body.items.map((x: Json) => x.id)).not.toContain(gone.id);
      // Its ticket's message will never be sent; the other's still waits. In its place, the
      // ticket system is to be told that the ticket was erased, so that it erases its copy:
      // by the ticket's id alone.
      const outbox = await s.app.conversations.dueOutbox(
        new Date(Date.now() + 86_400_000).toISOString(),
        10,
      );
      expect(outbox.map((o) => o.topic)).toEqual(['ticket.created', 'ticket.erased']);
      expect(JSON.stringify(outbox)).not.toContain(gone.id);
      expect(JSON.stringify(outbox[0])).toContain(kept.id);
      expect(outbox[1]?.payload).toEqual({
        ticket: { id: gone.ticketId },
        reason: 'request',
        erasedAt: expect.any(String),
      });
      // The other customer sees, and the staff see of them, what they saw before.
      expect(await visible(kept)).toEqual(keptBefore);
      expect(keptBefore).toMatchObject({
        transcript: 200,
        ticket: 200,
        token: 200,
        attachment: true,
      });

      const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(
        /^support_agent_sessions_erased_total\{[^}]*reason="request"[^}]*\} 1$/m,
      );
      // Once erased, there is nothing of it left to erase.
      expect((await call(s.url, 'DELETE', `/v1/admin/sessions/${gone.id}`, admin)).status).toBe(
        404,
      );
    } finally {
      await s.close();
      await receiver.close();
    }
  });

  it('answers an id that is not one, an unknown session and a caller without the key as the other session routes do', async () => {
    const bad = await call(t.url, 'DELETE', '/v1/admin/sessions/not-an-id', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'invalid_input',
      message: '"not-an-id" is not a session id',
    });
    expect((await call(t.url, 'GET', '/v1/admin/sessions/not-an-id', admin)).status).toBe(400);
    const unknown = randomUUID();
    const missing = await call(t.url, 'DELETE', `/v1/admin/sessions/${unknown}`, admin);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      code: 'not_found',
      message: 'No session with this id.',
    });
    expect((await call(t.url, 'GET', `/v1/admin/sessions/${unknown}`, admin)).status).toBe(404);

    // A session started but never written to is erased too: its token stops working.
    const quiet = await createSession(t.url);
    expect((await call(t.url, 'DELETE', `/v1/admin/sessions/${quiet.id}`)).status).toBe(401);
    expect(
      (await call(t.url, 'GET', `/v1/sessions/${quiet.id}`, { token: quiet.token })).status,
    ).toBe(200);
    expect((await call(t.url, 'DELETE', `/v1/admin/sessions/${quiet.id}`, admin)).status).toBe(204);
    expect(
      (await call(t.url, 'GET', `/v1/sessions/${quiet.id}`, { token: quiet.token })).status,
    ).toBe(401);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await call(t.url, 'GET', '/openapi.json');
    const erase = doc.body.paths['/v1/admin/sessions/{id}'].delete;
    expect(erase.security).toEqual([{ adminToken: [] }]);
    expect(Object.keys(erase.responses)).toContain('204');
  });
});

/** A PNG's signature, then every byte value: a picture whose bytes no text decoding survives. */
const PICTURE = Uint8Array.from([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  ...Array.from({ length: 256 }, (_, i) => i),
]);
const NOTES = 'The lamp arrived with a cracked shade; the box was dented on one corner.';
const PAGE = '<html><body><script>fetch("/v1/admin/tickets")</script>Order 7781</body></html>';

/** How many files the database keeps for a session: its rows in `source_files`. */
type KeptRows = (sessionId: string) => Promise<number>;

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

describe.each([
  { database: 'SQLite', run: true },
  { database: 'PostgreSQL', run: postgresUp },
])("a customer's files, for the staff, on $database", ({ database, run }) => {
  let s: TestServer;
  let keptRows: KeptRows;
  const cleanup: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    if (!run) return;
    if (database === 'SQLite') {
      // A file, not `:memory:`, so that the test reads the table through a connection of its own.
      const dir = mkdtempSync(join(tmpdir(), 'support-agent-files-'));
      const path = join(dir, 'files.db');
      s = await startServer({}, { databasePath: path });
      const db = new Database(path, { readonly: true });
      keptRows = async (id) =>
        (
          db
            .prepare('SELECT COUNT(*) AS n FROM source_files WHERE scope = ?')
            .get(`session:${id}`) as {
            n: number;
          }
        ).n;
      cleanup.push(async () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      });
    } else {
      const schema = uniqueName('files');
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      s = await startServer({ DATABASE_URL: url.toString() });
      keptRows = async (id) => {
        const { rows } = await client.query<{ n: string }>(
          `SELECT COUNT(*) AS n FROM ${schema}.source_files WHERE scope = $1`,
          [`session:${id}`],
        );
        return Number(rows[0]?.n);
      };
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

  /** A session whose customer sent a message with these files; its transcript as staff read it. */
  async function sendFiles(files: Array<{ name: string; data: Uint8Array | string }>) {
    const session = await createSession(s.url);
    const form = new FormData();
    form.set('text', 'Here is what arrived, and my notes on it.');
    for (const file of files) form.append('file', new Blob([file.data]), file.name);
    const sent = await fetch(`${s.url}/v1/sessions/${session.id}/messages`, {
      method: 'POST',
      headers: bearer(session.token),
      body: form,
    });
    expect(sent.status).toBe(200);
    const read = await call(s.url, 'GET', `/v1/admin/sessions/${session.id}`, admin);
    expect(read.status).toBe(200);
    const attachments = read.body.transcript[0].attachments as Json[];
    return { ...session, attachments };
  }

  const download = (sessionId: string, fileId: string, token = ADMIN_KEY) =>
    fetch(`${s.url}/v1/admin/sessions/${sessionId}/attachments/${fileId}`, {
      headers: bearer(token),
    });

  it.runIf(run)(
    'lists every file in the transcript, and serves each byte for byte, as a download that cannot run',
    async () => {
      const c = await sendFiles([
        { name: 'cracked lamp.png', data: PICTURE },
        { name: 'reçu; mai.txt', data: NOTES },
        { name: 'order.html', data: PAGE },
      ]);
      expect(c.attachments).toEqual([
        {
          id: expect.any(String),
          name: 'cracked lamp.png',
          size: PICTURE.length,
          mediaType: 'image/png',
          read: false,
          problem: 'image',
        },
        {
          id: expect.any(String),
          name: 'reçu; mai.txt',
          size: Buffer.byteLength(NOTES),
          mediaType: 'text/plain',
          read: true,
        },
        {
          id: expect.any(String),
          name: 'order.html',
          size: PAGE.length,
          mediaType: 'text/plain',
          read: true,
        },
      ]);
      const [picture, notes, page] = c.attachments as Array<{ id: string }>;

      const shown = await download(c.id, picture?.id ?? '');
      expect(shown.status).toBe(200);
      expect(Buffer.from(await shown.arrayBuffer())).toEqual(Buffer.from(PICTURE));
      expect(Object.fromEntries(shown.headers)).toMatchObject({
        'content-type': 'image/png',
        'content-disposition': `attachment; filename="cracked lamp.png"; filename*=UTF-8''cracked%20lamp.png`,
        'x-content-type-options': 'nosniff',
        'content-security-policy': expect.stringMatching(/^sandbox(;|$)/),
        'cache-control': 'no-store',
      });

      const text = await download(c.id, notes?.id ?? '');
      expect(text.status).toBe(200);
      expect(await text.text()).toBe(NOTES);
      expect(text.headers.get('content-type')).toBe('application/octet-stream');
      // The `;` cannot start a parameter of its own; the name itself is in `filename*`.
      expect(text.headers.get('content-disposition')).toBe(
        `attachment; filename="re_u_ mai.txt"; filename*=UTF-8''re%C3%A7u%3B%20mai.txt`,
      );

      // A page of script is a download of bytes, never a page of the API's origin.
      const html = await download(c.id, page?.id ?? '');
      expect(html.status).toBe(200);
      expect(await html.text()).toBe(PAGE);
      expect(html.headers.get('content-type')).toBe('application/octet-stream');
      expect(html.headers.get('content-disposition')).toMatch(/^attachment; filename="order.html"/);
      expect(html.headers.get('x-content-type-options')).toBe('nosniff');
      expect(html.headers.get('content-security-policy')).toMatch(/^sandbox(;|$)/);

      // The ticket's transcript lists them alike.
      const handed = await fetch(`${s.url}/v1/sessions/${c.id}/messages`, {
        method: 'POST',
        headers: { ...bearer(c.token), 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'I want to speak to a human right now!' }),
      });
      const ticketId = ((await handed.json()) as Json).escalation.ticketId as string;
      const ticket = await call(s.url, 'GET', `/v1/admin/tickets/${ticketId}`, admin);
      expect(ticket.body.transcript[0].attachments).toEqual(c.attachments);
      expect(ticket.body.transcript[2].attachments).toBeUndefined();
    },
  );

  it.runIf(run)(
    'keeps no card number: hidden in the copy of a text file, a PDF with one not kept at all',
    async () => {
      const card = '4242 4242 4242 4242';
      const pdf = await makePdf((doc) => doc.text(`Charged twice to my card ${card}, order 7781.`));
      const c = await sendFiles([
        { name: 'notes.txt', data: `I paid with ${card} on Monday.` },
        { name: 'statement.pdf', data: pdf },
      ]);
      expect(c.attachments).toEqual([
        {
          id: expect.any(String),
          name: 'notes.txt',
          size: Buffer.byteLength('I paid with [card number hidden, ending 4242] on Monday.'),
          mediaType: 'text/plain',
          read: true,
          cardsHidden: 1,
        },
        {
          id: expect.any(String),
          name: 'statement.pdf',
          size: pdf.length,
          mediaType: 'application/pdf',
          read: true,
          withheld: 'card_numbers',
        },
      ]);
      const [notes, statement] = c.attachments as Array<{ id: string }>;
      const text = await download(c.id, notes?.id ?? '');
      expect(await text.text()).toBe('I paid with [card number hidden, ending 4242] on Monday.');
      expect((await download(c.id, statement?.id ?? '')).status).toBe(404);
      expect(await keptRows(c.id)).toBe(1);
    },
  );

  it.runIf(run)(
    'refuses a wrong key, and finds no file of another session, nor an unknown one',
    async () => {
      const mine = await sendFiles([{ name: 'notes.txt', data: NOTES }]);
      const theirs = await sendFiles([{ name: 'photo.png', data: PICTURE }]);
      const theirFile = theirs.attachments[0].id as string;
      expect((await download(theirs.id, theirFile)).status).toBe(200);

      const keyless = await download(theirs.id, theirFile, 'not-the-admin-key');
      expect(keyless.status).toBe(401);
      expect(((await keyless.json()) as Json).error.code).toBe('unauthorized');

      for (const [sessionId, fileId] of [
        [mine.id, theirFile],
        [mine.id, randomUUID()],
        [randomUUID(), theirFile],
      ] as const) {
        const missing = await download(sessionId, fileId);
        expect(missing.status).toBe(404);
        expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await missing.json()).toEqual({
          error: { code: 'not_found', message: expect.any(String), requestId: expect.any(String) },
        });
      }
      expect((await download(mine.id, 'not-an-id')).status).toBe(400);
    },
  );

  it.runIf(run)(
    'keeps the files as long as the transcript: past the end of the session, not past its erasure or the sweep',
    async () => {
      const ended = await sendFiles([
        { name: 'photo.png', data: PICTURE },
        { name: 'notes.txt', data: NOTES },
      ]);
      const erased = await sendFiles([{ name: 'photo.png', data: PICTURE }]);
      const swept = await sendFiles([{ name: 'notes.txt', data: NOTES }]);
      const other = await sendFiles([{ name: 'photo.png', data: PICTURE }]);
      expect(await keptRows(ended.id)).toBe(2);
      for (const c of [erased, swept, other]) expect(await keptRows(c.id)).toBe(1);

      const end = await call(s.url, 'DELETE', `/v1/sessions/${ended.id}`, { token: ended.token });
      expect(end.status).toBe(200);
      const wipe = await call(s.url, 'DELETE', `/v1/admin/sessions/${erased.id}`, admin);
      expect(wipe.status).toBe(204);
      await sweepIdleSessions({
        conversations: s.app.conversations,
        knowledge: s.app.knowledge,
        before: new Date(Date.now() + 60_000).toISOString(),
        erase: async (id) =>
          id === swept.id &&
          (await eraseSessionData(s.app, id, { idleBefore: new Date().toISOString() })) !== null,
      });

      for (const c of [erased, swept]) {
        for (const file of c.attachments as Array<{ id: string }>) {
          expect((await download(c.id, file.id)).status).toBe(404);
        }
        expect(await keptRows(c.id)).toBe(0);
      }
      // The ended session's transcript still lists what was sent, and the staff still download
      // it: only the passages read from the files are gone, so nothing searches them.
      const transcript = await call(s.url, 'GET', `/v1/admin/sessions/${ended.id}`, admin);
      expect(transcript.body.transcript[0].attachments).toHaveLength(2);
      for (const file of ended.attachments as Array<{ id: string }>) {
        expect((await download(ended.id, file.id)).status).toBe(200);
      }
      expect(await keptRows(ended.id)).toBe(2);
      // Erased later, the files go with the rest of it.
      expect((await call(s.url, 'DELETE', `/v1/admin/sessions/${ended.id}`, admin)).status).toBe(
        204,
      );
      expect(await keptRows(ended.id)).toBe(0);
      // Another customer's files stay.
      expect(await keptRows(other.id)).toBe(1);
      expect((await download(other.id, other.attachments[0].id as string)).status).toBe(200);
    },
  );
});
