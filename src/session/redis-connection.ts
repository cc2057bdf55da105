import { Redis } from 'ioredis';
import { AppError, isAppError } from '../errors/index.js';

/** How long a command, or a connection attempt, may take before it counts as failed. */
const REDIS_TIMEOUT_MS = 1_000;

/**
 * A client that fails a command within about a second when Redis is down instead of queueing it
 * until Redis returns (ioredis' default), so a request gets a 503 rather than hanging. Once Redis
 * is known to be down (a connection attempt failed, or a command got no answer), commands fail
 * at once until it is back: a request making three Redis calls then fails in milliseconds, not
 * in three timeouts. Only before the first connection do commands wait for it (up to the same
 * second), so that the first requests of a starting instance are not refused.
 */
export function connectRedis(url: string): Redis {
  const client = new Redis(url, {
    connectTimeout: REDIS_TIMEOUT_MS,
    commandTimeout: REDIS_TIMEOUT_MS,
    // A connection that takes a command and stays silent (a Redis that hangs, a network that
    // drops packets) is dropped, so that it counts as down rather than keeping every command
    // waiting out its own timeout. Shorter than a command's timeout, so that Redis is known to be
    // down by the time the first command fails, and the next one fails at once.
    socketTimeout: REDIS_TIMEOUT_MS - 200,
    maxRetriesPerRequest: 1,
    // Keep reconnecting in the background, at most a second apart, so service resumes by itself.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  // ioredis reads the option for each command: without the offline queue, a command sent while
  // not connected is refused at once.
  client.on('ready', () => {
    client.options.enableOfflineQueue = true;
    lastConnectionError.delete(client);
  });
  client.on('close', () => (client.options.enableOfflineQueue = false));
  // Connection errors already reach callers as failed commands; without a listener ioredis would
  // also print each one. The last one is kept: a failed command only says that it failed.
  client.on('error', (error: Error) => {
    if (isSelectRefusal(error)) refuse(client, url, error);
    else lastConnectionError.set(client, error);
  });
  // Once the database is refused, every command fails saying so, those sent before included.
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command, stream) => {
    const problem = refused.get(client);
    if (problem !== undefined) {
      command.reject(problem);
      return command.promise;
    }
    const sent = (send(command, stream) as Promise<unknown>).catch((error: unknown) => {
      throw refused.get(client) ?? error;
    });
    // ioredis ignores what some of its own calls return: their failure is not an unhandled one.
    sent.catch(() => {});
    return sent;
  };
  return client;
}

/** Marks the errors of Redis being out of reach or unable to serve: one dependency's outage. */
const REDIS = { dependency: 'redis' } as const;

/** The last error of each client's connection since it was last ready ("connect ECONNREFUSED …"). */
const lastConnectionError = new WeakMap<Redis, Error>();

/** Clients whose database Redis refused, and why. */
const refused = new WeakMap<Redis, AppError>();

/** ioredis selects the database of the URL as it connects; a refusal is only an `error` event. */
function isSelectRefusal(error: Error): boolean {
  const command = (error as { command?: { name?: string } }).command;
  return error.name === 'ReplyError' && command?.name === 'select';
}

/**
 * A database Redis does not have (`/99` where it has 16): ioredis would go on in database 0,
 * where the sessions of another deployment may be. The client is closed instead, so that nothing
 * is read or written there, and every command fails with a `config_invalid` naming the setting.
 */
function refuse(client: Redis, url: string, error: Error): void {
  const database = new URL(url).pathname.replace(/^\//, '');
  refused.set(
    client,
    new AppError(
      'config_invalid',
      `REDIS_URL selects database ${database}, which this Redis refuses (${error.message}): give a database number it has (0 to 15 unless its \`databases\` setting says otherwise), or none for 0.`,
      { cause: error },
    ),
  );
  client.disconnect();
}

/**
 * Whether Redis at `url` takes the database the URL selects: throws the `config_invalid` of
 * {@link connectRedis} when it refuses it. A Redis that cannot be reached is not this check's
 * concern (requests that need it fail until it answers), nor is anything else.
 */
export async function checkRedisDatabase(url: string): Promise<void> {
  const client = connectRedis(url);
  try {
    await client.ping();
  } catch {
    const problem = refused.get(client);
    if (problem) throw problem;
  } finally {
    client.disconnect();
  }
}

/**
 * Why Redis at the client's address does not answer, in an operator's terms: its host and port,
 * and the connection's own error ("connect ECONNREFUSED 127.0.0.1:6379"), or the command's when
 * the connection raised none (a Redis that accepts and stays silent: the command timed out).
 * Never the driver's bookkeeping ("Reached the max retries per request limit", "Stream isn't
 * writeable and enableOfflineQueue options is false"), which says nothing of the cause. For readiness and logs, never for a customer.
 */
export function redisUnavailable(client: Redis, error: unknown, doing: string): AppError {
  const where = redisAddress(client);
  if (error instanceof Error && error.name === 'ReplyError' && PASSING_STATE.test(error.message)) {
    // Redis answers, in a state it passes through: its own words say which.
    return new AppError(
      'upstream_unavailable',
      `Redis at ${where} is unavailable: ${error.message}`,
      {
        retryable: true,
        cause: error,
        details: { ...REDIS, where },
      },
    );
  }
  // Refused by Redis itself, or an error of ours: the connection is not the story.
  if (isAppError(error) || (error instanceof Error && error.name === 'ReplyError')) {
    return toStoreError(error, doing, client);
  }
  const connection = lastConnectionError.get(client);
  const command = error instanceof Error ? error : new Error(String(error));
  // Both say only that no connection was there to send the command on.
  const bookkeeping =
    command.name === 'MaxRetriesPerRequestError' || command.message.includes('enableOfflineQueue');
  const reason = connection?.message || (bookkeeping ? 'no connection' : command.message);
  return new AppError('upstream_unavailable', `Redis at ${where} is unavailable: ${reason}`, {
    retryable: true,
    cause: connection ?? command,
    details: { ...REDIS, where },
  });
}

/**
 * Which Redis a client talks to, for the operator's log: `host:port/db` (or its socket path),
 * read from the parsed options, so never the URL's user or password.
 */
export function redisAddress(client: Redis): string {
  const { host, port, db, path } = client.options;
  return `${path ?? `${host ?? '127.0.0.1'}:${port ?? 6379}`}${db ? `/${db}` : ''}`;
}

/**
 * The error prefixes of Redis's answers that say it cannot serve for now, whatever was asked:
 * `LOADING` (after a restart), `READONLY` (a replica, as after a failover before the client
 * reaches the new primary), `MASTERDOWN`, `NOREPLICAS`, `OOM` (its memory limit), `MISCONF` (its
 * snapshots fail), `BUSY` (a script runs long), `TRYAGAIN`, `CLUSTERDOWN`.
 */
const PASSING_STATE =
  /^(?:LOADING|READONLY|MASTERDOWN|NOREPLICAS|OOM|MISCONF|BUSY|TRYAGAIN|CLUSTERDOWN)\b/;

/**
 * An `AppError` for a failed Redis call: `upstream_unavailable` unless Redis itself refused it for
 * what was asked (see {@link PASSING_STATE}). Given the client, its address is in the error's
 * `details.where`, which the log shows and a client is never told (the message is a client's).
 */
export function toStoreError(error: unknown, doing: string, client?: Redis): AppError {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  // A ReplyError is Redis answering "no". In a state it passes through (loading its data after
  // a restart, a replica not yet promoted after a failover, out of memory, a snapshot that
  // fails, a script that runs long), Redis is unavailable for now, as when it is away: the
  // customer is told to try again in a moment. Otherwise (a script error, a wrong key type) the
  // connection is fine, and trying again the same way would not help.
  if (error instanceof Error && error.name === 'ReplyError' && !PASSING_STATE.test(message)) {
    return new AppError('internal', `Redis refused to ${doing}: ${message}`, { cause: error });
  }
  // The driver's words ("Reached the max retries per request limit …") stay in the log, with
  // the cause: a client is told what failed and that trying again later is the remedy.
  return new AppError(
    'upstream_unavailable',
    `Redis is unavailable, could not ${doing}; please try again in a moment.`,
    {
      retryable: true,
      cause: error,
      details: client === undefined ? REDIS : { ...REDIS, where: redisAddress(client) },
    },
  );
}
