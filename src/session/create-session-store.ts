import type { AppError } from '../errors/index.js';
import type { Clock } from '../resilience/index.js';
import { MemorySessionStore } from './memory-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import type { UnreadableReason } from './session-cipher.js';
import type { SessionKeyCheck } from './session-key-check.js';
import type { SessionStore } from './session-store.js';

/** Options of {@link createSessionStore}. */
export interface SessionStoreOptions {
  /** `REDIS_URL`: when set, sessions live in Redis and every instance shares them. */
  redisUrl?: string;
  /** How long a session lives without a write or a touch. Default 24 hours. */
  ttlMs?: number;
  /** Redis only: prepended to every key. Default `support-agent:`. */
  keyPrefix?: string;
  /**
   * Redis only: 32 bytes (see `parseEncryptionKey`) to store sessions encrypted. The in-memory
   * store ignores it: its sessions never leave the process.
   */
  encryptionKey?: Buffer;
  /** Redis only: keys sessions may still be encrypted with, read but never written. */
  previousEncryptionKeys?: readonly Buffer[];
  /**
   * Redis only: told, once for each reason, of a session that cannot be read (most likely
   * written with another `encryptionKey`); such a session is answered as absent.
   */
  onUnreadable?: (error: AppError, reason: UnreadableReason) => void;
  /** Redis only: told when the session-key check starts failing, and when it passes again. */
  onKeyCheck?: (check: SessionKeyCheck) => void;
  /** Memory only: sessions kept at most. Default 10 000. */
  maxSessions?: number;
  clock?: Clock;
}

/**
 * The session store for this configuration: Redis when `redisUrl` is set, else in memory.
 *
 * @example
 * const sessions = createSessionStore({
 *   redisUrl: config.redisUrl,
 *   encryptionKey: key === undefined ? undefined : parseEncryptionKey(key),
 * });
 * await sessions.ping();
 */
export function createSessionStore(options: SessionStoreOptions = {}): SessionStore {
  const { redisUrl, ttlMs, clock } = options;
  if (redisUrl) {
    return new RedisSessionStore({
      url: redisUrl,
      ttlMs,
      clock,
      keyPrefix: options.keyPrefix,
      encryptionKey: options.encryptionKey,
      previousEncryptionKeys: options.previousEncryptionKeys,
      onUnreadable: options.onUnreadable,
      onKeyCheck: options.onKeyCheck,
    });
  }
  return new MemorySessionStore({ ttlMs, clock, maxSessions: options.maxSessions });
}
