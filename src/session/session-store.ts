/** Whether a session still takes messages. */
export type SessionStatus = 'active' | 'ended';

/** What callers read and write of a session; the store owns its id, timestamps and version. */
export interface SessionData {
  /** SHA-256 hex of the session's bearer token. The token itself is never stored. */
  tokenHash: string;
  status: SessionStatus;
  /** Customer messages accepted in this session. */
  messageCount: number;
  /** ISO time of the last message stored: the customer's, or one the staff wrote to them. */
  lastMessageAt: string | null;
  /** Small labels the client gave (locale, page url…). */
  metadata: Record<string, string>;
}

/** A stored session. */
export interface Session extends SessionData {
  id: string;
  /** ISO time. */
  createdAt: string;
  /** ISO time of the last write. */
  updatedAt: string;
  /** 1 when created, bumped by every write: the value a compare-and-set compares. */
  version: number;
}

/** Options of {@link SessionStore.create}. */
export interface CreateSessionOptions {
  /** The id to use; a random UUID when absent. An id already in use is a `conflict`. */
  id?: string;
}

/** Options of {@link SessionStore.update}. */
export interface UpdateSessionOptions {
  /**
   * The version the caller read. When the stored version differs, the update fails at once with
   * a `conflict`. Without it the store retries the compare-and-set itself until it applies.
   */
  expectedVersion?: number;
  /**
   * The token of the caller's {@link SessionLock}. The write is refused with a `conflict` when
   * the lock has been taken since with a newer token, so a holder whose lock expired cannot
   * write over newer data.
   */
  fence?: number;
  /** Stops the store's own retries (an `AppError('cancelled')`). */
  signal?: AbortSignal;
}

/** Options of {@link SessionStore.lock}. */
export interface LockOptions {
  /** How long to wait for a lock someone else holds; 0 tries once. Default 10 s. */
  waitMs?: number;
  /** Stops waiting (an `AppError('cancelled')`). */
  signal?: AbortSignal;
}

/** An exclusive lock on one session, held until released or until its time to live passes. */
export interface SessionLock {
  readonly sessionId: string;
  /** The fencing token: it increases with every acquisition of this session's lock. */
  readonly token: number;
  /** Makes the lock last `ttlMs` from now. False when it is no longer held with this token. */
  extend(ttlMs: number): Promise<boolean>;
  /** Gives the lock up. False when it was no longer held with this token. */
  release(): Promise<boolean>;
}

/**
 * Where live sessions, their versions and their locks are kept: in memory for one instance, in
 * Redis for several instances behind a load balancer. Every write refreshes the session's time
 * to live; a session not written or touched for that long is gone.
 */
export interface SessionStore {
  /** Stores a new session with version 1. */
  create(data: SessionData, options?: CreateSessionOptions): Promise<Session>;
  /**
   * The session, or null when it does not exist, has expired, or cannot be read (stored with
   * another encryption key): a session this instance cannot read is one it cannot serve.
   */
  get(id: string): Promise<Session | null>;
  /**
   * Writes `mutate(current)` atomically, bumping the version. `mutate` may be called more than
   * once (once per attempt of the compare-and-set), so it must not have side effects. Throws
   * `not_found` for a missing session and `conflict` for a stale `expectedVersion` or `fence`.
   */
  update(
    id: string,
    mutate: (current: Session) => SessionData,
    options?: UpdateSessionOptions,
  ): Promise<Session>;
  /** Removes the session; false when there was none. */
  delete(id: string): Promise<boolean>;
  /** Restarts the session's time to live; false when there is no such session. */
  touch(id: string): Promise<boolean>;
  /**
   * Takes the session's lock for `ttlMs`, waiting up to `waitMs` while another holder has it.
   * Throws `rejected` (retryable) when it stays busy, `cancelled` when `signal` aborts.
   */
  lock(id: string, ttlMs: number, options?: LockOptions): Promise<SessionLock>;
  /**
   * Resolves when the store can serve requests; throws `upstream_unavailable` when it cannot
   * reach its storage, `config_invalid` when it could not read the sessions stored there (a
   * Redis whose sessions are encrypted with another key).
   */
  ping(): Promise<void>;
  /**
   * Resolves when this instance may serve sessions at all; throws `upstream_unavailable` (503),
   * saying only that the service is misconfigured, while the session-key check fails (Redis's
   * sessions are encrypted with another key than this instance's): its sessions would be
   * unreadable to the others, and theirs to it. A pass stands a few seconds, so a request adds
   * a Redis call at most that often; a check that cannot be made throws as `ping` does.
   */
  assertServing(): Promise<void>;
  /** Frees the store's resources (a Redis connection it opened). */
  close(): Promise<void>;
}

/** How long {@link SessionStore.lock} waits for a busy lock by default. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;

/** How long a session lives without a write or a touch, by default: 24 hours. */
export const DEFAULT_SESSION_TTL_MS = 24 * 60 * 60 * 1000;
