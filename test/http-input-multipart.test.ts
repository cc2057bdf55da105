/**
 * The text of a multipart message, byte for byte: a literal U+FFFD is the customer's and is kept
 * as sent (as JSON keeps it), bytes that are not UTF-8 are refused with the one error shape, and
 * file names that are not ASCII come through as written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  call,
  createSession,
  startServer,
  type Json,
  type TestServer,
} from './helpers/http.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

const BOUNDARY = 'x-b0undary';

/** A multipart body of parts, each with its headers and its bytes. */
function form(parts: Array<{ headers: string; data: Buffer }>): Buffer {
  return Buffer.concat([
    ...parts.flatMap(({ headers, data }) => [
      Buffer.from(`--${BOUNDARY}\r\n${headers}\r\n\r\n`),
      data,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${BOUNDARY}--\r\n`),
  ]);
}

function textPart(data: Buffer, contentType?: string) {
  const type = contentType ? `\r\nContent-Type: ${contentType}` : '';
  return { headers: `Content-Disposition: form-data; name="text"${type}`, data };
}

async function send(session: { id: string; token: string }, body: Buffer) {
  const response = await fetch(`${t.url}/v1/sessions/${session.id}/messages`, {
    method: 'POST',
    headers: {
      ...bearer(session.token),
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Json };
}

async function customerMessages(session: { id: string; token: string }) {
  const page = await call(t.url, 'GET', `/v1/sessions/${session.id}/messages`, {
    token: session.token,
  });
  return (page.body.items as Json[]).filter((m) => m.role === 'user');
}

describe('multipart text', () => {
  it('keeps a literal U+FFFD as sent, as a JSON message does', async () => {
    const text = 'My order page shows \uFFFD\uFFFD instead of the price, why?';
    const viaForm = await createSession(t.url);
    expect((await send(viaForm, form([textPart(Buffer.from(text, 'utf8'))]))).status).toBe(200);
    expect((await customerMessages(viaForm)).map((m) => m.text)).toEqual([text]);

    const viaJson = await createSession(t.url);
    const json = await call(t.url, 'POST', `/v1/sessions/${viaJson.id}/messages`, {
      token: viaJson.token,
      body: { text },
    });
    expect(json.status).toBe(200);
    expect((await customerMessages(viaJson)).map((m) => m.text)).toEqual([text]);
  });

  it('keeps text of every script, with or without a charset of its own', async () => {
    const session = await createSession(t.url);
    const plain = 'Café ☕ 日本語 😀 and ÿ';
    expect((await send(session, form([textPart(Buffer.from(plain, 'utf8'))]))).status).toBe(200);
    const declared = '配送はいつですか？ \u00e9t\u00e9';
    const labelled = textPart(Buffer.from(declared, 'utf8'), 'text/plain; charset=utf-8');
    expect((await send(session, form([labelled]))).status).toBe(200);
    // Letters of Latin-1's range alone, in a part that says it is UTF-8.
    const latin = 'L\u2019\u00e9t\u00e9, d\u00e9j\u00e0 vu';
    const french = textPart(Buffer.from(latin, 'utf8'), 'text/plain; charset=UTF-8');
    expect((await send(session, form([french]))).status).toBe(200);
    const accents = '\u00e9t\u00e9 \u00fcber';
    const utf8Only = textPart(Buffer.from(accents, 'utf8'), 'text/plain; charset=utf-8');
    expect((await send(session, form([utf8Only]))).status).toBe(200);
    expect((await customerMessages(session)).map((m) => m.text)).toEqual([
      plain,
      declared,
      latin,
      accents,
    ]);
  });

  it('refuses a part that names another charset when its bytes are not UTF-8', async () => {
    const session = await createSession(t.url);
    const latin1 = textPart(Buffer.from('caf\u00e9', 'latin1'), 'text/plain; charset=iso-8859-1');
    const refused = await send(session, form([latin1]));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(
      'The form field "text" is not valid UTF-8 text: send it as UTF-8.',
    );
    expect(await customerMessages(session)).toEqual([]);
  });

  it('refuses bytes that are not UTF-8 with the one error shape, and stores nothing', async () => {
    const session = await createSession(t.url);
    for (const bad of [
      Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "café" in Latin-1
      Buffer.from([0x68, 0x69, 0xc3]), // cut off in the middle of a character
      Buffer.from([0xef, 0xbf]), // a U+FFFD cut short
      Buffer.from([0xed, 0xa0, 0x80]), // a lone surrogate
    ]) {
      const refused = await send(session, form([textPart(bad)]));
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        error: {
          code: 'invalid_input',
          message: 'The form field "text" is not valid UTF-8 text: send it as UTF-8.',
          requestId: expect.any(String),
        },
      });
    }
    expect(await customerMessages(session)).toEqual([]);
  });

  it('takes file names that are not ASCII as written', async () => {
    const session = await createSession(t.url);
    const name = 'reçu-€-日本.txt';
    const file = {
      headers: `Content-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain`,
      data: Buffer.from('Order 1234, paid by card.'),
    };
    const text = textPart(Buffer.from('Here is my receipt, ça va?', 'utf8'));
    // The headers of a part go as UTF-8, as browsers send them.
    const sent = await send(session, form([text, file]));
    expect(sent.status).toBe(200);
    const [message] = await customerMessages(session);
    expect(message.text).toBe('Here is my receipt, ça va?');
    expect(message.attachments).toEqual([name]);
  });
});
