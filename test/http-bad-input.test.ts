/**
 * Bad input over HTTP: each gets the right 4xx with the one error shape and a message a person
 * understands, the server stays up, and nothing already accepted is lost.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { installErrorHandlers } from '../src/http/index.js';
import { createLogger } from '../src/telemetry/index.js';
import {
  ADMIN_KEY,
  bearer,
  call,
  createSession,
  startServer,
  type TestServer,
} from './helpers/http.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';

let t: TestServer;
let s: { id: string; token: string };

beforeAll(async () => {
  t = await startServer({
    ATTACHMENT_MAX_FILE_BYTES: '2048',
    ATTACHMENT_MAX_MESSAGE_BYTES: '3000',
    HTTP_BODY_LIMIT_BYTES: '65536',
  });
  s = await createSession(t.url);
  const first = await call(t.url, 'POST', `/v1/sessions/${s.id}/messages`, {
    token: s.token,
    body: { text: 'What is your refund policy?' },
  });
  expect(first.status).toBe(200);
});
afterAll(() => t.close());

/** Sends raw bytes to the messages route of the test session. */
function raw(
  body: string | Buffer | FormData,
  contentType: string,
  path = `/v1/sessions/${s?.id}/messages`,
) {
  return fetch(`${t.url}${path}`, {
    method: 'POST',
    // FormData bodies bring their own content type, with the boundary.
    headers: { ...bearer(s.token), ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as { error: Record<string, string> },
  }));
}

function expectError(
  response: { status: number; body: { error: Record<string, string> } },
  status: number,
  code: string,
  message?: RegExp,
) {
  expect(response.status).toBe(status);
  expect(response.body.error.code).toBe(code);
  expect(response.body.error.requestId).toBeTruthy();
  expect(response.body.error.message).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
  if (message) expect(response.body.error.message).toMatch(message);
}

describe('message bodies', () => {
  it('refuses malformed JSON', async () => {
    expectError(
      await raw('{"text": "hi"', 'application/json'),
      400,
      'invalid_input',
      /not valid JSON/,
    );
  });

  it('refuses invalid UTF-8 instead of mangling it', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"text":"caf'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    expectError(await raw(bytes, 'application/json'), 400, 'invalid_input', /UTF-8/);
  });

  it('refuses invalid UTF-8 in a form field too, and stores nothing of it', async () => {
    const history = async () =>
      (await call(t.url, 'GET', `/v1/sessions/${s.id}/messages`, { token: s.token })).body as {
        items: unknown[];
      };
    const before = (await history()).items.length;
    const boundary = 'b0undary';
    const form = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\ncaf`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    expectError(
      await raw(form, `multipart/form-data; boundary=${boundary}`),
      400,
      'invalid_input',
      /^The form field "text" is not valid UTF-8 text/,
    );
    expect((await history()).items).toHaveLength(before);
    // The same word in valid UTF-8 is taken (in a session of its own: this one's history is
    // checked whole at the end).
    const valid = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n`),
      Buffer.from('café opening hours?', 'utf8'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const other = await createSession(t.url);
    const taken = await fetch(`${t.url}/v1/sessions/${other.id}/messages`, {
      method: 'POST',
      headers: {
        ...bearer(other.token),
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body: valid,
    });
    expect(taken.status).toBe(200);
  });

  it('answers a method a route does not take with 405 and the methods it does', async () => {
    const response = await fetch(`${t.url}/v1/sessions/${s.id}`, {
      method: 'PUT',
      headers: { ...bearer(s.token), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('DELETE, GET, HEAD');
    const body = (await response.json()) as { error: Record<string, string> };
    expect(body.error).toMatchObject({
      code: 'method_not_allowed',
      message: `/v1/sessions/${s.id} does not take PUT; it takes DELETE, GET, HEAD.`,
    });
    // Each method listed is taken: HEAD too, as GET without its body.
    const head = await fetch(`${t.url}/v1/sessions/${s.id}`, {
      method: 'HEAD',
      headers: bearer(s.token),
    });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    // A route without GET has no HEAD either.
    const search = await fetch(`${t.url}/v1/admin/search`, { method: 'PUT' });
    expect(search.status).toBe(405);
    expect(search.headers.get('allow')).toBe('POST');
    const headSearch = await fetch(`${t.url}/v1/admin/search`, { method: 'HEAD' });
    expect(headSearch.status).toBe(405);
    expect(headSearch.headers.get('allow')).toBe('POST');
    const unknown = await fetch(`${t.url}/v1/nothing-here`, { method: 'PUT' });
    expect(unknown.status).toBe(404);
    // A browser's preflight from an origin CORS does not allow is told why.
    const preflight = await fetch(`${t.url}/v1/sessions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(((await preflight.json()) as { error: { message: string } }).error.message).toMatch(
      /only from the origins in CORS_ORIGINS/,
    );
  });

  it('refuses a content type it does not take', async () => {
    expectError(
      await raw('text=hello', 'text/plain'),
      415,
      'unsupported_media_type',
      /must be JSON \(Content-Type: application\/json\), or multipart\/form-data with the files attached; got "text\/plain"/,
    );
  });

  it('tells a ticket change without JSON what it must send, and nothing of files', async () => {
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    const url = `${t.url}/v1/admin/tickets/T-0000-0000-0000`;
    const plain = await fetch(url, {
      method: 'PATCH',
      headers: { ...admin, 'content-type': 'text/plain' },
      body: 'closed',
    });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as { error: { message: string } }).error.message).toBe(
      'The body must be JSON (Content-Type: application/json); got "text/plain".',
    );
  });

  it('refuses a missing text, a wrong type and unknown fields, naming them', async () => {
    expectError(await raw('{}', 'application/json'), 400, 'invalid_input', /text: is required/);
    expectError(
      await raw('{"text": 42}', 'application/json'),
      400,
      'invalid_input',
      /text: expected a string, got a number/,
    );
    expectError(
      await raw('{"text": "hi", "colour": "blue"}', 'application/json'),
      400,
      'invalid_input',
      /unknown field "colour"/,
    );
    expectError(
      await raw('[1,2]', 'application/json'),
      400,
      'invalid_input',
      /expected an object, got a list/,
    );
  });

  it('says what is wrong with a query parameter: not a number, or out of range', async () => {
    const page = async (query: string) => {
      const r = await call(t.url, 'GET', `/v1/sessions/${s.id}/messages?${query}`, {
        token: s.token,
      });
      return { status: r.status, body: r.body as { error: Record<string, string> } };
    };
    expectError(
      await page('limit=abc'),
      400,
      'invalid_input',
      /limit: expected a number, got "abc"/,
    );
    expectError(await page('limit=5000'), 400, 'invalid_input', /limit: must be at most 200/);
    expectError(await page('limit=0'), 400, 'invalid_input', /limit: must be at least 1/);
    // An empty value is read as 0 by the number parser: the message speaks of what was sent.
    expectError(
      await page('limit='),
      400,
      'invalid_input',
      /^Invalid query: limit: is empty: give a number, or leave it out$/,
    );
  });

  it('ignores a query parameter it does not know (a cache-buster), and still checks the known ones', async () => {
    const history = await call(
      t.url,
      'GET',
      `/v1/sessions/${s.id}/messages?_=1718000000000&limit=1`,
      {
        token: s.token,
      },
    );
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(1);
    const bad = await call(
      t.url,
      'GET',
      `/v1/sessions/${s.id}/messages?_=1718000000000&limit=abc`,
      {
        token: s.token,
      },
    );
    expectError(bad, 400, 'invalid_input', /limit: expected a number, got "abc"/);

    const admin = { token: ADMIN_KEY };
    for (const path of [
      '/v1/admin/documents?_=1',
      '/v1/admin/tickets?status=open&_=1',
      '/v1/admin/sessions?_=1',
      `/v1/admin/sessions/${s.id}?_=1`,
    ]) {
      expect((await call(t.url, 'GET', path, admin)).status, path).toBe(200);
    }
    // Bodies stay strict: an unknown field is most likely a typo the client wants to hear of.
    const search = await call(t.url, 'POST', '/v1/admin/search', {
      ...admin,
      body: { query: 'refund', _: 1 },
    });
    expectError(search, 400, 'invalid_input', /unknown field "_"/);
  });

  it('refuses an empty or whitespace-only message before storing anything', async () => {
    expectError(
      await raw('{"text": "   \\n "}', 'application/json'),
      400,
      'invalid_input',
      /empty/,
    );
  });

  it('refuses a 100 KB message with a clear reason', async () => {
    const text = 'a'.repeat(30_000);
    expectError(
      await raw(JSON.stringify({ text }), 'application/json'),
      400,
      'invalid_input',
      /too long.*20000/,
    );
    expectError(
      await raw(JSON.stringify({ text: 'b'.repeat(100_000) }), 'application/json'),
      413,
      'payload_too_large',
      /too large: the limit is \d+ (KB|MB|bytes) \(HTTP_BODY_LIMIT_BYTES\)/,
    );
  });

  it('refuses oversized uploads, per file and per message', async () => {
    const big = new FormData();
    big.set('text', 'see file');
    big.set('file', new Blob([Buffer.alloc(4096, 65)]), 'big.txt');
    expectError(await raw(big, ''), 413, 'payload_too_large', /per file/);

    const many = new FormData();
    many.set('text', 'see files');
    many.append('file', new Blob([Buffer.alloc(1800, 66)]), 'a.txt');
    many.append('file', new Blob([Buffer.alloc(1800, 67)]), 'b.txt');
    expectError(await raw(many, ''), 413, 'payload_too_large', /total/);

    const unknown = new FormData();
    unknown.set('text', 'hello');
    unknown.set('sneaky', 'value');
    expectError(await raw(unknown, ''), 400, 'invalid_input', /sneaky/);
  });

  it('refuses a form with two texts rather than keep one of them', async () => {
    const twice = new FormData();
    twice.append('text', 'Cancel my order');
    twice.append('text', 'Do not cancel my order');
    expectError(
      await raw(twice, ''),
      400,
      'invalid_input',
      /^The form field "text" is given twice: send it once\.$/,
    );
  });

  it('refuses a malformed Idempotency-Key', async () => {
    const r = await call(t.url, 'POST', `/v1/sessions/${s.id}/messages`, {
      token: s.token,
      body: { text: 'hello' },
      headers: { 'idempotency-key': 'has spaces in it' },
    });
    expectError(r, 400, 'invalid_input', /Idempotency-Key/);
  });
});

describe('ids and routes', () => {
  it('serves a path written with a trailing slash as the path without it', async () => {
    const session = await createSession(t.url);
    const read = await call(t.url, 'GET', `/v1/sessions/${session.id}/`, { token: session.token });
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(session.id);
    expect((await call(t.url, 'GET', '/health/')).body).toEqual({ status: 'ok' });
    const sent = await call(t.url, 'POST', `/v1/sessions/${session.id}/messages/`, {
      token: session.token,
      body: { text: 'What is your refund policy?' },
    });
    expect(sent.status).toBe(200);
    // A method the path does not take is still a 405 that lists what it takes.
    const put = await call(t.url, 'PUT', `/v1/sessions/${session.id}/`, { token: session.token });
    expect(put.status).toBe(405);
    expect(put.body.error.message).toBe(
      `/v1/sessions/${session.id}/ does not take PUT; it takes DELETE, GET, HEAD.`,
    );
  });

  it("answers the router's own refusals with the one error shape", async () => {
    const long = await call(t.url, 'GET', `/v1/sessions/${'a'.repeat(150)}`, { token: s.token });
    expectError(long, 414, 'invalid_input', /longer than 100 characters/);
    expect(long.headers.get('x-request-id')).toBe(long.body.error.requestId);
    expect(long.headers.get('x-content-type-options')).toBe('nosniff');
    const malformed = await call(t.url, 'GET', '/v1/sessions/%E0%A4%A', { token: s.token });
    expectError(malformed, 400, 'invalid_input', /two hexadecimal digits/);
  });

  it('never answers 405 for a method the path takes, whatever the router refused', async () => {
    // A server whose router tells `/thing/` from `/thing`: its 404 must not become a 405 that
    // says GET is not taken while listing GET.
    const bare = Fastify();
    installErrorHandlers(bare, createLogger({ level: 'silent' }));
    bare.get('/thing', async () => ({ ok: true }));
    await bare.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = bare.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const get = await call(base, 'GET', '/thing/');
      expectError(get, 404, 'not_found', /^No route for GET \/thing\/$/);
      const put = await call(base, 'PUT', '/thing/');
      expectError(put, 405, 'method_not_allowed', /does not take PUT; it takes GET, HEAD\./);
    } finally {
      await bare.close();
    }
  });

  it('tells an id that is not an id from one that does not exist', async () => {
    const notAnId = await call(t.url, 'GET', '/v1/sessions/..%2F..%2Fetc', { token: s.token });
    expectError(notAnId, 400, 'invalid_input', /not a session id/);
    const unknown = await call(t.url, 'GET', '/v1/sessions/3f2a6a9e-8a31-4c43-9d8a-3b1b5e1f0c11', {
      token: s.token,
    });
    expectError(unknown, 401, 'unauthorized');
    expectError(await call(t.url, 'GET', '/v1/nowhere'), 404, 'not_found');
  });
});

describe('the admin upload', () => {
  it("keeps only the last part of an uploaded file's name, whatever it says", async () => {
    const form = new FormData();
    form.set(
      'file',
      new Blob(['# Shipping\n\nWe ship to 40 countries within 5 working days.']),
      '../../../../tmp/evil.md',
    );
    const response = await fetch(`${t.url}/v1/admin/documents`, {
      method: 'POST',
      headers: bearer(ADMIN_KEY),
      body: form,
    });
    expect(response.status).toBe(201);
    const list = await call(t.url, 'GET', '/v1/admin/documents', { token: ADMIN_KEY });
    const sources = (list.body.items as Array<{ source: string }>).map((d) => d.source);
    const uploaded = sources.find((source) => source.endsWith('evil.md'));
    expect(uploaded).toBe('uploads/evil.md');
    // Nothing is written to disk: the file is kept in the database.
    expect(existsSync(join(t.dataDir, 'uploads'))).toBe(false);
  });
});

describe('the WebSocket', () => {
  /** A socket of a new session, and the events it receives, each awaited in turn. */
  async function openSocket() {
    const session = await createSession(t.url);
    const socket = new WebSocket(
      `${t.url.replace('http', 'ws')}/v1/sessions/${session.id}/ws?token=${session.token}`,
    );
    const received: Array<Record<string, unknown>> = [];
    const waiting: Array<() => void> = [];
    let closed: number | undefined;
    socket.on('message', (data) => {
      received.push(JSON.parse(String(data)) as Record<string, unknown>);
      waiting.shift()?.();
    });
    socket.on('close', (code) => {
      closed = code;
      waiting.shift()?.();
    });
    await new Promise((resolve) => socket.once('open', resolve));
    /** The next event whose type is one of `types`; fails if the socket closes first. */
    const until = async (...types: string[]) => {
      for (;;) {
        const event = received.shift();
        if (event !== undefined && types.includes(String(event.type))) return event;
        if (event !== undefined) continue;
        if (closed !== undefined) throw new Error(`the socket closed (${closed})`);
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    };
    return { session, socket, until };
  }

  it('answers a frame that is not a message with an error, and the socket stays open', async () => {
    const { socket, until } = await openSocket();
    socket.send(JSON.stringify({ type: 'message' }));
    expect(await until('error')).toMatchObject({ type: 'error', code: 'invalid_input' });
    socket.send(JSON.stringify({ type: 'launch', text: 'x' }));
    expect(await until('error')).toMatchObject({ type: 'error', code: 'invalid_input' });
    socket.close();
  });

  it('answers a message over the limit with an error event, stores nothing, and takes the next one', async () => {
    const { session, socket, until } = await openSocket();

    socket.send(JSON.stringify({ type: 'message', text: 'a'.repeat(100 * 1024) }));
    const tooLarge = await until('error');
    expect(tooLarge).toEqual({
      type: 'error',
      code: 'payload_too_large',
      message: expect.stringMatching(/at most 64 KB.*Shorten it/),
      retryable: false,
    });
    // A WebSocket takes no files: the hint of the HTTP route has no place here.
    expect(tooLarge.message).not.toMatch(/file/);

    // Under the byte limit but over the length of a message.
    socket.send(JSON.stringify({ type: 'message', text: 'b'.repeat(30_000) }));
    const tooLong = await until('error');
    expect(tooLong).toMatchObject({ type: 'error', code: 'invalid_input' });
    expect(tooLong.message).toMatch(/too long.*20000 characters\. Shorten it/);
    expect(tooLong.message).not.toMatch(/file/);

    socket.send(JSON.stringify({ type: 'message', text: 'What is your refund policy?' }));
    expect(await until('start')).toMatchObject({ type: 'start', sessionId: session.id });
    expect(await until('complete', 'error')).toMatchObject({ type: 'complete' });
    socket.close();

    const history = await call(t.url, 'GET', `/v1/sessions/${session.id}/messages`, {
      token: session.token,
    });
    expect(history.body.items.map((m: { text: string }) => m.text)).toEqual([
      'What is your refund policy?',
      expect.stringContaining('30 days'),
    ]);
  });

  it('closes a socket whose frames keep being refused, whatever the refusal, and not before', async () => {
    const big = JSON.stringify({ type: 'message', text: 'a'.repeat(100 * 1024) });
    for (const frame of [big, 'not json', JSON.stringify({ type: 'launch' })]) {
      const { socket, until } = await openSocket();
      const closed = new Promise<number>((resolve) => socket.once('close', resolve));
      // Twenty refusals in a row are answered; a message let through starts the count again.
      for (let i = 0; i < 20; i++) socket.send(frame);
      for (let i = 0; i < 20; i++) expect(await until('error')).toMatchObject({ type: 'error' });
      socket.send(JSON.stringify({ type: 'message', text: 'What is your refund policy?' }));
      expect(await until('complete', 'error')).toMatchObject({ type: 'complete' });
      for (let i = 0; i < 20; i++) socket.send(frame);
      for (let i = 0; i < 20; i++) expect(await until('error')).toMatchObject({ type: 'error' });
      // The twenty-first in a row closes it: the client is not listening to the answers.
      socket.send(frame);
      expect(await closed).toBe(1008);
    }
  });

  it('names a refused frame by its id when it has a valid one, and only then', async () => {
    const { socket, until } = await openSocket();
    const refusal = async (frame: string | object) => {
      socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      return until('error');
    };

    // Too long a text, or not a message: each answer names the bubble it refuses.
    expect(await refusal({ type: 'message', text: 'b'.repeat(30_000), id: 'long' })).toMatchObject({
      code: 'invalid_input',
      replyTo: 'long',
    });
    expect(await refusal({ type: 'message', id: 'no-text' })).toMatchObject({
      code: 'invalid_input',
      replyTo: 'no-text',
    });

    // Over the size limit, a frame is refused unread: its id too.
    const big = await refusal({ type: 'message', text: 'a'.repeat(100 * 1024), id: 'big' });
    expect(big).toMatchObject({ code: 'payload_too_large' });
    expect(big).not.toHaveProperty('replyTo');

    // No id to name: not JSON, an id that is not a string, or one too long.
    const nameless = [
      await refusal('{"type":"message","text":"hi","id":"cut'),
      await refusal({ type: 'message', text: 'hi', id: 7 }),
      await refusal({ type: 'message', text: 'hi', id: 'x'.repeat(101) }),
      await refusal({ type: 'message', text: 'hi', id: '' }),
    ];
    for (const error of nameless) {
      expect(error).toMatchObject({ code: 'invalid_input' });
      expect(error).not.toHaveProperty('replyTo');
    }
    expect(nameless[2]?.message).toMatch(/id/);

    // The longest id there may be is carried back whole.
    socket.send(JSON.stringify({ type: 'message', text: 'Hello', id: 'i'.repeat(100) }));
    expect(await until('start')).toMatchObject({ replyTo: 'i'.repeat(100) });
    expect(await until('complete', 'error')).toMatchObject({
      type: 'complete',
      replyTo: 'i'.repeat(100),
    });
    socket.close();
  });

  it('closes the socket (1009) on a message far past any limit, without reading it whole', async () => {
    const { socket, until } = await openSocket();
    socket.send('x'.repeat(2 * 1024 * 1024));
    await expect(until('error')).rejects.toThrow('the socket closed (1009)');
  });
});

describe('floods', () => {
  it('answers 429 with Retry-After past the per-session limit, and the server stays up', async () => {
    const flood = await startServer({ SESSION_MESSAGES_PER_MINUTE: '3' });
    try {
      const session = await createSession(flood.url);
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const r = await call(flood.url, 'POST', `/v1/sessions/${session.id}/messages`, {
          token: session.token,
          body: { text: `question ${i}` },
        });
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.headers.get('retry-after');
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      // The refusal describes the limit that refused it, not the address's, far from reached.
      const refused = await call(flood.url, 'POST', `/v1/sessions/${session.id}/messages`, {
        token: session.token,
        body: { text: 'question 5' },
      });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(refused.body.error.message).toMatch(
        /^Too many messages in this conversation: the limit is 3 a minute\. Try again in \d+ seconds?\.$/,
      );
      const history = await call(flood.url, 'GET', `/v1/sessions/${session.id}/messages`, {
        token: session.token,
      });
      expect(history.body.items).toHaveLength(6);
    } finally {
      await flood.close();
    }
  });

  it('limits one client address across routes', async () => {
    const flood = await startServer({ RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push((await call(flood.url, 'POST', '/v1/sessions')).status);
      expect(statuses.slice(0, 5).every((code) => code === 201)).toBe(true);
      expect(statuses.slice(5)).toEqual([429, 429]);
      const refused = await call(flood.url, 'POST', '/v1/sessions');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('x-ratelimit-limit')).toBe('5');
      expect(refused.body.error.message).toMatch(/^Too many requests from your address: /);
      expect((await call(flood.url, 'GET', '/health')).status).toBe(200);
    } finally {
      await flood.close();
    }
  });

  it("does not charge the staff's requests to the customers' budget of their address", async () => {
    const flood = await startServer({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      for (let i = 0; i < 3; i++) await call(flood.url, 'POST', '/v1/sessions');
      expect((await call(flood.url, 'POST', '/v1/sessions')).status).toBe(429);
      // The staff behind the same address still get in, as often as they need.
      for (let i = 0; i < 5; i++) {
        const tools = await call(flood.url, 'GET', '/v1/admin/tools', { token: ADMIN_KEY });
        expect(tools.status).toBe(200);
      }
      // Without the right key a request is charged, and refused: guessing keys stays limited.
      const guess = await call(flood.url, 'GET', '/v1/admin/tools', { token: 'guess-0123456789' });
      expect(guess.status).toBe(429);
    } finally {
      await flood.close();
    }
  });

  it('limits and guards a /v1 path written with percent-escapes as the path it decodes to', async () => {
    const flood = await startServer({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const responses = [];
      // `%76` is "v": the router serves /v1/sessions.
      for (let i = 0; i < 5; i++) responses.push(await call(flood.url, 'POST', '/%761/sessions'));
      expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 429, 429]);
      expect(responses[0]?.headers.get('cache-control')).toBe('no-store');
      expect(responses[0]?.headers.get('x-ratelimit-limit')).toBe('3');
    } finally {
      await flood.close();
    }
  });

  it('behind a proxy, limits the address the proxy saw, not one the client wrote before it', async () => {
    const flood = await startServer({ TRUST_PROXY: 'true', RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        // The client forges a new first entry each time; the proxy appends what it saw.
        const headers = { 'x-forwarded-for': `6.6.6.${i}, 203.0.113.9` };
        statuses.push((await call(flood.url, 'POST', '/v1/sessions', { headers })).status);
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      // Another address behind the same proxy has its own limit.
      const other = { 'x-forwarded-for': '198.51.100.7' };
      expect((await call(flood.url, 'POST', '/v1/sessions', { headers: other })).status).toBe(201);
    } finally {
      await flood.close();
    }
  });

  it('counts an IPv6 client by its /64, and an IPv4-mapped address as its IPv4 address', async () => {
    // Each limit on its own server: the address's and the one on sessions it starts.
    const settings: Array<Record<string, string>> = [
      { RATE_LIMIT_PER_MINUTE: '3' },
      { RATE_LIMIT_PER_MINUTE: '100', SESSION_STARTS_PER_MINUTE: '3' },
    ];
    for (const env of settings) {
      const flood = await startServer({ TRUST_PROXY: 'true', ...env });
      try {
        const start = async (address: string) =>
          (
            await call(flood.url, 'POST', '/v1/sessions', {
              headers: { 'x-forwarded-for': address },
            })
          ).status;
        // A client that takes a new address of its /64 for each request is one client.
        const rotating = [];
        for (const address of [
          '2001:db8:0:1::1',
          '2001:db8:0:1::2',
          '2001:db8:0:1:aaaa:bbbb:cccc:3',
          '2001:db8:0:1::4',
        ])
          rotating.push(await start(address));
        expect(rotating, JSON.stringify(env)).toEqual([201, 201, 201, 429]);
        // The next /64 is another client.
        expect(await start('2001:db8:0:2::1')).toBe(201);
        // An IPv4 client is one client however its address is written.
        const mapped = [];
        for (const address of ['203.0.113.5', '::ffff:203.0.113.5', '203.0.113.5', '203.0.113.5'])
          mapped.push(await start(address));
        expect(mapped, JSON.stringify(env)).toEqual([201, 201, 201, 429]);
      } finally {
        await flood.close();
      }
    }
  });

  it('limits the sessions one address may start, apart from its other requests', async () => {
    const flood = await startServer({ SESSION_STARTS_PER_MINUTE: '3' });
    try {
      const responses = [];
      for (let i = 0; i < 5; i++) responses.push(await call(flood.url, 'POST', '/v1/sessions'));
      expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 429, 429]);
      expect(Number(responses[3]?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(responses[3]?.body).toMatchObject({ error: { code: 'rate_limited' } });
      expect(responses[3]?.body.error.message).toMatch(
        /^Too many new conversations from your address: the limit is 3 a minute\./,
      );
      expect(responses[3]?.headers.get('x-ratelimit-limit')).toBe('3');
      expect(responses[3]?.headers.get('x-ratelimit-remaining')).toBe('0');
      // Allowed, the headers describe the limit closest to refusing: here the starts' one.
      expect(responses[1]?.headers.get('x-ratelimit-limit')).toBe('3');
      expect(responses[1]?.headers.get('x-ratelimit-remaining')).toBe('1');
      // The sessions it started go on.
      const first = responses[0]?.body as { id: string; token: string };
      const read = await call(flood.url, 'GET', `/v1/sessions/${first.id}`, { token: first.token });
      expect(read.status).toBe(200);
    } finally {
      await flood.close();
    }
  });
});

describe.runIf(await serviceAvailable('Redis', REDIS_URL, 6379))('floods across instances', () => {
  it('counts one session against one limit on every instance that shares Redis', async () => {
    const env = {
      REDIS_URL,
      REDIS_KEY_PREFIX: `${uniqueName('flood')}:`,
      SESSION_MESSAGES_PER_MINUTE: '4',
    };
    const [one, two] = await Promise.all([startServer(env), startServer(env)]);
    try {
      const session = await createSession(one.url);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await call(
          (i % 2 === 0 ? one : two).url,
          'POST',
          `/v1/sessions/${session.id}/messages`,
          {
            token: session.token,
            body: { text: `question ${i}` },
          },
        );
        statuses.push(r.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

describe('after all of it', () => {
  it('still has the first conversation whole', async () => {
    const history = await call(t.url, 'GET', `/v1/sessions/${s.id}/messages`, { token: s.token });
    expect(history.body.items.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    const session = await call(t.url, 'GET', `/v1/sessions/${s.id}`, { token: s.token });
    expect(session.body.messageCount).toBe(1);
  });
});
