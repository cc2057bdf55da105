import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, isAppError } from '../errors/index.js';
import type { TurnEvent } from '../protocol/index.js';
import type { CustomerMessageEvent } from '../protocol/events.js';
import type { TurnResultBody } from '../protocol/api.js';
import type { Clock } from '../resilience/index.js';
import type { Session, SessionEvents, SessionLock, SessionStore } from '../session/index.js';
import type { ConversationRepository, MessageRecord } from '../store/index.js';
import { hideCardNumbers } from './card-numbers.js';
import { claimIdempotencyKey } from './idempotency-claim.js';
import { LinkedAbort } from './linked-abort.js';
import { escalationEvent, type TurnInput, type TurnRunner } from './turn.js';

/** Attempts of `SessionTurns.end` at a session that keeps changing under it. */
const END_ATTEMPTS = 10;

/** After this long, an unfinished idempotent request is taken for dead and may run again. */
const STALE_CLAIM_MS = 10 * 60_000;

/** What {@link SessionTurns} needs; built once by `createApp`. */
export interface SessionTurnsDeps {
  sessions: SessionStore;
  /** Where the events of each turn go for the session's followers (every instance's). */
  events: SessionEvents;
  conversations: ConversationRepository;
  turns: TurnRunner;
  logger: Logger;
  clock: Clock;
  /** How long a session lock lives without being extended; extended while the turn runs. */
  lockTtlMs: number;
  /** How long a message waits for the session's previous message to finish. */
  lockWaitMs: number;
  /**
   * Deletes the passages a session's attachments left in the knowledge base, once the session
   * ended: nothing searches them again. The files stay with its transcript until it is erased.
   */
  forgetFiles: (sessionId: string) => Promise<unknown>;
}

/** One customer message to a session whose token has been checked. */
export interface SendInput {
  session: Session;
  text: string;
  attachments?: Array<{ name: string; data: Uint8Array }>;
  requestId: string;
  /**
   * Aborted when the client goes away: remaining work stops, what exists is still stored. With
   * an `idempotencyKey`, it stops only the wait for the session: a turn that has started runs to
   * its end, for the retry to be answered with the whole reply.
   */
  signal?: AbortSignal;
  /** A retry with the same key gets the stored result instead of a second turn. */
  idempotencyKey?: string;
  /**
   * Admits the message once its key is claimed (a rate limit), before the session is waited
   * for: a retry that is answered with the stored result, or refused because its first request
   * still runs, is not a new message and is not charged. When it throws, the key is released.
   */
  admit?: () => Promise<void>;
}

/** A turn that runs now, or the stored result of the same request sent before. */
/**
 * The events a replayed turn is sent as: those of the turn as it ran that a client builds its
 * view from — `start`, `sources`, `escalation`, the whole reply as one `text`, `complete` —
 * without the progress events (`status`, `tool`) of work that is not done again.
 */
export function replayEvents(result: TurnResultBody): TurnEvent[] {
  const { message } = result;
  return [
    {
      type: 'start',
      turnId: result.turnId,
      requestId: result.requestId,
      sessionId: result.sessionId,
    },
    ...(message.sources.length > 0 ? [{ type: 'sources' as const, items: message.sources }] : []),
    escalationEvent(message.escalation),
    { type: 'text', delta: message.text },
    { type: 'complete', message },
  ];
}

export type SendOutcome =
  | { type: 'replay'; result: TurnResultBody }
  | {
      type: 'run';
      turnId: string;
      events: AsyncIterable<TurnEvent>;
      result: Promise<TurnResultBody>;
    };

/**
 * Customer turns of a session, safe across instances: the session's lock (with a fencing token)
 * is held from before the user message is stored until the session's count is updated, so the
 * messages of one session are stored in one order even when they arrive at several instances at
 * once. The same code serves REST, SSE and WebSocket.
 */
export class SessionTurns {
  readonly #inFlight = new Map<Promise<unknown>, { sessionId: string; turnId: string }>();
  /**
   * Aborted by {@link SessionTurns.stopAll}: the signal of every turn sent without one of its own.
   */
  readonly #stopping = new AbortController();
  /** The signals of the turns sent with a signal of their own, until each is done. */
  readonly #links = new Set<LinkedAbort>();

  constructor(private readonly deps: SessionTurnsDeps) {}

  /** Turns running now (graceful shutdown waits for them). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Resolves when every running turn has settled. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.keys()]);
  }

  /**
   * Cuts short every running turn (a shutdown whose grace period is over): each stops its
   * remaining work and stores the reply it has so far, as when its client goes away. Each turn
   * cut off is logged with its session. Await {@link SessionTurns.drain} for them to be stored.
   */
  stopAll(): void {
    for (const ids of this.#inFlight.values()) {
      this.deps.logger.warn(ids, 'turn cut short by shutdown; the reply it had so far is stored');
    }
    const reason = new AppError('cancelled', 'The server is shutting down.', { retryable: true });
    this.#stopping.abort(reason);
    for (const link of this.#links) link.abort(reason);
  }

  /**
   * Sends a message: waits for the session's lock, runs the turn and records it.
   * @throws {AppError} `conflict` for an ended session or a reused idempotency key,
   *   `rejected` when the session stays busy, `invalid_input` for an empty or over-long message.
   */
  async send(input: SendInput): Promise<SendOutcome> {
    const { sessions, conversations, logger } = this.deps;
    const sessionId = input.session.id;
    const key = input.idempotencyKey;
    if (key !== undefined) {
      const claim = await claimIdempotencyKey(conversations, {
        sessionId,
        key,
        fingerprint: fingerprint(input),
        now: new Date(this.deps.clock.now()).toISOString(),
        // A claim this old belonged to a request that died: no turn runs that long.
        staleBefore: new Date(this.deps.clock.now() - STALE_CLAIM_MS).toISOString(),
      });
      if (claim.type === 'replay') {
        return { type: 'replay', result: claim.response as TurnResultBody };
      }
    }
    try {
      // Ended as the request found it: told so at once, not after waiting for a turn still
      // running (whose wait would end in a "busy, retry" for a message no retry can send).
      // Read again under the lock below, for an end that comes meanwhile.
      if (input.session.status !== 'active') throw sessionEnded();
      await input.admit?.();
    } catch (error) {
      if (key !== undefined) {
        await conversations.releaseIdempotencyKey(sessionId, key).catch((failure: unknown) => {
          logger.error({ err: failure }, 'releasing an idempotency key failed');
        });
      }
      throw error;
    }

    const link = input.signal ? this.#link(input.signal) : undefined;
    const signal = link ? link.signal : this.#stopping.signal;
    let lock: SessionLock | undefined;
    let keeper: KeepAlive | undefined;
    const undo = async () => {
      keeper?.stop();
      await lock?.release().catch(() => false);
      if (key !== undefined) {
        await conversations.releaseIdempotencyKey(sessionId, key).catch((error: unknown) => {
          logger.error({ err: error }, 'releasing an idempotency key failed');
        });
      }
    };
    let run;
    let counted: Promise<Session | undefined> | undefined;
    try {
      lock = await sessions
        .lock(sessionId, this.deps.lockTtlMs, { waitMs: this.deps.lockWaitMs, signal })
        .catch((error: unknown) => {
          throw busyToClient(error);
        });
      keeper = keepAlive(lock, this.deps, logger);
      const current = await sessions.get(sessionId);
      if (current === null)
        throw new AppError('not_found', 'This session does not exist or has expired.');
      if (current.status !== 'active') throw sessionEnded();
      const heldToken = lock.token;
      const feed = followersFeed(this.deps.events, sessionId);
      run = this.deps.turns.start({
        sessionId,
        text: input.text,
        requestId: input.requestId,
        ...(input.attachments ? { attachments: input.attachments } : {}),
        // A client that sent a key will send the message again if it goes away: its retry is
        // answered with what is stored under the key, so the turn runs to its end for it (a
        // reply cut short would be replayed for good). Only shutdown cuts it short.
        signal: key !== undefined ? this.#stopping.signal : signal,
        // Published to the session's followers as they happen, on the turn's own call: no second
        // queue between the turn and its sender.
        observe: feed.observe,
        stored: (message) => {
          // Counted where it is stored, under the lock that orders the session's messages: the
          // count equals the customer messages stored even when the turn is cut off after (a
          // crash, an end while it runs).
          counted = this.#count(sessionId, heldToken);
          feed.stored?.(message);
        },
      });
    } catch (error) {
      this.#unlink(link);
      await undo();
      throw error;
    }

    const heldLock = lock;
    const turnId = run.turnId;
    const result = (async (): Promise<TurnResultBody> => {
      try {
        const reply = await run.result;
        const { sessionId: _s, requestId, messageCount: _m, breakers, ...message } = reply;
        const count = await counted;
        // Read again: the session may have been ended while the turn ran.
        const updated =
          count === undefined
            ? undefined
            : ((await sessions.get(sessionId).catch(() => null)) ?? count);
        const body: TurnResultBody = {
          sessionId,
          requestId,
          turnId,
          message,
          sources: message.sources,
          escalation: message.escalation,
          messageCount: updated?.messageCount ?? input.session.messageCount + 1,
          breakers,
        };
        // Ended while this turn ran, its files were deleted while it may have been reading one
        // (when ending could not wait for it): what it added goes too.
        if (updated?.status === 'ended') {
          await this.deps.forgetFiles(sessionId).catch((error: unknown) => {
            logger.error({ err: error }, "deleting an ended session's attachments failed");
          });
        }
        if (key !== undefined) {
          await conversations
            .completeIdempotencyKey(sessionId, key, body)
            .catch((error: unknown) => {
              logger.error({ err: error }, 'storing the idempotent result failed');
            });
        }
        keeper.stop();
        await heldLock.release().catch(() => false);
        return body;
      } catch (error) {
        await counted;
        await undo();
        throw isAppError(error)
          ? error
          : new AppError('internal', 'The message could not be stored', { cause: error });
      } finally {
        this.#unlink(link);
      }
    })();
    this.#track(result, { sessionId, turnId });
    return { type: 'run', turnId, events: run.events, result };
  }

  /**
   * Ends a session: no message is taken after, and its attachments' passages are deleted once
   * the turn still running, if any, has finished (the session's lock), so that none it was
   * reading comes back. When that turn outlasts the lock wait, the passages are deleted at once
   * and again when it ends. One already ended is returned as it is, so ending it again changes
   * nothing, its `updatedAt` included. The write is a compare-and-set on the version read: of
   * two requests ending it at once, one writes and the other reads again and finds it ended.
   * @throws {AppError} `not_found` when the session was removed meanwhile.
   */
  async end(session: Session): Promise<Session> {
    const { sessions } = this.deps;
    let current = session;
    for (let attempt = 1; current.status !== 'ended'; attempt++) {
      try {
        current = await sessions.update(current.id, (s) => ({ ...s, status: 'ended' }), {
          expectedVersion: current.version,
        });
      } catch (error) {
        // Changed since it was read (a message counted, another request ending it): read again.
        if (!isAppError(error) || error.code !== 'conflict' || attempt >= END_ATTEMPTS) throw error;
        // Gone meanwhile: the next update says so (`not_found`).
        current = (await sessions.get(current.id)) ?? current;
      }
    }
    let lock: SessionLock | undefined;
    try {
      lock = await sessions.lock(session.id, this.deps.lockTtlMs, {
        waitMs: this.deps.lockWaitMs,
      });
    } catch (error) {
      // Still busy: the running turn deletes them again when it ends (see `send`).
      if (!isAppError(error) || error.code !== 'rejected') throw error;
    }
    try {
      await this.deps.forgetFiles(session.id);
    } finally {
      await lock?.release().catch(() => false);
    }
    return current;
  }

  /** Counts a stored customer message on its session; undefined when that failed (logged). */
  #count(sessionId: string, fence: number): Promise<Session | undefined> {
    return this.deps.sessions
      .update(
        sessionId,
        (s) => ({
          ...s,
          messageCount: s.messageCount + 1,
          lastMessageAt: new Date(this.deps.clock.now()).toISOString(),
        }),
        { fence },
      )
      .catch((error: unknown) => {
        this.deps.logger.error({ err: error }, 'counting the message on the session failed');
        return undefined;
      });
  }

  /**
   * The signal of a turn sent with a signal of its own: it follows that signal and shutdown's.
   * Linked by hand rather than with `AbortSignal.any` (see {@link LinkedAbort}): on Node 20,
   * `any` would leave one weak reference per message on the shutdown signal, for good.
   */
  #link(source: AbortSignal): LinkedAbort {
    const link = new LinkedAbort(source);
    const stopping = this.#stopping.signal;
    if (stopping.aborted) link.abort(stopping.reason);
    else this.#links.add(link);
    return link;
  }

  #unlink(link: LinkedAbort | undefined): void {
    if (link === undefined) return;
    link.unlink();
    this.#links.delete(link);
  }

  #track(promise: Promise<unknown>, ids: { sessionId: string; turnId: string }): void {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.set(settled, ids);
    void settled.then(() => this.#inFlight.delete(settled));
  }
}

/**
 * What the session's followers are sent of one turn: its events as they happen, with the
 * customer's message before its `start` (a second device shows the question before the answer).
 * The turn tells of its `start` before it stores the message: `start` waits until the message
 * is stored (`stored`), or until the turn's next event (the `error` that says it could not be).
 */
function followersFeed(
  events: SessionEvents,
  sessionId: string,
): Pick<TurnInput, 'observe' | 'stored'> {
  let start: Extract<TurnEvent, { type: 'start' }> | undefined;
  const release = (): void => {
    if (start) events.publish(sessionId, start);
    start = undefined;
  };
  return {
    observe: (event) => {
      if (event.type === 'start') start = event;
      else {
        release();
        events.publish(sessionId, event);
      }
    },
    stored: (message) => {
      if (start) {
        const { turnId, requestId } = start;
        events.publish(sessionId, customerMessageEvent(message, { sessionId, turnId, requestId }));
      }
      release();
    },
  };
}

/** The refusal of a message to a session that has ended. */
function sessionEnded(): AppError {
  return new AppError('conflict', 'This session has ended; start a new session to continue.');
}

/**
 * The store's `rejected` for a session whose lock stayed held (its words name the session and the
 * lock's wait, for the log) as a client is told it: a customer whose other tab or device is still
 * being answered learns what to do, and when, in words a widget can show.
 */
function busyToClient(error: unknown): unknown {
  if (!isAppError(error) || error.code !== 'rejected') return error;
  return new AppError(
    'rejected',
    'This conversation is busy answering a previous message; send this one again when that answer is complete.',
    { retryable: true, retryAfterMs: 2_000, cause: error },
  );
}

/** The `customer_message` event of a stored customer message. */
function customerMessageEvent(
  record: MessageRecord,
  ids: { sessionId: string; turnId: string; requestId: string },
): CustomerMessageEvent {
  const names = record.metadata.attachments;
  const attachments = Array.isArray(names)
    ? names.filter((name): name is string => typeof name === 'string')
    : [];
  return {
    type: 'customer_message',
    ...ids,
    message: {
      id: record.id,
      seq: record.seq,
      role: 'user',
      text: record.text,
      createdAt: record.createdAt,
      ...(attachments.length > 0 ? { attachments } : {}),
    },
  };
}

/**
 * What makes two requests "the same" for an idempotency key: the message as it is stored, its
 * card numbers hidden (a hash of a card number is not kept either), and the files.
 */
function fingerprint(input: SendInput): string {
  const hash = createHash('sha256').update(hideCardNumbers(input.text).text, 'utf8');
  for (const file of input.attachments ?? []) {
    hash.update(`\u0000${file.name}\u0000`);
    hash.update(createHash('sha256').update(file.data).digest());
  }
  return hash.digest('hex');
}

interface KeepAlive {
  stop(): void;
}

/** Extends a held lock every third of its life while the turn runs. */
function keepAlive(
  lock: SessionLock,
  deps: Pick<SessionTurnsDeps, 'clock' | 'lockTtlMs'>,
  logger: Logger,
): KeepAlive {
  let stopped = false;
  let timer: unknown;
  const tick = () => {
    if (stopped) return;
    lock.extend(deps.lockTtlMs).then(
      (held) => {
        if (!held) logger.warn({ fence: lock.token }, 'the session lock was lost during a turn');
        else if (!stopped) timer = deps.clock.setTimer(tick, deps.lockTtlMs / 3);
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'extending the session lock failed');
        // Redis away for a moment: tried again, before the lock lapses, or it would lapse under
        // the running turn once Redis is back and let the session's next message run beside it.
        if (!stopped) timer = deps.clock.setTimer(tick, deps.lockTtlMs / 3);
      },
    );
  };
  timer = deps.clock.setTimer(tick, deps.lockTtlMs / 3);
  return {
    stop() {
      stopped = true;
      deps.clock.clearTimer(timer);
    },
  };
}
