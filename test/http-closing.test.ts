/**
 * A request that reaches the server while it closes (shutdown's grace period): a proxy or a
 * browser may still send one on a keep-alive connection that was busy when closing began. It is
 * refused with a 503 in the API's one error shape, with the headers every response carries and
 * when to try again, and the connection is closed, so that the client goes to another instance.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startServer, type TestServer } from './helpers/http.js';

let t: TestServer;

beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

/** The responses of one connection's answer, in order: status line, headers, body. */
function responses(answer: string) {
  const found: Array<{ status: string; headers: Map<string, string>; body: string }> = [];
  let rest = answer;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const [status = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers = new Map(
      lines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
      }),
    );
    const length = Number(headers.get('content-length') ?? 0);
    found.push({ status, headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return found;
}

/**
 * Opens a connection and sends the headers of a request whose body is still on its way, which
 * keeps the connection busy, and so open, when the server begins to close; then sends that
 * body and the request that comes after it (`next`). Resolves once the server has the first request.
 */
async function busyConnection(): Promise<{ next(late: string): Promise<string> }> {
  const { hostname, port } = new URL(t.url);
  const socket = connect({ host: hostname, port: Number(port) });
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  const ended = new Promise<void>((resolve, reject) => {
    socket.on('end', resolve);
    socket.on('error', reject);
  });
  const body = JSON.stringify({ query: 'refund' });
  const received = new Promise((resolve) => t.server.server.once('request', resolve));
  socket.write(
    `POST /v1/admin/search HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
  );
  await received;
  return {
    async next(late: string) {
      socket.write(`${body}${late}`);
      await ended;
      return answer;
    },
  };
}

describe('a request that arrives while the server closes', () => {
  it('is refused with 503 in the one error shape, with its request id and Retry-After; /ready says draining', async () => {
    const api = await busyConnection();
    const probe = await busyConnection();
    const closed = t.server.close();
    const [apiAnswer, probeAnswer] = await Promise.all([
      api.next(`GET /v1/admin/tools HTTP/1.1\r\nHost: x\r\nX-Request-Id: late-1\r\n\r\n`),
      probe.next(`GET /ready HTTP/1.1\r\nHost: x\r\n\r\n`),
    ]);
    await closed;

    const [first, late] = responses(apiAnswer);
    expect(first?.status).toBe('HTTP/1.1 200 OK');
    expect(late?.status).toBe('HTTP/1.1 503 Service Unavailable');
    expect(JSON.parse(late?.body ?? '')).toEqual({
      error: {
        code: 'rejected',
        message: expect.stringMatching(/shutting down/),
        requestId: 'late-1',
      },
    });
    expect(late?.headers.get('x-request-id')).toBe('late-1');
    expect(late?.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(late?.headers.get('x-content-type-options')).toBe('nosniff');
    expect(late?.headers.get('x-frame-options')).toBe('DENY');
    expect(late?.headers.get('cache-control')).toBe('no-store');
    expect(late?.headers.get('retry-after')).toBe('1');
    expect(late?.headers.get('connection')).toBe('close');

    // A balancer's probe is answered as /ready answers it: in its own shape, which says why.
    const ready = responses(probeAnswer)[1];
    expect(ready?.status).toBe('HTTP/1.1 503 Service Unavailable');
    expect(JSON.parse(ready?.body ?? '')).toEqual({ status: 'draining', checks: [] });
    expect(ready?.headers.get('x-request-id')).toEqual(expect.any(String));
    expect(ready?.headers.get('connection')).toBe('close');
  });
});
