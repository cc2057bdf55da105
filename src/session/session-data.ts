import type { Session, SessionData } from './session-store.js';
import { invalidSession } from './session-errors.js';

/**
 * A checked copy of `value` holding exactly the fields of {@link SessionData}. Stores keep this
 * copy, so neither a caller's object nor a `mutate` callback can change stored state later.
 */
export function checkSessionData(value: SessionData): SessionData {
  const { tokenHash, status, messageCount, lastMessageAt, metadata } = value;
  if (typeof tokenHash !== 'string' || tokenHash === '') {
    throw invalidSession('A session needs a tokenHash');
  }
  if (status !== 'active' && status !== 'ended') {
    throw invalidSession(`A session's status is 'active' or 'ended', not ${String(status)}`);
  }
  if (!Number.isSafeInteger(messageCount) || messageCount < 0) {
    throw invalidSession(`A session's messageCount is a whole number ≥ 0, not ${messageCount}`);
  }
  if (lastMessageAt !== null && typeof lastMessageAt !== 'string') {
    throw invalidSession("A session's lastMessageAt is an ISO time or null");
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw invalidSession("A session's metadata is an object of strings");
  }
  const labels: Record<string, string> = {};
  for (const [key, label] of Object.entries(metadata)) {
    if (typeof label !== 'string') {
      throw invalidSession(`Session metadata ${JSON.stringify(key)} is not a string`);
    }
    labels[key] = label;
  }
  return { tokenHash, status, messageCount, lastMessageAt, metadata: labels };
}

/** A copy a caller may change freely. */
export function copySession(session: Session): Session {
  return storedSession(session, session.id, session.createdAt, session.updatedAt, session.version);
}

/**
 * A session built field by field, with a copy of its metadata. Every session then has the one
 * shape (a spread copies whatever the source holds, in its order), which keeps the copies made
 * on each request cheap.
 */
export function storedSession(
  data: SessionData,
  id: string,
  createdAt: string,
  updatedAt: string,
  version: number,
): Session {
  return {
    tokenHash: data.tokenHash,
    status: data.status,
    messageCount: data.messageCount,
    lastMessageAt: data.lastMessageAt,
    metadata: { ...data.metadata },
    id,
    createdAt,
    updatedAt,
    version,
  };
}

/** Rejects an id no store could keep (Redis keys and URLs carry it). */
export function checkSessionId(id: string): string {
  if (typeof id !== 'string' || id === '' || id.length > 200) {
    throw invalidSession('A session id is a non-empty string of at most 200 characters');
  }
  return id;
}

/** Rejects a lock time to live that is not a positive number of milliseconds. */
export function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw invalidSession(`A time to live is a positive number of milliseconds, not ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}
