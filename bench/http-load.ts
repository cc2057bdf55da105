import { connect, type Socket } from 'node:net';

/** One request, as the exact bytes sent on the wire. */
export type RawRequest = Buffer;

/** Builds an HTTP/1.1 keep-alive request. */
export function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): RawRequest {
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (payload) lines.push(`content-length: ${payload.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return payload ? Buffer.concat([head, payload]) : head;
}

/** What a load run measured. */
export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  /** Responses whose status was not the expected one. */
  failures: number;
  p50Ms: number;
  p99Ms: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * A closed-loop load generator on raw keep-alive sockets: `connections` clients, each sending its
 * next request as soon as the previous response is complete, for `seconds`. Requests are built
 * once; responses are read just far enough to find their status and length, so the client costs
 * far less CPU than the server it measures.
 */
export async function runLoad(options: {
  port: number;
  connections: number;
  seconds: number;
  /** The request a connection sends for its n-th request. */
  request: (connection: number, n: number) => RawRequest;
  expectStatus: number;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, (_, c) =>
      clientLoop(
        options.port,
        (n) => options.request(c, n),
        deadline,
        (ms, status) => {
          latencies.push(ms);
          if (status !== options.expectStatus) failures++;
        },
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    seconds: Number(seconds.toFixed(3)),
    perSecond: Math.round(latencies.length / seconds),
    failures,
    p50Ms: Number(at(0.5).toFixed(3)),
    p99Ms: Number(at(0.99).toFixed(3)),
  };
}

function clientLoop(
  port: number,
  request: (n: number) => RawRequest,
  deadline: number,
  record: (ms: number, status: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ port, host: '127.0.0.1', noDelay: true });
    let buffer: Buffer = Buffer.alloc(0);
    let sentAt = 0;
    let n = 0;
    const send = () => {
      if (performance.now() >= deadline) {
        socket.end();
        resolve();
        return;
      }
      sentAt = performance.now();
      socket.write(request(n++));
    };
    socket.on('connect', send);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf(HEADER_END);
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const status = Number(head.slice(9, 12));
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        if (!length) {
          reject(new Error(`a response without content-length: ${head.split('\r\n')[0]}`));
          socket.destroy();
          return;
        }
        const total = end + 4 + Number(length[1]);
        if (buffer.length < total) return;
        buffer = buffer.subarray(total);
        record(performance.now() - sentAt, status);
        send();
      }
    });
  });
}
