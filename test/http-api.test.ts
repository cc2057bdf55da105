/**
 * The customer API through real sockets: sessions, messages as JSON, SSE and WebSocket,
 * attachments by multipart, idempotent retries, history, the end of a session, the OpenAPI
 * document and the docs page.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { TurnEvent } from '../src/protocol/index.js';
import type { SearchResult } from '../src/rag/index.js';
import { FakeClock, startFakeOpenAi, type FakeOpenAi } from '../src/testing/index.js';
import { makePdf } from './helpers/documents.js';
import {
  bearer,
  call,
  createSession,
  openFeed,
  parseSse,
  startServer,
  type TestServer,
  sendStreaming,
} from './helpers/http.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';

let t: TestServer;

beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

describe('sessions', () => {
  it('creates a session with a token and reads it back with that token', async () => {
    const created = await call(t.url, 'POST', '/v1/sessions', {
      body: { metadata: { locale: 'en-GB' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), createdAt: expect.any(String) });
    expect(created.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
    expect(created.headers.get('x-request-id')).toBeTruthy();

    const read = await call(t.url, 'GET', `/v1/sessions/${created.body.id}`, {
      token: created.body.token,
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: created.body.id,
      status: 'active',
      messageCount: 0,
      transcriptMessages: 0,
      metadata: { locale: 'en-GB' },
    });
    expect(JSON.stringify(read.body)).not.toContain(created.body.token);
    expect(read.body).not.toHaveProperty('tokenHash');
  });

  it('answers a message as JSON with sources, and keeps the history in order', async () => {
    const { id, token } = await createSession(t.url);
    const sent = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my password?' },
      headers: { 'x-request-id': 'req-json-1' },
    });
    expect(sent.status).toBe(200);
    expect(sent.headers.get('x-request-id')).toBe('req-json-1');
    expect(sent.body).toMatchObject({
      sessionId: id,
      requestId: 'req-json-1',
      messageCount: 1,
      message: { answeredBy: 'extractive' },
    });
    // The file the passage came from by its name: the path it was ingested from stays inside.
    expect(sent.body.sources[0]).toMatchObject({
      id: 1,
      title: 'How do I reset my password?',
      source: 'faq.json',
    });
    expect(JSON.stringify(sent.body)).not.toContain('/help/');
    expect(sent.body.message.text).toContain('[1]');

    await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'And what is your refund policy?' },
    });
    const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.status).toBe(200);
    expect(history.body.items.map((m: { role: string; seq: number }) => [m.seq, m.role])).toEqual([
      [1, 'user'],
      [2, 'assistant'],
      [3, 'user'],
      [4, 'assistant'],
    ]);
    expect(history.body.items[1].sources[0].title).toBe('How do I reset my password?');
    expect(history.body.nextAfter).toBeNull();

    const page = await call(t.url, 'GET', `/v1/sessions/${id}/messages?limit=3`, { token });
    expect(page.body.items).toHaveLength(3);
    expect(page.body.nextAfter).toBe(3);
    const rest = await call(t.url, 'GET', `/v1/sessions/${id}/messages?after=3`, { token });
    expect(rest.body.items.map((m: { seq: number }) => m.seq)).toEqual([4]);
    // A full page that ends with the last message is the last: no empty page to fetch after it.
    for (const query of ['limit=4', 'limit=2&after=2']) {
      const last = await call(t.url, 'GET', `/v1/sessions/${id}/messages?${query}`, { token });
      expect(last.body.items.at(-1).seq, query).toBe(4);
      expect(last.body.nextAfter, query).toBeNull();
    }
    const first = await call(t.url, 'GET', `/v1/sessions/${id}/messages?limit=2`, { token });
    expect(first.body.nextAfter).toBe(2);

    // Two counts, each named for what it counts: the customer's messages, and the whole
    // history the `seq`s number (each reply included).
    const session = await call(t.url, 'GET', `/v1/sessions/${id}`, { token });
    expect(session.body).toMatchObject({ messageCount: 2, transcriptMessages: 4 });
    const ended = await call(t.url, 'DELETE', `/v1/sessions/${id}`, { token });
    expect(ended.body).toMatchObject({ status: 'ended', messageCount: 2, transcriptMessages: 4 });
  });

  it('streams the turn as SSE: start first, text in between, complete last', async () => {
    const { id, token } = await createSession(t.url);
    const response = await sendStreaming(t.url, id, token, 'What is your refund policy?');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const events = parseSse(await response.text());
    const types = events.map((e) => e.event);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('complete');
    expect(types).toContain('sources');
    expect(types).toContain('text');
    expect(types.indexOf('sources')).toBeLessThan(types.indexOf('text'));
    for (const e of events) expect(e.data.type).toBe(e.event);
    const text = events
      .map((e) => e.data)
      .filter((e): e is Extract<TurnEvent, { type: 'text' }> => e.type === 'text')
      .map((e) => e.delta)
      .join('');
    const complete = events.at(-1)?.data as Extract<TurnEvent, { type: 'complete' }>;
    expect(complete.message.text).toBe(text);
    expect(complete.message.text).toContain('30 days');

    const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items[1].text).toBe(complete.message.text);
  });

  it("streams the reply's escalation as the escalation event, with or without a new escalation", async () => {
    const { id, token } = await createSession(t.url);
    const send = (text: string) =>
      sendStreaming(t.url, id, token, text).then(async (r) =>
        parseSse(await r.text()).map((e) => e.data),
      );
    // The first message opens the ticket; the second, a plain question, does not escalate, and
    // the session's ticket is still there.
    for (const text of ['I want to talk to a human', 'What is your refund policy?']) {
      const events = await send(text);
      const escalation = events.find((e) => e.type === 'escalation');
      const complete = events.at(-1) as Extract<TurnEvent, { type: 'complete' }>;
      expect(complete.message.escalation.ticketId).toMatch(/^T-/);
      expect(escalation).toEqual({ type: 'escalation', ...complete.message.escalation });
    }
  });

  it('carries the same events over the WebSocket, and survives a bad frame', async () => {
    const { id, token } = await createSession(t.url);
    const socket = new WebSocket(
      `${t.url.replace('http', 'ws')}/v1/sessions/${id}/ws?token=${token}`,
    );
    const received: TurnEvent[] = [];
    const completes: Array<() => void> = [];
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as TurnEvent;
      received.push(event);
      if (event.type === 'complete' || event.type === 'error') completes.shift()?.();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const next = () => new Promise<void>((resolve) => completes.push(resolve));

    let done = next();
    socket.send('this is not json');
    await done;
    expect(received.at(-1)).toMatchObject({ type: 'error', code: 'invalid_input' });

    done = next();
    socket.send(JSON.stringify({ type: 'message', text: 'How do I reset my password?' }));
    await done;
    const turn = received.slice(1);
    // The sender's own message first, as the history stores it, then its turn.
    expect(turn[0]).toMatchObject({ type: 'customer_message', message: { role: 'user' } });
    expect(turn[1]?.type).toBe('start');
    expect(turn.at(-1)?.type).toBe('complete');
    expect(turn.some((e) => e.type === 'text')).toBe(true);
    const complete = turn.at(-1) as Extract<TurnEvent, { type: 'complete' }>;
    expect(complete.message.sources[0]?.title).toBe('How do I reset my password?');
    socket.close();

    const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items).toHaveLength(2);
  });

  it("carries each frame's id back on its turn as replyTo, and none for a frame without one", async () => {
    const { id, token } = await createSession(t.url);
    const socket = new WebSocket(
      `${t.url.replace('http', 'ws')}/v1/sessions/${id}/ws?token=${token}`,
    );
    const received: TurnEvent[] = [];
    socket.on('message', (data) => received.push(JSON.parse(String(data)) as TurnEvent));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const ends = () => received.filter((e) => e.type === 'complete' || e.type === 'error');

    // Sent together: each turn's start and end name the bubble it answers.
    socket.send(JSON.stringify({ type: 'message', text: 'How do I reset my password?', id: 'b1' }));
    socket.send(JSON.stringify({ type: 'message', text: 'What is your refund policy?', id: 'b2' }));
    socket.send(JSON.stringify({ type: 'message', text: 'Thanks!' }));
    await vi.waitFor(() => expect(ends()).toHaveLength(3), { timeout: 5_000 });
    socket.close();

    const starts = received.filter((e) => e.type === 'start');
    expect(starts.map((e) => e.replyTo)).toEqual(['b1', 'b2', undefined]);
    expect(ends().map((e) => [e.type, e.replyTo])).toEqual([
      ['complete', 'b1'],
      ['complete', 'b2'],
      ['complete', undefined],
    ]);
    // A frame without an id is answered as it always was: no `replyTo` at all.
    expect(starts[2]).not.toHaveProperty('replyTo');
    expect(ends()[2]).not.toHaveProperty('replyTo');
    // The events between start and end are the turn's: they need no id of their own.
    expect(received.filter((e) => e.type === 'text').every((e) => !('replyTo' in e))).toBe(true);
  });

  it('lets a second connection follow the session live over SSE', async () => {
    const { id, token } = await createSession(t.url);
    const feed = await openFeed(t.url, id, token);
    await feed.readUntil('event: ready');
    const sent = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'What is your refund policy?' },
    });
    await feed.readUntil('event: complete');
    feed.close();
    const events = parseSse(feed.text()).map((e) => e.event);
    expect(events[0]).toBe('ready');
    expect(events.slice(1, 3)).toEqual(['customer_message', 'start']);
    expect(events.at(-1)).toBe('complete');
    const complete = parseSse(feed.text()).at(-1)?.data as Extract<TurnEvent, { type: 'complete' }>;
    expect(complete.message.id).toBe(sent.body.message.id);

    const other = await createSession(t.url);
    const refused = await fetch(`${t.url}/v1/sessions/${id}/events`, {
      headers: { ...bearer(other.token), accept: 'text/event-stream' },
    });
    expect(refused.status).toBe(401);
  });

  it('streams the live feed to a client that takes anything, and refuses one that takes only JSON', async () => {
    const { id, token } = await createSession(t.url);
    // Without an Accept header (curl as it comes) or with */*: the route only streams.
    for (const accept of [undefined, '*/*', 'text/*;q=0.9']) {
      const controller = new AbortController();
      const response = await fetch(`${t.url}/v1/sessions/${id}/events`, {
        headers: { ...bearer(token), ...(accept ? { accept } : {}) },
        signal: controller.signal,
      });
      // fetch sends `*/*` when none is given: a raw request shows no header at all below.
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      controller.abort();
    }
    const raw = await new Promise<string>((resolve, reject) => {
      const { hostname, port } = new URL(t.url);
      const socket = connect(Number(port), hostname, () =>
        socket.write(
          `GET /v1/sessions/${id}/events HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\n\r\n`,
        ),
      );
      socket.once('data', (chunk) => {
        resolve(chunk.toString('latin1'));
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(raw).toMatch(/content-type: text\/event-stream/i);
    const json = await call(t.url, 'GET', `/v1/sessions/${id}/events`, {
      token,
      headers: { accept: 'application/json' },
    });
    expect(json.status).toBe(400);
    expect(json.body.error.message).toMatch(/Accept: text\/event-stream/);
  });

  it('takes attachments by multipart and answers from them in that session', async () => {
    const { id, token } = await createSession(t.url);
    const pdf = await makePdf((doc) => {
      doc.fontSize(12).text('Warranty certificate. Your warranty activation code is ZEBRA-7731.');
    });
    const form = new FormData();
    form.set('text', 'What is the warranty activation code in my certificate?');
    form.set('file', new Blob([pdf], { type: 'application/pdf' }), '../../etc/certificate.pdf');
    const response = await fetch(`${t.url}/v1/sessions/${id}/messages`, {
      method: 'POST',
      headers: bearer(token),
      body: form,
    });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { message: { text: string } };
    expect(result.message.text).toContain('ZEBRA-7731');
    // The file is known by its own name only: the directories of the given name are dropped.
    expect(result.message.text).toContain('certificate.pdf');
    expect(result.message.text).not.toContain('..');
    // Once the session ends, nothing searches its files: their passages are deleted.
    const search = async () => {
      const found = await t.app.tools.call<SearchResult>(
        'kb_search',
        { query: 'warranty activation code zebra' },
        { sessionId: id },
      );
      return found.type === 'ok' ? found.value.hits.map((h) => h.source) : ['(search failed)'];
    };
    expect(await search()).toContain('attachment:certificate.pdf');
    expect((await call(t.url, 'DELETE', `/v1/sessions/${id}`, { token })).status).toBe(200);
    expect(await search()).not.toContain('attachment:certificate.pdf');
    expect(await search()).not.toContain('(search failed)');
  });

  it('shows a message of files only by their names in the history, not as an empty message', async () => {
    const { id, token } = await createSession(t.url);
    const form = new FormData();
    form.append('file', new Blob(['Order 5521 shipped on 3 May.']), 'order-note.txt');
    form.append('file', new Blob(['Invoice 88: 40 EUR.']), 'invoice.txt');
    const sent = await fetch(`${t.url}/v1/sessions/${id}/messages`, {
      method: 'POST',
      headers: bearer(token),
      body: form,
    });
    expect(sent.status).toBe(200);
    const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items[0]).toMatchObject({
      role: 'user',
      text: '',
      attachments: ['order-note.txt', 'invoice.txt'],
    });
    expect(history.body.items[1].role).toBe('assistant');
    expect(history.body.items[1]).not.toHaveProperty('attachments');
  });

  it('deletes the passages of a file a turn was still reading when the session ended', async () => {
    const seen = await endWhileReading(t, 100);
    // Ending waited for the turn, then deleted what the turn stored.
    expect(seen.endedBeforeTurnWent).toBe(false);
    expect(seen.sources).not.toContain('attachment:note.txt');
  });

  it('deletes them when the turn ends, if ending could not wait for it', async () => {
    const quick = await startServer({ SESSION_LOCK_WAIT_MS: '100' });
    try {
      const seen = await endWhileReading(quick, 600);
      expect(seen.endedBeforeTurnWent).toBe(true);
      expect(seen.sources).not.toContain('attachment:note.txt');
    } finally {
      await quick.close();
    }
  });

  it('replays a retried message with the same Idempotency-Key and refuses a reused key', async () => {
    const { id, token } = await createSession(t.url);
    const send = (text: string, key: string) =>
      call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text },
        headers: { 'idempotency-key': key },
      });
    const first = await send('What is your refund policy?', 'key-1');
    const retry = await send('What is your refund policy?', 'key-1');
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.message.id).toBe(first.body.message.id);
    expect(retry.body).toEqual(first.body);

    const reused = await send('Something else entirely', 'key-1');
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({ code: 'conflict' });
    expect(reused.body.error.message).toMatch(/different message/);

    const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items).toHaveLength(2);
    const session = await call(t.url, 'GET', `/v1/sessions/${id}`, { token });
    expect(session.body.messageCount).toBe(1);
  });

  it('keeps no hash of a card number for an idempotent retry: the message as stored is compared', async () => {
    const { id, token } = await createSession(t.url);
    const send = (text: string) =>
      call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text },
        headers: { 'idempotency-key': 'card-key' },
      });
    const first = await send('I was charged twice on card 4111 1111 1111 1111');
    expect(first.status).toBe(200);
    // The same message as stored (only the last four digits are kept): the same request.
    const retry = await send('I was charged twice on card 4111-1111-1111-1111');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
  });

  it('replays over SSE too', async () => {
    const { id, token } = await createSession(t.url);
    const send = () =>
      sendStreaming(t.url, id, token, 'How do I reset my password?', {
        headers: { 'idempotency-key': 'sse-key' },
      }).then(async (r) => parseSse(await r.text()));
    const first = await send();
    const replay = await send();
    // What a client builds its view from, as the turn sent it; not the progress of work not redone.
    const shown = (events: typeof first) =>
      events.filter((e) => e.event !== 'status' && e.event !== 'tool');
    expect(replay.map((e) => e.event)).toEqual([
      'start',
      'sources',
      'escalation',
      'text',
      'complete',
    ]);
    expect(shown(replay).slice(1, 3)).toEqual(shown(first).slice(1, 3));
    const reply = first.at(-1)?.data as Extract<TurnEvent, { type: 'complete' }>;
    expect(replay[3]?.data).toEqual({ type: 'text', delta: reply.message.text });
    expect(replay.at(-1)?.data).toEqual(first.at(-1)?.data);
  });

  it('ends a session: later messages are refused, the history stays readable', async () => {
    const { id, token } = await createSession(t.url);
    await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'What is your refund policy?' },
    });
    const ended = await call(t.url, 'DELETE', `/v1/sessions/${id}`, { token });
    expect(ended.status).toBe(200);
    expect(ended.body.status).toBe('ended');
    const refused = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'Hello again' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/ended/);
    const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items).toHaveLength(2);
    // Its streams are refused as its messages are: nothing will happen in it any more.
    const feed = await call(t.url, 'GET', `/v1/sessions/${id}/events`, {
      token,
      headers: { accept: 'text/event-stream' },
    });
    expect(feed.status).toBe(409);
    expect(feed.body.error.message).toMatch(/ended/);
    const upgrade = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = new WebSocket(`${t.url.replace('http', 'ws')}/v1/sessions/${id}/ws`, {
        headers: bearer(token),
      });
      socket.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      socket.on('open', () => reject(new Error('the upgrade was accepted')));
      socket.on('error', () => undefined);
    });
    expect(upgrade.status).toBe(409);
    expect(JSON.parse(upgrade.body)).toMatchObject({ error: { code: 'conflict' } });
  });
});

describe('a WebSocket client that does not wait for answers', () => {
  let slow: TestServer;
  let llm: FakeOpenAi;

  beforeAll(async () => {
    // A model that takes about five seconds to answer: messages pile up behind its turn.
    llm = await startFakeOpenAi({
      chat: { text: 'Open Settings and choose Security. '.repeat(6), chunkSize: 4, delayMs: 100 },
    });
    slow = await startServer({
      LLM_BASE_URL: llm.url,
      LLM_MODEL: 'fake-model',
      SESSION_MESSAGES_PER_MINUTE: '3',
    });
  });
  afterAll(async () => {
    await slow.close();
    await llm.close();
  });

  const connect = async (id: string, token: string) => {
    const socket = new WebSocket(
      `${slow.url.replace('http', 'ws')}/v1/sessions/${id}/ws?token=${token}`,
    );
    const received: TurnEvent[] = [];
    socket.on('message', (data) => received.push(JSON.parse(String(data)) as TurnEvent));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return { socket, received, closed };
  };
  const refusals = (events: TurnEvent[]) =>
    events.filter((e) => e.type === 'error' && (e as { code?: string }).code === 'rate_limited');

  it('counts a message against the session limit when it arrives, not when its turn comes', async () => {
    const { id, token } = await createSession(slow.url);
    const { socket, received } = await connect(id, token);
    for (let i = 0; i < 4; i++) {
      socket.send(JSON.stringify({ type: 'message', text: `How do I reset my password? (${i})` }));
    }
    // The fourth is over the limit of three a minute: told at once, while the first turn runs.
    await vi.waitFor(() => expect(refusals(received)).toHaveLength(1), { timeout: 2_000 });
    expect(refusals(received)[0]).toMatchObject({
      message: expect.stringMatching(/Too many messages in this conversation: the limit is 3/),
      retryable: true,
    });
    expect(received.some((e) => e.type === 'complete')).toBe(false);
    socket.close();
  });

  it('names the frame each refusal answers, among the events of the turn that runs', async () => {
    const { id, token } = await createSession(slow.url);
    const { socket, received } = await connect(id, token);
    for (let i = 0; i < 6; i++) {
      const frame = { type: 'message', text: `How do I reset my password? (${i})`, id: `m${i}` };
      socket.send(JSON.stringify(frame));
    }
    // m0 to m3 wait (m3 then over the limit of three a minute); m4 and m5 are one too many.
    await vi.waitFor(() => expect(refusals(received)).toHaveLength(3), { timeout: 2_000 });
    const byId = Object.fromEntries(
      refusals(received).map((e) => [(e as { replyTo?: string }).replyTo, e]),
    );
    expect(Object.keys(byId).sort()).toEqual(['m3', 'm4', 'm5']);
    expect(byId.m3).toMatchObject({ message: expect.stringMatching(/the limit is 3/) });
    expect(byId.m4).toMatchObject({ message: expect.stringMatching(/wait for the answers/) });
    expect(byId.m5).toMatchObject({ message: expect.stringMatching(/wait for the answers/) });
    // The turn that runs meanwhile is the first message's.
    expect(received.find((e) => e.type === 'start')).toMatchObject({ replyTo: 'm0' });
    socket.close();
  });

  it('refuses messages past a few waiting, and closes a socket that keeps sending', async () => {
    const { id, token } = await createSession(slow.url);
    const { socket, received, closed } = await connect(id, token);
    const frame = JSON.stringify({ type: 'message', text: 'x'.repeat(19_000) });
    for (let i = 0; i < 200; i++) socket.send(frame);
    // A few wait for their turn; the rest are refused, and past 20 refusals the socket closes.
    expect(await closed).toBe(1008);
    expect(refusals(received).length).toBeGreaterThanOrEqual(20);
    expect(refusals(received)[0]).toMatchObject({
      message: expect.stringMatching(/wait for the answers/),
    });
    expect(received.some((e) => e.type === 'complete')).toBe(false);
  }, 10_000);
});

describe('caches', () => {
  it('are told to keep no copy of a token or a transcript: JSON and SSE alike', async () => {
    const created = await call(t.url, 'POST', '/v1/sessions');
    const { id, token } = created.body as { id: string; token: string };
    const sent = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'What is your refund policy?' },
    });
    const streamed = await sendStreaming(t.url, id, token, 'How do I reset my password?');
    await streamed.text();
    const read = await call(t.url, 'GET', `/v1/sessions/${id}`, { token });
    const history = await call(t.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    const refused = await call(t.url, 'GET', `/v1/sessions/${id}/messages`);
    const ended = await call(t.url, 'DELETE', `/v1/sessions/${id}`, { token });
    for (const [what, response] of Object.entries({
      created,
      sent,
      read,
      history,
      refused,
      ended,
    })) {
      expect([what, response.headers.get('cache-control')]).toEqual([what, 'no-store']);
    }
    expect(streamed.headers.get('cache-control')).toMatch(/^no-store\b/);
    // What is not one session's may be kept.
    expect((await fetch(`${t.url}/openapi.json`)).headers.get('cache-control')).toBeNull();
  });
});

describe('ending a session', () => {
  it('twice changes nothing the second time and answers as the first time did', async () => {
    const clock = new FakeClock();
    const own = await startServer({}, { clock });
    try {
      const { id, token } = await createSession(own.url);
      const first = await call(own.url, 'DELETE', `/v1/sessions/${id}`, { token });
      expect(first.status).toBe(200);
      expect(first.body.status).toBe('ended');
      await clock.advance(60_000);
      const again = await call(own.url, 'DELETE', `/v1/sessions/${id}`, { token });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const read = await call(own.url, 'GET', `/v1/sessions/${id}`, { token });
      expect(read.body.updatedAt).toBe(first.body.updatedAt);
    } finally {
      await own.close();
    }
  });
});

describe('documentation and operations', () => {
  it('serves the OpenAPI document and a docs page', async () => {
    const doc = await call(t.url, 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.0.3');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/sessions',
        '/v1/sessions/{id}/messages',
        '/v1/sessions/{id}/ws',
        '/v1/admin/tickets',
      ]),
    );
    const send = doc.body.paths['/v1/sessions/{id}/messages'].post;
    expect(send.requestBody.content['application/json'].schema.properties.text.type).toBe('string');
    const page = await fetch(`${t.url}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    // Framed by no other site, as every other response.
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('/v1/sessions/{id}/messages');
    // Code in the operations' descriptions is set as code, not shown with its backticks.
    expect(html).toContain('<code>Accept: text/event-stream</code>');
    expect(html).not.toContain('`');
  });

  it('answers health, readiness and metrics', async () => {
    expect((await call(t.url, 'GET', '/health')).body).toEqual({ status: 'ok' });
    const ready = await call(t.url, 'GET', '/ready');
    expect(ready.status).toBe(200);
    const metrics = await fetch(`${t.url}/metrics`);
    expect(await metrics.text()).toContain('support_agent_tool_calls_total');
  });
});

describe.runIf(await serviceAvailable('Redis', REDIS_URL, 6379))(
  'followers across instances',
  () => {
    it('get the events of a turn that another instance runs', async () => {
      const env = { REDIS_URL, REDIS_KEY_PREFIX: `${uniqueName('feed')}:` };
      const [one, two] = await Promise.all([startServer(env), startServer(env)]);
      try {
        const { id, token } = await createSession(one.url);
        const feed = await openFeed(one.url, id, token);
        await feed.readUntil('event: ready');
        const sent = await call(two.url, 'POST', `/v1/sessions/${id}/messages`, {
          token,
          body: { text: 'What is your refund policy?' },
        });
        expect(sent.status).toBe(200);
        await feed.readUntil('event: complete');
        feed.close();
        const events = parseSse(feed.text());
        expect(events.map((e) => e.event).slice(0, 3)).toEqual([
          'ready',
          'customer_message',
          'start',
        ]);
        const complete = events.at(-1)?.data as Extract<TurnEvent, { type: 'complete' }>;
        expect(complete.type).toBe('complete');
        expect(complete.message.id).toBe(sent.body.message.id);
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    });
  },
);

/**
 * Sends a message with a file and ends the session while the turn holds the file between
 * reading and storing it, for `holdMs`; then searches the session's files.
 */
async function endWhileReading(server: TestServer, holdMs: number) {
  const { id, token } = await createSession(server.url);
  const knowledge = server.app.knowledge;
  const store = knowledge.replaceSource.bind(knowledge);
  let reached!: () => void;
  const reading = new Promise<void>((resolve) => (reached = resolve));
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  knowledge.replaceSource = async (...args) => {
    if (args[0] === `session:${id}`) {
      reached();
      await gate;
    }
    return store(...args);
  };
  try {
    const form = new FormData();
    form.set('text', 'What does my note say?');
    form.set('file', new Blob(['Locker code: HERON-2211.'], { type: 'text/plain' }), 'note.txt');
    const sent = fetch(`${server.url}/v1/sessions/${id}/messages`, {
      method: 'POST',
      headers: bearer(token),
      body: form,
    });
    await reading;
    let endedAt = 0;
    const ended = call(server.url, 'DELETE', `/v1/sessions/${id}`, { token }).then((r) => {
      endedAt = Date.now();
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    const openedAt = Date.now();
    open();
    expect((await sent).status).toBe(200);
    expect((await ended).status).toBe(200);
    const found = await server.app.tools.call<SearchResult>(
      'kb_search',
      { query: 'locker code heron' },
      { sessionId: id },
    );
    if (found.type !== 'ok') throw new Error(`the search failed: ${found.type}`);
    return {
      endedBeforeTurnWent: endedAt < openedAt,
      sources: found.value.hits.map((h) => h.source),
    };
  } finally {
    knowledge.replaceSource = store;
  }
}
