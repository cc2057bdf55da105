import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError, isAppError } from '../errors/index.js';

/** Bytes of an AES-256 key. */
export const ENCRYPTION_KEY_BYTES = 32;

const IV_BYTES = 12;
const TAG_BYTES = 16;
// The prefix names the format, so a later format can be read next to this one.
const PLAIN = 'j1:';
const SEALED = 'e1:';

/**
 * Reads `SESSION_ENCRYPTION_KEY`: 64 hex characters, or the base64 of 32 bytes. Every instance
 * must be given the same key, or one cannot read the sessions another wrote.
 *
 * @example
 * const key = parseEncryptionKey(process.env.SESSION_ENCRYPTION_KEY ?? '');
 * // generate one with: openssl rand -hex 32
 */
export function parseEncryptionKey(text: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value, 'base64');
    if (key.length === ENCRYPTION_KEY_BYTES) return key;
  }
  // The value is a secret: say what is wrong with it without repeating it.
  throw new AppError(
    'config_invalid',
    `SESSION_ENCRYPTION_KEY must be 64 hex characters or the base64 of 32 bytes (it has ${value.length} characters); generate one with: openssl rand -hex 32`,
  );
}

/** Turns a session's JSON into what is stored, and back. */
export interface PayloadCodec {
  /** Whether stored payloads are encrypted. */
  readonly encrypted: boolean;
  encode(json: string, sessionId: string): string;
  /** The JSON; throws an `internal` {@link AppError} whose `details.reason` says why it cannot. */
  decode(stored: string, sessionId: string): string;
}

/**
 * Why a stored payload cannot be read: `wrong_key` (written with another key, or altered),
 * `not_encrypted` (plain, but a key is set), `no_key` (encrypted, but no key is set),
 * `malformed` (truncated, an unknown format, or not a session).
 */
export type UnreadableReason = 'wrong_key' | 'not_encrypted' | 'no_key' | 'malformed';

/**
 * Plain JSON without a key. With a key, AES-256-GCM with a random 12-byte IV per write and the
 * session id as additional authenticated data, so a payload copied under another session's key
 * does not decrypt. Stored as `e1:` + base64(iv ‖ ciphertext ‖ tag). `previousKeys` are tried
 * for reading when `key` does not open a payload, so the key can be changed without losing the
 * sessions written with the one before: every write uses `key`.
 */
export function createPayloadCodec(
  key?: Buffer,
  previousKeys: readonly Buffer[] = [],
): PayloadCodec {
  if (key === undefined) return plainCodec;
  const secrets = [key, ...previousKeys].map((k) => {
    if (k.length !== ENCRYPTION_KEY_BYTES) {
      throw new AppError(
        'config_invalid',
        `SESSION_ENCRYPTION_KEY must be ${ENCRYPTION_KEY_BYTES} bytes, not ${k.length}`,
      );
    }
    return Buffer.from(k);
  });
  const current = secrets[0] as Buffer;
  return {
    encrypted: true,
    encode(json, sessionId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(sessionId, 'utf8'));
      const body = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
      return SEALED + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
    },
    decode(stored, sessionId) {
      if (!stored.startsWith(SEALED)) {
        // Accepting plain JSON here would let anyone who can write to Redis forge a session,
        // token hash included, which is what the key's authentication prevents.
        throw unreadable(
          sessionId,
          'not_encrypted',
          'it is not encrypted, but SESSION_ENCRYPTION_KEY is set',
        );
      }
      const bytes = Buffer.from(stored.slice(SEALED.length), 'base64');
      if (bytes.length < IV_BYTES + TAG_BYTES) {
        throw unreadable(sessionId, 'malformed', 'it is truncated');
      }
      let failure: unknown;
      for (const secret of secrets) {
        try {
          return open(secret, bytes, sessionId);
        } catch (error) {
          failure = error;
        }
      }
      throw unreadable(
        sessionId,
        'wrong_key',
        'SESSION_ENCRYPTION_KEY is not the key it was written with, or the data was altered',
        failure,
      );
    },
  };
}

function open(secret: Buffer, bytes: Buffer, sessionId: string): string {
  const decipher = createDecipheriv('aes-256-gcm', secret, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(sessionId, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}

const plainCodec: PayloadCodec = {
  encrypted: false,
  encode: (json) => PLAIN + json,
  decode(stored, sessionId) {
    if (stored.startsWith(PLAIN)) return stored.slice(PLAIN.length);
    if (stored.startsWith(SEALED)) {
      throw unreadable(
        sessionId,
        'no_key',
        'it is encrypted, and SESSION_ENCRYPTION_KEY is not set',
      );
    }
    throw unreadable(sessionId, 'malformed', 'its stored format is unknown');
  },
};

/** The reason an error of {@link PayloadCodec.decode} gives, or `malformed` for any other. */
export function unreadableReason(error: unknown): UnreadableReason {
  const reason = isAppError(error) ? error.details?.reason : undefined;
  return reason === 'wrong_key' || reason === 'not_encrypted' || reason === 'no_key'
    ? reason
    : 'malformed';
}

function unreadable(
  sessionId: string,
  reason: UnreadableReason,
  why: string,
  cause?: unknown,
): AppError {
  return new AppError('internal', `Session ${sessionId} cannot be read: ${why}`, {
    cause,
    details: { reason },
  });
}
