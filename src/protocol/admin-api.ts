/**
 * The REST shapes of `/v1/admin`, the staff's side of the API. As in `api.ts`, bodies refuse
 * unknown fields and queries ignore unknown parameters.
 */
import { z } from 'zod';
import { escalationInfoSchema } from './events.js';

const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/** `GET /v1/admin/documents` query. */
export const documentListQuerySchema = z.object({
  scope: z.string().min(1).max(200).default('kb'),
  ...page,
});

/**
 * One of `values`, or a message that lists them all and says what was sent instead: zod's own
 * ("Invalid option: expected one of "a"|"b"") reads like a type error, not like an answer.
 */
function oneOf<const T extends readonly string[]>(values: T) {
  const listed = values.map((v) => `"${v}"`);
  const choices = `${listed.slice(0, -1).join(', ')} or ${listed.at(-1) ?? ''}`;
  return z.enum(values, {
    error: (issue) => {
      if (issue.input === undefined) return 'is required';
      const given = typeof issue.input === 'string' ? JSON.stringify(issue.input.slice(0, 40)) : '';
      return `must be one of ${choices}${given ? `, not ${given}` : ''}`;
    },
  });
}

/** The states of a ticket, from opened to closed. */
export const TICKET_STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;
/** How urgent a ticket is, as escalation decided (`low` is for a conversation it did not hand over). */
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
/** The queues a ticket goes to: escalation's categories, but `none` (that one opens no ticket). */
export const TICKET_CATEGORIES = escalationInfoSchema.shape.category.exclude(['none']).options;

/**
 * `GET /v1/admin/tickets` query: each filter given narrows the list (`?priority=urgent&status=open`
 * is the urgent tickets still open); a value that is not one of the known ones is a 400, not an
 * empty list that looks like "no such tickets".
 */
export const ticketListQuerySchema = z.object({
  status: oneOf(TICKET_STATUSES).optional(),
  priority: oneOf(TICKET_PRIORITIES).optional(),
  category: oneOf(TICKET_CATEGORIES).optional(),
  ...page,
});

/** `PATCH /v1/admin/tickets/:id` body. */
export const ticketPatchSchema = z.strictObject({
  status: oneOf(TICKET_STATUSES),
});

/** `GET /v1/admin/sessions` query. */
export const sessionListQuerySchema = z.object({
  limit: page.limit,
  before: z.string().datetime({ offset: true }).optional(),
});

/** `GET /v1/admin/sessions/:id` and ticket transcripts query. */
export const transcriptQuerySchema = z.object({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/** `POST /v1/admin/search` body: the search playground. */
export const adminSearchBodySchema = z.strictObject({
  query: z.string().min(1).max(2000),
  /** Session scopes to search with the knowledge base, e.g. a session's attachments. */
  sessionId: z.string().uuid().optional(),
  topK: z.coerce.number().int().min(1).max(50).optional(),
});

/** What an ingestion did: files read, documents added, updated or removed, files that failed. */
export const ingestReportSchema = z.object({
  files: z.number().int(),
  unchangedFiles: z
    .number()
    .int()
    .describe('Files whose bytes had not changed since they were last read: not even parsed.'),
  documents: z.object({
    added: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    removed: z.number().int(),
  }),
  chunksWritten: z.number().int(),
  pruned: z.number().int(),
  failed: z
    .array(z.object({ path: z.string(), reason: z.string() }))
    .describe('Files that were not stored, each with the reason; the others were.'),
});

/** A stored document, as upload and re-index name it: by the id the other document routes take. */
export const documentRefSchema = z.object({
  id: z.string(),
  source: z
    .string()
    .describe('Where it came from: `uploads/<file name>` (without folders) for an upload.'),
  title: z.string(),
  chunkCount: z.number().int(),
});

/** `POST /v1/admin/documents` response (201; 422 when no file could be stored). */
export const documentUploadResultSchema = z.object({
  summary: z.string(),
  documents: z
    .array(documentRefSchema)
    .describe(
      'The documents stored from the uploaded files (a file may hold several, e.g. an FAQ), with the ids to delete or re-index them by.',
    ),
  report: ingestReportSchema,
});
export type DocumentUploadResult = z.infer<typeof documentUploadResultSchema>;

/** `POST /v1/admin/documents/:id/reindex` response. */
export const documentReindexResultSchema = z.object({
  summary: z.string(),
  documents: z
    .array(documentRefSchema)
    .describe('The documents of the file after re-reading it, the re-indexed one among them.'),
  report: ingestReportSchema,
  vectors: z
    .object({
      embedded: z.number().int().describe('Chunks given a vector by this re-index.'),
      pending: z.number().int().describe('Chunks still without one, left for the next run.'),
      removed: z
        .number()
        .int()
        .describe(
          'Vectors removed because their passage is gone (the file changed or was deleted).',
        ),
      stopped: z.string().optional().describe('Why embedding stopped early, when it did.'),
    })
    .optional()
    .describe('Only when dense retrieval is on (EMBEDDINGS_MODEL): what embedding did.'),
});
export type DocumentReindexResult = z.infer<typeof documentReindexResultSchema>;

const isoTime = z.string().describe('ISO 8601 time');

/**
 * A webhook message that holds its session back: the session's first undelivered one, refused
 * at least once, so that none of the session's later messages is sent until it is accepted.
 */
export const heldOutboxMessageSchema = z.object({
  id: z
    .string()
    .describe(
      'The delivery id (`X-Support-Agent-Delivery`); `POST /v1/admin/outbox/{id}/skip` gives up on it.',
    ),
  topic: z.string(),
  sessionId: z.string(),
  createdAt: isoTime,
  attempts: z.number().int().describe('Tries so far, each refused.'),
  lastError: z.string().nullable(),
  nextAttemptAt: isoTime,
  waiting: z.number().int().describe("The session's later messages waiting behind it."),
});

/** `GET /v1/admin/outbox` response: the webhook's backlog. */
export const outboxBacklogSchema = z.object({
  webhook: z.boolean().describe('Whether a webhook is configured.'),
  undelivered: z.number().int().describe('Messages not delivered yet (skipped ones left out).'),
  failing: z.number().int().describe('Of those, the ones refused at least once.'),
  oldestCreatedAt: isoTime.nullable(),
  lastError: z.string().nullable().describe('The error of the message tried last.'),
  heldSessions: z.number().int().describe('Sessions held back by a refused message.'),
  heldBy: z
    .array(heldOutboxMessageSchema)
    .describe('The messages that hold them, the oldest first, 20 at most.'),
});
export type OutboxBacklogView = z.infer<typeof outboxBacklogSchema>;

/** `POST /v1/admin/outbox/:id/skip` response: the message given up on. */
export const outboxSkipResultSchema = z.object({
  id: z.string(),
  topic: z.string(),
  sessionId: z.string().nullable(),
  createdAt: isoTime,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  skippedAt: isoTime.describe('When it was first skipped: skipping it again changes nothing.'),
});
export type OutboxSkipResult = z.infer<typeof outboxSkipResultSchema>;
