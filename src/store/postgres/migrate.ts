import { AppError } from '../../errors/index.js';
import type { Migration } from '../sqlite/migrations.js';
import { checkSchemaName, type PostgresDatabase } from './database.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';

/**
 * Applies the migrations that are not yet applied, all in one transaction, and returns the
 * versions applied now. The transaction first takes an advisory lock of the schema, so that
 * instances starting together wait for one another instead of applying a migration twice; the
 * lock ends with the transaction. `schema`, when given, is created if missing.
 */
export async function migratePostgres(
  db: PostgresDatabase,
  options: { schema?: string; migrations?: readonly Migration[] } = {},
): Promise<number[]> {
  const migrations = options.migrations ?? POSTGRES_MIGRATIONS;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      MIGRATION_LOCK,
      options.schema ?? '',
    ]);
    if (options.schema !== undefined) {
      await tx.query(`CREATE SCHEMA IF NOT EXISTS "${checkSchemaName(options.schema)}"`);
    }
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`);
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map(
        (row) => row.version,
      ),
    );
    const newest = Math.max(0, ...done);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new AppError(
        'config_invalid',
        `The database has schema version ${newest}, newer than this program knows (${known}); upgrade the program`,
      );
    }
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await tx.query(migration.sql);
      await tx.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())',
        [migration.version, migration.name],
      );
      applied.push(migration.version);
    }
    return applied;
  });
}

/** The first key of the migration lock: "sa" + "mi" in ASCII, a number no other lock uses. */
const MIGRATION_LOCK = 0x7361_6d69;
