import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../errors/index.js';
import { sleep, systemClock, type Clock } from '../resilience/index.js';
import { waitForLock } from './lock-wait.js';
import { connectRedis, redisUnavailable, toStoreError } from './redis-connection.js';
import {
  CREATE,
  EXTEND,
  LOCK,
  RELEASE,
  runScript,
  TOUCH,
  UPDATE,
  type LuaScript,
} from './redis-scripts.js';
import {
  createPayloadCodec,
  unreadableReason,
  type PayloadCodec,
  type UnreadableReason,
} from './session-cipher.js';
import { checkSessionKey, type SessionKeyCheck } from './session-key-check.js';
import {
  checkSessionData,
  checkSessionId,
  checkTtl,
  copySession,
  storedSession,
} from './session-data.js';
import {
  cancelled,
  lockLost,
  sessionExists,
  sessionNotFound,
  staleVersion,
  tooManyConflicts,
} from './session-errors.js';
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

/** Options of {@link RedisSessionStore}: a `url` to connect to, or a `client` the caller owns. */
export type RedisSessionStoreOptions = RedisSessionStoreSettings &
  ({ url: string; client?: undefined } | { client: Redis; url?: undefined });

/** Settings of {@link RedisSessionStore} besides the connection. */
export interface RedisSessionStoreSettings {
  /** Prepended to every key, so several deployments can share one Redis. Default `support-agent:`. */
  keyPrefix?: string;
  /** How long a session lives without a write or a touch. Default 24 hours. */
  ttlMs?: number;
  /** 32 bytes: session payloads are then stored encrypted (AES-256-GCM). */
  encryptionKey?: Buffer;
  /** Keys sessions may still be encrypted with, tried for reading only (a key being replaced). */
  previousEncryptionKeys?: readonly Buffer[];
  /**
   * Told of a session that cannot be read (written with another key, or not a session), the
   * first time of each reason: such a session is answered as absent.
   */
  onUnreadable?: (error: AppError, reason: UnreadableReason) => void;
  /**
   * Told when the session-key check starts failing (`ok: false`, with `detail` for the operator)
   * and when it passes again after failing.
   */
  onKeyCheck?: (check: SessionKeyCheck) => void;
  /** For timestamps and the backoff between attempts of a compare-and-set. */
  clock?: Clock;
  /** Ids of new sessions. Default `crypto.randomUUID`. */
  generateId?: () => string;
  /** Attempts of an `update` without `expectedVersion` before it gives up. Default 100. */
  maxUpdateAttempts?: number;
}

/** What the payload field `d` holds, as JSON: everything but the id (the key) and the version. */
interface StoredRecord extends SessionData {
  createdAt: string;
  updatedAt: string;
}

/** How long a passed session-key check stands before a request checks again. */
const KEY_CHECK_MS = 5_000;

// The backoff between attempts of a contended compare-and-set: random, so that writers who lost
// together do not collide again, and short, since the winner's write is already done.
const MAX_UPDATE_BACKOFF_MS = 20;

/**
 * A {@link SessionStore} in Redis, shared by every instance. A session is a hash: `v` holds the
 * version, so Lua scripts compare-and-set it without reading the payload, and `d` the payload
 * (plain or encrypted JSON). The lock is a key holding its token; the fence counter another key.
 *
 * @example
 * const store = new RedisSessionStore({
 *   url: 'redis://127.0.0.1:6379',
 *   encryptionKey: parseEncryptionKey(process.env.SESSION_ENCRYPTION_KEY ?? ''),
 * });
 */
export class RedisSessionStore implements SessionStore {
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #codec: PayloadCodec;
  readonly #clock: Clock;
  readonly #generateId: () => string;
  readonly #maxUpdateAttempts: number;
  readonly #keys: Pick<RedisSessionStoreSettings, 'encryptionKey' | 'previousEncryptionKeys'>;
  readonly #onUnreadable: RedisSessionStoreSettings['onUnreadable'];
  readonly #reported = new Set<UnreadableReason>();
  readonly #onKeyCheck: RedisSessionStoreSettings['onKeyCheck'];
  /** The last session-key check, and when it was made. */
  #keyCheck: (SessionKeyCheck & { at: number }) | undefined;
  /** The check under way: requests arriving meanwhile wait for it rather than check again. */
  #checking: Promise<SessionKeyCheck> | undefined;

  constructor(options: RedisSessionStoreOptions) {
    this.#codec = createPayloadCodec(options.encryptionKey, options.previousEncryptionKeys);
    this.#keys = {
      encryptionKey: options.encryptionKey,
      previousEncryptionKeys: options.previousEncryptionKeys,
    };
    this.#onUnreadable = options.onUnreadable;
    this.#onKeyCheck = options.onKeyCheck;
    this.#ttlMs = checkTtl(options.ttlMs ?? DEFAULT_SESSION_TTL_MS);
    this.#prefix = options.keyPrefix ?? 'support-agent:';
    this.#clock = options.clock ?? systemClock;
    this.#generateId = options.generateId ?? randomUUID;
    this.#maxUpdateAttempts = Math.max(1, options.maxUpdateAttempts ?? 100);
    if (options.client) {
      this.#client = options.client;
      this.#ownsClient = false;
    } else if (options.url) {
      this.#client = connectRedis(options.url);
      this.#ownsClient = true;
    } else {
      throw new AppError('config_invalid', 'RedisSessionStore needs a url or a client');
    }
  }

  async create(data: SessionData, options: CreateSessionOptions = {}): Promise<Session> {
    const id = checkSessionId(options.id ?? this.#generateId());
    const now = new Date(this.#clock.now()).toISOString();
    const record: StoredRecord = { ...checkSessionData(data), createdAt: now, updatedAt: now };
    const created = await this.#run(
      'create a session',
      CREATE,
      [this.#key(id)],
      [this.#codec.encode(JSON.stringify(record), id), this.#ttlMs],
    );
    if (created !== 1) throw sessionExists(id);
    return storedSession(record, id, now, now, 1);
  }

  async get(id: string): Promise<Session | null> {
    let fields: (string | null)[];
    try {
      fields = await this.#client.hmget(this.#key(id), 'v', 'd');
    } catch (error) {
      throw toStoreError(error, 'read a session', this.#client);
    }
    const [version, payload] = fields;
    if (version == null || payload == null) return null;
    let record: StoredRecord;
    try {
      record = this.#decode(payload, id);
    } catch (error) {
      // Not a server failure a customer could wait out: most likely another instance writes
      // with another key. The session is as good as gone for this instance; a 500 on every
      // request of it, even one with a wrong token, would say otherwise.
      this.#reportUnreadable(error as AppError);
      return null;
    }
    return storedSession(record, id, record.createdAt, record.updatedAt, Number(version));
  }

  async update(
    id: string,
    mutate: (current: Session) => SessionData,
    options: UpdateSessionOptions = {},
  ): Promise<Session> {
    const { expectedVersion, fence, signal } = options;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw cancelled(`Updating session ${id}`);
      const current = await this.get(id);
      if (!current) throw sessionNotFound(id);
      const data = checkSessionData(mutate(copySession(current)));
      const record: StoredRecord = {
        ...data,
        createdAt: current.createdAt,
        updatedAt: new Date(this.#clock.now()).toISOString(),
      };
      // The expected version is always sent, so the write applies only over what mutate saw.
      const reply = (await this.#run(
        'update a session',
        UPDATE,
        [this.#key(id), this.#key(id, 'fence')],
        [
          expectedVersion ?? current.version,
          this.#codec.encode(JSON.stringify(record), id),
          this.#ttlMs,
          fence ?? '',
          randomUUID(),
        ],
      )) as [string, number?];
      const [outcome, version = 0] = reply;
      if (outcome === 'ok') {
        return storedSession(record, id, record.createdAt, record.updatedAt, version);
      }
      if (outcome === 'missing') throw sessionNotFound(id);
      if (outcome === 'fenced') throw lockLost(id, fence ?? 0);
      if (expectedVersion !== undefined) throw staleVersion(id, expectedVersion, version);
      if (attempt >= this.#maxUpdateAttempts) throw tooManyConflicts(id, attempt);
      const backoff = Math.random() * Math.min(MAX_UPDATE_BACKOFF_MS, 2 ** attempt);
      if (!(await sleep(this.#clock, backoff, signal))) throw cancelled(`Updating session ${id}`);
    }
  }

  async delete(id: string): Promise<boolean> {
    try {
      return (await this.#client.del(this.#key(id))) > 0;
    } catch (error) {
      throw toStoreError(error, 'delete a session', this.#client);
    }
  }

  async touch(id: string): Promise<boolean> {
    const keys = [this.#key(id), this.#key(id, 'fence')];
    return (await this.#run('touch a session', TOUCH, keys, [this.#ttlMs])) === 1;
  }

  async lock(id: string, ttlMs: number, options: LockOptions = {}): Promise<SessionLock> {
    checkSessionId(id);
    const ttl = checkTtl(ttlMs);
    const keys = [this.#key(id, 'lock'), this.#key(id, 'fence')];
    const release = async (token: number) =>
      (await this.#run('release a session lock', RELEASE, [this.#key(id, 'lock')], [token])) === 1;
    const token = await waitForLock({
      sessionId: id,
      waitMs: options.waitMs ?? DEFAULT_LOCK_WAIT_MS,
      signal: options.signal,
      clock: this.#clock,
      attempt: async () => {
        const fenceTtl = Math.max(ttl, this.#ttlMs);
        const reply = await this.#run('lock a session', LOCK, keys, [ttl, fenceTtl]);
        const [granted, heldForMs] = reply as [number, number];
        return granted > 0
          ? { token: granted }
          : { token: null, heldForMs: heldForMs > 0 ? heldForMs : null };
      },
      giveBack: release,
    });
    return {
      sessionId: id,
      token,
      extend: async (ms) =>
        (await this.#run('extend a session lock', EXTEND, keys, [token, checkTtl(ms)])) === 1,
      release: () => release(token),
    };
  }

  async ping(): Promise<void> {
    let check;
    try {
      await this.#client.ping();
      check = await this.#checkKey();
    } catch (error) {
      // Only readiness asks: its reader is the operator, who needs where and why.
      throw redisUnavailable(this.#client, error, 'ping');
    }
    if (!check.ok) throw new AppError('config_invalid', check.detail);
  }

  async assertServing(): Promise<void> {
    const last = this.#keyCheck;
    let check: SessionKeyCheck;
    // A pass stands a few seconds; a failure is checked again at once, so that the instance
    // serves as soon as the operator has set it right.
    if (last?.ok && this.#clock.now() - last.at < KEY_CHECK_MS) check = last;
    else {
      try {
        check = await this.#checkKey();
      } catch (error) {
        throw toStoreError(error, 'check the session key', this.#client);
      }
    }
    if (!check.ok) {
      // The operator's words (`detail`) go to the log, through `onKeyCheck`; a customer is told
      // only that the service cannot serve them, never which key it has or lacks.
      throw new AppError(
        'upstream_unavailable',
        'The service is misconfigured and cannot serve conversations at the moment; please try again later.',
        { cause: new Error(check.detail) },
      );
    }
  }

  async close(): Promise<void> {
    if (!this.#ownsClient) return;
    if (this.#client.status !== 'ready') {
      // Not connected: QUIT would wait for a connection that may never come.
      this.#client.disconnect();
      return;
    }
    try {
      await this.#client.quit();
    } catch {
      // Redis is already gone: drop the connection and stop reconnecting.
      this.#client.disconnect();
    }
  }

  /** Checks the session key now (one check at a time) and tells of a change of outcome. */
  #checkKey(): Promise<SessionKeyCheck> {
    this.#checking ??= checkSessionKey(this.#client, {
      keyPrefix: this.#prefix,
      ...this.#keys,
      ttlMs: this.#ttlMs,
      write: true,
    })
      .then((check) => {
        const wasOk = this.#keyCheck?.ok ?? true;
        this.#keyCheck = { ...check, at: this.#clock.now() };
        if (check.ok !== wasOk) this.#onKeyCheck?.(check);
        return check;
      })
      .finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  /**
   * The hash tag `{id}` puts a session's keys in one Redis Cluster slot, which a script touching
   * several of them requires.
   */
  #key(id: string, part?: 'lock' | 'fence'): string {
    return `${this.#prefix}session:{${id}}${part ? `:${part}` : ''}`;
  }

  async #run(doing: string, script: LuaScript, keys: string[], args: (string | number)[]) {
    try {
      return await runScript(this.#client, script, keys, args);
    } catch (error) {
      throw toStoreError(error, doing, this.#client);
    }
  }

  #reportUnreadable(error: AppError): void {
    const reason = unreadableReason(error);
    if (this.#reported.has(reason)) return;
    this.#reported.add(reason);
    this.#onUnreadable?.(error, reason);
  }

  #decode(payload: string, id: string): StoredRecord {
    const json = this.#codec.decode(payload, id);
    try {
      const record = JSON.parse(json) as StoredRecord;
      const { createdAt, updatedAt } = record;
      if (typeof createdAt !== 'string' || typeof updatedAt !== 'string') {
        throw new Error('it has no timestamps');
      }
      return { ...checkSessionData(record), createdAt, updatedAt };
    } catch (error) {
      throw new AppError('internal', `Session ${id} cannot be read: its stored data is malformed`, {
        cause: error,
      });
    }
  }
}
