import { createHash } from 'node:crypto';
import type { App } from '../app.js';
import { claimIdempotencyKey } from '../agent/idempotency-claim.js';
import { AppError } from '../errors/index.js';
import type { MessageView } from '../protocol/api.js';
import type { StaffMessageEvent } from '../protocol/events.js';
import type { Session } from '../session/index.js';
import { timeOrderedId } from '../store/index.js';

/**
 * How long a staff message holds its session's lock: storing one message and publishing it
 * takes far less, and a lock its holder lost (a crashed instance) frees itself after this.
 */
const STAFF_MESSAGE_LOCK_TTL_MS = 10_000;

/**
 * Past the lock's wait and a few times its life, an unfinished staff message with an
 * `Idempotency-Key` belonged to a request that died (its instance crashed): a retry may send it.
 */
const STALE_CLAIM_AFTER_LOCK_WAIT_MS = 3 * STAFF_MESSAGE_LOCK_TTL_MS;

/** What {@link sendStaffMessage} did: sent the message now, or found it sent with its key. */
export type StaffMessageOutcome =
  { type: 'sent'; message: MessageView } | { type: 'replay'; message: MessageView };

type StaffMessageApp = Pick<
  App,
  'sessions' | 'sessionEvents' | 'conversations' | 'config' | 'logger' | 'clock'
>;

/** A message of the staff as they write it: its text, signed with their name or not. */
interface WrittenMessage {
  text: string;
  author?: string | null | undefined;
}

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
 * With an `idempotencyKey`, a retry of the same message (the same text and author) is not
 * written or delivered again: it is answered with the message the first request stored
 * (`replay`), by whichever instance takes it. The key is the session's, and apart from the
 * keys of the customer's messages.
 *
 * @throws {AppError} `not_found` for a session that does not exist (or was erased), `conflict`
 *   for one that ended, for a key used for another message, or for a key whose request is still
 *   being sent; `rejected` while a turn holds the session past the lock's wait.
 * @example
 * const { message } = await sendStaffMessage(
 *   app,
 *   sessionId,
 *   { text: 'Your refund went out today.', author: 'Sam' },
 *   requestId,
 *   { idempotencyKey: 'c0a8…' },
 * );
 */
export async function sendStaffMessage(
  app: StaffMessageApp,
  sessionId: string,
  written: WrittenMessage,
  requestId: string,
  options: { idempotencyKey?: string | undefined } = {},
): Promise<StaffMessageOutcome> {
  const key = options.idempotencyKey;
  if (key === undefined)
    return { type: 'sent', message: await deliver(app, sessionId, written, requestId) };
  const now = app.clock.now();
  const claim = await claimIdempotencyKey(app.conversations, {
    sessionId,
    key,
    scope: 'staff_message',
    fingerprint: fingerprint(written),
    now: new Date(now).toISOString(),
    staleBefore: new Date(
      now - app.config.sessions.lockWaitMs - STALE_CLAIM_AFTER_LOCK_WAIT_MS,
    ).toISOString(),
  });
  if (claim.type === 'replay') return { type: 'replay', message: claim.response as MessageView };
  let message: MessageView;
  try {
    message = await deliver(app, sessionId, written, requestId);
  } catch (error) {
    // Nothing was written: a retry with the key tries again.
    await app.conversations
      .releaseIdempotencyKey(sessionId, key, 'staff_message')
      .catch((releaseError: unknown) => {
        app.logger.error({ err: releaseError }, 'releasing an idempotency key failed');
      });
    throw error;
  }
  // The message is stored and sent: a key not recorded is logged, not answered as an error that
  // would have the staff send it again.
  await app.conversations
    .completeIdempotencyKey(sessionId, key, message, 'staff_message')
    .catch((error: unknown) => {
      app.logger.error({ err: error, sessionId }, 'storing the idempotent result failed');
    });
  return { type: 'sent', message };
}

/** Stores the message and publishes it, under the session's lock; the message as it is seen. */
async function deliver(
  app: StaffMessageApp,
  sessionId: string,
  written: WrittenMessage,
  requestId: string,
): Promise<MessageView> {
  const { text, author } = written;
  // Checked before the lock too: a wrong id need not wait for a turn to end.
  writable(await app.sessions.get(sessionId));
  const lock = await app.sessions.lock(sessionId, STAFF_MESSAGE_LOCK_TTL_MS, {
    waitMs: app.config.sessions.lockWaitMs,
  });
  try {
    writable(await app.sessions.get(sessionId));
    const stored = await app.conversations.appendMessage({
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
    const message: StaffMessageEvent['message'] = {
      id: stored.id,
      seq: stored.seq,
      role: 'staff',
      text: stored.text,
      author: stored.author ?? null,
      createdAt: stored.createdAt,
    };
    app.sessionEvents.publish(sessionId, { type: 'staff_message', sessionId, message });
    // A message to the customer is activity on the session as theirs is: its `updatedAt` and
    // `lastMessageAt` move (a widget or a list sorted by them shows it), and its time to live
    // restarts. The message is stored and sent: a write that fails (Redis away) must not answer
    // an error that would have the staff send it twice.
    await app.sessions
      .update(
        sessionId,
        (s) => ({ ...s, lastMessageAt: new Date(app.clock.now()).toISOString() }),
        { fence: lock.token },
      )
      .catch((error: unknown) => {
        app.logger.warn(
          { err: error, sessionId },
          'a session written to by the staff was not updated',
        );
      });
    return message;
  } finally {
    await lock.release().catch(() => false);
  }
}

/**
 * What makes two staff messages "the same" for an idempotency key: the text and the author as
 * they are stored (spaces around them dropped).
 */
function fingerprint(written: WrittenMessage): string {
  return createHash('sha256')
    .update(JSON.stringify([written.text, written.author ?? null]), 'utf8')
    .digest('hex');
}
