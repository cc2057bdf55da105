import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_FIRST_TOKEN_TIMEOUT_MS } from '../model/openai-chat-model.js';
import { LLM_CHAT_TIMEOUT_MS } from '../tools/llm-chat/llm-chat.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const httpUrl = z
  .string()
  .trim()
  .url()
  .refine((v) => /^https?:\/\//i.test(v), { message: 'must start with http:// or https://' })
  // fetch refuses such a URL, and the error it gives repeats the password.
  .refine((v) => !/^https?:\/\/[^/?#]*@/i.test(v), {
    message: 'must not hold a user name or password (give a key in its own setting)',
  });
const schemeUrl = (schemes: readonly string[]) =>
  z
    .string()
    .trim()
    .url()
    .refine((v) => schemes.some((s) => v.toLowerCase().startsWith(`${s}://`)), {
      message: `must start with ${schemes.map((s) => `${s}://`).join(' or ')}`,
    });

/** Retry settings of a tool. */
export const retrySchema = z.object({
  maxAttempts: int(1, 10),
  initialDelayMs: int(0, 600_000),
  maxDelayMs: int(0, 600_000),
  multiplier: z.coerce.number().min(1).max(10),
  jitter: z.coerce.number().min(0).max(1),
});

/** Circuit-breaker settings of a tool. */
export const breakerSchema = z.object({
  failureThreshold: int(1, 1000),
  cooldownMs: int(1, 3_600_000),
});

/** Concurrency cap of a tool. */
export const concurrencySchema = z.object({
  limit: int(1, 10_000),
  queue: int(0, 100_000),
});

/** The resilience policy of one tool. */
export const toolPolicySchema = z.object({
  timeoutMs: int(1, 600_000),
  retry: retrySchema,
  breaker: breakerSchema,
  concurrency: concurrencySchema,
});

/** A per-tool override: any subset of a policy. */
export const toolPolicyOverrideSchema = z
  .object({
    timeoutMs: int(1, 600_000),
    retry: retrySchema.partial().strict(),
    breaker: breakerSchema.partial().strict(),
    concurrency: concurrencySchema.partial().strict(),
  })
  .partial()
  .strict();

/** A comma-separated string as its non-empty items, trimmed; a list (from a file) as it is. */
const commaSeparated = (value: unknown): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '')
    : value;

/** A comma-separated list of web origins (scheme, host and port; no path). */
const originList = z.preprocess(
  commaSeparated,
  z.array(
    // Browsers send the Origin header as exactly this, and it is compared as a string: a
    // wildcard or a path would be accepted here and then never match.
    z.string().regex(/^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9-]+(\.[a-z0-9-]+)*)(:\d{1,5})?$/i, {
      message:
        'is not an origin: each origin is like https://shop.example.com (scheme, host and optional port; no path, no wildcard)',
    }),
  ),
);

/** `true` / `false` (also `1` / `0`, `yes` / `no`), as environment variables spell them. */

/**
 * Which proxies in front of the service to believe about the client's address. `false`: none.
 * A number: that many proxies, each adding the address it got the request from to the end of
 * `X-Forwarded-For` (`true` is one). A list: the proxies' own addresses or ranges. The client's
 * address is then the last one in the header that no trusted proxy wrote — never the first,
 * which the client writes itself.
 */
const trustProxy = z.preprocess(
  (value) => {
    if (value === true) return 1;
    if (typeof value !== 'string') return value;
    const v = value.trim().toLowerCase();
    if (['false', '0', 'no', ''].includes(v)) return false;
    if (['true', 'yes'].includes(v)) return 1;
    if (/^\d+$/.test(v)) return Number(v);
    return v
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
  },
  z.union([
    z.literal(false),
    z.number().int().min(1).max(10),
    z
      .array(
        z.string().refine(isProxyAddress, {
          message:
            'is not a proxy address: give true, a number of proxies, or their addresses or ranges (10.0.0.0/8)',
        }),
      )
      .min(1),
  ]),
);

/** An IP address, a range (`10.0.0.0/8`), or a named range that proxy-addr knows. */
function isProxyAddress(text: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(text)) return true;
  const [address = '', bits, ...rest] = text.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

const optionalSecret = z.string().min(1).optional();

/**
 * A comma-separated list of secrets (the keys a session key replaced), or a list in a file. Each
 * key's form is checked where it is read (`sessionKeys`), as `SESSION_ENCRYPTION_KEY`'s is.
 */
const secretList = z.preprocess(commaSeparated, z.array(z.string().trim().min(1)));

/** One of `values`, in any case: operators write `LOG_LEVEL=DEBUG` as often as `debug`. */
const anyCase = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.toLowerCase() : value),
    z.enum(values),
  );

/** The whole configuration. */
export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().trim().min(1),
        port: int(0, 65_535),
        shutdownDrainMs: int(0, 600_000),
        shutdownGraceMs: int(0, 600_000),
      })
      .strict(),
    dataDir: z.string().trim().min(1),
    dataDirMinFreeMb: int(0, 1_073_741_824).optional(),
    databaseUrl: schemeUrl(['postgres', 'postgresql']).optional(),
    redisUrl: schemeUrl(['redis', 'rediss']).optional(),
    redisKeyPrefix: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, {
      message: 'must be 1 to 64 letters, digits and : _ - .',
    }),
    adminApiKey: z.string().min(16).optional(),
    metricsToken: z.string().min(16).optional(),
    llm: z
      .object({
        baseUrl: httpUrl.optional(),
        model: optionalSecret,
        apiKey: optionalSecret,
        firstTokenTimeoutMs: int(1, 600_000),
        idleTimeoutMs: int(1, 600_000),
        answerTimeoutMs: int(1, 600_000),
      })
      .strict(),
    embeddings: z
      .object({ baseUrl: httpUrl.optional(), model: optionalSecret, apiKey: optionalSecret })
      .strict(),
    log: z
      .object({
        level: anyCase(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
        format: anyCase(['auto', 'json', 'pretty']),
      })
      .strict(),
    telemetry: z
      .object({ serviceName: z.string().trim().min(1), otlpEndpoint: httpUrl.optional() })
      .strict(),
    kb: z
      .object({
        chunkSize: int(20, 2000),
        chunkOverlap: int(0, 500),
        maxFileBytes: int(1, 1_073_741_824),
        topK: int(1, 50),
        maxPerDocument: int(1, 50),
        titleWeight: z.coerce.number().min(0).max(20),
        denseMaxDistance: z.coerce.number().min(0).max(2),
        synonymsFile: z.string().min(1).optional(),
      })
      .strict(),
    parse: z
      .object({
        timeoutMs: int(1000, 3_600_000),
        memoryBudgetMb: int(128, 1_048_576),
        workerMemoryMb: int(128, 65_536),
        concurrency: int(1, 64).optional(),
        maxTextChars: int(1024, 268_435_456),
        maxPdfPages: int(1, 100_000),
      })
      .strict(),
    memory: z.object({ maxAgeDays: int(1, 3650) }).strict(),
    retention: z.object({ days: int(0, 36_500) }).strict(),
    attachments: z
      .object({
        maxFileBytes: int(1, 1_073_741_824),
        maxMessageBytes: int(1, 1_073_741_824),
        maxPassages: int(1, 1_000_000),
      })
      .strict(),
    escalation: z
      .object({
        threshold: z.coerce.number().min(0).max(1),
        webhookUrl: httpUrl.optional(),
        webhookSecret: z.string().min(16).optional(),
      })
      .strict(),
    sessions: z
      .object({
        ttlSeconds: int(60, 31_536_000),
        maxInMemory: int(1, 10_000_000),
        encryptionKey: z.string().min(1).optional(),
        previousEncryptionKeys: secretList.optional(),
        lockWaitMs: int(100, 600_000),
      })
      .strict(),
    http: z
      .object({
        rateLimitPerMinute: int(1, 1_000_000),
        sessionStartsPerMinute: int(1, 100_000),
        sessionMessagesPerMinute: int(1, 100_000),
        streamsPerSession: int(1, 1000),
        streamsPerAddress: int(1, 1_000_000),
        corsOrigins: originList,
        trustProxy,
        bodyLimitBytes: int(1024, 104_857_600),
        idempotencyTtlHours: int(1, 720),
      })
      .strict(),
    tools: z
      .object({
        defaults: toolPolicySchema.strict(),
        overrides: z.record(z.string(), toolPolicyOverrideSchema),
      })
      .strict(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const r = config.tools.defaults.retry;
    if (r.maxDelayMs < r.initialDelayMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['tools', 'defaults', 'retry', 'maxDelayMs'],
        message: `must not be below the initial delay (${r.initialDelayMs} ms)`,
      });
    }
    if (config.kb.chunkOverlap >= config.kb.chunkSize) {
      ctx.addIssue({
        code: 'custom',
        path: ['kb', 'chunkOverlap'],
        message: `must be below the chunk size (${config.kb.chunkSize} words)`,
      });
    }
    if (config.escalation.webhookUrl && !config.escalation.webhookSecret) {
      ctx.addIssue({
        code: 'custom',
        path: ['escalation', 'webhookSecret'],
        message: 'is required when ESCALATION_WEBHOOK_URL is set (receivers check the signature)',
      });
    }
    if (config.sessions.previousEncryptionKeys?.length && !config.sessions.encryptionKey) {
      // Without a current key sessions are written and read plain: the previous keys would open
      // nothing, and an operator who set them believes sessions are still encrypted.
      ctx.addIssue({
        code: 'custom',
        path: ['sessions', 'previousEncryptionKeys'],
        message:
          'needs SESSION_ENCRYPTION_KEY: previous keys are only read while sessions are encrypted with a current key (set SESSION_ENCRYPTION_KEY to the new key, or unset this)',
      });
    }
    if (config.llm.baseUrl && !config.llm.model) {
      ctx.addIssue({
        code: 'custom',
        path: ['llm', 'model'],
        message: 'is required when LLM_BASE_URL is set',
      });
    }
    const llmChatTimeoutMs = config.tools.overrides.llm_chat?.timeoutMs ?? LLM_CHAT_TIMEOUT_MS;
    const firstTokenMs = config.llm.firstTokenTimeoutMs;
    // Raised to the call's own limit or past it, the first-token limit never ends a call: the
    // call's limit does, as a timeout that is asked again, and a server that never begins holds
    // the customer twice that long. (The default under a call limit set shorter still is left
    // alone: that call is bounded as it was before the first-token limit.)
    if (
      config.llm.baseUrl &&
      firstTokenMs > DEFAULT_FIRST_TOKEN_TIMEOUT_MS &&
      firstTokenMs >= llmChatTimeoutMs
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['llm', 'firstTokenTimeoutMs'],
        message: `must be below the time limit of a language model call (${llmChatTimeoutMs} ms, \`tools.overrides.llm_chat.timeoutMs\`)`,
      });
    }
    if (config.embeddings.baseUrl && !config.embeddings.model) {
      ctx.addIssue({
        code: 'custom',
        path: ['embeddings', 'model'],
        message: 'is required when EMBEDDINGS_BASE_URL is set',
      });
    }
  });

/** The validated configuration of the product. */
export type Config = z.infer<typeof configSchema>;
/** The resilience policy of one tool, all fields set. */
export type ToolPolicy = z.infer<typeof toolPolicySchema>;
/** A partial per-tool policy, from a tool's definition or the configuration file. */
export type ToolPolicyOverride = z.infer<typeof toolPolicyOverrideSchema>;
