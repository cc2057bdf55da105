/**
 * A JSON body of `null`, as a client sends when the variable it meant to send was never set: no
 * object, so refused on every route that takes JSON (400, saying so), the routes whose body may
 * be left out included, where no body at all (or an empty one) is still taken as `{}`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  bearer,
  call,
  createSession,
  startServer,
  type TestServer,
} from './helpers/http.js';
import { uploadFile } from './helpers/admin-documents.js';
import { openTicket } from './helpers/ticket-webhooks.js';

const admin = { token: ADMIN_KEY };

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

/** Sends `text` as an `application/json` body, as a client that serialized null sends it. */
const sendJson = (method: string, path: string, token: string, text: string) =>
  fetch(`${t.url}${path}`, {
    method,
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: text,
  });

describe('a body of null', () => {
  it('starts no session: 400, where no body, an empty one or {} starts one', async () => {
    const refused = await call(t.url, 'POST', '/v1/sessions', { body: null });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      error: {
        code: 'invalid_input',
        message:
          'Invalid session: the body is null, which is not a JSON object. Send an object ({} for none), or no body at all.',
        requestId: expect.any(String),
      },
    });
    for (const body of [undefined, '', '{}']) {
      const response = await fetch(`${t.url}/v1/sessions`, {
        method: 'POST',
        ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body } : {}),
      });
      expect(response.status, JSON.stringify(body)).toBe(201);
    }
  });

  it('re-indexes nothing: 400, where no body or {} re-indexes the document', async () => {
    const uploaded = await uploadFile(t.url, 'kites.md', '# Kites\n\nThe owlkite flies in wind.\n');
    expect(uploaded.status).toBe(201);
    const path = `/v1/admin/documents/${uploaded.body.documents[0].id as string}/reindex`;
    const refused = await call(t.url, 'POST', path, { ...admin, body: null });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toEqual({
      code: 'invalid_input',
      message:
        'Invalid re-index request: the body is null, which is not a JSON object. Send an object ({} for none), or no body at all.',
      requestId: expect.any(String),
    });
    expect((await call(t.url, 'POST', path, admin)).status).toBe(200);
    expect((await call(t.url, 'POST', path, { ...admin, body: {} })).status).toBe(200);
  });

  it('is said to be refused where the OpenAPI document says a body may be left out', async () => {
    const doc = await call(t.url, 'GET', '/openapi.json');
    for (const [path, method] of [
      ['/v1/sessions', 'post'],
      ['/v1/admin/documents/{id}/reindex', 'post'],
    ] as const) {
      const body = doc.body.paths[path][method].requestBody;
      expect(body.required, path).toBe(false);
      expect(body.description, path).toContain('A body of `null` is refused (400)');
    }
  });

  it('is refused as no object by the routes whose body is required', async () => {
    const session = await createSession(t.url);
    const ticketId = await openTicket(t.url);
    for (const [method, path, token, what] of [
      ['POST', `/v1/sessions/${session.id}/messages`, session.token, 'message'],
      ['POST', '/v1/admin/search', ADMIN_KEY, 'search'],
      ['PATCH', `/v1/admin/tickets/${ticketId}`, ADMIN_KEY, 'ticket change'],
      ['POST', `/v1/admin/sessions/${session.id}/messages`, ADMIN_KEY, 'staff message'],
    ] as const) {
      const response = await sendJson(method, path, token, 'null');
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: unknown }).error, path).toMatchObject({
        code: 'invalid_input',
        message: `Invalid ${what}: expected an object, got null`,
      });
    }
  });
});
