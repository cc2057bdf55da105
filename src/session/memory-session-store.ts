import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../resilience/index.js';
import { waitForLock, type LockAttempt } from './lock-wait.js';
import {
  checkSessionData,
  checkSessionId,
  checkTtl,
  copySession,
  storedSession,
} from './session-data.js';
import { lockLost, sessionExists, sessionNotFound, staleVersion } from './session-errors.js';
import {
  DEFAULT_LOCK_WAIT_MS,
  DEFAULT_SESSION_TTL_MS,
  type CreateSessionOptions,
  type LockOptions,
  type Session,
  type SessionData,
  type SessionLock,
  type SessionStore,
  type UpdateSessionOptions,
} from './session-store.js';

/** Options of {@link MemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /** How long a session lives without a write or a touch. Default 24 hours. */
  ttlMs?: number;
  /** Sessions kept at most; creating one more evicts the least recently used. Default 10 000. */
  maxSessions?: number;
  clock?: Clock;
  /** Ids of new sessions. Default `crypto.randomUUID`. */
  generateId?: () => string;
}

interface Entry {
  session: Session;
  expiresAt: number;
}

/** A session's lock: the last token issued, and until when its holder has it. */
interface LockState {
  fence: number;
  heldUntil: number;
}

/**
 * A {@link SessionStore} in this process's memory, for a single instance (the default when no
 * `REDIS_URL` is set). Time to live and lock expiry follow the injected clock; at `maxSessions`
 * the least recently used session is evicted.
 *
 * @example
 * const store = new MemorySessionStore({ ttlMs: 30 * 60_000, maxSessions: 5_000 });
 * const session = await store.create({ tokenHash, status: 'active', messageCount: 0,
 *   lastMessageAt: null, metadata: {} });
 */
export class MemorySessionStore implements SessionStore {
  readonly #ttlMs: number;
  readonly #maxSessions: number;
  readonly #clock: Clock;
  readonly #generateId: () => string;
  /** In order of last use: the first entry is the one to evict. */
  readonly #sessions = new Map<string, Entry>();
  readonly #locks = new Map<string, LockState>();

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#ttlMs = checkTtl(options.ttlMs ?? DEFAULT_SESSION_TTL_MS);
    this.#maxSessions = Math.max(1, Math.floor(options.maxSessions ?? 10_000));
    this.#clock = options.clock ?? systemClock;
    this.#generateId = options.generateId ?? randomUUID;
  }

  /** Sessions held now, expired ones not yet dropped included. */
  get size(): number {
    return this.#sessions.size;
  }

  async create(data: SessionData, options: CreateSessionOptions = {}): Promise<Session> {
    const id = checkSessionId(options.id ?? this.#generateId());
    const checked = checkSessionData(data);
    if (this.#live(id)) throw sessionExists(id);
    while (this.#sessions.size >= this.#maxSessions) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#drop(oldest);
    }
    const now = new Date(this.#clock.now()).toISOString();
    const session = storedSession(checked, id, now, now, 1);
    this.#sessions.set(id, { session, expiresAt: this.#clock.now() + this.#ttlMs });
    return copySession(session);
  }

  async get(id: string): Promise<Session | null> {
    const entry = this.#live(id);
    return entry ? copySession(entry.session) : null;
  }

  async update(
    id: string,
    mutate: (current: Session) => SessionData,
    options: UpdateSessionOptions = {},
  ): Promise<Session> {
    // Nothing below awaits, so reading, checking and writing form one atomic step.
    const entry = this.#live(id);
    if (!entry) throw sessionNotFound(id);
    const { expectedVersion, fence } = options;
    if (fence !== undefined && this.#locks.get(id)?.fence !== fence) throw lockLost(id, fence);
    if (expectedVersion !== undefined && entry.session.version !== expectedVersion) {
      throw staleVersion(id, expectedVersion, entry.session.version);
    }
    const data = checkSessionData(mutate(copySession(entry.session)));
    const session = storedSession(
      data,
      id,
      entry.session.createdAt,
      new Date(this.#clock.now()).toISOString(),
      entry.session.version + 1,
    );
    this.#sessions.set(id, { session, expiresAt: this.#clock.now() + this.#ttlMs });
    return copySession(session);
  }

  async delete(id: string): Promise<boolean> {
    const existed = this.#live(id) !== undefined;
    this.#drop(id);
    return existed;
  }

  async touch(id: string): Promise<boolean> {
    const entry = this.#live(id);
    if (entry) entry.expiresAt = this.#clock.now() + this.#ttlMs;
    return entry !== undefined;
  }

  async lock(id: string, ttlMs: number, options: LockOptions = {}): Promise<SessionLock> {
    checkSessionId(id);
    const ttl = checkTtl(ttlMs);
    // A free lock is taken at once, which is the usual case; only a busy one is polled for.
    // Nothing awaits between the check of the signal and the take, so it cannot abort between.
    const first = options.signal?.aborted ? null : this.#tryLock(id, ttl).token;
    const token =
      first ??
      (await waitForLock({
        sessionId: id,
        waitMs: options.waitMs ?? DEFAULT_LOCK_WAIT_MS,
        signal: options.signal,
        clock: this.#clock,
        attempt: async () => this.#tryLock(id, ttl),
        giveBack: async (token) => this.#release(id, token),
      }));
    return {
      sessionId: id,
      token,
      extend: async (ms) => this.#extend(id, token, checkTtl(ms)),
      release: async () => this.#release(id, token),
    };
  }

  async ping(): Promise<void> {}

  /** Sessions in memory are this process's own: no other instance's key to match. */
  async assertServing(): Promise<void> {}

  async close(): Promise<void> {}

  /** The entry when it exists and has not expired, marked as the most recently used. */
  #live(id: string): Entry | undefined {
    const entry = this.#sessions.get(id);
    if (!entry) return undefined;
    this.#sessions.delete(id);
    if (entry.expiresAt <= this.#clock.now()) {
      this.#drop(id);
      return undefined;
    }
    this.#sessions.set(id, entry);
    return entry;
  }

  #drop(id: string): void {
    this.#sessions.delete(id);
    // The lock's fence counter goes with its session unless the lock is held; a later holder then
    // starts again from 1, and a write fenced with an older, higher token is still refused
    // because a fence must equal the last token issued.
    const lock = this.#locks.get(id);
    if (lock && lock.heldUntil <= this.#clock.now()) this.#locks.delete(id);
  }

  #tryLock(id: string, ttlMs: number): LockAttempt {
    const now = this.#clock.now();
    const state = this.#locks.get(id) ?? { fence: 0, heldUntil: 0 };
    if (state.heldUntil > now) return { token: null, heldForMs: state.heldUntil - now };
    state.fence += 1;
    state.heldUntil = now + ttlMs;
    this.#locks.set(id, state);
    return { token: state.fence };
  }

  #held(id: string, token: number): LockState | undefined {
    const state = this.#locks.get(id);
    return state && state.fence === token && state.heldUntil > this.#clock.now()
      ? state
      : undefined;
  }

  #extend(id: string, token: number, ttlMs: number): boolean {
    const state = this.#held(id, token);
    if (state) state.heldUntil = this.#clock.now() + ttlMs;
    return state !== undefined;
  }

  #release(id: string, token: number): boolean {
    const state = this.#held(id, token);
    if (!state) return false;
    state.heldUntil = 0;
    if (!this.#sessions.has(id)) this.#locks.delete(id);
    return true;
  }
}
