/**
 * Reading the query plans of a repository's own statements: the SQL texts it runs, recorded as it
 * runs them, and each database's plan for one of them.
 */
import type { Pool, QueryResultRow } from 'pg';
import { PostgresDatabase, type SqliteDatabase } from '../../src/store/index.js';

/**
 * Records the SQL texts a SQLite connection prepares from now on, and gives the plan of one:
 * the details of `EXPLAIN QUERY PLAN`, with `values` bound (null for every placeholder when
 * omitted). Plans are prepared past the recording, so they are not recorded themselves.
 */
export function recordPrepared(db: SqliteDatabase): {
  texts: string[];
  plan: (sql: string, values?: unknown[]) => string[];
} {
  const texts: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    texts.push(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  const plan = (sql: string, values?: unknown[]) =>
    (
      prepare(`EXPLAIN QUERY PLAN ${sql}`).all(
        ...(values ?? Array.from(sql.matchAll(/\?/g), () => null)),
      ) as Array<{ detail: string }>
    ).map((row) => row.detail);
  return { texts, plan };
}

/** A Postgres database that keeps the SQL texts it is asked to run. */
export class RecordingDatabase extends PostgresDatabase {
  readonly texts: string[] = [];

  override async query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    this.texts.push(text);
    return super.query<R>(text, values);
  }
}

/**
 * Postgres's plan for `sql`, as text. A table of a few rows is read faster without an index, so
 * the plan is asked with sequential scans priced out, and with sorts too when `sorts` is
 * `'off'`: an index that does not give the order asked then shows as a sort.
 */
export async function postgresPlan(
  pool: Pool,
  sql: string,
  values: unknown[],
  options: { sorts?: 'on' | 'off' } = {},
): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    if (options.sorts === 'off') await client.query('SET LOCAL enable_sort = off');
    const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, values);
    return plan.rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}
