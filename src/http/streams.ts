import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StreamNotice } from '../protocol/api.js';
import { sessionEndedNotice, type SessionEndReason } from '../session/index.js';
import { StreamSlots, type StreamSlotLimits } from './stream-slots.js';

/** An open stream to a client: SSE or WebSocket. */
export interface OpenStream {
  /** Sends a last event and closes the stream. */
  finish(event: StreamNotice): void;
}

/** Whose a stream is, and the request that opened it. */
export interface StreamOrigin {
  sessionId: string;
  reply: FastifyReply;
  /** The status the response had: 200 for SSE, 101 for a WebSocket. */
  status: number;
}

interface Entry {
  origin: StreamOrigin;
  finishing: boolean;
}

/** Options of {@link StreamRegistry}. */
export interface StreamRegistryOptions {
  /**
   * Called once when a stream closes, whoever closed it. A stream gets no `onResponse` when its
   * client goes away, and a WebSocket never does: this is where its request is counted.
   */
  onClose?: (origin: StreamOrigin) => void;
  /** Limits of {@link StreamRegistry.slots}: the constants of `stream-slots.ts` by default. */
  slotLimits?: StreamSlotLimits;
}

/**
 * The streams open on this server, by session: ending or erasing a session ends its streams with
 * an `ended` event, and shutdown ends each with a `shutdown` event instead of cutting it off.
 * Only this instance's streams: those on other instances (and those of a session the retention
 * sweep erased) are ended by the end notice published on the session's events, which a live feed
 * and a WebSocket follow (see `followSession`). A stream told twice, here and by the notice, ends
 * once.
 *
 * @example
 * const streams = new StreamRegistry();
 * const release = streams.add(stream, { sessionId, reply, status: 200 });
 * reply.raw.on('close', release);
 * streams.endSession(sessionId, 'ended');
 */
export class StreamRegistry {
  readonly #open = new Map<OpenStream, Entry>();
  readonly #bySession = new Map<string, Set<OpenStream>>();
  // Requests stay here after their stream closed, so that a late `onResponse` still knows it.
  readonly #requests = new WeakSet<FastifyRequest>();
  /** The places for long-lived streams (live feeds, WebSockets), per session and per client. */
  readonly slots: StreamSlots;

  constructor(private readonly options: StreamRegistryOptions = {}) {
    this.slots = new StreamSlots(options.slotLimits);
  }

  /** Streams not yet closed: one told to finish counts until its socket has closed. */
  get size(): number {
    return this.#open.size;
  }

  /** Whether `request` opened a stream, whose request {@link StreamRegistryOptions.onClose} counts. */
  opened(request: FastifyRequest): boolean {
    return this.#requests.has(request);
  }

  /** Registers a stream; call the returned function when it closes (calling it again does nothing). */
  add(stream: OpenStream, origin: StreamOrigin): () => void {
    this.#open.set(stream, { origin, finishing: false });
    this.#requests.add(origin.reply.request);
    let ofSession = this.#bySession.get(origin.sessionId);
    if (ofSession === undefined) {
      ofSession = new Set();
      this.#bySession.set(origin.sessionId, ofSession);
    }
    ofSession.add(stream);
    return () => {
      if (!this.#open.delete(stream)) return;
      ofSession.delete(stream);
      if (ofSession.size === 0 && this.#bySession.get(origin.sessionId) === ofSession) {
        this.#bySession.delete(origin.sessionId);
      }
      this.options.onClose?.(origin);
    };
  }

  /**
   * Ends every open stream of a session with an `ended` event that says why, in words the
   * customer reads. Returns how many there were.
   */
  endSession(sessionId: string, reason: SessionEndReason): number {
    const notice = sessionEndedNotice(sessionId, reason);
    const streams = [...(this.#bySession.get(sessionId) ?? [])];
    for (const stream of streams) this.#finish(stream, notice);
    return streams.length;
  }

  /** Ends every open stream with `event`. */
  finishAll(event: StreamNotice): void {
    for (const stream of [...this.#open.keys()]) this.#finish(stream, event);
  }

  /** Finishes a stream once: it stays registered until it has closed, and is counted then. */
  #finish(stream: OpenStream, event: StreamNotice): void {
    const entry = this.#open.get(stream);
    if (entry === undefined || entry.finishing) return;
    entry.finishing = true;
    try {
      stream.finish(event);
    } catch {
      // A stream whose socket is already gone has nothing left to tell.
    }
  }
}
