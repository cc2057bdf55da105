import type { FastifyReply } from 'fastify';
import { AppError } from '../errors/index.js';
import type { SessionView } from '../protocol/api.js';
import type { Session, SessionStore } from '../session/index.js';
import { sessionRefused, tokenMatches } from './auth.js';
import type { RateLimiter } from './rate-limit.js';
import { requireId } from './validate.js';

/**
 * The session a request may act on: the id must be an id, the session must exist, and the token
 * must be that session's. No token, a wrong token and another session's token are refused alike.
 * An instance whose session-key check fails refuses every session with a 503.
 */
export async function authorizeSession(
  sessions: SessionStore,
  rawId: string,
  token: string | undefined,
  via: 'header' | 'query' = 'header',
): Promise<Session> {
  const id = requireId(rawId, 'session');
  if (token === undefined) throw sessionRefused(via);
  // An instance that cannot read the others' sessions serves none (see `assertServing`).
  await sessions.assertServing();
  const session = await sessions.get(id);
  if (session === null || !tokenMatches(token, session.tokenHash)) throw sessionRefused(via);
  return session;
}

/** Which limit a request is counted against: each refusal names its own. */
export type RateLimitKind = 'address' | 'session_messages' | 'session_starts';

const REFUSALS: Readonly<Record<RateLimitKind, string>> = {
  address: 'Too many requests from your address',
  session_messages: 'Too many messages in this conversation',
  session_starts: 'Too many new conversations from your address',
};

/**
 * Counts a request against a limit; throws `rate_limited`, naming the limit and the wait, when it
 * is over. With `reply`, `X-RateLimit-Limit` and `X-RateLimit-Remaining` describe the limit that
 * refused the request, or else, of the limits it was counted against, the one with the fewest
 * requests left: a client reading them learns which limit it is about to meet.
 */
export async function enforceRateLimit(
  limiter: RateLimiter,
  key: string,
  limit: number,
  kind: RateLimitKind,
  reply?: FastifyReply,
): Promise<void> {
  const decision = await limiter.hit(key, limit, 60_000);
  if (reply && (!decision.allowed || fewerLeft(reply, decision.remaining))) {
    reply.header('x-ratelimit-limit', limit);
    reply.header('x-ratelimit-remaining', decision.remaining);
  }
  if (!decision.allowed) {
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    throw new AppError(
      'rate_limited',
      `${REFUSALS[kind]}: the limit is ${limit} a minute. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
      { retryable: true, retryAfterMs: decision.retryAfterMs },
    );
  }
}

/** Whether `remaining` is fewer than the limit the reply's headers describe (or there is none). */
function fewerLeft(reply: FastifyReply, remaining: number): boolean {
  const shown = reply.getHeader('x-ratelimit-remaining');
  return shown === undefined || remaining < Number(shown);
}

/** A session as its owner sees it (never its token hash). */
export function viewOf(session: Session): SessionView {
  return {
    id: session.id,
    status: session.status,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    messageCount: session.messageCount,
    lastMessageAt: session.lastMessageAt,
    metadata: session.metadata,
  };
}

/**
 * Refuses a stream (a WebSocket or the live feed) of a session that has ended, with the same
 * 409 as a message sent to it: nothing will happen in it any more.
 */
export function assertActive(session: Session): void {
  if (session.status !== 'active') {
    throw new AppError('conflict', 'This session has ended; start a new session to continue.');
  }
}
