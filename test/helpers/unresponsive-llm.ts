// A chat-model server on loopback that takes requests and never finishes an answer, each way a
// real one can: hung before its headers, a stream that never begins, a whole JSON body that stops.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the server keeps silent:
 * - `no-headers`: it reads the request and answers nothing at all;
 * - `headers-only`: it sends the headers of an event stream, then nothing;
 * - `keep-alives-only`: it sends those headers, then a keep-alive comment every 100 ms, never an
 *   event (a server queueing the request, or loading the model);
 * - `json-cut-off`: it ignores `stream: true`, sends the headers of one JSON completion and the
 *   start of its body, then nothing;
 * - `begins-then-stalls`: it sends the headers of an event stream, begins the answer (a chunk
 *   with the role and no text) after `beginAfterMs`, then nothing;
 * - `begins-then-keeps-alive`: as `begins-then-stalls`, then a keep-alive comment every 100 ms,
 *   never a word (a model that thinks on and on).
 */
export type Silence =
  | 'no-headers'
  | 'headers-only'
  | 'keep-alives-only'
  | 'json-cut-off'
  | 'begins-then-stalls'
  | 'begins-then-keeps-alive';

/** One request the server received. */
export interface HeldRequest {
  /** `Date.now()` when it arrived. */
  at: number;
  /** Set when the client closed the connection (an aborted request). */
  closed: boolean;
}

/** A running {@link startUnresponsiveLlm} server. */
export interface UnresponsiveLlm {
  /** Base URL ending in /v1. */
  readonly url: string;
  /** Every chat request received, in order. */
  readonly requests: HeldRequest[];
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 (a free port) whose every `POST /v1/chat/completions` keeps
 * silent as `silence` says, until the client gives up or the server is closed.
 *
 * @example
 * const llm = await startUnresponsiveLlm('no-headers');
 * // … LLM_BASE_URL: llm.url …
 * await llm.close();
 */
export async function startUnresponsiveLlm(
  silence: Silence,
  options: { beginAfterMs?: number } = {},
): Promise<UnresponsiveLlm> {
  const requests: HeldRequest[] = [];
  const server = createServer((req, res) => {
    req.resume();
    const held: HeldRequest = { at: Date.now(), closed: false };
    requests.push(held);
    res.once('close', () => {
      held.closed = true;
    });
    hold(res, silence, options.beginAfterMs ?? 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The held connections never end by themselves.
        server.closeAllConnections();
      }),
  };
}

function hold(res: ServerResponse, silence: Silence, beginAfterMs: number): void {
  if (silence === 'no-headers') return;
  if (silence === 'json-cut-off') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  if (silence === 'keep-alives-only') {
    const timer = setInterval(() => res.write(': keep-alive\n\n'), 100);
    res.once('close', () => clearInterval(timer));
  }
  if (silence === 'begins-then-stalls' || silence === 'begins-then-keeps-alive') {
    const chunk = { id: 'chatcmpl-1', choices: [{ index: 0, delta: { role: 'assistant' } }] };
    let keepAlive: NodeJS.Timeout | undefined;
    const begin = setTimeout(() => {
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      if (silence === 'begins-then-keeps-alive') {
        keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 100);
      }
    }, beginAfterMs);
    res.once('close', () => {
      clearTimeout(begin);
      clearInterval(keepAlive);
    });
  }
}
