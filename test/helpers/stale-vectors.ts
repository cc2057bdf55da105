import type { createPostgresPool, SqliteDatabase } from '../../src/store/index.js';

/**
 * Deletes chunks as versions before the trigger that deletes their vectors did, on SQLite: the
 * vectors stay, stale, for the sweep to find.
 */
export function deleteSqliteChunksLeavingVectors(db: SqliteDatabase, ids: readonly number[]): void {
  const trigger = db
    .prepare(
      `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'chunk_vectors_follow'`,
    )
    .pluck()
    .get() as string;
  db.transaction(() => {
    db.exec('DROP TRIGGER chunk_vectors_follow');
    db.prepare('DELETE FROM chunks WHERE id IN (SELECT value FROM json_each(?))').run(
      JSON.stringify(ids),
    );
    db.exec(trigger);
  })();
}

/** The same on PostgreSQL (`pool` is on the schema). */
export async function deletePostgresChunksLeavingVectors(
  pool: ReturnType<typeof createPostgresPool>,
  ids: readonly number[],
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE chunks DISABLE TRIGGER chunks_vectors_follow');
    await client.query('DELETE FROM chunks WHERE id = ANY($1::bigint[])', [ids]);
    await client.query('ALTER TABLE chunks ENABLE TRIGGER chunks_vectors_follow');
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
