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
export { ENCRYPTION_KEY_BYTES, parseEncryptionKey } from './session-cipher.js';
