import { createPostgresPool, PostgresDatabase, type PostgresPoolOptions } from './database.js';
import { migratePostgres } from './migrate.js';
import { PostgresConversationRepository } from './postgres-conversation-repository.js';
import { PostgresKnowledgeRepository } from './postgres-knowledge-repository.js';
import { PostgresVectorIndex } from './postgres-vector-index.js';
import { recomputeTerms, type TermsRecomputed } from './recompute-terms.js';

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions extends PostgresPoolOptions {
  /** The clock of stored times; the system's by default. */
  now?: () => Date;
  /** `bytea` keeps vectors out of pgvector even when the server offers it. */
  vectorStorage?: 'auto' | 'bytea';
  /**
   * Told when opening recomputed the chunks' stored search terms, made by another stemming
   * revision than the program's (see `recomputeTerms`): for a log line at info. Not told when
   * there were no chunks.
   */
  onTermsRecomputed?: (done: TermsRecomputed) => void;
}

/** Every repository on one PostgreSQL database, and its connection pool's life. */
export interface PostgresStore {
  readonly knowledge: PostgresKnowledgeRepository;
  readonly conversations: PostgresConversationRepository;
  readonly vectors: PostgresVectorIndex;
  /** Fails (an `AppError`) unless the server answers: for readiness checks. */
  ping(): Promise<void>;
  /** Closes every connection. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL, applies pending migrations, brings the chunks' stored stems to the
 * program's stemming revision when the database has another (which an upgrade that changed
 * stemming does once, in batches: see `recomputeTerms`), and returns the repositories. A server
 * that cannot be reached fails within the connection timeout with an `AppError` of code
 * `upstream_unavailable` (retryable); bad credentials or a missing database with
 * `config_invalid`. The URL's password never appears in a message.
 *
 * @example
 * const store = await openPostgresStore(process.env.DATABASE_URL, { now: () => new Date(clock.now()) });
 * const hits = await store.knowledge.searchLexical({ terms: ['refund'], scopes: ['kb'], limit: 5, titleWeight: 3, postingBudget: 500 });
 * await store.close();
 */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  const db = new PostgresDatabase(createPostgresPool(url, options), url);
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= db.pool.end());
  // Opening's work on connections of its own, without the statements' time limit: a migration
  // or the recomputation of the search terms may take minutes on a large database.
  const startup = new PostgresDatabase(
    createPostgresPool(url, { ...options, poolSize: 1, queryTimeoutMs: 0 }),
    url,
  );
  try {
    await startup.ping();
    const schema = options.schema === undefined ? {} : { schema: options.schema };
    await migratePostgres(startup, schema);
    const recomputed = await recomputeTerms(startup, schema);
    if (recomputed && recomputed.chunks > 0) options.onTermsRecomputed?.(recomputed);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  } finally {
    await startup.pool.end().catch(() => undefined);
  }
  return {
    knowledge: new PostgresKnowledgeRepository(db, options.now),
    conversations: new PostgresConversationRepository(db, options.now),
    vectors: new PostgresVectorIndex(db, { storage: options.vectorStorage ?? 'auto' }),
    ping: () => db.ping(),
    close,
  };
}
