import type { App } from '../app.js';
import { AppError } from '../errors/index.js';
import type { StaffMessageEvent } from '../protocol/events.js';
import type { Session } from '../session/index.js';
import { timeOrderedId, type MessageRecord } from '../store/index.js';

/**
 * How long a staff message holds its session's lock: storing one message and publishing it
 * takes far less, and a lock its holder lost (a crashed instance) frees itself after this.
 */
const STAFF_MESSAGE_LOCK_TTL_MS = 10_000;

/** The session a message of the staff may go to: one that exists and is active. */
function writable(session: Session | null): Session {
  if (session === null) {
    throw new AppError(
      'not_found',
      'No session with this id: it does not exist, was erased, or has expired.',
    );
  }
  if (session.status !== 'active') {
    throw new AppError(
      'conflict',
      'This session has ended: the customer no longer follows it, and a message would not reach them.',
    );
  }
  return session;
}

/**
 * Writes a message of the staff's into an active session's conversation and delivers it live
 * to the customer: stored in the session's history (role `staff`, with the name its author
 * signed it with, if any), then published as a `staff_message` event to the session's
 * followers on every instance (the live feed, each WebSocket). Taken under the session's lock,
 * as a turn is: it never lands in the middle of a turn's events, and a session ended meanwhile
 * is seen. The session is touched, so that it does not expire before the customer is back to
 * read the reply.
 *
 * @throws {AppError} `not_found` for a session that does not exist (or was erased), `conflict`
 *   for one that ended, `rejected` while a turn holds the session past the lock's wait.
 * @example
 * const message = await sendStaffMessage(
 *   app,
 *   sessionId,
 *   { text: 'Your refund went out today.', author: 'Sam' },
 *   requestId,
 * );
 */
export async function sendStaffMessage(
  app: Pick<App, 'sessions' | 'sessionEvents' | 'conversations' | 'config' | 'logger'>,
  sessionId: string,
  written: { text: string; author?: string | null | undefined },
  requestId: string,
): Promise<MessageRecord> {
  const { text, author } = written;
  // Checked before the lock too: a wrong id need not wait for a turn to end.
  writable(await app.sessions.get(sessionId));
  const lock = await app.sessions.lock(sessionId, STAFF_MESSAGE_LOCK_TTL_MS, {
    waitMs: app.config.sessions.lockWaitMs,
  });
  try {
    writable(await app.sessions.get(sessionId));
    const message = await app.conversations.appendMessage({
      id: timeOrderedId(),
      sessionId,
      role: 'staff',
      text,
      ...(author ? { author } : {}),
      // No turn answers it: a turn id of its own, which no other message has.
      turnId: timeOrderedId(),
      requestId,
      metadata: {},
    });
    const event: StaffMessageEvent = {
      type: 'staff_message',
      sessionId,
      message: {
        id: message.id,
        seq: message.seq,
        role: 'staff',
        text: message.text,
        author: message.author ?? null,
        createdAt: message.createdAt,
      },
    };
    app.sessionEvents.publish(sessionId, event);
    // The message is stored and sent: a touch that fails (Redis away) must not answer an error
    // that would have the staff send it twice.
    await app.sessions.touch(sessionId).catch((error: unknown) => {
      app.logger.warn(
        { err: error, sessionId },
        'a session written to by the staff was not touched',
      );
    });
    return message;
  } finally {
    await lock.release().catch(() => false);
  }
}
