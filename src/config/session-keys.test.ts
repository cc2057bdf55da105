import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, sessionKeys } from './index.js';

const hex = (key: Buffer) => key.toString('hex');

/** The problems `loadConfig` or `sessionKeys` refuses the environment with. */
function refused(env: Record<string, string>): readonly string[] {
  try {
    sessionKeys(loadConfig({ env }));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the keys to be refused');
}

describe('SESSION_ENCRYPTION_KEY_PREVIOUS', () => {
  it('reads a comma-separated list of keys in hex or base64 after the current key', () => {
    const [current, a, b] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const keys = sessionKeys(
      loadConfig({
        env: {
          SESSION_ENCRYPTION_KEY: hex(current),
          SESSION_ENCRYPTION_KEY_PREVIOUS: ` ${hex(a)} , ${b.toString('base64')},`,
        },
      }),
    );
    expect(keys.current?.equals(current)).toBe(true);
    expect(keys.previous.map(hex)).toEqual([hex(a), hex(b)]);
    expect(sessionKeys(loadConfig({ env: {} }))).toEqual({ previous: [] });
  });

  it('names a malformed previous key by its place and length, never its characters', () => {
    const found = refused({
      SESSION_ENCRYPTION_KEY: hex(randomBytes(32)),
      SESSION_ENCRYPTION_KEY_PREVIOUS: `${hex(randomBytes(32))},not-a-key-secret-ish`,
    });
    expect(found).toEqual([
      'SESSION_ENCRYPTION_KEY_PREVIOUS: key 2 of 2 must be 64 hex characters or the base64 of 32 bytes, as SESSION_ENCRYPTION_KEY (it has 20 characters)',
    ]);
    expect(found.join('\n')).not.toContain('secret-ish');
  });

  it('refuses a previous key that is the current key, even written another way', () => {
    const current = randomBytes(32);
    expect(
      refused({
        SESSION_ENCRYPTION_KEY: hex(current),
        SESSION_ENCRYPTION_KEY_PREVIOUS: current.toString('base64'),
      }),
    ).toEqual([
      'SESSION_ENCRYPTION_KEY_PREVIOUS: key 1 of 1 is SESSION_ENCRYPTION_KEY itself; list only the keys it replaced (the current key is always tried first)',
    ]);
  });

  it('refuses previous keys without a current key: nothing would be encrypted', () => {
    const previous = hex(randomBytes(32));
    const found = refused({ SESSION_ENCRYPTION_KEY_PREVIOUS: previous });
    expect(found).toEqual([
      'SESSION_ENCRYPTION_KEY_PREVIOUS=(value hidden): needs SESSION_ENCRYPTION_KEY: previous keys are only read while sessions are encrypted with a current key (set SESSION_ENCRYPTION_KEY to the new key, or unset this); expected a comma-separated list of keys in the form of SESSION_ENCRYPTION_KEY, none of them SESSION_ENCRYPTION_KEY itself',
    ]);
    expect(found.join('\n')).not.toContain(previous);
  });

  it('reports a malformed current key and a malformed previous key together', () => {
    expect(
      refused({ SESSION_ENCRYPTION_KEY: 'short', SESSION_ENCRYPTION_KEY_PREVIOUS: 'also-short' }),
    ).toEqual([
      'SESSION_ENCRYPTION_KEY must be 64 hex characters or the base64 of 32 bytes (it has 5 characters); generate one with: openssl rand -hex 32',
      'SESSION_ENCRYPTION_KEY_PREVIOUS: key 1 of 1 must be 64 hex characters or the base64 of 32 bytes, as SESSION_ENCRYPTION_KEY (it has 10 characters)',
    ]);
  });

  it('is shown as the length of each key, no character of any', () => {
    const a = hex(randomBytes(32));
    const b = randomBytes(32).toString('base64');
    const rows = describeConfig(
      loadConfig({
        env: {
          SESSION_ENCRYPTION_KEY: hex(randomBytes(32)),
          SESSION_ENCRYPTION_KEY_PREVIOUS: `${a},${b}`,
        },
      }),
    );
    const row = rows.find((r) => r.name === 'SESSION_ENCRYPTION_KEY_PREVIOUS');
    expect(row?.value).toBe('**** (64 chars), **** (44 chars)');
    expect(JSON.stringify(rows)).not.toContain(a.slice(0, 8));
    expect(JSON.stringify(rows)).not.toContain(b.slice(0, 8));
  });
});
