import {
  DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
} from '../model/openai-chat-model.js';
import { DEFAULT_LLM_ANSWER_TIMEOUT_MS } from '../tools/llm-chat/llm-chat.js';
import { DEFAULT_PARSE_LIMITS, DEFAULT_PARSE_WORKERS } from '../rag/parse/index.js';

/**
 * The environment variables the product reads. One table drives parsing, the error messages of
 * invalid values, `support-agent doctor`, and the README's configuration table.
 */
export interface EnvVarSpec {
  /** The variable's name, e.g. `PORT`. */
  name: string;
  /** Where the value goes in the configuration object (also its key in a config file). */
  path: readonly string[];
  /** The default, as the user would write it; `undefined` when unset means "off". */
  default: string | undefined;
  /** What a valid value looks like, for error messages. */
  expected: string;
  /** What the variable does. */
  description: string;
  /** Masked in `doctor` and never logged. */
  secret?: boolean;
}

/**
 * The defaults of `STREAMS_PER_SESSION` and `STREAMS_PER_ADDRESS`: their one source, which the
 * stream caps and the API's documentation read.
 */
export const STREAM_LIMIT_DEFAULTS = {
  /** Live feeds and WebSockets open at once on one session, on one instance. */
  perSession: 5,
  /**
   * Live feeds and WebSockets open at once from one client address, on one instance: more than
   * one session's worth, for an office or a household behind one address.
   */
  perAddress: 50,
} as const;

const ms = (min: number, max: number) => `a whole number of milliseconds from ${min} to ${max}`;

/** Every environment variable, in the order the README lists them. */
export const ENV_VARS: readonly EnvVarSpec[] = [
  {
    name: 'SUPPORT_AGENT_CONFIG',
    path: [],
    default: undefined,
    expected: 'a path to a .json, .yaml or .yml file',
    description:
      'Optional configuration file. It uses the nested keys of the configuration (e.g. `server.port`, `tools.overrides.kb_search.timeoutMs`); environment variables win over it.',
  },
  {
    name: 'PORT',
    path: ['server', 'port'],
    default: '8080',
    expected: 'a TCP port number from 0 to 65535',
    description: 'Port the HTTP server listens on (0 picks a free one).',
  },
  {
    name: 'HOST',
    path: ['server', 'host'],
    default: '127.0.0.1',
    expected: 'a host name or IP address, e.g. 127.0.0.1 or 0.0.0.0',
    description:
      'Address the HTTP server binds to. Set `0.0.0.0` to expose it beyond this machine.',
  },
  {
    name: 'SHUTDOWN_DRAIN_MS',
    path: ['server', 'shutdownDrainMs'],
    default: '5000',
    expected: ms(0, 600000),
    description:
      'On SIGTERM, how long `/ready` answers 503 `draining` while requests are still served, so that a load balancer (Kubernetes endpoints) stops sending new ones before the server stops listening. `0` skips it; so does SIGINT (Ctrl-C), and a second signal ends it.',
  },
  {
    name: 'SHUTDOWN_GRACE_MS',
    path: ['server', 'shutdownGraceMs'],
    default: '10000',
    expected: ms(0, 600000),
    description:
      'Once the server stops listening (after the drain), how long in-flight requests may take to finish before it closes. A turn still running then is cut short and stores the reply it has so far. A stop takes up to `SHUTDOWN_DRAIN_MS` + this + 2 s: give the supervisor at least that (Kubernetes `terminationGracePeriodSeconds`).',
  },
  {
    name: 'DATA_DIR',
    path: ['dataDir'],
    default: './data',
    expected: 'a directory path',
    description: 'Where the embedded SQLite database and other local files live.',
  },
  {
    name: 'DATA_DIR_MIN_FREE_MB',
    path: ['dataDirMinFreeMb'],
    default: undefined,
    expected: 'a whole number of MiB from 0 to 1073741824',
    description:
      "With the embedded SQLite database: below this much free space on DATA_DIR's disk, `/ready` answers 503 (`disk_space`), as every message would fail on a full disk; `doctor` checks it too. Unset: 100 MiB, or 1% of the disk when that is less. `0` turns the check off.",
  },
  {
    name: 'DATABASE_URL',
    path: ['databaseUrl'],
    default: undefined,
    expected: 'a postgres:// or postgresql:// URL',
    description: 'Postgres for all persistence instead of the embedded SQLite file.',
    secret: true,
  },
  {
    name: 'REDIS_URL',
    path: ['redisUrl'],
    default: undefined,
    expected: 'a redis:// or rediss:// URL',
    description:
      "Redis for sessions, locks and rate limits shared by several instances. Unset, sessions live in the process's memory: a restart ends every open chat (the customer starts a new session; transcripts stay in the database).",
    secret: true,
  },
  {
    name: 'REDIS_KEY_PREFIX',
    path: ['redisKeyPrefix'],
    default: 'support-agent:',
    expected: 'letters, digits and : _ - . (1 to 64 characters)',
    description: 'Prepended to every Redis key, so several deployments can share one Redis.',
  },
  {
    name: 'ADMIN_API_KEY',
    path: ['adminApiKey'],
    default: undefined,
    expected: 'a string of at least 16 characters',
    description:
      'Key for the admin API and console, at least 16 characters. When unset, one is generated at the first start: printed once on a terminal; otherwise written to `<DATA_DIR>/admin-key` (this user only) for you to read and delete, and the log says so. Only its hash is kept.',
    secret: true,
  },
  {
    name: 'METRICS_TOKEN',
    path: ['metricsToken'],
    default: undefined,
    expected: 'a string of at least 16 characters',
    description:
      'At least 16 characters. When set, `GET /metrics` takes only `Authorization: Bearer <this token>` (Prometheus: `authorization.credentials`). Unset, anyone who reaches the port can read the metrics: keep it off the public network.',
    secret: true,
  },
  {
    name: 'LLM_BASE_URL',
    path: ['llm', 'baseUrl'],
    default: undefined,
    expected:
      'an http:// or https:// URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1',
    description: 'OpenAI-compatible chat API for generative answers. Unset: extractive answers.',
  },
  {
    name: 'LLM_MODEL',
    path: ['llm', 'model'],
    default: undefined,
    expected: 'a model name, e.g. gpt-4o-mini',
    description: 'Chat model name passed to the LLM API.',
  },
  {
    name: 'LLM_API_KEY',
    path: ['llm', 'apiKey'],
    default: undefined,
    expected: 'the API key string',
    description: 'API key for the LLM API.',
    secret: true,
  },
  {
    name: 'LLM_FIRST_TOKEN_TIMEOUT_MS',
    path: ['llm', 'firstTokenTimeoutMs'],
    default: String(DEFAULT_FIRST_TOKEN_TIMEOUT_MS),
    expected: ms(1, 600000),
    description:
      "Longest wait for the language model's answer to begin (its first chunk; headers and keep-alive comments do not count), with room for a model that loads or reads a long prompt. Then the request is aborted and not sent again, and the customer gets the help center's answer. At or past the `llm_chat` limit (60 s): refused.",
  },
  {
    name: 'LLM_IDLE_TIMEOUT_MS',
    path: ['llm', 'idleTimeoutMs'],
    default: String(DEFAULT_IDLE_TIMEOUT_MS),
    expected: ms(1, 600000),
    description:
      "Longest silence of the language model's answer once begun (streamed, or one whole JSON body): then the request is aborted, and the customer gets what was written, said to be cut short, and the help center's answer. Before any of it was written, the model is asked once more.",
  },
  {
    name: 'LLM_ANSWER_TIMEOUT_MS',
    path: ['llm', 'answerTimeoutMs'],
    default: String(DEFAULT_LLM_ANSWER_TIMEOUT_MS),
    expected: ms(1, 600000),
    description:
      "Longest wait for the language model's whole answer, across its retries and the calls after its searches: then the request is aborted and not sent again, and the customer gets what was written, said to be cut short, and the help center's answer. A failed request is not sent again when less than a quarter of it is left. By default one `llm_chat` call's limit (60 s): no longer than one attempt may take.",
  },
  {
    name: 'EMBEDDINGS_BASE_URL',
    path: ['embeddings', 'baseUrl'],
    default: undefined,
    expected: 'an http:// or https:// URL of an OpenAI-compatible API',
    description: 'OpenAI-compatible `/embeddings` API; enables dense retrieval fused with BM25.',
  },
  {
    name: 'EMBEDDINGS_MODEL',
    path: ['embeddings', 'model'],
    default: undefined,
    expected: 'a model name, e.g. text-embedding-3-small',
    description: 'Embeddings model name.',
  },
  {
    name: 'EMBEDDINGS_API_KEY',
    path: ['embeddings', 'apiKey'],
    default: undefined,
    expected: 'the API key string',
    description: 'API key for the embeddings API.',
    secret: true,
  },
  {
    name: 'LOG_LEVEL',
    path: ['log', 'level'],
    default: 'info',
    expected: 'one of fatal, error, warn, info, debug, trace, silent',
    description: 'Least severe log level written.',
  },
  {
    name: 'LOG_FORMAT',
    path: ['log', 'format'],
    default: 'auto',
    expected: 'one of auto, json, pretty',
    description: 'Log format: `auto` is pretty on a terminal and JSON lines otherwise.',
  },
  {
    name: 'OTEL_SERVICE_NAME',
    path: ['telemetry', 'serviceName'],
    default: 'support-agent',
    expected: 'a non-empty name',
    description: 'Service name on traces and metrics.',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    path: ['telemetry', 'otlpEndpoint'],
    default: undefined,
    expected: 'an http:// or https:// URL of an OTLP/HTTP collector, e.g. http://localhost:4318',
    description: 'Send traces and metrics to an OpenTelemetry collector over OTLP/HTTP.',
  },
  {
    name: 'KB_CHUNK_SIZE',
    path: ['kb', 'chunkSize'],
    default: '180',
    expected: 'a whole number of words from 20 to 2000',
    description:
      'Target size of a knowledge-base chunk, in words. Chunks follow headings and paragraphs.',
  },
  {
    name: 'KB_CHUNK_OVERLAP',
    path: ['kb', 'chunkOverlap'],
    default: '30',
    expected: 'a whole number of words from 0 to 500, below KB_CHUNK_SIZE',
    description: 'Words a chunk repeats from the previous one of the same section.',
  },
  {
    name: 'KB_MAX_FILE_BYTES',
    path: ['kb', 'maxFileBytes'],
    default: '52428800',
    expected: 'a whole number of bytes from 1 to 1073741824',
    description:
      'Largest file `ingest` reads (50 MiB by default); larger files are reported and skipped.',
  },
  {
    name: 'KB_TOP_K',
    path: ['kb', 'topK'],
    default: '5',
    expected: 'a whole number from 1 to 50',
    description: 'Passages a knowledge-base search returns.',
  },
  {
    name: 'KB_MAX_PER_DOCUMENT',
    path: ['kb', 'maxPerDocument'],
    default: '3',
    expected: 'a whole number from 1 to 50',
    description: 'At most this many passages of one document in a search result.',
  },
  {
    name: 'KB_TITLE_WEIGHT',
    path: ['kb', 'titleWeight'],
    default: '3',
    expected: 'a number from 0 to 20',
    description: 'Weight of a match in a title or heading over a match anywhere in the passage.',
  },
  {
    name: 'KB_SYNONYMS_FILE',
    path: ['kb', 'synonymsFile'],
    default: undefined,
    expected: 'the path of a UTF-8 text file',
    description:
      "Your own words for search (product names, jargon), added to the built-in support vocabulary: one group of words or rule a line (see 'The knowledge base').",
  },
  {
    name: 'KB_DENSE_MAX_DISTANCE',
    path: ['kb', 'denseMaxDistance'],
    default: '0.5',
    expected: 'a cosine distance from 0 to 2',
    description:
      'With embeddings on: a passage this close in meaning counts as relevant even without a shared word.',
  },
  {
    name: 'ATTACHMENT_MAX_FILE_BYTES',
    path: ['attachments', 'maxFileBytes'],
    default: '10485760',
    expected: 'a whole number of bytes from 1 to 1073741824',
    description: 'Largest file a customer may attach (10 MiB by default).',
  },
  {
    name: 'ATTACHMENT_MAX_MESSAGE_BYTES',
    path: ['attachments', 'maxMessageBytes'],
    default: '26214400',
    expected: 'a whole number of bytes from 1 to 1073741824',
    description: 'Largest total of the files attached to one message (25 MiB by default).',
  },
  {
    name: 'ATTACHMENT_MAX_PASSAGES',
    path: ['attachments', 'maxPassages'],
    default: '2000',
    expected: 'a whole number of passages from 1 to 1000000',
    description:
      'Most passages kept from one attached file; a file that makes more is refused as too large. A passage is some `KB_CHUNK_SIZE` words, so the default takes about 300,000 words (some 2 MB of plain text); each passage is stored and searched for the rest of the session.',
  },
  {
    name: 'PARSE_TIMEOUT_MS',
    path: ['parse', 'timeoutMs'],
    default: String(DEFAULT_PARSE_WORKERS.timeoutMs),
    expected: ms(1000, 3600000),
    description:
      'Most time reading one file may take (an upload, `ingest`, an attachment); past it the file is stopped and reported as too slow. Raise it for long PDFs: a 300-page manual can take 40 s. The files of one message are read together within this and 20 s more, at least 50 s (at most 590 s).',
  },
  {
    name: 'PARSE_MEMORY_BUDGET_MB',
    path: ['parse', 'memoryBudgetMb'],
    default: String(DEFAULT_PARSE_WORKERS.memoryBudgetMb),
    expected: 'a whole number of MiB from 128 to 1048576',
    description:
      'How much the process may grow while files are read, for all the files read at once (uploads, `ingest` and attachments share it); past it they are stopped, and a file stopped beside others is read again alone, refused only when it passes this by itself. In a small container, leave room for the rest: 256 with 512 MB of memory.',
  },
  {
    name: 'PARSE_WORKER_MEMORY_MB',
    path: ['parse', 'workerMemoryMb'],
    default: String(DEFAULT_PARSE_WORKERS.memoryMb),
    expected: 'a whole number of MiB from 128 to 65536',
    description:
      'JavaScript heap of the process reading one file; a file that needs more is refused for memory. The largest Word documents read (10 MiB of XML in one part) need most of the default.',
  },
  {
    name: 'PARSE_CONCURRENCY',
    path: ['parse', 'concurrency'],
    default: undefined,
    expected: 'a whole number from 1 to 64',
    description:
      "Files read at once, each in a process of its own, by the knowledge base's uploads and `ingest`, and as many by attachments; more wait their turn. Unset: the cores but one, from 2 to 4 — the machine's cores, not a container's share of them, so give a container's CPUs here.",
  },
  {
    name: 'PARSE_MAX_TEXT_CHARS',
    path: ['parse', 'maxTextChars'],
    default: String(DEFAULT_PARSE_LIMITS.maxTextChars),
    expected: 'a whole number of characters from 1024 to 268435456',
    description:
      'Most text read from one PDF or Word document (5 MiB, some 800,000 words); a file with more is refused, as a file made to expand would be. Text files need no such limit: their size bounds them.',
  },
  {
    name: 'PARSE_MAX_PDF_PAGES',
    path: ['parse', 'maxPdfPages'],
    default: String(DEFAULT_PARSE_LIMITS.maxPdfPages),
    expected: 'a whole number of pages from 1 to 100000',
    description:
      'Most pages of one PDF (2,000 hold about the default text limit); a longer one is refused before its pages are read.',
  },
  {
    name: 'MEMORY_MAX_AGE_DAYS',
    path: ['memory', 'maxAgeDays'],
    default: '30',
    expected: 'a whole number of days from 1 to 3650',
    description:
      'Memories of a session older than this are forgotten (checked at start and hourly while serving).',
  },
  {
    name: 'RETENTION_DAYS',
    path: ['retention', 'days'],
    default: '0',
    expected: 'a whole number of days from 0 (keep forever) to 36500',
    description:
      "Days a conversation is kept after its last message; then everything of it is erased: messages, memories, attachments, its ticket and the ticket's webhook events (checked at start and hourly while serving). A session whose ticket is open or pending is kept until it is not. `0` keeps conversations forever.",
  },
  {
    name: 'ESCALATION_THRESHOLD',
    path: ['escalation', 'threshold'],
    default: '0.7',
    expected: 'a number from 0 to 1',
    description:
      'Weighted score of the escalation signals (a safety incident, a request for a person, legal matters, anger, urgency, repeats, nothing found) at which a ticket is opened.',
  },
  {
    name: 'ESCALATION_WEBHOOK_URL',
    path: ['escalation', 'webhookUrl'],
    default: undefined,
    expected: 'an http:// or https:// URL',
    description:
      'Where new tickets and their updates are POSTed (JSON, signed; retried until accepted, at least once).',
  },
  {
    name: 'ESCALATION_WEBHOOK_SECRET',
    path: ['escalation', 'webhookSecret'],
    default: undefined,
    expected: 'a string of at least 16 characters',
    description:
      'Key of the `X-Support-Agent-Signature: sha256=<HMAC of "<timestamp>.<body>">` header, `X-Support-Agent-Timestamp` being the time of sending; at least 16 characters. Required with the URL.',
    secret: true,
  },
  {
    name: 'SESSION_TTL_SECONDS',
    path: ['sessions', 'ttlSeconds'],
    default: '86400',
    expected: 'a whole number of seconds from 60 to 31536000',
    description:
      'A chat session idle this long expires: its token stops working (the transcript stays for staff).',
  },
  {
    name: 'SESSION_MAX_IN_MEMORY',
    path: ['sessions', 'maxInMemory'],
    default: '100000',
    expected: 'a whole number from 1 to 10000000',
    description:
      'Without Redis, the most sessions kept; the least recently used one is dropped beyond it.',
  },
  {
    name: 'SESSION_ENCRYPTION_KEY',
    path: ['sessions', 'encryptionKey'],
    default: undefined,
    expected: '32 bytes as 64 hexadecimal characters or base64',
    description:
      'Encrypts session data in Redis with AES-256-GCM. 32 random bytes as 64 hexadecimal characters or base64 (`openssl rand -hex 32`). Give every instance the same key.',
    secret: true,
  },
  {
    name: 'SESSION_ENCRYPTION_KEY_PREVIOUS',
    path: ['sessions', 'previousEncryptionKeys'],
    default: undefined,
    expected:
      'a comma-separated list of keys in the form of SESSION_ENCRYPTION_KEY, none of them SESSION_ENCRYPTION_KEY itself',
    description:
      "Keys `SESSION_ENCRYPTION_KEY` had before, comma-separated: sessions and live events written with one of them are still read; every write uses `SESSION_ENCRYPTION_KEY`. Needs `SESSION_ENCRYPTION_KEY`. To change the key without ending open chats, see 'Several instances'.",
    secret: true,
  },
  {
    name: 'SESSION_LOCK_WAIT_MS',
    path: ['sessions', 'lockWaitMs'],
    default: '30000',
    expected: ms(100, 600000),
    description:
      'How long a message waits for the previous message of its session to finish before it is refused as busy.',
  },
  {
    name: 'RATE_LIMIT_PER_MINUTE',
    path: ['http', 'rateLimitPerMinute'],
    default: '600',
    expected: 'a whole number from 1 to 1000000',
    description:
      'Requests per minute allowed from one client address, an IPv6 client counting as its /64 (shared through Redis when it is configured).',
  },
  {
    name: 'SESSION_STARTS_PER_MINUTE',
    path: ['http', 'sessionStartsPerMinute'],
    default: '30',
    expected: 'a whole number from 1 to 100000',
    description:
      'New sessions one client address (an IPv6 client: its /64) may start per minute: with in-memory sessions, a flood of new ones would push out the oldest.',
  },
  {
    name: 'SESSION_MESSAGES_PER_MINUTE',
    path: ['http', 'sessionMessagesPerMinute'],
    default: '30',
    expected: 'a whole number from 1 to 100000',
    description: 'Messages per minute allowed in one session.',
  },
  {
    name: 'STREAMS_PER_SESSION',
    path: ['http', 'streamsPerSession'],
    default: String(STREAM_LIMIT_DEFAULTS.perSession),
    expected: 'a whole number from 1 to 1000',
    description:
      'Live feeds and WebSockets that may be open at once for one session, on each instance; one more is refused with 429 until one closes.',
  },
  {
    name: 'STREAMS_PER_ADDRESS',
    path: ['http', 'streamsPerAddress'],
    default: String(STREAM_LIMIT_DEFAULTS.perAddress),
    expected: 'a whole number from 1 to 1000000',
    description:
      'Live feeds and WebSockets that may be open at once from one client address (an IPv6 client: its /64), on each instance. Raise it when many customers share one address (a carrier-grade NAT, an office).',
  },
  {
    name: 'CORS_ORIGINS',
    path: ['http', 'corsOrigins'],
    default: '',
    expected: 'a comma-separated list of origins, e.g. https://shop.example.com',
    description:
      'Web origins allowed to call the API from a browser (the pages that embed the chat widget).',
  },
  {
    name: 'TRUST_PROXY',
    path: ['http', 'trustProxy'],
    default: 'false',
    expected: 'false, true, a number of proxies, or proxy addresses and ranges',
    description:
      "Take the client address from `X-Forwarded-For` behind proxies (never when exposed directly): `true` or `1` for one proxy, `2` for two, or the proxies' addresses (`10.0.0.0/8,127.0.0.1`). The address used is the last one no trusted proxy wrote, so a client cannot choose its own.",
  },
  {
    name: 'HTTP_BODY_LIMIT_BYTES',
    path: ['http', 'bodyLimitBytes'],
    default: '1048576',
    expected: 'a whole number of bytes from 1024 to 104857600',
    description: 'Largest JSON request body accepted (uploads have their own limits).',
  },
  {
    name: 'IDEMPOTENCY_TTL_HOURS',
    path: ['http', 'idempotencyTtlHours'],
    default: '24',
    expected: 'a whole number of hours from 1 to 720',
    description: 'How long a reply is kept for replay to a retry with the same `Idempotency-Key`.',
  },
  {
    name: 'TOOL_TIMEOUT_MS',
    path: ['tools', 'defaults', 'timeoutMs'],
    default: '30000',
    expected: ms(1, 600000),
    description:
      'Default time limit of one attempt of a tool call; the tool is cancelled when it passes.',
  },
  {
    name: 'TOOL_RETRY_ATTEMPTS',
    path: ['tools', 'defaults', 'retry', 'maxAttempts'],
    default: '3',
    expected: 'a whole number of attempts from 1 to 10',
    description: 'Attempts per tool call, the first included; only retryable failures are retried.',
  },
  {
    name: 'TOOL_RETRY_INITIAL_DELAY_MS',
    path: ['tools', 'defaults', 'retry', 'initialDelayMs'],
    default: '1000',
    expected: ms(0, 600000),
    description: 'Backoff before the first retry; it doubles on each further retry.',
  },
  {
    name: 'TOOL_RETRY_MAX_DELAY_MS',
    path: ['tools', 'defaults', 'retry', 'maxDelayMs'],
    default: '10000',
    expected: ms(0, 600000),
    description:
      'Cap of the backoff between retries. An upstream `Retry-After` hint is honoured up to this cap; a longer one ends the call with the failure instead of stalling it.',
  },
  {
    name: 'TOOL_RETRY_JITTER',
    path: ['tools', 'defaults', 'retry', 'jitter'],
    default: '0.2',
    expected: 'a fraction from 0 to 1',
    description: 'Random part of each backoff: a delay d becomes a value in [d × (1 − jitter), d].',
  },
  {
    name: 'TOOL_BREAKER_THRESHOLD',
    path: ['tools', 'defaults', 'breaker', 'failureThreshold'],
    default: '5',
    expected: 'a whole number from 1 to 1000',
    description: "Consecutive failures that open a tool's circuit breaker.",
  },
  {
    name: 'TOOL_BREAKER_COOLDOWN_MS',
    path: ['tools', 'defaults', 'breaker', 'cooldownMs'],
    default: '60000',
    expected: ms(1, 3600000),
    description: 'How long an open breaker waits before letting one probe call through.',
  },
  {
    name: 'TOOL_CONCURRENCY',
    path: ['tools', 'defaults', 'concurrency', 'limit'],
    default: '32',
    expected: 'a whole number from 1 to 10000',
    description: 'Calls of one tool that may run at once.',
  },
  {
    name: 'TOOL_QUEUE',
    path: ['tools', 'defaults', 'concurrency', 'queue'],
    default: '64',
    expected: 'a whole number from 0 to 100000',
    description: 'Calls that may wait for a free slot; beyond it a call is `rejected`.',
  },
];
