import { Pool, types, type PoolClient, type QueryResultRow } from 'pg';
import { AppError, isAppError } from '../../errors/index.js';
import { describeTarget, isReadTimeout, toStoreError } from './errors.js';
import { parseDbJson } from './text-codec.js';

/** Options of {@link createPostgresPool}. */
export interface PostgresPoolOptions {
  /**
   * The schema that holds every table, first on every connection's `search_path` (a plain
   * identifier: letters, digits, underscores). The server's default search path otherwise.
   */
  schema?: string;
  /** Connections at most; 10 by default. */
  poolSize?: number;
  /** How long connecting may take before it fails; 5000 ms by default. */
  connectionTimeoutMs?: number;
  /**
   * How long a statement may go without its answer before it fails (`timeout`, retryable) and
   * its connection is closed; 60,000 ms by default, 0 for no limit. A server gone from under
   * open connections (a failover, a network that drops their packets) otherwise holds each
   * statement, and its connection, until the system gives up on the socket many minutes later:
   * requests hang, and the pool stays full of dead connections while the server is back.
   */
  queryTimeoutMs?: number;
  /**
   * Told of errors of idle connections (the server restarting, a network cut). The pool drops
   * such a connection; the next query that needs the server reports the problem itself.
   */
  onError?: (error: Error) => void;
}

const INT8 = 20;
const JSON_TYPE = 114;
const JSONB = 3802;
const TIMESTAMPTZ = 1184;
const parseTimestamp = types.getTypeParser(TIMESTAMPTZ) as (value: string) => Date;

/**
 * Results as the rest of the store wants them, for this pool only (pg's own setting is global):
 * `bigint` as a number (ids and counts stay far below 2^53), `timestamptz` as an ISO string,
 * the format SQLite stores, and JSON with the strings `toDbJson` escaped given back.
 */
const getTypeParser = ((id: number, format?: 'text' | 'binary') => {
  if (id === INT8) return Number;
  if (id === JSON_TYPE || id === JSONB) return parseDbJson;
  if (id === TIMESTAMPTZ) return (value: string) => parseTimestamp(value).toISOString();
  return types.getTypeParser(id, format);
}) as typeof types.getTypeParser;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Throws `config_invalid` unless `schema` is a plain identifier, safe to put in SQL. */
export function checkSchemaName(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new AppError(
      'config_invalid',
      `A PostgreSQL schema name must be letters, digits and underscores, not ${JSON.stringify(schema)}`,
    );
  }
  return schema;
}

/**
 * A pg connection pool for the store: a bounded connection timeout (an unreachable server is an
 * error, never a hang), the session in UTC without JIT compilation, and the schema first on the
 * search path.
 *
 * @example
 * const pool = createPostgresPool('postgres://app@db/support', { schema: 'support' });
 */
export function createPostgresPool(url: string, options: PostgresPoolOptions = {}): Pool {
  // JIT compilation costs some 50 ms a query and pays only for long analytical ones; it starts
  // whenever estimated costs pass a threshold, as they do on tables not analysed yet (right
  // after ingestion), which made each search ten times slower.
  const settings = ['-c timezone=UTC', '-c jit=off'];
  // `public` stays on the path after the schema: an extension installed there (pgvector) keeps
  // its types visible.
  if (options.schema !== undefined)
    settings.push(`-c search_path=${checkSchemaName(options.schema)},public`);
  const { connectionString, given } = withoutOptions(url);
  const pool = new Pool({
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    query_timeout: options.queryTimeoutMs ?? 60_000,
    application_name: 'support-agent',
    // The URL's own settings first: the pool's, given after, win where both set one.
    options: [given, ...settings].filter(Boolean).join(' '),
    types: { getTypeParser },
  });
  // Without a listener an idle connection's error would crash the process.
  pool.on('error', (error) => options.onError?.(error));
  // The pool listens to a connection only while it is idle: one checked out for a transaction
  // that loses the server between statements would otherwise throw its error where nothing
  // catches it, and end the process. The transaction's next statement fails instead.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * `url` without its `options` parameter, and that parameter's value (empty when there is none).
 * pg takes the URL's `options` instead of the pool's, not with them: a URL that chose a schema
 * (`?options=-c search_path=support`) dropped the pool's settings.
 */
function withoutOptions(url: string): { connectionString: string; given: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { connectionString: url, given: '' };
  }
  const given = parsed.searchParams.get('options');
  if (given === null) return { connectionString: url, given: '' };
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), given };
}

/** Something to run SQL on: the pool, or one transaction's connection. */
export interface Queryable {
  /** The rows of one statement; `values` are bound as parameters, never put in the SQL. */
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
}

/**
 * The pool with the store's error handling: a failure the caller can act on (server
 * unreachable, bad credentials, text PostgreSQL cannot hold) becomes an `AppError`.
 */
export class PostgresDatabase implements Queryable {
  readonly pool: Pool;
  /** The server, as it may be shown: `host:port/database`. */
  readonly target: string;

  constructor(pool: Pool, url: string) {
    this.pool = pool;
    this.target = describeTarget(url);
  }

  async query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (error) {
      throw toStoreError(error, this.target);
    }
  }

  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back
   * when it throws.
   */
  async transaction<T>(
    work: (tx: Queryable) => Promise<T>,
    options: { readOnlySnapshot?: boolean } = {},
  ): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError(error, this.target);
    }
    const tx: Queryable = {
      query: async <R extends QueryResultRow>(text: string, values?: unknown[]) => {
        try {
          return (await client.query<R>(text, values)).rows;
        } catch (error) {
          throw toStoreError(error, this.target);
        }
      },
    };
    let broken: Error | undefined;
    try {
      await tx.query(
        options.readOnlySnapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN',
      );
      const result = await work(tx);
      await tx.query('COMMIT');
      return result;
    } catch (error) {
      if (isAppError(error) && error.code === 'timeout' && isReadTimeout(error.cause)) {
        // The server never answered: a ROLLBACK would wait behind that statement as long
        // again. Closing the connection ends the transaction.
        broken = error;
        throw error;
      }
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable: the pool must not hand it out again.
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** Fails unless the server answers a trivial query. */
  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }
}
