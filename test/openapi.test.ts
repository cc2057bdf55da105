/**
 * The OpenAPI document against the running server, through real sockets: every operation has a
 * name (`operationId`) and says what it answers, and what the routes answer — JSON bodies, each
 * event of a stream, a WebSocket's frames — is valid by the document's schemas, as a strict
 * client (or an SDK generated from the document) checks it.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ADMIN_KEY,
  bearer,
  call,
  createSession,
  openFeed,
  startServer,
  startWebhookReceiver,
  type Json,
  type TestServer,
} from './helpers/http.js';

const admin = { token: ADMIN_KEY };
const METHODS = ['get', 'post', 'patch', 'delete'] as const;

let t: TestServer;
let doc: Json;
let ajv: Ajv;
/** The operations whose success response was seen and found valid. */
const answered = new Set<string>();

beforeAll(async () => {
  t = await startServer();
  doc = (await call(t.url, 'GET', '/openapi.json')).body;
  // The whole document is one schema, so that `$ref`s to its components resolve; `strict: false`
  // for the OpenAPI fields around the schemas (`paths`, `info`…), which are not JSON Schema.
  ajv = new Ajv({ strict: false, allErrors: true });
  // The package is CommonJS: its function is both the module and its `default`.
  formats.default(ajv);
  ajv.addSchema(doc, 'openapi.json');
});
afterAll(() => t.close());

/** Every operation of the document, with its path and method. */
function operations(): Array<{ path: string; method: string; operation: Json }> {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      path,
      method,
      operation: item[method],
    })),
  );
}

/**
 * The statuses an operation answers when it succeeds: its 1xx or 2xx responses, at least one (an
 * upload of files all already stored is a 200, not the 201 of documents created).
 */
function successStatuses(operation: Json): string[] {
  const statuses = Object.keys(operation.responses).filter((s) => /^[12]\d\d$/.test(s));
  expect(statuses.length, operation.operationId).toBeGreaterThan(0);
  return statuses;
}

/** An object of the document, or the component its `$ref` (`#/components/…`) names. */
function resolved(value: Json): Json {
  if (typeof value?.$ref !== 'string') return value;
  const tokens = String(value.$ref).replace(/^#\//, '').split('/');
  const target = tokens.reduce<Json>((at, token) => at?.[token], doc);
  if (target === undefined) throw new Error(`No ${String(value.$ref)} in the document`);
  return target;
}

/** The validator of the schema at these JSON-pointer tokens of the document. */
function validatorAt(...tokens: string[]): ValidateFunction {
  const escape = (token: string) =>
    encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'));
  const validate = ajv.getSchema(`openapi.json#/${tokens.map(escape).join('/')}`);
  if (!validate) throw new Error(`No schema at ${tokens.join(' ')}`);
  return validate;
}

/**
 * Checks an answer of the operation `operationId` against the document: its status must be
 * one the operation lists (or an error, in the error shape), and its body the schema of its
 * media type — every event of an event stream, each on its own.
 */
function expectDocumented(
  operationId: string,
  answer: { status: number; contentType: string; body: unknown; headers?: Headers },
): void {
  const found = operations().find((o) => o.operation.operationId === operationId);
  if (!found) throw new Error(`No operation ${operationId} in the document`);
  const { path, method, operation } = found;
  const status = String(answer.status);
  const listed = operation.responses[status] ? status : 'default';
  if (listed === 'default') expect(answer.status, operationId).toBeGreaterThanOrEqual(400);
  // The headers the document says the response carries are there, with a value it allows.
  for (const [name, declared] of Object.entries(
    (operation.responses[listed].headers ?? {}) as Record<string, Json>,
  )) {
    const header = resolved(declared);
    if (!header.required) continue;
    const value = answer.headers?.get(name);
    expect(value, `${operationId} ${status} ${name}`).toEqual(expect.any(String));
    if (header.schema.enum) expect(header.schema.enum).toContain(value);
  }
  const mediaType = answer.contentType.split(';')[0]?.trim() ?? '';
  const content = operation.responses[listed].content;
  if (content === undefined) {
    expect(answer.body, `${operationId} ${status} has no body`).toBe('');
  } else {
    expect(Object.keys(content), `${operationId} ${status}`).toContain(mediaType);
    const validate = validatorAt(
      'paths',
      path,
      method,
      'responses',
      listed,
      'content',
      mediaType,
      'schema',
    );
    const values = mediaType === 'text/event-stream' ? sseData(String(answer.body)) : [answer.body];
    expect(values.length, `${operationId}: something to check`).toBeGreaterThan(0);
    for (const value of values) {
      validate(value);
      expect(validate.errors ?? [], `${operationId} ${status} ${JSON.stringify(value)}`).toEqual(
        [],
      );
    }
  }
  if (successStatuses(operation).includes(status)) answered.add(operationId);
}

/** The `data` of each whole event of an SSE body, parsed. */
function sseData(text: string): unknown[] {
  const whole = text.slice(0, text.lastIndexOf('\n\n') + 2);
  return whole
    .split('\n\n')
    .map((block) =>
      block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n'),
    )
    .filter((data) => data !== '')
    .map((data) => JSON.parse(data) as unknown);
}

/** Sends a request and returns what {@link expectDocumented} checks. */
async function send(
  url: string,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    form?: FormData;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; contentType: string; body: Json; headers: Headers }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? bearer(options.token) : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.form ? { body: options.form } : {}),
  });
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  const body: unknown = contentType.startsWith('application/json') ? JSON.parse(text) : text;
  return { status: response.status, contentType, body, headers: response.headers };
}

describe('the OpenAPI document', () => {
  it('names every operation, once, and says what each answers when it succeeds', () => {
    const ids = operations().map((o) => o.operation.operationId as unknown);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { operation } of operations()) {
      for (const status of successStatuses(operation)) {
        const content = operation.responses[status].content;
        // Only a WebSocket's upgrade and a 204 have no body.
        if (status === '101' || status === '204') {
          expect(content, operation.operationId).toBeUndefined();
          continue;
        }
        expect(content, operation.operationId).toBeDefined();
        for (const [mediaType, media] of Object.entries(content as Record<string, Json>)) {
          expect(media.schema, `${operation.operationId} ${mediaType}`).toBeDefined();
        }
      }
    }
  });

  it('says a message may be JSON or multipart with files, and its reply JSON or an event stream', () => {
    const message = doc.paths['/v1/sessions/{id}/messages'].post;
    expect(Object.keys(message.requestBody.content).sort()).toEqual([
      'application/json',
      'multipart/form-data',
    ]);
    expect(message.requestBody.content['multipart/form-data'].schema.properties.file.items).toEqual(
      { type: 'string', format: 'binary' },
    );
    expect(Object.keys(message.responses['200'].content).sort()).toEqual([
      'application/json',
      'text/event-stream',
    ]);
    const feed = doc.paths['/v1/sessions/{id}/events'].get;
    expect(Object.keys(feed.responses['200'].content)).toEqual(['text/event-stream']);
    const ws = doc.paths['/v1/sessions/{id}/ws'].get;
    expect(Object.keys(ws.responses)).toEqual(['101', '401', '426', '429', 'default']);
  });

  it('says how many files a message may carry: the number the route refuses past', () => {
    const form = doc.paths['/v1/sessions/{id}/messages'].post.requestBody.content;
    expect(form['multipart/form-data'].schema.properties.file.maxItems).toBe(10);
  });

  it('gives every integer its real lower bound: counts, ids and sequence numbers are never negative', () => {
    const integers: Json[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        if ((node as Json).type === 'integer') integers.push(node as Json);
        Object.values(node).forEach(walk);
      }
    };
    walk(doc);
    expect(integers.length).toBeGreaterThan(30);
    for (const integer of integers) expect(integer.minimum ?? 0).toBeGreaterThanOrEqual(0);
  });

  it('names the challenge of every 401, and the 426 of a plain GET of the WebSocket', () => {
    const challenged = operations().filter(
      (o) =>
        (o.operation.security as Json[]).length > 0 || o.operation.operationId === 'getMetrics',
    );
    expect(challenged.length).toBeGreaterThan(10);
    for (const { operation } of challenged) {
      expect(
        operation.responses['401']?.headers?.['WWW-Authenticate'],
        operation.operationId,
      ).toMatchObject({ required: true, schema: { type: 'string' } });
    }
    const ws = doc.paths['/v1/sessions/{id}/ws'].get.responses['426'];
    expect(ws.headers.Upgrade.schema.enum).toEqual(['websocket']);
    expect(Object.keys(ws.content)).toEqual(['application/json']);
  });

  it('says that every response, of every status, carries X-Request-Id', async () => {
    expect(doc.components.headers.RequestId).toMatchObject({
      required: true,
      schema: { type: 'string' },
    });
    for (const { operation } of operations()) {
      for (const [status, response] of Object.entries(
        operation.responses as Record<string, Json>,
      )) {
        expect(
          resolved(response.headers?.['X-Request-Id']),
          `${operation.operationId} ${status}`,
        ).toBe(doc.components.headers.RequestId);
      }
    }
    // As the server answers: a request's own id is carried back, and an answer without one has one.
    const given = await send(t.url, 'GET', '/health', { headers: { 'x-request-id': 'desk-42' } });
    expect(given.headers.get('x-request-id')).toBe('desk-42');
    expectDocumented('getHealth', given);
    const missing = await send(t.url, 'GET', '/v1/admin/tickets/nope', admin);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBe(missing.body.error.requestId);
    expectDocumented('getTicket', missing);
  });

  it('lists every type of event a stream may carry', () => {
    const validate = validatorAt('components', 'schemas', 'StreamEvent');
    const types = (schema: Json): string[] =>
      schema.$ref
        ? types(doc.components.schemas[String(schema.$ref).split('/').at(-1) as string])
        : schema.oneOf
          ? (schema.oneOf as Json[]).flatMap(types)
          : (schema.properties.type.enum as string[]);
    expect(types(doc.components.schemas.StreamEvent).sort()).toEqual(
      [
        'complete',
        'customer_message',
        'ended',
        'staff_message',
        'error',
        'escalation',
        'ready',
        'shutdown',
        'sources',
        'start',
        'status',
        'text',
        'tool',
      ].sort(),
    );
    expect(validate({ type: 'ready', sessionId: 's' })).toBe(true);
    expect(validate({ type: 'unheard-of' })).toBe(false);
  });
});

describe('what the routes answer', () => {
  it('is valid by the document, for the customer’s routes and the operators’', async () => {
    const created = await send(t.url, 'POST', '/v1/sessions');
    expectDocumented('createSession', created);
    const { id, token } = created.body as { id: string; token: string };
    const session = { token };

    const feed = await openFeed(t.url, id, token);
    expectDocumented(
      'sendMessage',
      await send(t.url, 'POST', `/v1/sessions/${id}/messages`, {
        ...session,
        body: { text: 'How do I reset my password?' },
      }),
    );
    const form = new FormData();
    form.set('text', 'What does my invoice say?');
    form.set('file', new Blob(['Invoice 5521, paid in full.']), 'invoice.txt');
    expectDocumented(
      'sendMessage',
      await send(t.url, 'POST', `/v1/sessions/${id}/messages`, { ...session, form }),
    );
    const streamed = await send(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      ...session,
      body: { text: 'And refunds?' },
      headers: { accept: 'text/event-stream' },
    });
    expect(streamed.contentType).toMatch(/^text\/event-stream/);
    expectDocumented('sendMessage', streamed);
    await feed.readUntil('"type":"complete"');
    feed.close();
    expectDocumented('followSession', {
      status: 200,
      contentType: 'text/event-stream',
      body: feed.text(),
      headers: feed.headers,
    });
    expect(sseData(feed.text())[0]).toEqual({ type: 'ready', sessionId: id });

    expectDocumented('getSession', await send(t.url, 'GET', `/v1/sessions/${id}`, session));
    expectDocumented(
      'listMessages',
      await send(t.url, 'GET', `/v1/sessions/${id}/messages?limit=2`, session),
    );
    const refused = await send(t.url, 'GET', `/v1/sessions/${id}`);
    expect(refused.status).toBe(401);
    expectDocumented('getSession', refused);
    const plain = await send(t.url, 'GET', `/v1/sessions/${id}/ws`, session);
    expect(plain.status).toBe(426);
    expectDocumented('openSessionWebSocket', plain);

    // The WebSocket: upgraded with 101, then every frame a StreamEvent.
    const frames = await new Promise<{ status: number; frames: unknown[]; headers: Headers }>(
      (resolve, reject) => {
        let status = 0;
        const headers = new Headers();
        const received: unknown[] = [];
        const socket = new WebSocket(`${t.url.replace('http', 'ws')}/v1/sessions/${id}/ws`, {
          headers: bearer(token),
        });
        socket.on('upgrade', (response) => {
          status = response.statusCode ?? 0;
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) headers.set(name, String(value));
          }
        });
        socket.on('open', () =>
          socket.send(JSON.stringify({ type: 'message', text: 'Thanks!', id: 'bubble-1' })),
        );
        socket.on('message', (data) => {
          const event = JSON.parse(String(data)) as { type: string };
          received.push(event);
          if (event.type === 'complete' || event.type === 'error') socket.close();
        });
        socket.on('close', () => resolve({ status, frames: received, headers }));
        socket.on('error', reject);
      },
    );
    expect(frames.status).toBe(101);
    const streamEvent = validatorAt('components', 'schemas', 'StreamEvent');
    for (const frame of frames.frames) {
      streamEvent(frame);
      expect(streamEvent.errors ?? [], JSON.stringify(frame)).toEqual([]);
    }
    // The customer's message as stored opens the socket's own turn, as every follower's; the
    // frame's id comes back on its turn as the document says.
    expect(frames.frames[0]).toMatchObject({ type: 'customer_message' });
    expect(frames.frames[1]).toMatchObject({ type: 'start', replyTo: 'bubble-1' });
    expect(frames.frames.at(-1)).toMatchObject({ type: 'complete', replyTo: 'bubble-1' });
    const wsMessage = validatorAt('components', 'schemas', 'WsClientMessage');
    expect(wsMessage({ type: 'message', text: 'Thanks!', id: 'bubble-1' })).toBe(true);
    expect(wsMessage({ type: 'message', text: 'Thanks!', id: 'x'.repeat(101) })).toBe(false);
    expectDocumented('openSessionWebSocket', {
      status: 101,
      contentType: '',
      body: '',
      headers: frames.headers,
    });

    expectDocumented('endSession', await send(t.url, 'DELETE', `/v1/sessions/${id}`, session));

    expectDocumented('getHealth', await send(t.url, 'GET', '/health'));
    expectDocumented('getReadiness', await send(t.url, 'GET', '/ready'));
    expectDocumented('getReadiness', await send(t.url, 'GET', '/ready', admin));
    const metrics = await send(t.url, 'GET', '/metrics');
    expect(metrics.contentType).toMatch(/^text\/plain/);
    expectDocumented('getMetrics', metrics);
  });

  it('is valid by the document for every admin route', async () => {
    // Documents: upload (201, 200 when already stored, and 422 when no file could be stored), list, re-index, delete.
    const form = new FormData();
    form.set('file', new Blob(['# Shipping\n\nParcels take 5 working days.']), 'shipping.md');
    const uploaded = await send(t.url, 'POST', '/v1/admin/documents', { ...admin, form });
    expect(uploaded.status).toBe(201);
    expectDocumented('uploadDocuments', uploaded);
    // The same bytes again: already stored, nothing re-indexed.
    const again = await send(t.url, 'POST', '/v1/admin/documents', { ...admin, form });
    expect(again.status).toBe(200);
    expectDocumented('uploadDocuments', again);
    const unreadable = new FormData();
    unreadable.set('file', new Blob([new Uint8Array([0, 159, 146, 150, 0, 1])]), 'broken.pdf');
    const refused = await send(t.url, 'POST', '/v1/admin/documents', {
      ...admin,
      form: unreadable,
    });
    expect(refused.status).toBe(422);
    expectDocumented('uploadDocuments', refused);
    // Nothing stored, one file that could not be and one stored already: 422 too, not a 201.
    unreadable.append(
      'file',
      new Blob(['# Shipping\n\nParcels take 5 working days.']),
      'shipping.md',
    );
    const partly = await send(t.url, 'POST', '/v1/admin/documents', { ...admin, form: unreadable });
    expect(partly.status).toBe(422);
    expect(partly.body.documents).toEqual(uploaded.body.documents);
    expectDocumented('uploadDocuments', partly);
    const documentId = uploaded.body.documents[0].id as string;
    expectDocumented('listDocuments', await send(t.url, 'GET', '/v1/admin/documents', admin));
    expectDocumented(
      'reindexDocument',
      await send(t.url, 'POST', `/v1/admin/documents/${documentId}/reindex`, admin),
    );
    expectDocumented(
      'searchKnowledge',
      await send(t.url, 'POST', '/v1/admin/search', { ...admin, body: { query: 'parcels' } }),
    );
    expectDocumented(
      'searchKnowledge',
      await send(t.url, 'POST', '/v1/admin/search', { ...admin, body: { query: 'the of' } }),
    );
    expectDocumented(
      'deleteDocument',
      await send(t.url, 'DELETE', `/v1/admin/documents/${documentId}`, admin),
    );

    // A ticket, its session and its transcript, paged.
    const customer = await createSession(t.url);
    const sent = await call(t.url, 'POST', `/v1/sessions/${customer.id}/messages`, {
      token: customer.token,
      body: { text: 'I want to speak to a human right now!' },
    });
    const ticketId = sent.body.escalation.ticketId as string;
    expectDocumented('listTickets', await send(t.url, 'GET', '/v1/admin/tickets', admin));
    expectDocumented(
      'getTicket',
      await send(t.url, 'GET', `/v1/admin/tickets/${ticketId}?limit=1`, admin),
    );
    expectDocumented(
      'updateTicket',
      await send(t.url, 'PATCH', `/v1/admin/tickets/${ticketId}`, {
        ...admin,
        body: { status: 'pending' },
      }),
    );
    expectDocumented('listSessions', await send(t.url, 'GET', '/v1/admin/sessions?limit=1', admin));
    expectDocumented(
      'sendStaffMessage',
      await send(t.url, 'POST', `/v1/admin/sessions/${customer.id}/messages`, {
        ...admin,
        body: { text: 'A person here: your refund went out today.' },
      }),
    );
    expectDocumented(
      'getSessionTranscript',
      await send(t.url, 'GET', `/v1/admin/sessions/${customer.id}?limit=1`, admin),
    );
    // A session not handed over, whose customer gave a way to reach them.
    const asking = await createSession(t.url);
    await call(t.url, 'POST', `/v1/sessions/${asking.id}/messages`, {
      token: asking.token,
      body: { text: 'Hi, my name is Ada Lovelace, my email is ada@example.org' },
    });
    const unhanded = await send(t.url, 'GET', `/v1/admin/sessions/${asking.id}`, admin);
    expect(unhanded.body).toMatchObject({ ticket: null, contact: { email: 'ada@example.org' } });
    expectDocumented('getSessionTranscript', unhanded);
    // A session whose customer attached a picture and a page: its transcript lists them, and
    // each downloads.
    const attaching = await createSession(t.url);
    const attached = new FormData();
    attached.append('file', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 1])]), 'a.jpg');
    attached.append('file', new Blob(['<p>Order 7781</p>']), 'order.html');
    const sentFiles = await send(t.url, 'POST', `/v1/sessions/${attaching.id}/messages`, {
      token: attaching.token,
      form: attached,
    });
    expect(sentFiles.status).toBe(200);
    const withFiles = await send(t.url, 'GET', `/v1/admin/sessions/${attaching.id}`, admin);
    expectDocumented('getSessionTranscript', withFiles);
    const fileIds = (withFiles.body.transcript[0].attachments as Json[]).map((a) => a.id as string);
    expect(fileIds).toHaveLength(2);
    for (const fileId of fileIds) {
      const file = `/v1/admin/sessions/${attaching.id}/attachments/${fileId}`;
      expectDocumented('downloadSessionAttachment', await send(t.url, 'GET', file, admin));
    }
    expectDocumented(
      'downloadSessionAttachment',
      await send(
        t.url,
        'GET',
        `/v1/admin/sessions/${customer.id}/attachments/${fileIds[0]}`,
        admin,
      ),
    );
    expectDocumented(
      'eraseSession',
      await send(t.url, 'DELETE', `/v1/admin/sessions/${customer.id}`, admin),
    );
    // An error is in the one error shape.
    expectDocumented(
      'getSessionTranscript',
      await send(t.url, 'GET', `/v1/admin/sessions/${customer.id}`, admin),
    );

    expectDocumented('listTools', await send(t.url, 'GET', '/v1/admin/tools', admin));
    const keyless = await send(t.url, 'GET', '/v1/admin/tools');
    expect(keyless.status).toBe(401);
    expectDocumented('listTools', keyless);
    expectDocumented(
      'resetToolBreaker',
      await send(t.url, 'POST', '/v1/admin/tools/kb_search/reset', admin),
    );
  });

  it('is valid by the document for the webhook backlog and skipping a message', async () => {
    // A receiver that refuses every message: the ticket's first one holds its session back.
    const receiver = await startWebhookReceiver(() => 422);
    const hooked = await startServer({
      ...receiver.env,
      METRICS_TOKEN: 'a-metrics-token-0123456789',
    });
    try {
      const customer = await createSession(hooked.url);
      await call(hooked.url, 'POST', `/v1/sessions/${customer.id}/messages`, {
        token: customer.token,
        body: { text: 'I want to speak to a human right now!' },
      });
      await hooked.app.webhooks?.deliverDue();
      const backlog = await send(hooked.url, 'GET', '/v1/admin/outbox', admin);
      expect(backlog.body.heldBy).toHaveLength(1);
      expectDocumented('getOutboxBacklog', backlog);
      const metrics = await send(hooked.url, 'GET', '/metrics');
      expect(metrics.status).toBe(401);
      expectDocumented('getMetrics', metrics);
      const held = backlog.body.heldBy[0].id as string;
      expectDocumented(
        'skipOutboxMessage',
        await send(hooked.url, 'POST', `/v1/admin/outbox/${held}/skip`, admin),
      );
    } finally {
      await hooked.close();
      await receiver.close();
    }
  });

  it('is valid by the document for a message with the most files and one with one too many', async () => {
    const { id, token } = await createSession(t.url);
    const withFiles = (count: number) => {
      const form = new FormData();
      form.set('text', 'Here are my receipts.');
      for (let i = 0; i < count; i++) form.append('file', new Blob([`Receipt ${i}`]), `r${i}.txt`);
      return form;
    };
    const most = await send(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      form: withFiles(10),
    });
    expect(most.status).toBe(200);
    expectDocumented('sendMessage', most);
    const tooMany = await send(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      form: withFiles(11),
    });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error.message).toBe('At most 10 files per message.');
    expectDocumented('sendMessage', tooMany);
  });

  it('is valid by the document for a stream refused as one too many', async () => {
    const { id, token } = await createSession(t.url);
    const feeds = [];
    try {
      for (let i = 0; i < 5; i++) feeds.push(await openFeed(t.url, id, token));
      const feed = await send(t.url, 'GET', `/v1/sessions/${id}/events`, {
        token,
        headers: { accept: 'text/event-stream' },
      });
      expect(feed.status).toBe(429);
      expectDocumented('followSession', feed);
      const upgrade = await new Promise<{
        status: number;
        contentType: string;
        body: Json;
        headers: Headers;
      }>((resolve, reject) => {
        const socket = new WebSocket(`${t.url.replace('http', 'ws')}/v1/sessions/${id}/ws`, {
          headers: bearer(token),
        });
        socket.once('unexpected-response', (_request, response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              contentType: String(response.headers['content-type']),
              body: JSON.parse(text),
              headers: new Headers(
                Object.entries(response.headers).flatMap(([name, value]) =>
                  value === undefined ? [] : [[name, String(value)] as [string, string]],
                ),
              ),
            }),
          );
        });
        socket.once('open', () => reject(new Error('opened past the limit')));
        socket.once('error', reject);
      });
      expect(upgrade.status).toBe(429);
      expectDocumented('openSessionWebSocket', upgrade);
    } finally {
      for (const feed of feeds) feed.close();
    }
  });

  it('lists the 429 of the rate limits, with its Retry-After, for every route under /v1', async () => {
    // Every request to /v1 (but the staff's, with the admin key) counts against its address.
    for (const { path, operation } of operations().filter((o) => o.path.startsWith('/v1/'))) {
      const tooMany = operation.responses['429'];
      expect(tooMany, `${operation.operationId} lists 429`).toBeDefined();
      expect(Object.keys(tooMany.headers ?? {}), `${path} 429`).toEqual(
        expect.arrayContaining(['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining']),
      );
    }
    const limited = await startServer({ RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const { id, token } = await createSession(limited.url);
      await send(limited.url, 'GET', `/v1/sessions/${id}`, { token });
      const refused = await send(limited.url, 'GET', `/v1/sessions/${id}`, { token });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expectDocumented('getSession', refused);
    } finally {
      await limited.close();
    }
  });

  it('names the header of an answer replayed for its Idempotency-Key', async () => {
    const { id, token } = await createSession(t.url);
    const again = { 'idempotency-key': `replay-${id}` };
    const replays = [
      ['sendMessage', { token, body: { text: 'How do I reset my password?' } }],
      ['sendStaffMessage', { ...admin, body: { text: 'We are on it.' } }],
    ] as const;
    for (const [operationId, request] of replays) {
      const path =
        operationId === 'sendMessage'
          ? `/v1/sessions/${id}/messages`
          : `/v1/admin/sessions/${id}/messages`;
      await send(t.url, 'POST', path, { ...request, headers: again });
      const replayed = await send(t.url, 'POST', path, { ...request, headers: again });
      expect(replayed.headers.get('idempotent-replayed'), operationId).toBe('true');
      expectDocumented(operationId, replayed);
      const { operation } = operations().find((o) => o.operation.operationId === operationId)!;
      const header = operation.responses[String(replayed.status)].headers?.['Idempotent-Replayed'];
      expect(header, `${operationId} names Idempotent-Replayed`).toBeDefined();
      expect(header.schema.enum).toEqual(['true']);
    }
  });

  // Last in the file: the tests above record each operation whose success they checked.
  it('has been checked for every operation of the document', () => {
    const all = operations().map((o) => o.operation.operationId as string);
    expect(all.filter((id) => !answered.has(id))).toEqual([]);
  });
});
