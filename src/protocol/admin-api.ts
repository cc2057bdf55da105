/**
 * The REST shapes of `/v1/admin`, the staff's side of the API: the routes validate requests with
 * them and type their responses by them, and the OpenAPI document is generated from them. As in
 * `api.ts`, bodies refuse unknown fields and queries ignore unknown parameters.
 */
import { z } from 'zod';
import { toolPolicySchema } from '../config/index.js';
import { MAX_MESSAGE_CHARS, sessionViewSchema } from './api.js';
import { escalationInfoSchema } from './events.js';

const isoTime = z.string().describe('ISO 8601 time');

const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/** Most files one upload (`POST /v1/admin/documents`) may carry. */
export const MAX_UPLOAD_FILES = 20;

/**
 * `GET /v1/admin/documents` query. A scope that no document can have is a 400, as a bad ticket
 * filter is, not an empty list that reads as "no documents".
 */
export const documentListQuerySchema = z
  .object({
    scope: z
      .string()
      .toLowerCase()
      .regex(/^(kb|session:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
        error: (issue) =>
          `must be "kb" (the knowledge base) or "session:<session id>" (one session's attachments), not ${JSON.stringify(String(issue.input).slice(0, 60))}`,
      })
      .default('kb')
      .describe('`kb` for the knowledge base, `session:<id>` for one session’s attachments.'),
    limit: page.limit,
    after: cursorParameter(
      'after',
      readDocumentListAfter,
      "must be the `nextAfter` of the list's previous page, as it was given",
      // A source is a path or a web address, of up to a few thousand characters.
      12_000,
    )
      .optional()
      .describe(
        "The previous page's `nextAfter`: the documents after its last one, in the list's order. A document added or deleted meanwhile shifts no other from one page to the next.",
      ),
    // Without a default, so that an `offset` given with `after` is told apart from none.
    offset: page.offset
      .unwrap()
      .optional()
      .describe(
        'Documents to skip from the start of the list (0 when left out); a document added or deleted meanwhile shifts the pages that follow, which `after` does not.',
      ),
  })
  .refine((query) => !(query.after !== undefined && query.offset !== undefined), {
    message: 'give "after" or "offset", not both',
  });

/**
 * The `nextAfter` of a document list page that ends with `last`: opaque to clients (base64url of
 * `[source, docKey]`), the list's own order being by source, then key.
 */
export function documentListCursor(last: { source: string; docKey: string }): string {
  return pairCursor(last.source, last.docKey);
}

/** A {@link documentListCursor} read back, or undefined for anything that is not one. */
function readDocumentListAfter(value: string): { source: string; docKey: string } | undefined {
  const [source, docKey] = readPairCursor(value) ?? [];
  if (source === undefined || docKey === undefined || source.length === 0) return undefined;
  return { source, docKey };
}

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
      // A query parameter given twice (`?status=open&status=closed`) comes as a list.
      if (Array.isArray(issue.input)) {
        return `is given ${issue.input.length} times: give one of ${choices}, once`;
      }
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

/** Most characters of a ticket's assignee: a person's name or e-mail address, never longer. */
export const MAX_ASSIGNEE_CHARS = 200;

/**
 * The characters that turn the direction of the text around: in a name, they make "Sam" show
 * as some other name, wherever it is shown.
 */
const NO_DIRECTION_MARKS = /^[^\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*$/u;

/**
 * A person on the staff, as staff name them (free text: a name or an e-mail address). Spaces
 * around it are dropped, so that "alice " and "alice" are one person to the list's filter;
 * control characters are refused, as no name has them and a log line or a page would show them,
 * and so are those that turn the text around, with which a ticket given to one person would
 * read, in the console and at the webhook's receiver, as given to another.
 */
const assignee = z
  .string()
  .trim()
  // Composed (NFC), as names are stored: "José" typed with a combining accent is the same name.
  .normalize('NFC')
  .min(1)
  .max(MAX_ASSIGNEE_CHARS)
  .regex(/^[^\p{Cc}]*$/u, { message: 'must not contain control characters' })
  .regex(NO_DIRECTION_MARKS, {
    message: 'must not contain characters that change the direction of the text',
  });

/** Where a page of the ticket list starts: right after this ticket, in the list's order. */
export interface TicketListCursor {
  /** UTC ISO time with milliseconds, the form times are stored in. */
  createdAt: string;
  id: string;
}

/**
 * The `nextBefore` of a ticket list page that ends with `last`: opaque to clients, so that it
 * can say both when the last ticket was opened and which of the tickets opened at that moment
 * it was (a time alone cannot, and tickets can share one).
 */
export function ticketListCursor(last: { createdAt: string; id: string }): string {
  return timeIdCursor(last.createdAt, last.id);
}

/**
 * A list cursor of two strings: opaque to clients (base64url of `[a, b]`), so that it can name
 * where a page ended by two keys of the list's order.
 */
function pairCursor(a: string, b: string): string {
  return Buffer.from(JSON.stringify([a, b])).toString('base64url');
}

/** A {@link pairCursor} read back, or undefined for anything that is not one. */
function readPairCursor(value: string): [string, string] | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
  const [a, b] = decoded as unknown[];
  if (typeof a !== 'string' || typeof b !== 'string') return undefined;
  // No list writes a NUL character into a cursor (PostgreSQL text cannot hold one): one that has
  // it was made by hand, and is refused here as a cursor, on every database alike.
  return a.includes('\u0000') || b.includes('\u0000') ? undefined : [a, b];
}

/**
 * A list cursor of a time and an id (see {@link pairCursor}), so that it can say both when the
 * last item of a page was and which of the items of that moment it was.
 */
function timeIdCursor(time: string, id: string): string {
  return pairCursor(time, id);
}

/** A {@link timeIdCursor} read back, or undefined for anything that is not one. */
function readTimeIdCursor(value: string): { time: string; id: string } | undefined {
  const [time, id] = readPairCursor(value) ?? [];
  if (time === undefined || id === undefined || !STORED_TIME.test(time)) return undefined;
  // A time as it is stored, read back to itself: not a day that no calendar has (`Date` rolls
  // 2026-02-30 over into March), nor the year 0, which PostgreSQL's times do not have.
  const ms = Date.parse(time);
  if (Number.isNaN(ms) || new Date(ms).toISOString() !== time || time.startsWith('0000')) {
    return undefined;
  }
  if (id.length === 0 || id.length > 200) return undefined;
  return { time, id };
}

/**
 * A list's cursor parameter (`before`, `after`, named `name`): read by `read`, or refused with a
 * 400 that says it is not a valid cursor, what it must be (`message`), and to start again from
 * the first page. At most `maxLength` characters.
 */
function cursorParameter<T>(
  name: string,
  read: (value: string) => T | undefined,
  message: string | ((value: string) => string),
  maxLength = 1000,
) {
  return z
    .string()
    .max(maxLength)
    .transform((value, ctx) => {
      const cursor = read(value);
      if (cursor !== undefined) return cursor;
      const must = typeof message === 'string' ? message : message(value);
      ctx.addIssue({
        code: 'custom',
        message: `not a valid cursor: it ${must}. Start again from the first page, without \`${name}\``,
      });
      return z.NEVER;
    });
}

/** A date alone, as a person types one (`2026-11-01`). */
const DATE_ONLY = /^\d{4}-\d\d-\d\d$/;

/**
 * A time given as a list's `before`, in the stored form (UTC, ISO, with milliseconds): an ISO
 * time in any offset, or a date alone, which is the start of that day in UTC, so that "before
 * 2026-11-01" is what came before the 1st of November, the 31st of October included. A time
 * finer than the millisecond is rounded up: times are stored at the millisecond, so "older than
 * 55.0651" is "older than 55.066". Undefined for anything else (a day that no calendar has, such
 * as 2026-02-30, included).
 */
function readListTime(value: string): string | undefined {
  const time = listTime(value);
  // The year 0 is no time PostgreSQL stores, nor one a list holds.
  return time === undefined || !STORED_TIME.test(time) || time.startsWith('0000')
    ? undefined
    : time;
}

/** {@link readListTime} before its range is checked. */
function listTime(value: string): string | undefined {
  if (DATE_ONLY.test(value)) {
    const start = new Date(`${value}T00:00:00.000Z`);
    // `Date` rolls a day past the month's end over into the next month rather than refuse it.
    return !Number.isNaN(start.getTime()) && start.toISOString().startsWith(value)
      ? start.toISOString()
      : undefined;
  }
  if (!z.iso.datetime({ offset: true }).safeParse(value).success) return undefined;
  const finer = /[1-9]/.test(/\.\d{3}(\d*)/.exec(value)?.[1] ?? '');
  const ms = Date.parse(value) + (finer ? 1 : 0);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A ticket list `before` read back: a `nextBefore` the list gave, or undefined. */
function readTicketListBefore(value: string): TicketListCursor | undefined {
  const cursor = readTimeIdCursor(value);
  return cursor && { createdAt: cursor.time, id: cursor.id };
}

/**
 * `GET /v1/admin/tickets` query: each filter given narrows the list (`?priority=urgent&status=open`
 * is the urgent tickets still open); a value that is not one of the known ones is a 400, not an
 * empty list that looks like "no such tickets". A page starts after the previous page's
 * `nextBefore` (`before`), or, as earlier versions paged, `offset` tickets in; not both.
 */
export const ticketListQuerySchema = z
  .object({
    status: oneOf(TICKET_STATUSES).optional(),
    priority: oneOf(TICKET_PRIORITIES).optional(),
    category: oneOf(TICKET_CATEGORIES).optional(),
    assignee: assignee
      .optional()
      .describe(
        'The tickets given to this person: the name or e-mail as it was set, in any letter case.',
      ),
    unassigned: z
      .enum(['true'])
      .optional()
      .describe('`true`: only the tickets given to no one (the queue still to be picked up).'),
    limit: page.limit,
    before: cursorParameter('before', readTicketListBefore, (value) =>
      // A time or a date is no place in the list: tickets opened at one moment are told apart
      // by their ids, which only a `nextBefore` carries.
      readListTime(value) !== undefined || DATE_ONLY.test(value)
        ? "must be the `nextBefore` of the list's previous page, as it was given: the ticket list is paged by it, not by a date or a time"
        : "must be the `nextBefore` of the list's previous page, as it was given",
    )
      .optional()
      .describe(
        "The previous page's `nextBefore`: the tickets after its last one, in the list's order. Tickets opened since then are newer, so they neither repeat nor push a ticket off the next page.",
      ),
    // Without a default, so that an `offset` given with `before` is told apart from none.
    offset: page.offset
      .unwrap()
      .optional()
      .describe(
        'Tickets to skip from the start of the list (0 when left out); a ticket opened meanwhile shifts the pages that follow, which `before` does not.',
      ),
  })
  .refine((query) => !(query.assignee !== undefined && query.unassigned !== undefined), {
    message: 'give "assignee" or "unassigned", not both',
  })
  .refine((query) => !(query.before !== undefined && query.offset !== undefined), {
    message: 'give "before" or "offset", not both',
  });

/** Most characters of the name a person on the staff signs a message with. */
const MAX_STAFF_AUTHOR_CHARS = 80;

/**
 * `POST /v1/admin/sessions/:id/messages` body: what a person on the staff writes to the
 * customer, and the name they sign it with. Spaces around either are dropped; a message of
 * spaces only is refused. The name is shown to the customer as it is, as plain text: it is one
 * line, without control characters or those that turn the direction of the text around (which
 * would make "Sam" show as some other name).
 */
export const staffMessageBodySchema = z.strictObject({
  text: z
    .string()
    .trim()
    .min(1)
    .max(MAX_MESSAGE_CHARS, {
      message: `is too long; the limit is ${MAX_MESSAGE_CHARS} characters`,
    }),
  author: z
    .string()
    .trim()
    .min(1)
    .max(MAX_STAFF_AUTHOR_CHARS, {
      message: `is too long; the limit is ${MAX_STAFF_AUTHOR_CHARS} characters`,
    })
    .regex(/^[^\p{Cc}]*$/u, { message: 'must not contain control characters' })
    .regex(NO_DIRECTION_MARKS, {
      message: 'must not contain characters that change the direction of the text',
    })
    .nullable()
    .optional()
    .describe(
      `The name of the person writing, as the customer is to see it with the message (1 to ${MAX_STAFF_AUTHOR_CHARS} characters of plain text, spaces around it dropped); without it (or null) the message has no author.`,
    ),
});

/**
 * `PATCH /v1/admin/tickets/:id` body: any of `status`, `priority` and `assignee`, at least one.
 * `assignee: null` gives the ticket back to no one.
 */
export const ticketPatchSchema = z
  .strictObject({
    status: oneOf(TICKET_STATUSES).optional(),
    priority: oneOf(TICKET_PRIORITIES).optional(),
    assignee: assignee
      .nullable()
      .optional()
      .describe(
        `The person on the staff to give the ticket to (a name or an e-mail, at most ${MAX_ASSIGNEE_CHARS} characters); null for no one.`,
      ),
  })
  .refine(
    (change) =>
      change.status !== undefined || change.priority !== undefined || change.assignee !== undefined,
    { message: 'give at least one of "status", "priority" or "assignee" to change' },
  );

/** Where a page of the session list starts: right after this session, in the list's order. */
export interface SessionListCursor {
  /** UTC ISO time with milliseconds, the form times are stored in. */
  lastMessageAt: string;
  /** Absent for a time given alone: the page starts at the sessions strictly older than it. */
  sessionId?: string;
}

/** A stored time: UTC, ISO, with milliseconds. */
const STORED_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * The `nextBefore` of a session list page that ends with `last`: opaque to clients, so that it
 * can say both where the page ended and which of the sessions last active at that moment it
 * ended with (a time alone cannot, and sessions often share one).
 */
export function sessionListCursor(last: { lastMessageAt: string; sessionId: string }): string {
  return timeIdCursor(last.lastMessageAt, last.sessionId);
}

/**
 * A `before` as the session list reads it: a `nextBefore` it gave, or (as earlier versions
 * took) a time, or a date, as {@link readListTime} reads them. Undefined for anything else.
 */
function readSessionListBefore(value: string): SessionListCursor | undefined {
  const time = readListTime(value);
  if (time !== undefined) return { lastMessageAt: time };
  const cursor = readTimeIdCursor(value);
  return cursor && { lastMessageAt: cursor.time, sessionId: cursor.id };
}

/** `GET /v1/admin/sessions` query. */
export const sessionListQuerySchema = z.object({
  limit: page.limit,
  before: cursorParameter(
    'before',
    readSessionListBefore,
    "must be the `nextBefore` of the list's previous page, an ISO time with its offset (2026-11-01T09:30:00Z) or a date (2026-11-01: the sessions last active before that day began, in UTC)",
  )
    .optional()
    .describe(
      "The previous page's `nextBefore`. A time is still taken, as earlier versions did: an ISO time in any offset (`2026-11-01T09:30:00+01:00`), the sessions last active strictly before it, or a date (`2026-11-01`), those last active before that day began, in UTC.",
    ),
});

/** `GET /v1/admin/sessions/:id` and ticket transcripts query. */
export const transcriptQuerySchema = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('The previous page’s `nextAfter`: the messages after that `seq`.'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/**
 * `POST /v1/admin/search` body: the search playground. Numbers are JSON numbers, as in every
 * other body: `"5"` is refused, not read as 5.
 */
export const adminSearchBodySchema = z.strictObject({
  query: z.string().min(1).max(2000),
  /**
   * Session scopes to search with the knowledge base, e.g. a session's attachments. In any
   * letter case, as the other routes take a session id: its scope is stored in lowercase, and
   * an id in capitals would otherwise search none of its files, without a word.
   */
  sessionId: z
    .string()
    .uuid({ message: 'must be a session id (a UUID)' })
    .toLowerCase()
    .optional()
    .describe('A session whose attachments are searched with the knowledge base.'),
  topK: z.number().int().min(1).max(50).optional(),
});

/** `POST /v1/admin/documents/:id/reindex` body: none, or an empty object. */
export const documentReindexBodySchema = z.strictObject({});

/**
 * `POST /v1/admin/tools/:name/reset` and `POST /v1/admin/outbox/:id/skip` body: none, or an
 * empty object. An option sent is refused, not dropped: a reset meant for one instance would
 * close the breaker on every one.
 */
export const noOptionsBodySchema = z.strictObject({});

/** What an ingestion did: files read, documents added, updated or removed, files that failed. */
export const ingestReportSchema = z.object({
  files: z.number().int().nonnegative(),
  unchangedFiles: z
    .number()
    .int()
    .nonnegative()
    .describe('Files whose bytes had not changed since they were last read: not even parsed.'),
  documents: z.object({
    added: z.number().int().nonnegative(),
    updated: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative(),
  }),
  chunksWritten: z.number().int().nonnegative(),
  pruned: z.number().int().nonnegative(),
  failed: z
    .array(z.object({ path: z.string(), reason: z.string() }))
    .describe('Files that were not stored, each with the reason; the others were.'),
  skipped: z
    .array(z.object({ path: z.string(), kind: z.string() }))
    .describe(
      'Files in a folder read that are not articles (pictures, styles, scripts…), with their kind: not read. An upload names none.',
    ),
  duplicates: z
    .array(z.object({ path: z.string(), sameAs: z.string() }))
    .describe(
      'Files whose bytes are stored already under another source (`sameAs`): not added a second time.',
    ),
});
export type IngestReportView = z.infer<typeof ingestReportSchema>;

/** A stored document, as upload and re-index name it: by the id the other document routes take. */
export const documentRefSchema = z.object({
  id: z.string(),
  source: z
    .string()
    .describe('Where it came from: `uploads/<file name>` (without folders) for an upload.'),
  title: z.string(),
  chunkCount: z.number().int().nonnegative(),
});

/**
 * `POST /v1/admin/documents` response: 201 when a file was stored, 200 when every file was stored
 * already, 422 when none was stored and some could not be (`report.failed`).
 */
export const documentUploadResultSchema = z.object({
  summary: z.string(),
  documents: z
    .array(documentRefSchema)
    .describe(
      'The documents stored from the uploaded files (a file may hold several, e.g. an FAQ), and for a file whose bytes were stored already the document that holds them, with the ids to delete or re-index them by.',
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
      embedded: z.number().int().nonnegative().describe('Chunks given a vector by this re-index.'),
      pending: z
        .number()
        .int()
        .nonnegative()
        .describe('Chunks still without one, left for the next run.'),
      removed: z
        .number()
        .int()
        .nonnegative()
        .describe(
          'Vectors removed because their passage is gone (the file changed or was deleted).',
        ),
      stopped: z.string().optional().describe('Why embedding stopped early, when it did.'),
    })
    .optional()
    .describe('Only when dense retrieval is on (EMBEDDINGS_MODEL): what embedding did.'),
});
export type DocumentReindexResult = z.infer<typeof documentReindexResultSchema>;

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
  attempts: z.number().int().nonnegative().describe('Tries so far, each refused.'),
  lastError: z.string().nullable(),
  nextAttemptAt: isoTime,
  waiting: z
    .number()
    .int()
    .nonnegative()
    .describe("The session's later messages waiting behind it."),
});

/** `GET /v1/admin/outbox` response: the webhook's backlog. */
export const outboxBacklogSchema = z.object({
  webhook: z.boolean().describe('Whether a webhook is configured.'),
  undelivered: z
    .number()
    .int()
    .nonnegative()
    .describe('Messages not delivered yet (skipped ones left out).'),
  failing: z.number().int().nonnegative().describe('Of those, the ones refused at least once.'),
  oldestCreatedAt: isoTime.nullable(),
  lastError: z.string().nullable().describe('The error of the message tried last.'),
  heldSessions: z.number().int().nonnegative().describe('Sessions held back by a refused message.'),
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
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  skippedAt: isoTime.describe('When it was first skipped: skipping it again changes nothing.'),
});
export type OutboxSkipResult = z.infer<typeof outboxSkipResultSchema>;

/** A stored document, as the staff's list shows it. */
export const documentSchema = z.object({
  id: z.string(),
  scope: z
    .string()
    .describe('`kb` for the knowledge base, `session:<id>` for one session’s attachments.'),
  source: z
    .string()
    .describe('The file or web address it came from; `uploads/<file name>` for an upload.'),
  docKey: z
    .string()
    .describe('The document’s key within its file (empty when the file is one document).'),
  title: z.string(),
  url: z.string().nullable(),
  format: z.string(),
  fileHash: z.string().describe('SHA-256 of the whole file.'),
  contentHash: z.string().describe('SHA-256 of the document’s parsed content.'),
  chunkCount: z.number().int().nonnegative(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

/** `GET /v1/admin/documents` response: a page of a scope's documents, by source. */
export const documentListSchema = z.object({
  items: z.array(documentSchema),
  total: z.number().int().nonnegative().describe('The documents of the scope in all.'),
  nextAfter: z
    .string()
    .nullable()
    .describe(
      'Pass as `after` (with the same scope) for the next page (an opaque cursor); null on the last page.',
    ),
});
export type DocumentList = z.infer<typeof documentListSchema>;

/** `DELETE /v1/admin/documents/:id` response. */
export const documentDeletedSchema = z.object({
  removed: z
    .number()
    .int()
    .nonnegative()
    .describe('Documents removed: every document of the file.'),
  source: z.string(),
});
export type DocumentDeleted = z.infer<typeof documentDeletedSchema>;

/** `POST /v1/admin/search` response: the passages found, best first, and how they were found. */
export const adminSearchResultSchema = z.object({
  mode: z.enum(['lexical', 'hybrid']),
  hits: z.array(
    z.object({
      chunkId: z.number().int().nonnegative(),
      documentId: z.string(),
      title: z.string(),
      headingPath: z.array(z.string()),
      source: z.string(),
      url: z.string().nullable(),
      text: z.string(),
      score: z.number().describe('Higher is better; comparable only within one search.'),
      snippet: z.string().describe('The passage, HTML-escaped, its matched words in `<mark>`.'),
    }),
  ),
  reason: z
    .enum(['no_searchable_words', 'nothing_relevant'])
    .optional()
    .describe('Why there are no hits, when there are none.'),
  degraded: z
    .enum(['dense_unavailable'])
    .optional()
    .describe('Dense retrieval is configured but could not be used for this search.'),
  spelling: z
    .array(z.object({ from: z.string(), to: z.string() }))
    .optional()
    .describe('Words of the query searched in another spelling.'),
  related: z
    .array(z.object({ from: z.string(), to: z.string(), weight: z.number() }))
    .optional()
    .describe('Words searched at a weight of their own, each for a word or phrase of the query.'),
});
export type AdminSearchResult = z.infer<typeof adminSearchResultSchema>;

/** A ticket for a person to follow a session up. */
export const ticketSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  status: z.enum(TICKET_STATUSES),
  priority: z.string().describe('One of `low`, `normal`, `high` or `urgent`.'),
  category: z.string().describe('The queue: one of the categories `category` filters by.'),
  summary: z.string(),
  reasons: z.array(z.string()),
  assignee: z
    .string()
    .nullable()
    .describe('The person on the staff the ticket is given to; null for no one.'),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type TicketView = z.infer<typeof ticketSchema>;

/** `GET /v1/admin/tickets` response. */
export const ticketListSchema = z.object({
  items: z.array(ticketSchema),
  total: z.number().int().nonnegative().describe('The tickets matching the filters, in all.'),
  nextBefore: z
    .string()
    .nullable()
    .describe(
      'Pass as `before` (with the same filters) for the next page (an opaque cursor); null on the last page.',
    ),
});
export type TicketList = z.infer<typeof ticketListSchema>;

/** A file a customer attached to a message, as the staff see it. */
export const transcriptAttachmentSchema = z.object({
  id: z
    .string()
    .describe(
      'Downloads it: `GET /v1/admin/sessions/{id}/attachments/{attachmentId}`, while the session lasts (its files go when it ends or is erased).',
    ),
  name: z.string().describe('The file name the customer’s client sent, made safe.'),
  size: z.number().int().nonnegative().describe('Its size in bytes.'),
  mediaType: z
    .string()
    .describe('Its type, told by its bytes (not by its name), e.g. `image/png`, `text/plain`.'),
  read: z
    .boolean()
    .nullable()
    .describe(
      'Whether its text was read into the session’s knowledge, for the answers; null while its turn runs (or when its turn stored no reply).',
    ),
  problem: z
    .enum([
      'unsupported',
      'image',
      'empty',
      'protected',
      'damaged',
      'too_large',
      'too_slow',
      'failed',
    ])
    .optional()
    .describe('Why it was not read (a picture is `image`), when it was not.'),
  cardsHidden: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe(
      'Card numbers hidden in the copy kept of this text file, as in a message: the download is not byte for byte what was sent. Absent when none were.',
    ),
  withheld: z
    .enum(['card_numbers'])
    .optional()
    .describe(
      'Its bytes were deleted once it was read (404 to download): its text has card numbers, which cannot be hidden in a PDF or a Word document. Pictures are not looked into.',
    ),
});
export type TranscriptAttachment = z.infer<typeof transcriptAttachmentSchema>;

/** A message of a transcript, as the staff read it: with what the reply was built from. */
export const transcriptMessageSchema = z.object({
  id: z.string(),
  seq: z.number().int().nonnegative(),
  role: z.enum(['user', 'assistant', 'staff']),
  text: z.string(),
  author: z
    .string()
    .nullable()
    .optional()
    .describe(
      'A staff message: the name its author signed it with; null when they gave none. Absent for the customer’s messages and the replies.',
    ),
  createdAt: isoTime,
  requestId: z.string().nullable(),
  attachments: z
    .array(transcriptAttachmentSchema)
    .optional()
    .describe('The files the customer attached to this message, when any.'),
  metadata: z
    .record(z.string(), z.unknown())
    .describe('What the turn stored with it: a reply’s sources, escalation, timings…'),
});
export type TranscriptMessage = z.infer<typeof transcriptMessageSchema>;

/** A page of a transcript, oldest first. */
const transcriptPage = {
  transcript: z.array(transcriptMessageSchema),
  nextAfter: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe('Pass as `after` for the messages that follow; null when there are no more.'),
};

/**
 * How staff can reach the customer of a ticket or a session: the details the customer gave in
 * the conversation (and the assistant remembered), the newest of each kind. Personal data: it is
 * in the admin API and the webhook, never in a log.
 */
export const ticketContactSchema = z
  .object({
    name: z.string().nullable().describe('The name the customer gave, the newest; null if none.'),
    email: z.string().nullable().describe('The newest e-mail address they gave; null if none.'),
    phone: z.string().nullable().describe('The newest phone number they gave; null if none.'),
  })
  .describe(
    'The customer’s contact details given in the conversation, the newest of each kind (also one given after the ticket was opened); a field is null when none was given.',
  );
export type TicketContact = z.infer<typeof ticketContactSchema>;

/** `GET /v1/admin/tickets/:id` response. */
export const ticketDetailSchema = z.object({
  ticket: ticketSchema,
  contact: ticketContactSchema,
  ...transcriptPage,
});
export type TicketDetail = z.infer<typeof ticketDetailSchema>;

/** Said of `contact` in the webhook's payloads. */
const WEBHOOK_CONTACT =
  'The customer’s contact details as known when the event was queued, with any this message gave; left out when they could not be read then (the admin API reads them live).';

/** A message of the conversation, as a webhook payload carries it. */
const webhookMessage = z.object({
  role: z.enum(['user', 'assistant', 'staff']),
  text: z.string(),
  author: z
    .string()
    .optional()
    .describe('A `staff` message only: the name its writer gave, when they gave one.'),
});

/**
 * The JSON body of each webhook topic (the topic is the `X-Support-Agent-Topic` header). Each
 * event about a ticket carries the customer's `contact` as it stood when it was queued: a
 * receiver keeps the one of the latest event.
 */
export const webhookPayloadSchemas = {
  'ticket.created': z.object({
    ticket: ticketSchema
      .omit({ createdAt: true, updatedAt: true, assignee: true })
      .describe('The ticket as it was opened (given to no one yet).'),
    contact: ticketContactSchema.optional().describe(WEBHOOK_CONTACT),
    transcript: z.array(webhookMessage).describe('The conversation so far, oldest first.'),
  }),
  'ticket.message_added': z.object({
    ticketId: z.string(),
    sessionId: z.string(),
    message: z.string().describe('The customer’s new message.'),
    contact: ticketContactSchema.optional().describe(WEBHOOK_CONTACT),
  }),
  'ticket.updated': z.object({
    ticket: ticketSchema.describe('The ticket reopened or raised.'),
    from: ticketSchema.pick({ status: true, priority: true, category: true }),
    sessionId: z.string(),
    message: z.string().describe('The customer’s message that reopened or raised it.'),
    contact: ticketContactSchema.optional().describe(WEBHOOK_CONTACT),
  }),
  'ticket.status_changed': z.object({
    ticket: ticketSchema.describe(
      'The ticket as the change left it; a priority or assignee changed with the status comes in the `ticket.changed` that follows.',
    ),
    from: z.enum(TICKET_STATUSES),
    to: z.enum(TICKET_STATUSES),
    contact: ticketContactSchema.optional().describe(WEBHOOK_CONTACT),
  }),
  'ticket.changed': z.object({
    ticket: ticketSchema.describe(
      'The ticket as the change left it (after the `ticket.status_changed` of a status changed with it).',
    ),
    from: ticketSchema
      .pick({ priority: true, assignee: true })
      .describe('Its priority and assignee before the change.'),
    contact: ticketContactSchema.optional().describe(WEBHOOK_CONTACT),
  }),
  'ticket.erased': z.object({
    ticket: z.object({ id: z.string() }),
    reason: z.enum(['request', 'retention']).describe('Erased on request, or by `RETENTION_DAYS`.'),
    erasedAt: isoTime,
  }),
} as const;

/** `GET /v1/admin/sessions` response: sessions with messages, the latest activity first. */
export const sessionListSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      transcriptMessages: z
        .number()
        .int()
        .nonnegative()
        .describe(
          'The customer’s messages and the replies (a session’s `messageCount` counts the customer’s only).',
        ),
      firstMessageAt: isoTime,
      lastMessageAt: isoTime,
    }),
  ),
  nextBefore: z
    .string()
    .nullable()
    .describe('Pass as `before` for the next page (an opaque cursor); null on the last page.'),
});
export type SessionList = z.infer<typeof sessionListSchema>;

/** `GET /v1/admin/sessions/:id` response. */
export const sessionDetailSchema = z.object({
  id: z.string(),
  session: sessionViewSchema
    .nullable()
    .describe('The live session; null once it has expired (its transcript stays).'),
  ticket: ticketSchema
    .nullable()
    .describe(
      'The ticket the session was handed over with (its `id` and `status` say where it stands); null when it was not handed over to a person.',
    ),
  contact: ticketContactSchema.describe(
    'The customer’s contact details given in the conversation, the newest of each kind, read live; a field is null when none was given, with or without a ticket.',
  ),
  ...transcriptPage,
});
export type SessionDetail = z.infer<typeof sessionDetailSchema>;

/** A tool's circuit breaker. */
export const breakerSchema = z.object({
  state: z.enum(['closed', 'open', 'half_open']),
  consecutiveFailures: z.number().int().nonnegative(),
  lastFailureAt: z.number().nullable().describe('Epoch milliseconds of the last failure.'),
  lastError: z.string().nullable(),
  nextProbeAt: z
    .number()
    .nullable()
    .describe('Epoch milliseconds when an open breaker lets a probe through; null unless open.'),
});

/** A tool's recent figures on one instance. */
const toolStatsSchema = z.object({
  calls: z.number().int().nonnegative().describe('Calls since the process started.'),
  failures: z.number().int().nonnegative().describe('Calls that did not end `ok`.'),
  p50Ms: z
    .number()
    .nullable()
    .describe(
      'Nearest-rank, over the recent calls that ran the tool to an outcome (not those refused by its breaker, its concurrency cap or input validation, nor those cancelled by their caller); null before the first.',
    ),
  p95Ms: z.number().nullable(),
  lastOutcome: z.string().nullable(),
});

const instanceIdSchema = z
  .string()
  .describe('An instance: its host name, process id and a random part.');

const healthScopeSchema = z
  .enum(['all_instances', 'this_instance'])
  .describe(
    '`all_instances`: every live instance sharing Redis. `this_instance`: the answering instance only (REDIS_URL is not set, or Redis is unavailable; `detail` says which).',
  );

/** What every tool-health answer says first: who answered, and what the answer covers. */
const answeredBy = {
  instance: instanceIdSchema.describe('The instance that answered.'),
  scope: healthScopeSchema,
  detail: z.string().describe('What `scope` covers and why, in words.'),
};

/** One instance in a tool-health answer's list of them; each list adds what it says of it. */
const instanceEntrySchema = z.object({
  instance: instanceIdSchema,
  self: z.boolean().describe('True for the instance that answered.'),
});

/** `GET /v1/admin/tools` response: each tool's health and the policy it is called with. */
export const toolListSchema = z.object({
  ...answeredBy,
  instances: z
    .array(
      instanceEntrySchema.extend({
        reportedAt: z
          .number()
          .describe('Epoch milliseconds of its last report (now for the answering one).'),
      }),
    )
    .describe(
      'The live instances, the answering one first. An instance reports every few seconds; one that stops drops out within 15 s.',
    ),
  items: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      breaker: breakerSchema.describe('The breaker on the instance that answered.'),
      stats: toolStatsSchema.describe('The figures of the instance that answered.'),
      policy: toolPolicySchema,
      instances: z
        .array(instanceEntrySchema.extend({ breaker: breakerSchema, stats: toolStatsSchema }))
        .describe('The tool on every live instance that has it, the answering one first.'),
      notClosedOn: z
        .array(instanceIdSchema)
        .describe(
          'The instances whose breaker for this tool is open or half-open; empty when it is closed everywhere.',
        ),
    }),
  ),
});
export type ToolList = z.infer<typeof toolListSchema>;

/** `POST /v1/admin/tools/:name/reset` response: the breaker, closed, on every instance. */
export const toolResetSchema = z.object({
  name: z.string(),
  breaker: breakerSchema.describe('The breaker on the instance that answered.'),
  ...answeredBy,
  instances: z
    .array(
      instanceEntrySchema.extend({
        breaker: breakerSchema
          .nullable()
          .describe('Its breaker after the reset; null when that instance has no such tool.'),
      }),
    )
    .describe('The instances that confirmed the reset, the answering one first.'),
  unconfirmed: z
    .array(instanceIdSchema)
    .describe(
      'Live instances the reset was sent to that did not confirm it within 2 s: busy, or not listening (Redis pub/sub delivers no message twice); look again with `GET /v1/admin/tools`.',
    ),
});
export type ToolReset = z.infer<typeof toolResetSchema>;
