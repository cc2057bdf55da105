export type {
  CreateSessionOptions,
  LockOptions,
  Session,
  SessionData,
  SessionLock,
  SessionStatus,
  SessionStore,
  UpdateSessionOptions,
} from './session-store.js';
export { DEFAULT_LOCK_WAIT_MS, DEFAULT_SESSION_TTL_MS } from './session-store.js';
export { MemorySessionStore } from './memory-session-store.js';
export type { MemorySessionStoreOptions } from './memory-session-store.js';
export { RedisSessionStore } from './redis-session-store.js';
export type { RedisSessionStoreOptions, RedisSessionStoreSettings } from './redis-session-store.js';
export { ENCRYPTION_KEY_BYTES, parseEncryptionKey } from './session-cipher.js';
export type { UnreadableReason } from './session-cipher.js';
export { checkSessionKey } from './session-key-check.js';
export type { SessionKeyCheck, SessionKeyCheckOptions } from './session-key-check.js';
export { createSessionStore } from './create-session-store.js';
export type { SessionStoreOptions } from './create-session-store.js';
export { checkRedisDatabase, connectRedis } from './redis-connection.js';
export {
  endedNoticeOf,
  MemorySessionEvents,
  RedisSessionEvents,
  sessionEndedNotice,
} from './session-events.js';
export type {
  SessionEndedNotice,
  SessionEndReason,
  SessionEventListener,
  SessionEvents,
} from './session-events.js';
