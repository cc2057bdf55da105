import { AppError, isAppError } from '../../errors/index.js';

/** Socket-level failures: the server is down, unreachable, or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * Marks the errors of the database being out of reach, refusing or too slow: their message names
 * the server and quotes the driver, for the operator (the log, `/ready` with the admin key, the
 * command line); `http/errors.ts` tells a client what happened in its own words instead.
 */
const DATABASE = { dependency: 'database' } as const;

/**
 * An error of the pg driver or of the server as an {@link AppError} a caller can act on, or the
 * error itself when it is a bug (bad SQL, a broken constraint) that no caller can fix.
 * `target` names the server (host, port, database; never the password).
 */
export function toStoreError(error: unknown, target: string): unknown {
  if (isAppError(error) || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const sqlState = typeof code === 'string' ? code : '';
  const unreachable =
    NETWORK_CODES.has(sqlState) ||
    // The pool's connection timeout, a connection that ended under a query, and a statement
    // sent on one that had ended before it (in a transaction, between its statements).
    /timeout exceeded when trying to connect|connection timeout|Connection terminated|connection error and is not queryable/i.test(
      error.message,
    ) ||
    // connection_exception, operator intervention (shutdown), insufficient resources.
    /^(08|57P|53)/.test(sqlState) ||
    // A server that takes reads only: a standby, as one is for a while during a failover.
    sqlState === '25006';
  if (unreachable) {
    return new AppError(
      'upstream_unavailable',
      `PostgreSQL at ${target} is unavailable: ${error.message}`,
      { retryable: true, cause: error, details: { ...DATABASE, where: target } },
    );
  }
  if (/^28/.test(sqlState) || sqlState === '3D000' || sqlState === '42501') {
    // Bad credentials, a database that does not exist, no right to create the schema.
    return new AppError('config_invalid', `PostgreSQL at ${target} refused: ${error.message}`, {
      cause: error,
      details: { ...DATABASE, where: target },
    });
  }
  if (sqlState === '22021' || sqlState === '22P05') {
    // PostgreSQL text cannot hold NUL characters (SQLite can).
    return new AppError('invalid_input', `PostgreSQL cannot store this text: ${error.message}`, {
      cause: error,
    });
  }
  if (sqlState === '22007' || sqlState === '22008') {
    return new AppError('invalid_input', `Not a valid time: ${error.message}`, { cause: error });
  }
  if (isReadTimeout(error)) {
    return new AppError('timeout', `PostgreSQL at ${target} did not answer in time`, {
      retryable: true,
      cause: error,
      details: { ...DATABASE, where: target },
    });
  }
  // A statement cancelled (statement_timeout), or a lock not had within lock_timeout.
  if (sqlState === '57014' || sqlState === '55P03') {
    return new AppError('timeout', `PostgreSQL cancelled a statement: ${error.message}`, {
      retryable: true,
      cause: error,
      details: { ...DATABASE, where: target },
    });
  }
  if (sqlState === '40001' || sqlState === '40P01') {
    return new AppError('conflict', `A concurrent change got in the way: ${error.message}`, {
      retryable: true,
      cause: error,
    });
  }
  return error;
}

/** Whether `error` is pg's own: a statement's answer did not come within `query_timeout`. */
export function isReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

/** `host:port/database` of a connection URL, safe to log: no user, no password (not for clients). */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured URL';
  }
}
