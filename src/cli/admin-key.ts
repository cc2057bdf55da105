import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/index.js';

/** The admin key as `serve` makes it: its hash is kept, and the key shown or left in a file. */
export interface AdminKey {
  hash?: string;
  /** The new key, to print on the terminal. */
  printed?: string;
  /** Where the new key was written, without a terminal to print it on. */
  keyFile?: string;
  hashFile?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The admin key as read or made at start, before anything of it is written. */
export interface StartingAdminKey {
  hash?: string;
  /**
   * Keeps a key made at this start: its hash under DATA_DIR, and the key itself printed or in a
   * file. Called once the server has started, so that a start that fails (a database that is
   * down) leaves no key behind that nobody was told of.
   */
  keep(): Promise<AdminKey>;
}

/**
 * The admin key: `ADMIN_API_KEY` when set; otherwise the one whose hash is kept under DATA_DIR,
 * or a new one. Of a new one, only the hash is kept ({@link StartingAdminKey.keep}); the key
 * itself is printed once on a terminal; without one (a container, a service) it is written to
 * `<DATA_DIR>/admin-key`, mode 0600, for the operator to read: stderr would take it to a log
 * store.
 */
export async function adminKey(config: Config, terminal: boolean): Promise<StartingAdminKey> {
  if (config.adminApiKey) return { keep: () => Promise.resolve({}) };
  const hashFile = join(config.dataDir, 'admin-key.sha256');
  const stored = await readFile(hashFile, 'utf8').catch(() => undefined);
  if (stored !== undefined && /^[0-9a-f]{64}$/.test(stored.trim())) {
    const hash = stored.trim();
    return { hash, keep: () => Promise.resolve({ hash }) };
  }
  const generated = `sa_admin_${randomBytes(24).toString('base64url')}`;
  const hash = sha256(generated);
  const keep = async (): Promise<AdminKey> => {
    let keyFile: string | undefined;
    if (!terminal) {
      keyFile = join(config.dataDir, 'admin-key');
      // Written before the hash: a key whose hash is kept but that nobody can read is lost. A
      // file left from before is replaced, not rewritten: its mode might be wider.
      await rm(keyFile, { force: true });
      await writeFile(keyFile, `${generated}\n`, { mode: 0o600, flag: 'wx' });
    }
    await writeFile(hashFile, `${hash}\n`, { mode: 0o600 });
    return terminal ? { hash, printed: generated, hashFile } : { hash, keyFile, hashFile };
  };
  return { hash, keep };
}

/**
 * Where `<DATA_DIR>/admin-key`, written at an earlier start, is and why it can go, or
 * `undefined` when there is no such file (or it was written at this start, which says so
 * itself). A key left in a file is a secret lying on disk: once `ADMIN_API_KEY` is set, or the
 * key in it no longer opens the admin API, nothing reads it; while it still does, the operator
 * was told to read it and delete it.
 */
export async function leftoverAdminKeyFile(
  config: Config,
  admin: AdminKey,
): Promise<{ file: string; message: string } | undefined> {
  if (admin.keyFile) return undefined;
  const file = join(config.dataDir, 'admin-key');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  if (config.adminApiKey) {
    const message = `${file} still holds the admin API key generated at an earlier start, but ADMIN_API_KEY is set and that key no longer opens the admin API: delete the file`;
    return { file, message };
  }
  if (admin.hash !== sha256(text.trim())) {
    const message = `${file} holds an admin API key that no longer opens the admin API (another was made since): delete the file`;
    return { file, message };
  }
  const message = `${file} still holds the admin API key generated at an earlier start: once you have it, delete the file (only its hash is needed), or set ADMIN_API_KEY to choose your own`;
  return { file, message };
}
