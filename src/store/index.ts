export type {
  ChunkHit,
  ChunkInput,
  DocumentInput,
  DocumentPage,
  DocumentRecord,
  KeptFile,
  SourceWrite,
  KnowledgeRepository,
  LexicalQuery,
  ReplaceResult,
} from './knowledge-repository.js';
export { openDatabase, migrate, schemaTooNew, storedSchemaVersion } from './sqlite/database.js';
export { toStoreError as toSqliteError, withStoreErrors } from './sqlite/errors.js';
export type { OpenDatabaseOptions, SqliteDatabase } from './sqlite/database.js';
export { MIGRATIONS } from './sqlite/migrations.js';
export type { Migration } from './sqlite/migrations.js';
export { SqliteKnowledgeRepository } from './sqlite/sqlite-knowledge-repository.js';
export type {
  ConversationRepository,
  IdempotencyClaim,
  IdempotencyScope,
  MemoryLimits,
  MemoryRecord,
  MessageRecord,
  TurnRecord,
  HeldOutboxMessage,
  OutboxBacklog,
  OutboxEvent,
  OutboxRecord,
  SessionCursor,
  SessionErasure,
  SessionSummary,
  TicketChange,
  TicketFilter,
  TicketPage,
  TicketRecord,
} from './conversation-repository.js';
export { MEMORY_TYPES } from './conversation-repository.js';
export { timeOrderedId } from './time-ordered-id.js';
export {
  eraseSessionData,
  erasedAnything,
  sessionScope,
  sweepIdleSessions,
} from './session-erasure.js';
export type { ErasedSession, IdleSweepOptions, SessionRepositories } from './session-erasure.js';
export { SqliteConversationRepository } from './sqlite/sqlite-conversation-repository.js';
export { MAX_VECTOR_SEARCH_LIMIT } from './vector-index.js';
export type {
  VectorConfiguration,
  VectorHit,
  VectorIndex,
  VectorItem,
  VectorSearchOptions,
} from './vector-index.js';
export { openPostgresStore } from './postgres/open-postgres-store.js';
export type { TermsRecomputed } from './postgres/recompute-terms.js';
export type { PostgresStore, PostgresStoreOptions } from './postgres/open-postgres-store.js';
export { createPostgresPool, PostgresDatabase } from './postgres/database.js';
export type { PostgresPoolOptions } from './postgres/database.js';
export { migratePostgres } from './postgres/migrate.js';
export { POSTGRES_MIGRATIONS } from './postgres/migrations.js';
export { PostgresConversationRepository } from './postgres/postgres-conversation-repository.js';
export { PostgresKnowledgeRepository } from './postgres/postgres-knowledge-repository.js';
export { PostgresVectorIndex } from './postgres/postgres-vector-index.js';
export type { VectorStorage } from './postgres/postgres-vector-index.js';
