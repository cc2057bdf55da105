import { Redis } from 'ioredis';
import { AppError, isAppError } from '../errors/index.js';

/**
 * A client that fails a command within about a second when Redis is down instead of queueing it
 * until Redis returns (ioredis' default), so a request gets a 503 rather than hanging.
 */
export function connectRedis(url: string): Redis {
  const client = new Redis(url, {
    connectTimeout: 1_000,
    commandTimeout: 2_000,
    maxRetriesPerRequest: 1,
    // Keep reconnecting in the background, at most a second apart, so service resumes by itself.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  // Connection errors already reach callers as failed commands; without a listener ioredis would
  // also print each one.
  client.on('error', () => {});
  return client;
}

/** An `AppError` for a failed Redis call: `upstream_unavailable` unless Redis itself refused it. */
export function toStoreError(error: unknown, doing: string): AppError {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  // A ReplyError is Redis answering "no" (a script error, a wrong key type, out of memory): the
  // connection is fine, so trying again the same way would not help.
  if (error instanceof Error && error.name === 'ReplyError') {
    return new AppError('internal', `Redis refused to ${doing}: ${message}`, { cause: error });
  }
  // The driver's words ("Reached the max retries per request limit …") stay in the log, with
  // the cause: a client is told what failed and that trying again later is the remedy.
  return new AppError(
    'upstream_unavailable',
    `Redis is unavailable, could not ${doing}; please try again in a moment.`,
    { retryable: true, cause: error },
  );
}
