import { isAppError, type AppError } from '../errors/index.js';
import { parseEncryptionKey } from '../session/index.js';
import { ConfigError } from './load.js';
import type { Config } from './schema.js';

/** The session keys of a configuration, read: the one that writes, and those only read. */
export interface SessionKeys {
  /** `SESSION_ENCRYPTION_KEY`: encrypts every write; none when sessions are stored plain. */
  current?: Buffer;
  /** `SESSION_ENCRYPTION_KEY_PREVIOUS`: still opens what was written before the key changed. */
  previous: Buffer[];
}

/**
 * Reads `SESSION_ENCRYPTION_KEY` and `SESSION_ENCRYPTION_KEY_PREVIOUS` as the app uses them.
 * `serve`, `doctor` and the app all read them here, so none of them can accept a key that
 * another refuses. A problem names the variable, and of a previous key its place in the list and
 * its length, never a character of it.
 *
 * @throws {ConfigError} with one line per key that is malformed, and per previous key that is
 *   the current key itself (a list that says the key changed when it did not).
 * @example
 * const { current, previous } = sessionKeys(config);
 * createSessionStore({ encryptionKey: current, previousEncryptionKeys: previous });
 */
export function sessionKeys(config: Config): SessionKeys {
  const problems: string[] = [];
  /** The key, or undefined once its problem is noted. */
  const read = (text: string, problem: (error: AppError) => string): Buffer | undefined => {
    try {
      return parseEncryptionKey(text);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'config_invalid') throw error;
      problems.push(problem(error));
      return undefined;
    }
  };
  const { encryptionKey, previousEncryptionKeys = [] } = config.sessions;
  // Its message, as it always was: it names the variable and the length.
  const current = encryptionKey === undefined ? undefined : read(encryptionKey, (e) => e.message);
  const previous: Buffer[] = [];
  previousEncryptionKeys.forEach((text, i) => {
    const which = `SESSION_ENCRYPTION_KEY_PREVIOUS: key ${i + 1} of ${previousEncryptionKeys.length}`;
    const key = read(
      text,
      () =>
        `${which} must be 64 hex characters or the base64 of 32 bytes, as SESSION_ENCRYPTION_KEY (it has ${text.trim().length} characters)`,
    );
    if (key === undefined) return;
    // Compared as bytes: the same key written in hex and in base64 is the same key.
    if (current?.equals(key)) {
      problems.push(
        `${which} is SESSION_ENCRYPTION_KEY itself; list only the keys it replaced (the current key is always tried first)`,
      );
      return;
    }
    previous.push(key);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return current ? { current, previous } : { previous: [] };
}
