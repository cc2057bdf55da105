import type { App } from '../app.js';
import { endedNoticeOf, type Session, type SessionEndedNotice } from '../session/index.js';
import { sessionRefused } from './auth.js';
import { assertActive, authorizeSession } from './session-access.js';
import { requireId } from './validate.js';

/** What a stream does with the events of the session it follows. */
export interface FollowHandlers {
  /**
   * An event of the session's turns: a turn's own, or the customer's message that opens it (the
   * live feed sends every one on; a WebSocket those of the turns it did not send itself).
   */
  event(event: { type: string } & Record<string, unknown>): void;
  /** The session ended or was erased, on this instance or another: the stream ends. */
  ended(notice: SessionEndedNotice): void;
}

/** A session followed for a stream that may not be open yet. */
export interface SessionFollow {
  /**
   * Hands the events to the open stream from now on. An end that came before is handed over at
   * once; turn events that came before are not kept (the stream's client has not been told
   * `ready`, and reads the history for what came before), nor are the rest of a turn that was
   * running when it was attached: the stream's first turn is one it sees open.
   */
  attach(handlers: FollowHandlers): void;
  /** Stops following; calling it again does nothing. */
  stop(): void;
}

/**
 * Follows a session for a live feed or a WebSocket about to open, so that its end, wherever it
 * happens, reaches the stream, and reads it once: the session, checked as every route of a
 * session checks it (its id, its token), and active. The subscription is made before the read:
 * an end published before the subscription took hold would not reach it, but the session store,
 * written before the end is published, already says so, and the stream is refused as one of a
 * session ended before (409). Nothing is subscribed for a request without a token or with a
 * malformed id; one the read refuses (401, 409) is unsubscribed before it is answered.
 *
 * @example
 * const { session, follow } = await followSession(app, request.params.id, token, 'query');
 * reply.raw.once('close', follow.stop);
 * follow.attach({ event: (e) => stream.send(e), ended: (n) => streams.endSession(n.sessionId, n.reason) });
 */
export async function followSession(
  app: Pick<App, 'sessions' | 'sessionEvents'>,
  rawId: string,
  token: string | undefined,
  via: 'header' | 'query',
): Promise<{ session: Session; follow: SessionFollow }> {
  const sessionId = requireId(rawId, 'session');
  if (token === undefined) throw sessionRefused(via);
  let handlers: FollowHandlers | undefined;
  let endedEarly: SessionEndedNotice | undefined;
  // Whether the stream has seen the opening of the turn the channel is in. A stream that opens
  // while a turn runs is sent nothing of that turn: a `complete` without its `start` (and text
  // without its question) is no turn a client can show. It gets the next turn whole, and reads
  // the history for the one it joined in the middle of.
  let inStep = false;
  const unsubscribe = await app.sessionEvents.subscribe(sessionId, (event) => {
    const notice = endedNoticeOf(sessionId, event);
    if (notice === undefined) {
      if (handlers === undefined) return;
      if (event.type === 'customer_message' || event.type === 'start') inStep = true;
      // A message of the staff's is no turn's: it stands alone.
      if (inStep || event.type === 'staff_message') handlers.event(event);
    } else if (handlers) handlers.ended(notice);
    else endedEarly ??= notice;
  });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
  };
  let session: Session;
  try {
    session = await authorizeSession(app.sessions, sessionId, token, via);
    assertActive(session);
  } catch (error) {
    stop();
    throw error;
  }
  const follow: SessionFollow = {
    attach(given) {
      handlers = given;
      if (endedEarly !== undefined) given.ended(endedEarly);
    },
    stop,
  };
  return { session, follow };
}
