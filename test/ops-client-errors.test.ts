/**
 * Requests the HTTP parser refuses before any route sees them (headers or an address too large,
 * bytes that are not HTTP): answered in the API's one error shape, with the headers every
 * response carries, not the framework's own body.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/http.js';

let t: TestServer;

beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

/** Sends raw bytes and reads the whole answer until the server closes the connection. */
function raw(request: string): Promise<string> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(request);
  });
}

function parse(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [status = '', ...lines] = head.split('\r\n');
  const headers = new Map(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
    }),
  );
  return { status, headers, body: JSON.parse(body) as { error: Record<string, string> } };
}

describe('requests the HTTP parser refuses', () => {
  it('answers an address too large with 431 in the one error shape', async () => {
    const answer = parse(
      await raw(`GET /v1/admin/documents?x=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
    );
    expect(answer.status).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.body).toEqual({
      error: {
        code: 'invalid_input',
        message: expect.stringMatching(/address and headers of the request are too large/),
        requestId: expect.any(String),
      },
    });
    expect(answer.headers.get('x-request-id')).toBe(answer.body.error.requestId);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('connection')).toBe('close');
  });

  it('answers bytes that are not HTTP with 400 in the one error shape', async () => {
    const answer = parse(await raw('GET / HTTP/1.1\r\nHost x\r\n\r\n'));
    expect(answer.status).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.body.error).toMatchObject({ code: 'invalid_input' });
    expect(answer.body.error.message).toMatch(/not a well-formed HTTP request/);
  });
});
