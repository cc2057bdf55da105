import { AppError, isAppError } from '../../errors/index.js';

/**
 * Marks the errors of a database that cannot serve for now, as `store/postgres/errors.ts` does:
 * `http/errors.ts` tells a client what happened in its own words, without the file's path.
 */
const DATABASE = { dependency: 'database' } as const;

/**
 * An error of SQLite that no caller can fix by changing its request (the file locked by another
 * connection, a full or read-only disk, a damaged file) as an {@link AppError}
 * `upstream_unavailable` (503) whose message names the file and says what to do; anything else
 * (a broken constraint, a bug) is returned as it is. Only a lock is worth trying again soon.
 */
export function toStoreError(error: unknown, path: string): unknown {
  if (isAppError(error) || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const problem = problemOf(code);
  if (problem === undefined) return error;
  return new AppError(
    'upstream_unavailable',
    `The database file ${path} ${problem.what} (${error.message}): ${problem.todo}`,
    { retryable: problem.retryable, cause: error, details: DATABASE },
  );
}

function problemOf(code: string): { what: string; todo: string; retryable: boolean } | undefined {
  // Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED…) are their primary code's.
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0];
  switch (primary) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return {
        what: 'is locked by another connection',
        todo: 'another instance, a backup or a sqlite3 shell held its write lock longer than the busy timeout (5 s); try again, and end long transactions on the file',
        retryable: true,
      };
    case 'SQLITE_FULL':
      return {
        what: 'cannot grow: its disk is full',
        todo: 'free space on the disk of DATA_DIR',
        retryable: false,
      };
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return {
        what: 'cannot be written',
        todo: 'the file, its -wal and -shm files and its folder (DATA_DIR) must be writable by this user, on a disk not mounted read-only',
        retryable: false,
      };
    case 'SQLITE_IOERR':
    case 'SQLITE_CANTOPEN':
      return {
        what: 'could not be read or written',
        todo: 'check the disk of DATA_DIR and that the file and its folder are there',
        retryable: false,
      };
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return {
        what: 'is not a SQLite database, or is damaged',
        todo: 'restore it from a backup, or move it away (with its -wal and -shm files) to start with an empty database',
        retryable: false,
      };
    default:
      return undefined;
  }
}

/**
 * `target` whose methods throw and reject with {@link toStoreError}'s errors: a repository on
 * SQLite, whose statements are run by its methods throughout, behind one boundary.
 */
export function withStoreErrors<T extends object>(target: T, path: string): T {
  // Each method wrapped once (a turn calls several): the same function every time it is read.
  const wrapped = new Map<PropertyKey, { method: unknown; guarded: unknown }>();
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      const known = wrapped.get(key);
      if (known?.method === value) return known.guarded;
      const method = value as (...args: unknown[]) => unknown;
      const guarded = (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = method.apply(object, args);
        } catch (error) {
          throw toStoreError(error, path);
        }
        return result instanceof Promise
          ? result.catch((error: unknown) => {
              throw toStoreError(error, path);
            })
          : result;
      };
      wrapped.set(key, { method: value, guarded });
      return guarded;
    },
  });
}
