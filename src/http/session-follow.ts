import type { App } from '../app.js';
import { endedNoticeOf, type SessionEndedNotice } from '../session/index.js';
import { assertActive, authorizeSession } from './session-access.js';

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
   * `ready`, and reads the history for what came before).
   */
  attach(handlers: FollowHandlers): void;
  /** Stops following; calling it again does nothing. */
  stop(): void;
}

/**
 * Follows a session for a live feed or a WebSocket about to open, so that its end, wherever it
 * happens, reaches the stream. Throws as opening the stream would have, had the session ended
 * (409) or gone (401) meanwhile: an end published before the subscription took hold would not
 * reach it, but the session store, written before the end is published, already says so. Checked
 * with the same token, so the refusal is the one the stream would get a moment later.
 *
 * @example
 * const follow = await followSession(app, session.id, token, 'query');
 * reply.raw.once('close', follow.stop);
 * follow.attach({ event: (e) => stream.send(e), ended: (n) => streams.endSession(n.sessionId, n.reason) });
 */
export async function followSession(
  app: Pick<App, 'sessions' | 'sessionEvents'>,
  sessionId: string,
  token: string | undefined,
  via: 'header' | 'query',
): Promise<SessionFollow> {
  let handlers: FollowHandlers | undefined;
  let endedEarly: SessionEndedNotice | undefined;
  const unsubscribe = await app.sessionEvents.subscribe(sessionId, (event) => {
    const notice = endedNoticeOf(sessionId, event);
    if (notice === undefined) handlers?.event(event);
    else if (handlers) handlers.ended(notice);
    else endedEarly ??= notice;
  });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
  };
  try {
    assertActive(await authorizeSession(app.sessions, sessionId, token, via));
  } catch (error) {
    stop();
    throw error;
  }
  return {
    attach(given) {
      handlers = given;
      if (endedEarly !== undefined) given.ended(endedEarly);
    },
    stop,
  };
}

/**
 * {@link followSession} for a stream that holds one of the places for streams: the place is
 * given back when the follow is refused, since no stream will open to give it back on close.
 */
export async function followWithSlot(
  app: Pick<App, 'sessions' | 'sessionEvents'>,
  sessionId: string,
  token: string | undefined,
  freeSlot: () => void,
): Promise<SessionFollow> {
  try {
    return await followSession(app, sessionId, token, 'query');
  } catch (error) {
    freeSlot();
    throw error;
  }
}
