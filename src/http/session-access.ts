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
 */
export async function authorizeSession(
  sessions: SessionStore,
  rawId: string,
  token: string | undefined,
  via: 'header' | 'query' = 'header',
): Promise<Session> {
  const id = requireId(rawId, 'session');
  if (token === undefined) throw sessionRefused(via);
  const session = await sessions.get(id);
  if (session === null || !tokenMatches(token, session.tokenHash)) throw sessionRefused(via);
  return session;
}

/** Counts a request against a limit; throws `rate_limited` with the wait when it is over. */
export async function enforceRateLimit(
  limiter: RateLimiter,
  key: string,
  limit: number,
  reply?: FastifyReply,
): Promise<void> {
  const decision = await limiter.hit(key, limit, 60_000);
  reply?.header('x-ratelimit-limit', limit);
  reply?.header('x-ratelimit-remaining', decision.remaining);
  if (!decision.allowed) {
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    throw new AppError(
      'rate_limited',
      `Too many requests; try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
      { retryable: true, retryAfterMs: decision.retryAfterMs },
    );
  }
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
