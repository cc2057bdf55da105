import type { Redis } from 'ioredis';
import { createPayloadCodec, type PayloadCodec } from './session-cipher.js';
import { toStoreError } from './redis-connection.js';

/** Receives the events of a followed session. */
export type SessionEventListener = (event: { type: string } & Record<string, unknown>) => void;

/** Why a session's streams end: it was ended (DELETE), or erased (on request or by retention). */
export type SessionEndReason = 'ended' | 'erased';

/**
 * The last event of a stream whose session ended or was erased, as its client gets it (the
 * `ended` stream notice). It is also what crosses instances on the session's channel, so that an
 * instance of an earlier version, which forwards it as it is, still tells its client.
 */
// A type rather than an interface: it is an event, which listeners take as a record.
export type SessionEndedNotice = {
  type: 'ended';
  sessionId: string;
  reason: SessionEndReason;
  /** Words the customer reads. */
  message: string;
};

/**
 * The `ended` notice of a session, with the words its customer reads.
 *
 * @example
 * stream.finish(sessionEndedNotice(sessionId, 'erased'));
 */
export function sessionEndedNotice(
  sessionId: string,
  reason: SessionEndReason,
): SessionEndedNotice {
  const message =
    reason === 'erased'
      ? 'This conversation has been deleted. Start a new conversation if you need more help.'
      : 'This conversation has ended. Start a new conversation if you need more help.';
  return { type: 'ended', sessionId, reason, message };
}

/**
 * The end notice an event of a session's channel is, or undefined for a turn's event. Rebuilt
 * from its reason rather than passed on: what a client is told comes from this instance.
 */
export function endedNoticeOf(
  sessionId: string,
  event: { type: string } & Record<string, unknown>,
): SessionEndedNotice | undefined {
  if (event.type !== 'ended') return undefined;
  return sessionEndedNotice(sessionId, event.reason === 'erased' ? 'erased' : 'ended');
}

/**
 * The live events of sessions, for connections that follow a session (a second tab, the
 * widget's live feed): every instance publishes the events of the turns it runs, and every
 * follower gets them, whichever instance it is connected to.
 */
export interface SessionEvents {
  publish(sessionId: string, event: { type: string } & Record<string, unknown>): void;
  /**
   * Tells every follower of a session, on every instance, that it ended or was erased: each gets
   * its {@link sessionEndedNotice} (see {@link endedNoticeOf}), and a stream following it ends.
   * Call it once the session store says so, so that a stream that starts following afterwards
   * finds the end there. This instance's followers are told at once, whatever becomes of the
   * publishing; the promise rejects when it could not be published (Redis away): the end stands,
   * and streams on other instances learn of it at their next message.
   */
  publishEnd(sessionId: string, reason: SessionEndReason): Promise<void>;
  /**
   * Follows a session: resolves once events published from then on will reach `listener`, with
   * the function that stops following.
   */
  subscribe(sessionId: string, listener: SessionEventListener): Promise<() => void>;
  /** Connections following sessions on this instance. */
  readonly followers: number;
  close(): Promise<void>;
}

/** Listeners by session, shared by both implementations. */
class Listeners {
  readonly #bySession = new Map<string, Set<SessionEventListener>>();

  get size(): number {
    let n = 0;
    for (const set of this.#bySession.values()) n += set.size;
    return n;
  }

  /** Adds a listener (`first` runs when it is the session's first); the result removes it and says whether it was the last. */
  add(sessionId: string, listener: SessionEventListener, first: () => void): () => boolean {
    let set = this.#bySession.get(sessionId);
    if (set === undefined) {
      set = new Set();
      this.#bySession.set(sessionId, set);
      first();
    }
    set.add(listener);
    return () => {
      if (!set.delete(listener) || set.size > 0) return false;
      this.#bySession.delete(sessionId);
      return true;
    };
  }

  /** Whether the session has a listener. */
  has(sessionId: string): boolean {
    return this.#bySession.has(sessionId);
  }

  deliver(sessionId: string, event: { type: string } & Record<string, unknown>): void {
    for (const listener of this.#bySession.get(sessionId) ?? []) {
      try {
        listener(event);
      } catch {
        // One follower's broken connection must not keep the event from the others.
      }
    }
  }
}

/** Session events within this process: enough for one instance. */
export class MemorySessionEvents implements SessionEvents {
  readonly #listeners = new Listeners();

  get followers(): number {
    return this.#listeners.size;
  }

  publish(sessionId: string, event: { type: string } & Record<string, unknown>): void {
    this.#listeners.deliver(sessionId, event);
  }

  async publishEnd(sessionId: string, reason: SessionEndReason): Promise<void> {
    this.#listeners.deliver(sessionId, sessionEndedNotice(sessionId, reason));
  }

  async subscribe(sessionId: string, listener: SessionEventListener): Promise<() => void> {
    const remove = this.#listeners.add(sessionId, listener, () => undefined);
    return () => void remove();
  }

  async close(): Promise<void> {}
}

/**
 * Session events through Redis pub/sub, one channel per session: an instance subscribes to a
 * session's channel while it has followers of that session, and publishes the events of every
 * turn it runs. Followers on this instance get events through Redis too, so each gets every
 * event once, in order. Publishing is fire-and-forget: a follower missing an event while Redis
 * is away still has the history to read. The end of a session crosses the same channel, encrypted
 * alike ({@link SessionEvents.publishEnd}).
 *
 * With `encryptionKey`, events cross Redis encrypted as sessions are (AES-256-GCM, bound to the
 * session's channel): they carry the conversation itself. An event that does not open with the
 * key (a plain one, or one of an instance with another key) is dropped and `onError` told, so
 * whoever can publish to Redis cannot put words in the agent's mouth.
 *
 * @example
 * const events = new RedisSessionEvents(connectRedis(url), connectRedis(url), {
 *   keyPrefix: 'support-agent:',
 *   encryptionKey: parseEncryptionKey(process.env.SESSION_ENCRYPTION_KEY ?? ''),
 * });
 * const stop = events.subscribe(sessionId, (event) => stream.send(event));
 */
export class RedisSessionEvents implements SessionEvents {
  readonly #listeners = new Listeners();
  /** The SUBSCRIBE of each followed session, settled once Redis confirmed it. */
  readonly #subscribed = new Map<string, Promise<void>>();
  /**
   * Channels left while Redis was away: the client subscribes to them again when it reconnects,
   * so they are left again then, unless the session is followed again meanwhile.
   */
  readonly #leftOffline = new Set<string>();
  /** Whether the last publish failed: told when publishing starts failing, not every time. */
  #publishFailing = false;
  /** Set when events are encrypted; without a key they are plain JSON, as before encryption. */
  readonly #codec: PayloadCodec | undefined;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly options: {
      keyPrefix: string;
      /** `SESSION_ENCRYPTION_KEY`: events are then published encrypted. */
      encryptionKey?: Buffer;
      /** Keys events may still be encrypted with by instances not yet given the new key. */
      previousEncryptionKeys?: readonly Buffer[];
      /**
       * An event that was not delivered (it did not open with the key), or not published: the
       * first failure of publishing, then none until publishing works again.
       */
      onError?: (error: unknown) => void;
    },
  ) {
    this.#codec = options.encryptionKey
      ? createPayloadCodec(options.encryptionKey, options.previousEncryptionKeys)
      : undefined;
    // Emitted once the client has sent its own subscriptions again: an UNSUBSCRIBE sent now
    // follows them.
    // A new connection: a failure to publish on it is told again, though nothing was published
    // between two outages.
    publisher.on('ready', () => (this.#publishFailing = false));
    subscriber.on('ready', () => {
      for (const channel of this.#leftOffline) {
        this.#leftOffline.delete(channel);
        this.#unsubscribe(channel);
      }
    });
    subscriber.on('message', (channel: string, message: string) => {
      const sessionId = channel.slice(this.#channelPrefix.length);
      try {
        this.#listeners.deliver(sessionId, this.#decode(message, sessionId));
      } catch (error) {
        this.options.onError?.(error);
      }
    });
  }

  #encode(event: { type: string } & Record<string, unknown>, sessionId: string): string {
    const json = JSON.stringify(event);
    return this.#codec ? this.#codec.encode(json, eventsContext(sessionId)) : json;
  }

  #decode(message: string, sessionId: string): { type: string } & Record<string, unknown> {
    if (this.#codec) {
      return JSON.parse(this.#codec.decode(message, eventsContext(sessionId))) as {
        type: string;
      } & Record<string, unknown>;
    }
    if (message.startsWith('e1:')) {
      throw new Error(
        `an encrypted event of session ${sessionId} was dropped: SESSION_ENCRYPTION_KEY is not set on this instance`,
      );
    }
    return JSON.parse(message) as { type: string } & Record<string, unknown>;
  }

  get #channelPrefix(): string {
    return `${this.options.keyPrefix}events:`;
  }

  get followers(): number {
    return this.#listeners.size;
  }

  publish(sessionId: string, event: { type: string } & Record<string, unknown>): void {
    this.publisher
      .publish(`${this.#channelPrefix}${sessionId}`, this.#encode(event, sessionId))
      .then(
        () => (this.#publishFailing = false),
        (error: unknown) => {
          // Once an outage, not once an event: a turn publishes every piece of its answer.
          if (this.#publishFailing) return;
          this.#publishFailing = true;
          this.options.onError?.(error);
        },
      );
  }

  async publishEnd(sessionId: string, reason: SessionEndReason): Promise<void> {
    const notice = sessionEndedNotice(sessionId, reason);
    // This instance's followers need not wait for Redis, nor go without when it is away; they
    // get the published one too, and a stream ends once whichever comes first.
    this.#listeners.deliver(sessionId, notice);
    await this.publisher.publish(
      `${this.#channelPrefix}${sessionId}`,
      this.#encode(notice, sessionId),
    );
  }

  async subscribe(sessionId: string, listener: SessionEventListener): Promise<() => void> {
    const channel = `${this.#channelPrefix}${sessionId}`;
    const remove = this.#listeners.add(sessionId, listener, () => {
      this.#leftOffline.delete(channel);
      this.#subscribed.set(
        sessionId,
        this.subscriber.subscribe(channel).then(() => undefined),
      );
    });
    const stop = () => {
      if (!remove()) return;
      this.#subscribed.delete(sessionId);
      this.#unsubscribe(channel);
    };
    try {
      await this.#subscribed.get(sessionId);
    } catch (error) {
      stop();
      // The driver's own words ("Stream isn't writeable …") are no error a client can act on,
      // and reached it as a 500: Redis away is a 503, to try again in a moment.
      throw toStoreError(error, "follow the session's events", this.subscriber);
    }
    return stop;
  }

  #unsubscribe(channel: string): void {
    this.subscriber.unsubscribe(channel).catch((error: unknown) => {
      // Not followed again meanwhile: left once Redis is back.
      if (!this.#listeners.has(channel.slice(this.#channelPrefix.length))) {
        this.#leftOffline.add(channel);
      }
      this.options.onError?.(error);
    });
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}

/**
 * What an event's encryption is bound to: not the session id alone, so that an event copied into
 * a session's record (or a record published as an event) does not open.
 */
function eventsContext(sessionId: string): string {
  return `${sessionId}/events`;
}
