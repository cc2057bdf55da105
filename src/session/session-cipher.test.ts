import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPayloadCodec, parseEncryptionKey, unreadableReason } from './session-cipher.js';

describe('parseEncryptionKey', () => {
  const key = randomBytes(32);

  it('reads 64 hex characters or the base64 of 32 bytes', () => {
    expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(parseEncryptionKey(` ${key.toString('hex').toUpperCase()}\n`)).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64url'))).toEqual(key);
  });

  it('names SESSION_ENCRYPTION_KEY, without repeating the value, for anything else', () => {
    for (const bad of [
      '',
      'secret',
      key.toString('hex').slice(2),
      randomBytes(16).toString('base64'),
    ]) {
      let thrown: unknown;
      try {
        parseEncryptionKey(bad);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({
        code: 'config_invalid',
        message: expect.stringContaining('SESSION_ENCRYPTION_KEY'),
      });
      if (bad.length > 0) expect((thrown as Error).message).not.toContain(bad);
    }
  });
});

describe('createPayloadCodec', () => {
  const json = JSON.stringify({ note: 'the plaintext' });

  it('encrypts with a fresh IV each time and decrypts for the same session only', () => {
    const codec = createPayloadCodec(randomBytes(32));
    const first = codec.encode(json, 'session-1');
    expect(first).toMatch(/^e1:/);
    expect(first).not.toContain('plaintext');
    expect(codec.encode(json, 'session-1')).not.toBe(first);
    expect(codec.decode(first, 'session-1')).toBe(json);
    expect(() => codec.decode(first, 'session-2')).toThrow(/Session session-2 cannot be read/);
  });

  it('refuses another key, altered or truncated data, and unencrypted data', () => {
    const key = randomBytes(32);
    const sealed = createPayloadCodec(key).encode(json, 's');
    const other = createPayloadCodec(randomBytes(32));
    expect(() => other.decode(sealed, 's')).toThrow(/SESSION_ENCRYPTION_KEY is not the key/);
    const codec = createPayloadCodec(key);
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x80;
    expect(() => codec.decode(`e1:${bytes.toString('base64')}`, 's')).toThrow(/altered/);
    expect(() => codec.decode('e1:AAAA', 's')).toThrow(/truncated/);
    expect(() => codec.decode(createPayloadCodec().encode(json, 's'), 's')).toThrow(
      /not encrypted/,
    );
  });

  it('without a key stores JSON as it is, and says so when it meets encrypted data', () => {
    const plain = createPayloadCodec();
    expect(plain.decode(plain.encode(json, 's'), 's')).toBe(json);
    const sealed = createPayloadCodec(randomBytes(32)).encode(json, 's');
    expect(() => plain.decode(sealed, 's')).toThrow(/SESSION_ENCRYPTION_KEY is not set/);
    expect(() => createPayloadCodec(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('reads with a previous key, writes with the current one, and names why it cannot read', () => {
    const old = randomBytes(32);
    const current = randomBytes(32);
    const written = createPayloadCodec(old).encode(json, 's');
    const rotating = createPayloadCodec(current, [old]);
    expect(rotating.decode(written, 's')).toBe(json);
    expect(createPayloadCodec(current).decode(rotating.encode(json, 's'), 's')).toBe(json);
    const reason = (decode: () => string) => {
      try {
        decode();
      } catch (error) {
        return unreadableReason(error);
      }
      return 'read';
    };
    expect(reason(() => createPayloadCodec(current).decode(written, 's'))).toBe('wrong_key');
    expect(reason(() => createPayloadCodec().decode(written, 's'))).toBe('no_key');
    expect(reason(() => rotating.decode(createPayloadCodec().encode(json, 's'), 's'))).toBe(
      'not_encrypted',
    );
    expect(reason(() => rotating.decode('e1:AAAA', 's'))).toBe('malformed');
  });
});
