import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { OpenStream } from './streams.js';

/** Comment lines keep proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Most bytes of a stream (SSE or WebSocket) its client may leave unread, past what the kernel's
 * buffers hold, before the server closes it: a client that stopped reading would otherwise have
 * the server keep every later event for it in memory. A turn's events are a few KB, so a client
 * that reads, however slowly, never comes near it; one cut off reloads the history on
 * reconnecting, as after any broken stream.
 */
export const MAX_UNREAD_STREAM_BYTES = 1024 * 1024;

/** The headers of an event stream, which a HEAD of a streaming route answers with too. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  // A stream carries a session's turns: nothing of it may be kept by a browser or a proxy.
  'cache-control': 'no-store, no-transform',
  // Proxies such as nginx buffer responses unless told not to.
  'x-accel-buffering': 'no',
};

/**
 * A Server-Sent Events stream on a hijacked reply. Each event is written as
 * `event: <type>` and `data: <json>`; a heartbeat comment goes out while the stream is quiet.
 *
 * Events carry no `id:`. A stream cannot be resumed where it broke off (what it missed is not kept
 * for it), and with ids an `EventSource` would reconnect with `Last-Event-ID` believing it had
 * resumed. A client that reconnects reads the history (`GET /v1/sessions/:id/messages`) instead.
 */
export class SseStream implements OpenStream {
  readonly #raw: ServerResponse;
  #heartbeat: NodeJS.Timeout;
  #closed = false;

  constructor(reply: FastifyReply, headers: Record<string, string>) {
    reply.hijack();
    this.#raw = reply.raw;
    this.#raw.writeHead(200, { ...headers, ...SSE_HEADERS, connection: 'keep-alive' });
    this.#raw.flushHeaders();
    this.#heartbeat = setInterval(() => this.#write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.#heartbeat.unref();
    this.#raw.on('close', () => this.#stop());
  }

  /** Whether the client is still there. */
  get open(): boolean {
    return !this.#closed && !this.#raw.destroyed;
  }

  /** Sends one event whose `type` names it. */
  send(event: { type: string } & Record<string, unknown>): void {
    this.#write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  /** Sends a last event and ends the stream. */
  finish(event: { type: string } & Record<string, unknown>): void {
    this.send(event);
    this.end();
  }

  /** Ends the stream. */
  end(): void {
    if (this.#closed) return;
    this.#stop();
    this.#raw.end();
  }

  #write(text: string): void {
    if (!this.open) return;
    if (this.#raw.writableLength > MAX_UNREAD_STREAM_BYTES) {
      this.#stop();
      this.#raw.destroy();
      return;
    }
    this.#raw.write(text);
  }

  #stop(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
  }
}
