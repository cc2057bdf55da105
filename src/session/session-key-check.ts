import type { Redis } from 'ioredis';
import { createPayloadCodec } from './session-cipher.js';

/** Options of {@link checkSessionKey}. */
export interface SessionKeyCheckOptions {
  /** The deployment's key prefix: the record is `<prefix>session-key-check`. */
  keyPrefix: string;
  /** `SESSION_ENCRYPTION_KEY`, parsed; none when sessions are stored unencrypted. */
  encryptionKey?: Buffer;
  /** Keys sessions may still be encrypted with (being replaced by `encryptionKey`). */
  previousEncryptionKeys?: readonly Buffer[];
  /**
   * How long the record lives unless an instance that matches it checks again: the sessions'
   * time to live, so that it outlives the sessions written by the instances that kept it.
   */
  ttlMs: number;
  /**
   * Whether to record this instance's setting: when there is no record, when the record is of a
   * previous key, or when it is unencrypted and this instance encrypts (encryption turned on).
   * `doctor` only reads; a serving instance writes.
   */
  write: boolean;
}

/** The outcome of {@link checkSessionKey}: `detail` says, for staff, what was found. */
export interface SessionKeyCheck {
  ok: boolean;
  detail: string;
}

// A known text encrypted with the key: whoever opens it holds the same key. The key itself, or
// a hash of it, is never stored.
const CHECK_TEXT = 'support-agent session key check';
const CHECK_CONTEXT = 'session-key-check';

/**
 * Whether this instance reads the sessions in Redis: a small record, written with the session
 * key of the first instance that checks (a key check value, never the key), is opened with this
 * instance's key. An instance given a different key, or none while the others encrypt, fails
 * the check instead of answering every existing session as unreadable. Redis errors are thrown.
 *
 * @example
 * const check = await checkSessionKey(redis, { keyPrefix: 'support-agent:', encryptionKey, ttlMs, write: true });
 * if (!check.ok) console.error(check.detail);
 */
export async function checkSessionKey(
  client: Redis,
  options: SessionKeyCheckOptions,
): Promise<SessionKeyCheck> {
  const name = `${options.keyPrefix}session-key-check`;
  const own = createPayloadCodec(options.encryptionKey);
  const record = () => own.encode(CHECK_TEXT, CHECK_CONTEXT);
  for (let attempt = 0; ; attempt++) {
    const stored = await client.get(name);
    const found = stored === null ? 'none' : judge(stored, options);
    if (found === 'none' || found === 'malformed') {
      if (!options.write)
        return { ok: true, detail: 'no instance has recorded its session key yet' };
      // NX: of instances starting together, the first one's setting is the one checked against.
      const set =
        found === 'none'
          ? await client.set(name, record(), 'PX', options.ttlMs, 'NX')
          : await client.set(name, record(), 'PX', options.ttlMs);
      if (set === 'OK' || attempt > 0) return { ok: true, detail: matches(options) };
      continue;
    }
    if (found === 'current') {
      if (options.write) await client.pexpire(name, options.ttlMs);
      return { ok: true, detail: matches(options) };
    }
    if (found === 'previous' || found === 'turned_on') {
      if (options.write) await client.set(name, record(), 'PX', options.ttlMs);
      return {
        ok: true,
        detail:
          found === 'previous'
            ? 'sessions are readable with SESSION_ENCRYPTION_KEY or the previous key; new ones are written with SESSION_ENCRYPTION_KEY'
            : 'encryption is turned on: sessions written unencrypted are no longer read (their customers start anew), and an instance without SESSION_ENCRYPTION_KEY fails this check',
      };
    }
    return { ok: false, detail: mismatch(found, name) };
  }
}

type Found = 'current' | 'previous' | 'turned_on' | 'other_key' | 'needs_key' | 'malformed';

function judge(stored: string, options: SessionKeyCheckOptions): Found {
  const opens = (key?: Buffer) => {
    try {
      return createPayloadCodec(key).decode(stored, CHECK_CONTEXT) === CHECK_TEXT;
    } catch {
      return false;
    }
  };
  if (opens(options.encryptionKey)) return 'current';
  if ((options.previousEncryptionKeys ?? []).some((key) => opens(key))) return 'previous';
  const plain = opens(undefined);
  if (plain) return 'turned_on';
  if (!stored.startsWith('e1:')) return 'malformed';
  return options.encryptionKey ? 'other_key' : 'needs_key';
}

function matches(options: SessionKeyCheckOptions): string {
  return options.encryptionKey
    ? 'sessions in Redis are encrypted with this SESSION_ENCRYPTION_KEY'
    : 'sessions in Redis are unencrypted, as on this instance';
}

function mismatch(found: 'other_key' | 'needs_key', name: string): string {
  const cause =
    found === 'other_key'
      ? 'sessions in Redis are encrypted with another key than this SESSION_ENCRYPTION_KEY'
      : 'sessions in Redis are encrypted, and SESSION_ENCRYPTION_KEY is not set here';
  return `${cause}: this instance cannot read them (every customer would have to start anew). Give every instance the same SESSION_ENCRYPTION_KEY; to give up the sessions written with the other setting instead, delete the Redis key ${name}.`;
}
