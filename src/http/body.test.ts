import Fastify from 'fastify';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { installJsonParser, safeFileName } from './body.js';
import { installErrorHandlers } from './errors.js';

describe('installJsonParser', () => {
  const server = Fastify({ logger: false });
  installErrorHandlers(server, pino({ level: 'silent' }));
  installJsonParser(server);
  server.post('/echo', async (request) => {
    const body = request.body as Record<string, unknown> | undefined;
    return {
      keys: body === undefined ? null : Object.keys(body),
      body: body ?? null,
      polluted: ({} as Record<string, unknown>).polluted ?? null,
    };
  });
  afterAll(() => server.close());

  const post = (payload: string) =>
    server.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload,
    });

  it('parses objects, arrays and escapes as JSON does', async () => {
    const text = '{"text":"caf\\u00e9 \\"ok\\"","n":[1,{"a":null}]}';
    const response = await post(text);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ body: JSON.parse(text), polluted: null });
  });

  it('drops __proto__ keys at any depth, spelt out or escaped, and pollutes nothing', async () => {
    for (const key of ['__proto__', '\\u005f\\u005fproto\\u005f\\u005f', '__pro\\u0074o__']) {
      const response = await post(
        `{"text":"hi","${key}":{"polluted":true},"inner":{"${key}":{"polluted":true},"k":1}}`,
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        keys: ['text', 'inner'],
        body: { text: 'hi', inner: { k: 1 } },
        polluted: null,
      });
    }
  });

  it('keeps a value that merely mentions __proto__', async () => {
    const response = await post('{"text":"what is __proto__?"}');
    expect(response.json()).toMatchObject({ body: { text: 'what is __proto__?' } });
  });

  it('refuses text that is not JSON, or not UTF-8, and takes an empty body as none', async () => {
    const truncated = await post('{"text":');
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json()).toMatchObject({ error: { code: 'invalid_input' } });
    const latin1 = await server.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]),
    });
    expect(latin1.json()).toMatchObject({
      error: { code: 'invalid_input', message: 'The request body is not valid UTF-8 text.' },
    });
    expect((await post('')).json()).toMatchObject({ keys: null });
  });
});

describe('the JSON content types', () => {
  const server = Fastify({ logger: false });
  installErrorHandlers(server, pino({ level: 'silent' }));
  installJsonParser(server);
  server.post('/echo', async (request) => ({ body: request.body ?? null }));
  afterAll(() => server.close());

  const post = (contentType: string) =>
    server.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': contentType },
      payload: '{"text":"café"}',
    });

  it('takes JSON with or without a UTF-8 charset, and the +json types', async () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'Application/JSON; charset="utf-8"',
      'application/json; charset=utf8',
      'application/vnd.api+json; charset=utf-8',
    ]) {
      const response = await post(type);
      expect(response.statusCode, type).toBe(200);
      expect(response.json(), type).toEqual({ body: { text: 'café' } });
    }
  });

  it('refuses JSON in another charset, and types that only begin like JSON, with a 415', async () => {
    const latin1 = await post('application/json; charset=iso-8859-1');
    expect(latin1.statusCode).toBe(415);
    expect(latin1.json()).toMatchObject({
      error: {
        code: 'unsupported_media_type',
        message: 'JSON must be sent as UTF-8 (charset=utf-8); the request says charset=iso-8859-1.',
      },
    });
    for (const type of ['application/jsonx', 'application/json-seq', 'text/json']) {
      const response = await post(type);
      expect(response.statusCode, type).toBe(415);
      expect(response.json(), type).toMatchObject({ error: { code: 'unsupported_media_type' } });
    }
  });
});

describe('safeFileName', () => {
  it('keeps the last segment of a name, without control or markup characters', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\invoice.pdf')).toBe('invoice.pdf');
    expect(safeFileName('<svg onload=alert(3)>.md')).toBe('_svg onload=alert(3)_.md');
    expect(safeFileName('a"b\'c`d&e.txt')).toBe('a_b_c_d_e.txt');
    expect(safeFileName('\u0000\u001f.hidden')).toBe('hidden');
    expect(safeFileName(undefined)).toBe('attachment');
  });
});
