import type { DestinationStream } from 'pino';
import type { Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { closestName, ConfigError, sessionKeys, type Config } from './config/index.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Counter, Meter } from '@opentelemetry/api';
import { isAppError } from './errors/index.js';
import { hideCardNumbers } from './agent/card-numbers.js';
import { WebhookDispatcher } from './agent/outbox/webhook-dispatcher.js';
import { SessionTurns } from './agent/session-turns.js';
import { TurnRunner, type TurnOutcome } from './agent/turn.js';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './http/rate-limit.js';
import {
  checkRedisDatabase,
  connectRedis,
  createSessionStore,
  MemorySessionEvents,
  RedisSessionEvents,
  type SessionEvents,
  type SessionLock,
  type SessionStore,
} from './session/index.js';
import { createOpenAiChatModel } from './model/index.js';
import { createEscalationTool } from './tools/escalation/index.js';
import {
  cachedCheck,
  checkDataDir,
  checkDiskSpace,
  withDeadline,
  type ReadinessCheck,
} from './readiness.js';
import { closeEach, closeFailed, describeCloseFailures } from './closing.js';
import {
  createOpenAiEmbedder,
  indexVectors,
  SqliteVectorIndex,
  toVectorIndex,
  type EmbedTexts,
  type IndexVectorsResult,
} from './rag/dense/index.js';
import {
  DEFAULT_RETRIEVER_SETTINGS,
  DEFAULT_SYNONYMS,
  loadEnglishWords,
  Retriever,
  Synonyms,
  type DenseRetrieval,
  type RetrieverSettings,
} from './rag/index.js';
import {
  createParseCapacity,
  createParseWorkers,
  DEFAULT_PARSE_LIMITS,
  type ParseLimits,
  type ParseWorkers,
  type ParseWorkersOptions,
} from './rag/parse/index.js';
import {
  eraseSessionData,
  sessionScope,
  erasedAnything,
  SqliteConversationRepository,
  sweepIdleSessions,
  type ConversationRepository,
  type ErasedSession,
  openDatabase,
  openPostgresStore,
  withStoreErrors,
  type TermsRecomputed,
  SqliteKnowledgeRepository,
  type KnowledgeRepository,
  type OutboxBacklog,
  type VectorIndex,
} from './store/index.js';
import {
  LocalToolHealth,
  newInstanceId,
  OtelCallObserver,
  RedisToolHealth,
  systemClock,
  ToolStatsObserver,
  type BreakerSnapshot,
  type Clock,
  type LocalTools,
  type SharedToolHealth,
} from './resilience/index.js';
import {
  CorrelationContext,
  createLogger,
  setupTelemetry,
  type Logger,
  type Telemetry,
} from './telemetry/index.js';
import {
  createAttachmentsTool,
  createEmbedTextsTool,
  createKbSearchTool,
  createLlmChatTool,
  createMemoryTool,
  forgetAttachmentFiles,
  keepAttachmentFiles,
  sessionSummaries,
  ToolRegistry,
  type Tool,
} from './tools/index.js';

/** What tests and embedders may replace when building an app. */
export interface AppOverrides {
  clock?: Clock;
  /** A number in [0, 1) for retry jitter. */
  random?: () => number;
  /** Where log lines go (a test passes `captureLogs().stream`). */
  logDestination?: DestinationStream;
  /** The standard stream logs go to without a `logDestination`: stdout (1) unless 2. */
  logFd?: 1 | 2;
  /** More span processors, e.g. one with an in-memory exporter. */
  spanProcessors?: SpanProcessor[];
  sampler?: Sampler;
  /** Tools to register besides the built-in ones. */
  tools?: Tool[];
  /** The SQLite database file; `<DATA_DIR>/support-agent.db` by default (`:memory:` in tests). */
  databasePath?: string;
  /** Repositories opened elsewhere (Postgres, by {@link openApp}) instead of SQLite. */
  storage?: Storage;
  /** SHA-256 (hex) of the admin key, when it does not come from `ADMIN_API_KEY`. */
  adminKeyHash?: string;
}

/** The composed application: every part, built once, handed to the HTTP server and the CLI. */
export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly correlation: CorrelationContext;
  readonly telemetry: Telemetry;
  readonly tools: ToolRegistry;
  readonly clock: Clock;
  readonly knowledge: KnowledgeRepository;
  readonly conversations: ConversationRepository;
  /** Runs customer turns (the whole reply or its event stream). */
  readonly turns: TurnRunner;
  /** Live sessions: tokens, counts, locks (in memory, or Redis when configured). */
  readonly sessions: SessionStore;
  /** Customer turns under the session's lock: what the HTTP API and the WebSocket run. */
  readonly sessionTurns: SessionTurns;
  /** Live events of sessions for their followers (through Redis when configured). */
  readonly sessionEvents: SessionEvents;
  /** Request counting for rate limits (shared through Redis when configured). */
  readonly rateLimiter: RateLimiter;
  /** Each tool's recent latencies and failures, for the admin console. */
  readonly toolStats: ToolStatsObserver;
  /**
   * Tool health and breaker reset of every instance sharing Redis (of this one alone without
   * Redis); `toolHealth.instanceId` names this instance.
   */
  readonly toolHealth: SharedToolHealth;
  /** SHA-256 (hex) of the admin key; undefined when the admin API is off. */
  readonly adminKeyHash: string | undefined;
  /** Delivers tickets to the configured webhook; undefined when none is configured. */
  readonly webhooks: WebhookDispatcher | undefined;
  /**
   * Starts background work (webhook delivery, forgetting old memories, erasing conversations
   * past `RETENTION_DAYS`, reporting tool health to the other instances and taking their breaker
   * resets), and reads the word list spelling correction needs. `close` stops it.
   */
  start(): void;
  /** Forgets memories older than `MEMORY_MAX_AGE_DAYS`; returns how many. */
  forgetOldMemories(): Promise<number>;
  /**
   * Erases a session on request (the right to erasure): waits for its lock (a turn running
   * now finishes first), removes the live session, so that its token stops working, and
   * deletes everything stored of it, whatever its ticket's status; its live feeds and
   * WebSockets, on every instance, get a last `ended` event (reason `erased`) and are closed.
   * Null when there was nothing of it: no live session and nothing stored.
   */
  eraseSession(sessionId: string): Promise<ErasedSession | null>;
  /**
   * Erases the sessions whose last message is older than `RETENTION_DAYS` and that have no
   * ticket open or pending; returns how many (0 when retention is off). `start` runs it at
   * once and then hourly. The live feeds and WebSockets of an erased session, on every
   * instance, get a last `ended` event (reason `erased`) and are closed.
   */
  sweepRetention(options?: { signal?: AbortSignal }): Promise<number>;
  readonly retriever: Retriever;
  /**
   * How the knowledge base reads files (admin uploads and re-indexing, `ingest`): the limits of
   * one file and the workers, from the `PARSE_*` settings. Pass both to `ingestPaths` or
   * `ingestFiles`. The attachments tool has a set of workers of its own, under the same limits
   * and sharing one memory budget with this one (`PARSE_MEMORY_BUDGET_MB`).
   */
  readonly parsing: { readonly workers: ParseWorkers; readonly limits: ParseLimits };
  /**
   * Removes the vectors of chunks that no longer exist, then embeds the chunks that have no
   * vector yet, when embeddings are configured (`undefined` otherwise). Ingestion calls it after
   * writing; a delete with `embed: false`, which only removes.
   */
  indexVectors(options?: {
    scope?: string;
    signal?: AbortSignal;
    embed?: boolean;
  }): Promise<IndexVectorsResult | undefined>;
  /** Runs the readiness checks. */
  readiness(): Promise<ReadinessCheck[]>;
  /**
   * Releases resources and flushes telemetry and the log. Safe to call twice. A part that does
   * not close within `CLOSE_PART_MS` (or fails to) is left behind and named in one error line;
   * the rest still close, telemetry is still flushed, and then it rejects (already logged).
   */
  close(): Promise<void>;
}

/**
 * {@link createApp} after opening what must be opened first: Postgres (connected and migrated)
 * when `DATABASE_URL` is set. The server and the CLI start here.
 */
export async function openApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  // A database number this Redis does not have is a setting to correct, not an outage to wait
  // out: refused before anything opens, as an invalid setting is.
  if (config.redisUrl) await checkRedisDatabase(config.redisUrl);
  if (!config.databaseUrl || overrides.storage) return createApp(config, overrides);
  const clock = overrides.clock ?? systemClock;
  // The app's logger exists once the app does: what opening reports waits for it.
  let logger: Logger | undefined;
  let recomputed: TermsRecomputed | undefined;
  const storage = await postgresStorage(config.databaseUrl, () => new Date(clock.now()), {
    logger: () => logger,
    onTermsRecomputed: (done) => (recomputed = done),
  });
  try {
    const app = createApp(config, { ...overrides, storage });
    logger = app.logger;
    if (recomputed) {
      const { chunks, changed, to, ms } = recomputed;
      logger.info(
        recomputed,
        `recomputed the search terms of ${chunks} passages (${changed} changed) for stemming revision ${to} in ${ms} ms`,
      );
    }
    return app;
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/**
 * The composition root: builds every part from configuration; tests pass fakes in `overrides`.
 *
 * @example
 * const app = createApp(loadConfig(), { clock: new FakeClock() });
 * const result = await app.tools.call('echo', { text: 'hi' });
 * await app.close();
 */
export function createApp(config: Config, overrides: AppOverrides = {}): App {
  const clock = overrides.clock ?? systemClock;
  const correlation = new CorrelationContext();
  const logger = createLogger({
    level: config.log.level,
    format: config.log.format,
    correlation,
    base: { service: config.telemetry.serviceName },
    ...(overrides.logDestination ? { destination: overrides.logDestination } : {}),
    ...(overrides.logFd ? { fd: overrides.logFd } : {}),
  });
  const telemetry = setupTelemetry({
    serviceName: config.telemetry.serviceName,
    otlpEndpoint: config.telemetry.otlpEndpoint,
    ...(overrides.spanProcessors ? { spanProcessors: overrides.spanProcessors } : {}),
    ...(overrides.sampler ? { sampler: overrides.sampler } : {}),
    // Told from the exporters' callbacks, which run in the context of whatever set the export
    // off: the span processor's batch timer is started when a span ends, inside that span's
    // request or turn, and each later timer is started from the one before. Those ids would be
    // an unrelated turn's; an export is the process's, not a request's.
    exportHealth: {
      failing: (signal, error) =>
        correlation.outside(() =>
          logger.warn(
            { signal, endpoint: config.telemetry.otlpEndpoint, err: error },
            `sending ${signal} to the OTLP collector failed; they are dropped until it answers again`,
          ),
        ),
      recovered: (signal, failures) =>
        correlation.outside(() =>
          logger.info({ signal, failures }, `sending ${signal} to the OTLP collector works again`),
        ),
    },
  });

  const otelObserver = new OtelCallObserver({
    tracer: telemetry.tracer,
    meter: telemetry.meter,
    histograms: telemetry.histograms,
    logger,
    correlation,
    tracingEnabled: telemetry.tracingEnabled,
    // Read at metric collection time, when `tools` exists.
    breakers: (): Iterable<[string, BreakerSnapshot]> => tools.breakers(),
  });
  const observer = new ToolStatsObserver(otelObserver);
  const tools: ToolRegistry = new ToolRegistry({
    config: config.tools,
    logger,
    clock,
    observer,
    ...(overrides.random ? { random: overrides.random } : {}),
  });

  const storage =
    overrides.storage ??
    sqliteStorage(
      overrides.databasePath ?? join(config.dataDir, 'support-agent.db'),
      () => new Date(clock.now()),
    );
  const { knowledge, conversations } = storage;
  const { webhookUrl, webhookSecret } = config.escalation;
  const webhooks =
    webhookUrl && webhookSecret
      ? new WebhookDispatcher({
          repo: conversations,
          url: webhookUrl,
          secret: webhookSecret,
          clock,
          logger,
        })
      : undefined;
  if (webhooks) observeOutbox(telemetry.meter, conversations, clock, logger);
  const dense = denseRetrieval(config, storage.vectors, tools);
  const retriever = new Retriever(knowledge, retrieverSettings(config), dense, synonyms(config));
  tools.register(createKbSearchTool(retriever));
  tools.register(createMemoryTool(conversations, () => clock.now()));
  tools.register(
    createEscalationTool(conversations, {
      threshold: config.escalation.threshold,
      notify: webhooks !== undefined,
      summarize: sessionSummaries(conversations),
    }),
  );
  const parsing = parseSettings(config);
  // A set for the knowledge base and one for attachments, sharing one memory budget: an upload
  // of a hundred files does not hold up the customers' attachments.
  const kbParsing = { workers: createParseWorkers(parsing.workers), limits: parsing.limits };
  tools.register(
    createAttachmentsTool(
      knowledge,
      {
        ...config.attachments,
        chunkSize: config.kb.chunkSize,
        chunkOverlap: config.kb.chunkOverlap,
        parse: parsing.limits,
        // A card number in a customer's file is hidden as in their message: never stored.
        hide: (text) => hideCardNumbers(text),
      },
      { workers: createParseWorkers(parsing.workers) },
    ),
  );
  for (const tool of overrides.tools ?? []) tools.register(tool);
  const { baseUrl: llmUrl, model: llmModel, apiKey: llmKey } = config.llm;
  if (llmUrl && llmModel) {
    tools.register(
      createLlmChatTool(
        createOpenAiChatModel({
          baseUrl: llmUrl,
          model: llmModel,
          ...(llmKey ? { apiKey: llmKey } : {}),
          firstTokenTimeoutMs: config.llm.firstTokenTimeoutMs,
          idleTimeoutMs: config.llm.idleTimeoutMs,
        }),
        { answerTimeoutMs: config.llm.answerTimeoutMs },
      ),
    );
  }
  const toolNames = tools.list().map((tool) => tool.name);
  for (const name of tools.unknownOverrides()) {
    logger.warn({ tool: name }, unknownToolOverride(name, toolNames));
  }

  const turns = new TurnRunner({
    tools,
    conversations,
    correlation,
    logger,
    now: () => clock.now(),
    llm: tools.has('llm_chat'),
    onTurn: turnMetrics(telemetry),
    files: {
      // A card number in a customer's text file is hidden in the copy kept, as in their message.
      keep: (sessionId, files) =>
        keepAttachmentFiles(knowledge, sessionId, files, { hide: (text) => hideCardNumbers(text) }),
      forget: (sessionId, ids) => forgetAttachmentFiles(knowledge, sessionId, ids),
    },
  });

  const { current: encryptionKey, previous: previousEncryptionKeys } = sessionKeys(config);
  const sessions = createSessionStore({
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    ttlMs: config.sessions.ttlSeconds * 1000,
    maxSessions: config.sessions.maxInMemory,
    clock,
    keyPrefix: config.redisKeyPrefix,
    ...(encryptionKey ? { encryptionKey, previousEncryptionKeys } : {}),
    onUnreadable: (error, reason) =>
      logger.warn(
        { err: error, reason },
        reason === 'malformed'
          ? 'a session in Redis cannot be read: its stored data is malformed; it is answered as absent (further ones are not logged)'
          : 'a session in Redis cannot be read, most likely because it was written by an instance with a different SESSION_ENCRYPTION_KEY (or none): such sessions are answered as absent, their customers start anew; give every instance the same key (further ones are not logged)',
      ),
    onKeyCheck: (check) =>
      check.ok
        ? logger.info(
            { detail: check.detail },
            'the session key check passes again: sessions are served',
          )
        : logger.error(
            { detail: check.detail },
            `the session key check fails, so session requests are refused with 503 until it passes: ${check.detail}`,
          ),
  });
  const redis: Redis | undefined = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  const sessionEvents: SessionEvents =
    redis && config.redisUrl
      ? new RedisSessionEvents(redis, connectRedis(config.redisUrl), {
          keyPrefix: config.redisKeyPrefix,
          ...(encryptionKey ? { encryptionKey, previousEncryptionKeys } : {}),
          onError: (error) =>
            logger.warn(
              { err: error },
              'session events: an event was not published or delivered (publishing that fails is logged once, until it works again)',
            ),
        })
      : new MemorySessionEvents();
  const localTools: LocalTools = {
    health: () =>
      tools.list().map((tool) => ({
        name: tool.name,
        breaker: tools.breaker(tool.name),
        stats: observer.stats(tool.name),
      })),
    reset: (name) => (tools.has(name) ? tools.reset(name) : undefined),
  };
  const instanceId = newInstanceId();
  const { redisUrl } = config;
  const toolHealth: SharedToolHealth =
    redis && redisUrl
      ? new RedisToolHealth(redis, () => connectRedis(redisUrl), {
          keyPrefix: config.redisKeyPrefix,
          instanceId,
          local: localTools,
          clock,
          logger,
        })
      : new LocalToolHealth(instanceId, localTools, clock);
  if (toolHealth instanceof RedisToolHealth) {
    observer.onBreakerChange(() => toolHealth.reportSoon());
  }
  const sessionTurns = new SessionTurns({
    sessions,
    events: sessionEvents,
    conversations,
    turns,
    logger,
    clock,
    lockTtlMs: SESSION_LOCK_TTL_MS,
    lockWaitMs: config.sessions.lockWaitMs,
    // The passages read from its files go, as nothing may search them; the files themselves
    // stay with the transcript that lists them, for the staff, until the session is erased.
    forgetFiles: (sessionId) => knowledge.deleteScope(sessionScope(sessionId), { files: 'keep' }),
  });
  const rateLimiter: RateLimiter = redis
    ? new RedisRateLimiter(redis, {
        keyPrefix: config.redisKeyPrefix,
        onError: (error, outage) =>
          logger.warn(
            { err: error, ...outage },
            'rate limiter: Redis does not answer; requests are let through without a limit until it does',
          ),
        onRecovered: (outage) =>
          logger.info(outage, 'rate limiter: Redis answers again; requests are limited again'),
      })
    : new MemoryRateLimiter(clock);
  const adminKeyHash =
    overrides.adminKeyHash ??
    (config.adminApiKey
      ? createHash('sha256').update(config.adminApiKey, 'utf8').digest('hex')
      : undefined);

  const erasure = sessionErasure({
    config,
    conversations,
    knowledge,
    sessions,
    clock,
    logger,
    events: sessionEvents,
    notify: webhooks ? { leaseMs: webhooks.leaseMs } : undefined,
    erased: telemetry.meter.createCounter('support_agent.sessions.erased', {
      description:
        'Sessions whose conversation was erased, by reason: retention (RETENTION_DAYS) or request (the admin API)',
    }),
  });
  let retention: { stop(): Promise<void> } | undefined;

  // The embedded database fails every write on a full disk: its free space is a readiness check
  // (one statfs a second and a half, however often the balancer asks). Postgres keeps no data here.
  const diskSpace =
    config.databaseUrl || config.dataDirMinFreeMb === 0
      ? undefined
      : cachedCheck(() => checkDiskSpace(config.dataDir, config.dataDirMinFreeMb));
  let memorySweep: unknown;
  const forgetOldMemories = async () => {
    const before = new Date(clock.now() - config.memory.maxAgeDays * 86_400_000).toISOString();
    const forgotten = await conversations.forgetBefore(before);
    if (forgotten > 0) logger.info({ forgotten, before }, 'forgot old memories');
    return forgotten;
  };

  let closed: Promise<void> | undefined;
  return {
    config,
    logger,
    correlation,
    telemetry,
    tools,
    clock,
    knowledge,
    conversations,
    turns,
    sessions,
    sessionTurns,
    sessionEvents,
    rateLimiter,
    toolStats: observer,
    toolHealth,
    adminKeyHash,
    webhooks,
    start() {
      webhooks?.start();
      toolHealth.start();
      // Read now, in the background, rather than by the first customer's question to be
      // spelling-corrected (about 40 ms); a failure only leaves it to that question, as before.
      loadEnglishWords().catch((error: unknown) =>
        logger.warn({ err: error }, 'reading the English word list for spelling failed'),
      );
      const sweep = () => {
        forgetOldMemories().catch((error: unknown) =>
          logger.error({ err: error }, 'forgetting old memories failed'),
        );
        // Replies kept for idempotent retries are not needed past their time to live.
        const keysBefore = new Date(
          clock.now() - config.http.idempotencyTtlHours * 3_600_000,
        ).toISOString();
        conversations
          .forgetIdempotencyKeysBefore(keysBefore)
          .catch((error: unknown) =>
            logger.error({ err: error }, 'forgetting old idempotency keys failed'),
          );
        // Delivered webhook events are kept a while for looking into, then let go.
        const deliveredBefore = new Date(clock.now() - DELIVERED_KEEP_MS).toISOString();
        conversations
          .forgetDeliveredBefore(deliveredBefore)
          .catch((error: unknown) =>
            logger.error({ err: error }, 'forgetting delivered webhook events failed'),
          );
        memorySweep = clock.setTimer(sweep, MEMORY_SWEEP_MS);
      };
      if (memorySweep === undefined) sweep();
      if (config.retention.days > 0) retention ??= erasure.schedule();
    },
    forgetOldMemories,
    eraseSession: erasure.eraseSession,
    sweepRetention: erasure.sweep,
    retriever,
    parsing: kbParsing,
    async indexVectors(options = {}) {
      if (!dense || !config.embeddings.model) return undefined;
      return indexVectors(knowledge, dense.index, dense.embed, {
        model: config.embeddings.model,
        ...options,
      });
    },
    async readiness() {
      return Promise.all([
        withDeadline('data_dir', checkDataDir(config.dataDir)),
        ...(diskSpace ? [withDeadline('disk_space', diskSpace())] : []),
        withDeadline('database', storage.check()),
        ...(config.redisUrl ? [withDeadline('redis', checkSessions(sessions))] : []),
      ]);
    },
    close() {
      closed ??= (async () => {
        if (memorySweep !== undefined) clock.clearTimer(memorySweep);
        // Each part closes whatever the others do, and within a bound: a pool that fails or
        // hangs (its server gone silent) neither keeps the rest open nor the telemetry unsent.
        const failed = await closeEach([
          // Before the stores close: a sweep in progress stops after the session it is erasing.
          ['retention sweep', () => retention?.stop()],
          ['webhook delivery', () => webhooks?.stop()],
          ['session store', () => sessions.close().catch(() => undefined)],
          ['session events', () => sessionEvents.close()],
          ['tool health', () => toolHealth.close()],
          ['Redis connection', () => redis?.disconnect()],
          ['database', () => storage.close()],
        ]);
        // One line that says what stays open, written before the log is flushed.
        if (failed.length > 0) logger.error({ failed }, describeCloseFailures(failed));
        await telemetry.shutdown();
        await new Promise<void>((resolve) => logger.flush(() => resolve()));
        if (failed.length > 0) throw closeFailed(failed);
      })();
      return closed;
    },
  };
}

/** The repositories of one database, and what the app needs to know of its life. */
export interface Storage {
  knowledge: KnowledgeRepository;
  conversations: ConversationRepository;
  vectors: VectorIndex;
  /** The readiness check of the database. */
  check(): Promise<ReadinessCheck>;
  close(): Promise<void>;
}

/** The embedded default: one SQLite file (or `:memory:`). */
function sqliteStorage(path: string, now: () => Date): Storage {
  const db = openDatabase(path);
  const conversations = new SqliteConversationRepository(db, now);
  let vectors: VectorIndex | undefined;
  // A file locked by another process, or on a full or read-only disk, is a 503 (as a database
  // server that is down is), not a 500; the log says which file and what to do.
  return {
    knowledge: withStoreErrors(new SqliteKnowledgeRepository(db), path),
    conversations: withStoreErrors(conversations, path),
    // Created on first use: the vector tables exist only where dense retrieval is configured.
    get vectors() {
      return (vectors ??= withStoreErrors(toVectorIndex(new SqliteVectorIndex(db)), path));
    },
    async check() {
      try {
        db.prepare('SELECT 1').get();
        return { name: 'database', ok: true, detail: 'SQLite answers' };
      } catch (error) {
        return { name: 'database', ok: false, detail: (error as Error).message };
      }
    },
    async close() {
      conversations.flush();
      db.close();
    },
  };
}

/**
 * Postgres at `url`: connected, migrated, and its stored search terms those of this program's
 * stemming (see `recomputeTerms`).
 */
async function postgresStorage(
  url: string,
  now: () => Date,
  report: {
    /** The logger, once there is one. */
    logger: () => Logger | undefined;
    onTermsRecomputed: (done: TermsRecomputed) => void;
  },
): Promise<Storage> {
  const store = await openPostgresStore(url, {
    now,
    onError: (error) =>
      report.logger()?.warn({ err: error }, 'a PostgreSQL connection failed while idle'),
    onTermsRecomputed: report.onTermsRecomputed,
  });
  return {
    knowledge: store.knowledge,
    conversations: store.conversations,
    vectors: store.vectors,
    check: () =>
      store.ping().then(
        () => ({ name: 'database', ok: true, detail: 'PostgreSQL answers' }),
        (error: unknown) => ({ name: 'database', ok: false, detail: (error as Error).message }),
      ),
    close: () => store.close(),
  };
}

/**
 * Redis answers, and its sessions are readable with this instance's SESSION_ENCRYPTION_KEY: an
 * instance given another key would otherwise serve, and answer every existing session as gone.
 */
async function checkSessions(sessions: SessionStore): Promise<ReadinessCheck> {
  try {
    await sessions.ping();
    return { name: 'redis', ok: true, detail: 'Redis answers; its sessions are readable here' };
  } catch (error) {
    return { name: 'redis', ok: false, detail: (error as Error).message };
  }
}

/**
 * How long a session lock lives unless extended (it is, every third of that, while a turn runs):
 * the sessions of an instance that crashed mid-turn are free again this soon.
 */
const SESSION_LOCK_TTL_MS = 10_000;

/** How often old memories are looked for while serving. */
const MEMORY_SWEEP_MS = 3_600_000;
/** How often conversations past their retention are looked for while serving. */
const RETENTION_SWEEP_MS = 3_600_000;
/** How long a delivered webhook event is kept. */
const DELIVERED_KEEP_MS = 7 * 86_400_000;

/**
 * Counts turns for `/metrics`: replies by who answered and whether the help center had the
 * answer (the share answered without a person is the agent's deflection rate), tickets opened
 * by category and priority, language-model fallbacks, and turn durations.
 */
function turnMetrics(telemetry: Telemetry): (outcome: TurnOutcome) => void {
  const turns = telemetry.meter.createCounter('support_agent.turns', {
    description:
      'Replies by who answered (extractive, llm) and result: answered from the help center, not_found, search_failed (the help center could not be searched), or not_looked_up (a greeting, thanks, nothing to look up)',
  });
  const tickets = telemetry.meter.createCounter('support_agent.tickets.opened', {
    description: 'Tickets opened by escalation, by category and priority',
  });
  const fallbacks = telemetry.meter.createCounter('support_agent.llm.fallbacks', {
    description: 'Turns where the language model failed and the extractive answer stood in',
  });
  const duration = telemetry.histograms.histogram('support_agent.turn.duration_seconds', {
    description: 'Duration of whole turns, from the stored message to the stored reply',
    unit: 's',
    boundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });
  return (outcome) => {
    const { answeredBy, result } = outcome;
    turns.add(1, { answered_by: answeredBy, result });
    if (outcome.ticketOpened) tickets.add(1, outcome.ticketOpened);
    if (outcome.fallback) fallbacks.add(1);
    duration.seriesFor(answeredBy, () => ({ answered_by: answeredBy })).record(outcome.seconds);
  };
}

/** What {@link sessionErasure} works with. */
interface ErasureDeps {
  config: Config;
  conversations: ConversationRepository;
  knowledge: KnowledgeRepository;
  sessions: SessionStore;
  clock: Clock;
  logger: Logger;
  /** Counts erased sessions, by `reason`. */
  erased: Counter;
  /** Where an erased session's end is published: its streams, on every instance, end. */
  events: SessionEvents;
  /**
   * A webhook is configured: the ticket system is told when a ticket it has was erased, once a
   * delivery lease (this many milliseconds) has passed.
   */
  notify: { leaseMs: number } | undefined;
}

/**
 * Erasure of sessions, on request and by retention, with the session store in step: an erased
 * session's token stops working, and the session's lock keeps a turn from storing anything of
 * it while it is erased.
 */
function sessionErasure(deps: ErasureDeps) {
  const { config, conversations, knowledge, sessions, clock, logger } = deps;
  const repositories = { conversations, knowledge };

  /**
   * Ends the erased session's live feeds and WebSockets, on every instance: after the session
   * store lost it, so that a stream opening meanwhile is refused instead. Not waited for; when
   * it cannot be published the erasure stands, and is logged.
   */
  const endStreams = (sessionId: string): void => {
    deps.events
      .publishEnd(sessionId, 'erased')
      .catch((error: unknown) =>
        logger.warn(
          { err: error, sessionId },
          'the erasure of a session could not be told to its streams on other instances (Redis): they learn of it at their next message',
        ),
      );
  };

  /**
   * Erases a session with `erase` and, when it had a ticket and a webhook is configured, queues
   * `ticket.erased` (the ticket's id, the reason, the time), so that the ticket system erases its
   * copy too. Queued after the erasure, which deletes the session's webhook messages; it names no
   * session, so a later erasure leaves it to be sent. Its first try waits for a lease's length: a
   * message of the session that an instance was posting as it was erased reaches the ticket
   * system before the erasure does, not after it, where it would bring the ticket back.
   */
  const erasing = async (
    sessionId: string,
    reason: 'request' | 'retention',
    erase: () => Promise<ErasedSession | null>,
  ): Promise<ErasedSession | null> => {
    const notify = deps.notify;
    const ticket = notify ? await conversations.ticketOf(sessionId) : null;
    const erased = await erase();
    if (erased !== null && erased.tickets > 0 && ticket && notify) {
      const erasedAt = clock.now();
      await conversations.enqueue(
        {
          topic: 'ticket.erased',
          payload: {
            ticket: { id: ticket.id },
            reason,
            erasedAt: new Date(erasedAt).toISOString(),
          },
        },
        { notBefore: new Date(erasedAt + notify.leaseMs).toISOString() },
      );
    }
    return erased;
  };

  const eraseSession = async (sessionId: string): Promise<ErasedSession | null> => {
    const lock = await sessions.lock(sessionId, SESSION_LOCK_TTL_MS, {
      waitMs: config.sessions.lockWaitMs,
    });
    try {
      // The live session goes first: a message waiting for the lock then finds no session, and
      // a new one is refused, so nothing is stored after the erasure.
      const live = await sessions.delete(sessionId);
      const erased = await erasing(sessionId, 'request', () =>
        eraseSessionData(repositories, sessionId),
      );
      if (erased === null || (!live && !erasedAnything(erased))) return null;
      endStreams(sessionId);
      deps.erased.add(1, { reason: 'request' });
      logger.info({ sessionId, erased }, 'session erased on request');
      return erased;
    } finally {
      await lock.release().catch(() => false);
    }
  };

  const sweep = async (options: { signal?: AbortSignal } = {}): Promise<number> => {
    const days = config.retention.days;
    if (days === 0) return 0;
    const before = new Date(clock.now() - days * 86_400_000).toISOString();
    let liveSessionFailures = 0;
    const erased = await sweepIdleSessions({
      ...repositories,
      before,
      ...(options.signal ? { signal: options.signal } : {}),
      erase: async (sessionId) => {
        // Only a live session can have a turn running (a message needs its token): such a one
        // is erased under its lock, so that no message of it is stored meanwhile. Any other is
        // erased as it is, without writing a lock for it.
        const live = (await sessions.get(sessionId)) !== null;
        let lock: SessionLock | undefined;
        if (live) {
          try {
            lock = await sessions.lock(sessionId, SESSION_LOCK_TTL_MS, { waitMs: 0 });
          } catch (error) {
            // A turn of it is running: it is not idle. The next sweep sees.
            if (isAppError(error) && error.code === 'rejected') return false;
            throw error;
          }
        }
        try {
          const done = await erasing(sessionId, 'retention', () =>
            eraseSessionData(repositories, sessionId, { idleBefore: before }),
          );
          if (done === null) return false;
          // Its token would otherwise open an empty conversation until the session expires.
          // Only a live session can have streams open: theirs end.
          if (live) {
            await sessions.delete(sessionId).catch(() => liveSessionFailures++);
            endStreams(sessionId);
          }
          deps.erased.add(1, { reason: 'retention' });
          return true;
        } finally {
          await lock?.release().catch(() => false);
        }
      },
    });
    if (liveSessionFailures > 0) {
      logger.warn(
        { sessions: liveSessionFailures },
        'erased sessions past their retention, but could not remove some from the session store; they expire on their own',
      );
    }
    if (erased > 0)
      logger.info({ erased, before }, `erased ${erased} sessions past their retention`);
    else logger.debug({ before }, 'no session is past its retention');
    return erased;
  };

  /** Sweeps now and then every hour until stopped; a sweep never overlaps the one before. */
  const schedule = () => {
    const stopping = new AbortController();
    let timer: unknown;
    let running: Promise<void> | undefined;
    const run = () => {
      timer = undefined;
      running = sweep({ signal: stopping.signal })
        .then(
          () => undefined,
          (error: unknown) => {
            if (!stopping.signal.aborted) {
              logger.error({ err: error }, 'erasing sessions past their retention failed');
            }
          },
        )
        .finally(() => {
          if (stopping.signal.aborted) return;
          timer = clock.setTimer(run, RETENTION_SWEEP_MS);
          // Never what keeps the process alive.
          (timer as { unref?: () => void }).unref?.();
        });
    };
    run();
    return {
      async stop() {
        stopping.abort();
        if (timer !== undefined) clock.clearTimer(timer);
        await running;
      },
    };
  };

  return { eraseSession, sweep, schedule };
}

/**
 * How files are read, from the `PARSE_*` settings: the limits of one file, and the options of
 * every set of parse workers the app makes. The sets share one memory budget, made here: the
 * process's memory is one, however many sets read files in it.
 */
export function parseSettings(config: Config): {
  workers: ParseWorkersOptions;
  limits: ParseLimits;
} {
  const { timeoutMs, workerMemoryMb, memoryBudgetMb, concurrency, maxTextChars, maxPdfPages } =
    config.parse;
  return {
    workers: {
      timeoutMs,
      memoryMb: workerMemoryMb,
      capacity: createParseCapacity(memoryBudgetMb),
      ...(concurrency !== undefined ? { concurrency } : {}),
    },
    limits: { ...DEFAULT_PARSE_LIMITS, maxTextChars, maxPdfPages },
  };
}

/** The retriever's settings from configuration: the same for the agent, `search` and `eval`. */
export function retrieverSettings(config: Config): RetrieverSettings {
  return {
    ...DEFAULT_RETRIEVER_SETTINGS,
    topK: config.kb.topK,
    maxPerDocument: config.kb.maxPerDocument,
    titleWeight: config.kb.titleWeight,
  };
}

/**
 * The built-in support vocabulary, with the lines of `KB_SYNONYMS_FILE` added when it is set.
 * @throws {ConfigError} when the file cannot be read or a line of it cannot be understood.
 */
export function synonyms(config: Config): Synonyms {
  const file = config.kb.synonymsFile;
  if (file === undefined) return Synonyms.default;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError([`KB_SYNONYMS_FILE: cannot read ${file} (${reason})`]);
  }
  try {
    return new Synonyms(DEFAULT_SYNONYMS, text);
  } catch (error) {
    throw new ConfigError([`KB_SYNONYMS_FILE (${file}): ${(error as Error).message}`]);
  }
}

/**
 * The names of the tools {@link createApp} registers for `config` (a test may add its own), so
 * that `doctor` can tell of an override of no tool, as `serve` does, without building the app.
 */
export function builtInToolNames(config: Config): string[] {
  const { embeddings, llm } = config;
  return [
    'kb_search',
    'memory',
    'escalation',
    'attachments',
    ...(embeddings.baseUrl && embeddings.model ? ['embed_texts'] : []),
    ...(llm.baseUrl && llm.model ? ['llm_chat'] : []),
  ];
}

/**
 * What is said of `tools.overrides.<name>` when no tool has that name: a misspelt one leaves its
 * tool on its defaults, so the name it nearly spells is given.
 */
export function unknownToolOverride(name: string, toolNames: readonly string[]): string {
  const meant = closestName(name, toolNames);
  return `configuration has overrides for "${name}", but no tool has that name${meant ? `; did you mean "${meant}"?` : ''}`;
}

/** Dense retrieval through the `embed_texts` tool, when an embeddings service is configured. */
function denseRetrieval(
  config: Config,
  vectors: VectorIndex,
  tools: ToolRegistry,
): DenseRetrieval | undefined {
  const { baseUrl, model, apiKey } = config.embeddings;
  if (!baseUrl || !model) return undefined;
  tools.register(
    createEmbedTextsTool(createOpenAiEmbedder({ baseUrl, model, ...(apiKey ? { apiKey } : {}) })),
  );
  const embed: EmbedTexts = async (texts, signal) => {
    const result = await tools.call<Float32Array[]>('embed_texts', { texts }, { signal });
    return result.type === 'ok' ? result.value : null;
  };
  return { embed, index: vectors, maxDistance: config.kb.denseMaxDistance };
}

/**
 * The webhook's backlog as metrics, read from the outbox at each collection: how many messages
 * wait and how long the oldest has waited. A database that cannot be read leaves them out of that
 * collection (and says so once per run of failures) rather than failing `/metrics`.
 */
function observeOutbox(
  meter: Meter,
  conversations: ConversationRepository,
  clock: Clock,
  logger: Logger,
): void {
  const undelivered = meter.createObservableGauge('support_agent.outbox.undelivered', {
    description: 'Webhook messages not delivered yet',
  });
  const failing = meter.createObservableGauge('support_agent.outbox.failing', {
    description: 'Undelivered webhook messages whose last try failed',
  });
  const oldestAge = meter.createObservableGauge('support_agent.outbox.oldest_age_seconds', {
    description: 'How long the oldest undelivered webhook message has waited, in seconds',
  });
  let failed = false;
  meter.addBatchObservableCallback(
    async (result) => {
      let backlog: OutboxBacklog;
      try {
        backlog = await conversations.outboxBacklog();
        failed = false;
      } catch (error) {
        if (!failed) logger.warn({ err: error }, 'could not read the outbox backlog for metrics');
        failed = true;
        return;
      }
      result.observe(undelivered, backlog.undelivered);
      result.observe(failing, backlog.failing);
      const oldest = backlog.oldestCreatedAt === null ? NaN : Date.parse(backlog.oldestCreatedAt);
      result.observe(
        oldestAge,
        Number.isNaN(oldest) ? 0 : Math.max(0, (clock.now() - oldest) / 1000),
      );
    },
    [undelivered, failing, oldestAge],
  );
}
